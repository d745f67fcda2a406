"""The combat phase on a game state: declared attacks -> one combat-core call -> losses, retreats,
surrenders and advances.

Everything random is drawn in one call for the whole phase (`combat.draw`) before anything is
resolved, so the result of a phase depends only on the state, the declarations and the generator.
Retreats and advances are then carried out in declaration order; a retreat goes hex by hex away from
the attackers, never into enemy units, an uncontested enemy zone of control, water, or a full stack.
A retreat result of the table is `RETREAT_KM` per point, turned into hexes by the scenario's scale
(one hex a point on 10 km hexes); a unit that cannot go that far loses a step for every point (or
part of one) it could not retreat. Defenders are every unit of another team than the attacker's in
the hex (teammates may share it).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from game import hexgrid
from game.actions import Attack
from game.enums import NO_SIDE
from game.events import Event
from game.rules import batch_kernels, combat, fortification, losses, movement, stacking, supply
from game.rules.combat_reference import EMPTY_SLOT
from game.rules.control import take_control
from game.rules.weather import local_weather
from game.rules.zoc import zone_of_control
from game.scenario.model import Scenario
from game.state import GameState, UnitStatus

CITY_CODE = {"village": 1, "town": 1, "city": 2, "major": 3}
MAX_FATIGUE: Final = 3
RETREAT_KM: Final = 10.0  # per point of the table's retreat result


@dataclass(frozen=True)
class _Units:
    """Unit attributes as the combat core reads them: static stats with live steps and supply."""

    kind: npt.NDArray[Any]
    steps: npt.NDArray[Any]
    max_steps: npt.NDArray[Any]
    attack: npt.NDArray[Any]
    defence: npt.NDArray[Any]
    supply: npt.NDArray[Any]
    fatigue: npt.NDArray[Any]


def unit_arrays(scenario: Scenario, state: GameState) -> _Units:
    """The core's view of units: their supply as a stage (scale-free), not a turn counter."""
    u = scenario.units
    stage = supply.supply_stage(scenario, state.supply)
    return _Units(u.kind, state.steps, u.max_steps, u.attack, u.defence, stage, state.fatigue)


def support_shifts(scenario: Scenario, attacker: int, defender: int) -> tuple[int, int]:
    """Net artillery and air column shifts for an attack (attacker's minus defender's)."""
    ids = scenario.side_table.ids
    a = scenario.spec.sides[ids[attacker]] if 0 <= attacker < len(ids) else None
    d = scenario.spec.sides[ids[defender]] if 0 <= defender < len(ids) else None
    artillery = (a.artillery_support if a else 0) - (d.artillery_support if d else 0)
    air = (a.air_support if a else 0) - (d.air_support if d else 0)
    return artillery, air


@dataclass(frozen=True, eq=False)
class CombatGround:
    """What describing an attacking side's attacks needs from the whole map, traced once: where
    each defending side is cut off from supply (a surrounded defender) and the attackers' zone
    of control (which retreats must avoid), and each defending side's fortification levels
    (`rules.fortification`). The engine, the AI and the attack preview all describe attacks
    through this and `combat_spec`, so they cannot drift apart."""

    attacker_side: int
    isolated: dict[int, npt.NDArray[np.bool_]]  # defending side -> [N] cut off from supply
    attacker_zoc: npt.NDArray[np.bool_]
    # defending side -> [N] hexes a unit of it could retreat into (`retreat_options`' test)
    retreat_room: dict[int, npt.NDArray[np.bool_]]
    # defending side -> [N] its defenders' fortification level (all 0 while the rule is off)
    fortification: dict[int, npt.NDArray[np.uint8]] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(
        cls, scenario: Scenario, state: GameState, attacker_side: int, defender_sides: Sequence[int]
    ) -> CombatGround:
        sides = sorted({int(s) for s in defender_sides})
        isolated = {s: supply.isolated(scenario, state, s) for s in sides}
        zoc = zone_of_control(scenario, state, attacker_side)
        room = {s: _retreat_room(scenario, state, s, zoc) for s in sides}
        levels = {s: fortification.levels(scenario, state, s) for s in sides}
        return cls(attacker_side, isolated, zoc, room, levels)

    @classmethod
    def for_attacks(
        cls,
        scenario: Scenario,
        state: GameState,
        attacks: Sequence[Attack],
        defenders: Sequence[Sequence[int]] | None = None,
    ) -> CombatGround:
        """The ground for these attacks (all by one side), tracing only the defenders' sides;
        `defenders` (each attack's `_defenders`) when the caller has them already."""
        held = [_defenders(scenario, state, a) for a in attacks] if defenders is None else defenders
        sides = scenario.units.side
        defending = {int(sides[u]) for d in held for u in d}
        return cls.of(scenario, state, int(sides[attacks[0].attackers[0]]), sorted(defending))


