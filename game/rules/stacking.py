"""Stacking: how many units of one team may end a move, a retreat, an advance or an arrival in a
hex. One rule, asked by movement, combat, reinforcements, the AI and the interface."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from game.scenario.model import Scenario
from game.state import GameState


def limit(scenario: Scenario) -> int:
    """Units of one team a hex may hold at the end of any move (the scenario's stacking limit)."""
    return scenario.spec.scenario.stacking_limit


def room(
    scenario: Scenario, counts: npt.ArrayLike, arriving: int = 1
) -> npt.NDArray[np.bool_]:
    """Where `arriving` more units fit beside `counts` friendly units already there."""
    fits: npt.NDArray[np.bool_] = np.asarray(counts) + arriving <= limit(scenario)
    return fits


def fits(scenario: Scenario, state: GameState, side: int, h: int, arriving: int = 1) -> bool:
    """Whether `arriving` more units of `side`'s team may end in hex h."""
    here = state.active & (state.hex == h) & scenario.unit_friendly[side]
    return int(np.count_nonzero(here)) + arriving <= limit(scenario)
