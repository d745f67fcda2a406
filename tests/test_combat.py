"""The combat model: hand-worked cases, the properties a wargamer expects, and calibration.

Core-against-reference equality and the array mechanics are in test_combat_core.py.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.enums import River, Terrain, UnitKind, Weather
from game.rules.combat import (
    CRT_ATTACKER_LOSS,
    CRT_DEFENDER_LOSS,
    CRT_RETREAT,
    ODDS_LABELS,
    CombatBatch,
    CombatResult,
    Outcome,
    Preview,
    batch_from_arrays,
    draw,
    preview,
    resolve,
    resolve_reference,
)
from game.rules.combat_reference import (
    DIE_FACES,
    N_COLUMNS,
    STRENGTH_SCALE,
    table_result,
)

# Men per step used for calibration (combat.md, section 6).
GERMAN_PANZER_STEP_MEN = 3_750
SOVIET_RIFLE_STEP_MEN = 2_000


class Unit(NamedTuple):
    kind: int
    steps: int
    max_steps: int
    attack: int
    defence: int
    river: int = 0
    supply: int = 0
    fatigue: int = 0


PANZER = Unit(UnitKind.ARMOUR, 4, 4, 12, 8)
RIFLE = Unit(UnitKind.INFANTRY, 2, 2, 3, 4)
INFANTRY = Unit(UnitKind.INFANTRY, 3, 3, 6, 6)


def combat(attackers: list[Unit], defenders: list[Unit], **hex_: Any) -> CombatBatch:
    """A one-combat batch; unit ids are attackers 0.., then defenders."""
    rows = [(True, u) for u in attackers] + [(False, u) for u in defenders]
    m = len(rows)

    def column(name: str) -> list[int]:
        return [int(getattr(u, name)) for _, u in rows]

    return batch_from_arrays(
        terrain=[hex_.pop("terrain", Terrain.CLEAR)],
        unit=np.arange(m),
        combat=np.zeros(m, dtype=np.int32),
        attacking=[a for a, _ in rows],
        kind=column("kind"),
        steps=column("steps"),
        max_steps=column("max_steps"),
        attack=column("attack"),
        defence=column("defence"),
        river=column("river"),
        supply=column("supply"),
        fatigue=column("fatigue"),
        **{k: [v] for k, v in hex_.items()},
    )


def dice(combat_die: int, surrender_die: int = 6) -> np.ndarray:
    return np.array([[combat_die], [surrender_die]], dtype=np.uint8)


def resolve_both(batch: CombatBatch, draws: np.ndarray) -> CombatResult:
    """Resolve with the core, and check the reference agrees."""
    result = resolve(batch, draws)
    expected = resolve_reference(batch, draws)
    for name in result.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(result, name), getattr(expected, name), name)
    return result


def lost_by_unit(batch: CombatBatch, r: CombatResult) -> dict[int, int]:
    """Each unit's steps lost, by unit id."""
    units = batch.participants().unit.tolist()
    return dict(zip(units, r.steps_lost(batch).tolist(), strict=True))


def one(p: Preview) -> dict[str, float]:
    """The headline numbers of a one-combat preview."""
    return {
        "attacker": float(p.expected_attacker_steps_lost[0]),
        "defender": float(p.expected_defender_steps_lost[0]),
        "retreat": float(p.retreat_probability[0]),
        "eliminated": float(p.elimination_probability[0]),
        "surrender": float(p.surrender_probability[0]),
    }


# --- the table ---------------------------------------------------------------------------------


def test_table_is_monotone_in_column_and_die() -> None:
    for table, better in (
        (CRT_ATTACKER_LOSS, -1),
        (CRT_DEFENDER_LOSS, 1),
        (CRT_RETREAT, 1),
    ):
        t = np.array(table) * better
        assert np.all(np.diff(t, axis=0) >= 0), "a column to the right never hurts the attacker"
        assert np.all(np.diff(t, axis=1) >= 0), "a higher die never hurts the attacker"


def test_table_results_never_get_worse_for_the_attacker_on_a_better_column() -> None:
    steps = range(0, 8)
    for column, die, surrender_die, surrounded, can_retreat, att, dfd in itertools.product(
        range(N_COLUMNS - 1), range(1, 7), range(1, 7), (False, True), (False, True), steps, steps
    ):
        worse = table_result(column, die, surrender_die, surrounded, can_retreat, att, dfd)
        better = table_result(column + 1, die, surrender_die, surrounded, can_retreat, att, dfd)
        assert better.attacker_loss <= worse.attacker_loss
        assert better.defender_loss >= worse.defender_loss
        assert 0 <= better.defender_loss <= dfd and 0 <= better.attacker_loss <= att