def combat_spec(
    scenario: Scenario, state: GameState, attack: Attack, ground: CombatGround
) -> combat.CombatSpec:
    """The combat core's description of one declared attack on the current state."""
    return combat_specs(scenario, state, [attack], ground)[0]


def combat_specs(
    scenario: Scenario,
    state: GameState,
    attacks: Sequence[Attack],
    ground: CombatGround,
    game: int = 0,
    defenders: Sequence[list[int]] | None = None,
) -> list[combat.CombatSpec]:
    """The combat core's description of these declared attacks (all by one side) on the
    current state, as combat `game` of a batch; `defenders` (each attack's `_defenders`) when
    the caller has them already. Targets are described together (`_target_facts`)."""
    held = [_defenders(scenario, state, a) for a in attacks] if defenders is None else defenders
    sides = scenario.units.side
    facts = _target_facts(
        scenario,
        state,
        np.array([a.target for a in attacks], dtype=np.intp),
        [int(sides[d[0]]) if d else NO_SIDE for d in held],
        int(sides[attacks[0].attackers[0]]),
        ground,
    ).tolist()
    return [
        combat.CombatSpec(
            attackers=list(attack.attackers),
            defenders=list(d),
            terrain=terrain,
            rivers=_rivers(scenario, state, attack),
            city=city,
            fortification=fortified,
            weather=weather,
            artillery=artillery,
            air=air,
            can_retreat=bool(can_retreat),
            surrounded=bool(surrounded),
            game=game,
        )
        for attack, d, (terrain, city, fortified, weather, artillery, air, can_retreat, surrounded)
        in zip(attacks, held, facts, strict=True)
    ]


def candidate_batch(
    scenario: Scenario,
    state: GameState,
    targets: Sequence[int],
    attackers: Sequence[Sequence[int]],
    ground: CombatGround,
) -> combat.CombatBatch:
    """The batch of attacks `attackers[i]` on `targets[i]` (all by one side) on the current
    state, straight from the unit arrays. The AI weighs hundreds of attacks a turn, most of
    them on a few targets, so each target is described once (`_target_facts`, all targets in
    one go) and each combat takes its target's row; one compiled call finds the defenders and
    the rivers crossed and lays out the stacks (`batch_kernels.candidate_stacks`)."""
    n = len(targets)
    if n == 0:
        return combat.build_batch(unit_arrays(scenario, state), [])
    grid = scenario.map
    units = scenario.units
    attacker_side = int(units.side[attackers[0][0]])
    distinct = sorted(set(targets))
    index = {t: i for i, t in enumerate(distinct)}
    target_hexes = np.array(distinct, dtype=np.intp)
    stacks, first, facing = batch_kernels.candidate_stacks(
        np.array([index[t] for t in targets], dtype=np.intp),
        np.array([len(a) for a in attackers], dtype=np.intp),
        np.array([u for a in attackers for u in a], dtype=np.intp),
        target_hexes,
        state.hex,
        state.active & scenario.unit_hostile[attacker_side],  # `_defenders`' test
        grid.neighbor,
        grid.river,
        units.kind,
        state.steps,
        units.max_steps,
        units.attack,
        units.defence,
        supply.supply_stage(scenario, state.supply),
        state.fatigue,
        EMPTY_SLOT,
    )
    if not facing:
        raise ValueError("an attacker is not next to its target")
    facts = _target_facts(
        scenario,
        state,
        target_hexes,
        [int(units.side[d]) if d >= 0 else NO_SIDE for d in first.tolist()],
        attacker_side,
        ground,
    )[[index[t] for t in targets]].T
    return combat.CombatBatch(
        game=np.zeros(n, dtype=np.int32),
        terrain=facts[0].astype(np.uint8),
        city=facts[1].astype(np.uint8),
        fortification=facts[2].astype(np.uint8),
        weather=facts[3].astype(np.uint8),
        artillery=facts[4].astype(np.int8),
        air=facts[5].astype(np.int8),
        can_retreat=facts[6].astype(np.bool_),
        surrounded=facts[7].astype(np.bool_),
        attackers=combat.Stack(*stacks[:8]),
        defenders=combat.Stack(*stacks[8:]),
    )


