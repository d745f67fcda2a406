"""Measures of a game in km and men, read off the true state: the ground a side gained, and the
distance, advance and men quantities that scenario files declare (`schema.MeasureSpec`).

Each declared measure becomes a `Sample`, a function of the game at one moment (None when it has
no value then, e.g. its units are all off the map); the reporters sample it as the game is played
and reduce the samples to one value. Distances are hex steps times the map's `hex_km`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from game.geo import HexMap
from game.hexgrid import distance_array
from game.kept import Kept
from game.rules.losses import men_present
from game.scenario.measures import group_mask, latitude, place_hexes
from game.scenario.model import Scenario
from game.scenario.schema import MeasureArea, MeasureSpec
from game.session import Game
from game.state import UnitStatus

Sample = Callable[[Game], float | None]
I32 = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]

_CHUNK = 256  # hexes per block of the nearest-hex search: 256 x sources int32s at a time
_FIELD_CACHE_SIZE = 32  # a few maps x a few teams; fields are keyed by the map and the sources
_fields: Kept[tuple[str, str], I32] = Kept(_FIELD_CACHE_SIZE)


def nearest_hexes(grid: HexMap, sources: Mask) -> I32:
    """[N] hex distance from every hex to the nearest source hex (-1 everywhere without one).

    Straight hex distance, not a path: water and enemies do not lengthen it. Cached by the map's
    fingerprint and the sources, so every game of a batch shares the fields of its start line.
    """
    key = (grid.fingerprint(), hashlib.sha256(np.packbits(sources).tobytes()).hexdigest())
    found = _fields.get(key)
    if found is not None:
        return found
    field = _nearest(grid, sources)
    field.flags.writeable = False
    return _fields.put(key, field)


def _nearest(grid: HexMap, sources: Mask) -> I32:
    field = np.full(grid.size, -1, dtype=np.int32)
    source = np.nonzero(sources)[0]
    if len(source):
        sq, sr = grid.q[source][None, :], grid.r[source][None, :]
        for start in range(0, grid.size, _CHUNK):
            stop = min(start + _CHUNK, grid.size)
            block = distance_array(grid.q[start:stop, None], grid.r[start:stop, None], sq, sr)
            field[start:stop] = block.min(axis=1)
    return field


def ground_advance_km(scenario: Scenario, side: int, control: npt.NDArray[np.uint8]) -> float:
    """The greatest distance in km from a hex `side` holds in `control` to the nearest hex it held
    at the start: how far its ground reaches beyond its start line (0 if it gained none, or held
    nothing at the start to measure from)."""
    held = np.nonzero(control == side)[0]
    field = nearest_hexes(scenario.map, scenario.control == side)
    if not len(held) or field[0] < 0:
        return 0.0
    return float(field[held].max()) * scenario.map.hex_km


def team_start_field(scenario: Scenario, team: int) -> I32:
    """[N] hexes from every hex to the nearest hex `team` held at the start (-1: it held none)."""
    members = np.array(scenario.side_table.members(team), dtype=np.uint8)
    return nearest_hexes(scenario.map, np.isin(scenario.control, members))


# --- declared measures ---------------------------------------------------------------------------


def measure_sample(scenario: Scenario, measure: MeasureSpec) -> Sample:
    """The quantity a checked measure reduces, as a function of the game at one moment."""
    mask = group_mask(measure.group, scenario.units, scenario.side_table)
    if measure.kind == "distance":
        assert measure.target is not None
        return _distance(scenario, mask, _area(scenario, measure.target), measure.gap)
    if measure.kind == "advance":
        south = None if measure.south_of is None else latitude(measure.south_of, scenario.map)
        north = None if measure.north_of is None else latitude(measure.north_of, scenario.map)
        return _advance(scenario, mask, south, north)
    area = None if measure.target is None else _area(scenario, measure.target)
    return _men(scenario, mask, area, measure.withdrawn)


def _on_map(game: Game, mask: Mask) -> npt.NDArray[np.intp]:
    units: npt.NDArray[np.intp] = np.nonzero(mask & (game.state.status == UnitStatus.ACTIVE))[0]
    return units


def _area(scenario: Scenario, area: MeasureArea) -> Callable[[Game], Mask]:
    """[N] the area's hexes at this moment: its places and its units' hexes, widened."""
    grid = scenario.map
    fixed = np.zeros(grid.size, dtype=np.bool_)
    fixed[place_hexes(area.places, grid)] = True
    picks = area.units or area.formations or area.side is not None
    mask = group_mask(area, scenario.units, scenario.side_table) if picks else None
    widen = scenario.scale.hexes(area.within_km, minimum=0)
    if mask is None:  # places alone: the same hexes all game
        static = _widen(grid, fixed, widen)
        return lambda game: static

    def hexes(game: Game) -> Mask:
        inside = fixed.copy()
        inside[game.state.hex[_on_map(game, mask)]] = True
        return _widen(grid, inside, widen)  # units move, so no cache: a few ms a sample

    return hexes


def _widen(grid: HexMap, hexes: Mask, within: int) -> Mask:
    """`hexes` and every hex within `within` hexes of one of them."""
    if not within or not hexes.any():
        return hexes
    wide: Mask = _nearest(grid, hexes) <= within
    return wide


def _distance(scenario: Scenario, mask: Mask, area: Callable[[Game], Mask], gap: bool) -> Sample:
    grid = scenario.map

    def sample(game: Game) -> float | None:
        units = _on_map(game, mask)
        target = np.nonzero(area(game))[0]
        if not len(units) or not len(target):
            return None
        at = np.unique(game.state.hex[units])
        steps = distance_array(
            grid.q[at][:, None],
            grid.r[at][:, None],
            grid.q[target][None, :],
            grid.r[target][None, :],
        )
        nearest = int(steps.min())
        return float(max(nearest - 1, 0) if gap else nearest) * grid.hex_km

    return sample


def _advance(scenario: Scenario, mask: Mask, south: float | None, north: float | None) -> Sample:
    grid = scenario.map
    team_of_unit = scenario.side_table.team[scenario.units.side]
    centre_latitude = grid.center_latlon(np.arange(grid.size))[0]
    fields = {int(t): team_start_field(scenario, int(t)) for t in np.unique(team_of_unit[mask])}

    def sample(game: Game) -> float | None:
        units = _on_map(game, mask)
        hexes = game.state.hex[units]
        keep = np.ones(len(units), dtype=np.bool_)
        if south is not None:
            keep &= centre_latitude[hexes] < south
        if north is not None:
            keep &= centre_latitude[hexes] > north
        if not keep.any():
            return None
        deepest = 0
        for unit, h in zip(units[keep].tolist(), hexes[keep].tolist(), strict=True):
            deepest = max(deepest, int(fields[int(team_of_unit[unit])][h]))
        return float(deepest) * grid.hex_km

    return sample


def _men(
    scenario: Scenario, mask: Mask, area: Callable[[Game], Mask] | None, withdrawn: bool
) -> Sample:
    on_map = area is not None or not withdrawn  # "withdrawn" alone counts only those gone

    def sample(game: Game) -> float | None:
        state = game.state
        units = _on_map(game, mask) if on_map else np.zeros(0, dtype=np.intp)
        if area is not None:
            units = units[area(game)[state.hex[units]]]
        if withdrawn:
            gone = np.nonzero(mask & (state.status == UnitStatus.WITHDRAWN))[0]
            units = np.concatenate([units, gone])
        return float(men_present(scenario, state.steps[units], units).sum())

    return sample