# --- hand-worked cases ---------------------------------------------------------------------------


def pavlograd(**changes: Any) -> CombatBatch:
    """combat.md's worked example: Das Reich and Totenkopf against two rifle divisions."""
    das_reich = PANZER._replace(fatigue=1)
    totenkopf = PANZER._replace(steps=3, fatigue=1, river=River.MINOR)
    return combat(
        [das_reich, totenkopf],
        [RIFLE, RIFLE._replace(steps=1)],
        city=1,
        weather=Weather.FROZEN,
        air=1,
        **changes,
    )


def test_worked_example_pavlograd_is_fought_at_four_to_one() -> None:
    from game.rules.combat import odds

    o = odds(pavlograd())
    assert o.attack_strength[0] == 21 * STRENGTH_SCALE  # 12 + ceil(12 * 3 / 4); river frozen
    assert o.defence_strength[0] == 6 * STRENGTH_SCALE  # 4 + ceil(4 * 1 / 2)
    assert ODDS_LABELS[o.raw_column[0]] == "3:1"
    assert (o.ground_shift[0], o.armour_shift[0], o.support_shift[0]) == (-1, 1, 1)
    assert ODDS_LABELS[o.column[0]] == "4:1"


def test_worked_example_pavlograd_die_three_drives_the_defenders_back() -> None:
    batch = pavlograd()
    r = resolve_both(batch, dice(3))
    assert Outcome(r.outcome[0]) == Outcome.RETREATED
    assert (r.attacker_steps_lost[0], r.defender_steps_lost[0], r.retreat[0]) == (0, 1, 1)
    assert r.attacker_may_advance[0] and r.advance[0] == 1
    lost = lost_by_unit(batch, r)
    assert lost == {0: 0, 1: 0, 2: 1, 3: 0}  # the 2-step division takes the step


def test_blocked_retreat_costs_a_step_per_hex_not_given_up() -> None:
    r = resolve_both(pavlograd(can_retreat=[False]), dice(3))
    assert Outcome(r.outcome[0]) == Outcome.HELD
    assert r.defender_steps_lost[0] == 2 and r.retreat[0] == 0
    assert not r.attacker_may_advance[0]


def test_surrounded_defender_surrenders_on_a_low_surrender_die() -> None:
    batch = pavlograd(surrounded=[True])
    gave_up = resolve_both(batch, dice(3, surrender_die=2))
    assert Outcome(gave_up.outcome[0]) == Outcome.SURRENDERED
    assert gave_up.defender_surrendered[0] and gave_up.defender_eliminated[0]
    assert gave_up.defender_steps_lost[0] == 3
    held_on = resolve_both(batch, dice(3, surrender_die=3))
    assert Outcome(held_on.outcome[0]) == Outcome.RETREATED


def test_attacking_armour_takes_the_first_loss_and_artillery_the_last() -> None:
    guns = Unit(UnitKind.ARTILLERY, 2, 2, 6, 2)
    infantry = INFANTRY
    tanks = PANZER._replace(steps=1)
    batch = combat([guns, infantry, tanks], [RIFLE], terrain=Terrain.FOREST)
    r = resolve_both(batch, dice(1))  # forest: 3:1 raw -> 2:1 at least: attacker loses 1
    lost = lost_by_unit(batch, r)
    assert r.attacker_steps_lost[0] == 1
    assert lost[2] == 1 and lost[0] == 0 and lost[1] == 0


def test_losses_fall_on_the_unit_with_most_steps_first() -> None:
    weak, strong = RIFLE._replace(steps=1), RIFLE
    batch = combat([PANZER] * 4, [weak, strong, weak])  # defenders are units 4, 5, 6
    assert batch.defenders.unit[:, 0].tolist() == [5, 4, 6]  # most steps first, then unit id
    r = resolve_both(batch, dice(6))  # 48 against 8 is 6:1, 7:1+ with the armour shift
    assert r.defender_steps_lost[0] == 3
    assert r.defender_losses[:, 0].tolist() == [2, 1, 0]


