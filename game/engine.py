"""The turn sequence and the one path every action takes: `apply(scenario, state, action)`.

Each game turn, each side in the scenario's order plays: reinforcements and withdrawals, supply
(automatic), movement, combat (attacks are declared, then all resolved together when the phase
ends), exploitation (a second move for mechanised units), and the end of its turn (fatigue, victory
checks). `apply` mutates the state it is given and returns the events; `Game` in `game.session`
keeps the history that gives undo, saves and replays.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from game import hexgrid
from game.actions import Action, Attack, CancelAttack, EndPhase, Move
from game.enums import Side, Terrain
from game.events import Event
from game.rules import combat_phase, movement, supply, victory
from game.scenario.model import Scenario
from game.state import GameState, Phase, UnitStatus, new_state

RECON_RADIUS = 2  # hexes within which a side sees enemy units (ground and air reconnaissance)


class IllegalActionError(ValueError):
    """The action is not allowed now; the message says why (shown to players as is)."""


def new_game(scenario: Scenario, seed: int) -> tuple[GameState, list[Event]]:
    """A fresh game advanced to the first side's movement phase."""
    state = new_state(scenario, seed)
    events = _start_side_turn(scenario, state)
    update_visibility(scenario, state)
    return state, events


def moving_side(scenario: Scenario, state: GameState) -> Side:
    return scenario.sides[state.side_index]


# --- legal actions ---------------------------------------------------------------------------------


def movable_units(scenario: Scenario, state: GameState) -> npt.NDArray[np.intp]:
    """Units of the moving side that may still move in this phase."""
    if state.phase not in (Phase.MOVEMENT, Phase.EXPLOITATION) or state.over:
        return np.zeros(0, dtype=np.intp)
    side = moving_side(scenario, state)
    mask = state.active & (scenario.units.side == side) & (state.movement_left > 0)
    return np.nonzero(mask)[0]


_RULES: dict[int, tuple[Scenario, movement.MovementRules]] = {}


def movement_rules(scenario: Scenario) -> movement.MovementRules:
    """The movement cost tables of a scenario, built once and reused."""
    cached = _RULES.get(id(scenario))
    if cached is None or cached[0] is not scenario:
        if len(_RULES) > 32:
            _RULES.clear()
        cached = (scenario, movement.MovementRules.build(scenario))
        _RULES[id(scenario)] = cached
    return cached[1]


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
    enemy_hexes = set(state.hex[state.active & (scenario.units.side != side)].tolist())
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
    else:  # pragma: no cover - the Action union is closed
        raise IllegalActionError(f"unknown action {action!r}")
    return events


def _apply_move(scenario: Scenario, state: GameState, action: Move) -> list[Event]:
    u = action.unit
    units = scenario.units
    side = moving_side(scenario, state)
    if state.phase not in (Phase.MOVEMENT, Phase.EXPLOITATION):
        raise IllegalActionError(f"units cannot move in the {state.phase.name.lower()} phase")
    if not 0 <= u < units.count or units.side[u] != side:
        raise IllegalActionError("that unit is not yours to move")
    if state.status[u] != UnitStatus.ACTIVE:
        raise IllegalActionError(f"{units.names[u]} is not on the map")
    if state.phase == Phase.EXPLOITATION and not movement.is_mechanised(scenario, u):
        raise IllegalActionError("only mechanised units move in the exploitation phase")
    if not action.path:
        raise IllegalActionError("a move needs at least one hex")
    allowance = int(state.movement_left[u])
    full_path = [int(state.hex[u]), *action.path]
    cost = movement.move_path_cost(
        scenario, state, u, full_path, allowance, rules=movement_rules(scenario)
    )
    if cost is None:
        raise IllegalActionError(
            f"{units.names[u]} cannot move along that path with {allowance / 2:g} movement points left"
        )
    destination = action.path[-1]
    zoc = movement.enemy_zone_of_control(scenario, state, side)
    friends = state.active & (state.hex == destination) & (units.side == side)
    stops = bool(zoc[destination]) and not bool(np.any(friends))
    state.hex[u] = destination
    state.movement_left[u] = 0 if stops else allowance - cost
    events = [
        Event("move", state.turn, int(side), f"{units.names[u]} moves", (u,), action.path[-1])
    ]
    events += take_control(scenario, state, side, np.array(action.path, dtype=np.int32))
    update_visibility(scenario, state)
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
    defenders = np.nonzero(state.active & (state.hex == action.target) & (units.side != side))[0]
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
    names = ", ".join(units.labels[u] for u in action.attackers)
    return [
        Event(
            "attack_declared",
            state.turn,
            int(side),
            f"{names} will attack {describe_hex(scenario, action.target)}",
            action.attackers,
            action.target,
        )
    ]


