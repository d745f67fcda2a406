"""Reconnaissance: which hexes a side sees, and the record of where it last saw each enemy unit.

A side sees every hex within `RECON_KM` of a unit of its team (ground and air reconnaissance,
turned into hexes by the scenario's scale) and the units in them.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from game.rules import kernels
from game.scenario.model import Scenario
from game.state import GameState

RECON_KM: Final = 20.0


def observed_hexes(scenario: Scenario, state: GameState, side: int) -> npt.NDArray[np.bool_]:
    """[N] hexes `side` sees now: within reconnaissance range of its team's units on the map."""
    grid = scenario.map
    mine = state.hex[state.active & scenario.unit_friendly[side] & (state.hex >= 0)]
    radius = scenario.scale.hexes(RECON_KM)
    return kernels.within(mine.astype(np.int64), grid.neighbor, radius, grid.size)


def update_visibility(scenario: Scenario, state: GameState) -> None:
    """Record, for every side, the enemy units it sees now and where."""
    for side in scenario.sides:
        seen = observed_hexes(scenario, state, side)
        enemy = state.active & scenario.unit_hostile[side]
        visible = enemy & seen[np.maximum(state.hex, 0)]
        state.seen_turn[side, visible] = state.turn
        state.seen_hex[side, visible] = state.hex[visible]