def test_hex_without_defending_steps_is_taken_unopposed() -> None:
    r = resolve_both(combat([INFANTRY], []), dice(1))
    assert Outcome(r.outcome[0]) == Outcome.UNOPPOSED
    assert r.attacker_steps_lost[0] == 0 and r.attacker_may_advance[0] and r.advance[0] == 1


def test_attack_without_strength_is_void() -> None:
    for attackers in ([], [INFANTRY._replace(attack=0)]):
        r = resolve_both(combat(attackers, [RIFLE]), dice(6))
        assert Outcome(r.outcome[0]) == Outcome.VOID
        assert r.defender_steps_lost[0] == 0 and not r.attacker_may_advance[0]


def test_defenders_without_strength_face_the_top_column() -> None:
    batch = combat([RIFLE], [INFANTRY._replace(defence=0)])
    from game.rules.combat import odds

    assert ODDS_LABELS[odds(batch).raw_column[0]] == "7:1+"


# --- modifiers ---------------------------------------------------------------------------------


def raw_and_final(batch: CombatBatch) -> tuple[str, str]:
    from game.rules.combat import odds

    o = odds(batch)
    return ODDS_LABELS[o.raw_column[0]], ODDS_LABELS[o.column[0]]


def test_terrain_and_city_do_not_add_up() -> None:
    assert raw_and_final(combat([INFANTRY] * 2, [RIFLE], terrain=Terrain.URBAN, city=3)) == (
        "3:1",
        "1:1",
    )
    assert raw_and_final(combat([INFANTRY] * 2, [RIFLE], terrain=Terrain.FOREST, city=1)) == (
        "3:1",
        "2:1",
    )


def test_frozen_marsh_is_open_ground() -> None:
    assert raw_and_final(combat([INFANTRY] * 2, [RIFLE], terrain=Terrain.MARSH))[1] == "2:1"
    frozen = combat([INFANTRY] * 2, [RIFLE], terrain=Terrain.MARSH, weather=Weather.FROZEN)
    assert raw_and_final(frozen)[1] == "3:1"


def test_armour_shift_needs_open_ground_and_no_defending_tanks_or_guns() -> None:
    assert raw_and_final(combat([PANZER], [RIFLE]))[1] == "4:1"  # 12:4 + 1
    assert raw_and_final(combat([PANZER], [RIFLE], terrain=Terrain.HILLS))[1] == "2:1"
    anti_tank = Unit(UnitKind.ARTILLERY, 1, 1, 0, 0)
    assert raw_and_final(combat([PANZER], [RIFLE, anti_tank]))[1] == "3:1"
    assert raw_and_final(combat([PANZER], [RIFLE], weather=Weather.MUD)) == ("3:2", "1:1")


def test_armour_is_halved_in_closed_ground() -> None:
    assert raw_and_final(combat([PANZER], [RIFLE], terrain=Terrain.FOREST)) == ("3:2", "1:1")


def test_rivers_halve_or_quarter_the_units_that_cross_them() -> None:
    assert raw_and_final(combat([INFANTRY._replace(river=River.MINOR)] * 2, [RIFLE]))[0] == "3:2"
    assert raw_and_final(combat([INFANTRY._replace(river=River.MAJOR)] * 2, [RIFLE]))[0] == "1:2"
    frozen = combat([INFANTRY._replace(river=River.MAJOR)] * 2, [RIFLE], weather=Weather.FROZEN)
    assert raw_and_final(frozen)[0] == "3:2"
    guns = Unit(UnitKind.ARTILLERY, 2, 2, 12, 2, river=River.MAJOR)
    assert raw_and_final(combat([guns], [RIFLE]))[0] == "3:1"  # guns fire across rivers


def test_support_shifts_are_capped_and_bad_weather_grounds_the_air() -> None:
    assert raw_and_final(combat([INFANTRY], [INFANTRY], artillery=5, air=5))[1] == "4:1"
    assert raw_and_final(combat([INFANTRY], [INFANTRY], air=5, weather=Weather.RAIN))[1] == "3:2"
    assert raw_and_final(combat([INFANTRY], [INFANTRY], artillery=-9))[1] == "1:3"


