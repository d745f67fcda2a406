"""Distance fields toward objectives, computed once and shared by every unit that wants them.

A field is the movement cost from every hex to the nearest of a set of goal hexes for one movement
class in one weather (`movement.movement_field(..., toward=True)`). Fields block only water, not
enemy units: they are planning distances (the legal move search handles blocking), and so they
depend on the map alone and are cached per process, shared by both AIs and by every game of a
batch run on the same map.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from game import engine
from game.kept import Kept
from game.rules import movement
from game.rules.weather import HexWeather, weather_key
from game.scenario.model import Scenario
from game.state import GameState

UNREACHABLE = 1 << 16  # what an unreachable hex costs in a field (beyond any real distance)
_CACHE_SIZE = 4096
_cache: Kept[tuple[str, tuple[int, ...], int, int | str], npt.NDArray[np.int32]] = Kept(
    _CACHE_SIZE
)


def goal_field(
    scenario: Scenario,
    state: GameState,
    goals: tuple[int, ...],
    klass: int,
    weather: HexWeather,
) -> npt.NDArray[np.int32]:
    """[N] cost from each hex to the nearest goal (UNREACHABLE where none can be reached);
    `weather` is one code or one per hex (`weather.local_weather`)."""
    key = (scenario.map.fingerprint(), tuple(sorted(goals)), int(klass), weather_key(weather))
    found = _cache.get(key)
    if found is not None:
        return found
    raw = movement.movement_field(
        scenario,
        state,
        None,
        np.array(key[1], dtype=np.intp),
        klass,
        weather,
        toward=True,
        rules=engine.movement_rules(scenario),
    )
    field: npt.NDArray[np.int32] = np.where(raw < 0, UNREACHABLE, raw).astype(np.int32)
    field.flags.writeable = False
    return _cache.put(key, field)


def hex_distance_from(scenario: Scenario, hexes: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    """[len(hexes), N] hex distance from each given hex to every hex of the map."""
    return hex_distance_between(scenario, hexes, np.arange(scenario.map.size))


def hex_distance_between(
    scenario: Scenario, hexes: npt.NDArray[np.int32], others: npt.NDArray[np.integer]
) -> npt.NDArray[np.int32]:
    """[len(hexes), len(others)] hex distance from each of `hexes` to each of `others`."""
    grid = scenario.map
    dq = grid.q[others][None, :] - grid.q[hexes][:, None]
    dr = grid.r[others][None, :] - grid.r[hexes][:, None]
    distance: npt.NDArray[np.int32] = ((np.abs(dq) + np.abs(dr) + np.abs(dq + dr)) // 2).astype(
        np.int32
    )
    return distance
