"""Zones of control: the hexes a team's units hold in their grip. One rule for movement, supply,
retreats and every overlay.

An active unit with steps left exerts a zone of control (ZOC) over its own hex and the six around
it, but not across an unfrozen major river hexside (frozen = frozen or snow weather) and not onto
water, except ice that carries men (`weather.passable_ground`). Where the weather differs by
region, the hex the zone reaches into decides whether its river and its ice are frozen. A side's
ZOC is its whole team's; its enemies' ZOC is every other team's.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import numpy.typing as npt

from game.enums import River
from game.geo import HexMap
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
    if occupied.ndim == 1:  # one game: the compiled loop, or the zone kept from last time
        return _one_zone(grid, np.flatnonzero(occupied).astype(np.int64), weather)
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


# Zones already spread, by map, weather and occupied hexes: a side's movement phase asks for its
# enemies' zone at every move, and its enemies do not move meanwhile. At most _ZONES_KEPT.
_ZONES_KEPT = 256
_zones: OrderedDict[tuple[str, int | str, bytes], BoolArray] = OrderedDict()


def _one_zone(grid: HexMap, hexes: npt.NDArray[np.int64], weather: HexWeather) -> BoolArray:
    key = (grid.fingerprint(), weather_key(weather), hexes.tobytes())
    found = _zones.get(key)
    if found is None:
        ice = np.broadcast_to(frozen(weather), (grid.size,))
        major = grid.river == River.MAJOR
        found = kernels.zone(hexes, grid.neighbor, major, ice, passable_ground(grid, weather), grid.size)
        found.flags.writeable = False
        _zones[key] = found
        while len(_zones) > _ZONES_KEPT:
            _zones.popitem(last=False)
    else:
        _zones.move_to_end(key)
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
    return _zone_of(scenario, state, scenario.unit_friendly[side], weather)


def enemy_zone_of_control(
    scenario: Scenario, state: GameState, side: int, weather: HexWeather | None = None
) -> BoolArray:
    """[N] bool: hexes in the zone of control of every team but `side`'s."""
    return _zone_of(scenario, state, scenario.unit_hostile[side], weather)


def _zone_of(
    scenario: Scenario, state: GameState, units: BoolArray, weather: HexWeather | None
) -> BoolArray:
    """The zone of `units` ([U] mask) with steps left: `spread_zone` of the hexes they occupy,
    found in one compiled pass (asked for at every move)."""
    if weather is None:
        weather = hex_weather(scenario, state)
    grid = scenario.map
    hexes = kernels.occupied_hexes(
        state.hex, state.status, state.steps, units, grid.size, _ACTIVE
    )
    return _one_zone(grid, hexes, weather)