def test_supply_and_fatigue_wear_units_down() -> None:
    assert raw_and_final(combat([INFANTRY._replace(supply=1)] * 2, [RIFLE]))[0] == "3:2"
    assert raw_and_final(combat([INFANTRY._replace(fatigue=2)] * 2, [RIFLE]))[0] == "2:1"
    assert raw_and_final(combat([INFANTRY._replace(fatigue=1)] * 2, [RIFLE]))[0] == "3:1"
    cut_off = RIFLE._replace(supply=3, defence=6)
    assert raw_and_final(combat([INFANTRY] * 2, [cut_off]))[0] == "3:1"  # 12 : 4


# --- properties --------------------------------------------------------------------------------

unit_strategy = st.builds(
    Unit,
    kind=st.sampled_from(list(UnitKind)),
    steps=st.integers(1, 4),
    max_steps=st.just(4),
    attack=st.integers(1, 15),
    defence=st.integers(1, 15),
    river=st.sampled_from(list(River)),
    supply=st.integers(0, 4),
    fatigue=st.integers(0, 3),
)
hex_strategy = st.fixed_dictionaries(
    {
        "terrain": st.sampled_from([t for t in Terrain if t != Terrain.WATER]),
        "city": st.integers(0, 3),
        "fortification": st.integers(0, 3),
        "weather": st.sampled_from(list(Weather)),
        "artillery": st.integers(-2, 2),
        "air": st.integers(-2, 2),
        "can_retreat": st.booleans(),
        "surrounded": st.booleans(),
    }
)


def expected(batch: CombatBatch) -> tuple[float, float]:
    p = preview(batch)
    return float(p.expected_attacker_steps_lost[0]), float(p.expected_defender_steps_lost[0])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(unit_strategy, min_size=1, max_size=3),
    st.lists(unit_strategy, min_size=1, max_size=3),
    hex_strategy,
    st.integers(1, 30),
)
def test_more_attack_strength_never_means_worse_expected_results(
    attackers: list[Unit], defenders: list[Unit], hex_: dict[str, Any], extra: int
) -> None:
    weak = expected(combat(attackers, defenders, **dict(hex_)))
    stronger = [attackers[0]._replace(attack=attackers[0].attack + extra), *attackers[1:]]
    strong = expected(combat(stronger, defenders, **dict(hex_)))
    assert strong[0] <= weak[0] + 1e-12
    assert strong[1] >= weak[1] - 1e-12


@settings(max_examples=60, deadline=None)
@given(
    st.lists(unit_strategy, min_size=1, max_size=3),
    st.lists(unit_strategy, min_size=1, max_size=3),
    hex_strategy,
    st.sampled_from([Terrain.FOREST, Terrain.MARSH, Terrain.HILLS, Terrain.URBAN]),
)
def test_terrain_helps_the_defender(
    attackers: list[Unit], defenders: list[Unit], hex_: dict[str, Any], ground: Terrain
) -> None:
    open_ = expected(combat(attackers, defenders, **{**hex_, "terrain": Terrain.CLEAR}))
    rough = expected(combat(attackers, defenders, **{**hex_, "terrain": ground}))
    assert rough[0] >= open_[0] - 1e-12
    assert rough[1] <= open_[1] + 1e-12


@settings(max_examples=60, deadline=None)
@given(
    st.lists(unit_strategy, min_size=1, max_size=3),
    st.lists(unit_strategy, min_size=1, max_size=3),
    hex_strategy,
    st.sampled_from([River.MINOR, River.MAJOR]),
)
def test_rivers_help_the_defender(
    attackers: list[Unit], defenders: list[Unit], hex_: dict[str, Any], river: River
) -> None:
    dry = [u._replace(river=River.NONE) for u in attackers]
    wet = [u._replace(river=river) for u in attackers]
    across = expected(combat(wet, defenders, **dict(hex_)))
    plain = expected(combat(dry, defenders, **dict(hex_)))
    assert across[0] >= plain[0] - 1e-12
    assert across[1] <= plain[1] + 1e-12


