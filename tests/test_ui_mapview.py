"""The map view's parts: the minimap follows the ice the levels are drawn with, and the key box
lists what the map shows (fortified belts only where the scenario has them)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pygame
import pytest

from game.ui import catalogue
from game.ui.mapview import MapView, Scene

pytestmark = pytest.mark.window


@pytest.fixture
def window() -> Iterator[pygame.Surface]:
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((1200, 800))


def minimap_pixels(view: MapView, surface: pygame.Surface, scene: Scene) -> np.ndarray:
    rect = pygame.Rect(0, 0, 1200, 800)
    surface.fill((0, 0, 0))
    mini = view.draw_minimap(surface, rect, scene)
    return pygame.surfarray.array3d(surface.subsurface(mini)).copy()


def test_the_minimap_is_drawn_afresh_when_the_ice_changes(window: pygame.Surface) -> None:
    scenario = catalogue.scenario("kharkov_1943")
    water = scenario.map.water.copy()
    assert water.any()
    control = scenario.control.copy()
    view = MapView(scenario)
    summer = minimap_pixels(view, window, Scene(control=control))
    winter = minimap_pixels(view, window, Scene(control=control, ice=water))
    fresh = minimap_pixels(MapView(scenario), window, Scene(control=control, ice=water))
    assert not np.array_equal(summer, winter)  # the frozen water shows
    assert np.array_equal(winter, fresh)
    thawed = minimap_pixels(view, window, Scene(control=control))
    assert np.array_equal(thawed, summer)