def _cancel_attack(scenario: Scenario, state: GameState, action: CancelAttack) -> list[Event]:
    if state.phase != Phase.COMBAT:
        raise IllegalActionError("there are no declared attacks outside the combat phase")
    kept = tuple(a for a in state.declared if a.target != action.target)
    if len(kept) == len(state.declared):
        raise IllegalActionError("no attack is declared on that hex")
    state.declared = kept
    return []


def _end_phase(scenario: Scenario, state: GameState) -> list[Event]:
    side = moving_side(scenario, state)
    events: list[Event] = []
    if state.phase == Phase.MOVEMENT:
        state.movement_left[:] = 0
        state.phase = Phase.COMBAT
        state.declared = ()
    elif state.phase == Phase.COMBAT:
        events += combat_phase.resolve_declared(scenario, state)
        update_visibility(scenario, state)
        state.declared = ()
        state.phase = Phase.EXPLOITATION
        mine = np.nonzero(state.active & (scenario.units.side == side))[0]
        state.movement_left[:] = 0
        state.movement_left[mine] = movement.movement_allowance(scenario, mine, exploitation=True)
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
    events = [
        Event(
            "turn",
            state.turn,
            int(side),
            f"Turn {state.turn}, {scenario.date_of_turn(state.turn):%d %B %Y}: {side.name.lower()} to move",
        )
    ]
    events += _withdrawals(scenario, state, side)
    events += _arrivals(scenario, state, side)
    state.phase = Phase.SUPPLY
    draws = state.rng.integers(1, 7, size=scenario.units.count, dtype=np.int8)
    enemy_zoc = movement.enemy_zone_of_control(scenario, state, side)
    report = supply.update_supply(scenario, state, side, draws, enemy_zoc)
    events += _supply_events(scenario, state, report)
    state.phase = Phase.MOVEMENT
    mine = np.nonzero(state.active & (scenario.units.side == side))[0]
    state.movement_left[:] = 0
    state.movement_left[mine] = movement.movement_allowance(scenario, mine)
    return events


def _supply_events(
    scenario: Scenario, state: GameState, report: supply.SupplyReport
) -> list[Event]:
    side = int(report.side)
    names = scenario.units.names
    events: list[Event] = []
    if len(report.newly_out):
        listed = ", ".join(names[u] for u in report.newly_out.tolist())
        events.append(
            Event(
                "supply",
                state.turn,
                side,
                f"Out of supply: {listed}",
                tuple(report.newly_out.tolist()),
            )
        )
    for u in report.step_losses.tolist():
        events.append(
            Event("supply", state.turn, side, f"{names[u]} loses a step without supply", (u,))
        )
    for u in report.eliminated.tolist():
        events.append(
            Event("eliminated", state.turn, side, f"{names[u]} melts away without supply", (u,))
        )
    for u in report.surrendered.tolist():
        events.append(Event("surrender", state.turn, side, f"{names[u]} surrenders, cut off", (u,)))
    for pocket in report.pockets:
        events.append(
            Event(
                "pocket",
                state.turn,
                side,
                pocket.describe().capitalize(),
                tuple(pocket.units.tolist()),
                int(pocket.hexes[0]),
                {"men": pocket.men},
            )
        )
    return events


def _end_side_turn(scenario: Scenario, state: GameState) -> list[Event]:
    """Fatigue recovery, victory checks, and the hand-over to the next side or turn."""
    side = moving_side(scenario, state)
    state.phase = Phase.END
    rested = state.active & (scenario.units.side == side) & (state.supply == 0) & ~state.attacked
    state.fatigue[rested] = np.maximum(state.fatigue[rested], 1) - 1
    state.attacked[scenario.units.side == side] = False
    events = victory.check_sudden_death(scenario, state)
    if state.over:
        return events
    state.side_index += 1
    if state.side_index >= len(scenario.sides):
        state.side_index = 0
        state.turn += 1
        if state.turn > scenario.turns:
            state.turn = scenario.turns
            state.side_index = len(scenario.sides) - 1
            events += victory.final_result(scenario, state)
    return events


