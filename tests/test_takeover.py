"""Taking over a computer game: from the lab at a chosen turn of the batch game, and from a
watched game on the map. The game handed over is the batch game's, and a normal game after."""

from __future__ import annotations

import time
from pathlib import Path

import pygame
import pytest

from game.actions import Action, Move
from game.ai.players import play_one
from game.engine import IllegalActionError, legal_actions
from game.saves import load_game, save_game
from game.scenario.model import load_scenario
from game.sim.runner import play_game
from game.ui import catalogue
from game.ui.app import App
from game.ui.driver import button_center, click, frames, key
from game.ui.lab import LabScreen, Shown
from game.ui.mapscreen import MapScreen
from game.ui.match import AIDriver, Match, batch_match, play_to_turn, take_over
from game.ui.takeover import TakeOverDialog
from game.ui.whatnow_dialog import WhatNowDialog

MINI = Path(__file__).parent / "data" / "mini.toml"
WAIT_S = 120.0  # a guard against a hang, not a measure


def batch_turn_hash(scenario_path: Path, seed: int, turn: int) -> str:
    """The state hash of the batch runner's game with this seed at the start of `turn`."""
    record = play_game(load_scenario(scenario_path), seed)
    return next(h.hash for h in record.game.turn_hashes if h.turn == turn)


@pytest.mark.parametrize("turn", [1, 3, 5])
def test_a_game_taken_over_at_turn_n_starts_in_the_batch_games_state_at_n(turn: int) -> None:
    scenario = load_scenario(MINI)
    match = batch_match(scenario, 12)
    assert play_to_turn(match, turn)
    taken = take_over(match, "solo", scenario.sides[1])
    assert taken.game.state.turn == turn and not taken.game.state.over
    assert taken.game.state.state_hash() == batch_turn_hash(MINI, 12, turn)
    assert taken.humans == {scenario.sides[1]} and taken.mode == "solo"
    assert set(taken.players) == {scenario.sides[0]}


def test_the_computer_plays_on_as_the_batch_did_after_a_take_over() -> None:
    """Taken over at turn 4 of Third Kharkov, with the 'human' side played by the very player
    the batch had: the game ends in the batch game's state, so the computer's side kept its
    batch seeding, dice and memory through the hand-over."""
    scenario = catalogue.scenario("kharkov_1943")
    match = batch_match(scenario, 12)
    assert play_to_turn(match, 4)
    human = scenario.sides[0]
    stand_in = match.players[human]
    taken = take_over(match, "solo", human)
    assert stand_in not in taken.players.values()
    while not taken.game.state.over:
        side = taken.moving()
        play_one(taken.game, stand_in if side == human else taken.players[side])
    assert taken.game.state.state_hash() == play_game(scenario, 12).game.state.state_hash()


def test_take_over_refuses_a_side_the_scenario_has_not() -> None:
    match = batch_match(load_scenario(MINI), 3)
    with pytest.raises(ValueError, match="no side"):
        take_over(match, "solo", 99)
    with pytest.raises(ValueError, match="solo or hotseat"):
        take_over(match, "watch")


def test_play_to_turn_stops_when_asked() -> None:
    match = batch_match(load_scenario(MINI), 3)
    asked = iter([False, False, True])
    assert not play_to_turn(match, 4, lambda: next(asked))
    assert len(match.game.actions) == 2 and match.game.state.turn == 1


# --- in the window -------------------------------------------------------------------------------

WINDOW = (1280, 720)  # the `app` fixture's size


def lab_with_a_result(app: App, seed: int) -> LabScreen:
    """The lab showing a finished run of the mini scenario whose first variant game has `seed`."""
    app.open("lab")
    lab = app.stack.top
    assert isinstance(lab, LabScreen)
    lab.shown = Shown("mini", ["In 50 % (9-91 %) of 2 games ..."], [], "", (MINI, {}, seed))
    lab._refresh()
    frames(app, 2)
    return lab


def wait_for_map(app: App) -> MapScreen:
    deadline = time.monotonic() + WAIT_S
    while not isinstance(app.stack.top, MapScreen):
        assert time.monotonic() < deadline, "the take-over did not reach the map"
        app.tick(1 / 60)
        time.sleep(0.01)
    frames(app, 2)
    return app.stack.top


