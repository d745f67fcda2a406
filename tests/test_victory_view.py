"""Victory in view: Third Kharkov's objectives, levels and sudden-death conditions as the panel
and the warnings read them, and the words they are shown in (names, never ids)."""

from __future__ import annotations

import numpy as np
import pytest

from game import engine
from game.actions import EndPhase
from game.events import Event
from game.narrate import event_text, named, sudden_death_warning
from game.rules import victory_view
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.state import Phase, UnitStatus
from game.ui.briefings import brief_html, objectives_html, standing_html
from tests.conftest import KHARKOV


@pytest.fixture(scope="module")
def kharkov() -> Scenario:
    return load_scenario(KHARKOV)


def to_turn(game: Game, turn: int) -> None:
    """End phases until `turn` starts for the first side (its movement phase)."""
    while game.state.turn < turn or game.state.phase != Phase.MOVEMENT:
        game.apply(EndPhase())


def test_the_panel_reads_third_kharkovs_objectives_levels_and_turns(kharkov: Scenario) -> None:
    game = Game(kharkov, seed=5)
    view = victory_view.victory_view(kharkov, game.state)
    table = kharkov.side_table
    axis, soviet = table.index("axis"), table.index("soviet")
    assert view.points == 31 and view.city_points == 31 and view.exchange == 0
    assert view.turn == 1 and view.turns_left == 16
    names = {kharkov.map.cities[o.city].name: o for o in view.objectives}
    assert len(names) == 16 and names["Kharkov"].points == 12
    assert names["Kharkov"].holder == soviet and not names["Kharkov"].scoring
    assert names["Zaporozhye"].holder == axis and names["Zaporozhye"].scoring
    assert [(b.min_vp, b.level) for b in view.bands][:2] == [(78, "decisive"), (55, "marginal")]
    band = view.band
    assert band is not None and band.winner == table.team[soviet] and band.level == "marginal"
    assert band.min_vp == 26 and band.below == 40
    left, right = standing_html(kharkov, view, axis), objectives_html(kharkov, view)
    for text in ("16 turns left", "26 to under 40", "under 26", "Zaporozhye", "21 Feb"):
        assert text in left
    assert "Kharkov</b> 12" in right and "holds 31 of 77 points" in right
    assert "zaporozhye" not in left + right  # names, never ids


def test_no_warning_before_the_sudden_death_window_opens(kharkov: Scenario) -> None:
    game = Game(kharkov, seed=5)
    axis = kharkov.side_table.index("axis")
    # the Soviet turn 1 ends on 19 Feb; the Dnieper conditions open on 21 Feb
    statuses = victory_view.sudden_death_status(kharkov, game.state)
    assert [s.check_turn for s in statuses] == [1, 1, 1]
    assert not any(s.open_at_check for s in statuses)
    assert victory_view.threats_to(kharkov, game.state, axis) == []


def test_a_turn_before_the_soviets_can_take_the_dnieper_crossings_the_germans_are_warned(
    kharkov: Scenario,
) -> None:
    game = Game(kharkov, seed=5)
    to_turn(game, 2)
    axis = kharkov.side_table.index("axis")
    threats = victory_view.threats_to(
        kharkov, game.state, axis, rules=engine.movement_rules(kharkov)
    )
    cities = {kharkov.map.cities[k].name for s in threats for k in s.cities}
    assert "Zaporozhye" in cities
    zaporozhye = next(s for s in threats if kharkov.map.cities[s.cities[0]].name == "Zaporozhye")
    assert zaporozhye.threatened and not zaporozhye.met and zaporozhye.check_turn == 2
    text = sudden_death_warning(kharkov, zaporozhye)
    assert "Soviet units can reach Zaporozhye" in text and "21 Feb" in text
    assert "zaporozhye" not in text and "soviet " not in text
    # the German condition (Kharkov and Belgorod, from 18 Mar) is no threat to the Germans
    assert all(s.team != kharkov.side_table.team[axis] for s in threats)