def _withdrawals(scenario: Scenario, state: GameState, side: Side) -> list[Event]:
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
        events.append(
            Event("withdrawal", state.turn, int(side), f"{units.names[u]} is withdrawn", (u,))
        )
    return events


def _arrivals(scenario: Scenario, state: GameState, side: Side) -> list[Event]:
    """Place due reinforcements at their entry hex or the nearest free friendly hex (3 at most)."""
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
            events.append(
                Event(
                    "arrival",
                    state.turn,
                    int(side),
                    f"{units.names[u]} cannot enter: its entry area is held or full",
                    (u,),
                )
            )
            continue
        state.hex[u] = h
        state.status[u] = UnitStatus.ACTIVE
        events.append(
            Event(
                "arrival",
                state.turn,
                int(side),
                f"{units.names[u]} arrives near {describe_hex(scenario, h)}",
                (u,),
                h,
            )
        )
    return events


def entry_hex(scenario: Scenario, state: GameState, u: int) -> int:
    grid = scenario.map
    side = int(scenario.units.side[u])
    limit = scenario.spec.scenario.stacking_limit
    start = grid.hex_of(int(scenario.units.start_hex[u]))
    for h_ax in hexgrid.spiral(start, 3):
        h = grid.index_of(h_ax)
        if h < 0 or grid.terrain[h] == Terrain.WATER or state.control[h] not in (side, Side.NONE):
            continue
        here = state.active & (state.hex == h)
        if np.any(here & (scenario.units.side != side)):
            continue
        if int(np.count_nonzero(here)) >= limit:
            continue
        return h
    return -1


# --- control and visibility ----------------------------------------------------------------------


def take_control(
    scenario: Scenario, state: GameState, side: Side, hexes: npt.NDArray[np.int32]
) -> list[Event]:
    """Entering hexes takes them (moves, retreats, advances); reports cities that change hands."""
    changed = hexes[state.control[hexes] != side]
    if len(changed) == 0:
        return []
    state.control[changed] = side
    state.control_changed[changed] = state.turn
    events = []
    for h in changed.tolist():
        c = int(scenario.map.city_at[h])
        if c >= 0:
            city = scenario.map.cities[c]
            events.append(
                Event(
                    "capture",
                    state.turn,
                    int(side),
                    f"{side.name.capitalize()} forces take {city.name}",
                    (),
                    h,
                    {"city": city.id},
                )
            )
    return events


def observed_hexes(scenario: Scenario, state: GameState, side: int) -> npt.NDArray[np.bool_]:
    """Hexes a side can see: within RECON_RADIUS of any of its units on the map."""
    grid = scenario.map
    seen = np.zeros(grid.size, dtype=np.bool_)
    mine = state.hex[state.active & (scenario.units.side == side)]
    seen[mine] = True
    for _ in range(RECON_RADIUS):
        nb = grid.neighbor[seen]
        seen[nb[nb >= 0]] = True
    return seen


def update_visibility(scenario: Scenario, state: GameState) -> None:
    """Mark enemy units each side can now see, and where."""
    for i, side in enumerate(scenario.sides):
        seen = observed_hexes(scenario, state, side)
        enemy = state.active & (scenario.units.side != side)
        visible = enemy & seen[np.maximum(state.hex, 0)]
        state.seen_turn[i, visible] = state.turn
        state.seen_hex[i, visible] = state.hex[visible]


def describe_hex(scenario: Scenario, h: int) -> str:
    """A place name a player recognises: the town in the hex, or the nearest one and its bearing."""
    grid = scenario.map
    c = int(grid.city_at[h])
    if c >= 0:
        return grid.cities[c].name
    if not grid.cities:
        return f"hex {tuple(grid.hex_of(h))}"
    here = grid.hex_of(h)
    best = min(
        grid.cities, key=lambda city: (hexgrid.distance(here, grid.hex_of(city.hex)), city.id)
    )
    d = hexgrid.distance(here, grid.hex_of(best.hex))
    x0, y0 = grid.layout.hex_to_pixel(grid.hex_of(best.hex))
    x1, y1 = grid.layout.hex_to_pixel(here)
    bearing = _compass(x1 - x0, y1 - y0)
    return f"{d * grid.hex_km:.0f} km {bearing} of {best.name}"


def _compass(dx: float, dy: float) -> str:
    import math

    angle = (math.degrees(math.atan2(dx, -dy)) + 360.0) % 360.0
    names = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
    return names[int((angle + 22.5) // 45) % 8]
