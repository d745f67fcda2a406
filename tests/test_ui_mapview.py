"""The map view's parts: the minimap follows the ice the levels are drawn with, and the key box
lists what the map shows (fortified belts only where the scenario has them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pygame
import pytest

from game.rules import fortification
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.ui import catalogue
from game.ui.app import App, Settings
from game.ui.dialogs import LEGEND_PX, HelpOverlay
from game.ui.driver import frames
from game.ui.furniture import belt_label, belt_legend, legend_entries, legend_size
from game.ui.mapkey import belt_entries
from game.ui.mapmarks import PAPER_LIGHT, belt_sample, draw_key
from game.ui.mapview import MapView, Scene
from game.ui.match import Match
from game.ui.palette import palette
from game.ui.play import Table
from tests.conftest import ROOT

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


# --- fortified belts in the key box and the help legend --------------------------------------------


def kursk_scene(scenario: Scenario) -> Scene:
    """The map of Kursk on the first turn as the screen prepares it: belts standing, an overlay on."""
    control = scenario.control.copy()
    unchanged = np.zeros(scenario.map.size, dtype=np.int16)
    return Scene(
        control=control,
        belts=fortification.standing(scenario, control, unchanged),
        zoc=np.zeros(scenario.map.size, dtype=np.bool_),
    )


def test_the_key_box_lists_the_belts_standing_in_their_sides_colour() -> None:
    scenario = catalogue.scenario("kursk_1943")
    soviet = scenario.side_table.index("soviet")
    view = MapView(scenario)
    scene = kursk_scene(scenario)
    belts = [e for e in view.legend_entries(scene) if e[0] == "belt"]
    assert belts == [("belt", belt_label(), view.palette.dark(soviet))]
    # none while the rule is off (the screen passes no belts) or once every belt hex is taken
    assert all(e[0] != "belt" for e in view.legend_entries(Scene(control=scene.control)))
    assert scene.belts is not None
    taken = (np.zeros_like(scene.belts[0]), scene.belts[1])
    assert all(
        e[0] != "belt" for e in view.legend_entries(Scene(control=scene.control, belts=taken))
    )


def test_the_key_box_names_the_side_when_several_sides_have_belts() -> None:
    scenario = catalogue.scenario("kursk_1943")
    colors = palette(scenario)
    n = scenario.map.size
    level = np.zeros(n, dtype=np.uint8)
    owner = np.zeros(n, dtype=np.uint8)
    level[[3, 4, 40]] = (1, 2, 3)
    owner[[3, 4, 40]] = (1, 1, 0)
    scene = Scene(control=scenario.control.copy(), belts=(level, owner))
    short = scenario.side_table.short
    assert belt_entries(scene, colors, short) == [
        ("belt", belt_label(short[0]), colors.dark(0)),
        ("belt", belt_label(short[1]), colors.dark(1)),
    ]


def teeth(surface: pygame.Surface, box: pygame.Rect, color: tuple[int, int, int]) -> int:
    """Pixels of `box` nearer the belt's colour than the paper under them is."""
    rgb = pygame.surfarray.array3d(surface.subsurface(box)).astype(np.int32)
    paper = np.array(PAPER_LIGHT, dtype=np.int32)
    ink = np.array(color, dtype=np.int32)
    nearer = np.abs(rgb - ink).sum(axis=2) < np.abs(paper - ink).sum() * 0.75
    return int(nearer.sum())


def test_the_key_box_draws_the_belt_with_the_maps_teeth(window: pygame.Surface) -> None:
    scenario = catalogue.scenario("kursk_1943")
    soviet = scenario.side_table.index("soviet")
    view = MapView(scenario)
    scene = kursk_scene(scenario)
    rect = pygame.Rect(0, 0, 1200, 800)
    entries = view.legend_entries(scene)
    window.fill(PAPER_LIGHT)
    box = draw_key(window, rect, entries, view.text)
    row = next(k for k, e in enumerate(entries) if e[0] == "belt")
    swatch = pygame.Rect(box.x + 8, box.y + 26 + row * 20 + 10 - 7, 28, 14)
    dark = view.palette.dark(soviet)
    assert teeth(window, swatch, dark) >= 20
    # the same teeth as the map's stamp: the sample is a cut of `render.belt_stamp`
    sample = pygame.Surface(swatch.size)
    sample.fill(PAPER_LIGHT)
    belt_sample(sample, sample.get_rect(), dark)
    shown = pygame.surfarray.array3d(window.subsurface(swatch))
    assert np.array_equal(shown, pygame.surfarray.array3d(sample))


def test_the_help_legend_lists_belts_only_where_the_scenario_has_them() -> None:
    kursk = catalogue.scenario("kursk_1943")
    kharkov = catalogue.scenario("kharkov_1943")  # its file has no belt switched on
    soviet = kursk.side_table.index("soviet")
    assert belt_legend(kursk) == [(belt_label(), palette(kursk).dark(soviet))]
    assert belt_legend(kharkov) == []
    with_belts = legend_entries(kursk.map, belts=belt_legend(kursk))
    assert (belt_label(), palette(kursk).dark(soviet), "belt") in with_belts
    assert all(style != "belt" for _, _, style in legend_entries(kharkov.map, belts=[]))
    assert all(style != "belt" for _, _, style in legend_entries(kharkov.map))
    assert any(style == "belt" for _, _, style in legend_entries())  # no scenario: every kind


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_help_screen_of_kursk_draws_the_belt_and_its_counters_still_fit(
    size: tuple[int, int],
) -> None:
    app = App(size, sounds=False, settings=Settings(threaded_ai=False))
    try:
        scenario = catalogue.scenario("kursk_1943")
        soviet = scenario.side_table.index("soviet")
        help_screen = HelpOverlay(app, scenario, 0)
        app.push(help_screen)
        frames(app, 2)
        assert help_screen.legend_belts == belt_legend(scenario)
        entries = legend_entries(
            help_screen.legend_grid, help_screen.legend_ice, belt_legend(scenario)
        )
        row = next(k for k, e in enumerate(entries) if e[2] == "belt")
        height = legend_size(
            LEGEND_PX, help_screen.legend_grid, help_screen.legend_ice, help_screen.legend_belts
        )[1]
        line_h = (height - 12) // len(entries)  # rows of `line_h` under a 6-pixel margin
        swatch_h = 14  # `furniture._legend_metrics` at LEGEND_PX 26
        x, y = help_screen.legend_at
        swatch = pygame.Rect(x + 8, y + 6 + row * line_h, 2 * swatch_h, swatch_h)
        assert teeth(app.window, swatch, palette(scenario).dark(soviet)) >= 20
        samples_bottom = y + height + 12 + help_screen.samples.get_height()
        assert samples_bottom <= help_screen.box.bottom
    finally:
        app.close()


def test_the_map_shows_a_dated_belt_only_once_it_stands() -> None:
    """summer_1943's Hagen line stands from 1 August: the play table's scene has none of it on
    the first turn and all of it once the date has come (the map draws what the scene says)."""
    scenario = load_scenario(ROOT / "scenarios" / "summer_1943.toml")
    game = Game(scenario, seed=1)
    table = Table(Match(game, frozenset(), "watch", 0), "instant", False)
    before = table.scene().belts
    assert before is not None
    game.state.turn = scenario.turn_of_date(dt.date(1943, 8, 15))
    table.version += 1  # as after an action: the scene is built afresh
    after = table.scene().belts
    assert after is not None
    added = (after[0] > before[0]).sum()
    assert added >= 30  # the Hagen line's hexes, held by the Germans since the start
