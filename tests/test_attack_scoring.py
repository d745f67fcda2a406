"""The AI's attack scoring in arrays (`attacks._Terms`, `attacks._Objectives`) against the
plain per-candidate rules they replaced, on the contexts of a real Third Kharkov game: the
same numbers to the bit, since a last-bit difference can flip which attack is made."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from game.ai import attacks, fields
from game.ai.attacks import (
    COUNTER_KM,
    FATIGUE_COST,
    MIN_SCORE,
    MIN_SCORE_GOAL,
    NO_ORDER,
    OWN_LOSS_WEIGHT,
    Candidate,
)
from game.ai.plan import Posture
from game.ai.tactics import AttackContext
from game.scenario.model import Scenario, load_scenario
from game.sim.runner import play_game
from tests.conftest import KHARKOV


def _posture(context: AttackContext, c: Candidate, exposed: set[int]) -> Posture:
    posture = max(
        (context.orders.get(u, NO_ORDER).posture for u in c.attackers),
        key=lambda p: OWN_LOSS_WEIGHT[p],
    )
    if c.target in exposed and posture != Posture.WITHDRAW:
        return min(posture, Posture.ATTACK, key=lambda p: OWN_LOSS_WEIGHT[p])
    return posture


def _margin(context: AttackContext, c: Candidate, exposed: set[int]) -> float:
    goal = any(c.target in context.orders.get(u, NO_ORDER).goals[:1] for u in c.attackers)
    return MIN_SCORE_GOAL if goal else MIN_SCORE[_posture(context, c, exposed)]


def _own_loss_weight(context: AttackContext, c: Candidate, exposed: set[int]) -> float:
    orders = [context.orders.get(u, NO_ORDER) for u in c.attackers]
    weight = max(
        OWN_LOSS_WEIGHT[o.posture] if o.own_loss_weight is None else o.own_loss_weight
        for o in orders
    )
    if c.target in exposed and all(o.posture != Posture.WITHDRAW for o in orders):
        return min(weight, OWN_LOSS_WEIGHT[Posture.ATTACK])
    return weight


def _near_sets(context: AttackContext) -> dict[int, set[int]]:
    enemy = context.enemy_hex
    reach = context.scenario.scale.hexes(COUNTER_KM)
    out: dict[int, set[int]] = {}
    for u, order in context.orders.items():
        places = order.objectives + ((order.garrison,) if order.garrison >= 0 else ())
        near: set[int] = set()
        for h in places:
            close = fields.hex_distance_between(
                context.scenario, np.array([h], dtype=np.int32), enemy
            )[0] <= reach
            near |= set(enemy[close].tolist())
        out[u] = near
    return out


@pytest.fixture(scope="module")
def contexts() -> list[AttackContext]:
    kharkov: Scenario = load_scenario(KHARKOV)
    seen: list[AttackContext] = []
    real = attacks.choose_attacks

    def keep(context: AttackContext, garrisons: set[int], rng: Any) -> Any:
        seen.append(context)
        return real(context, garrisons, rng)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("game.ai.scripted.choose_attacks", keep)
        play_game(kharkov, 5, checkpoints=False)
    return seen[::3]


def test_attack_terms_equal_the_per_candidate_rules_on_real_positions(
    contexts: list[AttackContext],
) -> None:
    """Every unit next to a known enemy stack, alone, with its neighbours in both orders (the
    first most cautious attacker sets the posture), against the plain rules."""
    checked = postures = on_goal = 0
    for context in contexts:
        state = context.belief.state
        scenario = context.scenario
        exposed = set(np.flatnonzero(context.exposed).tolist())
        mine = np.flatnonzero(
            state.active & (scenario.units.side == context.side) & (state.hex >= 0)
        )
        candidates: list[Candidate] = []
        for target in context.enemy_hex.tolist():
            near = [int(u) for u in mine if target in scenario.map.neighbor[state.hex[u]]]
            for k in range(1, len(near) + 1):
                candidates += [Candidate(target, tuple(near[:k])), Candidate(target, tuple(near[:k][::-1]))]
        if not candidates:
            continue
        terms = attacks._Terms.of(context, candidates, exposed)
        tiring = terms.tiring(state.fatigue)
        for i, c in enumerate(candidates):
            assert terms.margin[i] == _margin(context, c, exposed), c
            assert terms.own_loss_weight[i] == _own_loss_weight(context, c, exposed), c
            assert tiring[i] == sum(
                FATIGUE_COST[min(int(state.fatigue[u]) + 1, 3)] for u in c.attackers
            ), c
        checked += len(candidates)
        postures |= len({_posture(context, c, exposed) for c in candidates}) > 1
        on_goal += int((terms.margin == MIN_SCORE_GOAL).sum())
    assert checked > 200 and postures and on_goal, (checked, postures, on_goal)


def test_objectives_near_enemy_equal_the_sets_per_unit_on_real_positions(
    contexts: list[AttackContext],
) -> None:
    checked = near = 0
    for context in contexts:
        sets = _near_sets(context)
        objectives = attacks._Objectives.of(context, sorted(context.orders))
        for u in context.orders:
            for target in context.enemy_hex.tolist():
                assert objectives.near(u, target) == (target in sets[u]), (u, target)
                near += target in sets[u]
                checked += 1
    assert checked > 1000 and near > 0, (checked, near)
