"""The vectorised core against the scalar reference, and the mechanics of batches and dice."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import game.rules.combat_core as combat_core
from game.bench import random_batch
from game.enums import River, Terrain, UnitKind, Weather
from game.rules.combat import (
    COMBAT_FIELDS,
    EMPTY_SLOT,
    STACK_FIELDS,
    CombatBatch,
    CombatResult,
    CombatSpec,
    Outcome,
    batch_from_arrays,
    build_batch,
    canonical_order,
    check_batch,
    draw,
    draw_games,
    odds,
    resolve,
    resolve_reference,
)
from game.rules.combat_reference import (
    STRENGTH_SCALE,
    current_strength,
    odds_column,
)


def assert_same(core: CombatResult, reference: CombatResult) -> None:
    for name in core.__dataclass_fields__:
        a, b = getattr(core, name), getattr(reference, name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        mismatch = np.flatnonzero(a != b)
        assert mismatch.size == 0, f"{name} differs at rows {mismatch[:10].tolist()}"


@st.composite
def batches(draw_: st.DrawFn, max_combats: int = 6, extreme: bool = False) -> CombatBatch:
    """Small random batches; `extreme` pushes values to the edges of their dtypes."""
    n = draw_(st.integers(1, max_combats))
    sizes = draw_(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=n, max_size=n))
    m = sum(a + d for a, d in sizes)
    combat = [c for c, (a, d) in enumerate(sizes) for _ in range(a + d)]
    attacking = [i < a for a, d in sizes for i in range(a + d)]
    top_value = 32767 if extreme else 30
    top_steps = 127 if extreme else 6
    max_steps = draw_(st.lists(st.integers(1, top_steps), min_size=m, max_size=m))
    steps = [draw_(st.integers(0, top)) for top in max_steps]
    values = st.integers(0, top_value)
    small = st.integers(0, 255) if extreme else st.integers(0, 5)
    return batch_from_arrays(
        terrain=draw_(st.lists(st.integers(0, len(Terrain) - 1), min_size=n, max_size=n)),
        unit=draw_(st.permutations(range(m))),
        combat=combat,
        attacking=attacking,
        kind=draw_(st.lists(st.integers(0, len(UnitKind) - 1), min_size=m, max_size=m)),
        steps=steps,
        max_steps=max_steps,
        attack=draw_(st.lists(values, min_size=m, max_size=m)),
        defence=draw_(st.lists(values, min_size=m, max_size=m)),
        supply=draw_(st.lists(small, min_size=m, max_size=m)),
        fatigue=draw_(st.lists(small, min_size=m, max_size=m)),
        river=draw_(st.lists(st.integers(0, 2), min_size=m, max_size=m)),
        game=draw_(st.lists(st.integers(0, 3), min_size=n, max_size=n)),
        city=draw_(st.lists(st.integers(0, 255 if extreme else 4), min_size=n, max_size=n)),
        fortification=draw_(st.lists(small, min_size=n, max_size=n)),
        weather=draw_(st.lists(st.integers(0, len(Weather) - 1), min_size=n, max_size=n)),
        artillery=draw_(
            st.lists(
                st.integers(-128 if extreme else -4, 127 if extreme else 4), min_size=n, max_size=n
            )
        ),
        air=draw_(
            st.lists(
                st.integers(-128 if extreme else -4, 127 if extreme else 4), min_size=n, max_size=n
            )
        ),
        can_retreat=draw_(st.lists(st.booleans(), min_size=n, max_size=n)),
        surrounded=draw_(st.lists(st.booleans(), min_size=n, max_size=n)),
    )


def dice_for(n: int, data: st.DataObject) -> np.ndarray:
    faces = data.draw(st.lists(st.integers(1, 6), min_size=2 * n, max_size=2 * n))
    return np.array(faces, dtype=np.uint8).reshape(2, n)


# --- core equals reference ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(batches(), st.data())
def test_core_equals_reference_on_small_random_batches(batch: CombatBatch, data: Any) -> None:
    assert not check_batch(batch)
    draws = dice_for(batch.n_combats, data)
    assert_same(resolve(batch, draws), resolve_reference(batch, draws))


@settings(max_examples=100, deadline=None)
@given(batches(max_combats=3, extreme=True), st.data())
def test_core_equals_reference_at_the_edges_of_every_range(batch: CombatBatch, data: Any) -> None:
    draws = dice_for(batch.n_combats, data)
    assert_same(resolve(batch, draws), resolve_reference(batch, draws))


def test_core_equals_reference_on_a_single_combat() -> None:
    batch = random_batch(1, seed=7)
    for die, other in itertools.product(range(1, 7), range(1, 7)):
        draws = np.array([[die], [other]], dtype=np.uint8)
        assert_same(resolve(batch, draws), resolve_reference(batch, draws))


def test_core_equals_reference_on_ten_thousand_combats() -> None:
    batch = random_batch(10_000, seed=1)
    draws = draw(np.random.default_rng(2), batch.n_combats)
    assert_same(resolve(batch, draws), resolve_reference(batch, draws))


def test_core_equals_reference_across_block_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(combat_core, "BLOCK_COMBATS", 7)
    monkeypatch.setattr(combat_core, "THREAD_BLOCK_COMBATS", 11)
    monkeypatch.setattr(combat_core, "MIN_THREAD_BLOCK_COMBATS", 5)
    batch = random_batch(200, seed=4)
    draws = draw(np.random.default_rng(3), batch.n_combats)
    expected = resolve_reference(batch, draws)
    for workers in (1, 2, 3):
        assert_same(resolve(batch, draws, workers=workers), expected)


def test_core_equals_reference_for_every_modifier_value() -> None:
    """Each hex and unit condition in turn at each of its values, on a mixed stack."""
    attackers = [
        (UnitKind.ARMOUR, 4, 4, 12, 8),
        (UnitKind.MECHANISED, 2, 3, 7, 5),
        (UnitKind.INFANTRY, 3, 3, 5, 6),
        (UnitKind.CAVALRY, 1, 2, 4, 3),
        (UnitKind.ARTILLERY, 2, 2, 6, 2),
    ]
    defenders = [(UnitKind.INFANTRY, 2, 2, 3, 4), (UnitKind.ARMOUR, 1, 3, 6, 4)]
    variants: list[dict[str, Any]] = (
        [{"terrain": t} for t in Terrain]
        + [{"city": c} for c in range(6)]
        + [{"fortification": f} for f in range(6)]
        + [{"weather": w} for w in Weather]
        + [{"artillery": a} for a in range(-4, 5)]
        + [{"air": a, "weather": w} for a in range(-4, 5) for w in Weather]
        + [{"can_retreat": r, "surrounded": s} for r in (False, True) for s in (False, True)]
        + [{"river": r, "weather": w} for r in River for w in Weather]
        + [{"supply": s} for s in range(6)]
        + [{"fatigue": f} for f in range(6)]
    )
    per_combat: dict[str, list[Any]] = {k: [] for k in COMBAT_FIELDS if k != "game"}
    fields = ("combat", "attacking", "kind", "steps", "max_steps", "attack", "defence")
    rows: dict[str, list[Any]] = {k: [] for k in (*fields, "river", "supply", "fatigue")}
    defaults = {"terrain": 0, "city": 0, "fortification": 0, "weather": 0, "artillery": 0}
    defaults |= {"air": 0, "can_retreat": True, "surrounded": False}
    for c, variant in enumerate(variants):
        for k in per_combat:
            per_combat[k].append(variant.get(k, defaults[k]))
        for attacking, units in ((True, attackers), (False, defenders)):
            for kind, steps, max_steps, attack, defence in units:
                rows["combat"].append(c)
                rows["attacking"].append(attacking)
                for k, v in zip(
                    ("kind", "steps", "max_steps", "attack", "defence"),
                    (kind, steps, max_steps, attack, defence),
                    strict=True,
                ):
                    rows[k].append(v)
                rows["river"].append(variant.get("river", 0) if attacking else 0)
                rows["supply"].append(variant.get("supply", 0))
                rows["fatigue"].append(variant.get("fatigue", 0))
    m = len(rows["combat"])
    batch = batch_from_arrays(unit=np.arange(m), **per_combat, **rows)
    for die, other in itertools.product(range(1, 7), (1, 4)):
        draws = np.tile(np.array([[die], [other]], dtype=np.uint8), (1, batch.n_combats))
        assert_same(resolve(batch, draws), resolve_reference(batch, draws))


@pytest.mark.parametrize(
    ("attack", "defence", "outcome"),
    [
        (0, 5, Outcome.VOID),  # an attacker without strength
        (5, 0, None),  # defenders without strength: top column
        (32767, 1, None),  # extreme odds for the attacker
        (1, 32767, None),  # and against
    ],
)
def test_core_equals_reference_at_extreme_odds(
    attack: int, defence: int, outcome: Outcome | None
) -> None:
    batch = batch_from_arrays(
        terrain=[0] * 3,
        unit=np.arange(6),
        combat=[0, 0, 1, 1, 2, 2],
        attacking=[True, False] * 3,
        kind=[UnitKind.INFANTRY] * 6,
        steps=[3, 3, 127, 127, 1, 1],
        max_steps=[3, 3, 127, 127, 127, 127],
        attack=[attack] * 6,
        defence=[defence] * 6,
        surrounded=[True, False, True],
    )
    for die, other in itertools.product(range(1, 7), range(1, 7)):
        draws = np.tile(np.array([[die], [other]], dtype=np.uint8), (1, 3))
        result = resolve(batch, draws)
        assert_same(result, resolve_reference(batch, draws))
        if outcome is not None:
            assert np.all(result.outcome == outcome)


def test_core_handles_empty_batches_and_empty_stacks() -> None:
    empty = batch_from_arrays(
        terrain=np.zeros(0),
        unit=[],
        combat=[],
        attacking=[],
        kind=[],
        steps=[],
        max_steps=[],
        attack=[],
        defence=[],
    )
    assert resolve(empty, draw(np.random.default_rng(0), 0)).outcome.shape == (0,)
    no_units = batch_from_arrays(
        terrain=[0, 0],
        unit=[],
        combat=[],
        attacking=[],
        kind=[],
        steps=[],
        max_steps=[],
        attack=[],
        defence=[],
    )
    draws = draw(np.random.default_rng(0), 2)
    assert_same(resolve(no_units, draws), resolve_reference(no_units, draws))
    assert resolve(no_units, draws).outcome.tolist() == [Outcome.VOID, Outcome.VOID]


# --- exactness of the core's shortcuts ---------------------------------------------------------


def test_unit_strength_is_the_integer_ceiling_for_every_step_count() -> None:
    """The core divides in float32; it must match ceil(value * steps / max_steps) exactly."""
    values = [0, 1, 2, 3, 5, 7, 11, 12, 97, 1000, 4093, 32765, 32766, 32767]
    grid = [(v, s, ms) for ms in range(1, 128) for s in range(0, ms + 1) for v in values]
    v, s, ms = (np.array(x) for x in zip(*grid, strict=True))
    n = len(grid)
    batch = batch_from_arrays(
        terrain=np.zeros(n),
        unit=np.arange(n),
        combat=np.arange(n),
        attacking=np.zeros(n, bool),
        kind=np.full(n, UnitKind.INFANTRY),
        steps=s,
        max_steps=ms,
        attack=v,
        defence=v,
    )
    expected = [current_strength(*g) * STRENGTH_SCALE for g in grid]
    np.testing.assert_array_equal(odds(batch).defence_strength, expected)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**33), st.integers(0, 2**33))
def test_odds_column_lookup_matches_the_integer_comparison(attack: int, defence: int) -> None:
    """Strength sums reach 2**40; the core's float64 odds must equal the integer rule."""
    a = np.array([attack], dtype=np.int64)
    d = np.array([defence], dtype=np.int64)
    sixths = np.multiply(a, 6, dtype=np.float64) / np.clip(d, 1, None)
    sixths[d == 0] = 42
    column = combat_core._COLUMN_OF_SIXTHS[np.clip(sixths, 0, 42).astype(np.int32)]
    assert int(column[0]) == odds_column(attack, defence)
    for k in (2, 3, 6, 9, 12, 18, 24, 30, 36, 42):  # exactly on a column's boundary, and below
        for attack_at in (k * defence // 6, -(-k * defence // 6) - 1):
            a[0] = max(attack_at, 0)
            sixths = np.multiply(a, 6, dtype=np.float64) / np.clip(d, 1, None)
            sixths[d == 0] = 42
            got = combat_core._COLUMN_OF_SIXTHS[np.clip(sixths, 0, 42).astype(np.int32)]
            assert int(got[0]) == odds_column(int(a[0]), defence)


# --- batches and dice --------------------------------------------------------------------------


def test_batch_from_arrays_puts_each_side_in_slots_in_loss_order() -> None:
    batch = batch_from_arrays(
        terrain=[0, 0],
        unit=[5, 4, 3, 2, 1, 0],
        combat=[1, 0, 1, 0, 0, 1],
        attacking=[False, True, True, False, True, True],
        kind=[
            UnitKind.INFANTRY,
            UnitKind.ARTILLERY,
            UnitKind.INFANTRY,
            UnitKind.INFANTRY,
            UnitKind.ARMOUR,
            UnitKind.INFANTRY,
        ],
        steps=[2, 3, 1, 2, 1, 3],
        max_steps=[3] * 6,
        attack=[4, 4, 4, 9, 4, 4],
        defence=[7] * 6,
        river=[River.MINOR] * 6,
    )
    # combat 0: the armour (1) pays before the guns (4); combat 1: most steps first (0, then 3)
    assert batch.attackers.unit.tolist() == [[1, 0], [4, 3]]
    assert batch.defenders.unit.tolist() == [[2, 5]]
    assert batch.attackers.value.tolist() == [[4, 4], [4, 4]]  # attackers bring their attack
    assert batch.defenders.value.tolist() == [[7, 7]]  # defenders their defence
    assert batch.defenders.river.tolist() == [[0, 0]]
    p = batch.participants()
    assert p.unit.tolist() == [1, 4, 2, 0, 3, 5]
    assert p.combat.tolist() == [0, 0, 0, 1, 1, 1]
    assert p.attacking.tolist() == [True, True, False, True, True, False]
    assert p.slot.tolist() == [0, 1, 0, 0, 1, 0]
    assert not check_batch(batch)


def test_a_short_side_leaves_its_last_slots_empty_and_neutral() -> None:
    batch = batch_from_arrays(
        terrain=[0, 0],
        unit=[0, 1, 2, 3],
        combat=[0, 0, 0, 1],
        attacking=[True, True, True, True],
        kind=[UnitKind.INFANTRY] * 4,
        steps=[3, 2, 1, 2],
        max_steps=[3] * 4,
        attack=[5] * 4,
        defence=[5] * 4,
    )
    assert batch.attackers.unit.tolist() == [[0, 3], [1, EMPTY_SLOT], [2, EMPTY_SLOT]]
    assert batch.attackers.steps[:, 1].tolist() == [2, 0, 0]
    assert batch.attackers.max_steps[:, 1].tolist() == [3, 1, 1]
    assert batch.defenders.unit.tolist() == []  # no defender anywhere: no slots at all
    draws = draw(np.random.default_rng(1), 2)
    result = resolve(batch, draws)
    assert_same(result, resolve_reference(batch, draws))
    assert result.outcome.tolist() == [Outcome.UNOPPOSED, Outcome.UNOPPOSED]


def test_check_batch_reports_slots_out_of_order_and_values_out_of_range() -> None:
    batch = random_batch(20, seed=2)
    assert check_batch(batch) == []
    a = batch.attackers
    flipped = dataclasses.replace(a, unit=a.unit[::-1].copy(), steps=a.steps[::-1].copy())
    problems = check_batch(dataclasses.replace(batch, attackers=flipped))
    assert any("follows an empty slot" in p for p in problems)
    two = batch.select(np.flatnonzero(batch.attackers.filled[1]))  # two attackers or more
    a = two.attackers
    swapped = dataclasses.replace(a, unit=a.unit[[1, 0, *range(2, a.slots)]])
    problems = check_batch(dataclasses.replace(two, attackers=swapped))
    assert problems == ["attackers: slots: units not in loss order (use batch_from_arrays)"]
    d = batch.defenders
    broken = dataclasses.replace(d, max_steps=np.zeros_like(d.max_steps))
    assert any("max_steps" in p for p in check_batch(dataclasses.replace(batch, defenders=broken)))
    crossing = dataclasses.replace(d, river=np.ones_like(d.river))
    problems = check_batch(dataclasses.replace(batch, defenders=crossing))
    assert "defenders: river: defenders cross no river" in problems


def test_slots_do_not_depend_on_the_order_rows_are_given_in() -> None:
    batch = random_batch(50, seed=9)
    p = batch.participants()
    shuffle = np.random.default_rng(0).permutation(len(p))
    kind = batch.flatten(batch.attackers.kind, batch.defenders.kind)[shuffle]
    steps = batch.flatten(batch.attackers.steps, batch.defenders.steps)[shuffle]
    value = batch.flatten(batch.attackers.value, batch.defenders.value)[shuffle]
    again = batch_from_arrays(
        terrain=batch.terrain,
        unit=p.unit[shuffle],
        combat=p.combat[shuffle],
        attacking=p.attacking[shuffle],
        kind=kind,
        steps=steps,
        max_steps=batch.flatten(batch.attackers.max_steps, batch.defenders.max_steps)[shuffle],
        attack=value,
        defence=value,
    )
    np.testing.assert_array_equal(again.attackers.unit, batch.attackers.unit)
    np.testing.assert_array_equal(again.defenders.unit, batch.defenders.unit)
    np.testing.assert_array_equal(again.defenders.steps, batch.defenders.steps)


def test_select_takes_subsets_and_copies_of_combats() -> None:
    batch = random_batch(30, seed=6)
    draws = draw(np.random.default_rng(8), 30)
    whole = resolve(batch, draws)
    pick = np.array([29, 3, 3, 0])
    part = resolve(batch.select(pick), draws[:, pick])
    assert part.outcome.tolist() == whole.outcome[pick].tolist()
    np.testing.assert_array_equal(part.defender_losses, whole.defender_losses[:, pick])
    assert not check_batch(batch.select(pick))


def test_draw_games_gives_each_game_its_own_stream() -> None:
    game = np.array([1, 0, 1, 1, 0], dtype=np.int32)
    rngs = [np.random.default_rng(s) for s in (10, 20)]
    draws = draw_games(rngs, game)
    np.testing.assert_array_equal(draws[:, game == 0], draw(np.random.default_rng(10), 2))
    np.testing.assert_array_equal(draws[:, game == 1], draw(np.random.default_rng(20), 3))
    assert draws.min() >= 1 and draws.max() <= 6


def test_draw_always_consumes_the_same_amount_of_the_generator() -> None:
    rng = np.random.default_rng(42)
    draw(rng, 1000)
    after = rng.integers(1 << 30)
    again = np.random.default_rng(42)
    again.integers(1, 7, size=(2, 1000), dtype=np.uint8)
    assert after == again.integers(1 << 30)


@dataclasses.dataclass(frozen=True)
class _Units:
    kind: np.ndarray
    steps: np.ndarray
    max_steps: np.ndarray
    attack: np.ndarray
    defence: np.ndarray
    supply: np.ndarray
    fatigue: np.ndarray


def _units(games: int) -> _Units:
    def per_game(values: list[int], dtype: type[np.generic]) -> np.ndarray:
        array = np.array(values, dtype=dtype)
        return np.tile(array, (games, 1)) if games else array

    units = _Units(
        kind=per_game([UnitKind.ARMOUR, UnitKind.INFANTRY, UnitKind.INFANTRY], np.uint8),
        steps=per_game([4, 3, 2], np.int8),
        max_steps=per_game([4, 3, 2], np.int8),
        attack=per_game([12, 6, 3], np.int16),
        defence=per_game([8, 6, 4], np.int16),
        supply=per_game([0, 0, 0], np.uint8),
        fatigue=per_game([0, 0, 0], np.uint8),
    )
    return units


def test_build_batch_reads_units_and_rivers_from_combat_specs() -> None:
    specs = [
        CombatSpec(attackers=[0, 1], defenders=[2], rivers=[River.MINOR, River.NONE]),
        CombatSpec(attackers=[1], defenders=[], terrain=Terrain.FOREST, city=2, air=1),
    ]
    batch = build_batch(_units(0), specs)
    assert not check_batch(batch)
    assert batch.n_combats == 2 and batch.n_participants == 4
    assert batch.participants().unit.tolist() == [0, 1, 2, 1]
    assert batch.attackers.river.tolist() == [[River.MINOR, River.NONE], [River.NONE, River.NONE]]
    assert batch.terrain.tolist() == [Terrain.CLEAR, Terrain.FOREST]
    with pytest.raises(ValueError, match="rivers"):
        build_batch(_units(0), [CombatSpec(attackers=[0, 1], defenders=[2], rivers=[1])])


def test_build_batch_takes_each_games_units_from_its_row() -> None:
    units = _units(2)
    units.steps[1, 0] = 1  # in game 1 the panzer division is down to one step
    specs = [
        CombatSpec(attackers=[0], defenders=[2], game=0),
        CombatSpec(attackers=[0], defenders=[2], game=1),
    ]
    batch = build_batch(units, specs)
    assert batch.game.tolist() == [0, 1]
    assert batch.attackers.steps.tolist() == [[4, 1]]
    strengths = odds(batch).attack_strength // STRENGTH_SCALE
    assert strengths.tolist() == [12, 3]


def _stacks_by_lexsort(
    n: int, rows: dict[str, np.ndarray]
) -> dict[str, dict[str, np.ndarray]]:
    """The slots as `batch_from_arrays` laid them out before its loop was compiled: rows in
    `canonical_order`, each (combat, side) group filling slots from 0, empty slots neutral."""
    order = canonical_order(
        rows["combat"], rows["attacking"], rows["kind"], rows["steps"], rows["unit"]
    )
    r = {k: np.asarray(v)[order] for k, v in rows.items()}
    value = np.where(r["attacking"], r["attack"], r["defence"])
    out: dict[str, dict[str, np.ndarray]] = {}
    for side, mask in (("attackers", r["attacking"]), ("defenders", ~r["attacking"])):
        combats = r["combat"][mask]
        slot = np.zeros(len(combats), dtype=np.intp)
        for i in range(1, len(combats)):
            slot[i] = slot[i - 1] + 1 if combats[i] == combats[i - 1] else 0
        slots = int(slot.max(initial=-1)) + 1
        fields = {
            "unit": r["unit"][mask], "kind": r["kind"][mask], "steps": r["steps"][mask],
            "max_steps": r["max_steps"][mask], "value": value[mask],
            "supply": r["supply"][mask], "fatigue": r["fatigue"][mask],
            "river": r["river"][mask] if side == "attackers" else 0 * r["river"][mask],
        }  # fmt: skip
        out[side] = {}
        for name, values in fields.items():
            empty = EMPTY_SLOT if name == "unit" else (1 if name == "max_steps" else 0)
            array = np.full((slots, n), empty, dtype=np.int64)
            array[slot, combats] = values
            out[side][name] = array
    return out


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_compiled_slots_equal_the_lexsort_layout_for_random_rows(data: Any) -> None:
    """The compiled stack builder lays out any rows exactly as sorting them does: groups of
    any size, ties in class and steps broken by unit id, combats with no rows on a side."""
    n = data.draw(st.integers(1, 6))
    m = data.draw(st.integers(0, 24))
    ints = lambda lo, hi: data.draw(st.lists(st.integers(lo, hi), min_size=m, max_size=m))  # noqa: E731
    max_steps = ints(1, 4)
    rows = {
        "combat": np.array(ints(0, n - 1), dtype=np.intp),
        "attacking": np.array(data.draw(st.lists(st.booleans(), min_size=m, max_size=m)), dtype=np.bool_),
        "kind": np.array(ints(0, len(UnitKind) - 1), dtype=np.uint8),
        "steps": np.array([data.draw(st.integers(0, s)) for s in max_steps], dtype=np.int8),
        "max_steps": np.array(max_steps, dtype=np.int8),
        "attack": np.array(ints(0, 40), dtype=np.int16),
        "defence": np.array(ints(0, 40), dtype=np.int16),
        "supply": np.array(ints(0, 3), dtype=np.uint8),
        "fatigue": np.array(ints(0, 3), dtype=np.uint8),
        "river": np.array(ints(0, len(River) - 1), dtype=np.uint8),
        "unit": np.array(data.draw(st.permutations(range(m))), dtype=np.int32),
    }
    batch = batch_from_arrays(terrain=np.zeros(n, dtype=np.uint8), **rows)
    expected = _stacks_by_lexsort(n, rows)
    for side in ("attackers", "defenders"):
        stack = getattr(batch, side)
        for name in STACK_FIELDS:
            got = getattr(stack, name)
            assert got.shape == expected[side][name].shape, (side, name)
            assert np.array_equal(got.astype(np.int64), expected[side][name]), (side, name)
    assert check_batch(batch) == []
