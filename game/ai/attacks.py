"""Choosing the combat phase's attacks with the exact combat preview.

Candidates are, for every known enemy stack next to our units, the strongest one, two, three ...
of the units that could join (all of them last). All candidates go to `combat.preview` in one
batch; each is scored by the steps it is expected to cost each side (weighted by what a step of
each unit is worth), the chance of driving the defender out (times the value of the hex) and the
chance of a surrender, less the fatigue it costs. The best attack is kept, its units and target
leave the pool, and the rest are scored again until nothing worth doing is left.

Who attacks what: formations with an attack posture attack anything worth it, and need less
profit on their next goal; holding, delaying and reserve formations only counter-attack near
their own objectives and mop up cut-off enemies, so a quiet sector stays quiet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from game.actions import Attack
from game.ai import fields
from game.ai.plan import Order, Posture
from game.ai.tactics import AttackContext, PhaseContext, step_values, unit_attack
from game.rules import combat, combat_phase

# How much a step of our own lost weighs against a step of the enemy's, per posture: attacking
# formations want some profit, holding ones a clear one.
OWN_LOSS_WEIGHT = {
    Posture.ATTACK: 1.5,
    Posture.HOLD: 3.0,
    Posture.DELAY: 3.0,
    Posture.WITHDRAW: 5.0,
    Posture.RESERVE: 2.0,
    Posture.BREAKOUT: 1.0,  # a pocket breaking out pays what it must to get through
}
# What an attack must be worth (in steps) to be made, by the most cautious posture among its
# attackers: an attacking formation's orders are to wear the enemy down, so a sound attack at
# 2:1 or 3:1 is made; a holding one wants a clear profit ...
MIN_SCORE = {
    Posture.ATTACK: 0.5,
    Posture.HOLD: 1.0,
    Posture.DELAY: 1.0,
    Posture.WITHDRAW: 1.0,
    Posture.RESERVE: 1.0,
    Posture.BREAKOUT: 0.5,
}
MIN_SCORE_GOAL = 0.4  # ... and any attack on an attacker's next goal this much
UNIT_COST = 0.08  # per unit committed, so that spare units stay free for other attacks
MAX_ROUNDS = 40
COUNTER_KM = 20.0  # from an objective, within which holding units counter-attack
NO_ORDER = Order(Posture.HOLD, (), (), -1)
FATIGUE_COST = (0.0, 0.0, 0.2, 0.4)  # by the fatigue an attacker would have afterwards


@dataclass(frozen=True)
class Candidate:
    target: int
    attackers: tuple[int, ...]


def choose_attacks(
    context: AttackContext | PhaseContext, garrisons: set[int], rng: np.random.Generator
) -> list[Attack]:
    """The attacks to declare this combat phase, best first."""
    scenario = context.scenario
    state = context.belief.state
    side = context.side
    units = scenario.units
    grid = scenario.map
    mine = np.nonzero(state.active & (units.side == side) & (units.attack > 0))[0]
    pool = {int(u) for u in mine.tolist() if int(u) not in garrisons}
    enemy_at = {int(h) for h in context.enemy_hex.tolist()}
    if not pool or not enemy_at:
        return []
    enemies = [s for s in scenario.sides if not scenario.side_table.allied(side, s)]
    ground = combat_phase.CombatGround.of(scenario, state, side, enemies)
    isolated = np.logical_or.reduce([ground.isolated[s] for s in enemies])
    strength = dict(
        zip(
            mine.tolist(),
            unit_attack(scenario, context.belief, mine, context.weather).tolist(),
            strict=True,
        )
    )
    exposed = set(np.nonzero(context.exposed)[0].tolist())
    start_pool = sorted(pool)

    def allowed(u: int, target: int) -> bool:
        """Attacking formations attack anything; the others only counter-attack next to their
        objectives, strike armour that ran out ahead into their ground, and mop up cut-off
        enemies (a quiet sector stays quiet)."""
        order = context.orders.get(u, NO_ORDER)
        if order.posture in (Posture.ATTACK, Posture.BREAKOUT):
            return True
        if order.posture != Posture.WITHDRAW and target in exposed:
            return True
        return bool(isolated[target]) or near_objective().near(u, target)

    @cache
    def near_objective() -> _Objectives:
        """Traced on first need (in many phases every attacker may attack anyway), for the
        units whose posture asks it."""
        cautious = [
            u
            for u in start_pool
            if context.orders.get(u, NO_ORDER).posture not in (Posture.ATTACK, Posture.BREAKOUT)
        ]
        return _Objectives.of(context, cautious)

    chosen: list[Attack] = []
    targets = set(enemy_at)
    ready = _ready(grid.neighbor, state.hex, pool, targets, strength, allowed)
    known: dict[Candidate, float] = {}  # scores stay valid: the state does not change meanwhile
    for _ in range(MAX_ROUNDS):
        candidates = _candidates(ready, pool, targets)
        if not candidates:
            break
        new = [c for c in candidates if c not in known]
        if new:
            fresh = _score(context, new, ground, exposed)
            # the margin over what such an attack must be worth: less for the goal in hand
            fresh -= np.array([_margin(context, c, exposed) for c in new])
            fresh += 1e-6 * rng.random(len(fresh))
            known.update(zip(new, fresh.tolist(), strict=True))
        scores = np.array([known[c] for c in candidates])
        best = int(np.argmax(scores))
        if scores[best] < 0:
            break
        pick = candidates[best]
        # delaying and withdrawing units do not follow up into the enemy's ground
        advance = all(
            context.orders.get(u, NO_ORDER).posture
            in (Posture.ATTACK, Posture.RESERVE, Posture.HOLD, Posture.BREAKOUT)
            for u in pick.attackers
        )
        chosen.append(Attack(pick.attackers, pick.target, advance))
        pool -= set(pick.attackers)
        targets.discard(pick.target)
    return chosen


def _posture(context: AttackContext | PhaseContext, candidate: Candidate, exposed: set[int]) -> Posture:
    """The most cautious posture among the attackers: it sets the margin an attack must clear.
    Striking armour that ran out ahead is a counter-attack, priced as an attack."""
    posture = max(
        (context.orders.get(u, NO_ORDER).posture for u in candidate.attackers),
        key=lambda p: OWN_LOSS_WEIGHT[p],
    )
    if candidate.target in exposed and posture != Posture.WITHDRAW:
        return min(posture, Posture.ATTACK, key=lambda p: OWN_LOSS_WEIGHT[p])
    return posture


def _margin(context: AttackContext | PhaseContext, candidate: Candidate, exposed: set[int]) -> float:
    """What an attack must be worth to be made: less on an attacker's next goal."""
    if _on_goal(context, candidate):
        return MIN_SCORE_GOAL
    return MIN_SCORE[_posture(context, candidate, exposed)]


