"""The weather a rule sees: which state of the ground and sky holds on a turn, and where.

A map has one weather (`Scenario.weather`, per turn) unless the map or scenario file names weather
regions: then each hex is in a zone (0: the map-wide weather, r + 1: region r) and each zone has
its weather per turn (`weather_table`). Rules ask for the weather of the hexes they concern
(`weather_at`, or `local_weather`, which stays a single code while every hex shares one, so a
one-zone map runs exactly the code it always ran):

    movement   the hex entered (its terrain, the river crossed into it, the road into it)
    ZOC        the hex the zone reaches into (a frozen river carries it there)
    supply     the hex reached: a hex is in supply within the reach of its own weather
    combat     the defender's hex

`Scenario.weather` stays the map-wide weather, for the turn display and one-zone maps.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from game.enums import Weather
from game.geo import HexMap
from game.kept import KeptFor
from game.scenario.model import Scenario
from game.state import GameState

# Ground and rivers frozen hard: rivers carry zones of control and men, marsh is firm, and the
# ice of freezing water (`HexMap.freezes`) carries men, horses and supply.
FROZEN_WEATHER: Final = frozenset({Weather.FROZEN, Weather.SNOW})

# One weather code for every hex, or [N] codes, one per hex.
HexWeather = int | npt.NDArray[np.uint8]


def _clamp(scenario: Scenario, turn: int) -> int:
    return min(max(turn, 1), len(scenario.weather) - 1)


def weather_of_turn(scenario: Scenario, turn: int) -> Weather:
    """The map-wide weather of `turn` (the nearest turn of the calendar outside it)."""
    return Weather(int(scenario.weather[_clamp(scenario, turn)]))


def turn_weather(scenario: Scenario, state: GameState) -> Weather:
    """The map-wide weather of the state's turn."""
    return weather_of_turn(scenario, state.turn)


def weather_table(scenario: Scenario) -> npt.NDArray[np.uint8]:
    """[turns + 1, zones] the weather of each zone per turn; column 0 is the map-wide weather."""
    mapwide = np.asarray(scenario.weather, dtype=np.uint8)[:, None]
    zones = scenario.weather_zones
    if zones is None:
        return mapwide
    table: npt.NDArray[np.uint8] = np.concatenate([mapwide, zones.weather], axis=1)
    return table


def weather_zone(scenario: Scenario) -> npt.NDArray[np.uint8]:
    """[N] each hex's weather zone (0 everywhere on a map without weather regions)."""
    zones = scenario.weather_zones
    if zones is None:
        return np.zeros(scenario.map.size, dtype=np.uint8)
    return zones.zone


def weather_at(scenario: Scenario, turn: int) -> npt.NDArray[np.uint8]:
    """[N] the weather of every hex on `turn` (clamped to the calendar like `weather_of_turn`)."""
    turn = _clamp(scenario, turn)
    zones = scenario.weather_zones
    if zones is None:
        return np.full(scenario.map.size, scenario.weather[turn], dtype=np.uint8)
    row = np.concatenate([scenario.weather[turn : turn + 1], zones.weather[turn]])
    found: npt.NDArray[np.uint8] = row.astype(np.uint8)[zones.zone]
    return found


def weather_of_hex(scenario: Scenario, turn: int, h: int) -> Weather:
    """The weather of one hex on `turn`."""
    turn = _clamp(scenario, turn)
    zones = scenario.weather_zones
    zone = 0 if zones is None else int(zones.zone[h])
    if zone == 0:
        return Weather(int(scenario.weather[turn]))
    assert zones is not None
    return Weather(int(zones.weather[turn, zone - 1]))


def local_weather(scenario: Scenario, turn: int) -> HexWeather:
    """The weather of `turn` for rules: one code while every zone has the same weather (always,
    on a map without regions), else [N] codes, one per hex (shared and read-only)."""
    return _local_weather(scenario, _clamp(scenario, turn))


@lru_cache(maxsize=64)
def _local_weather(scenario: Scenario, turn: int) -> HexWeather:
    """Kept per scenario and turn: every move asks for it, and its array is the cache key of
    the move's zones of control and costs (`weather_key` knows it by identity)."""
    zones = scenario.weather_zones
    mapwide = int(scenario.weather[turn])
    if zones is None or bool(np.all(zones.weather[turn] == mapwide)):
        return mapwide
    found = weather_at(scenario, turn)
    found.flags.writeable = False
    return found


def hex_weather(scenario: Scenario, state: GameState) -> HexWeather:
    """`local_weather` of the state's turn."""
    return local_weather(scenario, state.turn)


def uniform(weather: HexWeather) -> int | None:
    """The single code of `weather` when every hex shares it, else None."""
    if isinstance(weather, int | np.integer):
        return int(weather)
    codes = np.asarray(weather)
    if codes.ndim == 0:
        return int(codes)
    first = int(codes.flat[0]) if codes.size else 0
    return first if bool(np.all(codes == first)) else None


# Keys of read-only weather arrays (`local_weather`'s), by identity. At most _KEYS_KEPT.
_KEYS_KEPT: Final = 64
_keys: KeptFor[npt.NDArray[np.uint8], int | str] = KeptFor(_KEYS_KEPT)


def weather_key(weather: HexWeather) -> int | str:
    """A cache key of a turn's weather: the code when every hex shares it, else a digest."""
    if isinstance(weather, np.ndarray) and not weather.flags.writeable:
        return _keys.get_or_make(weather, lambda: _key_of(weather))
    return _key_of(weather)


def _key_of(weather: HexWeather) -> int | str:
    single = uniform(weather)
    if single is not None:
        return single
    return hashlib.sha256(np.asarray(weather, dtype=np.uint8).tobytes()).hexdigest()[:16]


def per_hex(weather: HexWeather, size: int) -> npt.NDArray[np.uint8]:
    """[size] weather codes: a single code repeated, or the per-hex codes as they are."""
    codes = np.asarray(weather, dtype=np.uint8)
    if codes.ndim == 0:
        return np.full(size, codes, dtype=np.uint8)
    if codes.shape != (size,):
        raise ValueError(f"weather must be one code or {size} codes, got shape {codes.shape}")
    return codes


_FROZEN_CODES: Final = tuple(int(w) for w in FROZEN_WEATHER)


def frozen(weather: HexWeather) -> npt.NDArray[np.bool_]:
    """Frozen or snow: one bool (0-d) for a single code, [N] for per-hex codes."""
    if isinstance(weather, int | np.integer):
        return np.asarray(int(weather) in _FROZEN_CODES)
    codes = np.asarray(weather, dtype=np.uint8)
    found = np.zeros(codes.shape, dtype=np.bool_)
    for code in _FROZEN_CODES:  # comparisons: np.isin costs more than the whole rule here
        found |= codes == code
    return found


def passable_ground(grid: HexMap, weather: HexWeather) -> npt.NDArray[np.bool_]:
    """[N] ground a land unit can be on this turn: land, and the ice of freezing water where the
    weather of its hex is frozen. Zones of control and supply cross exactly this ground; what
    each kind of unit pays to cross it is the movement rules' business."""
    ice = frozen(weather)
    if not ice.any():
        return grid.land
    water = grid.water
    ground: npt.NDArray[np.bool_] = ~water | (water & grid.freezes & ice)
    return ground
