"""A sudden-death hold must last `for_days` (Third Kharkov: the Dnieper crossings, 4 days), so a
raid that slips into an empty town does not end the game before the defender can answer."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from game import engine
from game.ai.players import make_player, play_one
from game.narrate import sudden_death_rule_text, sudden_death_warning
from game.rules import victory, victory_view
from game.scenario.model import load_scenario
from game.session import Game

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


def test_a_hold_counts_from_when_the_rule_comes_into_force() -> None:
    scenario = load_scenario(KHARKOV)
    rule = scenario.spec.victory.sudden_death[0]
    assert rule.from_date is not None and rule.for_days == 4
    opens = scenario.turn_of_date(rule.from_date)  # 21 February: turn 2
    assert victory.hold_ends(scenario, rule, 1) == opens + 2  # taken on the first Soviet move
    assert victory.hold_ends(scenario, rule, 5) == 7
    assert victory.hold_ends(scenario.under_rules(2), rule, 5) == 0


def test_a_new_axis_player_who_leaves_the_crossings_bare_still_plays_past_turn_3() -> None:
    """The computer plays a German side that does not know the hold orders (a player new to the
    game); the Soviet spearheads walk into an empty Dnieper town, but the game goes on past turn
    3, and the victory view warns of it before then."""
    scenario = load_scenario(KHARKOV)
    axis = scenario.side_table.index("axis")
    unaware = dataclasses.replace(scenario, holds={**scenario.holds, axis: ()})
    for seed in (1, 2, 3):
        game = Game(scenario, seed, undo=False)
        players = {
            s: make_player(unaware if s == axis else scenario, s, seed * 10 + s)
            for s in scenario.sides
        }
        warned = False
        while not game.state.over and game.state.turn <= 3:
            if game.state.side_index == axis:
                warned |= bool(victory_view.threats_to(scenario, game.state, axis))
            play_one(game, players[scenario.sides[game.state.side_index]])
        assert not game.state.over or game.state.turn > 3, seed
        assert warned, seed
