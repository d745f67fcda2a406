"""Fog of war: what one side knows. The AI and the players' screens decide from this alone.

A side sees its own team's units fully (its teammates' supply and fatigue too: they share their
reports), and of the enemy only the units standing in hexes it observes now (reconnaissance range,
`game.rules.visibility`), with their strength. An enemy unit it fought this turn stays in view only
while it stays in the hex where it was seen; otherwise the side knows the place and turn it last
saw each enemy unit, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from game.rules import kernels
from game.rules.visibility import observed_hexes
from game.scenario.model import Scenario
from game.state import GameState, Phase, UnitStatus

# module names for enum members read on every observation (attribute lookups on an enum class
# are slow in Python 3.11)
_ACTIVE, _WAITING = int(UnitStatus.ACTIVE), int(UnitStatus.WAITING)


@dataclass(frozen=True)
class Observation:
    side: int
    turn: int
    phase: Phase
    moving: int  # the side now moving
    hex: npt.NDArray[np.int32]  # own team's units and visible enemies; -1 otherwise
    visible: npt.NDArray[np.bool_]  # the unit is on the map and seen now (own team's always)
    steps: npt.NDArray[np.int8]  # -1 for enemies not seen now
    last_seen_hex: npt.NDArray[np.int32]  # enemies: where last seen, -1 never
    last_seen_turn: npt.NDArray[np.int16]
    supply: npt.NDArray[np.uint8]  # own team's units only (0 for enemies)
    fatigue: npt.NDArray[np.uint8]  # own team's units only
    movement_left: npt.NDArray[np.int16]  # own units only
    status: npt.NDArray[np.uint8]  # own team's units; enemies: ACTIVE if visible, else WAITING
    men_lost: npt.NDArray[np.int32]  # own team's units only
    attacked: npt.NDArray[np.bool_]  # own units that attacked this turn
    control: npt.NDArray[np.uint8]
    control_changed: npt.NDArray[np.int16]  # turn each hex last changed hands (0 never): public
    seen_hexes: npt.NDArray[np.bool_]  # [N] hexes observed now
    own: npt.NDArray[np.bool_]  # the side's own units
    friendly: npt.NDArray[np.bool_]  # the side's team's units (own included)
    declared: tuple[tuple[tuple[int, ...], int], ...]  # own declared attacks (attackers, target)
    over: bool
    breakout_ordered: int = 0  # the turn the side ordered its breakout, 0 not (its own business)


def observe(scenario: Scenario, state: GameState, side: int) -> Observation:
    own = scenario.unit_own[side]
    friendly = scenario.unit_friendly[side]
    seen = observed_hexes(scenario, state, side)
    # a unit fought this turn stays in view while it stands where it was seen in the fight
    hexes, visible, steps, last_hex, supply, fatigue, moves, status, lost, attacked = (
        kernels.observe_units(
            state.hex,
            state.steps,
            state.status,
            state.supply,
            state.fatigue,
            state.movement_left,
            state.men_lost,
            state.attacked,
            state.seen_turn[side],
            state.seen_hex[side],
            state.turn,
            own,
            friendly,
            seen,
            _ACTIVE,
            _WAITING,
        )
    )
    moving = scenario.sides[state.side_index]
    declared = tuple((a.attackers, a.target) for a in state.declared) if moving == side else ()
    return Observation(
        side=side,
        turn=state.turn,
        phase=state.phase,
        moving=moving,
        hex=hexes,
        visible=visible,
        steps=steps,
        last_seen_hex=last_hex,
        last_seen_turn=state.seen_turn[side].copy(),
        supply=supply,
        fatigue=fatigue,
        movement_left=moves,
        status=status,
        men_lost=lost,
        attacked=attacked,
        control=state.control.copy(),
        control_changed=state.control_changed.copy(),
        seen_hexes=seen,
        own=own,
        friendly=friendly,
        declared=declared,
        over=state.over,
        breakout_ordered=next((t for s, t in state.breakouts if s == side), 0),
    )