def _target_facts(
    scenario: Scenario,
    state: GameState,
    targets: npt.NDArray[np.intp],
    defender_side: Sequence[int],
    attacker_side: int,
    ground: CombatGround,
) -> npt.NDArray[np.int64]:
    """What an attack's description takes from its target hex and whoever holds it (no
    attackers yet), the same for every attack on that hex: per target (`defender_side` NO_SIDE
    where nobody holds it) terrain, city, fortification, weather, artillery, air, can_retreat,
    surrounded (`combat.CombatSpec`'s fields)."""
    grid = scenario.map
    k = targets.shape[0]
    facts = np.zeros((k, 8), dtype=np.int64)
    facts[:, 0] = grid.terrain[targets]
    facts[:, 1] = [
        CITY_CODE[grid.cities[c].size] if c >= 0 else 0 for c in grid.city_at[targets].tolist()
    ]
    facts[:, 3] = np.broadcast_to(local_weather(scenario, state.turn), (grid.size,))[targets]
    side_of = np.array(defender_side, dtype=np.intp)
    for side in sorted(set(defender_side)):
        rows = side_of == side
        facts[rows, 4:6] = support_shifts(scenario, attacker_side, side)
        if side == NO_SIDE:
            continue  # nobody holds it: no fortification, no retreat, not surrounded
        held = targets[rows]
        around = grid.neighbor[held]
        facts[rows, 2] = ground.fortification[side][held]
        facts[rows, 6] = (ground.retreat_room[side][around] & (around >= 0)).any(axis=1)
        facts[rows, 7] = ground.isolated[side][held]
    return facts


def _rivers(scenario: Scenario, state: GameState, attack: Attack) -> list[int]:
    """The river each attacker crosses into the target, in the order of the attackers."""
    grid = scenario.map
    crossed = []
    for u in attack.attackers:
        h = int(state.hex[u])
        d = grid.neighbor[h].tolist().index(attack.target)
        crossed.append(int(grid.river[h, d]))
    return crossed


def _retreat_room(
    scenario: Scenario,
    state: GameState,
    side: int,
    enemy_zoc: npt.NDArray[np.bool_],
    moving: int = 1,
) -> npt.NDArray[np.bool_]:
    """[N] hexes `moving` more units of `side` may retreat into: not water, enemy-held or full,
    and not in enemy ZOC unless a friendly unit stands there."""
    grid = scenario.map
    on_map = state.active & (state.hex >= 0)
    hostile = np.bincount(state.hex[on_map & scenario.unit_hostile[side]], minlength=grid.size)
    friendly = np.bincount(state.hex[on_map & scenario.unit_friendly[side]], minlength=grid.size)
    room: npt.NDArray[np.bool_] = (
        ~grid.water
        & (hostile == 0)
        & stacking.room(scenario, friendly, moving)
        & ~(enemy_zoc & (friendly == 0))
    )
    return room


