"""The compiled preview against the one built from the vectorised core, and its per-draw loops
against the core's `resolve`: equal field for field, bit for bit, on random batches and on the
attacks real Third Kharkov and Kursk positions offer."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.actions import Attack
from game.ai.players import make_player, play_one
from game.bench import random_batch
from game.rules import combat, combat_phase, preview_kernels
from game.rules.combat import CombatBatch, draw, resolve
from game.rules.combat_preview import Preview, preview, preview_by_core
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.sim.runner import ai_seed
from game.state import GameState
from tests.test_combat_core import assert_same, batches, dice_for

ROOT = Path(__file__).resolve().parent.parent
AI_BATCH = 20  # the AI previews up to about this many candidate attacks at once


def assert_same_preview(new: Preview, reference: Preview) -> None:
    """Every field, odds included: same dtype, same shape, same bytes."""
    pairs = [
        (f"odds.{name}", getattr(new.odds, name), getattr(reference.odds, name))
        for name in new.odds.__dataclass_fields__
    ]
    pairs += [
        (name, getattr(new, name), getattr(reference, name))
        for name in new.__dataclass_fields__
        if name != "odds"
    ]
    for name, a, b in pairs:
        assert a.dtype == b.dtype and a.shape == b.shape, (name, a.dtype, b.dtype, a.shape, b.shape)
        assert np.array_equal(a, b), f"{name} differs"
        assert a.tobytes() == b.tobytes(), f"{name} differs in its bits"


# --- the compiled per-draw resolution equals the core --------------------------------------------


@settings(max_examples=200, deadline=None)
@given(batches(), st.data())
def test_compiled_resolution_equals_the_core_on_small_random_batches(
    batch: CombatBatch, data: Any
) -> None:
    draws = dice_for(batch.n_combats, data)
    assert_same(preview_kernels.resolve(batch, draws), resolve(batch, draws))


@settings(max_examples=100, deadline=None)
@given(batches(max_combats=3, extreme=True), st.data())
def test_compiled_resolution_equals_the_core_at_the_edges_of_every_range(
    batch: CombatBatch, data: Any
) -> None:
    draws = dice_for(batch.n_combats, data)
    assert_same(preview_kernels.resolve(batch, draws), resolve(batch, draws))


def test_compiled_resolution_equals_the_core_on_ten_thousand_combats() -> None:
    batch = random_batch(10_000, seed=21)
    draws = draw(np.random.default_rng(22), batch.n_combats)
    assert_same(preview_kernels.resolve(batch, draws), resolve(batch, draws))


def test_compiled_odds_equal_the_cores() -> None:
    batch = random_batch(2_000, seed=23)
    compiled, core = preview_kernels.preview_counts(batch).odds, combat.odds(batch)
    for name in core.__dataclass_fields__:
        a, b = getattr(compiled, name), getattr(core, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name


# --- the preview equals the core-built one -------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(batches())
def test_preview_equals_the_core_built_preview_on_small_random_batches(batch: CombatBatch) -> None:
    assert_same_preview(preview(batch), preview_by_core(batch))


@settings(max_examples=100, deadline=None)
@given(batches(max_combats=3, extreme=True))
def test_preview_equals_the_core_built_preview_at_the_edges_of_every_range(
    batch: CombatBatch,
) -> None:
    assert_same_preview(preview(batch), preview_by_core(batch))


def test_preview_equals_the_core_built_preview_on_a_large_batch() -> None:
    batch = random_batch(3_000, seed=24)
    assert_same_preview(preview(batch), preview_by_core(batch))


def test_preview_of_no_combats_has_the_shapes_of_the_core_built_one() -> None:
    batch = random_batch(5, seed=25).select([])
    assert_same_preview(preview(batch), preview_by_core(batch))


def test_every_draw_of_a_combat_is_counted_once() -> None:
    batch = random_batch(50, seed=26)
    counts = preview_kernels.preview_counts(batch)
    for count in (counts.outcome, counts.attacker_loss, counts.defender_loss):
        assert np.all(count.sum(axis=1) == 36)
    # the summed losses are the loss counts weighted by the steps lost
    lost = counts.attacker_loss @ np.arange(counts.attacker_loss.shape[1])
    assert np.array_equal(counts.attacker_lost.sum(axis=0), lost)


# --- real positions ------------------------------------------------------------------------------


def front_attacks(scenario: Scenario, state: GameState, side: int) -> list[Attack]:
    """The attacks `side` could declare: on each enemy stack next to its units, the strongest
    adjacent unit alone, then with the next strongest, and so on (the AI's candidates)."""
    units = scenario.units
    neighbor = scenario.map.neighbor
    own = np.flatnonzero(state.active & (units.side == side) & (state.steps > 0))
    hostile = state.active & scenario.unit_hostile[side] & (state.steps > 0)
    targets = set(state.hex[hostile].tolist())
    by_target: dict[int, list[int]] = {}
    for u in own.tolist():
        for h in neighbor[state.hex[u]].tolist():
            if h in targets:
                by_target.setdefault(h, []).append(u)
    attacks = []
    for target, ready in sorted(by_target.items()):
        ready.sort(key=lambda u: (-int(units.attack[u]) * int(state.steps[u]), u))
        attacks += [Attack(tuple(ready[:k]), target) for k in range(1, len(ready) + 1)]
    return attacks


def positions(scenario: Scenario, seed: int, every: int, limit: int) -> list[GameState]:
    """Positions of an AI-against-AI game, every `every` actions up to `limit`."""
    game = Game(scenario, seed, undo=False)
    players = {s: make_player(scenario, s, ai_seed(seed, s)) for s in scenario.sides}
    seen = []
    for n in itertools.count():
        if game.state.over or n >= limit:
            break
        if n % every == 0:
            seen.append(game.state.clone())
        play_one(game, players[scenario.sides[game.state.side_index]])
    return seen


@functools.cache
def real_batches(scenario_id: str) -> list[CombatBatch]:
    """Batches of up to AI_BATCH attacks from positions of a real game, for both sides."""
    scenario = load_scenario(ROOT / "scenarios" / f"{scenario_id}.toml")
    out = []
    for state in positions(scenario, seed=1, every=40, limit=520):
        for side in scenario.sides:
            attacks = front_attacks(scenario, state, side)
            if not attacks:
                continue
            ground = combat_phase.CombatGround.for_attacks(scenario, state, attacks)
            specs = [combat_phase.combat_spec(scenario, state, a, ground) for a in attacks]
            batch = combat.build_batch(combat_phase.unit_arrays(scenario, state), specs)
            out += [
                batch.select(np.arange(c, min(c + AI_BATCH, batch.n_combats)))
                for c in range(0, batch.n_combats, AI_BATCH)
            ]
    return out


@pytest.mark.parametrize("scenario_id", ["kharkov_1943", "kursk_1943"])
def test_preview_equals_the_core_built_preview_on_attacks_of_real_games(scenario_id: str) -> None:
    found = real_batches(scenario_id)
    assert sum(b.n_combats for b in found) > 200  # the fronts offered plenty of attacks
    results = {int(o) for b in found for o in np.flatnonzero(preview(b).outcome_count.sum(axis=0))}
    assert len(results) >= 4  # not one kind of result only
    for batch in found:
        assert not combat.check_batch(batch)
        assert_same_preview(preview(batch), preview_by_core(batch))
    whole = found[0]
    for batch in found[1:8]:
        whole = concatenate(whole, batch)
    assert_same_preview(preview(whole), preview_by_core(whole))


def concatenate(a: CombatBatch, b: CombatBatch) -> CombatBatch:
    """Two batches as one (slots padded with empty ones), as the builders would make it."""

    def pad(x: Any, slots: int, fill: int) -> Any:
        extra = np.full((slots - x.shape[0], x.shape[1]), fill, dtype=x.dtype)
        return np.concatenate([x, extra])

    def stack(s: combat.Stack, t: combat.Stack) -> combat.Stack:
        slots = max(s.slots, t.slots)
        fields = []
        for name in combat.STACK_FIELDS:
            fill = {"unit": combat.EMPTY_SLOT, "max_steps": 1}.get(name, 0)
            x, y = pad(getattr(s, name), slots, fill), pad(getattr(t, name), slots, fill)
            fields.append(np.concatenate([x, y], axis=1))
        return combat.Stack(*fields)

    return CombatBatch(
        **{
            name: np.concatenate([getattr(a, name), getattr(b, name)])
            for name in combat.COMBAT_FIELDS
        },
        attackers=stack(a.attackers, b.attackers),
        defenders=stack(a.defenders, b.defenders),
    )
