"""The comforts of the map screen, driven by posted mouse and keyboard events on Third Kharkov:
selection, stack cycling, dragging onto a stack, undo that says why not, tooltips, the
sudden-death warning, the overview panels, the pace menu, F11, Quit, and the listed bugs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game import engine
from game.actions import EndPhase, Move
from game.events import Event
from game.session import Game
from game.state import Phase, UnitStatus
from game.ui import briefings, panels
from game.ui.app import App
from game.ui.driver import button_center, click, drag, frames, key
from game.ui.logview import side_and_text
from game.ui.mapscreen import TOP_H, MapScreen
from game.ui.match import AI_SPEEDS
from game.ui.menu import MainMenu
from game.ui.overviews import ConfirmDialog, EnemyTurnDialog, ForcesDialog, VictoryDialog
from game.ui.setup import start_match
from tests.windows import menu_app

pytestmark = pytest.mark.window
SEED = 5


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    application = menu_app(tmp_path)
    yield application
    application.close()


def open_map(app: App, mode: str = "solo") -> MapScreen:
    start_match(app, "kharkov_1943", mode, seed=SEED)
    frames(app, 2)
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    screen.view.camera.zoom = screen.view.camera.target_zoom = 40.0
    return screen


def look_at(app: App, screen: MapScreen, h: int) -> tuple[int, int]:
    """Centre the map on a hex and return its place on the screen."""
    rect = screen.map_rect()
    screen.view.center_on_hex(rect, h)
    frames(app)
    x, y = screen.view.hex_screen(rect, h)
    return int(x), int(y)


def unit_with_a_friend_in_reach(screen: MapScreen) -> tuple[int, int]:
    """A German unit that could move onto another German unit's hex: (mover, the other)."""
    t = screen.table
    game = t.match.game
    scenario, state = game.scenario, game.state
    for u in engine.movable_units(scenario, state).tolist():
        reach = engine.unit_moves(scenario, state, u)
        for v in engine.movable_units(scenario, state).tolist():
            h = int(state.hex[v])
            if v != u and h != reach.start and reach.can_end(h):
                return u, v
    raise AssertionError("no German unit can reach another's hex")


def test_a_click_on_a_friendly_unit_selects_it_and_a_drag_moves_onto_it(app: App) -> None:
    screen = open_map(app)
    t = screen.table
    game = t.match.game
    mover, friend = unit_with_a_friend_in_reach(screen)
    start, there = int(game.state.hex[mover]), int(game.state.hex[friend])
    click(app, look_at(app, screen, start))
    assert t.selected == mover and t.reach is not None and t.reach.can_end(there)
    click(app, look_at(app, screen, there))
    # the friend is selected; nothing moved
    assert t.selected == friend and not game.actions
    assert int(game.state.hex[mover]) == start
    # select the mover again and drag it onto the friend: a move, onto the stack
    click(app, look_at(app, screen, start))
    assert t.selected == mover
    rect = screen.map_rect()
    screen.view.center_on_hex(rect, start)
    frames(app)
    a = screen.view.hex_screen(rect, start)
    b = screen.view.hex_screen(rect, there)
    drag(app, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])))
    assert isinstance(game.actions[-1], Move) and int(game.state.hex[mover]) == there
    # clicking the stack cycles through its units
    xy = look_at(app, screen, there)
    seen = set()
    for _ in range(3):
        click(app, xy)
        seen.add(t.selected)
    assert {mover, friend} <= seen


def test_undo_says_why_it_is_unavailable(app: App) -> None:
    screen = open_map(app)
    t = screen.table
    game = t.match.game
    undo = next(b for b, k in screen.buttons.items() if k == "undo")
    key(app, pygame.K_u)
    assert t.feedback.message == "Nothing to undo yet in this phase"
    assert "Nothing to undo" in str(undo.tool_tip_text)
    # find a German move that reveals a Soviet unit (on a copy of the game), then make it here
    trial = Game(game.scenario, SEED)
    belief = t.belief(game.scenario.side_table.index("axis")).state
    found = None
    for u in engine.movable_units(trial.scenario, trial.state).tolist():
        reach = engine.unit_moves(trial.scenario, belief, u)  # as the table plans it
        for h in reach.destinations().tolist():
            if h == reach.start or (trial.state.active & (trial.state.hex == h)).any():
                continue
            trial.apply_order(Move(u, tuple(reach.path_to(h)[1:])))
            if not trial.can_undo() and int(trial.state.hex[u]) == h:
                found = (u, h)
                break
            if trial.can_undo():
                trial.undo()
            else:
                trial = Game(game.scenario, SEED)
        if found:
            break
    assert found is not None
    u, h = found
    click(app, look_at(app, screen, int(game.state.hex[u])))
    assert t.selected == u
    click(app, look_at(app, screen, h))
    assert int(game.state.hex[u]) == h and not game.can_undo()
    key(app, pygame.K_u)
    name = game.scenario.units.names[u]
    assert f"the move of {name} revealed an enemy unit" in t.feedback.message
    frames(app)
    assert "revealed an enemy unit" in str(undo.tool_tip_text)


