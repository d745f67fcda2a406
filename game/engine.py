"""The turn sequence and the one path every action takes: `apply(scenario, state, action)`.

Each game turn, each side in the scenario's order plays: reinforcements and withdrawals, supply
(automatic), movement, combat (attacks are declared, then all resolved together when the phase
ends), exploitation (a second move for mechanised units), and the end of its turn (fatigue, victory
checks). `apply` mutates the state it is given and returns the events; `Game` in `game.session`
keeps the history that gives undo, saves and replays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from game import hexgrid
from game.actions import Action, Attack, CancelAttack, EndPhase, Move, OrderBreakout
from game.enums import WATER_TERRAIN
from game.events import Event
from game.kept import Kept
from game.rules import breakout, combat_phase, movement, stacking, supply, victory
from game.rules.bypass import settle_bypassed
from game.rules.control import take_control
from game.rules.visibility import update_visibility
from game.rules.zoc import enemy_zone_of_control
from game.scenario.model import RULES_VERSION as RULES_VERSION
from game.scenario.model import Scenario
from game.state import GameState, Phase, UnitStatus, new_state

# The version of the rules (`RULES_VERSION`, kept with the scenario, which plays a game under
# it): saves record it. Raise it when a change of the rules can change the course of a game (not
# for a change of words or of speed). 2: sides and teams from the scenario file, rule constants
# in km and days, the movement rules' zone of control in the supply trace. 3: the file's
# `[rules]` (bypassed ground, rail repair), and a side's air supply and breakout.
# module names for what every move reads (attribute lookups on an enum class are slow in 3.11)
_MOVING_PHASES: Final = (Phase.MOVEMENT, Phase.EXPLOITATION)
_EXPLOITATION: Final = Phase.EXPLOITATION
_ACTIVE: Final = int(UnitStatus.ACTIVE)  # a plain int: numpy compares it fast
ENTRY_KM: Final = 30.0  # how far from its entry point a reinforcement may be placed
FATIGUE_RECOVERY_DAYS: Final = 2  # a rested unit in supply sheds one level of fatigue this often


class IllegalActionError(ValueError):
    """The action is not allowed now; the message says why (shown to players as is)."""


def new_game(scenario: Scenario, seed: int) -> tuple[GameState, list[Event]]:
    """A fresh game advanced to the first side's movement phase."""
    state = new_state(scenario, seed)
    events = _start_side_turn(scenario, state)
    update_visibility(scenario, state)
    return state, events


def moving_side(scenario: Scenario, state: GameState) -> int:
    return scenario.sides[state.side_index]


# --- legal actions ---------------------------------------------------------------------------------


def movable_units(scenario: Scenario, state: GameState) -> npt.NDArray[np.intp]:
    """Units of the moving side that may still move in this phase."""
    if state.phase not in (Phase.MOVEMENT, Phase.EXPLOITATION) or state.over:
        return np.zeros(0, dtype=np.intp)
    side = moving_side(scenario, state)
    mask = state.active & (scenario.units.side == side) & (state.movement_left > 0)
    return np.nonzero(mask)[0]


# Movement cost tables depend on the map alone: kept per map (by its fingerprint), at most
# _RULES_KEPT maps, the least recently used dropped first.
_RULES_KEPT: Final = 8
_RULES: Kept[str, movement.MovementRules] = Kept(_RULES_KEPT)


def movement_rules(scenario: Scenario) -> movement.MovementRules:
    """The movement cost tables of a scenario's map, built once and reused."""
    return _RULES.get_or_make(
        scenario.map.fingerprint(), lambda: movement.MovementRules.build(scenario)
    )


def unit_moves(scenario: Scenario, state: GameState, unit: int) -> movement.Reach:
    """Where a unit can go with the movement it has left this phase."""
    return movement.legal_moves(
        scenario, state, unit, int(state.movement_left[unit]), rules=movement_rules(scenario)
    )


def attack_targets(scenario: Scenario, state: GameState) -> dict[int, list[int]]:
    """Each enemy-held hex that can be attacked now, with the units that could join the attack."""
    if state.phase != Phase.COMBAT or state.over:
        return {}
    side = moving_side(scenario, state)
    grid = scenario.map
    busy = {u for a in state.declared for u in a.attackers}
    declared_targets = {a.target for a in state.declared}
    ours = np.nonzero(state.active & (scenario.units.side == side))[0]
    enemy_hexes = set(state.hex[state.active & scenario.unit_hostile[side]].tolist())
    targets: dict[int, list[int]] = {}
    for u in ours.tolist():
        if u in busy or scenario.units.attack[u] <= 0:
            continue
        for n in grid.neighbor[state.hex[u]].tolist():
            if n in enemy_hexes and n not in declared_targets:
                targets.setdefault(n, []).append(u)
    return targets


