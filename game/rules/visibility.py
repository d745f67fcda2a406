"""Reconnaissance: which hexes a side sees, and the record of where it last saw each enemy unit.

A side sees every hex within `RECON_KM` of a unit of its team (ground and air reconnaissance,
turned into hexes by the scenario's scale) and the units in them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from game.kept import Kept
from game.rules import kernels
from game.scenario.model import Scenario
from game.state import GameState, UnitStatus

RECON_KM: Final = 20.0
_ACTIVE = int(UnitStatus.ACTIVE)

# Hexes seen, by map, radius and the hexes the team's units stand on: after one unit moves, every
# other team's view is the same as before, and each side's view is asked for at every move. At
# most _KEPT.
_KEPT = 256
_seen: Kept[tuple[str, int, bytes], npt.NDArray[np.bool_]] = Kept(_KEPT)


def observed_hexes(scenario: Scenario, state: GameState, side: int) -> npt.NDArray[np.bool_]:
    """[N] hexes `side` sees now: within reconnaissance range of its team's units on the map.
    The array is shared and read-only."""
    grid = scenario.map
    mine = kernels.occupied_hexes(
        state.hex, state.status, state.steps, _team_units(scenario)[side], _ACTIVE, False
    )
    radius = scenario.scale.hexes(RECON_KM)
    key = (grid.fingerprint(), radius, mine.tobytes())
    found = _seen.get(key)
    if found is None:
        found = kernels.within(mine, grid.neighbor, radius, grid.size)
        found.flags.writeable = False
        _seen.put(key, found)
    return found


@lru_cache(maxsize=16)
def _team_units(scenario: Scenario) -> tuple[npt.NDArray[np.intp], ...]:
    """Each side's team's units: what it sees depends on where they stand alone."""
    return tuple(np.flatnonzero(scenario.unit_friendly[side]) for side in scenario.sides)


def update_visibility(scenario: Scenario, state: GameState, moved: int | None = None) -> None:
    """Record, for every side, the enemy units it sees now and where.

    `moved`: the only unit that moved since the last call (the engine's move, made after a full
    update in the same phase, with no enemy moved since). Its team marks the enemies it sees from
    where it stands now (what its other units see was marked before, and marks are never taken
    back); every other side's view changes only in whether it sees that unit, so only that unit
    is looked at for them.
    """
    grid = scenario.map
    for side in scenario.sides:
        if moved is not None:
            h = int(state.hex[moved])
            on_map = h >= 0 and state.status[moved] == _ACTIVE
            if scenario.unit_hostile[side][moved]:
                if on_map and observed_hexes(scenario, state, side)[h]:
                    state.seen_turn[side, moved] = state.turn
                    state.seen_hex[side, moved] = h
                continue
            if on_map:
                kernels.mark_seen_from(
                    h,
                    scenario.scale.hexes(RECON_KM),
                    grid.neighbor,
                    state.hex,
                    state.status,
                    scenario.unit_hostile[side],
                    _ACTIVE,
                    state.turn,
                    state.seen_turn[side],
                    state.seen_hex[side],
                )
            continue
        seen = observed_hexes(scenario, state, side)
        enemy = state.active & scenario.unit_hostile[side]
        visible = enemy & seen[np.maximum(state.hex, 0)]
        state.seen_turn[side, visible] = state.turn
        state.seen_hex[side, visible] = state.hex[visible]