def _own_loss_weight(
    context: AttackContext | PhaseContext, candidate: Candidate, exposed: set[int]
) -> float:
    """The price of own losses in an attack: the most cautious attacker's, each by its plan
    task's `own_loss_weight` or else its posture's; striking armour that ran out ahead is priced
    as an attack at most (as `_posture`)."""
    orders = [context.orders.get(u, NO_ORDER) for u in candidate.attackers]
    weight = max(
        OWN_LOSS_WEIGHT[o.posture] if o.own_loss_weight is None else o.own_loss_weight
        for o in orders
    )
    if candidate.target in exposed and all(o.posture != Posture.WITHDRAW for o in orders):
        return min(weight, OWN_LOSS_WEIGHT[Posture.ATTACK])
    return weight


def _on_goal(context: AttackContext | PhaseContext, candidate: Candidate) -> bool:
    return any(
        candidate.target in context.orders.get(u, NO_ORDER).goals[:1] for u in candidate.attackers
    )


@dataclass(frozen=True, eq=False)
class _Objectives:
    """Which enemy-held hexes lie within COUNTER_KM of each unit's objectives (its order's
    objectives and garrison): every objective against every enemy stack at once, asked one
    (unit, target) pair at a time."""

    keys: dict[int, tuple[int, ...]]  # per unit with orders, its objective hexes
    row: dict[int, int]  # objective hex -> row of `close`
    column: dict[int, int]  # enemy hex -> column of `close`
    close: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, context: AttackContext | PhaseContext, units: Iterable[int]) -> _Objectives:
        enemy = context.enemy_hex
        keys = {
            u: order.objectives + ((order.garrison,) if order.garrison >= 0 else ())
            for u in units
            if (order := context.orders.get(u)) is not None
        }
        places = sorted({h for key in keys.values() for h in key})
        reach = context.scenario.scale.hexes(COUNTER_KM)
        close = fields.hex_distance_between(
            context.scenario, np.array(places, dtype=np.int32), enemy
        ) <= reach
        return cls(
            keys,
            {h: i for i, h in enumerate(places)},
            {h: i for i, h in enumerate(enemy.tolist())},
            close,
        )

    def near(self, u: int, target: int) -> bool:
        """Whether enemy-held `target` is within COUNTER_KM of one of u's objectives."""
        column = self.column.get(target)
        return column is not None and any(
            self.close[self.row[h], column] for h in self.keys.get(u, ())
        )


