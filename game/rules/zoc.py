"""Zones of control: the hexes a team's units hold in their grip. One rule for movement, supply,
retreats and every overlay.

An active unit with steps left exerts a zone of control (ZOC) over its own hex and the six around
it, but not across an unfrozen major river hexside (frozen = frozen or snow weather) and not onto
water, except ice that carries men (`weather.passable_ground`). Where the weather differs by
region, the hex the zone reaches into decides whether its river and its ice are frozen. A side's
ZOC is its whole team's; its enemies' ZOC is every other team's.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from game.enums import River
from game.geo import HexMap
from game.kept import Kept
from game.rules import kernels
from game.rules.weather import HexWeather, frozen, hex_weather, passable_ground, weather_key
from game.scenario.model import Scenario
from game.state import GameState, UnitStatus

BoolArray = npt.NDArray[np.bool_]
_ACTIVE = int(UnitStatus.ACTIVE)


def spread_zone(grid: HexMap, occupied: BoolArray, weather: HexWeather) -> BoolArray:
    """Zone of control of the occupied hexes: [..., N] -> [..., N] (any leading batch axes).

    A hex is in the zone if it is occupied, or a neighbour across a hexside that carries ZOC is.
    Hexside layers are symmetric, so side d of h is the side the neighbour's ZOC crosses.
    `weather` is one code or [N] codes (the weather of the hex the zone reaches into).
    """
    if occupied.ndim == 1:  # one game: the compiled loop
        return _spread(grid, np.flatnonzero(occupied).astype(np.int64), weather)
    ice = frozen(weather)
    carries = (grid.neighbor >= 0) & ((grid.river != River.MAJOR) | ice[..., None])
    n = grid.size
    neighbor = np.where(grid.neighbor < 0, n, grid.neighbor).astype(np.intp)
    padded = np.concatenate(
        [occupied, np.zeros((*occupied.shape[:-1], 1), dtype=np.bool_)], axis=-1
    )
    reached = (padded[..., neighbor] & carries).any(axis=-1)
    zone: BoolArray = (occupied | reached) & passable_ground(grid, weather)
    return zone


def _spread(grid: HexMap, hexes: npt.NDArray[np.int64], weather: HexWeather) -> BoolArray:
    """The zone of the occupied `hexes` (sorted, unique) in one compiled pass; read-only."""
    ice, major, passable = _zone_ground(grid, weather)
    found = kernels.zone(hexes, grid.neighbor, major, ice, passable, grid.size)
    found.flags.writeable = False
    return found


# What a zone spreads over, by map and weather: the ice, the major rivers and the passable
# ground change only with the weather. At most _GROUND_KEPT.
_GROUND_KEPT = 32
_grounds: Kept[tuple[str, int | str], tuple[BoolArray, BoolArray, BoolArray]] = Kept(_GROUND_KEPT)


def _zone_ground(grid: HexMap, weather: HexWeather) -> tuple[BoolArray, BoolArray, BoolArray]:
    key = (grid.fingerprint(), weather_key(weather))
    found = _grounds.get(key)
    if found is None or not grid.frozen:
        ice = np.ascontiguousarray(np.broadcast_to(frozen(weather), (grid.size,)))
        major = grid.river == River.MAJOR
        found = (ice, major, passable_ground(grid, weather))
        for layer in found:
            layer.flags.writeable = False
        if grid.frozen:
            _grounds.put(key, found)
    return found


def occupied_by(scenario: Scenario, state: GameState, units: BoolArray) -> BoolArray:
    """[N] hexes where one of `units` ([U] mask) stands on the map."""
    on_map = units & state.active & (state.hex >= 0)
    occupied = np.zeros(scenario.map.size, dtype=np.bool_)
    occupied[state.hex[on_map]] = True
    return occupied


def zone_of_control(
    scenario: Scenario, state: GameState, side: int, weather: HexWeather | None = None
) -> BoolArray:
    """[N] bool: hexes in the zone of control of `side`'s team (active units with steps left).

    The weather defaults to the state's turn, hex by hex; frozen rivers carry ZOC, unfrozen major
    rivers don't.
    """
    return _zone_of(scenario, state, _units_of(scenario)[0][side], weather)


def enemy_zone_of_control(
    scenario: Scenario, state: GameState, side: int, weather: HexWeather | None = None
) -> BoolArray:
    """[N] bool: hexes in the zone of control of every team but `side`'s."""
    return _zone_of(scenario, state, _units_of(scenario)[1][side], weather)


@lru_cache(maxsize=16)
def _units_of(
    scenario: Scenario,
) -> tuple[tuple[npt.NDArray[np.intp], ...], tuple[npt.NDArray[np.intp], ...]]:
    """Each side's team's units and its enemies' units, by number."""
    sides = scenario.sides
    return (
        tuple(np.flatnonzero(scenario.unit_friendly[s]) for s in sides),
        tuple(np.flatnonzero(scenario.unit_hostile[s]) for s in sides),
    )


def _zone_of(
    scenario: Scenario, state: GameState, units: npt.NDArray[np.intp], weather: HexWeather | None
) -> BoolArray:
    """The zone of `units` (unit numbers) with steps left: `spread_zone` of the hexes they
    occupy, kept by those hexes (asked for at every move, and their places change seldom)."""
    if weather is None:
        weather = hex_weather(scenario, state)
    grid = scenario.map
    occupied = kernels.occupied_hexes(state.hex, state.status, state.steps, units, _ACTIVE)
    return _spread_kept(grid, occupied, weather)


# Zones already spread, by map, weather and the occupied hexes themselves: a side's movement
# phase asks for its enemies' zone at every move, and its enemies do not move meanwhile; units
# that stand alike in two states (the truth and a side's belief of it) share one zone. At most
# _ZONES_KEPT.
_ZONES_KEPT = 256
_spreads: Kept[tuple[str, int | str, bytes], BoolArray] = Kept(_ZONES_KEPT)


def _spread_kept(grid: HexMap, hexes: npt.NDArray[np.int64], weather: HexWeather) -> BoolArray:
    key = (grid.fingerprint(), weather_key(weather), hexes.tobytes())
    return _spreads.get_or_make(key, lambda: _spread(grid, hexes, weather))