@settings(max_examples=40, deadline=None)
@given(
    st.lists(unit_strategy, min_size=0, max_size=4),
    st.lists(unit_strategy, min_size=0, max_size=4),
    hex_strategy,
    st.integers(1, DIE_FACES),
    st.integers(1, DIE_FACES),
)
def test_results_stay_within_their_bounds(
    attackers: list[Unit], defenders: list[Unit], hex_: dict[str, Any], die: int, other: int
) -> None:
    batch = combat(attackers, defenders, **dict(hex_))
    r = resolve_both(batch, dice(die, other))
    for lost, stack in ((r.attacker_losses, batch.attackers), (r.defender_losses, batch.defenders)):
        assert np.all(lost >= 0) and np.all(lost <= stack.steps)
    assert r.attacker_steps_lost[0] == r.attacker_losses.sum()
    assert r.defender_steps_lost[0] == r.defender_losses.sum()
    assert 0 <= r.retreat[0] <= 2 and 0 <= r.advance[0] <= 2
    assert r.attacker_may_advance[0] == (r.advance[0] > 0)
    if r.defender_surrendered[0]:
        assert r.defender_eliminated[0]
    if r.retreat[0]:
        assert Outcome(r.outcome[0]) == Outcome.RETREATED


# --- calibration (combat.md, section 6) --------------------------------------------------------


def test_calibration_deliberate_attack_at_three_to_one_in_steppe_costs_the_defender_more() -> None:
    batch = combat([INFANTRY] * 2, [RIFLE])
    assert raw_and_final(batch) == ("3:1", "3:1")
    p = one(preview(batch))
    assert p["defender"] > 2 * p["attacker"]
    assert p["defender"] == pytest.approx(4 / 3) and p["attacker"] == pytest.approx(1 / 3)


def test_calibration_kharkov_counterstroke_exchange_in_men_matches_history() -> None:
    """Soviet 86,469 against 12-25,000 German: 3.5 to 7 to one in men (history.md)."""
    batch = combat([PANZER] * 2, [RIFLE] * 2, weather=Weather.FROZEN, air=1)
    assert raw_and_final(batch) == ("3:1", "5:1")
    p = one(preview(batch))
    ratio = (p["defender"] * SOVIET_RIFLE_STEP_MEN) / (p["attacker"] * GERMAN_PANZER_STEP_MEN)
    assert 3.5 <= ratio <= 7
    cut_off = one(
        preview(
            combat(
                [PANZER] * 2,
                [RIFLE] * 2,
                weather=Weather.FROZEN,
                air=1,
                surrounded=True,
                can_retreat=False,
            )
        )
    )
    assert cut_off["defender"] > p["defender"] and cut_off["surrender"] > 0.3


def test_calibration_city_fighting_costs_the_attacker_more_than_the_defender() -> None:
    street = one(preview(combat([INFANTRY] * 2, [RIFLE], terrain=Terrain.URBAN, city=3)))
    steppe = one(preview(combat([INFANTRY] * 2, [RIFLE])))
    assert street["attacker"] > street["defender"]
    assert street["defender"] - street["attacker"] < steppe["defender"] - steppe["attacker"]


def test_calibration_major_river_assault_cuts_the_attackers_gain() -> None:
    defenders = [INFANTRY._replace(defence=3)]
    dry = one(preview(combat([INFANTRY] * 2, defenders)))
    assault = one(preview(combat([INFANTRY._replace(river=River.MAJOR)] * 2, defenders)))
    on_ice = one(
        preview(
            combat([INFANTRY._replace(river=River.MAJOR)] * 2, defenders, weather=Weather.FROZEN)
        )
    )
    assert assault["attacker"] > assault["defender"]
    gain = {k: v["defender"] - v["attacker"] for k, v in (("dry", dry), ("assault", assault))}
    assert gain["assault"] < 0 < gain["dry"]
    assert on_ice["defender"] - on_ice["attacker"] > gain["assault"]


# --- preview -----------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.lists(unit_strategy, min_size=0, max_size=3),
    st.lists(unit_strategy, min_size=0, max_size=3),
    hex_strategy,
)
def test_preview_probabilities_sum_to_one(
    attackers: list[Unit], defenders: list[Unit], hex_: dict[str, Any]
) -> None:
    batch = combat(attackers, defenders, **dict(hex_))
    p = preview(batch)
    for probabilities in (
        p.outcome_probability,
        p.attacker_loss_probability,
        p.defender_loss_probability,
    ):
        assert probabilities.sum() == pytest.approx(1.0)
    assert p.outcome_count.sum() == 36
    assert p.expected_steps_lost(batch).sum() == pytest.approx(
        p.expected_attacker_steps_lost[0] + p.expected_defender_steps_lost[0]
    )