def legal_actions(scenario: Scenario, state: GameState) -> Iterator[Action]:
    """Every action allowed now: moves by their cheapest path, single-hex attacks with all the
    adjacent units that could join, cancellations, and ending the phase."""
    if state.over:
        return
    if state.phase == Phase.MOVEMENT and (
        breakout.why_not_order(scenario, state, moving_side(scenario, state)) is None
    ):
        yield OrderBreakout()
    if state.phase in (Phase.MOVEMENT, Phase.EXPLOITATION):
        for u in movable_units(scenario, state).tolist():
            reach = unit_moves(scenario, state, u)
            for h in reach.destinations().tolist():
                if h != state.hex[u]:
                    yield Move(u, tuple(reach.path_to(h)[1:]))
    elif state.phase == Phase.COMBAT:
        for target, units in attack_targets(scenario, state).items():
            yield Attack(tuple(units), target)
        for attack in state.declared:
            yield CancelAttack(attack.target)
    yield EndPhase()


# --- apply -------------------------------------------------------------------------------------


def apply(scenario: Scenario, state: GameState, action: Action) -> list[Event]:
    """Apply one action to `state` in place; raises IllegalActionError and leaves the state as it
    was when the action is not allowed."""
    if state.over:
        raise IllegalActionError("the game is over")
    if isinstance(action, Move):
        events = _apply_move(scenario, state, action)
    elif isinstance(action, Attack):
        events = _declare_attack(scenario, state, action)
    elif isinstance(action, CancelAttack):
        events = _cancel_attack(scenario, state, action)
    elif isinstance(action, EndPhase):
        events = _end_phase(scenario, state)
    elif isinstance(action, OrderBreakout):
        events = _order_breakout(scenario, state)
    else:  # pragma: no cover - the Action union is closed
        raise IllegalActionError(f"unknown action {action!r}")
    return events


def _apply_move(scenario: Scenario, state: GameState, action: Move) -> list[Event]:
    u = action.unit
    units = scenario.units
    side = moving_side(scenario, state)
    if state.phase not in _MOVING_PHASES:
        raise IllegalActionError(f"units cannot move in the {state.phase.name.lower()} phase")
    if not 0 <= u < units.count or units.side[u] != side:
        raise IllegalActionError("that unit is not yours to move")
    if state.status[u] != _ACTIVE:
        raise IllegalActionError(f"{units.names[u]} is not on the map")
    if state.phase == _EXPLOITATION and not movement.is_mechanised(scenario, u):
        raise IllegalActionError("only mechanised units move in the exploitation phase")
    if not action.path:
        raise IllegalActionError("a move needs at least one hex")
    allowance = int(state.movement_left[u])
    full_path = [int(state.hex[u]), *action.path]
    checked = movement.check_move(
        scenario, state, u, full_path, allowance, rules=movement_rules(scenario)
    )
    if checked is None:
        raise IllegalActionError(
            f"{units.names[u]} cannot move along that path with {allowance / 2:g} movement points left"
        )
    cost, stops = checked  # stops: the move ends in enemy ZOC no friend negates
    destination = action.path[-1]
    start = int(state.hex[u])
    state.hex[u] = destination
    state.movement_left[u] = 0 if stops else allowance - cost
    events = [Event("move", state.turn, side, (u,), destination, {"start": start})]
    events += take_control(scenario, state, side, np.array(action.path, dtype=np.int32))
    update_visibility(scenario, state, moved=u)
    return events


def _declare_attack(scenario: Scenario, state: GameState, action: Attack) -> list[Event]:
    units = scenario.units
    side = moving_side(scenario, state)
    grid = scenario.map
    if state.phase != Phase.COMBAT:
        raise IllegalActionError("attacks are declared in the combat phase")
    if not action.attackers:
        raise IllegalActionError("an attack needs at least one unit")
    if len(set(action.attackers)) != len(action.attackers):
        raise IllegalActionError("a unit is listed twice")
    if any(a.target == action.target for a in state.declared):
        raise IllegalActionError("that hex is already under attack this phase")
    busy = {u for a in state.declared for u in a.attackers}
    hostile = scenario.unit_hostile[side]
    defenders = np.nonzero(state.active & (state.hex == action.target) & hostile)[0]
    if len(defenders) == 0:
        raise IllegalActionError("there is no enemy unit in that hex")
    for u in action.attackers:
        if (
            not 0 <= u < units.count
            or units.side[u] != side
            or state.status[u] != UnitStatus.ACTIVE
        ):
            raise IllegalActionError("only your own units on the map can attack")
        if u in busy:
            raise IllegalActionError(f"{units.names[u]} already attacks elsewhere this phase")
        if action.target not in grid.neighbor[state.hex[u]]:
            raise IllegalActionError(f"{units.names[u]} is not adjacent to the target")
        if units.attack[u] <= 0:
            raise IllegalActionError(f"{units.names[u]} has no attack strength")
    state.declared = (*state.declared, action)
    return [Event("attack_declared", state.turn, side, action.attackers, action.target)]


