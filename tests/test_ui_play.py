"""A whole turn of Third Kharkov played through posted mouse and keyboard events.

Menu -> set-up -> map; select, move, undo, move again, end the phase, plan an attack and read
its odds, declare it, resolve it, let the computer play its turn, save, and load the save back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game import engine, hexgrid
from game.actions import Attack, Move
from game.state import Phase
from game.ui.app import App, Settings
from game.ui.dialogs import LoadDialog, SaveDialog
from game.ui.driver import button_center, click, frames, key
from game.ui.mapscreen import MapScreen
from game.ui.menu import MainMenu
from game.ui.setup import SetupScreen

pytestmark = pytest.mark.window
SIZE = (1600, 900)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    settings = Settings(ai_speed="instant", threaded_ai=False, save_dir=str(tmp_path / "saves"))
    application = App(SIZE, sounds=False, settings=settings)
    yield application
    application.close()


def open_map_from_menu(app: App, seed: int) -> MapScreen:
    menu = MainMenu(app)
    app.push(menu)
    frames(app, 2)
    solo = next(b for b, k in menu.buttons.items() if k == "solo")
    click(app, button_center(solo), settle=2)
    setup = app.stack.top
    assert isinstance(setup, SetupScreen)
    setup.seed_entry.set_text(str(seed))
    click(app, button_center(setup.start), settle=3)
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    return screen


def free_spot(screen: MapScreen, h: int) -> bool:
    """The hex's centre is on the map view and not under the minimap."""
    rect = screen.map_rect()
    x, y = screen.view.hex_screen(rect, h)
    mini = screen.view.minimap_rect(rect).inflate(20, 20)
    return rect.inflate(-40, -40).collidepoint(x, y) and not mini.collidepoint(x, y)


def test_a_whole_turn_is_played_with_mouse_and_keys(app: App) -> None:
    screen = open_map_from_menu(app, seed=1943)
    table = screen.table
    game = table.match.game
    rect = screen.map_rect()
    view = screen.view
    axis = game.scenario.side_table.index("axis")
    assert table.viewer == axis and table.my_turn()

    enemy_hexes = game.state.hex[game.state.active & (game.scenario.units.side != axis)]
    grid = game.scenario.map

    def enemy_distance(h: int) -> int:
        return int(
            hexgrid.distance_array(
                grid.q[h], grid.r[h], grid.q[enemy_hexes], grid.r[enemy_hexes]
            ).min()
        )

    def destinations() -> list[int]:
        assert table.reach is not None
        start = int(table.reach.start)
        return [
            h
            for h in table.reach.destinations().tolist()
            if h != start and free_spot(screen, h) and not table.units_at(h, table.observation())
        ]

    # select the next unit that can move (Tab centres the map on it) and move it away from the
    # enemy, so that the move reveals nothing and can be taken back
    view.camera.zoom = view.camera.target_zoom = 38.0
    key(app, pygame.K_TAB, settle=2)
    unit = table.selected
    assert unit >= 0 and table.reach is not None
    start = int(game.state.hex[unit])
    far = max(destinations(), key=enemy_distance)
    click(app, view.hex_screen(rect, far))
    assert isinstance(game.actions[-1], Move) and int(game.state.hex[unit]) == far
    assert game.can_undo()
    key(app, pygame.K_u)  # undo
    assert not game.actions and int(game.state.hex[unit]) == start
    click(app, view.hex_screen(rect, start))
    assert table.selected == unit
    click(app, view.hex_screen(rect, far))
    assert int(game.state.hex[unit]) == far

    # the next unit goes as close to the enemy as it can: something to attack
    key(app, pygame.K_TAB, settle=2)
    second = table.selected
    assert second not in (-1, unit)
    near = min(destinations(), key=lambda h: (enemy_distance(h), h))
    assert table.reach is not None
    planned = table.reach.path_to(near)[1:]
    click(app, view.hex_screen(rect, near))
    # the route is planned on what the Germans can see: a hidden enemy stops it at first contact
    arrived = int(game.state.hex[second])
    assert arrived == near or (arrived in planned and "Enemy contact" in table.feedback.message)

    key(app, pygame.K_e)  # to the combat phase
    assert game.state.phase == Phase.COMBAT
    choices = engine.attack_targets(game.scenario, game.state)
    assert choices, "nothing to attack after the move"
    target = min(choices)
    view.center_on_hex(rect, target)
    frames(app)
    click(app, view.hex_screen(rect, target), settle=2)
    assert table.target == target and table.attackers
    preview = table.preview()
    assert preview is not None
    assert sum(preview.outcomes.values()) == pytest.approx(1.0)
    assert sum(preview.defender_losses) == pytest.approx(1.0)
    key(app, pygame.K_RETURN)
    assert isinstance(game.actions[-1], Attack) and game.state.declared

    key(app, pygame.K_e)  # resolve: results on the map and in the log
    assert game.state.phase == Phase.EXPLOITATION
    assert any(e.kind == "combat" for e in game.log)
    assert table.markers

    key(app, pygame.K_e)  # the computer plays the Soviet turn
    for _ in range(3000):
        if table.my_turn() or game.state.over:
            break
        frames(app)
    assert game.state.turn == 2 and table.my_turn()

    saved_hash = game.state.state_hash()
    saved_actions = len(game.actions)
    key(app, pygame.K_s, mod=pygame.KMOD_CTRL, settle=2)
    dialog = app.stack.top
    assert isinstance(dialog, SaveDialog)
    click(app, button_center(dialog.ok), settle=2)
    assert app.stack.top is screen
    saves = list((Path(app.settings.save_dir)).glob("*.json"))
    assert any(not p.name.endswith(".players.json") for p in saves)

    key(app, pygame.K_e)  # change the game, then load the save back
    assert game.state.phase == Phase.COMBAT
    key(app, pygame.K_l, mod=pygame.KMOD_CTRL, settle=2)
    loader = app.stack.top
    assert isinstance(loader, LoadDialog)
    click(app, button_center(loader.ok), settle=3)
    assert app.stack.top is screen
    loaded = screen.table.match.game
    assert loaded is not game
    assert len(loaded.actions) == saved_actions
    assert loaded.state.state_hash() == saved_hash
    assert screen.table.match.humans == frozenset({axis})


def test_clicks_on_the_map_never_act_for_the_computer_side(app: App) -> None:
    screen = open_map_from_menu(app, seed=7)
    table = screen.table
    game = table.match.game
    key(app, pygame.K_e)
    key(app, pygame.K_e)
    # hold the computer still from the moment its turn begins: a fast computer player would
    # otherwise finish its whole turn within the frames below and hand the move back
    table.paused = True
    key(app, pygame.K_e, settle=1)  # the Soviet turn begins; the computer has the move
    assert not table.match.human_to_move()
    before = len(game.actions)
    soviet = [
        u
        for u in range(game.scenario.units.count)
        if game.state.active[u]
        and game.scenario.units.side[u] == game.scenario.side_table.index("soviet")
    ]
    rect = screen.map_rect()
    screen.view.center_on_hex(rect, int(game.state.hex[soviet[0]]))
    frames(app)
    click(app, screen.view.hex_screen(rect, int(game.state.hex[soviet[0]])))
    key(app, pygame.K_e)
    key(app, pygame.K_u)
    assert len(game.actions) == before