def _ready(
    neighbor: npt.NDArray[np.int32],
    hexes: npt.NDArray[np.int32],
    pool: set[int],
    targets: set[int],
    strength: dict[int, float],
    allowed: Callable[[int, int], bool],
) -> dict[int, list[int]]:
    """Per target (ascending), the units of the pool next to it that may attack it, strongest
    first. Asked once a phase: between rounds units and targets only leave (`_candidates`)."""
    by_target: dict[int, list[int]] = {}
    for u in sorted(pool):
        for n in neighbor[hexes[u]].tolist():
            if n in targets and allowed(u, n):
                by_target.setdefault(n, []).append(u)
    return {
        target: sorted(by_target[target], key=lambda u: (-strength[u], u))
        for target in sorted(by_target)
    }


def _candidates(ready: dict[int, list[int]], pool: set[int], targets: set[int]) -> list[Candidate]:
    """For every target still open, the strongest one, two, three ... of its ready units still
    free (all of them last)."""
    out: list[Candidate] = []
    for target, units in ready.items():
        if target not in targets:
            continue
        free = [u for u in units if u in pool]
        out += [Candidate(target, tuple(free[:k])) for k in range(1, len(free) + 1)]
    return out


def _score(
    context: AttackContext | PhaseContext,
    candidates: list[Candidate],
    ground: combat_phase.CombatGround,
    exposed: set[int],
) -> npt.NDArray[np.float64]:
    scenario = context.scenario
    state = context.belief.state
    batch = combat_phase.candidate_batch(
        scenario, state, [c.target for c in candidates], [c.attackers for c in candidates], ground
    )
    preview = combat.preview(batch)
    participants = batch.participants()
    rows = participants.unit.astype(np.intp)
    # the enemy's steps at what the file's tank rule makes it lose, our own at the even share
    value = np.where(
        participants.attacking,
        step_values(scenario)[rows],
        step_values(scenario, tank_rate=True)[rows],
    ) * preview.expected_steps_lost(batch)
    price = np.array([_own_loss_weight(context, c, exposed) for c in candidates])
    weight = np.where(participants.attacking, -price[participants.combat], 1.0)
    per_combat = np.bincount(participants.combat, weights=value * weight, minlength=len(candidates))
    take = context.take_value[[c.target for c in candidates]]
    leave = preview.advance_probability
    # a surrender or elimination also takes the steps a later attack would have to win
    size = np.array([len(c.attackers) for c in candidates], dtype=np.float64)
    # an attack tires its units (fatigue 2 costs a quarter of a unit's attack, 3 half, and a unit
    # that attacks does not recover): worth it for a prize, not for a small gain
    fatigue = state.fatigue
    tiring = np.array(
        [sum(FATIGUE_COST[min(int(fatigue[u]) + 1, 3)] for u in c.attackers) for c in candidates]
    )
    scores: npt.NDArray[np.float64] = per_combat + leave * take - UNIT_COST * size - tiring
    return scores
