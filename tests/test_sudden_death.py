"""A sudden-death hold must last `for_days` (Third Kharkov: the Dnieper crossings, 4 days), so a
raid that slips into an empty town does not end the game before the defender can answer."""

from __future__ import annotations

from pathlib import Path

from game import engine
from game.narrate import sudden_death_rule_text, sudden_death_warning
from game.rules import victory, victory_view
from game.scenario.model import load_scenario

KHARKOV = Path(__file__).resolve().parent.parent / "scenarios" / "kharkov_1943.toml"


def test_a_soviet_hold_on_a_dnieper_crossing_must_last_two_turns() -> None:
    scenario = load_scenario(KHARKOV)
    soviet = scenario.side_table.index("soviet")
    crossing = scenario.map.hex_of_point("dnepropetrovsk")
    state, _ = engine.new_game(scenario, seed=1)
    state.turn = 3  # 23 February: the rule is in force from the 21st
    state.control[crossing] = soviet
    state.control_changed[crossing] = 3  # taken this turn
    ended = []
    for turn in (3, 4, 5):
        state.turn = turn
        ended.append(bool(victory.check_sudden_death(scenario, state)))
        if state.over:
            break
    assert ended == [False, False, True]
    assert state.winner == scenario.side_table.team[soviet] and state.level == "decisive"


def test_games_made_under_rules_version_2_end_at_once() -> None:
    scenario = load_scenario(KHARKOV).under_rules(2)
    soviet = scenario.side_table.index("soviet")
    crossing = scenario.map.hex_of_point("zaporozhye")
    state, _ = engine.new_game(scenario, seed=1)
    state.turn = 3
    state.control[crossing] = soviet
    state.control_changed[crossing] = 3
    assert victory.check_sudden_death(scenario, state)


def test_the_victory_view_says_when_a_fresh_hold_will_end_the_game() -> None:
    scenario = load_scenario(KHARKOV)
    axis, soviet = scenario.side_table.index("axis"), scenario.side_table.index("soviet")
    crossing = scenario.map.city_by_id("zaporozhye")
    assert crossing is not None
    state, _ = engine.new_game(scenario, seed=1)
    state.turn = 3
    state.control[crossing.hex] = soviet
    state.control_changed[crossing.hex] = 3
    (status,) = [
        s
        for s in victory_view.threats_to(scenario, state, axis)
        if crossing.hex in [scenario.map.cities[k].hex for k in s.cities]
    ]
    assert status.met and not status.imminent and status.ends_turn == 5 and status.hold_days == 4
    assert "wins at the end of a side's turn on 27 Feb unless it is retaken" in (
        sudden_death_warning(scenario, status)
    )
    assert "holding Zaporozhye for 4 days" in sudden_death_rule_text(scenario, status)
