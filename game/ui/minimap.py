"""The whole map small in a corner of the map view: control, the front, counters as dots and the
outline of what the camera shows; a click on it turns into a world point to jump to."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pygame

from game.ui import render
from game.ui.camera import ZOOM_LEVELS, Camera
from game.ui.maplevels import MapLevels
from game.ui.palette import MINIMAP_TINT_ALPHA, ink_of
from game.ui.scene import Scene


class Minimap:
    """Keeps its picture for the last control layer, size and ice (`MapLevels.generation`)."""

    def __init__(
        self,
        levels: MapLevels,
        world_size: tuple[float, float],
        centers: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    ) -> None:
        self.levels = levels
        self.world_size = world_size
        self.centers = centers
        self._picture: tuple[bytes, int, pygame.Surface] | None = None

    def rect(self, view: pygame.Rect, width: int = 220) -> pygame.Rect:
        w, h = self.world_size
        height = int(width * h / w)
        return pygame.Rect(view.left + 10, view.bottom - height - 10, width, height)

    def draw(
        self,
        surface: pygame.Surface,
        view: pygame.Rect,
        scene: Scene,
        camera: Camera,
        width: int = 220,
    ) -> pygame.Rect:
        """The whole map small, with control, counters as dots and the viewport's outline."""
        rect = self.rect(view, width)
        levels = self.levels
        levels.show_ice(scene.ice)
        key = scene.control.tobytes()
        if (
            self._picture is None
            or self._picture[0] != key
            or self._picture[1] != levels.generation
            or self._picture[2].get_size() != rect.size
        ):
            index = 0
            base = levels.static_level(index).copy()
            grid = levels.grid
            layout = render.map_layout(grid, ZOOM_LEVELS[index])
            left, top = render.stamp_offsets(grid, layout)
            tint = pygame.Surface(base.get_size(), pygame.SRCALPHA)
            for side, color in levels.palette.tints(MINIMAP_TINT_ALPHA).items():
                stamp = render.hex_mask_stamp(layout, color)
                hexes = np.nonzero(scene.control == side)[0].tolist()
                tint.blits([(stamp, (int(left[h]), int(top[h]))) for h in hexes], doreturn=False)
            base.blit(tint, (0, 0))
            levels.draw_front(base, levels.front(scene.control), ZOOM_LEVELS[index])
            self._picture = (key, levels.generation, pygame.transform.smoothscale(base, rect.size))
        surface.blit(self._picture[2], rect)
        scale = rect.width / self.world_size[0]
        for stack in scene.stacks:
            if not stack.looks or stack.looks[-1].ghost:
                continue
            wx, wy = self.centers[0][stack.hex], self.centers[1][stack.hex]
            fill = stack.looks[-1].color
            ink = ink_of(fill)
            dot = pygame.Rect(0, 0, 5, 5)
            dot.center = (int(rect.x + wx * scale), int(rect.y + wy * scale))
            pygame.draw.rect(surface, fill, dot)
            pygame.draw.rect(surface, ink, dot, 1)
        frame = pygame.Rect(
            int(rect.x + camera.left * scale),
            int(rect.y + camera.top * scale),
            max(4, int(view.width / camera.zoom * scale)),
            max(4, int(view.height / camera.zoom * scale)),
        )
        clip = surface.get_clip()
        surface.set_clip(rect)
        pygame.draw.rect(surface, (255, 255, 255), frame, 2)
        surface.set_clip(clip)
        pygame.draw.rect(surface, (20, 20, 20), rect, 2)
        return rect

    def to_world(
        self, view: pygame.Rect, sx: float, sy: float, width: int = 220
    ) -> tuple[float, float]:
        """The world point under a screen point of the minimap."""
        rect = self.rect(view, width)
        scale = rect.width / self.world_size[0]
        return (sx - rect.x) / scale, (sy - rect.y) / scale
