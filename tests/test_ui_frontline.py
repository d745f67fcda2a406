"""The front as the map draws it: one line per front, islands of bypassed ground as outlines with
their size, any number of teams; and the map screen drawn with it, at the start and at the end of
a computer-played Third Kharkov, at every zoom and with every overlay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pygame
import pytest

from game import engine
from game.actions import Attack, EndPhase
from game.ai.players import make_player, play_one
from game.enums import NO_SIDE
from game.geo import HexMap
from game.session import Game
from game.ui import catalogue, render
from game.ui.app import App, Settings
from game.ui.counters import CounterLook, counter_px
from game.ui.frontline import FRONT, FrontMap, front_map, smooth
from game.ui.mapscreen import MapScreen
from game.ui.mapview import ZOOM_LEVELS, MapView, Scene, StackView
from game.ui.match import Match
from game.ui.supplymap import OUT, supply_picture
from tests.worlds import at, blank_grid

TWO = render.team_lookup([0, 1])
THREE = render.team_lookup([0, 1, 2])


def split(grid: HexMap, column: int, west: int = 0, east: int = 1) -> npt.NDArray[np.uint8]:
    """Control with `west` left of `column` and `east` from it on."""
    cols = np.arange(grid.size) % grid.cols
    return np.where(cols < column, west, east).astype(np.uint8)


def fronts_of(
    grid: HexMap,
    control: npt.NDArray[np.uint8],
    teams: npt.NDArray[np.uint8] = TWO,
    island_limit: int = 6,
) -> FrontMap:
    return front_map(grid, render.map_layout(grid, 1.0), control, teams, island_limit)


def boundary_count(
    grid: HexMap, control: npt.NDArray[np.uint8], teams: npt.NDArray[np.uint8]
) -> int:
    team = teams[control]
    n = grid.neighbor
    other = team[np.where(n >= 0, n, 0)]
    edge = (n > np.arange(grid.size)[:, None]) & (other != team[:, None])
    return int((edge & (team[:, None] != NO_SIDE) & (other != NO_SIDE)).sum())


def test_a_straight_front_is_one_line_from_rim_to_rim() -> None:
    grid = blank_grid(10, 8)
    control = split(grid, 5)
    found = fronts_of(grid, control)
    assert len(found.lines) == 1 and not found.islands
    line = found.lines[0]
    assert line.kind == FRONT and not line.closed
    assert line.edges == boundary_count(grid, control, TWO) == 2 * grid.rows - 1
    _, cy = render.map_layout(grid, 1.0).hex_to_pixel_array(grid.q, grid.r)
    ys = sorted([line.points[0][1], line.points[-1][1]])
    assert ys[0] < cy.min() and ys[1] > cy.max()  # it runs from the top rim to the bottom rim


def test_an_island_is_one_closed_outline_with_its_size_and_leaves_the_front_alone() -> None:
    grid = blank_grid(12, 10)
    control = split(grid, 8)
    pocket = [at(grid, 3, 4), at(grid, 4, 4), at(grid, 3, 5)]
    control[pocket] = 1
    found = fronts_of(grid, control)
    assert len(found.islands) == 1
    island = found.islands[0]
    assert island.team == 1 and island.hexes.tolist() == sorted(pocket)
    assert island.anchor in pocket
    (outline,) = found.outlines()
    assert outline.closed and outline.team == 1
    assert outline.edges == 12  # three hexes in a triangle: 18 sides less 2 x 3 inside
    (front,) = found.fronts()
    assert front.edges == 2 * grid.rows - 1 and not front.closed


def test_an_island_bigger_than_the_limit_is_front() -> None:
    grid = blank_grid(12, 10)
    control = split(grid, 8)
    block = [at(grid, c, r) for c in (2, 3, 4) for r in (3, 4, 5)]
    control[block] = 1
    assert len(fronts_of(grid, control, island_limit=6).fronts()) == 2
    assert len(fronts_of(grid, control, island_limit=9).islands) == 1


def test_two_separate_fronts_are_two_lines() -> None:
    grid = blank_grid(14, 8)
    control = split(grid, 4)  # Axis west of 4, Soviets east ...
    control[np.arange(grid.size) % grid.cols >= 10] = 0  # ... and the Axis again from 10
    found = fronts_of(grid, control)
    assert not found.islands
    lines = found.fronts()
    assert len(lines) == 2 and not any(line.closed for line in lines)
    xs = sorted(float(line.points[:, 0].mean()) for line in lines)
    assert xs[0] < 5 < 9 < xs[1]


def test_three_teams_meet_in_one_point() -> None:
    grid = blank_grid(10, 10)
    control = split(grid, 5, 0, 2)
    rows = np.arange(grid.size) // grid.cols
    control[(control == 0) & (rows >= 5)] = 1
    found = fronts_of(grid, control, THREE)
    lines = found.fronts()
    assert len(lines) == 3 and not found.islands
    assert sum(line.edges for line in lines) == boundary_count(grid, control, THREE)
    ends = [tuple(np.round(p, 6)) for line in lines for p in (line.points[0], line.points[-1])]
    junction = [p for p in set(ends) if ends.count(p) == 3]
    assert len(junction) == 1  # the three lines share one end


def test_teammates_and_water_make_no_front() -> None:
    grid = blank_grid(10, 8)
    allied = render.team_lookup([0, 1, 0])  # sides 0 and 2 on one team
    control = split(grid, 5, 0, 2)
    assert not fronts_of(grid, control, allied).lines
    control = split(grid, 5)
    cols = np.arange(grid.size) % grid.cols
    control[cols == 5] = NO_SIDE  # a strait nobody holds between them
    island = [at(grid, 8, 4)]
    control[[at(grid, 7, 4), at(grid, 7, 3), at(grid, 8, 3), at(grid, 9, 4)]] = NO_SIDE
    control[island] = 0  # a scrap of Axis ground across the water, among nobody's
    found = fronts_of(grid, control)
    assert not found.islands  # cut off by water, not by the enemy
    assert all(line.team == NO_SIDE for line in found.lines)


def test_smoothing_keeps_the_ends_of_an_open_line() -> None:
    pts = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [3.0, 1.0]])
    out = smooth(pts, closed=False, rounds=2)
    assert np.allclose(out[0], pts[0]) and np.allclose(out[-1], pts[-1])
    assert len(out) > len(pts) and out[1:-1, 1].max() < 1.0  # the corners are cut


# --- on screen ----------------------------------------------------------------------------------


def test_a_patched_map_is_the_map_drawn_afresh() -> None:
    """The composite is patched where control changed; the patch must be exactly what a fresh
    drawing gives, front line included."""
    pygame.font.init()
    scenario = catalogue.scenario("kharkov_1943")
    view = MapView(scenario)
    index = ZOOM_LEVELS.index(30)
    before = scenario.control.copy()
    view.composite(index, Scene(control=before))
    after = before.copy()
    kharkov = scenario.map.city_by_id("kharkov")
    assert kharkov is not None
    ring = scenario.map.neighbor[kharkov.hex]
    after[[kharkov.hex, *ring[ring >= 0].tolist()]] = 1 - before[kharkov.hex]
    patched = pygame.surfarray.array3d(view.composite(index, Scene(control=after)))
    fresh = pygame.surfarray.array3d(MapView(scenario).composite(index, Scene(control=after)))
    assert np.array_equal(patched, fresh)


@pytest.fixture
def app() -> Iterator[App]:
    application = App((1920, 1080), sounds=False, settings=Settings(threaded_ai=False))
    yield application
    application.close()


def shots(app: App, game: Game, humans: frozenset[int], out: Path, tag: str) -> list[Path]:
    """The map at the whole-map, middle and closest zooms with each overlay, saved as PNGs."""
    app.open("map", match=Match(game, humans, "solo" if humans else "watch", 0))
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    table, view, rect = screen.table, screen.view, screen.map_rect()
    table.paused = True
    kharkov = game.scenario.map.city_by_id("kharkov")
    assert kharkov is not None
    saved = []
    for overlay in ("none", "supply", "pockets", "zoc"):
        for name in ("supply", "pockets", "zoc"):
            setattr(table.overlays, name, overlay == name)
        table.version += 1
        for zoom in ("whole", "mid", "close"):
            if zoom == "whole":
                view.fit(rect)
            else:
                px = 30.0 if zoom == "mid" else float(ZOOM_LEVELS[-1])
                view.camera.zoom = view.camera.target_zoom = px
                view.center_on_hex(rect, kharkov.hex)
            app.tick(1 / 60)
            app.tick(1 / 60)
            path = out / f"{tag}_{overlay}_{zoom}.png"
            pygame.image.save(app.window, str(path))
            saved.append(path)
    return saved


def front_pixels(surface: pygame.Surface) -> int:
    rgb = pygame.surfarray.array3d(surface).astype(np.int32)
    return int((np.abs(rgb - np.array(render.FRONT_COLOR)).sum(axis=2) < 30).sum())


def test_third_kharkov_turn_one_is_drawn_at_every_zoom_with_every_overlay(
    app: App, tmp_path: Path
) -> None:
    scenario = catalogue.scenario("kharkov_1943")
    axis = scenario.side_table.index("axis")
    game = Game(scenario, 7)
    game.apply(EndPhase())  # to the combat phase, with an attack declared
    targets = engine.attack_targets(scenario, game.state)
    target, attackers = max(targets.items(), key=lambda kv: len(kv[1]))
    game.apply(Attack(tuple(attackers), target))
    saved = shots(app, game, frozenset({axis}), tmp_path, "turn1")
    assert len(saved) == 12 and all(p.stat().st_size > 10_000 for p in saved)
    for path in saved:
        assert front_pixels(pygame.image.load(str(path))) > 300, path.name


def test_the_end_of_a_computer_game_is_drawn_with_islands_outlined(
    app: App, tmp_path: Path
) -> None:
    scenario = catalogue.scenario("kharkov_1943")
    game = Game(scenario, 7)
    players = {s: make_player(scenario, s, 100 + s) for s in scenario.sides}
    while not game.state.over:
        play_one(game, players[scenario.sides[game.state.side_index]])
    view = MapView(scenario)
    found = view.front(game.state.control).map
    limit = max(8, scenario.map.size // 60)
    assert all(len(island.hexes) <= limit for island in found.islands)
    assert len(found.fronts()) < 12  # the front reads as a few lines, however many islands
    saved = shots(app, game, frozenset(), tmp_path, "end")
    for path in saved:
        assert front_pixels(pygame.image.load(str(path))) > 300, path.name
    for side in scenario.sides:
        picture = supply_picture(scenario, game.state, side)
        assert (picture.stage >= 1).any() and len(picture.railheads)
        assert not (picture.stage[scenario.map.water] == OUT).any()


def test_no_counter_hides_a_town_name() -> None:
    """A stack on Kharkov: at every zoom its name goes below the counter, over anything there."""
    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode((1200, 800))
    scenario = catalogue.scenario("kharkov_1943")
    kharkov = scenario.map.city_by_id("kharkov")
    assert kharkov is not None
    look = CounterLook(0, (152, 164, 176), 1, 2, "SS Totenkopf", 6, 5, 10, 4, 4)
    scene = Scene(
        control=scenario.control.copy(), stacks=[StackView(kharkov.hex, [0, 1], [look, look])]
    )
    view = MapView(scenario)
    rect = pygame.Rect(0, 0, 1200, 800)
    for zoom in ZOOM_LEVELS:
        view.camera.zoom = view.camera.target_zoom = float(zoom)
        view.center_on_hex(rect, kharkov.hex)
        view.draw(surface, rect, scene)
        places = {h: (r, img) for h, r, img in view.label_places(rect, scene)}
        place, img = places[kharkov.hex]
        _, y = view.hex_screen(rect, kharkov.hex)
        assert place.top > y + counter_px(zoom) / 2 - 1  # below the counter
        letters = pygame.surfarray.array_alpha(img) == 255
        shown = pygame.surfarray.array3d(surface.subsurface(place))[letters]
        assert np.array_equal(shown, pygame.surfarray.array3d(img)[letters]), zoom