def test_every_button_has_a_tooltip_and_the_map_has_one_on_hover(app: App) -> None:
    screen = open_map(app)
    t = screen.table
    game = t.match.game
    for button in [*screen.buttons, *screen.overlay_buttons, screen.declare_button]:
        assert button.tool_tip_text, f"{button.text} has no tooltip"
    assert screen.speed_menu.tool_tip_text
    u = int(engine.movable_units(game.scenario, game.state)[0])
    xy = look_at(app, screen, int(game.state.hex[u]))
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=xy, rel=(1, 0), buttons=(0, 0, 0)))
    frames(app, 2)
    assert screen.tooltip_rows == []  # not at once
    frames(app, 40, dt=1 / 30)
    text = " / ".join(r for r, _ in screen.tooltip_rows)
    assert game.scenario.units.names[u] in text and "steps" in text
    # a city: owner and points, and its sudden-death role
    city = game.scenario.map.city_by_id("zaporozhye")
    assert city is not None
    xy = look_at(app, screen, city.hex)
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=xy, rel=(1, 0), buttons=(0, 0, 0)))
    frames(app, 40, dt=1 / 30)
    text = " / ".join(r for r, _ in screen.tooltip_rows)
    assert "Zaporozhye: held by German, 10 victory points" in text
    assert "sudden death if Soviet holds it" in text


def test_a_sudden_death_warning_shows_on_the_map_and_in_the_log_a_turn_before(app: App) -> None:
    screen = open_map(app)
    t = screen.table
    game = t.match.game
    frames(app)
    assert screen.warnings() == []  # turn 1: the Dnieper conditions open on 21 Feb
    while game.state.turn < 2 or game.state.phase != Phase.MOVEMENT:
        game.apply(EndPhase())
    t.version += 1
    frames(app, 2)
    warnings = screen.warnings()
    assert any("Soviet units can reach Zaporozhye" in w for w in warnings)
    assert any("Zaporozhye" in w for w in screen.warned.values())  # in the log once
    logged = len(screen.warned)
    frames(app, 3)
    assert len(screen.warned) == logged


def test_victory_forces_and_enemy_turn_panels_open_from_keys_and_buttons(app: App) -> None:
    screen = open_map(app)
    t = screen.table
    game = t.match.game
    key(app, pygame.K_o, settle=2)
    dialog = app.stack.top
    assert isinstance(dialog, VictoryDialog)
    left, right = dialog.texts()
    assert "Sudden death" in left and "Kharkov" in right
    key(app, pygame.K_ESCAPE)
    button = next(b for b, k in screen.buttons.items() if k == "forces")
    click(app, button_center(button), settle=2)
    forces = app.stack.top
    assert isinstance(forces, ForcesDialog)
    row = forces.rows[3]
    item = next(i for i in forces.list.item_list if i["text"] == row.text)
    click(app, button_center(item["button_element"]), settle=3)
    assert app.stack.top is screen and t.selected == row.unit
    # play the German turn out; the computer plays the Soviet one
    for _ in range(3):
        key(app, pygame.K_e)
    for _ in range(3000):
        if t.my_turn():
            break
        frames(app)
    assert game.state.turn == 2 and t.my_turn()
    key(app, pygame.K_t, settle=2)
    enemy = app.stack.top
    assert isinstance(enemy, EnemyTurnDialog)
    assert enemy.events and all(e.side != t.viewer for e in enemy.events if e.kind == "move")
    if enemy.replay_button.is_enabled:
        click(app, button_center(enemy.replay_button), settle=2)
        assert app.stack.top is screen and screen.replay
        key(app, pygame.K_RETURN)
        assert screen.replay_at == min(1, len(screen.replay) - 1)
        key(app, pygame.K_ESCAPE)
        assert not screen.replay
    else:
        key(app, pygame.K_ESCAPE)


def test_pace_menu_opens_tall_and_follows_the_keys(app: App) -> None:
    screen = open_map(app)
    names = list(AI_SPEEDS)
    start = screen.table.speed
    key(app, pygame.K_LEFTBRACKET)
    slower = names[max(0, names.index(start) - 1)]
    assert screen.table.speed == slower and screen.speed_menu.selected_option[0] == slower
    click(app, button_center(screen.speed_menu), settle=2)
    state = screen.speed_menu.current_state
    options = getattr(state, "options_selection_list", None)
    # every pace shows (it was a 4-pixel strip)
    assert options is not None and options.rect.height >= 18 * len(names)


