"""Measures a scenario file declares: their references checked at load time, and their groups and
places turned into unit masks and hexes for whoever measures them (the batch runner).

What each kind of measure means is in the docstring of `schema.MeasureSpec`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from game.geo import HexMap
from game.scenario.schema import MeasureArea, MeasureSpec, PathPoint, UnitGroup
from game.scenario.tables import SideTable, UnitTable

if TYPE_CHECKING:
    from game.scenario.build import Checker, Where

# Columns every `runs.csv` has, and the prefixes of those it has per side or per city: a measure
# may not take their names (tests/test_reporters.py checks the runner's columns against them).
BUILT_IN_COLUMNS = frozenset({"run", "seed", "winner", "victory_level", "victory_points", "turns"})
BUILT_IN_PREFIXES = ("men_lost_", "tanks_lost_", "owner_", "taken_", "first_taken_", "advance_km_")


def check_measures(spec_measures: Sequence[MeasureSpec], check: Checker) -> None:
    """Report measures whose names clash or whose units, formations, sides or places are unknown."""
    first: dict[str, int] = {}
    for i, measure in enumerate(spec_measures):
        where: Where = ("measures", i)
        if measure.id in first:
            check.add(
                (*where, "id"),
                f"duplicate measure {measure.id!r} (first at measures.{first[measure.id]})",
            )
        first.setdefault(measure.id, i)
        if measure.id in BUILT_IN_COLUMNS or measure.id.startswith(BUILT_IN_PREFIXES):
            check.add((*where, "id"), f"{measure.id!r} is the name of a built-in column")
        _check_group(measure.group, (*where, "group"), check)
        if measure.target is not None:
            _check_area(measure.target, (*where, "target"), check)
        for name in ("south_of", "north_of"):
            value = getattr(measure, name)
            if isinstance(value, str):
                check.place(value, (*where, name))


def _check_group(group: UnitGroup, where: Where, check: Checker) -> None:
    named = True
    for k, uid in enumerate(group.units):
        if uid not in check.unit_ids:
            check.add((*where, "units", k), f"unknown unit {uid!r}")
            named = False
    for k, formation in enumerate(group.formations):
        named = named and formation in check.formations
        check.formation(formation, (*where, "formations", k))
    if group.side is not None:
        named = check.side(group.side, (*where, "side"), team_ok=True) and named
        if (
            named
            and not group.units
            and not group.formations
            and not _side_has_units(group.side, check)
        ):
            check.add((*where, "side"), f"no unit is on {group.side!r}")


def _side_has_units(name: str, check: Checker) -> bool:
    team_of = {side: (spec.team or side) for side, spec in check.spec.sides.items()}
    return any(u.side == name or team_of.get(u.side) == name for u in check.spec.units)


def _check_area(area: MeasureArea, where: Where, check: Checker) -> None:
    if area.units or area.formations or area.side is not None:
        _check_group(area, where, check)
    for k, point in enumerate(area.places):
        if isinstance(point, str):
            check.place(point, (*where, "places", k))
        elif int(check.grid.hex_of_latlon(point[0], point[1])) < 0:
            check.add((*where, "places", k), f"point ({point[0]}, {point[1]}) is off the map")


# --- resolution ----------------------------------------------------------------------------------


def group_mask(group: UnitGroup, units: UnitTable, sides: SideTable) -> npt.NDArray[np.bool_]:
    """[units] the units a (checked) group picks."""
    picked = set(group.units)
    mask = np.array([uid in picked for uid in units.ids], dtype=np.bool_)
    wanted = [units.formations.index(f) for f in group.formations if f in units.formations]
    mask |= np.isin(units.formation, np.array(wanted, dtype=np.int16))
    if group.side is not None:
        if group.side in sides.ids:
            mask |= units.side == sides.index(group.side)
        else:
            mask |= sides.team[units.side] == sides.team_of_name(group.side)
    return mask


def place_hexes(points: Sequence[PathPoint], grid: HexMap) -> npt.NDArray[np.int32]:
    """The hexes of places (ids of the map's cities) and [lat, lon] points, in order."""
    hexes: list[int] = []
    for point in points:
        if isinstance(point, str):
            city = grid.city_by_id(point)
            assert city is not None, f"unchecked place {point!r}"
            hexes.append(int(city.hex))
        else:
            hexes.append(int(grid.hex_of_latlon(point[0], point[1])))
    return np.array(hexes, dtype=np.int32)


def latitude(value: float | str, grid: HexMap) -> float:
    """A latitude given as a number or as the place whose latitude it is."""
    if isinstance(value, str):
        city = grid.city_by_id(value)
        assert city is not None, f"unchecked place {value!r}"
        return float(city.lat)
    return float(value)