def retreat_options(
    scenario: Scenario,
    state: GameState,
    h: int,
    side: int,
    attackers: tuple[int, ...] | list[int],
    enemy_zoc: npt.NDArray[np.bool_],
    moving: int = 1,
) -> list[int]:
    """Hexes next to h a unit of `side` may retreat into (`_retreat_room`), best first: farthest
    from the attackers, then lowest hex index."""
    grid = scenario.map
    attacker_hexes = [grid.hex_of(int(state.hex[a])) for a in attackers if state.hex[a] >= 0]
    room = _retreat_room(scenario, state, side, enemy_zoc, moving)
    options: list[tuple[int, int]] = []
    for n in grid.neighbor[h].tolist():
        if n < 0 or not room[n]:
            continue
        away = min((hexgrid.distance(grid.hex_of(n), a) for a in attacker_hexes), default=0)
        options.append((-away, n))
    options.sort()
    return [n for _, n in options]


@dataclass(frozen=True)
class PreparedPhase:
    """One game's declared attacks that still stand, and the core's description of each."""

    attacks: list[Attack]
    specs: list[combat.CombatSpec]


def prepare(scenario: Scenario, state: GameState, game: int = 0) -> PreparedPhase:
    """Describe one game's declared attacks for the core (game index `game` in a batch)."""
    standing = [
        (a, d)
        for a in state.declared
        if (d := _defenders(scenario, state, a))
        and all(state.status[u] == UnitStatus.ACTIVE for u in a.attackers)
    ]
    if not standing:
        return PreparedPhase([], [])
    attacks = [a for a, _ in standing]
    held = [d for _, d in standing]
    ground = CombatGround.for_attacks(scenario, state, attacks, held)
    return PreparedPhase(attacks, combat_specs(scenario, state, attacks, ground, game, held))


def resolve_phases(scenario: Scenario, states: Sequence[GameState]) -> list[list[Event]]:
    """Resolve the combat phases of many games of one scenario in ONE combat-core call.

    Each game draws its dice from its own generator exactly as it would alone, so a game's result
    does not depend on which other games share the batch; `resolve_declared` is the batch of one.
    """
    prepared = [prepare(scenario, state, g) for g, state in enumerate(states)]
    specs = [spec for p in prepared for spec in p.specs]
    if not specs:
        return [[] for _ in states]
    units = _Units(
        scenario.units.kind,
        np.stack([s.steps for s in states]),
        scenario.units.max_steps,
        scenario.units.attack,
        scenario.units.defence,
        supply.supply_stage(scenario, np.stack([s.supply for s in states])),
        np.stack([s.fatigue for s in states]),
    )
    batch = combat.build_batch(units, specs)
    draws = combat.draw_games([s.rng for s in states], batch.game)
    result = combat.resolve(batch, draws)
    combat_game = batch.game
    participants = batch.participants()
    participant_game = combat_game[participants.combat]
    unit = participants.unit.astype(np.intp)
    steps_lost = result.steps_lost(batch)
    events: list[list[Event]] = []
    for g, (state, phase) in enumerate(zip(states, prepared, strict=True)):
        rows = np.flatnonzero(combat_game == g)
        members = participant_game == g
        losses.lose_steps(scenario, state, unit[members], steps_lost[members])
        events.append(_carry_out(scenario, state, phase, result, rows))
    return events


def resolve_declared(scenario: Scenario, state: GameState) -> list[Event]:
    """Resolve every attack declared this phase in one combat-core call and carry out results."""
    return resolve_phases(scenario, [state])[0]