def test_f11_toggles_full_screen(app: App) -> None:
    screen = open_map(app)
    key(app, pygame.K_F11, settle=2)
    assert app.fullscreen and app.window.get_flags() & pygame.FULLSCREEN
    assert screen.built_for == app.size
    key(app, pygame.K_F11, settle=2)
    assert not app.fullscreen and app.size == (1600, 900)


def test_quit_asks_first(app: App) -> None:
    screen = open_map(app)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    frames(app, 2)
    assert app.running and isinstance(app.stack.top, ConfirmDialog)
    key(app, pygame.K_ESCAPE)
    assert app.running and app.stack.top is screen
    key(app, pygame.K_ESCAPE, settle=2)  # the game menu
    menu = app.stack.top
    quit_button = next(b for b, k in menu.buttons.items() if k == "quit")  # type: ignore[attr-defined]
    click(app, button_center(quit_button), settle=2)
    confirm = app.stack.top
    assert app.running and isinstance(confirm, ConfirmDialog)
    click(app, button_center(confirm.yes), settle=2)
    assert not app.running


def test_a_lost_unit_says_when_it_was_lost_not_that_it_is_unseen(app: App) -> None:
    screen = open_map(app)
    t = screen.table
    game = t.match.game
    scenario, state = game.scenario, game.state
    soviet = scenario.side_table.index("soviet")
    german = int(engine.movable_units(scenario, state)[0])
    enemy = int(np.flatnonzero(state.active & (scenario.units.side == soviet))[0])
    state.status[enemy] = UnitStatus.ELIMINATED
    state.hex[enemy] = -1
    game.log.append(
        Event("combat", 1, 0, (german, enemy), 0, {"attackers": 1, "outcome": "eliminated"})
    )
    fates = briefings.unit_fates(game, t.viewer)
    assert fates[enemy] == (1, "destroyed")
    text = panels.unit_html(scenario, state, t.observation(), enemy, fates[enemy])
    assert "Destroyed</b> on turn 1 (19 February)" in text and "Not seen" not in text
    t.select_unit(enemy)
    frames(app, 2)
    assert "Destroyed" in screen.unit_box.html_text


def test_the_fog_lifts_when_the_game_ends(app: App) -> None:
    screen = open_map(app)
    t = screen.table
    game = t.match.game
    scenario, state = game.scenario, game.state
    hidden = state.active & ~t.observation().visible  # type: ignore[union-attr]
    assert hidden.any() and t.scene().veil is not None
    zaporozhye = scenario.map.city_by_id("zaporozhye")
    assert zaporozhye is not None
    while game.state.turn < 2 or game.state.phase != Phase.MOVEMENT:
        game.apply(EndPhase())
    game.state.control[zaporozhye.hex] = scenario.side_table.index("soviet")
    while not game.state.over:
        game.apply(EndPhase())
    t.version += 1
    frames(app, 2)
    scene = t.scene()
    shown = {u for stack in scene.stacks for u in stack.units}
    assert scene.veil is None
    assert set(np.flatnonzero(game.state.active).tolist()) <= shown


def test_at_1280x720_the_bar_is_one_row_and_the_minimap_starts_hidden(tmp_path: Path) -> None:
    app = menu_app(tmp_path, (1280, 720))
    try:
        screen = open_map(app)
        assert screen.top_height() == TOP_H
        labels = [screen.clock_label, screen.phase_label]
        widgets = [*screen.buttons, screen.speed_menu]
        bar = [w for w in widgets if w.rect.top < TOP_H]
        assert len(bar) >= 5
        for w in bar:
            assert w.rect.bottom <= TOP_H and w.rect.right <= 1280
            assert not any(w.rect.colliderect(label.rect) for label in labels)
        assert not screen.table.overlays.minimap
        assert screen.log.rect.bottom <= 720 and screen.log.rect.height >= 60
        key(app, pygame.K_m)
        mini = screen.view.minimap_rect(screen.map_rect(), screen.minimap_width())
        assert mini.width * mini.height < 0.06 * screen.map_rect().width * screen.map_rect().height
    finally:
        app.close()


def test_a_log_line_names_its_side_once() -> None:
    assert side_and_text("German", "German forces take Kharkov") == (
        "",
        "German forces take Kharkov",
    )
    assert side_and_text("German", "Das Reich moves to Kharkov") == (
        "German ",
        "Das Reich moves to Kharkov",
    )


def test_the_arrow_keys_move_the_highlight_in_the_scenario_list(app: App) -> None:
    menu = app.stack.top
    assert isinstance(menu, MainMenu) and len(menu.entries) >= 2
    key(app, pygame.K_DOWN)
    chosen = menu.list.get_single_selection(include_object_id=True)
    second = menu.entries[1]
    assert menu.selected == 1 and chosen is not None and second.id in chosen
    days = second.days_per_turn
    assert f"turns of {days} day{'s' if days != 1 else ''};" in menu.dates.text
