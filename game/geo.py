"""From real geography to hex layers: projection, the map grid, and rasterising features.

The projection is azimuthal equidistant about the map's centre: distances from the centre are
exact and, over a theatre-sized map (a few hundred km), every other distance is within a fraction
of a percent, which keeps hex distances honest everywhere on the map.

Rivers are rasterised onto hexsides: a hexside carries a river when the river's polyline crosses
the segment joining the two hex centres, so a river always forms a connected chain of hexsides and
a unit moving between two hexes crosses it exactly when the real river lies between them. Roads and
railways are rasterised onto hex-to-hex connections along the hexes their polyline passes through.

A map is pointy-top (odd-r offset rows, the default) or flat-top (odd-q offset columns); the axial
coordinates, the direction order of hexside arrays and every rule are the same for both, only the
rectangle of hexes and the km layout differ.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from game import hexgrid
from game.enums import River, Terrain
from game.hexgrid import Hex, Layout

EARTH_RADIUS_KM = 6371.0088
_WATER, _LAKE = int(Terrain.WATER), int(Terrain.LAKE)  # plain ints: read on every move

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]
Orientation = Literal["pointy", "flat"]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on the mean-radius sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Projection:
    """Azimuthal equidistant projection; x grows east, y grows south (screen order), in km."""

    lat0: float
    lon0: float

    def project(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        phi = np.radians(np.asarray(lat, dtype=np.float64))
        lam = np.radians(np.asarray(lon, dtype=np.float64)) - math.radians(self.lon0)
        phi0 = math.radians(self.lat0)
        cos_c = np.sin(phi0) * np.sin(phi) + np.cos(phi0) * np.cos(phi) * np.cos(lam)
        c = np.arccos(np.clip(cos_c, -1.0, 1.0))
        sin_c = np.sin(c)
        k = np.where(c > 1e-12, c / np.where(sin_c == 0.0, 1.0, sin_c), 1.0)
        x = EARTH_RADIUS_KM * k * np.cos(phi) * np.sin(lam)
        north = (
            EARTH_RADIUS_KM
            * k
            * (np.cos(phi0) * np.sin(phi) - np.sin(phi0) * np.cos(phi) * np.cos(lam))
        )
        return x, -north

    def unproject(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        xa = np.asarray(x, dtype=np.float64)
        north = -np.asarray(y, dtype=np.float64)
        rho = np.hypot(xa, north)
        c = rho / EARTH_RADIUS_KM
        phi0 = math.radians(self.lat0)
        safe_rho = np.where(rho == 0.0, 1.0, rho)
        phi = np.arcsin(
            np.clip(
                np.cos(c) * math.sin(phi0) + north * np.sin(c) * math.cos(phi0) / safe_rho, -1, 1
            )
        )
        lam = np.arctan2(
            xa * np.sin(c), rho * math.cos(phi0) * np.cos(c) - north * math.sin(phi0) * np.sin(c)
        )
        lat = np.degrees(np.where(rho == 0.0, phi0, phi))
        lon = np.degrees(np.where(rho == 0.0, 0.0, lam)) + self.lon0
        return lat, lon


@dataclass(frozen=True)
class City:
    id: str
    name: str
    lat: float
    lon: float
    size: str
    vp: int
    supply: str
    hex: int  # flat hex index
    port: bool = False  # ships can land supply here; always a coastal hex


@dataclass(frozen=True)
class Feature:
    """A named river, road or railway kept for drawing labels and for the AI's sense of lines."""

    name: str
    kind: str
    hexes: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)
class Region:
    """A named area of the map (a weather region): the hexes whose centres lie inside it."""

    id: str
    name: str
    hexes: IntArray  # flat indices, sorted


