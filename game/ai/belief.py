"""What the AI believes: a planning copy of the game built from its side's observation only.

Move generation (`movement.legal_moves`) and combat previews read a `GameState`. Handing them the
true state would leak hidden enemy units (they block moves and exert zones of control), so the
AI plans on a belief state made from `observe(...)`: its own units as they are, the enemy units it
sees now as it sees them, and no other enemy unit on the map. Remembered positions of enemies seen
lately are kept beside it (`ghosts`) for threat estimates, never as blockers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from game.ai import kernels as ai_kernels
from game.observation import Observation, observe
from game.scenario.model import Scenario
from game.state import GameState, UnitStatus

# plain ints: numpy compares them without looking up dunders on the enum class
_ACTIVE, _WAITING = int(UnitStatus.ACTIVE), int(UnitStatus.WAITING)
GHOST_DAYS = 4  # an enemy seen within this many days is still assumed near where it was
# A belief state needs a generator but is never drawn from (the AI has its own); seeding one costs
# ~50 us, more than the rest of a belief, so every belief shares this one.
_UNDRAWN = np.random.Generator(np.random.PCG64(0))


@lru_cache(maxsize=16)
def _ghost_turns(scenario: Scenario) -> int:
    """GHOST_DAYS in the scenario's turns (every belief asks)."""
    return scenario.scale.turns(GHOST_DAYS)


@dataclass(frozen=True, eq=False)
class Belief:
    side: int
    observation: Observation
    state: GameState  # own units true, visible enemies as seen, hidden enemies off the map
    enemy_visible: npt.NDArray[np.bool_]  # [U]
    ghosts: npt.NDArray[np.int32]  # [U] remembered hex of enemies not seen now, -1 none


def build_belief(
    scenario: Scenario, truth: GameState, side: int, own_status: npt.NDArray[np.uint8]
) -> Belief:
    """The belief of `side` now. `own_status` is the side's own units' status (its own business);
    nothing else of `truth` is read except through `observe`."""
    obs = observe(scenario, truth, side)
    return belief_from_observation(scenario, obs, own_status)


def belief_from_observation(
    scenario: Scenario, obs: Observation, own_status: npt.NDArray[np.uint8]
) -> Belief:
    units = scenario.units
    hexes, steps, status, enemy_visible, ghosts, seen_turn, seen_hex, zeros = (
        ai_kernels.belief_units(
            obs.own,
            obs.friendly,
            obs.visible,
            own_status,
            obs.status,
            obs.hex,
            obs.steps,
            units.max_steps,
            obs.last_seen_hex,
            obs.last_seen_turn,
            obs.turn,
            _ghost_turns(scenario),
            _ACTIVE,
            obs.side,
            len(scenario.sides),
        )
    )
    # the belief shares the observation's arrays: nothing that plans on it writes to it
    state = GameState(
        hex=hexes,
        steps=steps,
        status=status,
        movement_left=obs.movement_left,
        supply=obs.supply,
        fatigue=obs.fatigue,
        attacked=obs.attacked,
        men_lost=zeros,
        tanks_lost=zeros,
        control=obs.control,
        control_changed=obs.control_changed,
        seen_turn=seen_turn,
        seen_hex=seen_hex,
        turn=obs.turn,
        side_index=obs.moving,
        phase=obs.phase,
        rng=_UNDRAWN,
        breakouts=((obs.side, obs.breakout_ordered),) if obs.breakout_ordered else (),
    )
    return Belief(obs.side, obs, state, enemy_visible, ghosts)