@pytest.mark.window
def test_the_lab_takes_over_its_game_at_turn_3_as_one_side_and_it_is_a_normal_game(
    app: App, tmp_path: Path
) -> None:
    lab = lab_with_a_result(app, 12)
    assert lab.take_button.is_enabled  # type: ignore[attr-defined]
    click(app, button_center(lab.take_button), settle=2)
    dialog = app.stack.top
    assert isinstance(dialog, TakeOverDialog) and dialog.turn == 1
    for _ in range(2):  # two clicks on the slider's right arrow: turn 3
        click(app, button_center(dialog.turn_slider.right_button), settle=40)
    assert dialog.turn == 3 and "turn 3" in dialog.turn_label.text
    soviet = next(b for b, side in dialog.side_buttons.items() if side == 1)
    click(app, button_center(soviet), settle=1)
    screen = wait_for_map(app)
    match = screen.table.match
    scenario = match.scenario
    assert match.mode == "solo" and match.humans == {1}
    assert screen.table.viewer == 1
    # the state the batch game had at the start of turn 3 (or the computer's side moved on to the
    # human's turn from there, as the batch game did)
    assert match.game.state.turn == 3
    assert match.game.turn_hashes[-1].turn == 3
    assert match.game.turn_hashes[-1].hash == batch_turn_hash(MINI, 12, 3)
    deadline = time.monotonic() + WAIT_S
    while not screen.table.my_turn():  # the computer finishes its side's turn
        assert time.monotonic() < deadline
        app.tick(1 / 60)
    # undo works: a move of ours, taken back
    game = match.game
    move = next(a for a in legal_actions(scenario, game.state) if isinstance(a, Move))
    before = game.state.state_hash()
    screen.table.apply(move)
    assert game.state.state_hash() != before
    key(app, pygame.K_u)
    assert game.state.state_hash() == before
    # What now? works from a taken-over game
    key(app, pygame.K_y)
    asking = app.stack.top
    assert isinstance(asking, WhatNowDialog)
    frames(app, 2)
    click(app, button_center(asking.run_button), settle=2)  # pressed: handled the next frame
    assert screen.what_now is not None and not screen.what_now.finished
    screen.what_now.cancel()
    key(app, pygame.K_ESCAPE)
    assert app.stack.top is screen
    # a save of it replays and verifies
    path = tmp_path / "taken.json"
    save_game(game, path)
    loaded = load_game(path, scenario_path=MINI)
    assert loaded.state.state_hash() == game.state.state_hash()
    assert loaded.actions == game.actions


@pytest.mark.window
def test_a_watched_game_is_taken_over_hot_seat_with_k(app: App) -> None:
    scenario = catalogue.scenario("kharkov_1943")
    app.open("map", match=batch_match(scenario, 5))
    screen = app.stack.top
    assert isinstance(screen, MapScreen) and screen.table.match.mode == "watch"
    frames(app, 2)  # the computer plays a few actions meanwhile
    assert screen.table.match.game.actions and not screen.table.match.game.state.over
    key(app, pygame.K_k)
    dialog = app.stack.top
    assert isinstance(dialog, TakeOverDialog) and not dialog.choose_turn
    played = len(screen.table.match.game.actions)
    frames(app, 5)  # the map waits under the dialog
    assert len(screen.table.match.game.actions) == played
    hotseat = next(b for b, side in dialog.side_buttons.items() if side is None)
    click(app, button_center(hotseat), settle=2)
    assert app.stack.top is not dialog
    match = screen.table.match
    assert isinstance(match, Match) and match.mode == "hotseat"
    assert match.humans == set(scenario.sides) and not match.players
    assert len(match.game.actions) >= played


@pytest.mark.window
def test_cancel_stops_the_computer_playing_on_to_the_chosen_turn(app: App) -> None:
    lab = lab_with_a_result(app, 4)
    click(app, button_center(lab.take_button), settle=2)
    dialog = app.stack.top
    assert isinstance(dialog, TakeOverDialog)
    for _ in range(5):
        click(app, button_center(dialog.turn_slider.right_button), settle=40)
    german = next(b for b, side in dialog.side_buttons.items() if side == 0)
    click(app, button_center(german), settle=0)
    key(app, pygame.K_ESCAPE)
    assert app.stack.top is lab


def test_a_taken_over_game_with_the_labs_knobs_saves_and_replays(tmp_path: Path) -> None:
    scenario = load_scenario(MINI).with_knobs({"thaw_shift_days": 2})
    match = batch_match(scenario, 8)
    assert play_to_turn(match, 2)
    taken = take_over(match, "hotseat")
    game = taken.game
    game.apply(next(a for a in legal_actions(scenario, game.state) if isinstance(a, Move)))
    path = tmp_path / "taken.json"
    save_game(game, path)
    loaded = load_game(path, scenario_path=MINI)
    assert loaded.knobs == {"thaw_shift_days": 2}
    assert loaded.state.state_hash() == game.state.state_hash()


def apply_as_the_batch_does(match: Match, action: Action) -> None:
    """`play_one`'s way: a move a hidden enemy blocks at its first hex changes nothing."""
    try:
        match.game.apply_order(action)
    except IllegalActionError:
        if not isinstance(action, Move):
            raise


def test_an_answer_the_computer_is_thinking_out_at_the_take_over_is_played_not_lost() -> None:
    """On the map the computer thinks on a thread: taken over mid-thought, its answer is played
    first (`AIDriver.settle`), so its dice and memory stay in step with the game and the
    computer's side plays on as in the batch game."""
    scenario = load_scenario(MINI)
    match = batch_match(scenario, 21)
    driver = AIDriver(threaded=True)
    try:
        for _ in range(5):  # a few answers taken as the map takes them
            while (action := driver.poll(match)) is None:
                time.sleep(0.001)
            apply_as_the_batch_does(match, action)
        assert driver.poll(match) is None  # asked: the computer is thinking
        answer = driver.settle()
        assert answer is not None and driver.settle() is None
        apply_as_the_batch_does(match, answer)
        human = scenario.sides[0]
        stand_in = match.players[human]
        taken = take_over(match, "solo", human)
        while not taken.game.state.over:
            side = taken.moving()
            play_one(taken.game, stand_in if side == human else taken.players[side])
        assert taken.game.state.state_hash() == play_game(scenario, 21).game.state.state_hash()
    finally:
        driver.shutdown()
