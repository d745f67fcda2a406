"""Armour that loses tanks faster than men (a side's `tank_losses`): off by default (tanks go with the
men, as every game before it), exact books for men and tanks when it is on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.ai.tactics import step_value
from game.cli import main
from game.rules.losses import accounting, lose_steps, tank_loss_percent, tanks_present
from game.scenario.model import Scenario, load_scenario
from game.scenario.schema import TankLossSpec
from game.session import Game
from game.sim.runner import play_game
from game.state import UnitStatus
from tests.conftest import MiniWriter

ROOT = Path(__file__).resolve().parent.parent
WINTER_STORM = ROOT / "scenarios" / "winter_storm_1942.toml"
KHARKOV = ROOT / "scenarios" / "kharkov_1943.toml"


@pytest.fixture(scope="module")
def winter_storm() -> Scenario:
    return load_scenario(WINTER_STORM)


def _with_percent(scenario: Scenario, side: str, percent: int) -> Scenario:
    sides = dict(scenario.spec.sides)
    losses = TankLossSpec(percent=percent)  # every unit of the side
    sides[side] = sides[side].model_copy(update={"tank_losses": losses})
    return replace(scenario, spec=scenario.spec.model_copy(update={"sides": sides}))


def test_under_rules_before_the_rule_tanks_go_with_the_men_as_before() -> None:
    """Third Kharkov asks for it for the Soviet side, but a save made under rules version 2
    replays under them: every unit at every step count holds its even share,
    tanks * steps // max_steps, so old games keep their books to the tank."""
    kharkov = load_scenario(KHARKOV).under_rules(2)
    units = kharkov.units
    assert (tank_loss_percent(kharkov) == 100).all()
    idx = np.arange(units.count)
    for steps in range(int(units.max_steps.max()) + 1):
        s = np.minimum(steps, units.max_steps)
        even = units.tanks.astype(np.int64) * s // units.max_steps
        assert (tanks_present(kharkov, s, idx) == even).all(), steps


def test_third_kharkov_soviet_armour_loses_tanks_at_the_historical_rate() -> None:
    """history.md: 322 tanks lost against 86,469 of ~200,000 men: 230 % for every Soviet unit.
    12th Tank Corps (46 tanks, 3 steps): one step lost takes 36 tanks (15 at the even share),
    the second the rest; German armour keeps the even share."""
    kharkov = load_scenario(KHARKOV)
    units = kharkov.units
    percent = tank_loss_percent(kharkov)
    assert (percent[units.side == kharkov.side_table.ids.index("soviet")] == 230).all()
    assert (percent[units.side == kharkov.side_table.ids.index("axis")] == 100).all()
    corps = units.index("tank_corps_12")
    assert int(units.tanks[corps]) == 46 and int(units.max_steps[corps]) == 3
    assert [int(tanks_present(kharkov, s, [corps])[0]) for s in (3, 2, 1, 0)] == [46, 10, 0, 0]


def test_a_german_step_in_winter_storm_costs_four_times_its_share_of_tanks(
    winter_storm: Scenario,
) -> None:
    """6th Panzer: 160 tanks in 5 steps at 400 %: the first step lost takes 128 tanks (32 at the
    even share), the second the rest. Soviet armour keeps the even share (100)."""
    units = winter_storm.units
    panzer = units.index("panzer_6")
    assert [int(tanks_present(winter_storm, s, [panzer])[0]) for s in range(5, -1, -1)] == [
        160,
        32,
        0,
        0,
        0,
        0,
    ]
    pocket = units.index("pocket_xiv_southwest")  # 6th Army: 50 tanks in 4 steps, even share
    assert [int(tanks_present(winter_storm, s, [pocket])[0]) for s in (4, 3, 2, 1)] == [
        50,
        37,
        25,
        12,
    ]
    mech = units.index("mech_corps_4")  # 110 tanks in 3 steps
    assert [int(tanks_present(winter_storm, s, [mech])[0]) for s in (3, 2, 1, 0)] == [
        110,
        73,
        36,
        0,
    ]


@given(
    percent=st.integers(100, 1000),
    tanks=st.integers(0, 5000),
    most=st.integers(1, 12),
)
def test_tanks_left_fall_with_every_step_and_never_faster_than_all_of_them(
    percent: int, tanks: int, most: int
) -> None:
    scenario = _with_percent(load_scenario(WINTER_STORM), "axis", percent)  # loads are cached
    panzer = scenario.units.index("panzer_6")
    units = replace(
        scenario.units,
        tanks=np.where(np.arange(scenario.units.count) == panzer, tanks, scenario.units.tanks),
        max_steps=np.where(
            np.arange(scenario.units.count) == panzer, most, scenario.units.max_steps
        ),
    )
    scenario = replace(scenario, units=units)
    left = [int(tanks_present(scenario, s, [panzer])[0]) for s in range(most + 1)]
    assert left[-1] == tanks and left[0] == 0
    assert left == sorted(left)  # more steps, never fewer tanks
    for s, held in enumerate(left):
        assert 0 <= held <= tanks * s // most  # at or below the even share
        if percent == 100:
            assert held == tanks * s // most