@dataclass
class HexMap:
    """The static map: a rectangle of pointy-top (odd-r offset) or flat-top (odd-q offset) hexes
    with one array per layer.

    Flat index h = row * cols + col. Hexside arrays are `[h, 6]` in `hexgrid` direction order and
    symmetric: side d of h equals side opposite(d) of its neighbour. `water`, `coast` and
    `coastal` are derived from the terrain on each use, so they never disagree with it.
    """

    id: str
    name: str
    cols: int
    rows: int
    hex_km: float
    projection: Projection
    layout: Layout  # in km; the UI makes its own pixel layouts
    q: IntArray
    r: IntArray
    neighbor: IntArray  # [N, 6], -1 off the map
    terrain: npt.NDArray[np.uint8]
    river: npt.NDArray[np.uint8]  # [N, 6] River code
    river_id: npt.NDArray[np.int16]  # [N, 6] index into rivers, -1 none
    road: npt.NDArray[np.bool_]  # [N, 6]
    rail: npt.NDArray[np.bool_]  # [N, 6]
    city_at: npt.NDArray[np.int16]  # [N] index into cities, -1 none
    cities: list[City]
    rivers: list[Feature] = field(default_factory=list)
    routes: list[Feature] = field(default_factory=list)
    edge: dict[str, npt.NDArray[np.bool_]] = field(
        default_factory=dict
    )  # north/south/east/west rim
    orientation: Orientation = "pointy"
    # [N] water whose ice carries men, horses and supply in frozen weather (Ladoga's ice road)
    freezes: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    weather_regions: list[Region] = field(default_factory=list)
    _fingerprint: str = field(default="", repr=False, compare=False)
    # derived layers of a frozen map (`freeze`), kept since its layers can no longer change
    _derived: dict[str, npt.NDArray[np.bool_]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.freezes.shape != (self.size,):
            self.freezes = np.zeros(self.size, dtype=np.bool_)

    @property
    def size(self) -> int:
        return self.cols * self.rows

    @property
    def frozen(self) -> bool:
        """Whether the map is finished (`freeze`): its layers are read-only from then on."""
        return not self.terrain.flags.writeable

    def freeze(self) -> None:
        """Make every layer read-only once the map is built, so derived layers (water, coasts)
        and the fingerprint can be kept instead of worked out again at every use."""
        layers: tuple[npt.NDArray[np.generic], ...] = (
            self.terrain, self.river, self.river_id, self.road, self.rail,
            self.neighbor, self.city_at, self.freezes, self.q, self.r,
        )  # fmt: skip
        for layer in layers:
            layer.flags.writeable = False

    def _kept(self, name: str, make: Callable[[], npt.NDArray[np.bool_]]) -> npt.NDArray[np.bool_]:
        if not self.frozen:
            return make()
        found = self._derived.get(name)
        if found is None:
            found = make()
            found.flags.writeable = False
            self._derived[name] = found
        return found

    @property
    def water(self) -> npt.NDArray[np.bool_]:
        """[N] sea or lake: no unit stands there and nobody holds it."""

        def make() -> npt.NDArray[np.bool_]:
            found: npt.NDArray[np.bool_] = (self.terrain == _WATER) | (self.terrain == _LAKE)
            return found

        return self._kept("water", make)

    @property
    def land(self) -> npt.NDArray[np.bool_]:
        """[N] not water."""
        return self._kept("land", lambda: ~self.water)

    @property
    def coast(self) -> npt.NDArray[np.bool_]:
        """[N, 6] hexsides where land meets water (symmetric, like every hexside layer)."""

        def make() -> npt.NDArray[np.bool_]:
            water = self.water
            on_map = self.neighbor >= 0
            across = water[np.where(on_map, self.neighbor, 0)]
            found: npt.NDArray[np.bool_] = on_map & (across != water[:, None])
            return found

        return self._kept("coast", make)

    @property
    def coastal(self) -> npt.NDArray[np.bool_]:
        """[N] land hexes with a coast: where a port can be."""
        found: npt.NDArray[np.bool_] = ~self.water & self.coast.any(axis=1)
        return found

    def offset_of_axial(self, q: npt.ArrayLike, r: npt.ArrayLike) -> tuple[IntArray, IntArray]:
        """(col, row) of axial coordinates in this map's offset layout."""
        if self.orientation == "flat":
            return hexgrid.axial_to_oddq(q, r)
        return hexgrid.axial_to_oddr(q, r)

    def index(self, q: npt.ArrayLike, r: npt.ArrayLike) -> IntArray:
        """Flat indices of axial coordinates, -1 where off the map."""
        col, row = self.offset_of_axial(q, r)
        inside = (col >= 0) & (col < self.cols) & (row >= 0) & (row < self.rows)
        return np.where(inside, row * self.cols + col, -1).astype(np.int32)

    def index_of(self, h: Hex) -> int:
        return int(self.index(h.q, h.r))

    def hex_of(self, index: int) -> Hex:
        return Hex(int(self.q[index]), int(self.r[index]))

    def hex_of_latlon(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> IntArray:
        """Flat index of the hex containing each point, -1 if off the map."""
        x, y = self.projection.project(lat, lon)
        q, r = self.layout.pixel_to_hex_array(x, y)
        return self.index(q, r)

    def center_km(self, index: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        idx = np.asarray(index)
        return self.layout.hex_to_pixel_array(self.q[idx], self.r[idx])

    def center_latlon(self, index: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        return self.projection.unproject(*self.center_km(index))

    def hex_of_point(self, point: str | tuple[float, float]) -> int:
        """The hex of a place: a city id (its hex) or a [lat, lon] point; -1 if unknown or off
        the map."""
        if isinstance(point, str):
            city = self.city_by_id(point)
            return city.hex if city is not None else -1
        return int(self.hex_of_latlon(point[0], point[1]))

    def city_by_id(self, city_id: str) -> City | None:
        for c in self.cities:
            if c.id == city_id:
                return c
        return None

    def fingerprint(self) -> str:
        """A digest of every layer: two maps with one fingerprint play alike (a cache key)."""
        if not self._fingerprint or not self.frozen:
            head = f"{self.id}|{self.cols}|{self.rows}|{self.hex_km}|{self.orientation}"
            digest = hashlib.sha256(head.encode())
            for layer in (
                self.terrain,
                self.river,
                self.road,
                self.rail,
                self.neighbor,
                self.freezes,
            ):
                digest.update(np.ascontiguousarray(layer).tobytes())
            digest.update(repr([(c.id, c.hex, c.supply, c.port) for c in self.cities]).encode())
            for region in self.weather_regions:
                digest.update(region.id.encode())
                digest.update(np.ascontiguousarray(region.hexes).tobytes())
            self._fingerprint = digest.hexdigest()
        return self._fingerprint

    def offset(self, index: int) -> tuple[int, int]:
        """(col, row) as printed on the map edge."""
        return index % self.cols, index // self.cols


def grid_shape(
    hex_km: float,
    center: tuple[float, float],
    bounds: tuple[float, float, float, float],
    orientation: Orientation = "pointy",
) -> tuple[int, int]:
    """(cols, rows) of the map `make_grid` would make, computed without making it: a loader
    checks it against its limits first. Zero or less where the projection folds (bounds that
    reach round the globe from `center`)."""
    return _grid_frame(hex_km, center, bounds, orientation)[2]


def _grid_frame(
    hex_km: float,
    center: tuple[float, float],
    bounds: tuple[float, float, float, float],
    orientation: Orientation,
) -> tuple[Projection, tuple[float, float], tuple[int, int]]:
    """The projection, the km position of hex (col 0, row 0) and (cols, rows) of a map."""
    south, north, west, east = bounds
    projection = Projection(center[0], center[1])
    xs, _ = projection.project([center[0], center[0]], [west, east])
    _, ys = projection.project([north, south], [center[1], center[1]])
    width, height = float(xs[1] - xs[0]), float(ys[1] - ys[0])
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        return projection, (0.0, 0.0), (0, 0)
    size = hex_km / math.sqrt(3.0)
    if orientation == "flat":
        cols = math.ceil(width / (1.5 * size)) + 1
        rows = math.ceil(height / hex_km) + 1
    else:
        cols = math.ceil(width / hex_km) + 1
        rows = math.ceil(height / (1.5 * size)) + 1
    return projection, (float(xs[0]), float(ys[0])), (cols, rows)


def make_grid(
    map_id: str,
    name: str,
    hex_km: float,
    center: tuple[float, float],
    bounds: tuple[float, float, float, float],
    orientation: Orientation = "pointy",
) -> HexMap:
    """An empty map covering `bounds` = (south, north, west, east), all clear terrain.

    Hex (col 0, row 0) is centred on the north-west corner of the bounds. Pointy-top: rows
    1.5 * size apart, odd rows shifted east by half a hex. Flat-top: columns 1.5 * size apart,
    odd columns shifted south by half a hex. Neighbouring centres are `hex_km` apart either way.
    """
    projection, origin, (cols, rows) = _grid_frame(hex_km, center, bounds, orientation)
    if cols < 1 or rows < 1:
        raise ValueError(f"bounds {bounds} around {center} make no map; check grid_shape first")
    size = hex_km / math.sqrt(3.0)
    layout = Layout.flat(size, origin) if orientation == "flat" else Layout.pointy(size, origin)
    row, col = np.divmod(np.arange(cols * rows, dtype=np.int32), cols)
    if orientation == "flat":
        q, r = hexgrid.oddq_to_axial(col, row)
    else:
        q, r = hexgrid.oddr_to_axial(col, row)
    n = cols * rows
    grid = HexMap(
        id=map_id,
        name=name,
        cols=cols,
        rows=rows,
        hex_km=hex_km,
        projection=projection,
        layout=layout,
        q=q,
        r=r,
        neighbor=np.full((n, 6), -1, dtype=np.int32),
        terrain=np.zeros(n, dtype=np.uint8),
        river=np.zeros((n, 6), dtype=np.uint8),
        river_id=np.full((n, 6), -1, dtype=np.int16),
        road=np.zeros((n, 6), dtype=np.bool_),
        rail=np.zeros((n, 6), dtype=np.bool_),
        city_at=np.full(n, -1, dtype=np.int16),
        cities=[],
        orientation=orientation,
        freezes=np.zeros(n, dtype=np.bool_),
    )
    for d in range(6):
        grid.neighbor[:, d] = grid.index(q + hexgrid.DIRECTION_DQ[d], r + hexgrid.DIRECTION_DR[d])
    grid.edge = {
        "north": row == 0,
        "south": row == rows - 1,
        "west": col == 0,
        "east": col == cols - 1,
    }
    return grid


# --- rasterising ---------------------------------------------------------------------------------


def points_in_polygon(
    px: FloatArray, py: FloatArray, poly_x: FloatArray, poly_y: FloatArray
) -> npt.NDArray[np.bool_]:
    """Even-odd rule over all points at once (ray cast to +x)."""
    inside = np.zeros(px.shape, dtype=np.bool_)
    x1, y1 = poly_x, poly_y
    x2, y2 = np.roll(poly_x, -1), np.roll(poly_y, -1)
    for ax, ay, bx, by in zip(x1, y1, x2, y2, strict=True):
        crosses = (ay > py) != (by > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = ax + (py - ay) * (bx - ax) / (by - ay)
        inside ^= crosses & (px < x_at)
    return inside


def distance_to_polyline(
    px: FloatArray, py: FloatArray, line_x: FloatArray, line_y: FloatArray
) -> FloatArray:
    """Shortest distance from each point to a polyline."""
    best = np.full(px.shape, np.inf)
    for i in range(len(line_x) - 1):
        ax, ay, bx, by = line_x[i], line_y[i], line_x[i + 1], line_y[i + 1]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = (
            np.zeros(px.shape)
            if length2 == 0
            else np.clip(((px - ax) * dx + (py - ay) * dy) / length2, 0, 1)
        )
        best = np.minimum(best, np.hypot(px - (ax + t * dx), py - (ay + t * dy)))
    return best


def hexes_in_polygon(
    grid: HexMap, lat: Sequence[float], lon: Sequence[float]
) -> npt.NDArray[np.bool_]:
    """[N] hexes whose centre lies inside the polygon."""
    hx, hy = grid.layout.hex_to_pixel_array(grid.q, grid.r)
    px, py = grid.projection.project(lat, lon)
    return points_in_polygon(hx, hy, px, py)


def paint_polygon(
    grid: HexMap, terrain: Terrain, lat: Sequence[float], lon: Sequence[float]
) -> npt.NDArray[np.bool_]:
    """Paint the hexes whose centre lies inside the polygon; returns them ([N] mask)."""
    inside = hexes_in_polygon(grid, lat, lon)
    grid.terrain[inside] = terrain
    return inside


def paint_band(
    grid: HexMap, terrain: Terrain, lat: Sequence[float], lon: Sequence[float], width_km: float
) -> npt.NDArray[np.bool_]:
    """Paint every hex whose centre lies within width/2 of the line (at least the hexes it
    crosses); returns them ([N] mask)."""
    hx, hy = grid.layout.hex_to_pixel_array(grid.q, grid.r)
    px, py = grid.projection.project(lat, lon)
    near = distance_to_polyline(hx, hy, px, py) <= max(width_km / 2.0, 0.5 * grid.hex_km)
    grid.terrain[near] = terrain
    return near


def _segments_cross(
    ax: FloatArray,
    ay: FloatArray,
    bx: FloatArray,
    by: FloatArray,
    cx: FloatArray,
    cy: FloatArray,
    dx: FloatArray,
    dy: FloatArray,
) -> npt.NDArray[np.bool_]:
    """Proper intersection of segments AB and CD (broadcast); touching counts as crossing."""

    def orient(
        px: FloatArray,
        py: FloatArray,
        qx: FloatArray,
        qy: FloatArray,
        rx: FloatArray,
        ry: FloatArray,
    ) -> FloatArray:
        return (qx - px) * (ry - py) - (qy - py) * (rx - px)

    o1 = orient(ax, ay, bx, by, cx, cy)
    o2 = orient(ax, ay, bx, by, dx, dy)
    o3 = orient(cx, cy, dx, dy, ax, ay)
    o4 = orient(cx, cy, dx, dy, bx, by)
    crossing: npt.NDArray[np.bool_] = (o1 * o2 <= 0) & (o3 * o4 <= 0) & ~((o1 == 0) & (o2 == 0))
    return crossing


def add_river(
    grid: HexMap, river_index: int, size: River, lat: Sequence[float], lon: Sequence[float]
) -> int:
    """Mark every hexside the river crosses; returns how many hexsides it marked."""
    lx, ly = grid.projection.project(lat, lon)
    sx, sy, ex, ey = lx[:-1], ly[:-1], lx[1:], ly[1:]
    hx, hy = grid.layout.hex_to_pixel_array(grid.q, grid.r)
    marked = 0
    for d in range(3):  # each hexside once: directions 0..2 and their opposites
        nb = grid.neighbor[:, d]
        h = np.nonzero(nb >= 0)[0]
        n = nb[h]
        # bounding-box prefilter against the whole river keeps the broadcast small
        ax, ay, bx, by = hx[h], hy[h], hx[n], hy[n]
        near = (
            (np.maximum(ax, bx) >= lx.min())
            & (np.minimum(ax, bx) <= lx.max())
            & (np.maximum(ay, by) >= ly.min())
            & (np.minimum(ay, by) <= ly.max())
        )
        h, n = h[near], n[near]
        ax, ay, bx, by = ax[near], ay[near], bx[near], by[near]
        # hexsides x segments in blocks of about a million, so a long river never fills memory
        block = max(1, 1_000_000 // max(1, len(sx)))
        hit = np.zeros(len(h), dtype=np.bool_)
        for i in range(0, len(h), block):
            part = slice(i, i + block)
            hit[part] = _segments_cross(
                ax[part, None],
                ay[part, None],
                bx[part, None],
                by[part, None],
                sx[None, :],
                sy[None, :],
                ex[None, :],
                ey[None, :],
            ).any(axis=1)
        h, n = h[hit], n[hit]
        stronger = grid.river[h, d] < size
        h, n = h[stronger], n[stronger]
        opp = hexgrid.opposite(d)
        grid.river[h, d] = size
        grid.river[n, opp] = size
        grid.river_id[h, d] = river_index
        grid.river_id[n, opp] = river_index
        marked += len(h)
    return marked


def route_hexes(grid: HexMap, lat: Sequence[float], lon: Sequence[float]) -> list[int]:
    """The chain of adjacent on-map hexes a polyline passes through, in order."""
    lx, ly = grid.projection.project(lat, lon)
    xs: list[float] = []
    ys: list[float] = []
    step = grid.hex_km / 6.0
    for i in range(len(lx) - 1):
        length = math.hypot(lx[i + 1] - lx[i], ly[i + 1] - ly[i])
        k = max(1, math.ceil(length / step))
        t = np.arange(k) / k
        xs.extend(lx[i] + (lx[i + 1] - lx[i]) * t)
        ys.extend(ly[i] + (ly[i + 1] - ly[i]) * t)
    xs.append(float(lx[-1]))
    ys.append(float(ly[-1]))
    q, r = grid.layout.pixel_to_hex_array(np.array(xs), np.array(ys))
    chain: list[Hex] = []
    for hq, hr in zip(q.tolist(), r.tolist(), strict=True):
        h = Hex(hq, hr)
        if chain and h == chain[-1]:
            continue
        if chain and hexgrid.distance(chain[-1], h) > 1:
            chain.extend(hexgrid.line(chain[-1], h)[1:-1])
        chain.append(h)
    indices = [grid.index_of(h) for h in chain]
    return [i for i in indices if i >= 0]


def add_route(grid: HexMap, layer: npt.NDArray[np.bool_], hexes: Sequence[int]) -> None:
    """Connect consecutive adjacent hexes of a chain in a hexside layer (road or rail)."""
    for a, b in itertools.pairwise(hexes):
        match = np.nonzero(grid.neighbor[a] == b)[0]
        if len(match):
            d = int(match[0])
            layer[a, d] = True
            layer[b, hexgrid.opposite(d)] = True
