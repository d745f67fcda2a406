"""Fortified belts of a scenario file as a per-side hex layer: the level each side's prepared
positions give every hex, knob changes applied (the rule that reads it: `game.rules.fortification`).

Belts of one side that overlap give the higher level; a line belt covers every hex whose centre
lies within `width_km / 2` of the line, and at least the hexes the line crosses, as a map's
terrain bands do.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from game import geo
from game.scenario.errors import PathPart
from game.scenario.loader import Reporter, resolve_points
from game.scenario.schema import FortifiedBelt, ScenarioFile

MAX_LEVEL = 3


def belt_levels(
    spec: ScenarioFile,
    grid: geo.HexMap,
    places: dict[str, tuple[float, float]],
    change: dict[str | None, int],
    reporter: Reporter,
) -> npt.NDArray[np.uint8]:
    """[sides, N] the level of each side's belts in each hex (0: none); `change` adds levels
    per side id (None: every side), clipped to 0-3."""
    sides = list(spec.scenario.sides)
    levels = np.zeros((len(sides), grid.size), dtype=np.uint8)
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
        levels[row] = np.where(hexes & ~grid.water, np.maximum(levels[row], level), levels[row])
    levels.flags.writeable = False
    return levels


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
