"""The window on the grown map: lakes and the sea drawn apart, coastlines, ice on frozen lakes,
port anchors, flat-top maps drawn and clicked as true as pointy-top ones, and the weather of the
region under the mouse in the status bar."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.enums import Terrain, Weather
from game.geo import HexMap, Orientation
from game.scenario.loader import load_map
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.ui import render, terrain
from game.ui.app import App, Settings
from game.ui.dialogs import HelpOverlay
from game.ui.driver import click, frames
from game.ui.furniture import legend_entries
from game.ui.mapimage import render_scenario
from game.ui.mapscreen import MapScreen
from game.ui.mapview import ZOOM_LEVELS, MapView, Scene
from game.ui.match import Match
from game.ui.panels import hex_html, hex_summary
from game.ui.play import Table
from tests.conftest import DATA, KHARKOV, MiniWriter
from tests.worlds import AXIS, SOVIET, at, blank_grid, world, zones

COAST_MAP = DATA / "maps" / "coast_test.toml"
LEVEL = ZOOM_LEVELS.index(30)


def oriented(path: Path, orientation: str, out: Path) -> Path:
    """A copy of a map file with `orientation` set in its header."""
    text = path.read_text().replace("[map]\n", f'[map]\norientation = "{orientation}"\n', 1)
    out.write_text(text)
    return out


def coast_world(grid: HexMap, weather: Weather = Weather.CLEAR) -> Scenario:
    """The coast test map with a German unit inland and a Soviet one in the harbour; nobody holds
    the water."""
    harbour, inland = grid.city_by_id("harbour"), grid.city_by_id("inland")
    assert harbour is not None and inland is not None
    control = np.where(grid.water, 255, AXIS).astype(np.uint8)
    control[harbour.hex] = SOVIET
    scenario, _ = world(grid, [(AXIS, inland.hex), (SOVIET, harbour.hex)], weather=weather)
    scenario.control[:] = control
    return scenario


def near(
    surface: pygame.Surface, point: tuple[float, float], radius: int = 1
) -> set[tuple[int, ...]]:
    """The colours within `radius` pixels of a point."""
    x, y = round(point[0]), round(point[1])
    return {
        tuple(surface.get_at((x + dx, y + dy)))[:3]
        for dx in range(-radius, radius + 1)
        for dy in range(-radius, radius + 1)
    }


def mean_colour(surface: pygame.Surface, center: tuple[float, float], half: int) -> float:
    x, y = round(center[0]), round(center[1])
    pixels = pygame.surfarray.array3d(surface)[x - half : x + half, y - half : y + half]
    return float(pixels.mean())


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    settings = Settings(ai_speed="instant", threaded_ai=False, save_dir=str(tmp_path / "saves"))
    application = App((1600, 900), sounds=False, settings=settings)
    yield application
    application.close()


def open_map(app: App, scenario: Scenario) -> MapScreen:
    """The scenario's map screen for a spectator, the computer held still."""
    match = Match(Game(scenario, seed=1), frozenset(), "watch", 0)
    screen = app.open("map", match=match)
    assert isinstance(screen, MapScreen)
    screen.table.paused = True
    frames(app, 2)
    return screen


# --- terrain names and colours ----------------------------------------------------------------------


def test_every_terrain_has_a_colour_and_a_name_and_a_lake_is_not_the_sea() -> None:
    for t in Terrain:
        assert t in terrain.TERRAIN_COLORS and t in terrain.TERRAIN_NAMES
    assert terrain.TERRAIN_NAMES[Terrain.LAKE] == "lake"
    assert terrain.TERRAIN_NAMES[Terrain.WATER] == "sea"
    lake, sea = terrain.TERRAIN_COLORS[Terrain.LAKE], terrain.TERRAIN_COLORS[Terrain.WATER]
    assert lake != sea and max(abs(a - b) for a, b in zip(lake, sea, strict=True)) <= 24


def test_the_legend_lists_a_lake_ice_and_ports_only_where_the_map_has_them() -> None:
    plain = [name for name, _, _ in legend_entries(blank_grid(5, 5))]
    coast = [name for name, _, _ in legend_entries(load_map(COAST_MAP), ice=True)]
    every = [name for name, _, _ in legend_entries()]
    assert "Lake" not in plain and "Port" not in plain and not any("Ice" in n for n in plain)
    assert "Lake" in coast and "Port" in coast and any("Ice" in n for n in coast)
    assert set(coast) <= set(every)


