"""A pocket fed by air at a tonnage (a side's `air_supply`) and a pocket that stands fast until
it breaks out (`breakout`): general rules a scenario file switches on, off everywhere else."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from game import engine
from game.ai.plan import PlanTracker, Posture
from game.enums import Weather
from game.rules import airlift, breakout, supply
from game.scenario.errors import FileProblemError
from game.scenario.model import Scenario, load_scenario
from game.scenario.schema import AirSupplySpec, KnobSpec
from game.session import Game
from game.state import GameState, UnitStatus
from tests import worlds
from tests.worlds import AXIS, SOVIET, add_city, at, blank_grid

ROOT = Path(__file__).resolve().parent.parent
WINTER_STORM = ROOT / "scenarios" / "winter_storm_1942.toml"
KHARKOV = ROOT / "scenarios" / "kharkov_1943.toml"


def pocket_world(
    tons: float, weather: Weather = Weather.CLEAR, units: int = 5, hunger_days: float | None = None
) -> tuple[Scenario, GameState, list[int]]:
    """Five Axis divisions in a ring of Soviet ground with an airfield among them and no supply
    edge; 20 t a unit a day, half the tonnage in snow; hungry units lose steps with `hunger_days`."""
    grid = blank_grid(14, 9)
    pocket = [at(grid, c, 4) for c in range(4, 4 + units)]
    add_city(grid, "Pitomnik", pocket[2])
    control = np.full(grid.size, SOVIET, dtype=np.uint8)
    control[pocket] = AXIS
    air = AirSupplySpec.model_validate(
        {
            "places": ["pitomnik"],
            "tons_per_day": tons,
            "tons_per_unit_day": 20,
            "bad_weather": ["snow"],
            "bad_weather_percent": 50,
            "hunger_days": hunger_days,
        }
    )
    scenario, state = worlds.world(
        grid,
        [(AXIS, h) for h in pocket],
        sides={AXIS: {"air_supply": air}, SOVIET: {"supply_edges": ["east"]}},
        control=control,
        weather=weather,
    )
    return scenario, state, pocket


def supply_phase(scenario: Scenario, state: GameState) -> supply.SupplyReport:
    dice = np.full(scenario.units.count, 6, dtype=np.int8)  # no attrition
    return supply.update_supply(scenario, state, AXIS, dice)


def test_the_tonnage_feeds_that_many_units_the_longest_cut_off_first() -> None:
    scenario, state, _ = pocket_world(tons=40)  # 40 t / 20 t = two units a phase
    first = supply_phase(scenario, state)
    assert first.airlifted.tolist() == [0, 1]
    assert state.supply.tolist() == [0, 0, 1, 1, 1]
    second = supply_phase(scenario, state)
    assert second.airlifted.tolist() == [2, 3]  # the hungry are fed before the fed
    assert state.supply.tolist() == [1, 1, 0, 0, 2]
    supply_phase(scenario, state)
    assert state.supply.tolist() == [0, 2, 1, 1, 0]  # unit 4, two phases out, comes first


def test_bad_weather_cuts_the_tonnage_and_no_air_supply_feeds_nobody() -> None:
    scenario, state, _ = pocket_world(tons=40, weather=Weather.SNOW)
    assert supply_phase(scenario, state).airlifted.tolist() == [0]  # 20 t arrive: one unit
    scenario, state, _ = pocket_world(tons=100)
    assert airlift.units_fed(scenario, state, AXIS, airlift.airfields(scenario, state, AXIS)) == 5
    assert supply_phase(scenario, state).airlifted.tolist() == [0, 1, 2, 3, 4]
    plain = dataclasses.replace(
        scenario,
        spec=scenario.spec.model_copy(
            update={"sides": {**scenario.spec.sides, "axis": scenario.spec.sides["axis"].model_copy(update={"air_supply": None})}}
        ),
    )
    state = worlds.world(plain.map, [(AXIS, int(h)) for h in plain.units.start_hex], control=plain.control)[1]
    assert len(supply_phase(plain, state).airlifted) == 0
    assert (state.supply == 1).all()


def test_the_units_the_airlift_cannot_feed_go_hungry_and_lose_steps_never_the_last() -> None:
    scenario, state, _ = pocket_world(tons=40, hunger_days=2 * scenario_days(pocket_world(40)[0]))
    assert airlift.hunger_face(scenario, AXIS, supply.DIE_FACES) == 3  # half the time: 1-3 on a d6
    state.steps[4] = 1
    dice = np.array([1, 1, 3, 4, 1], dtype=np.int8)
    report = supply.update_supply(scenario, state, AXIS, dice)
    assert report.airlifted.tolist() == [0, 1]  # fed: no hunger whatever their dice
    # unit 2 (die 3) starves a step, unit 3 (die 4) does not, unit 4 is down to its last step
    assert state.steps.tolist() == [4, 4, 3, 4, 1]
    assert report.step_losses.tolist() == [2] and not len(report.eliminated)
    assert report.men_lost == 10_000 // 4
    assert (state.status == UnitStatus.ACTIVE).all()


def test_a_pocket_fed_in_full_or_without_hunger_loses_nothing() -> None:
    ones = np.ones(5, dtype=np.int8)  # every die the worst
    scenario, state, _ = pocket_world(tons=100, hunger_days=2.0)  # all five fed
    supply.update_supply(scenario, state, AXIS, ones)
    assert (state.steps == 4).all()
    scenario, state, _ = pocket_world(tons=40)  # no hunger_days: the rule is off
    assert airlift.hunger_face(scenario, AXIS, supply.DIE_FACES) == 0
    supply.update_supply(scenario, state, AXIS, ones)
    assert (state.steps == 4).all()
    scenario, state, pocket = pocket_world(tons=40, hunger_days=2.0)
    state.control[pocket[2]] = SOVIET  # no airfield: nobody is fed, nobody counts as hungry
    supply.update_supply(scenario, state, AXIS, ones)
    assert (state.steps == 4).all()  # (the usual stages apply: attrition comes later)


def scenario_days(scenario: Scenario) -> int:
    return scenario.scale.days_per_turn


def test_an_airfield_lost_or_held_by_an_enemy_unit_flies_nothing_in() -> None:
    scenario, state, pocket = pocket_world(tons=100)
    state.control[pocket[2]] = SOVIET
    assert not airlift.airfields(scenario, state, AXIS).any()
    assert len(supply_phase(scenario, state).airlifted) == 0


def test_games_under_rules_2_have_no_air_supply_and_no_breakout() -> None:
    scenario = load_scenario(WINTER_STORM)
    axis = scenario.side_table.index("axis")
    old = scenario.under_rules(2)
    assert airlift.air_supply(old, axis) is None and breakout.breakout_spec(old, axis) is None
    assert airlift.air_supply(scenario, axis) is not None


def sixth_army(scenario: Scenario) -> np.ndarray:
    units = scenario.units
    names = np.array(units.formations)[units.formation]
    picked: np.ndarray = names == "6th Army"
    return picked


def test_the_airlift_knob_sets_the_tonnage_and_the_pocket_fed() -> None:
    """Winter Storm: ~100 t a day, halved in snow, at 15 t a unit keeps three of 6th Army's nine
    corps groups in supply each turn; the 300 t Goering promised would have kept all nine."""
    for tons, fed in ((100, 3), (300, 9)):
        scenario = load_scenario(WINTER_STORM, {"airlift_tons_per_day": tons})
        axis = scenario.side_table.index("axis")
        assert airlift.tons_per_day(scenario, axis) == tons
        game = Game(scenario, seed=5, undo=False)  # the Germans' first supply phase has run
        pocket = sixth_army(scenario)
        assert int((game.state.supply[pocket] == 0).sum()) == fed
        assert pocket.sum() == 9


def test_the_pocket_stands_fast_until_the_breakout_and_then_pays_for_it() -> None:
    fed = {"airlift_tons_per_day": 300}  # the promised tonnage: no hunger blurs the books
    scenario = load_scenario(WINTER_STORM, fed)
    pocket = sixth_army(scenario)
    game = Game(scenario, seed=5, undo=False)
    assert (game.state.movement_left[pocket] == 0).all()
    assert (game.state.movement_left[~pocket & (scenario.units.side == 0) & game.state.active] > 0).any()
    assert len(list(engine.legal_actions(scenario, game.state))) > 1
    assert game.state.men_lost[pocket].sum() == 0

    early = load_scenario(WINTER_STORM, {"thunderclap_day": 0, **fed})
    state, events = engine.new_game(early, seed=5)
    units = early.units
    assert (state.movement_left[pocket] > 0).all()
    assert (state.steps[pocket] == units.max_steps[pocket] - 1).all()
    lost = units.men[pocket] // units.max_steps[pocket]
    assert (state.men_lost[pocket] == lost).all()
    [paid] = [e for e in events if e.kind == "losses" and e.data["cause"] == "breakout"]
    assert paid.data["men"] == int(lost.sum()) and set(paid.units) == set(np.nonzero(pocket)[0])


def test_the_breakout_day_knob_picks_the_turn_and_the_ai_makes_for_the_relief() -> None:
    scenario = load_scenario(WINTER_STORM, {"thunderclap_day": 7})  # 19 Dec: Manstein's request
    axis = scenario.side_table.index("axis")
    assert breakout.breakout_turn(scenario, axis) == 5  # the turn of 20-21 Dec
    assert breakout.breakout_turn(load_scenario(WINTER_STORM), axis) == 0  # history: never
    tracker = PlanTracker.for_side(scenario, axis)
    state = Game(scenario, seed=5, undo=False).state
    own = np.nonzero(state.active & (scenario.units.side == axis))[0]
    pocket = sixth_army(scenario)
    relief = np.array(scenario.units.formations)[scenario.units.formation] == "LVII Panzer Corps"
    for turn, posture in ((4, Posture.HOLD), (5, Posture.BREAKOUT)):
        tracker.update(turn, state.control, 0.0, frozenset())
        orders = tracker.orders(own, state.control, state.hex, state.active)
        u = int(np.nonzero(pocket)[0][0])
        assert orders[u].posture == posture
    goals = set(orders[u].goals)
    assert goals == {int(h) for h in state.hex[relief & state.active]}


def test_withdrawals_and_phases_move_with_their_knobs() -> None:
    base = load_scenario(WINTER_STORM)
    units = base.units
    panzer, spearhead = units.index("panzer_6"), units.index("guards_mech_corps_1")
    assert (units.withdraw_turn[panzer], units.arrive_turn[spearhead]) == (6, 5)
    later = load_scenario(WINTER_STORM, {"little_saturn_delay_days": 2}).units
    assert (later.withdraw_turn[panzer], later.arrive_turn[spearhead]) == (0, 6)
    assert later.arrive_turn[units.index("panzer_11")] == 1  # on the map from the start: stays

    knob = KnobSpec.model_validate(
        {"type": "int", "default": 2, "min": 0, "max": 12, "description": "test",
         "effect": "phase_start_day", "side": "axis", "phase": "to_the_pocket"}
    )
    spec = base.spec.model_copy(update={"knobs": {**base.spec.knobs, "early": knob}})
    forced = dataclasses.replace(base, spec=spec)
    axis = base.side_table.index("axis")
    tracker = PlanTracker.for_side(forced, axis)
    tracker.update(1, base.control, 0.0, frozenset())
    assert tracker.phase_id == "to_the_aksai"
    tracker.update(2, base.control, 0.0, frozenset())  # 14 Dec: two days after the start
    assert tracker.phase_id == "to_the_pocket"


def test_knobs_that_name_what_is_not_there_are_one_clear_line_each(tmp_path: Path) -> None:
    text = WINTER_STORM.read_text(encoding="utf-8")
    text += """
[knobs.bad_breakout]
type = "int"
default = 1
min = 0
max = 3
description = "x"
effect = "breakout_day"
side = "soviet"

[knobs.bad_phase]
type = "int"
default = 1
min = 0
max = 3
description = "x"
effect = "phase_shift_days"
side = "axis"
phase = "no_such_phase"
"""
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "don_volga.toml").write_text(
        (ROOT / "scenarios" / "maps" / "don_volga.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    path = tmp_path / "ws.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileProblemError) as info:
        load_scenario(path)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 2
    assert "knobs.bad_breakout.side: side 'soviet' has no breakout" in messages[0] + messages[1]
    assert "has no plan phase 'no_such_phase'" in messages[0] + messages[1]


def test_third_kharkov_asks_for_neither_rule() -> None:
    scenario = load_scenario(KHARKOV)
    for side in scenario.sides:
        assert airlift.air_supply(scenario, side) is None
        assert breakout.breakout_spec(scenario, side) is None
    state = Game(scenario, seed=1, undo=False).state
    assert not breakout.standing_fast(scenario, state, 0).any()
    assert (state.status != UnitStatus.SURRENDERED).all()
