"""Every screen draws to a PNG; the map view's geometry; the frame bench; the generated sounds."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.actions import EndPhase
from game.ui import catalogue
from game.ui.app import App
from game.ui.camera import ZOOM_LEVELS, Camera, level_for
from game.ui.dialogs import GameMenu, HelpOverlay, LoadDialog, SaveDialog, save_match
from game.ui.driver import frames
from game.ui.handover import HandOverScreen
from game.ui.mapscreen import MapScreen
from game.ui.mapview import MapView
from game.ui.menu import MainMenu
from game.ui.report import ReportScreen
from game.ui.screen import Screen
from game.ui.setup import SetupScreen, start_match

pytestmark = pytest.mark.window


def snapshot(app: App, path: Path, n: int = 3) -> np.ndarray:
    frames(app, n)
    pygame.image.save(app.window, str(path))
    assert path.stat().st_size > 0
    return pygame.surfarray.array3d(app.window)


def varied(pixels: np.ndarray) -> bool:
    """More than a blank fill: many distinct colours."""
    flat = pixels.reshape(-1, 3)[::37]
    return len(np.unique(flat, axis=0)) > 20


def test_every_screen_draws_to_a_png(app: App, tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    assert varied(snapshot(app, shots / "menu.png"))
    entry = catalogue.entries()[0]
    app.push(SetupScreen(app, entry, "solo"))
    assert varied(snapshot(app, shots / "setup.png"))
    app.stack.pop()
    start_match(app, entry.id, "solo", seed=5)
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    assert varied(snapshot(app, shots / "map.png"))
    match = screen.match
    match.game.apply(EndPhase())
    assert varied(snapshot(app, shots / "map_combat.png"))
    overlays: list[tuple[str, Screen]] = [
        ("help", HelpOverlay(app)),
        ("save", SaveDialog(app, match)),
        ("menu_in_game", GameMenu(app, screen)),
        ("report", ReportScreen(app, match)),
    ]
    for name, overlay in overlays:
        app.push(overlay)
        assert varied(snapshot(app, shots / f"{name}.png"))
        app.stack.pop()
    save_match(match, Path(app.settings.save_dir) / "one.json")
    app.push(LoadDialog(app, screen))
    assert varied(snapshot(app, shots / "load.png"))
    app.stack.pop()
    app.stack.clear_to(MainMenu(app))
    start_match(app, entry.id, "hotseat", seed=5)
    frames(app, 2)
    assert isinstance(app.stack.top, HandOverScreen)
    snapshot(app, shots / "handover.png")
    assert len(list(shots.glob("*.png"))) == 10


def test_drawing_leaves_the_game_unchanged(app: App) -> None:
    start_match(app, "kharkov_1943", "solo", seed=5)
    screen = app.stack.top
    assert isinstance(screen, MapScreen)
    game = screen.match.game
    before = game.state.state_hash()
    screen.table.overlays.supply = screen.table.overlays.pockets = screen.table.overlays.zoc = True
    for _ in range(3):
        screen.draw(app.window)
    assert game.state.state_hash() == before and not game.actions


def test_zoom_keeps_the_point_under_the_cursor() -> None:
    camera = Camera(19.0)
    view = pygame.Rect(0, 40, 1200, 800)
    camera.left, camera.top = 5.0, 3.0
    anchor = (700.0, 300.0)
    before = camera.to_world(view, *anchor)
    camera.step_zoom(view, 2, anchor)
    for _ in range(200):
        camera.update(view, 1 / 60, (1e6, 1e6))
    assert camera.zoom == camera.target_zoom == ZOOM_LEVELS[ZOOM_LEVELS.index(19) + 2]
    after = camera.to_world(view, *anchor)
    assert after == pytest.approx(before, abs=1e-6)


def test_a_click_finds_the_hex_drawn_there() -> None:
    pygame.font.init()
    scenario = catalogue.scenario("kharkov_1943")
    mapview = MapView(scenario)
    view = pygame.Rect(0, 0, 1000, 700)
    mapview.camera.zoom = 38.0
    mapview.camera.left, mapview.camera.top = 4.0, 6.0
    for h in range(0, scenario.map.size, 97):
        x, y = mapview.hex_screen(view, h)
        assert mapview.hex_at(view, x + 3, y - 2) == h


def test_levels_cover_every_zoom() -> None:
    assert level_for(ZOOM_LEVELS[0] - 3) == 0
    assert level_for(ZOOM_LEVELS[-1] + 10) == len(ZOOM_LEVELS) - 1
    for i, px in enumerate(ZOOM_LEVELS):
        assert level_for(px) == i
        if i:
            assert level_for(px - 0.5) == i


def test_frame_bench_times_a_full_frame() -> None:
    from game.ui.frame_bench import measure

    figures = measure(1280, 720, frames=20)
    assert figures["frame_ms"] > 0 and figures["frame_fps"] > 0
    assert figures["frame_size"] == [1280, 720]


def test_sound_files_are_the_generated_ones(tmp_path: Path) -> None:
    from game.ui.assets import assets_dir
    from game.ui.soundgen import SOUNDS, write_sounds

    for path in write_sounds(tmp_path):
        shipped = assets_dir() / "sounds" / path.name
        assert shipped.read_bytes() == path.read_bytes()
        with wave.open(str(path)) as w:
            assert w.getnframes() > 0
    assert {p.stem for p in tmp_path.glob("*.wav")} == set(SOUNDS)
    assert (assets_dir() / "sounds" / "LICENSE.txt").exists()
    assert (assets_dir() / "fonts" / "LICENSE.txt").exists()
