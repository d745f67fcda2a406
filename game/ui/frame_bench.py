"""How long one full frame of the game's map screen takes: the figure `eastfront bench` reports.

The bench opens the real map screen on the catalogue's first scenario (or the one named) at
1920x1080 (an off-screen window: SDL's dummy video driver unless a display is already up), lets the first frames build the caches, then
times frames while the camera pans and glides through zoom levels: the work of a player looking
around the map. `frame_ms` is the median frame; the slowest is reported beside it.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

BENCH_SEED = 19430219


def measure(
    width: int = 1920, height: int = 1080, frames: int = 240, scenario: str | None = None
) -> dict[str, Any]:
    """Frame times (ms) of the map screen while panning and zooming across the whole map."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from game.ui import catalogue
    from game.ui.app import App, Settings
    from game.ui.mapscreen import MapScreen
    from game.ui.mapview import ZOOM_LEVELS
    from game.ui.setup import start_match

    name = scenario or catalogue.default_id()
    if name is None:
        raise FileNotFoundError("no scenario to time the map screen on")
    app = App((width, height), sounds=False, settings=Settings(threaded_ai=False))
    try:
        start_match(app, name, "solo", seed=BENCH_SEED)
        screen = app.stack.top
        assert isinstance(screen, MapScreen)
        rect = screen.map_rect()
        view = screen.view
        # warm-up: every zoom level's cached image, and the counters at each size
        for px in ZOOM_LEVELS:
            view.camera.zoom = view.camera.target_zoom = float(px)
            app.tick(1 / 60)
        view.camera.zoom = view.camera.target_zoom = 30.0
        view.center_on_hex(rect, screen.table.game.scenario.map.size // 2)
        times = []
        world_w, world_h = view.world_size
        for i in range(frames):
            phase = i / frames
            # a slow circle over the map, with a zoom glide in or out every 30 frames
            cam = view.camera
            cam.center_on(
                rect,
                world_w * (0.5 + 0.3 * _cos(phase)),
                world_h * (0.5 + 0.3 * _sin(phase)),
            )
            if i % 30 == 0:
                cam.step_zoom(rect, 1 if (i // 30) % 4 < 2 else -1, rect.center)
            start = time.perf_counter()
            app.tick(1 / 60)
            times.append((time.perf_counter() - start) * 1000.0)
        return {
            "frame_ms": statistics.median(times),
            "frame_ms_p95": sorted(times)[int(0.95 * (len(times) - 1))],
            "frame_ms_max": max(times),
            "frame_fps": 1000.0 / statistics.median(times),
            "frame_size": [width, height],
            "frame_scenario": name,
            "frame_driver": pygame.display.get_driver(),
        }
    finally:
        app.close()


def _cos(phase: float) -> float:
    import math

    return math.cos(2 * math.pi * phase)


def _sin(phase: float) -> float:
    import math

    return math.sin(2 * math.pi * phase)


def frame_ms(width: int = 1920, height: int = 1080) -> float:
    """The median time (ms) to draw one full frame of the default scenario's map at that size."""
    return float(measure(width, height)["frame_ms"])


if __name__ == "__main__":  # pragma: no cover - a quick look from the shell
    print(measure())
