"""The map screen's breakout order: a "Break out" button (and the B key) in scenarios with a pocket
that may break out, a confirm dialog that states the cost, and the order through the one action
path (undo takes it back)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.actions import OrderBreakout
from game.ui.app import App
from game.ui.driver import button_center, click, frames, key
from game.ui.mapscreen import BREAKOUT_BUTTON, MapScreen
from game.ui.overviews import ConfirmDialog
from game.ui.setup import start_match

pytestmark = pytest.mark.window


def _pocket(screen: MapScreen) -> np.ndarray:
    units = screen.table.game.scenario.units
    picked: np.ndarray = np.array(units.formations)[units.formation] == "6th Army"
    return picked


def test_the_breakout_button_asks_then_orders_and_undo_takes_it_back(app: App) -> None:
    start_match(app, "winter_storm_1942", "solo", side=0, seed=3)
    frames(app, 2)
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    [button] = [b for b, k in screen.buttons.items() if k == "breakout"]
    game = screen.table.game
    pocket = _pocket(screen)
    assert (game.state.movement_left[pocket] == 0).all()
    click(app, button_center(button), settle=2)
    dialog = app.stack.top
    assert isinstance(dialog, ConfirmDialog)
    assert "Order the breakout? 9 units of 6th Army" in dialog.question
    assert "Each loses 1 step" in dialog.question and "men" in dialog.question
    shot = os.environ.get("EASTFRONT_SHOTS")
    if shot:  # a picture to look at: EASTFRONT_SHOTS=DIR
        pygame.image.save(app.window, str(Path(shot) / "breakout_confirm.png"))
    key(app, pygame.K_ESCAPE, settle=2)  # no: nothing happens
    assert app.stack.top is screen and game.state.breakouts == ()
    key(app, pygame.K_b, settle=2)
    dialog = app.stack.top
    assert isinstance(dialog, ConfirmDialog)
    key(app, pygame.K_RETURN, settle=2)  # yes
    assert app.stack.top is screen
    game = screen.table.game
    assert game.actions[-1] == OrderBreakout()
    assert game.state.breakouts == ((0, 1),)
    assert (game.state.movement_left[pocket] > 0).all()
    if shot:
        pygame.image.save(app.window, str(Path(shot) / "breakout_ordered.png"))
    key(app, pygame.K_b, settle=2)  # again: refused with a message, no dialog
    assert app.stack.top is screen
    assert "already begun" in screen.table.feedback.message
    assert not button.is_enabled  # type: ignore[attr-defined]  # nothing left to order
    key(app, pygame.K_u, settle=2)
    assert game.state.breakouts == () and (game.state.movement_left[pocket] == 0).all()
    frames(app, 2)
    assert button.is_enabled  # type: ignore[attr-defined]
    key(app, pygame.K_e, settle=2)  # the combat phase: a breakout is ordered when moving
    assert not button.is_enabled  # type: ignore[attr-defined]


def test_no_breakout_button_where_no_side_may_break_out(app: App) -> None:
    start_match(app, "kharkov_1943", "solo", seed=3)
    frames(app, 2)
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    assert "breakout" not in screen.buttons.values()
    assert BREAKOUT_BUTTON not in screen.bar_buttons()
    key(app, pygame.K_b, settle=2)
    assert app.stack.top is screen and "no pocket" in screen.table.feedback.message
