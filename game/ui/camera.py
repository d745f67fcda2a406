"""Where the map is looked at from: the camera over world units, and the zoom levels the map is
cached at (pixels between hex centres)."""

from __future__ import annotations

import math

import pygame

ZOOM_LEVELS: tuple[int, ...] = (12, 15, 19, 24, 30, 38, 47, 58, 72)  # pixels between hex centres
PAN_SPEED = 900.0  # screen pixels per second for keys
ZOOM_RATE = 14.0  # 1/s: how fast a zoom glides to its level


class Camera:
    """Where the map is looked at from: the world point at the viewport's top-left and the zoom.

    World units are pixels at one pixel per hex spacing, so a point keeps its world coordinates
    at every zoom: screen = viewport corner + (world - left) * zoom.
    """

    def __init__(self, zoom: float = 30.0) -> None:
        self.left = 0.0
        self.top = 0.0
        self.zoom = zoom
        self.target_zoom = zoom
        self.anchor: tuple[float, float] | None = None  # screen point held still while zooming

    def to_world(self, view: pygame.Rect, sx: float, sy: float) -> tuple[float, float]:
        return self.left + (sx - view.x) / self.zoom, self.top + (sy - view.y) / self.zoom

    def to_screen(self, view: pygame.Rect, wx: float, wy: float) -> tuple[float, float]:
        return view.x + (wx - self.left) * self.zoom, view.y + (wy - self.top) * self.zoom

    def set_zoom(self, view: pygame.Rect, zoom: float, about: tuple[float, float]) -> None:
        """Change the zoom at once, keeping the world point under `about` where it is."""
        wx, wy = self.to_world(view, *about)
        self.zoom = zoom
        self.left = wx - (about[0] - view.x) / zoom
        self.top = wy - (about[1] - view.y) / zoom

    def step_zoom(self, view: pygame.Rect, steps: int, about: tuple[float, float]) -> None:
        """Glide `steps` zoom levels in (positive) or out, about a screen point."""
        current = min(range(len(ZOOM_LEVELS)), key=lambda i: abs(ZOOM_LEVELS[i] - self.target_zoom))
        index = max(0, min(len(ZOOM_LEVELS) - 1, current + steps))
        self.target_zoom = float(ZOOM_LEVELS[index])
        self.anchor = about

    def center_on(self, view: pygame.Rect, wx: float, wy: float) -> None:
        self.left = wx - view.width / 2 / self.zoom
        self.top = wy - view.height / 2 / self.zoom

    def update(self, view: pygame.Rect, dt: float, world_size: tuple[float, float]) -> bool:
        """Advance a gliding zoom and keep the map on screen; True while still moving."""
        moving = False
        if self.zoom != self.target_zoom:
            about = self.anchor or view.center
            k = 1.0 - math.exp(-ZOOM_RATE * max(dt, 0.0))
            zoom = self.zoom + (self.target_zoom - self.zoom) * k
            if abs(zoom - self.target_zoom) < 0.01 * self.target_zoom or dt <= 0:
                zoom = self.target_zoom
            self.set_zoom(view, zoom, about)
            moving = zoom != self.target_zoom
        self.clamp(view, world_size)
        return moving

    def clamp(self, view: pygame.Rect, world_size: tuple[float, float]) -> None:
        """Keep at least half the viewport over the map."""
        w, h = world_size
        vw, vh = view.width / self.zoom, view.height / self.zoom
        self.left = min(max(self.left, -vw / 2), w - vw / 2)
        self.top = min(max(self.top, -vh / 2), h - vh / 2)


def level_for(zoom: float) -> int:
    """Index of the cached level to draw a zoom from: the smallest one at least as fine."""
    for i, px in enumerate(ZOOM_LEVELS):
        if px >= zoom - 1e-6:
            return i
    return len(ZOOM_LEVELS) - 1