def test_preview_of_a_batch_matches_each_combat_previewed_alone() -> None:
    from game.bench import random_batch

    batch = random_batch(40, seed=3)
    together = preview(batch)
    for c in (0, 17, 39):
        alone = preview(batch.select([c]))
        np.testing.assert_array_equal(together.outcome_count[c], alone.outcome_count[0])
        np.testing.assert_allclose(
            together.expected_attacker_losses[:, c], alone.expected_attacker_losses[:, 0]
        )
        np.testing.assert_allclose(
            together.expected_defender_losses[:, c], alone.expected_defender_losses[:, 0]
        )


def test_preview_matches_a_large_monte_carlo_sample() -> None:
    from game.bench import random_batch

    batch = random_batch(30, seed=11)
    p = preview(batch)
    samples = 20_000
    rng = np.random.default_rng(5)
    counts = np.zeros_like(p.outcome_count)
    defender_lost = np.zeros(batch.n_combats)
    repeat = batch.select(np.tile(np.arange(batch.n_combats), samples))
    r = resolve(repeat, draw(rng, repeat.n_combats))
    outcome = r.outcome.reshape(samples, batch.n_combats)
    for o in Outcome:
        counts[:, o] = (outcome == o).sum(axis=0)
    defender_lost = r.defender_steps_lost.reshape(samples, batch.n_combats).mean(axis=0)
    frequency = counts / samples
    sigma = np.sqrt(p.outcome_probability * (1 - p.outcome_probability) / samples)
    assert np.all(np.abs(frequency - p.outcome_probability) <= 5 * sigma + 1e-9)
    spread = r.defender_steps_lost.reshape(samples, batch.n_combats).std(axis=0) / np.sqrt(samples)
    assert np.all(np.abs(defender_lost - p.expected_defender_steps_lost) <= 5 * spread + 1e-9)


def test_candidate_batch_equals_the_batch_of_each_attacks_spec_on_real_positions() -> None:
    """The AI's one-go batch (`combat_phase.candidate_batch`) is the engine's batch of the same
    attacks: every attack a moving side could make, alone or in pairs, at points through a
    whole Third Kharkov game, many on the same target, with rivers, towns and surrounded
    defenders among them."""
    from game.actions import Attack
    from game.rules import combat_phase
    from game.rules.combat import build_batch
    from game.scenario.model import load_scenario
    from game.sim.runner import play_game
    from tests.conftest import KHARKOV

    scenario = load_scenario(KHARKOV)
    game = play_game(scenario, seed=11, checkpoints=False).game
    replay = type(game)(scenario, 11)
    checked = rivers = surrounded = 0
    for i, action in enumerate(game.actions):
        replay.apply(action)
        if i % 60:
            continue
        state = replay.state
        side = scenario.sides[state.side_index]
        units = scenario.units
        mine = np.flatnonzero(state.active & (units.side == side) & (state.hex >= 0))
        enemy = state.active & scenario.unit_hostile[side] & (state.hex >= 0)
        targets = set(state.hex[enemy].tolist())
        attacks: list[Attack] = []
        for u in mine.tolist():
            for t in scenario.map.neighbor[state.hex[u]].tolist():
                if t in targets:
                    attacks.append(Attack((u,), t))
                    attacks += [Attack((u, a.attackers[0]), t) for a in attacks[:-1] if a.target == t]
        if not attacks:
            continue
        enemies = sorted({int(s) for s in units.side[enemy]})
        ground = combat_phase.CombatGround.of(scenario, state, side, enemies)
        fast = combat_phase.candidate_batch(
            scenario, state, [a.target for a in attacks], [a.attackers for a in attacks], ground
        )
        specs = [combat_phase.combat_spec(scenario, state, a, ground) for a in attacks]
        slow = build_batch(combat_phase.unit_arrays(scenario, state), specs)
        for name in fast.__dataclass_fields__:
            a, b = getattr(fast, name), getattr(slow, name)
            if isinstance(a, np.ndarray):
                assert a.dtype == b.dtype and np.array_equal(a, b), name
            else:
                for field in a.__dataclass_fields__:
                    x, y = getattr(a, field), getattr(b, field)
                    assert x.dtype == y.dtype and np.array_equal(x, y), (name, field)
        checked += len(attacks)
        rivers += int((fast.attackers.river > 0).sum())
        surrounded += int(fast.surrounded.sum())
    assert checked > 300 and rivers > 0 and surrounded > 0, (checked, rivers, surrounded)