def test_the_terrain_panel_names_a_lake_and_says_when_its_ice_carries_men() -> None:
    grid = load_map(COAST_MAP)
    lake = int(np.flatnonzero(grid.terrain == Terrain.LAKE)[0])
    sea = int(np.flatnonzero(grid.terrain == Terrain.WATER)[0])
    thawed = coast_world(grid)
    assert "(lake" in hex_summary(thawed, lake)
    assert "(sea" in hex_summary(thawed, sea)
    state = Game(thawed, seed=1).state
    assert "Freezes in frost and snow" in hex_html(thawed, state, lake)
    assert "ice" not in hex_html(thawed, state, sea)
    frozen = coast_world(grid, Weather.FROZEN)
    assert "Frozen hard" in hex_html(frozen, Game(frozen, seed=1).state, lake)
    harbour = grid.city_by_id("harbour")
    assert harbour is not None
    assert "Port" in hex_html(thawed, state, harbour.hex)


# --- drawing ------------------------------------------------------------------------------------------


@pytest.mark.window
def test_a_map_screen_with_a_lake_a_coast_and_a_port_draws_them(app: App, tmp_path: Path) -> None:
    grid = load_map(COAST_MAP)
    screen = open_map(app, coast_world(grid))
    pygame.image.save(app.window, str(tmp_path / "coast.png"))
    view = screen.view
    level = view.static_level(LEVEL)
    layout = view.layout(ZOOM_LEVELS[LEVEL])
    # every coast hexside carries the coastline at its middle (the railway and towns are inland)
    for h, d in zip(*np.nonzero(grid.coast), strict=True):
        a, b = render.hexside_segments(layout, grid, int(h), int(d))
        middle = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        assert terrain.COAST_COLOR in near(level, middle), (int(h), int(d))
    # the harbour's anchor, up and right of the town
    harbour = grid.city_by_id("harbour")
    assert harbour is not None
    x, y = layout.hex_to_pixel(grid.hex_of(harbour.hex))
    s = layout.size_x
    assert render.PORT_COLOR in near(level, (x + 0.5 * s, y - 0.3 * s), radius=round(0.3 * s))
    assert render.PORT_COLOR not in near(level, (x - 0.5 * s, y - 0.3 * s), radius=round(0.3 * s))
    # the help screen's legend draws the lake and the port too
    app.push(HelpOverlay(app, screen.match.scenario))
    frames(app, 2)
    app.stack.pop()


def test_a_frozen_lake_shows_ice_and_the_ice_goes_when_the_weather_turns() -> None:
    grid = load_map(COAST_MAP)
    lake = int(np.flatnonzero(grid.terrain == Terrain.LAKE)[0])
    clear, frozen = coast_world(grid), coast_world(grid, Weather.FROZEN)
    assert not terrain.ice_hexes(clear, 1).any()
    assert terrain.ice_hexes(frozen, 1).tolist() == (grid.terrain == Terrain.LAKE).tolist()
    view = MapView(frozen)
    center = view.layout(ZOOM_LEVELS[LEVEL]).hex_to_pixel(grid.hex_of(lake))
    half = round(0.4 * view.layout(ZOOM_LEVELS[LEVEL]).size_x)
    water = mean_colour(view.static_level(LEVEL), center, half)
    # the play table puts the turn's ice in the scene, and the view draws what the scene says
    table = Table(Match(Game(frozen, seed=1), frozenset(), "watch", 0), "instant", False)
    scene = table.scene()
    assert scene.ice is not None and scene.ice.tolist() == terrain.ice_hexes(frozen, 1).tolist()
    screen = pygame.Surface((640, 480))
    view.camera.zoom = view.camera.target_zoom = float(ZOOM_LEVELS[LEVEL])
    view.draw(screen, screen.get_rect(), scene)
    ice = mean_colour(view.static_level(LEVEL), center, half)
    assert ice > water + 20  # ice is paler than open water
    thawed = Scene(control=scene.control, ice=terrain.ice_hexes(clear, 1))
    view.draw(screen, screen.get_rect(), thawed)
    assert mean_colour(view.static_level(LEVEL), center, half) == water


def test_ice_follows_the_weather_of_the_lakes_own_region() -> None:
    grid = load_map(COAST_MAP)
    lake = grid.terrain == Terrain.LAKE
    west = np.arange(grid.size) % grid.cols < 5  # the lake, not the sea
    assert (lake <= west).all(), "test bug: the lake lies in the west"
    scenario, _ = world(grid, [], weather=Weather.CLEAR, zones=zones(grid, west, Weather.SNOW))
    assert terrain.ice_hexes(scenario, 1).tolist() == lake.tolist()
    scenario, _ = world(grid, [], weather=Weather.SNOW, zones=zones(grid, west, Weather.THAW))
    assert not terrain.ice_hexes(scenario, 1).any()


def test_third_kharkov_keeps_its_map_geometry_and_has_two_ports() -> None:
    scenario = load_scenario(KHARKOV)
    grid = scenario.map
    assert grid.orientation == "pointy"
    # as drawn before flat maps came (at the map image's default scale)
    assert render.map_pixel_size(grid, 36.0) == (1890, 1788)
    assert terrain.stamp_size(render.map_layout(grid, 36.0)) == (40, 46)
    assert sorted(c.id for c in grid.cities if c.port) == ["mariupol", "taganrog"]
    assert not (grid.terrain == Terrain.LAKE).any()
    assert render_scenario(scenario, hex_px=12.0).get_size() == render.map_pixel_size(grid, 12.0)


