"""The what-if lab screen: drawn to PNG, opened from the menu, a run of the mini scenario played in
its worker process to the headline sentences, a run cancelled, past experiments read back."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.ai.players import play_one
from game.sim.runner import play_game
from game.sim.store import open_store
from game.sim.summary import read_runs_csv
from game.ui import catalogue
from game.ui.app import App
from game.ui.catalogue import Entry
from game.ui.driver import button_center, click, frames, key
from game.ui.lab import LabScreen, experiment_line
from game.ui.mapscreen import MapScreen
from game.ui.match import batch_match
from game.ui.menu import MainMenu
from game.ui.setup import start_match
from game.ui.whatnow import CONTINUATIONS
from game.ui.whatnow_dialog import WhatNowDialog
from tests.windows import menu_app

pytestmark = pytest.mark.window
MINI = Path(__file__).parent / "data" / "mini.toml"
RUN_TIMEOUT_S = 120.0  # a guard against a hang, not a measure: two games take a few seconds


def mini_entry() -> Entry:
    return Entry(
        id="mini",
        path=MINI,
        title="Mini test world",
        start=dt.date(1943, 2, 19),
        end=dt.date(1943, 3, 10),
        turns=6,
        days_per_turn=4,
        sides=("axis", "soviet"),
        side_names=("German", "Soviet"),
        briefing="The small test world.",
    )


@pytest.fixture
def lab_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    """A 1280x720 window on the main menu, with the mini scenario first in the catalogue."""
    real = catalogue.entries()
    monkeypatch.setattr(catalogue, "entries", lambda: [mini_entry(), *real])
    application = menu_app(tmp_path, (1280, 720))
    yield application
    application.close()


def open_lab(app: App) -> LabScreen:
    menu = app.stack.top
    assert isinstance(menu, MainMenu)
    button = next(b for b, key in menu.buttons.items() if key == "lab")
    click(app, button_center(button), settle=2)
    lab = app.stack.top
    assert isinstance(lab, LabScreen)
    return lab


def move_first_knob(app: App, lab: LabScreen) -> str:
    """Click the right arrow of the first slider: the knob moves one step up."""
    name, slider = next((n, w) for n, w in lab.knob_widgets.items() if hasattr(w, "right_button"))
    click(app, button_center(slider.right_button), settle=4)
    return name


def set_games(app: App, lab: LabScreen, n: int) -> None:
    click(app, button_center(lab.games_entry))
    for _ in range(4):
        pygame.event.post(
            pygame.event.Event(
                pygame.KEYDOWN, key=pygame.K_BACKSPACE, mod=0, unicode="", scancode=0
            )
        )
        pygame.event.post(
            pygame.event.Event(pygame.KEYUP, key=pygame.K_BACKSPACE, mod=0, unicode="", scancode=0)
        )
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=str(n)))
    frames(app, 2)


def wait_for(app: App, lab: LabScreen) -> None:
    """Draw frames until the worker has answered (the window keeps going meanwhile)."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while lab.running:
        assert time.monotonic() < deadline, "the lab run did not finish"
        app.tick(1 / 60)
        time.sleep(0.02)


def shot(app: App, path: Path) -> np.ndarray:
    frames(app, 3)
    pygame.image.save(app.window, str(path))
    return pygame.surfarray.array3d(app.window)


