"""The map's images per zoom level: drawn once, then patched where control or the veil change.

The static map (terrain, rivers, roads, railways, town marks) is rendered per zoom level on first
use and, with the control tint, fortified belts, front line and fog veil, composited into one
image per level. When control or the veil change, only the hexes that changed and the front
pieces that came or went are repainted, so a move costs a few stamps and a stretch of line.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pygame

from game.hexgrid import Layout
from game.scenario.model import Scenario
from game.ui import frontline, render
from game.ui.camera import ZOOM_LEVELS
from game.ui.palette import Palette
from game.ui.scene import Scene

VEIL = (60, 64, 70, 34)
KEEP_COMPOSITES = 3  # zoom levels whose composited map stays cached
INCREMENTAL_LIMIT = 600  # changed hexes up to which a composite is patched, not rebuilt


@dataclass
class _Composite:
    surface: pygame.Surface
    control: npt.NDArray[np.uint8]
    veil: npt.NDArray[np.bool_] | None
    front: frozenset[bytes]  # the front pieces drawn on it (`_piece_keys`)


@dataclass
class Front:
    """The front of one control layer in world units, with its pieces for drawing."""

    control: npt.NDArray[np.uint8]
    map: frontline.FrontMap
    segments: npt.NDArray[np.float64]
    kinds: npt.NDArray[np.int8]
    teams: npt.NDArray[np.int16]
    keys: frozenset[bytes]


class MapLevels:
    """The cached images of one scenario's map: static levels, composites, hex stamps, and the
    front of the last control layer asked for. `generation` counts the times the levels were
    dropped (the ice changed), so that a picture made from them knows when to be remade."""

    def __init__(
        self,
        scenario: Scenario,
        colors: Palette,
        teams: npt.NDArray[np.uint8],
        team_colors: dict[int, tuple[int, int, int]],
    ) -> None:
        self.grid = scenario.map
        self.palette = colors
        self.tints = colors.tints()
        self.teams = teams
        self.team_colors = team_colors
        self.world_layout = render.map_layout(self.grid, 1.0)
        self.generation = 0
        self._static: dict[int, pygame.Surface] = {}
        self._composite: OrderedDict[int, _Composite] = OrderedDict()
        self._stamps: dict[tuple[int, tuple[int, int, int, int]], pygame.Surface] = {}
        self._front: Front | None = None
        self._ice: npt.NDArray[np.bool_] | None = None  # the ice the cached levels show

    def front(self, control: npt.NDArray[np.uint8]) -> Front:
        """The front lines of a control layer (world units), kept for the last layer asked."""
        cached = self._front
        if cached is not None and np.array_equal(cached.control, control):
            return cached
        found = frontline.front_map(self.grid, self.world_layout, control, self.teams)
        segments, kinds, teams = found.segments()
        keys = _piece_keys(segments, kinds, teams)
        self._front = Front(control.copy(), found, segments, kinds, teams, keys)
        return self._front

    def draw_front(
        self, surface: pygame.Surface, front: Front, px: float, area: pygame.Rect | None = None
    ) -> None:
        render.draw_front_segments(
            surface, front.segments, front.kinds, front.teams, px, px, self.team_colors, area
        )

    def show_ice(self, ice: npt.NDArray[np.bool_] | None) -> None:
        """Draw the levels with this ice from now on: when it differs from the ice they were
        drawn with (the weather turned), the cached levels are dropped and drawn afresh."""
        if ice is None or not ice.any():
            if self._ice is None:
                return
            self._ice = None
        elif self._ice is not None and np.array_equal(ice, self._ice):
            return
        else:
            self._ice = ice.copy()
        self._static.clear()
        self._composite.clear()
        self.generation += 1

    def static_level(self, index: int) -> pygame.Surface:
        """The static map at a zoom level: terrain (with the ice of `show_ice`), coastline,
        routes, rivers and town marks (their names are drawn above the counters)."""
        surface = self._static.get(index)
        if surface is None:
            px = ZOOM_LEVELS[index]
            size = render.map_pixel_size(self.grid, px)
            surface = pygame.Surface(size)
            if pygame.display.get_init() and pygame.display.get_surface() is not None:
                surface = surface.convert()
            surface.fill(render.PAPER)
            layout = render.map_layout(self.grid, px)
            render.draw_terrain(surface, self.grid, layout, ice=self._ice)
            render.draw_routes(surface, self.grid, layout)
            render.draw_rivers(surface, self.grid, layout)
            render.draw_city_marks(surface, self.grid, layout)
            self._static[index] = surface
        return surface

    def composite(self, index: int, scene: Scene) -> pygame.Surface:
        """The static level with control tint, front line and fog veil.

        Kept for the last few levels used. When control or the veil change, only the hexes that
        changed and the front pieces that changed are redrawn: a move costs a few stamps and a
        stretch of line, not a whole level.
        """
        cached = self._composite.get(index)
        veil = scene.veil
        front = self.front(scene.control)
        if cached is not None:
            same_veil = (cached.veil is None and veil is None) or (
                cached.veil is not None and veil is not None and np.array_equal(cached.veil, veil)
            )
            if same_veil and np.array_equal(cached.control, scene.control):
                self._composite.move_to_end(index)
                return cached.surface
            if (cached.veil is None) == (veil is None):
                changed = cached.control != scene.control
                if veil is not None and cached.veil is not None:
                    changed |= cached.veil != veil
                moved = cached.front ^ front.keys
                if np.count_nonzero(changed) + len(moved) <= INCREMENTAL_LIMIT:
                    self._redraw(index, cached, scene, np.nonzero(changed)[0], moved, front)
                    self._composite.move_to_end(index)
                    return cached.surface
        surface = self.static_level(index).copy()
        px = ZOOM_LEVELS[index]
        layout = render.map_layout(self.grid, px)
        self._paint(surface, layout, scene.control, veil, np.arange(self.grid.size), scene.belts)
        self.draw_front(surface, front, px)
        self._composite[index] = _Composite(
            surface, scene.control.copy(), None if veil is None else veil.copy(), front.keys
        )
        self._composite.move_to_end(index)
        while len(self._composite) > KEEP_COMPOSITES:
            self._composite.popitem(last=False)
        return surface

    def _paint(
        self,
        surface: pygame.Surface,
        layout: Layout,
        control: npt.NDArray[np.uint8],
        veil: npt.NDArray[np.bool_] | None,
        hexes: npt.NDArray[np.intp],
        belts: tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]] | None = None,
    ) -> None:
        """Control tint, fortified belts and fog veil stamped on the given hexes (blended
        straight on the map)."""
        left, top = render.stamp_offsets(self.grid, layout)
        for side, color in self.tints.items():
            stamp = self.level_stamp(layout, color)
            chosen = hexes[control[hexes] == side].tolist()
            surface.blits([(stamp, (int(left[h]), int(top[h]))) for h in chosen], doreturn=False)
        if belts is not None:
            level, owner = belts
            for h in hexes[level[hexes] > 0].tolist():
                stamp = self.belt_stamp(layout, int(owner[h]), int(level[h]))
                surface.blit(stamp, (int(left[h]), int(top[h])))
        if veil is not None:
            stamp = self.level_stamp(layout, VEIL)
            chosen = hexes[veil[hexes]].tolist()
            surface.blits([(stamp, (int(left[h]), int(top[h]))) for h in chosen], doreturn=False)

    def belt_stamp(self, layout: Layout, side: int, level: int) -> pygame.Surface:
        key = (round(layout.neighbor_spacing * 4), (side, level, -1, -1))
        stamp = self._stamps.get(key)
        if stamp is None:
            stamp = render.belt_stamp(layout, self.palette.dark(side), level)
            self._stamps[key] = stamp
        return stamp

    def level_stamp(self, layout: Layout, color: tuple[int, int, int, int]) -> pygame.Surface:
        return self.hex_stamp(layout.neighbor_spacing, color)

    def _redraw(
        self,
        index: int,
        cached: _Composite,
        scene: Scene,
        changed: npt.NDArray[np.intp],
        moved: frozenset[bytes],
        front: Front,
    ) -> None:
        """Repaint around each changed hex and each front piece that came or went, clipped to
        those areas: the static map, then tint and veil of every hex touching an area, then
        the front pieces through it."""
        grid = self.grid
        px = ZOOM_LEVELS[index]
        layout = render.map_layout(grid, px)
        left, top = render.stamp_offsets(grid, layout)
        sw, sh = self.level_stamp(layout, VEIL).get_size()
        pad = render.front_widths(px)[1] // 2 + 2
        rects = [
            pygame.Rect(int(left[h]) - pad, int(top[h]) - pad, sw + 2 * pad, sh + 2 * pad)
            for h in changed.tolist()
        ]
        for key in moved:
            x0, y0, x1, y1 = (v * px / _KEY_SCALE for v in np.frombuffer(key, np.int64)[:4])
            rect = pygame.Rect(int(min(x0, x1)), int(min(y0, y1)), 1, 1)
            rect.union_ip(pygame.Rect(int(max(x0, x1)), int(max(y0, y1)), 1, 1))
            rects.append(rect.inflate(4 * pad, 4 * pad))
        areas: list[pygame.Rect] = []
        for rect in rects:
            hit = rect.collidelist(areas)
            while hit >= 0:  # merge overlapping areas so that no hex is painted twice
                rect.union_ip(areas.pop(hit))
                hit = rect.collidelist(areas)
            areas.append(rect)
        surface = cached.surface
        clip = surface.get_clip()
        base = self.static_level(index)
        for area in areas:
            touching = np.nonzero(
                (left < area.right)
                & (left + sw > area.left)
                & (top < area.bottom)
                & (top + sh > area.top)
            )[0]
            surface.set_clip(area)
            surface.blit(base, area.topleft, area)
            self._paint(surface, layout, scene.control, scene.veil, touching, scene.belts)
            self.draw_front(surface, front, px, area)
        surface.set_clip(clip)
        cached.control = scene.control.copy()
        cached.veil = None if scene.veil is None else scene.veil.copy()
        cached.front = front.keys

    def hex_stamp(self, zoom: float, color: tuple[int, int, int, int]) -> pygame.Surface:
        key = (round(zoom * 4), color)
        stamp = self._stamps.get(key)
        if stamp is None:
            if len(self._stamps) > 400:
                self._stamps.clear()
            stamp = render.hex_mask_stamp(render.map_layout(self.grid, zoom), color)
            self._stamps[key] = stamp
        return stamp


_KEY_SCALE = 64.0  # front pieces are compared on a 1/64 grid of world units


def _piece_keys(
    segments: npt.NDArray[np.float64], kinds: npt.NDArray[np.int8], teams: npt.NDArray[np.int16]
) -> frozenset[bytes]:
    """One key per front piece (its end points on a fine grid, its kind and team), so that two
    fronts are compared piece by piece: what differs is what a redraw must touch."""
    rows = np.hstack(
        [
            np.round(segments * _KEY_SCALE).astype(np.int64),
            kinds.astype(np.int64)[:, None],
            teams.astype(np.int64)[:, None],
        ]
    )
    return frozenset(row.tobytes() for row in rows)