def _cancel_attack(scenario: Scenario, state: GameState, action: CancelAttack) -> list[Event]:
    if state.phase != Phase.COMBAT:
        raise IllegalActionError("there are no declared attacks outside the combat phase")
    kept = tuple(a for a in state.declared if a.target != action.target)
    if len(kept) == len(state.declared):
        raise IllegalActionError("no attack is declared on that hex")
    state.declared = kept
    return []


def _order_breakout(scenario: Scenario, state: GameState) -> list[Event]:
    """The moving side's pocket breaks out now: it pays, and moves from this phase on."""
    side = moving_side(scenario, state)
    if state.phase != Phase.MOVEMENT:
        raise IllegalActionError("a breakout is ordered in the movement phase")
    reason = breakout.why_not_order(scenario, state, side)
    if reason is not None:
        raise IllegalActionError(reason)
    books = _Books.of(state)
    out = breakout.order_breakout(scenario, state, side)
    going = np.nonzero(out)[0]
    state.movement_left[going] = movement.movement_allowance(scenario, going)
    events = [Event("breakout", state.turn, side, tuple(going.tolist()))]
    events += books.losses(scenario, state, "breakout")
    update_visibility(scenario, state)
    return events


def _end_phase(scenario: Scenario, state: GameState) -> list[Event]:
    side = moving_side(scenario, state)
    events: list[Event] = []
    if state.phase == Phase.MOVEMENT:
        state.movement_left[:] = 0
        state.phase = Phase.COMBAT
        state.declared = ()
    elif state.phase == Phase.COMBAT:
        books = _Books.of(state)
        events += combat_phase.resolve_declared(scenario, state)
        events += books.losses(scenario, state, "combat")
        update_visibility(scenario, state)
        state.declared = ()
        state.phase = Phase.EXPLOITATION
        mine = np.nonzero(state.active & (scenario.units.side == side))[0]
        state.movement_left[:] = 0
        state.movement_left[mine] = movement.movement_allowance(scenario, mine, exploitation=True)
        state.movement_left[breakout.standing_fast(scenario, state, side)] = 0
        if state.over:
            return events
    elif state.phase == Phase.EXPLOITATION:
        state.movement_left[:] = 0
        events += _end_side_turn(scenario, state)
        if not state.over:
            events += _start_side_turn(scenario, state)
            update_visibility(scenario, state)
    else:  # automatic phases never wait for an action
        raise IllegalActionError(f"the {state.phase.name.lower()} phase ends by itself")
    return events


# --- automatic phases --------------------------------------------------------------------------


def _start_side_turn(scenario: Scenario, state: GameState) -> list[Event]:
    """Reinforcement and supply phases of the side now moving, then open its movement phase."""
    side = moving_side(scenario, state)
    state.phase = Phase.REINFORCEMENT
    events = [Event("turn", state.turn, side)]
    events += _withdrawals(scenario, state, side)
    events += _arrivals(scenario, state, side)
    books = _Books.of(state)
    if breakout.begin_breakout(scenario, state, side).any():
        events += books.losses(scenario, state, "breakout")
    state.phase = Phase.SUPPLY
    draws = state.rng.integers(1, supply.DIE_FACES + 1, size=scenario.units.count, dtype=np.int8)
    enemy_zoc = enemy_zone_of_control(scenario, state, side)
    books = _Books.of(state)
    report = supply.update_supply(scenario, state, side, draws, enemy_zoc)
    events += _supply_events(scenario, state, report)
    events += books.losses(scenario, state, "supply")
    state.phase = Phase.MOVEMENT
    mine = np.nonzero(state.active & (scenario.units.side == side))[0]
    state.movement_left[:] = 0
    state.movement_left[mine] = movement.movement_allowance(scenario, mine)
    state.movement_left[breakout.standing_fast(scenario, state, side)] = 0
    return events


def _supply_events(
    scenario: Scenario, state: GameState, report: supply.SupplyReport
) -> list[Event]:
    side = report.side
    turn = state.turn
    events: list[Event] = []
    if len(report.newly_out):
        events.append(Event("out_of_supply", turn, side, tuple(report.newly_out.tolist())))
    events += [Event("attrition", turn, side, (u,)) for u in report.step_losses.tolist()]
    events += [
        Event("eliminated", turn, side, (u,), data={"cause": "supply"})
        for u in report.eliminated.tolist()
    ]
    events += [Event("surrender", turn, side, (u,)) for u in report.surrendered.tolist()]
    for pocket in report.pockets:
        data: dict[str, int | str] = {"men": pocket.men, "tanks": pocket.tanks, "city": pocket.city}
        where = int(pocket.hexes[0])
        events.append(Event("pocket", turn, side, tuple(pocket.units.tolist()), where, data))
    return events


