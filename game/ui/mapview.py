"""The game map on screen: camera, cached zoom levels, counters and overlays, and the minimap.

Speed comes from drawing the expensive part once: the static map (terrain, rivers, roads,
railways, towns) is rendered per zoom level on first use and, with the control tint, front line
and fog veil, composited into one image per level that is rebuilt only when those change. A frame
blits the visible part of that image (scaled while a zoom glides between two levels), then the
cached counter images and the few overlay hexes. `draw` reads the `Scene`; it changes nothing.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pygame

from game.hexgrid import Layout
from game.scenario.model import Scenario
from game.ui import render
from game.ui.counters import COUNTER_SHARE, CounterLook, render_counter, stack_offset
from game.ui.palette import MINIMAP_TINT_ALPHA, ink_of, palette

ZOOM_LEVELS: tuple[int, ...] = (12, 15, 19, 24, 30, 38, 47, 58)  # pixels between hex centres
DESK: tuple[int, int, int] = (58, 60, 50)
VEIL = (60, 64, 70, 34)
PAN_SPEED = 900.0  # screen pixels per second for keys
ZOOM_RATE = 14.0  # 1/s: how fast a zoom glides to its level
KEEP_COMPOSITES = 3  # zoom levels whose composited map stays cached
INCREMENTAL_LIMIT = 600  # changed hexes up to which a composite is patched, not rebuilt


@dataclass
class StackView:
    """One hex's counters as a side sees them, bottom first."""

    hex: int
    units: list[int]
    looks: list[CounterLook]


@dataclass
class Marker:
    """A combat result or event note pinned to a hex for a while."""

    hex: int
    text: str
    color: tuple[int, int, int]
    born: float
    life: float = 8.0


@dataclass
class Trail:
    """A move just made (by the other side, usually), drawn as a fading arrow."""

    path: list[int]
    side: int
    color: tuple[int, int, int]  # the side's
    born: float
    life: float = 4.0


@dataclass
class Scene:
    """Everything the map shows this frame, prepared by the screen from the game and the viewer."""

    control: npt.NDArray[np.uint8]
    veil: npt.NDArray[np.bool_] | None = None  # hexes the viewer cannot see now
    stacks: list[StackView] = field(default_factory=list)
    selected_unit: int = -1
    selected_hex: int = -1
    hover_hex: int = -1
    reach: npt.NDArray[np.int32] | None = None  # hexes the selected unit can end on
    stops: npt.NDArray[np.int32] | None = None  # ... of which in enemy ZOC (movement ends)
    path: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)  # attackable enemy hexes
    attackers: list[int] = field(default_factory=list)  # units chosen for the attack
    target: int = -1
    declared: list[tuple[list[int], int]] = field(default_factory=list)  # (attacker hexes, target)
    out_of_supply: npt.NDArray[np.bool_] | None = None  # supply overlay: hexes beyond supply
    pockets: list[npt.NDArray[np.int32]] = field(default_factory=list)
    zoc: npt.NDArray[np.bool_] | None = None
    markers: list[Marker] = field(default_factory=list)
    trails: list[Trail] = field(default_factory=list)
    now: float = 0.0
    ice: npt.NDArray[np.bool_] | None = None  # water frozen hard this turn (`terrain.ice_hexes`)


@dataclass
class _Composite:
    surface: pygame.Surface
    control: npt.NDArray[np.uint8]
    veil: npt.NDArray[np.bool_] | None


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


