"""Reading map and scenario files: TOML -> schema -> cross-checks -> static arrays.

Every problem in a file is collected and reported at once as `FILE:LINE: field.path: problem`;
a broken file raises `FileProblemError`, never a traceback from deep inside.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel, ValidationError

from game import geo
from game.data import data_dir
from game.enums import WATER_TERRAIN, River, Terrain, parse_enum
from game.kept import Kept
from game.scenario.errors import FileProblemError, PathPart, Problem
from game.scenario.locate import LineIndex, text_limits
from game.scenario.schema import MapFile, MapHeader, PathPoint, WeatherRegionSpec

M = TypeVar("M", bound=BaseModel)

SCENARIO_DIR = data_dir("scenarios")

# Limits on what a user file may hold, each checked before the work it bounds: the size before
# reading, nesting and bare tokens before tomllib, the hex count before any map layer is made.
# Third Kharkov's files are 70 kB and 54 kB, nest 3 deep and make a map of 2,964 hexes.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_NESTING = 16
MAX_TOKEN_CHARS = 100
MAX_HEXES = 100_000
# Drawing a shape costs its points times the map's hexes, and a road or railway is walked in
# steps of a sixth of a hex: these bound that work (Kharkov: 1,198 points, 3.5 million
# point-hexes, about 5,000 route steps).
MAX_POINTS = 10_000
MAX_POINT_HEXES = 100_000_000
MAX_ROUTE_STEPS = 1_000_000


class Reporter:
    """Collects problems for one file, turning field paths into line numbers."""

    def __init__(self, path: Path, text: str) -> None:
        self.file = str(path)
        self.index = LineIndex(text)
        self.problems: list[Problem] = []

    def add(self, path: Sequence[PathPart], message: str) -> None:
        self.problems.append(Problem(self.file, self.index.line_of(path), tuple(path), message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise FileProblemError(self.problems)


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A user file as text; a file that is not a regular file, is unreadable, larger than
    `max_bytes` or not UTF-8 becomes a one-problem error. It never reads more than `max_bytes`
    + 1 bytes, so `/dev/zero` or a growing pipe cannot fill the memory."""
    try:
        if not path.is_file():
            what = "a folder" if path.is_dir() else "not a regular file"
            if not path.exists():
                what = "no such file"
            raise FileProblemError([Problem(str(path), None, (), f"cannot read file: {what}")])
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except OSError as exc:
        raise FileProblemError(
            [Problem(str(path), None, (), f"cannot read file: {exc.strerror or exc}")]
        ) from None
    if len(raw) > max_bytes:
        raise FileProblemError(
            [Problem(str(path), None, (), f"file is larger than {max_bytes:,} bytes")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise FileProblemError(
            [Problem(str(path), bad_line, (), "file is not valid UTF-8 text")]
        ) from None
    return text


def read_toml(path: Path) -> tuple[dict[str, Any], Reporter]:
    """Parse a TOML file; unreadable, oversized, too deeply nested or malformed files become a
    one-problem error. The nesting and token limits are checked on the raw text first: tomllib
    recurses once per level and fails on huge integers without naming a line."""
    text = read_text(path)
    beyond = text_limits(text, MAX_NESTING, MAX_TOKEN_CHARS)
    if beyond is not None:
        raise FileProblemError([Problem(str(path), beyond[0], (), beyond[1])])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = getattr(exc, "lineno", None)
        if line is None and "(at line " in message:
            line = int(message.rsplit("(at line ", 1)[1].split(",")[0])
        message = message.split(" (at line ")[0]
        raise FileProblemError(
            [Problem(str(path), line, (), f"TOML syntax error: {message}")]
        ) from None
    except (ValueError, RecursionError) as exc:  # what `text_limits` should have caught
        raise FileProblemError(
            [Problem(str(path), None, (), f"TOML cannot be read: {type(exc).__name__}")]
        ) from None
    return data, Reporter(path, text)


def toml_kind(value: Any) -> str:
    """What a value is called in TOML: for "expected a date, got a string"."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float" if math.isfinite(value) else f"{value}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


# What each kind of wrong type expects, in the words of a TOML file.
_EXPECTED: dict[str, str] = {
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "a string in quotes",
    "date_type": "a date like 1943-02-19 (no quotes)",
    "tuple_type": "an array",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "literal_error": "one of the listed words",
    "finite_number": "a finite number",
}


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    if kind == "int_from_float" or (kind == "int_type" and isinstance(error["input"], float)):
        return f"expected an integer, got {error['input']!r}"
    if kind in _EXPECTED and kind != "literal_error":
        return f"expected {_EXPECTED[kind]}, got {toml_kind(error['input'])}"
    if kind in _BOUNDS:
        limit = next(iter(error.get("ctx", {}).values()), "?")
        return f"{error['input']} is out of range: must be {_BOUNDS[kind]} {limit}"
    return _clean_message(error["msg"])


_BOUNDS = {
    "greater_than_equal": "at least",
    "greater_than": "more than",
    "less_than_equal": "at most",
    "less_than": "less than",
}


def _user_path(data: Any, loc: Sequence[Any]) -> tuple[tuple[PathPart, ...], int | None]:
    """The path a user wrote, without the union branch names pydantic puts in error paths
    (`int`, `tuple[float, float]`, ...), and where the first branch name was (None: no union).
    A part is a branch name when the data at that point has no such key."""
    path: list[PathPart] = []
    branch_at: int | None = None
    here = data
    for part in loc:
        inside = (isinstance(here, dict) and part in here) or (
            isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here)
        )
        if inside:
            here = here[part]
        elif isinstance(part, str) and _is_branch_name(part):
            if branch_at is None:
                branch_at = len(path)
            continue
        else:
            here = None
        path.append(part)
    return tuple(path), branch_at


def _is_branch_name(part: str) -> bool:
    """A name pydantic gives a union branch (`constrained-str`, `tuple[...]`, `int`); never a
    key of the data, since those are matched first."""
    return "[" in part or "-" in part or part in {"str", "int", "float", "bool", "date"}


def check_model(model: type[M], data: dict[str, Any], reporter: Reporter) -> M | None:
    """Validate against a schema model, reporting every error with its path and line.

    A value that fits no branch of a union (`[lat, lon]` or a place id; an integer, a float or a
    boolean) is one problem: the branch that got furthest into the value speaks for it, or, when
    none got in, one line lists what each branch expected."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
    plain: list[tuple[tuple[PathPart, ...], str]] = []
    unions: dict[tuple[PathPart, ...], list[tuple[tuple[PathPart, ...], Any]]] = {}
    for error in errors:
        path, branch_at = _user_path(data, error["loc"])
        if branch_at is None:
            plain.append((path, _message(error)))
        else:
            unions.setdefault(path[:branch_at], []).append((path, error))
    for prefix, branch_errors in unions.items():
        deepest = max(len(path) for path, _ in branch_errors)
        if deepest > len(prefix):  # a branch got into the value: its problems are the ones
            plain.extend(
                (path, _message(error)) for path, error in branch_errors if len(path) == deepest
            )
            continue
        specific = [e for _, e in branch_errors if e["type"] not in _EXPECTED]
        if specific:
            plain.append((prefix, _message(specific[0])))
            continue
        wanted = list(dict.fromkeys(_EXPECTED[e["type"]] for _, e in branch_errors))
        got = toml_kind(branch_errors[0][1]["input"])
        plain.append((prefix, f"expected {' or '.join(wanted)}, got {got}"))
    seen: set[tuple[tuple[PathPart, ...], str]] = set()
    for path, message in plain:
        if (path, message) not in seen:
            seen.add((path, message))
            reporter.add(path, message)
    return None


def _clean_message(message: str) -> str:
    return message.removeprefix("Value error, ")


# --- maps ----------------------------------------------------------------------------------------


def resolve_points(
    points: Sequence[PathPoint],
    places: dict[str, tuple[float, float]],
    path: Sequence[PathPart],
    reporter: Reporter,
) -> tuple[list[float], list[float]] | None:
    """Turn a list of [lat, lon] or place ids into coordinates, reporting unknown places."""
    lat: list[float] = []
    lon: list[float] = []
    ok = True
    for i, p in enumerate(points):
        if isinstance(p, str):
            if p not in places:
                reporter.add((*path, i), f"unknown place {p!r}")
                ok = False
                continue
            la, lo = places[p]
        else:
            la, lo = p
        lat.append(la)
        lon.append(lo)
    return (lat, lon) if ok else None


_MAPS_KEPT = 8
_maps: Kept[tuple[str, str], geo.HexMap] = Kept(_MAPS_KEPT)


def load_map(path: Path) -> geo.HexMap:
    """Build a map's hex layers from its geography file. Maps are immutable once built, so they
    are kept by the file's path and content (an edited file is built again), at most
    `_MAPS_KEPT` of them, the least recently used dropped first."""
    key = (str(path), hashlib.sha256(read_text(path).encode("utf-8")).hexdigest())
    grid = _maps.get(key)
    if grid is None:
        grid = _build_map(path)
        grid.freeze()
        _maps.put(key, grid)
    return grid


def _build_map(path: Path) -> geo.HexMap:
    data, reporter = read_toml(path)
    spec = check_model(MapFile, data, reporter)
    reporter.raise_if_any()
    assert spec is not None
    head = spec.map
    b = head.bounds
    if not _map_shape_fits(head, reporter) or not _drawing_fits(spec, reporter):
        reporter.raise_if_any()
    grid = geo.make_grid(
        head.id,
        head.name,
        head.hex_km,
        head.center,
        (b.south, b.north, b.west, b.east),
        head.orientation,
    )
    grid.terrain[:] = parse_enum(Terrain, head.default_terrain)
    places = {c.id: (c.lat, c.lon) for c in spec.city}
    _paint_terrain(grid, spec, places, reporter)

    for i, river in enumerate(spec.river):
        pts = resolve_points(river.points, places, ("river", i, "points"), reporter)
        if pts:
            geo.add_river(grid, i, River[river.size.upper()], *pts)
        grid.rivers.append(geo.Feature(river.name, river.size))

    for layer_name, layer, routes in (
        ("road", grid.road, spec.road),
        ("railway", grid.rail, spec.railway),
    ):
        for i, route in enumerate(routes):
            pts = resolve_points(route.points, places, (layer_name, i, "points"), reporter)
            if pts:
                hexes = geo.route_hexes(grid, *pts)
                geo.add_route(grid, layer, hexes)
                grid.routes.append(geo.Feature(route.name, layer_name, tuple(hexes)))

    _place_cities(grid, spec, reporter)
    grid.weather_regions = weather_regions(grid, spec.weather_region, places, (), reporter)
    reporter.raise_if_any()
    return grid


def _map_shape_fits(head: MapHeader, reporter: Reporter) -> bool:
    """The centre inside the bounds, and a map of 1 to MAX_HEXES hexes: checked before any
    layer is made (a centre far outside folds the projection, tiny hexes fill the memory)."""
    b = head.bounds
    lat, lon = head.center
    if not (b.south <= lat <= b.north and b.west <= lon <= b.east):
        reporter.add(("map", "center"), f"center ({lat}, {lon}) lies outside the bounds")
        return False
    cols, rows = geo.grid_shape(
        head.hex_km, head.center, (b.south, b.north, b.west, b.east), head.orientation
    )
    if cols < 1 or rows < 1:
        reporter.add(("map", "bounds"), "bounds reach too far round the globe to make a flat map")
        return False
    if cols * rows > MAX_HEXES:
        reporter.add(
            ("map", "hex_km"),
            f"{cols} x {rows} = {cols * rows:,} hexes, more than {MAX_HEXES:,}: "
            "use larger hexes or smaller bounds",
        )
        return False
    return True


def _drawing_fits(spec: MapFile, reporter: Reporter) -> bool:
    """The shapes and routes of a map within the work they may cost (see MAX_POINTS); a
    problem names the biggest shape or the longest route, the first thing to simplify."""
    head = spec.map
    b = head.bounds
    cols, rows = geo.grid_shape(
        head.hex_km, head.center, (b.south, b.north, b.west, b.east), head.orientation
    )
    shapes: dict[tuple[PathPart, ...], Sequence[PathPoint]] = {}
    for i, region in enumerate(spec.terrain):
        shapes[("terrain", i, "polygon" if region.polygon else "line")] = (
            region.polygon or region.line or []
        )
    shapes.update({("river", i, "points"): r.points for i, r in enumerate(spec.river)})
    shapes.update(
        {("weather_region", i, "polygon"): w.polygon for i, w in enumerate(spec.weather_region)}
    )
    routes: dict[tuple[PathPart, ...], Sequence[PathPoint]] = {}
    routes.update({("road", i, "points"): r.points for i, r in enumerate(spec.road)})
    routes.update({("railway", i, "points"): r.points for i, r in enumerate(spec.railway)})
    everything = {**shapes, **routes}
    points = sum(map(len, everything.values()))
    if points > MAX_POINTS:
        biggest: tuple[PathPart, ...] = max(everything, key=lambda k: len(everything[k]))
        reporter.add(
            biggest, f"the map's shapes and routes have {points:,} points: more than {MAX_POINTS:,}"
        )
        return False
    shape_points = sum(map(len, shapes.values()))
    if shape_points * cols * rows > MAX_POINT_HEXES:
        biggest_shape: tuple[PathPart, ...] = max(shapes, key=lambda k: len(shapes[k]))
        reporter.add(
            biggest_shape,
            f"{shape_points:,} points of shapes on {cols * rows:,} hexes: more than "
            f"{MAX_POINT_HEXES:,} point-hexes to draw; simplify the shapes or use larger hexes",
        )
        return False
    places = {c.id: (c.lat, c.lon) for c in spec.city}
    projection = geo.Projection(head.center[0], head.center[1])
    lengths: dict[tuple[PathPart, ...], float] = {}
    for where, route in routes.items():
        known = [
            places[p] if isinstance(p, str) else p
            for p in route
            if not isinstance(p, str) or p in places
        ]
        x, y = projection.project([p[0] for p in known], [p[1] for p in known])
        lengths[where] = float(np.hypot(np.diff(x), np.diff(y)).sum())
    most_km = MAX_ROUTE_STEPS * head.hex_km / 6.0
    if sum(lengths.values()) > most_km:
        longest = max(lengths, key=lambda k: lengths[k])
        reporter.add(
            longest,
            f"{lengths[longest]:,.0f} km long, and all roads and railways "
            f"{sum(lengths.values()):,.0f} km: more than {most_km:,.0f} km at this hex size",
        )
        return False
    return True


def check_shapes_fit(
    shapes: dict[tuple[PathPart, ...], int], hexes: int, reporter: Reporter
) -> bool:
    """A scenario's own shapes (points per path) within MAX_POINT_HEXES on a map of `hexes`;
    a problem names the biggest shape."""
    points = sum(shapes.values())
    if points * hexes > MAX_POINT_HEXES:
        biggest: tuple[PathPart, ...] = max(shapes, key=lambda k: shapes[k])
        reporter.add(
            biggest,
            f"{points:,} points of shapes on {hexes:,} hexes: more than "
            f"{MAX_POINT_HEXES:,} point-hexes to draw; simplify the shapes",
        )
        return False
    return True


def _paint_terrain(
    grid: geo.HexMap,
    spec: MapFile,
    places: dict[str, tuple[float, float]],
    reporter: Reporter,
) -> None:
    """Terrain regions in file order (later wins); water keeps whether its ice carries men."""
    for i, region in enumerate(spec.terrain):
        terrain = parse_enum(Terrain, region.terrain)
        painted = None
        if region.polygon is not None:
            pts = resolve_points(region.polygon, places, ("terrain", i, "polygon"), reporter)
            if pts:
                painted = geo.paint_polygon(grid, terrain, *pts)
        elif region.line is not None and region.width_km is not None:
            pts = resolve_points(region.line, places, ("terrain", i, "line"), reporter)
            if pts:
                painted = geo.paint_band(grid, terrain, *pts, region.width_km)
        if painted is not None:
            freezes = terrain == Terrain.LAKE if region.freezes is None else region.freezes
            grid.freezes[painted] = freezes and terrain in WATER_TERRAIN


def _place_cities(grid: geo.HexMap, spec: MapFile, reporter: Reporter) -> None:
    """Each city in its hex; a city whose point falls in water follows its `on_water` rule
    (the map's `city_on_water` by default: an error); a port must have a coast."""
    for i, city in enumerate(spec.city):
        h = int(grid.hex_of_latlon(city.lat, city.lon))
        if h < 0:
            reporter.add(("city", i, "lat"), f"{city.name} ({city.lat}, {city.lon}) is off the map")
            continue
        if grid.water[h]:
            rule = city.on_water or spec.map.city_on_water
            if rule == "error":
                reporter.add(
                    ("city", i, "lat"),
                    f"{city.name} ({city.lat}, {city.lon}) falls in a water hex "
                    f"{tuple(grid.hex_of(h))}; fix the point or the coastline, or give "
                    'on_water = "land" (its hex becomes land) or "move" (to the nearest land hex)',
                )
                continue
            if rule == "move":
                moved = _nearest_land(grid, h, city.lat, city.lon)
                if moved < 0:
                    reporter.add(
                        ("city", i, "on_water"), f"{city.name} has no free land hex next to it"
                    )
                    continue
                h = moved
            else:  # "land": the town stands on a shore the hex's centre misses
                grid.terrain[h] = Terrain.CLEAR
                grid.freezes[h] = False
        if grid.city_at[h] >= 0:
            other = grid.cities[grid.city_at[h]]
            reporter.add(("city", i), f"{city.name} falls in the same hex as {other.name}")
            continue
        grid.city_at[h] = len(grid.cities)
        grid.cities.append(
            geo.City(
                city.id,
                city.name,
                city.lat,
                city.lon,
                city.size,
                city.vp,
                city.supply,
                h,
                city.port,
            )
        )
        if city.size == "major":
            grid.terrain[h] = Terrain.URBAN
    coastal = grid.coastal
    for i, city in enumerate(spec.city):
        placed = grid.city_by_id(city.id)
        if city.port and placed is not None and not coastal[placed.hex]:
            reporter.add(("city", i, "port"), f"{city.name} is a port but its hex has no coast")


def _nearest_land(grid: geo.HexMap, h: int, lat: float, lon: float) -> int:
    """The land hex next to h, without a city, whose centre is nearest the point; -1 if none."""
    around = grid.neighbor[h]
    free = around[(around >= 0)]
    free = free[~grid.water[free] & (grid.city_at[free] < 0)]
    if len(free) == 0:
        return -1
    x, y = grid.projection.project(lat, lon)
    cx, cy = grid.center_km(free)
    return int(free[int(np.argmin(np.hypot(cx - x, cy - y)))])


def weather_regions(
    grid: geo.HexMap,
    specs: Sequence[WeatherRegionSpec],
    places: dict[str, tuple[float, float]],
    where: tuple[PathPart, ...],
    reporter: Reporter,
) -> list[geo.Region]:
    """The hexes of each weather region (`[[weather_region]]` of a map or scenario file)."""
    regions = []
    for i, region in enumerate(specs):
        path = (*where, "weather_region", i)
        pts = resolve_points(region.polygon, places, (*path, "polygon"), reporter)
        if not pts:
            continue
        hexes = np.flatnonzero(geo.hexes_in_polygon(grid, *pts)).astype(np.int32)
        if len(hexes) == 0:
            reporter.add((*path, "polygon"), f"weather region {region.id!r} holds no hex centre")
            continue
        regions.append(geo.Region(region.id, region.name, hexes))
    return regions


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def find_scenario(name: str) -> Path:
    """A scenario by id (`kharkov_1943`) or by path."""
    candidate = Path(name)
    if candidate.suffix == ".toml" or candidate.exists():
        return candidate
    return SCENARIO_DIR / f"{name}.toml"


def list_scenarios() -> list[Path]:
    return sorted(p for p in SCENARIO_DIR.glob("*.toml"))
