"""Fog of war: what one side knows. The AI and the hot-seat screens read only this.

A side sees its own units fully, enemy units standing within reconnaissance range of its units
(or that it fought this turn) with their strength, and the last place it saw every other enemy unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from game.enums import Side
from game.scenario.model import Scenario
from game.state import GameState, Phase, UnitStatus


@dataclass(frozen=True)
class Observation:
    side: Side
    turn: int
    phase: Phase
    moving: Side
    hex: npt.NDArray[np.int32]  # own units and visible enemies; -1 otherwise
    visible: npt.NDArray[np.bool_]  # the unit is on the map and seen now (own units always)
    steps: npt.NDArray[np.int8]  # -1 for enemies not seen now
    last_seen_hex: npt.NDArray[np.int32]  # enemies: where last seen, -1 never
    last_seen_turn: npt.NDArray[np.int16]
    supply: npt.NDArray[np.uint8]  # own units only (0 for enemies)
    fatigue: npt.NDArray[np.uint8]  # own units only
    movement_left: npt.NDArray[np.int16]  # own units only
    control: npt.NDArray[np.uint8]
    own: npt.NDArray[np.bool_]
    over: bool


def observe(scenario: Scenario, state: GameState, side: Side) -> Observation:
    from game.engine import observed_hexes

    index = scenario.sides.index(side)
    own = scenario.units.side == side
    active = state.status == UnitStatus.ACTIVE
    seen_now = observed_hexes(scenario, state, side)[np.maximum(state.hex, 0)]
    fought = state.seen_turn[index] == state.turn
    enemy_visible = ~own & active & (seen_now | fought)
    visible = (own & active) | enemy_visible
    hide = ~visible
    zero8 = np.zeros_like(state.supply)
    return Observation(
        side=side,
        turn=state.turn,
        phase=state.phase,
        moving=scenario.sides[state.side_index],
        hex=np.where(visible, state.hex, -1).astype(np.int32),
        visible=visible,
        steps=np.where(hide, -1, state.steps).astype(np.int8),
        last_seen_hex=np.where(own, state.hex, state.seen_hex[index]).astype(np.int32),
        last_seen_turn=state.seen_turn[index].copy(),
        supply=np.where(own, state.supply, zero8).astype(np.uint8),
        fatigue=np.where(own, state.fatigue, zero8).astype(np.uint8),
        movement_left=np.where(own, state.movement_left, 0).astype(np.int16),
        control=state.control.copy(),
        own=own,
        over=state.over,
    )
