"""Reading map and scenario files: TOML -> schema -> cross-checks -> static arrays.

Every problem in a file is collected and reported at once as `FILE:LINE: field.path: problem`;
a broken file raises `FileProblemError`, never a traceback from deep inside.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel, ValidationError

from game import geo
from game.data import data_dir
from game.enums import WATER_TERRAIN, River, Terrain, parse_enum
from game.scenario.errors import FileProblemError, PathPart, Problem
from game.scenario.locate import LineIndex
from game.scenario.schema import MapFile, PathPoint, WeatherRegionSpec

M = TypeVar("M", bound=BaseModel)

SCENARIO_DIR = data_dir("scenarios")


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


def read_text(path: Path) -> str:
    """A user file as text; unreadable or non-UTF-8 files become a one-problem error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileProblemError(
            [Problem(str(path), None, (), f"cannot read file: {exc.strerror}")]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise FileProblemError(
            [Problem(str(path), bad_line, (), "file is not valid UTF-8 text")]
        ) from None
    return text


def read_toml(path: Path) -> tuple[dict[str, Any], Reporter]:
    """Parse a TOML file; unreadable or malformed files become a one-problem error."""
    text = read_text(path)
    reporter = Reporter(path, text)
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
    return data, reporter


_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "extra_forbidden": lambda e: "unknown key",
    "missing": lambda e: "required field is missing",
}


def check_model(model: type[M], data: dict[str, Any], reporter: Reporter) -> M | None:
    """Validate against a schema model, reporting every error with its path and line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        seen: set[tuple[tuple[PathPart, ...], str]] = set()
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not _is_union_tag(p))
            make = _MESSAGES.get(error["type"])
            message = make(dict(error)) if make else _clean_message(error["msg"])
            key = (loc, message)
            if key not in seen:
                seen.add(key)
                reporter.add(loc, message)
        return None


def _is_union_tag(part: Any) -> bool:
    """pydantic puts the union member's type name in error paths; users never wrote that."""
    return isinstance(part, str) and (
        part.startswith(("tuple[", "list[", "function-"))
        or part in {"str", "int", "float", "bool", "date"}
    )


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
_maps: OrderedDict[tuple[str, str], geo.HexMap] = OrderedDict()


def load_map(path: Path) -> geo.HexMap:
    """Build a map's hex layers from its geography file. Maps are immutable once built, so they
    are kept by the file's path and content (an edited file is built again), at most
    `_MAPS_KEPT` of them, the least recently used dropped first."""
    key = (str(path), hashlib.sha256(read_text(path).encode("utf-8")).hexdigest())
    grid = _maps.get(key)
    if grid is None:
        grid = _build_map(path)
        grid.freeze()
        _maps[key] = grid
        while len(_maps) > _MAPS_KEPT:
            _maps.popitem(last=False)
    _maps.move_to_end(key)
    return grid


def _build_map(path: Path) -> geo.HexMap:
    data, reporter = read_toml(path)
    spec = check_model(MapFile, data, reporter)
    reporter.raise_if_any()
    assert spec is not None
    head = spec.map
    b = head.bounds
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