def keep(path: Path) -> None:
    """Copy a screenshot to $EASTFRONT_SHOTS, when set, to look at it."""
    folder = os.environ.get("EASTFRONT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / path.name).write_bytes(path.read_bytes())


def test_the_lab_runs_two_games_from_the_menu_and_says_what_the_knob_did(
    lab_app: App, tmp_path: Path
) -> None:
    app = lab_app
    lab = open_lab(app)
    assert lab.entries[lab.selected].id == "mini"
    assert not lab.run_button.is_enabled  # type: ignore[attr-defined]  # no question asked yet
    name = move_first_knob(app, lab)
    assert lab.changed_knobs() == {name: lab.scenario.default_knobs()[name] + 1}  # type: ignore[union-attr,operator]
    set_games(app, lab, 2)
    assert lab.games == 2
    click(app, button_center(lab.run_button), settle=2)
    assert lab.running
    wait_for(app, lab)
    assert lab.run is not None and lab.run.error == ""
    assert lab.run.done == 4
    assert lab.shown is not None
    assert lab.shown.sentences and all(s.strip() for s in lab.shown.sentences)
    assert any("%" in s for s in lab.shown.sentences)  # shares with their intervals
    assert lab.shown.plots and all(p.is_file() for p in lab.shown.plots)
    assert "Done" in lab.status.text
    # the first game of the change, watched on the map, is the very game the lab counted
    assert lab.run.out and (lab.run.out / "variant" / "runs.csv").is_file()
    counted = (lab.run.out / "variant" / "runs.csv").read_text().splitlines()
    header, first = counted[0].split(","), counted[1].split(",")
    click(app, button_center(lab.watch_button), settle=2)
    watched = app.stack.top
    assert isinstance(watched, MapScreen) and watched.table.match.mode == "watch"
    match = watched.table.match
    while not match.game.state.over:
        play_one(match.game, match.players[match.game.scenario.sides[match.game.state.side_index]])
    assert match.game.knobs == {name: 1}
    result = dict(zip(header, first, strict=True))
    assert int(result["turns"]) == match.game.state.turn
    assert result["winner"] == match.game.scenario.team_id(match.game.state.winner)
    scenario, state = match.game.scenario, match.game.state
    for side in scenario.sides:  # the same losses, man for man
        lost = int(state.men_lost[scenario.units.side == side].sum())
        assert int(result[f"men_lost_{scenario.side_id(side)}"]) == lost
    app.stack.pop()
    assert app.stack.top is lab
    # the run is in the store, newest first, and reads back to the same sentences
    assert lab.past and lab.past[0].scenario_id == "mini" and lab.past[0].knobs == {name: 1}
    sentences = list(lab.shown.sentences)
    lab.shown = None
    row = lab.past_list.item_list[0]["button_element"]
    click(app, button_center(row), settle=3)
    assert lab.shown is not None and lab.shown.sentences == sentences
    assert lab.shown.title.startswith(f"#{lab.past[0].id}:")
    # its first game can be watched or taken over from the store alone
    assert lab.shown.replay is not None and lab.shown.replay[1:] == ({name: 1}, lab.run.seed)
    assert lab.take_button.is_enabled  # type: ignore[attr-defined]
    path = tmp_path / "lab_result_1280x720.png"
    pixels = shot(app, path)
    keep(path)
    assert len(np.unique(pixels.reshape(-1, 3)[::37], axis=0)) > 20


def test_cancel_stops_the_worker_and_keeps_the_finished_games_in_the_store(lab_app: App) -> None:
    app = lab_app
    lab = open_lab(app)
    name = move_first_knob(app, lab)
    set_games(app, lab, 40)
    click(app, button_center(lab.run_button), settle=2)
    assert lab.running
    run = lab.run
    assert run is not None
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while run.done < 3:  # the window keeps drawing while the games are played
        assert time.monotonic() < deadline and lab.running, "no games finished"
        app.tick(1 / 60)
        time.sleep(0.02)
    click(app, button_center(lab.cancel_button), settle=2)
    assert not lab.running
    assert not run.process.is_alive()
    assert "Cancelled" in lab.status.text and "kept in the store" in lab.status.text
    assert lab.run_button.is_enabled  # type: ignore[attr-defined]
    # recorded as an interrupted CLI run is: incomplete, with every game it finished
    stopped = lab.past[0]
    assert stopped.status == "incomplete" and stopped.knobs == {name: 1} and stopped.runs == 40
    assert "(stopped)" in experiment_line(stopped)
    with open_store() as store:
        kept = store.get(stopped.id)
    on_disk = sum(
        len(read_runs_csv(run.out / arm / "runs.csv"))
        for arm in ("baseline", "variant")
        if (run.out / arm / "runs.csv").is_file()
    )
    assert kept.games == on_disk == run.done >= 3
    assert {a.name for a in kept.arms} <= {"baseline", "variant"}
    assert all(int(r["seed"]) == run.seed + int(r["run"]) for a in kept.arms for r in a.rows)
    # chosen from the list, it says it was stopped
    row = lab.past_list.item_list[0]["button_element"]
    click(app, button_center(row), settle=3)
    assert lab.shown is not None and "stopped" in lab.shown.note


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_lab_draws_at_both_sizes(tmp_path: Path, size: tuple[int, int]) -> None:
    app = menu_app(tmp_path, size)
    try:
        app.open("lab", entry=catalogue.entries()[0])
        lab = app.stack.top
        assert isinstance(lab, LabScreen)
        path = tmp_path / f"lab_{size[0]}x{size[1]}.png"
        pixels = shot(app, path)
        keep(path)
        assert len(np.unique(pixels.reshape(-1, 3)[::37], axis=0)) > 20
        # every widget of the screen lies inside the window
        for element in lab.ui.get_root_container().elements:
            rect = element.rect
            assert rect.right <= size[0] and rect.bottom <= size[1], element
    finally:
        app.close()


def test_what_now_plays_on_from_the_position_in_the_background_and_tells_the_shares(
    lab_app: App,
) -> None:
    app = lab_app
    start_match(app, str(MINI), "solo", seed=7)
    frames(app, 2)
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    before = screen.match.game.state.clone()
    key(app, pygame.K_y)
    dialog = app.stack.top
    assert isinstance(dialog, WhatNowDialog) and screen.what_now is None
    assert dialog.runs == CONTINUATIONS and not dialog.true_position
    for _ in range(2):  # the player chooses the number of games: two fewer
        click(app, button_center(dialog.runs_slider.left_button), settle=40)
    assert dialog.runs == CONTINUATIONS - 2 and dialog.runs_label.text == str(dialog.runs)
    click(app, button_center(dialog.run_button), settle=2)
    asked = screen.what_now
    assert asked is not None and asked.runs == CONTINUATIONS - 2 and not asked.true_position
    click(app, button_center(dialog.close_button), settle=2)  # back to the game meanwhile
    assert app.stack.top is screen
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while not asked.finished:
        assert time.monotonic() < deadline, "the continuations did not finish"
        app.tick(1 / 60)  # the window keeps drawing meanwhile
        time.sleep(0.02)
    frames(app, 2)
    assert asked.error == "" and asked.sentences
    assert asked.done == asked.runs
    answer = app.stack.top  # the map opens the answer when the games are played
    assert isinstance(answer, WhatNowDialog) and answer.job is asked
    assert "as the Axis player knows it" in asked.where  # not through the fog
    shares = [o for o in asked.outcomes if o["kind"] == "share"]
    assert shares and all("%" in o["words"] and "-" in o["words"] for o in shares)
    for o in shares:
        value = o["value"]
        assert 0.0 <= value["low"] <= value["value"] <= value["high"] <= 1.0
    path = Path(os.environ.get("EASTFRONT_SHOTS") or ".") / "what_now_1280x720.png"
    if os.environ.get("EASTFRONT_SHOTS"):
        shot(app, path)
    state = screen.match.game.state  # asking changed nothing in the game
    assert state.turn == before.turn and (state.hex == before.hex).all()


def test_what_now_through_the_fog_is_asked_for_and_labelled_so(lab_app: App) -> None:
    app = lab_app
    start_match(app, str(MINI), "solo", seed=7)
    frames(app, 2)
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    key(app, pygame.K_y)
    dialog = app.stack.top
    assert isinstance(dialog, WhatNowDialog)
    assert "true position" in dialog.fog_label.text and "cannot know" in dialog.fog_label.text
    click(app, button_center(dialog.fog_box), settle=2)
    assert dialog.true_position
    click(app, button_center(dialog.run_button), settle=2)
    asked = screen.what_now
    assert asked is not None and asked.true_position
    assert "TRUE position" in asked.where and "fog" in asked.where
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while not asked.finished:  # the dialog stays open and follows the games
        assert time.monotonic() < deadline, "the continuations did not finish"
        app.tick(1 / 60)
        time.sleep(0.02)
    assert app.stack.top is dialog and asked.shown and asked.error == ""
    frames(app, 2)
    key(app, pygame.K_ESCAPE)
    assert app.stack.top is screen
    frames(app, 3)
    assert app.stack.top is screen  # an answer seen is not opened again


def test_a_watched_batch_game_is_the_game_the_batch_played() -> None:
    """`batch_match` gives the computer players the batch runner's seeds: played out, it ends in
    the state the batch game ended in (Third Kharkov, whose AIs draw on their seeds)."""
    scenario = catalogue.scenario("kharkov_1943")
    match = batch_match(scenario, 12)
    while not match.game.state.over:
        play_one(match.game, match.players[scenario.sides[match.game.state.side_index]])
    assert match.game.state.state_hash() == play_game(scenario, 12).game.state.state_hash()


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_what_now_dialog_fits_both_sizes(tmp_path: Path, size: tuple[int, int]) -> None:
    app = menu_app(tmp_path, size)
    try:
        start_match(app, str(MINI), "solo", seed=7)
        frames(app, 2)
        key(app, pygame.K_y)
        dialog = app.stack.top
        assert isinstance(dialog, WhatNowDialog)
        path = tmp_path / f"what_now_ask_{size[0]}x{size[1]}.png"
        pixels = shot(app, path)
        keep(path)
        assert len(np.unique(pixels.reshape(-1, 3)[::37], axis=0)) > 10
        box = dialog.box()
        assert box.w >= size[0] * 0.6 and box.h >= size[1] * 0.6  # big enough to read
        for element in dialog.ui.get_root_container().elements:
            assert box.contains(element.rect), element
    finally:
        app.close()


def test_a_past_run_whose_folder_was_cleaned_says_how_to_draw_its_plots_again(
    lab_app: App, tmp_path: Path
) -> None:
    from game.scenario.model import load_scenario
    from game.sim.experiments import Clock, record

    gone = tmp_path / "cleaned away"
    (gone / "variant").mkdir(parents=True)
    (gone / "variant" / "runs.csv").write_text("run,seed,winner\n0,5,axis\n")
    scenario = load_scenario(MINI)
    ident, _ = record(
        None, "explore", scenario, {"thaw_shift_days": 2}, 5, 1, "lab", gone, Clock(), True,
        [("variant", {"thaw_shift_days": 2}, "variant/runs.csv")],
    )  # fmt: skip
    (gone / "variant" / "runs.csv").unlink()
    (gone / "variant").rmdir()
    gone.rmdir()
    lab = open_lab(lab_app)
    lab.show_experiment(ident)
    assert lab.shown is not None and lab.shown.plots == []
    assert f"eastfront experiments report {ident}" in lab.shown.note
    assert lab.shown.replay == (MINI.resolve(), {"thaw_shift_days": 2}, 5)