def _carry_out(
    scenario: Scenario,
    state: GameState,
    phase: PreparedPhase,
    result: combat.CombatResult,
    rows: npt.NDArray[np.intp],
) -> list[Event]:
    """Apply one game's share of a resolved batch, after its step losses: surrenders,
    retreats, advances."""
    events: list[Event] = []
    for local, (c, attack) in enumerate(zip(rows.tolist(), phase.attacks, strict=True)):
        spec = phase.specs[local]
        survivors = [d for d in spec.defenders if state.status[d] == UnitStatus.ACTIVE]
        if result.defender_surrendered[c] and survivors:
            losses.surrender(scenario, state, np.array(survivors, dtype=np.intp))
        everyone = list(attack.attackers) + list(spec.defenders)
        state.fatigue[everyone] = np.minimum(state.fatigue[everyone] + 1, MAX_FATIGUE)
        state.attacked[list(attack.attackers)] = True
        for side in scenario.sides:
            state.seen_turn[side, everyone] = state.turn
        events.append(_combat_event(scenario, state, attack, spec, result, c))
        retreat = int(result.retreat[c])
        if retreat > 0:
            events += _retreat(scenario, state, attack, retreat)
        if attack.advance and result.attacker_may_advance[c]:
            events += _advance(scenario, state, attack)
    return events


def _defenders(scenario: Scenario, state: GameState, attack: Attack) -> list[int]:
    side = int(scenario.units.side[attack.attackers[0]])
    hostile = scenario.unit_hostile[side]
    found: list[int] = np.nonzero(state.active & (state.hex == attack.target) & hostile)[0].tolist()
    return found


def _combat_event(
    scenario: Scenario,
    state: GameState,
    attack: Attack,
    spec: combat.CombatSpec,
    result: combat.CombatResult,
    c: int,
) -> Event:
    return Event(
        "combat",
        state.turn,
        int(scenario.units.side[attack.attackers[0]]),
        tuple(attack.attackers) + tuple(spec.defenders),
        attack.target,
        {
            "attackers": len(attack.attackers),
            "column": combat.ODDS_LABELS[int(result.column[c])],
            "outcome": combat.Outcome(int(result.outcome[c])).name.lower(),
            "attacker_steps_lost": int(result.attacker_steps_lost[c]),
            "defender_steps_lost": int(result.defender_steps_lost[c]),
            "retreat": int(result.retreat[c]),
        },
    )


def _retreat(scenario: Scenario, state: GameState, attack: Attack, points: int) -> list[Event]:
    """Move each surviving defender `points` retreat points away (RETREAT_KM each, in hexes);
    a unit that cannot go the whole way loses a step per point, or part of one, left over."""
    events: list[Event] = []
    per_point = scenario.scale.hexes(RETREAT_KM)
    distance = points * per_point
    side = int(scenario.units.side[_defenders(scenario, state, attack)[0]])
    enemy = int(scenario.units.side[attack.attackers[0]])
    zoc = zone_of_control(scenario, state, enemy)
    for u in _defenders(scenario, state, attack):
        path: list[int] = []
        h = attack.target
        for _ in range(distance):
            options = [
                n
                for n in retreat_options(scenario, state, h, side, attack.attackers, zoc)
                if n not in path
            ]
            if not options:
                break
            h = options[0]
            path.append(h)
        blocked = math.ceil((distance - len(path)) / per_point)
        if path:
            state.hex[u] = path[-1]
            events += take_control(scenario, state, int(scenario.units.side[u]), np.array(path, dtype=np.int32))
        if blocked:
            losses.lose_steps(scenario, state, [u], [blocked])
        end = path[-1] if path else -1
        events.append(Event("retreat", state.turn, int(scenario.units.side[u]), (u,), end, {"blocked": blocked}))
    return events


def _advance(scenario: Scenario, state: GameState, attack: Attack) -> list[Event]:
    """Attackers move into the vacated hex, mechanised first, up to the stacking limit."""
    target = attack.target
    if np.any(state.active & (state.hex == target)):
        return []
    side = int(scenario.units.side[attack.attackers[0]])
    alive = [u for u in attack.attackers if state.status[u] == UnitStatus.ACTIVE]
    alive.sort(key=lambda u: (not movement.is_mechanised(scenario, u), u))
    moving = alive[: stacking.limit(scenario)]
    if not moving:
        return []
    state.hex[moving] = target
    events = take_control(scenario, state, side, np.array([target], dtype=np.int32))
    events.append(Event("advance", state.turn, side, tuple(moving), target))
    return events