# --- flat-top maps ----------------------------------------------------------------------------------


@pytest.mark.parametrize("orientation", ["pointy", "flat"])
@pytest.mark.parametrize("hex_px", [12.0, 30.0, 47.0])
def test_the_map_surface_holds_every_hex_whole_with_no_margin_to_spare(
    orientation: Orientation, hex_px: float
) -> None:
    for cols, rows in ((9, 7), (10, 8)):
        grid = blank_grid(cols, rows, orientation)
        layout = render.map_layout(grid, hex_px)
        width, height = render.map_pixel_size(grid, hex_px)
        cx, cy = terrain.hex_centers(grid, layout)
        corners = layout.corner_offsets()
        xs = cx[:, None] + corners[None, :, 0]
        ys = cy[:, None] + corners[None, :, 1]
        assert xs.min() >= -1e-6 and ys.min() >= -1e-6
        assert xs.max() <= width + 1e-6 and ys.max() <= height + 1e-6
        assert xs.min() < 1 and ys.min() < 1 and width - xs.max() < 1 and height - ys.max() < 1
        # the hex stamps cover a hex with room to spare
        sw, sh = terrain.stamp_size(layout)
        extent = corners.max(axis=0) - corners.min(axis=0)
        assert extent[0] + 2 <= sw <= extent[0] + 5 and extent[1] + 2 <= sh <= extent[1] + 5


def test_a_flat_map_is_drawn_with_flat_top_hexes_in_odd_q_columns() -> None:
    grid = blank_grid(6, 5, "flat")
    layout = render.map_layout(grid, 30.0)
    x, y = terrain.hex_centers(grid, layout)
    # same row, odd column: half a hex lower; the next column 1.5 sizes to the right
    assert y[at(grid, 1, 0)] - y[at(grid, 0, 0)] == pytest.approx(15.0)
    assert x[at(grid, 1, 0)] - x[at(grid, 0, 0)] == pytest.approx(1.5 * layout.size_x)
    assert y[at(grid, 0, 1)] - y[at(grid, 0, 0)] == pytest.approx(30.0)
    corners = layout.corner_offsets()
    assert np.isclose(corners[:, 1], 0).sum() == 2  # the corners left and right: flat top


@pytest.mark.window
def test_a_click_on_a_flat_top_map_selects_the_hex_under_it(
    app: App, mini: MiniWriter, tmp_path: Path
) -> None:
    path = mini()
    maps = path.parent / "maps"
    oriented(maps / "donets_test.toml", "flat", maps / "donets_test.toml")
    scenario = load_scenario(path)
    grid = scenario.map
    assert grid.orientation == "flat"
    screen = open_map(app, scenario)
    view, table = screen.view, screen.table
    rect = screen.map_rect()
    pygame.image.save(app.window, str(tmp_path / "flat.png"))
    size = view.layout(view.camera.zoom).size_x
    # even and odd columns, the corners of the map and its middle
    picks = [
        at(grid, 0, 0),
        at(grid, 1, 0),
        at(grid, grid.cols - 1, grid.rows - 1),
        at(grid, grid.cols // 2, grid.rows // 2),
        at(grid, grid.cols // 2 + 1, grid.rows // 2),
    ]
    # the centre, and points inside a flat-top hex that a pointy-top one of the same centre
    # would not hold (it reaches 0.87 sizes sideways): near its left and right corners
    offsets = [(0.0, 0.0), (-0.93 * size, 0.0), (0.93 * size, 0.0), (0.0, -0.8 * size)]
    for h in picks:
        view.center_on_hex(rect, h)
        frames(app)
        for dx, dy in offsets:
            table.clear_selection()
            x, y = view.hex_screen(rect, h)
            click(app, (x + dx, y + dy))
            assert table.selected_hex == h, (h, dx, dy)


@pytest.mark.window
def test_the_status_bar_gives_the_weather_of_the_region_under_the_mouse(app: App) -> None:
    grid = blank_grid(12, 9)
    east = np.arange(grid.size) % grid.cols >= 6
    scenario, _ = world(
        grid, [(AXIS, at(grid, 1, 4))], weather=Weather.CLEAR, zones=zones(grid, east, Weather.SNOW)
    )
    screen = open_map(app, scenario)
    view, rect = screen.view, screen.map_rect()

    def hover(h: int) -> str:
        view.center_on_hex(rect, h)
        frames(app)
        x, y = view.hex_screen(rect, h)
        pos = (round(x), round(y))
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
        )
        frames(app, 2)
        assert screen.table.hover_hex == h
        return str(screen.clock_label.text)

    assert hover(at(grid, 9, 4)).endswith("Snow (Region)")
    west = hover(at(grid, 2, 4))
    assert west.endswith("Clear") and "Region" not in west
