"""Thousands of random clicks, drags, wheel turns and keys over every screen raise nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.ui import catalogue
from game.ui.app import App, Settings
from game.ui.dialogs import GameMenu, HelpOverlay, LoadDialog, SaveDialog, save_match
from game.ui.mapscreen import MapScreen
from game.ui.menu import MainMenu
from game.ui.overviews import ConfirmDialog, EnemyTurnDialog, ForcesDialog, VictoryDialog
from game.ui.report import ReportScreen
from game.ui.setup import SetupScreen, start_match

pytestmark = pytest.mark.window
SIZE = (1280, 800)
EVENTS_PER_SCREEN = 450
KEYS = [
    pygame.K_e, pygame.K_u, pygame.K_TAB, pygame.K_n, pygame.K_RETURN, pygame.K_DELETE,
    pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4, pygame.K_m, pygame.K_SPACE, pygame.K_p,
    pygame.K_LEFTBRACKET, pygame.K_RIGHTBRACKET, pygame.K_v, pygame.K_h, pygame.K_F1,
    pygame.K_ESCAPE, pygame.K_c, pygame.K_HOME, pygame.K_PLUS, pygame.K_MINUS, pygame.K_a,
    pygame.K_w, pygame.K_s, pygame.K_d, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP,
    pygame.K_DOWN, pygame.K_r, pygame.K_l, pygame.K_z, pygame.K_BACKSPACE, pygame.K_0,
    pygame.K_7, pygame.K_x, pygame.K_PAGEUP, pygame.K_PAGEDOWN, pygame.K_o, pygame.K_f,
    pygame.K_t,
]  # fmt: skip


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    settings = Settings(ai_speed="instant", threaded_ai=False, save_dir=str(tmp_path / "saves"))
    application = App(SIZE, sounds=False, settings=settings)
    application.push(MainMenu(application))
    application.tick(1 / 60)
    yield application
    application.close()


def storm(app: App, rng: np.random.Generator, count: int) -> None:
    """Post `count` random input events, a frame every few of them."""
    w, h = SIZE
    held: set[int] = set()
    for i in range(count):
        kind = rng.integers(0, 10)
        pos = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        if kind <= 3:
            button = int(rng.choice([1, 1, 1, 2, 3]))
            pygame.event.post(
                pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
            )
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
        elif kind == 4:
            end = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
            pygame.event.post(
                pygame.event.Event(
                    pygame.MOUSEMOTION,
                    pos=end,
                    rel=(end[0] - pos[0], end[1] - pos[1]),
                    buttons=(1, 0, 0),
                )
            )
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=end, button=1))
        elif kind == 5:
            y = int(rng.choice([-1, 1]))
            pygame.event.post(
                pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
            )
            pygame.event.post(
                pygame.event.Event(
                    pygame.MOUSEWHEEL, x=0, y=y, flipped=False, precise_x=0.0, precise_y=float(y)
                )
            )
        elif kind == 6:
            pygame.event.post(
                pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(3, -2), buttons=(0, 0, 0))
            )
        else:
            k = int(rng.choice(KEYS))
            mod = (
                pygame.KMOD_CTRL
                if rng.random() < 0.08
                else (pygame.KMOD_SHIFT if rng.random() < 0.1 else 0)
            )
            if mod == pygame.KMOD_CTRL and k == pygame.K_q:
                k = pygame.K_s
            char = chr(k) if 32 <= k < 127 else ""
            pygame.event.post(
                pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=char, scancode=0)
            )
            if rng.random() < 0.8:
                pygame.event.post(
                    pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode=char, scancode=0)
                )
            else:
                held.add(k)
        if i % 4 == 3:
            app.tick(float(rng.choice([1 / 60, 1 / 30, 0.1])))
    for k in held:
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=0, unicode="", scancode=0))
    app.tick(1 / 60)
    app.running = True  # a random click on Quit ends nothing here


def _map(app: App, mode: str) -> MapScreen:
    app.stack.clear_to(MainMenu(app))
    start_match(app, "kharkov_1943", mode, seed=3)
    app.tick(1 / 60)
    screen = app.stack.find(MapScreen)
    assert isinstance(screen, MapScreen)
    return screen


def _menu(app: App) -> None:
    app.stack.clear_to(MainMenu(app))


def _setup(app: App) -> None:
    app.stack.clear_to(MainMenu(app))
    app.push(SetupScreen(app, catalogue.entries()[0], "solo"))


def _solo(app: App) -> None:
    _map(app, "solo")


def _hotseat(app: App) -> None:
    _map(app, "hotseat")


def _watch(app: App) -> None:
    _map(app, "watch")


def _lab(app: App) -> None:
    app.stack.clear_to(MainMenu(app))
    app.open("lab", entry=catalogue.entries()[0])


def _dialogs(app: App) -> None:
    screen = _map(app, "solo")
    save_match(screen.match, Path(app.settings.save_dir) / "a.json")
    app.push(GameMenu(app, screen))
    app.push(LoadDialog(app, screen))
    app.push(SaveDialog(app, screen.match))
    app.push(HelpOverlay(app))


def _report(app: App) -> None:
    screen = _map(app, "solo")
    app.push(ReportScreen(app, screen.match))


def _overviews(app: App) -> None:
    screen = _map(app, "solo")
    app.push(VictoryDialog(app, screen))
    app.push(ForcesDialog(app, screen))
    app.push(ConfirmDialog(app, "Quit?", app.quit))


def _enemy_turn(app: App) -> None:
    """The second turn: the enemy's turn to look back on, and its replay on the map."""
    screen = _map(app, "solo")
    table = screen.table
    for _ in range(3):
        table.end_phase()
    table.skipping = True  # whatever pace an earlier storm left: no waits between moves
    while not table.my_turn() and not table.match.game.state.over:
        table.step_ai(0.1, budget_s=1.0)
    dialog = EnemyTurnDialog(app, screen)
    screen.start_replay(dialog.events)
    app.push(dialog)


SCREENS: list[Callable[[App], None]] = [
    _menu, _setup, _lab, _solo, _hotseat, _watch, _dialogs, _report, _overviews, _enemy_turn,
]  # fmt: skip


def test_random_input_over_every_screen_raises_nothing(app: App) -> None:
    rng = np.random.default_rng(19430219)
    for open_screen in SCREENS:
        open_screen(app)
        app.tick(1 / 60)
        storm(app, rng, EVENTS_PER_SCREEN)
        assert app.stack.top is not None