def _end_side_turn(scenario: Scenario, state: GameState) -> list[Event]:
    """Fatigue recovery, victory checks, and the hand-over to the next side or turn."""
    side = moving_side(scenario, state)
    state.phase = Phase.END
    rested = state.active & (scenario.units.side == side) & (state.supply == 0) & ~state.attacked
    recovery = scenario.scale.per_turn(FATIGUE_RECOVERY_DAYS, state.turn)
    if recovery:
        before = state.fatigue[rested].astype(np.int32)
        state.fatigue[rested] = np.maximum(before - recovery, 0).astype(np.uint8)
    state.attacked[scenario.units.side == side] = False
    events = settle_bypassed(scenario, state) if scenario.rules.bypassed_ground else []
    events += victory.check_sudden_death(scenario, state)
    if state.over:
        return events
    events.append(victory.score_event(scenario, state, side))
    state.side_index += 1
    if state.side_index >= len(scenario.sides):
        state.side_index = 0
        state.turn += 1
        if state.turn > scenario.turns:
            state.turn = scenario.turns
            state.side_index = len(scenario.sides) - 1
            events += victory.final_result(scenario, state)
    return events


@dataclass(frozen=True)
class _Books:
    """Each unit's losses so far, to report what one phase cost every side."""

    men: npt.NDArray[np.int32]
    tanks: npt.NDArray[np.int32]
    steps: npt.NDArray[np.int8]

    @classmethod
    def of(cls, state: GameState) -> _Books:
        return cls(state.men_lost.copy(), state.tanks_lost.copy(), state.steps.copy())

    def losses(self, scenario: Scenario, state: GameState, cause: str) -> list[Event]:
        """One `losses` event per side that lost men, tanks or steps since `of`."""
        men = state.men_lost - self.men
        tanks = state.tanks_lost - self.tanks
        steps = self.steps.astype(np.int32) - state.steps.astype(np.int32)
        hit = (men > 0) | (tanks > 0) | (steps > 0)
        events = []
        for side in scenario.sides:
            mine = hit & (scenario.units.side == side)
            if mine.any():
                data: dict[str, int | str] = {
                    "men": int(men[mine].sum()),
                    "tanks": int(tanks[mine].sum()),
                    "steps": int(steps[mine].sum()),
                    "cause": cause,
                }
                units = tuple(np.flatnonzero(mine).tolist())
                events.append(Event("losses", state.turn, side, units, data=data))
        return events


def _withdrawals(scenario: Scenario, state: GameState, side: int) -> list[Event]:
    units = scenario.units
    leaving = np.nonzero(
        (units.side == side)
        & (units.withdraw_turn == state.turn)
        & (state.status == UnitStatus.ACTIVE)
    )[0]
    events = []
    for u in leaving.tolist():
        state.status[u] = UnitStatus.WITHDRAWN
        state.hex[u] = -1
        events.append(Event("withdrawal", state.turn, side, (u,)))
    return events


def _arrivals(scenario: Scenario, state: GameState, side: int) -> list[Event]:
    """Place due reinforcements at their entry hex or the nearest free friendly hex."""
    units = scenario.units
    due = np.nonzero(
        (units.side == side)
        & (state.status == UnitStatus.WAITING)
        & (units.arrive_turn <= state.turn)
    )[0]
    events = []
    for u in due.tolist():
        h = entry_hex(scenario, state, u)
        if h < 0:
            events.append(Event("arrival", state.turn, side, (u,), -1, {"blocked": 1}))
            continue
        state.hex[u] = h
        state.status[u] = UnitStatus.ACTIVE
        events.append(Event("arrival", state.turn, side, (u,), h))
    return events


def entry_hex(scenario: Scenario, state: GameState, u: int) -> int:
    """The hex nearest unit u's entry point (within ENTRY_KM, spiralling out) that is land, held
    by its team or nobody, free of enemy units and has room in the stack; -1 if none."""
    grid = scenario.map
    side = int(scenario.units.side[u])
    start = grid.hex_of(int(scenario.units.start_hex[u]))
    for h_ax in hexgrid.spiral(start, scenario.scale.hexes(ENTRY_KM)):
        h = grid.index_of(h_ax)
        if h < 0 or grid.terrain[h] in WATER_TERRAIN:
            continue
        if scenario.side_table.hostile_ground[side, state.control[h]]:
            continue
        here = state.active & (state.hex == h)
        if np.any(here & scenario.unit_hostile[side]):
            continue
        if not stacking.fits(scenario, state, side, h):
            continue
        return h
    return -1
