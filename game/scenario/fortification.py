"""Fortified belts of a scenario file as per-side hex layers: the level each side's prepared
positions give every hex, knob changes applied (the rule that reads them: `game.rules.fortification`).

Belts of one side that overlap give the higher level; a line belt covers every hex whose centre
lies within `width_km / 2` of the line, and at least the hexes the line crosses, as a map's
terrain bands do. Belts without a date make the standing layer; dated belts (`from`) make one
layer per turn they come into force, which the rule adds once the game reaches that turn.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from game import geo
from game.scenario.errors import PathPart
from game.scenario.loader import Reporter, resolve_points
from game.scenario.schema import FortifiedBelt, ScenarioFile
from game.scenario.tables import Calendar

MAX_LEVEL = 3
Layer = npt.NDArray[np.uint8]
# (the first turn a group of dated belts stands, [sides, N] their levels), by turn
DatedLayers = tuple[tuple[int, Layer], ...]


def belt_levels(
    spec: ScenarioFile,
    grid: geo.HexMap,
    places: dict[str, tuple[float, float]],
    change: dict[str | None, int],
    reporter: Reporter,
    calendar: Calendar | None = None,
    date_shift: dict[str | None, int] | None = None,
) -> tuple[Layer, DatedLayers]:
    """([sides, N] the level of each side's undated belts in each hex (0: none), the dated
    belts' layers by the turn they stand from); `change` adds levels per side id (None: every
    side), clipped to 0-3; `date_shift` moves the dates of dated belts in days, likewise."""
    sides = list(spec.scenario.sides)
    levels = np.zeros((len(sides), grid.size), dtype=np.uint8)
    dated: dict[int, Layer] = {}
    shift = date_shift or {}
    if spec.fortified_belt and not spec.rules.fortified_belts:
        reporter.add(
            ("rules", "fortified_belts"),
            "the file has [[fortified_belt]] tables: switch the rule on with fortified_belts = true",
        )
    for i, belt in enumerate(spec.fortified_belt):
        where: tuple[PathPart, ...] = ("fortified_belt", i)
        if belt.side not in sides:
            reporter.add((*where, "side"), f"{belt.side!r} is not a side of this scenario")
            continue
        hexes = _belt_hexes(belt, grid, places, where, reporter)
        if hexes is None:
            continue
        if not hexes.any():
            reporter.add(where, f"belt {belt.name!r} covers no hex of the map")
            continue
        level = belt.level + change.get(None, 0) + change.get(belt.side, 0)
        level = min(max(level, 0), MAX_LEVEL)
        row = sides.index(belt.side)
        layer = levels
        if belt.from_date is not None and calendar is not None:
            days = shift.get(None, 0) + shift.get(belt.side, 0)
            turn = calendar.turn_of_date(_shifted(belt.from_date, days))
            if turn > 1:  # a belt ready by the first turn simply stands
                layer = dated.setdefault(turn, np.zeros_like(levels))
        layer[row] = np.where(hexes & ~grid.water, np.maximum(layer[row], level), layer[row])
    levels.flags.writeable = False
    for layer in dated.values():
        layer.flags.writeable = False
    return levels, tuple(sorted(dated.items()))


def _shifted(date: dt.date, days: int) -> dt.date:
    """`date` moved by `days`, kept inside what dates can hold (a knob's shift is at most a year
    and the schema keeps file dates well inside)."""
    return date + dt.timedelta(days=days)


def _belt_hexes(
    belt: FortifiedBelt,
    grid: geo.HexMap,
    places: dict[str, tuple[float, float]],
    where: tuple[PathPart, ...],
    reporter: Reporter,
) -> npt.NDArray[np.bool_] | None:
    if belt.polygon is not None:
        pts = resolve_points(belt.polygon, places, (*where, "polygon"), reporter)
        return None if pts is None else geo.hexes_in_polygon(grid, *pts)
    assert belt.line is not None and belt.width_km is not None  # the schema checked the shape
    width_km = belt.width_km
    pts = resolve_points(belt.line, places, (*where, "line"), reporter)
    if pts is None:
        return None
    hx, hy = grid.layout.hex_to_pixel_array(grid.q, grid.r)
    px, py = grid.projection.project(*pts)
    near: npt.NDArray[np.bool_] = geo.distance_to_polyline(hx, hy, px, py) <= max(
        width_km / 2.0, 0.5 * grid.hex_km
    )
    return near