def test_step_losses_book_men_and_tanks_exactly_under_the_rule(winter_storm: Scenario) -> None:
    """Losses in any order and any size: each unit's tanks lost is what it had less what it
    holds, and start + arrived - lost - withdrawn = present for men and tanks alike."""
    game = Game(winter_storm, seed=5)
    state = game.state
    rng = np.random.default_rng(1942)
    active = np.flatnonzero(state.status == UnitStatus.ACTIVE)
    for _ in range(40):
        hit = rng.choice(active, size=3)
        lose_steps(winter_storm, state, hit, rng.integers(1, 3, size=3))
    units = winter_storm.units
    arrived = np.flatnonzero(state.status != UnitStatus.WAITING)
    held = tanks_present(winter_storm, state.steps[arrived], arrived)
    assert (state.tanks_lost[arrived] == units.tanks[arrived] - held).all()
    for side in winter_storm.sides:
        for books in (
            accounting(winter_storm, state, side, "men"),
            accounting(winter_storm, state, side, "tanks"),
        ):
            assert (
                books["start"] + books["arrived"] - books["lost"] - books["withdrawn"]
                == books["present"]
            ), (side, books)
    assert state.tanks_lost.sum() > 0


def test_a_whole_game_with_hunger_combat_and_a_breakout_balances_the_tank_books() -> None:
    """Every way a unit loses steps (combat, retreat, hunger, the breakout's price, surrender,
    withdrawal) takes tanks by the same rule: the books balance to the tank at the end."""
    scenario = load_scenario(WINTER_STORM, {"thunderclap_day": 6})
    state = play_game(scenario, seed=1943, checkpoints=False).game.state
    units = scenario.units
    arrived = np.flatnonzero(state.status != UnitStatus.WAITING)
    held = tanks_present(scenario, state.steps[arrived], arrived)
    assert (state.tanks_lost[arrived] == units.tanks[arrived] - held).all()
    for side in scenario.sides:
        books = accounting(scenario, state, side, "tanks")
        assert (
            books["start"] + books["arrived"] - books["lost"] - books["withdrawn"]
            == books["present"]
        ), books
    axis = scenario.side_table.index("axis")
    lost = state.tanks_lost[units.side == axis].sum()
    men = state.men_lost[units.side == axis].sum()
    total_tanks, total_men = (
        units.tanks[units.side == axis].sum(),
        units.men[units.side == axis].sum(),
    )
    assert lost / total_tanks > men / total_men  # tanks went faster than men


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("tank_losses = { percent = 99 }", "sides.axis.tank_losses.percent: 99 is out of range"),
        ("tank_losses = { percent = 1001 }", "sides.axis.tank_losses.percent: 1001 is out of"),
        (
            'tank_losses = { percent = 200, formations = ["SS Panzer Korps"] }',
            "sides.axis.tank_losses.formations.0: unknown formation 'SS Panzer Korps'",
        ),
    ],
)
def test_a_bad_tank_losses_entry_is_one_clear_line(
    mini: MiniWriter, line: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = mini(replace={'supply_edges = ["west"]': f'supply_edges = ["west"]\n{line}'})
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"mini.toml:15: {problem}" in err[0], err


def test_the_unit_panel_shows_the_tanks_the_rule_leaves(winter_storm: Scenario) -> None:
    """6th Panzer with one step lost has 32 tanks, not the even share of 128: the panel says so."""
    from game.observation import observe
    from game.ui.panels import unit_html

    game = Game(winter_storm, seed=1)
    panzer = winter_storm.units.index("panzer_6")
    lose_steps(winter_storm, game.state, [panzer], [1])
    side = int(winter_storm.units.side[panzer])
    html = unit_html(winter_storm, game.state, observe(winter_storm, game.state, side), panzer)
    assert ", 32 tanks" in html and "128 tanks" not in html


def test_the_ai_prices_an_enemy_tank_step_at_the_tanks_the_rule_makes_it_lose() -> None:
    """A step of 2nd Guards Tank Corps (201 tanks, three steps) costs the Soviets 154 tanks under
    the file's 230 % rule, not 67: the German AI weighs destroying it at that, so Soviet armour
    is worth hunting as the losses history.md gives (322 tanks in 4-25 March). Rifle divisions
    and the Germans' own units (no rule) keep their even share."""
    kharkov = load_scenario(KHARKOV)
    ids = list(kharkov.units.ids)
    units = np.array(
        [ids.index(u) for u in ("guards_tank_corps_2", "rifle_6", "lssah")], dtype=np.intp
    )
    even, priced = step_value(kharkov, units), step_value(kharkov, units, tank_rate=True)
    assert priced[0] - even[0] == pytest.approx((201 / 3 * 2.3 - 201 / 3) / 20.0)
    assert priced[1:].tolist() == even[1:].tolist()
