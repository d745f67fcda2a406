"""Hot-seat: the map is hidden between the players' turns and each sees only their own side."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from game.ui import catalogue
from game.ui.app import App
from game.ui.driver import button_center, click, frames, key
from game.ui.handover import HandOverScreen
from game.ui.mapscreen import MapScreen
from game.ui.render import FRONT_COLOR, RIVER_COLOR
from game.ui.setup import start_match

pytestmark = pytest.mark.window


def map_pixels(surface: pygame.Surface) -> int:
    """How many pixels of the window are river blue or front-line red: colours only the map has."""
    rgb = pygame.surfarray.array3d(surface).astype(np.int32)
    count = 0
    for color in (RIVER_COLOR, FRONT_COLOR):
        count += int((np.abs(rgb - np.array(color, dtype=np.int32)).sum(axis=2) < 40).sum())
    return count


def test_handover_hides_the_map_between_turns(app: App) -> None:
    start_match(app, "kharkov_1943", "hotseat", seed=11)
    frames(app, 2)
    handover = app.stack.top
    sides = catalogue.scenario("kharkov_1943").side_table
    axis, soviet = sides.index("axis"), sides.index("soviet")
    assert isinstance(handover, HandOverScreen) and handover.side == axis
    assert map_pixels(app.window) == 0
    click(app, button_center(handover.ready), settle=2)
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    assert screen.table.viewer == axis
    assert map_pixels(app.window) > 2_000  # the map is up for the Axis player

    for _ in range(3):  # movement, combat, exploitation: the Axis turn ends
        key(app, pygame.K_e)
    frames(app, 2)
    handover = app.stack.top
    assert isinstance(handover, HandOverScreen) and handover.side == soviet
    assert map_pixels(app.window) == 0, "the map must not show while the screen changes hands"
    assert screen.table.viewer == axis  # nobody has taken the seat yet

    click(app, button_center(handover.summary_button), settle=2)
    assert handover.stage == "summary"
    assert map_pixels(app.window) == 0
    click(app, button_center(handover.to_map), settle=2)
    assert app.stack.top is screen and screen.table.viewer == soviet


def test_each_player_sees_only_their_own_side(app: App) -> None:
    start_match(app, "kharkov_1943", "hotseat", seed=11)
    frames(app, 2)
    key(app, pygame.K_RETURN, settle=2)
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    game = screen.table.match.game
    scene = screen.table.scene()
    shown = {
        u
        for stack in scene.stacks
        for u, look in zip(stack.units, stack.looks, strict=True)
        if not look.ghost
    }
    view = screen.table.observation()
    assert view is not None
    assert shown == set(np.nonzero(view.visible & game.state.active)[0].tolist())
    soviet = game.scenario.side_table.index("soviet")
    hidden_enemies = game.state.active & ~view.visible & (game.scenario.units.side == soviet)
    assert hidden_enemies.any(), "fog of war hides some Soviet units at the start"
    assert not shown & set(np.nonzero(hidden_enemies)[0].tolist())
    assert scene.veil is not None and scene.veil.any()


@pytest.mark.parametrize("scenario_id", ["kursk_1943", "summer_1943", "winter_storm_1942"])
def test_every_new_scenario_plays_to_its_end_hot_seat_and_solo_as_either_side(
    app: App, scenario_id: str
) -> None:
    """Hot-seat: both players end every phase until the game is over, past each hand-over; solo:
    the window opens the map for a player of each side, the computer moving the other."""
    scenario = catalogue.scenario(scenario_id)
    start_match(app, scenario_id, "hotseat", seed=3)
    frames(app, 2)
    for _ in range(scenario.turns * len(scenario.sides) * 6 + 10):  # 3 phases, a hand-over
        top = app.stack.top
        if isinstance(top, HandOverScreen):
            click(app, button_center(top.ready), settle=1)
            continue
        assert isinstance(top, MapScreen)
        if top.table.game.state.over:
            break
        key(app, pygame.K_e)
    top = app.stack.top
    assert isinstance(top, MapScreen) and top.table.game.state.over
    for side in scenario.sides:
        start_match(app, scenario_id, "solo", side=side, seed=4)
        frames(app, 3)
        screen = app.stack.top
        assert isinstance(screen, MapScreen) and screen.table.viewer == side
        assert map_pixels(app.window) > 2_000