class MapView:
    """Draws a scenario's map for a camera; owns the per-level image caches."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.grid = scenario.map
        self.palette = palette(scenario)
        self.tints = self.palette.tints()
        self.teams = render.team_lookup(scenario.side_table.team)
        self.world_layout = render.map_layout(self.grid, 1.0)
        w, h = render.map_pixel_size(self.grid, 1.0)
        self.world_size = (float(w), float(h))
        self.camera = Camera()
        self._static: dict[int, pygame.Surface] = {}
        self._composite: OrderedDict[int, _Composite] = OrderedDict()
        self._counters: dict[tuple[CounterLook, int], pygame.Surface] = {}
        self._stamps: dict[tuple[int, tuple[int, int, int, int]], pygame.Surface] = {}
        self._minimap: tuple[bytes, pygame.Surface] | None = None
        self._text: dict[tuple[str, int, tuple[int, int, int]], pygame.Surface] = {}
        self._ice: npt.NDArray[np.bool_] | None = None  # the ice the cached levels show
        self.vp_hexes = [c.hex for c in self.grid.cities if scenario.vp[c.hex] > 0]
        cx, cy = render.hex_centers(self.grid, self.world_layout)
        self.centers = (cx, cy)

    # --- geometry -----------------------------------------------------------------------------

    def hex_at(self, view: pygame.Rect, sx: float, sy: float) -> int:
        """The hex under a screen point, -1 off the map."""
        wx, wy = self.camera.to_world(view, sx, sy)
        return int(self.grid.index_of(self.world_layout.pixel_to_hex(wx, wy)))

    def hex_screen(self, view: pygame.Rect, h: int) -> tuple[float, float]:
        return self.camera.to_screen(view, float(self.centers[0][h]), float(self.centers[1][h]))

    def center_on_hex(self, view: pygame.Rect, h: int) -> None:
        self.camera.center_on(view, float(self.centers[0][h]), float(self.centers[1][h]))

    def fit(self, view: pygame.Rect) -> None:
        """Zoom to the level that shows the whole map, centred."""
        w, h = self.world_size
        best = ZOOM_LEVELS[0]
        for px in ZOOM_LEVELS:
            if w * px <= view.width and h * px <= view.height:
                best = px
        self.camera.zoom = self.camera.target_zoom = float(best)
        self.camera.center_on(view, w / 2, h / 2)

    def layout(self, zoom: float) -> Layout:
        return render.map_layout(self.grid, zoom)

    # --- cached images -------------------------------------------------------------------------

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
        self._minimap = None

    def static_level(self, index: int) -> pygame.Surface:
        """The static map at a zoom level: terrain (with the ice of `show_ice`), coastline,
        routes, rivers, town marks and names."""
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
            render.draw_city_labels(surface, self.grid, layout, self.scenario.vp)
            self._static[index] = surface
        return surface

    def composite(self, index: int, scene: Scene) -> pygame.Surface:
        """The static level with control tint, front line and fog veil.

        Kept for the last few levels used. When control or the veil change, only the hexes that
        changed (and the ring around them, for the front line) are redrawn: a move costs a few
        stamps, not a whole level.
        """
        cached = self._composite.get(index)
        veil = scene.veil
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
                if np.count_nonzero(changed) <= INCREMENTAL_LIMIT:
                    self._redraw_hexes(index, cached, scene, np.nonzero(changed)[0])
                    self._composite.move_to_end(index)
                    return cached.surface
        surface = self.static_level(index).copy()
        layout = render.map_layout(self.grid, ZOOM_LEVELS[index])
        self._paint(surface, layout, scene.control, veil, np.arange(self.grid.size))
        render.draw_front(surface, self.grid, layout, scene.control, self.teams)
        self._composite[index] = _Composite(
            surface, scene.control.copy(), None if veil is None else veil.copy()
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
    ) -> None:
        """Control tint and fog veil stamped on the given hexes (blended straight on the map)."""
        left, top = render.stamp_offsets(self.grid, layout)
        for side, color in self.tints.items():
            stamp = self.level_stamp(layout, color)
            chosen = hexes[control[hexes] == side].tolist()
            surface.blits([(stamp, (int(left[h]), int(top[h]))) for h in chosen], doreturn=False)
        if veil is not None:
            stamp = self.level_stamp(layout, VEIL)
            chosen = hexes[veil[hexes]].tolist()
            surface.blits([(stamp, (int(left[h]), int(top[h]))) for h in chosen], doreturn=False)

    def level_stamp(self, layout: Layout, color: tuple[int, int, int, int]) -> pygame.Surface:
        return self.hex_stamp(layout.neighbor_spacing, color)

    def _redraw_hexes(
        self, index: int, cached: _Composite, scene: Scene, changed: npt.NDArray[np.intp]
    ) -> None:
        """Repaint the neighbourhood of each changed hex, clipped to it: the static map, then
        tint and veil of every hex touching the area, then the front line through it."""
        grid = self.grid
        layout = render.map_layout(grid, ZOOM_LEVELS[index])
        left, top = render.stamp_offsets(grid, layout)
        sw, sh = self.level_stamp(layout, VEIL).get_size()
        pad = int(layout.size_x / 3.5) + 2  # half the front line's width, and some
        areas: list[pygame.Rect] = []
        for h in changed.tolist():
            rect = pygame.Rect(int(left[h]) - pad, int(top[h]) - pad, sw + 2 * pad, sh + 2 * pad)
            hit = rect.collidelist(areas)
            while hit >= 0:  # merge overlapping areas so that no hex is painted twice
                rect.union_ip(areas.pop(hit))
                hit = rect.collidelist(areas)
            areas.append(rect)
        surface = cached.surface
        clip = surface.get_clip()
        base = self.static_level(index)
        for area in areas:
            near = area.inflate(2 * pad, 2 * pad)  # front lines reach past their hexes' stamps
            touching = np.nonzero(
                (left < near.right)
                & (left + sw > near.left)
                & (top < near.bottom)
                & (top + sh > near.top)
            )[0]
            surface.set_clip(area)
            surface.blit(base, area.topleft, area)
            self._paint(surface, layout, scene.control, scene.veil, touching)
            render.draw_front(surface, grid, layout, scene.control, self.teams, touching)
        surface.set_clip(clip)
        cached.control = scene.control.copy()
        cached.veil = None if scene.veil is None else scene.veil.copy()

    def counter_image(self, look: CounterLook, px: int) -> pygame.Surface:
        key = (look, px)
        img = self._counters.get(key)
        if img is None:
            if len(self._counters) > 3000:
                self._counters.clear()
            img = render_counter(look, px)
            self._counters[key] = img
        return img

    def hex_stamp(self, zoom: float, color: tuple[int, int, int, int]) -> pygame.Surface:
        key = (round(zoom * 4), color)
        stamp = self._stamps.get(key)
        if stamp is None:
            if len(self._stamps) > 400:
                self._stamps.clear()
            stamp = render.hex_mask_stamp(render.map_layout(self.grid, zoom), color)
            self._stamps[key] = stamp
        return stamp

    def text(
        self, text: str, size: int, color: tuple[int, int, int] = render.INK
    ) -> pygame.Surface:
        key = (text, size, color)
        img = self._text.get(key)
        if img is None:
            if len(self._text) > 500:
                self._text.clear()
            img = render.font(size, bold=True).render(text, True, color)
            self._text[key] = img
        return img

    # --- drawing -------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        """One frame of the map into `view` (a rectangle of `surface`)."""
        self.show_ice(scene.ice)
        cam = self.camera
        clip = surface.get_clip()
        surface.set_clip(view)
        surface.fill(DESK, view)
        index = level_for(cam.zoom)
        image = self.composite(index, scene)
        self._blit_level(surface, view, image, ZOOM_LEVELS[index])
        self._draw_vp_owners(surface, view, scene)
        self._draw_overlays(surface, view, scene)
        self._draw_counters(surface, view, scene)
        self._draw_trails(surface, view, scene)
        self._draw_markers(surface, view, scene)
        surface.set_clip(clip)

    def _blit_level(
        self, surface: pygame.Surface, view: pygame.Rect, image: pygame.Surface, level_px: int
    ) -> None:
        cam = self.camera
        ratio = level_px / cam.zoom  # level pixels per screen pixel
        src = pygame.Rect(
            math.floor(cam.left * level_px),
            math.floor(cam.top * level_px),
            math.ceil(view.width * ratio) + 1,
            math.ceil(view.height * ratio) + 1,
        )
        part = src.clip(image.get_rect())
        if part.width <= 0 or part.height <= 0:
            return
        dx = view.x + (part.x - cam.left * level_px) / ratio
        dy = view.y + (part.y - cam.top * level_px) / ratio
        if abs(ratio - 1.0) < 1e-6:
            surface.blit(image, (round(dx), round(dy)), part)
            return
        size = (max(1, round(part.width / ratio)), max(1, round(part.height / ratio)))
        scaled = pygame.transform.scale(image.subsurface(part), size)
        surface.blit(scaled, (round(dx), round(dy)))

    def _visible(self, view: pygame.Rect, h: int, margin: float) -> bool:
        x, y = self.hex_screen(view, h)
        return (
            view.left - margin < x < view.right + margin
            and view.top - margin < y < view.bottom + margin
        )

    def _draw_vp_owners(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        """A small flag in the owner's colour beside every city worth victory points."""
        zoom = self.camera.zoom
        r = max(3, int(zoom * 0.11))
        for h in self.vp_hexes:
            if not self._visible(view, h, zoom):
                continue
            x, y = self.hex_screen(view, h)
            owner = int(scene.control[h])
            fx, fy = int(x - zoom * 0.34), int(y - zoom * 0.3)
            pygame.draw.line(surface, render.INK, (fx, fy - r), (fx, fy + 2 * r), 1)
            flag = pygame.Rect(fx, fy - r, int(r * 2.2), int(r * 1.5))
            pygame.draw.rect(surface, self.palette.fill(owner), flag)
            pygame.draw.rect(surface, render.INK, flag, 1)

    def _stamp_at(
        self, surface: pygame.Surface, view: pygame.Rect, h: int, color: tuple[int, int, int, int]
    ) -> None:
        stamp = self.hex_stamp(self.camera.zoom, color)
        x, y = self.hex_screen(view, h)
        surface.blit(stamp, stamp.get_rect(center=(round(x), round(y))))

    def _outline(
        self,
        surface: pygame.Surface,
        view: pygame.Rect,
        h: int,
        color: tuple[int, int, int],
        width: int,
    ) -> None:
        x, y = self.hex_screen(view, h)
        pts = [(x + dx, y + dy) for dx, dy in self.layout(self.camera.zoom).corner_offsets()]
        pygame.draw.lines(surface, color, True, pts, width)

    def _draw_overlays(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        zoom = self.camera.zoom
        margin = zoom
        if scene.zoc is not None:
            for h in np.nonzero(scene.zoc)[0].tolist():
                if self._visible(view, h, margin):
                    self._stamp_at(surface, view, h, (200, 60, 40, 40))
        if scene.out_of_supply is not None:
            for h in np.nonzero(scene.out_of_supply)[0].tolist():
                if self._visible(view, h, margin):
                    self._stamp_at(surface, view, h, (230, 150, 20, 70))
        for pocket in scene.pockets:
            for h in pocket.tolist():
                if self._visible(view, h, margin):
                    self._stamp_at(surface, view, h, (150, 30, 160, 80))
                    self._outline(surface, view, h, (120, 20, 130), max(2, int(zoom / 12)))
        if scene.reach is not None:
            stops = set(scene.stops.tolist()) if scene.stops is not None else set()
            for h in scene.reach.tolist():
                if self._visible(view, h, margin):
                    color = (255, 190, 60, 70) if h in stops else (255, 255, 160, 90)
                    self._stamp_at(surface, view, h, color)
        for h in scene.targets:
            if self._visible(view, h, margin):
                self._outline(surface, view, h, (200, 20, 20), max(2, int(zoom / 10)))
        if scene.target >= 0:
            self._stamp_at(surface, view, scene.target, (220, 30, 30, 80))
        for hexes, target in scene.declared:
            self._attack_arrows(surface, view, hexes, target, (180, 20, 20))
        if len(scene.path) > 1:
            pts = [self.hex_screen(view, h) for h in scene.path]
            width = max(3, int(zoom / 8))
            pygame.draw.lines(surface, (20, 20, 20), False, pts, width + 2)
            pygame.draw.lines(surface, (255, 230, 90), False, pts, width)
            pygame.draw.circle(surface, (255, 230, 90), pts[-1], width * 1.4)
            pygame.draw.circle(surface, (20, 20, 20), pts[-1], width * 1.4, 2)
        if scene.hover_hex >= 0:
            self._outline(surface, view, scene.hover_hex, (255, 255, 255), 1)
        if scene.selected_hex >= 0:
            self._outline(surface, view, scene.selected_hex, (255, 220, 40), max(2, int(zoom / 12)))

    def _attack_arrows(
        self,
        surface: pygame.Surface,
        view: pygame.Rect,
        hexes: list[int],
        target: int,
        color: tuple[int, int, int],
    ) -> None:
        tx, ty = self.hex_screen(view, target)
        width = max(2, int(self.camera.zoom / 10))
        for h in set(hexes):
            sx, sy = self.hex_screen(view, h)
            ex, ey = sx + (tx - sx) * 0.72, sy + (ty - sy) * 0.72
            pygame.draw.line(surface, color, (sx, sy), (ex, ey), width)
            angle = math.atan2(ey - sy, ex - sx)
            head = self.camera.zoom * 0.22
            left = (ex - head * math.cos(angle - 0.5), ey - head * math.sin(angle - 0.5))
            right = (ex - head * math.cos(angle + 0.5), ey - head * math.sin(angle + 0.5))
            pygame.draw.polygon(surface, color, [(ex, ey), left, right])

    def _draw_counters(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        zoom = self.camera.zoom
        level_px = ZOOM_LEVELS[level_for(zoom)]
        base_px = max(8, int(level_px * COUNTER_SHARE))
        px = max(6, int(zoom * COUNTER_SHARE))
        chosen = set(scene.attackers)
        for stack in scene.stacks:
            if not self._visible(view, stack.hex, zoom):
                continue
            x, y = self.hex_screen(view, stack.hex)
            n = len(stack.units)
            for k, (u, look) in enumerate(zip(stack.units, stack.looks, strict=True)):
                img = self.counter_image(look, base_px)
                if px != base_px:
                    img = pygame.transform.scale(img, (px, px))
                off = stack_offset(k, n, px)
                rect = img.get_rect(center=(round(x + off), round(y + off)))
                if k and n > 1 and not look.ghost:
                    shadow = rect.move(2, 2)
                    pygame.draw.rect(surface, (40, 36, 30), shadow)
                surface.blit(img, rect)
                if u == scene.selected_unit:
                    pygame.draw.rect(surface, (255, 220, 40), rect.inflate(6, 6), 3)
                elif u in chosen:
                    pygame.draw.rect(surface, (230, 40, 30), rect.inflate(6, 6), 3)

    def _draw_trails(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        width = max(2, int(self.camera.zoom / 9))
        for trail in scene.trails:
            age = (scene.now - trail.born) / trail.life
            if age >= 1 or len(trail.path) < 2:
                continue
            color = ink_of(trail.color)
            tint = trail.color
            pts = [self.hex_screen(view, h) for h in trail.path]
            mixed = tuple(int(c * (1 - age) + 230 * age) for c in tint)
            pygame.draw.lines(surface, color, False, pts, width + 2)
            pygame.draw.lines(surface, mixed, False, pts, width)
            ex, ey = pts[-1]
            sx, sy = pts[-2]
            angle = math.atan2(ey - sy, ex - sx)
            head = self.camera.zoom * 0.25
            left = (ex - head * math.cos(angle - 0.5), ey - head * math.sin(angle - 0.5))
            right = (ex - head * math.cos(angle + 0.5), ey - head * math.sin(angle + 0.5))
            pygame.draw.polygon(surface, mixed, [(ex, ey), left, right])

    def _draw_markers(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        size = max(12, min(18, int(self.camera.zoom * 0.35)))
        for marker in scene.markers:
            age = (scene.now - marker.born) / marker.life
            if age >= 1 or not self._visible(view, marker.hex, self.camera.zoom * 2):
                continue
            x, y = self.hex_screen(view, marker.hex)
            img = self.text(marker.text, size, (255, 255, 255))
            box = img.get_rect(midbottom=(round(x), round(y - self.camera.zoom * 0.45)))
            back = box.inflate(10, 6)
            pygame.draw.rect(surface, marker.color, back, border_radius=4)
            pygame.draw.rect(surface, (20, 20, 20), back, 1, border_radius=4)
            surface.blit(img, box)

    # --- minimap -------------------------------------------------------------------------------

    def minimap_rect(self, view: pygame.Rect, width: int = 220) -> pygame.Rect:
        w, h = self.world_size
        height = int(width * h / w)
        return pygame.Rect(view.left + 10, view.bottom - height - 10, width, height)

    def draw_minimap(
        self, surface: pygame.Surface, view: pygame.Rect, scene: Scene, width: int = 220
    ) -> pygame.Rect:
        """The whole map small, with control, counters as dots and the viewport's outline."""
        rect = self.minimap_rect(view, width)
        self.show_ice(scene.ice)
        key = scene.control.tobytes()
        if (
            self._minimap is None
            or self._minimap[0] != key
            or self._minimap[1].get_size() != rect.size
        ):
            index = 0
            base = self.static_level(index).copy()
            layout = render.map_layout(self.grid, ZOOM_LEVELS[index])
            left, top = render.stamp_offsets(self.grid, layout)
            tint = pygame.Surface(base.get_size(), pygame.SRCALPHA)
            for side, color in self.palette.tints(MINIMAP_TINT_ALPHA).items():
                stamp = render.hex_mask_stamp(layout, color)
                hexes = np.nonzero(scene.control == side)[0].tolist()
                tint.blits([(stamp, (int(left[h]), int(top[h]))) for h in hexes], doreturn=False)
            base.blit(tint, (0, 0))
            render.draw_front(base, self.grid, layout, scene.control, self.teams)
            self._minimap = (key, pygame.transform.smoothscale(base, rect.size))
        surface.blit(self._minimap[1], rect)
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
        cam = self.camera
        frame = pygame.Rect(
            int(rect.x + cam.left * scale),
            int(rect.y + cam.top * scale),
            max(4, int(view.width / cam.zoom * scale)),
            max(4, int(view.height / cam.zoom * scale)),
        )
        clip = surface.get_clip()
        surface.set_clip(rect)
        pygame.draw.rect(surface, (255, 255, 255), frame, 2)
        surface.set_clip(clip)
        pygame.draw.rect(surface, (20, 20, 20), rect, 2)
        return rect

    def minimap_to_world(
        self, view: pygame.Rect, sx: float, sy: float, width: int = 220
    ) -> tuple[float, float]:
        rect = self.minimap_rect(view, width)
        scale = rect.width / self.world_size[0]
        return (sx - rect.x) / scale, (sy - rect.y) / scale