def test_no_warning_when_no_known_enemy_unit_is_within_reach(kharkov: Scenario) -> None:
    game = Game(kharkov, seed=5)
    to_turn(game, 2)
    axis = kharkov.side_table.index("axis")
    unseen = np.where(kharkov.unit_friendly[axis] & game.state.active, game.state.hex, -1).astype(
        np.int32
    )
    assert victory_view.threats_to(kharkov, game.state, axis, unseen) == []


def test_a_condition_met_now_ends_the_game_this_turn_and_says_so(kharkov: Scenario) -> None:
    game = Game(kharkov, seed=5)
    to_turn(game, 4)  # the rule is in force from turn 2 and wants a 4-day (two-turn) hold
    table = kharkov.side_table
    axis, soviet = table.index("axis"), table.index("soviet")
    zaporozhye = kharkov.map.city_by_id("zaporozhye")
    assert zaporozhye is not None
    state = game.state
    state.control[zaporozhye.hex] = soviet  # held since the start (control_changed 0): long enough
    # a Soviet unit stands in the town (an empty one would be bypassed ground, handed back to
    # the Germans at the end of their turn), and no German one
    raider = int(np.flatnonzero(state.active & (kharkov.units.side == soviet))[0])
    state.hex[raider] = zaporozhye.hex
    for u in np.flatnonzero(
        state.active & (state.hex == zaporozhye.hex) & (kharkov.units.side == axis)
    ):
        state.hex[u], state.status[u] = -1, UnitStatus.ELIMINATED
    threats = victory_view.threats_to(kharkov, game.state, axis)
    met = [s for s in threats if s.imminent]
    assert len(met) == 1 and met[0].met
    assert "wins when this turn ends unless it is retaken" in sudden_death_warning(kharkov, met[0])
    # and it does: the check at the end of the German turn sees it
    while not game.state.over:
        game.apply(EndPhase())
    assert game.state.turn == 4 and game.state.winner == table.team[soviet]
    assert victory_view.threats_to(kharkov, game.state, axis) == []


def test_the_next_check_after_a_team_moves(kharkov: Scenario) -> None:
    game = Game(kharkov, seed=5)
    table = kharkov.side_table
    axis_team = int(table.team[table.index("axis")])
    soviet_team = int(table.team[table.index("soviet")])
    assert victory_view.next_check_turn(kharkov, game.state, axis_team) == 1
    while engine.moving_side(kharkov, game.state) == table.index("axis"):
        game.apply(EndPhase())
    assert victory_view.next_check_turn(kharkov, game.state, soviet_team) == 1
    assert victory_view.next_check_turn(kharkov, game.state, axis_team) == 2


def test_the_briefing_says_how_to_win(kharkov: Scenario) -> None:
    game = Game(kharkov, seed=5)
    text = brief_html(kharkov, game.state)
    assert "At the start: 31" in text and "78 or more" in text
    assert "Soviet wins at once by holding Zaporozhye" in text
    assert "German wins at once by holding Kharkov and Belgorod" in text


def test_messages_name_places_and_count_properly(kharkov: Scenario) -> None:
    table = kharkov.side_table
    soviet = table.index("soviet")
    zaporozhye = kharkov.map.city_by_id("zaporozhye")
    assert zaporozhye is not None
    pocket = Event("pocket", 3, soviet, (5,), zaporozhye.hex, {"men": 4000, "city": zaporozhye.hex})
    assert event_text(kharkov, pocket) == "Pocket at Zaporozhye: 1 unit, 4,000 men"
    over = Event(
        "game_over",
        3,
        int(table.team[soviet]),
        data={"level": "decisive", "cause": "sudden_death", "cities": "zaporozhye"},
    )
    assert "sudden death: Soviet holds Zaporozhye" in event_text(kharkov, over)
    capture = Event("capture", 3, soviet, (), zaporozhye.hex, {"city": "zaporozhye"})
    assert event_text(kharkov, capture) == "Soviet forces take Zaporozhye"
    assert named(kharkov, "See zaporozhye and kharkov.") == "See Zaporozhye and Kharkov."
