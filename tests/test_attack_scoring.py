"""The AI's lookup of enemies near its objectives (`attacks._Objectives`) against the plain
per-unit sets it replaced, on the contexts of a real Third Kharkov game: a cautious unit
counter-attacks exactly the same stacks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from game.ai import attacks, fields
from game.ai.attacks import COUNTER_KM
from game.ai.tactics import AttackContext
from game.scenario.model import Scenario, load_scenario
from game.sim.runner import play_game
from tests.conftest import KHARKOV


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
