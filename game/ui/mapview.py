"""The game map on screen: camera, cached zoom levels, counters and overlays, and the minimap.

Speed comes from drawing the expensive part once: the static map (terrain, rivers, roads,
railways, town marks) is rendered per zoom level on first use and, with the control tint, front
line and fog veil, composited into one image per level that is patched where those change. A
frame blits the visible part of that image (scaled while a zoom glides between two levels), then
the overlays, the cached counter images, the attack marks and last the labels (town names, pocket
sizes), so that no counter hides a name. `draw` reads the `Scene`; it changes nothing.

The front line is `game.ui.frontline`'s: one smooth line per front, small islands of bypassed
ground outlined with their size. Its colours are kept apart from the attack marks: the front is
red on a dark casing; targets, chosen attackers and declared attacks are amber; the selection is
white.

Stacks: the counter drawn on top of a hex's stack is `MapView.stack_top[hex]` when that unit is
in the stack (the input code sets it, e.g. with `cycle_stack`), else the last of the stack's
units; the others show as edges behind it, and a badge gives the stack's size.
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
from game.ui import frontline, render, supplymap
from game.ui.counters import CounterLook, counter_px, render_counter
from game.ui.mapmarks import (
    ATTACK,
    ATTACK_CASING,
    POCKET_LINE,
    POCKET_TINT,
    SELECTED,
    SUPPLY_MARK,
    SUPPLY_STAGE_TINTS,
    ZOC_TINT,
    attack_arrow,
    badge,
    depot_mark,
    draw_key,
    entry_mark,
    railhead_mark,
    target_mark,
)
from game.ui.palette import MINIMAP_TINT_ALPHA, ink_of, palette
from game.ui.supplymap import SupplyPicture

ZOOM_LEVELS: tuple[int, ...] = (12, 15, 19, 24, 30, 38, 47, 58, 72)  # pixels between hex centres
DESK: tuple[int, int, int] = (58, 60, 50)
VEIL = (60, 64, 70, 34)
PAN_SPEED = 900.0  # screen pixels per second for keys
ZOOM_RATE = 14.0  # 1/s: how fast a zoom glides to its level
KEEP_COMPOSITES = 3  # zoom levels whose composited map stays cached
INCREMENTAL_LIMIT = 600  # changed hexes up to which a composite is patched, not rebuilt
STACK_EDGES = 2  # counters of a stack shown as edges behind the top one, at most


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
    supply: SupplyPicture | None = None  # supply overlay: reach in stages, railways, entries
    pockets: list[npt.NDArray[np.int32]] = field(default_factory=list)
    zoc: npt.NDArray[np.bool_] | None = None
    markers: list[Marker] = field(default_factory=list)
    trails: list[Trail] = field(default_factory=list)
    now: float = 0.0
    ice: npt.NDArray[np.bool_] | None = None  # water frozen hard this turn (`terrain.ice_hexes`)
    # fortified belts standing: ([N] level 0-3, [N] side whose belt), `fortification.standing`;
    # they change only with control, so the control layer's caches carry them
    belts: tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]] | None = None


@dataclass
class _Composite:
    surface: pygame.Surface
    control: npt.NDArray[np.uint8]
    veil: npt.NDArray[np.bool_] | None
    front: frozenset[bytes]  # the front pieces drawn on it (`_piece_keys`)


@dataclass
class _Front:
    """The front of one control layer in world units, with its pieces for drawing."""

    control: npt.NDArray[np.uint8]
    map: frontline.FrontMap
    segments: npt.NDArray[np.float64]
    kinds: npt.NDArray[np.int8]
    teams: npt.NDArray[np.int16]
    keys: frozenset[bytes]


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
    """Draws a scenario's map for a camera; owns the per-level image caches.

    `stack_top` ({hex: unit id}) is the one setting the input code writes: which unit of a
    stack is drawn on top (see the module doc and `cycle_stack`)."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.grid = scenario.map
        self.palette = palette(scenario)
        self.tints = self.palette.tints()
        self.teams = render.team_lookup(scenario.side_table.team)
        self.team_colors: dict[int, tuple[int, int, int]] = {}
        for side in reversed(range(len(scenario.side_table.team))):
            self.team_colors[int(scenario.side_table.team[side])] = self.palette.dark(side)
        self.world_layout = render.map_layout(self.grid, 1.0)
        w, h = render.map_pixel_size(self.grid, 1.0)
        self.world_size = (float(w), float(h))
        self.camera = Camera()
        self.stack_top: dict[int, int] = {}
        self._static: dict[int, pygame.Surface] = {}
        self._composite: OrderedDict[int, _Composite] = OrderedDict()
        self._counters: dict[tuple[CounterLook, int], pygame.Surface] = {}
        self._stamps: dict[tuple[int, tuple[int, int, int, int]], pygame.Surface] = {}
        self._minimap: tuple[bytes, pygame.Surface] | None = None
        self._text: dict[tuple[str, int, tuple[int, int, int]], pygame.Surface] = {}
        self._labels: dict[int, list[tuple[render.CityLabel, pygame.Surface]]] = {}
        self._front: _Front | None = None
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

    # --- stacks --------------------------------------------------------------------------------

    def stack_order(self, stack: StackView) -> list[int]:
        """Positions in `stack` bottom first, the unit of `stack_top` (if there) last."""
        order = list(range(len(stack.units)))
        top = self.stack_top.get(stack.hex, -1)
        if top in stack.units:
            k = stack.units.index(top)
            order.remove(k)
            order.append(k)
        return order

    def cycle_stack(self, stack: StackView) -> int:
        """Bring the next unit of a stack to the top (the one drawn just below the top one);
        returns its id, -1 for an empty stack."""
        if not stack.units:
            return -1
        order = self.stack_order(stack)
        unit = stack.units[order[-2] if len(order) > 1 else order[-1]]
        self.stack_top[stack.hex] = unit
        return unit

    # --- the front -----------------------------------------------------------------------------

    def front(self, control: npt.NDArray[np.uint8]) -> _Front:
        """The front lines of a control layer (world units), kept for the last layer asked."""
        cached = self._front
        if cached is not None and np.array_equal(cached.control, control):
            return cached
        found = frontline.front_map(self.grid, self.world_layout, control, self.teams)
        segments, kinds, teams = found.segments()
        keys = _piece_keys(segments, kinds, teams)
        self._front = _Front(control.copy(), found, segments, kinds, teams, keys)
        return self._front

    def _draw_front(
        self, surface: pygame.Surface, front: _Front, px: float, area: pygame.Rect | None = None
    ) -> None:
        render.draw_front_segments(
            surface, front.segments, front.kinds, front.teams, px, px, self.team_colors, area
        )

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
        self._draw_front(surface, front, px)
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
        front: _Front,
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
            self._draw_front(surface, front, px, area)
        surface.set_clip(clip)
        cached.control = scene.control.copy()
        cached.veil = None if scene.veil is None else scene.veil.copy()
        cached.front = front.keys

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

    def city_labels(self, index: int) -> list[tuple[render.CityLabel, pygame.Surface]]:
        """The town names of a level with their images (halo text), decluttered once."""
        labels = self._labels.get(index)
        if labels is None:
            layout = render.map_layout(self.grid, ZOOM_LEVELS[index])
            labels = [
                (label, render.halo_text(render.font(label.size, label.bold, "serif"), label.text))
                for label in render.city_labels(self.grid, layout, self.scenario.vp)
            ]
            self._labels[index] = labels
        return labels

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
        self._draw_overlays(surface, view, scene)
        if scene.zoc is not None or scene.pockets or scene.out_of_supply is not None:
            self._front_over_tints(surface, view, scene)
        self._draw_counters(surface, view, scene)
        self._draw_attacks(surface, view, scene)
        self._draw_trails(surface, view, scene)
        self._draw_labels(surface, view, scene)
        self._draw_markers(surface, view, scene)
        self._draw_legend(surface, view, scene)
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

    def _visible_hexes(
        self, view: pygame.Rect, mask: npt.NDArray[np.bool_], margin: float
    ) -> list[int]:
        """The hexes of a [N] mask whose centres are on screen (with a margin)."""
        cam = self.camera
        cx, cy = self.centers
        sx = view.x + (cx - cam.left) * cam.zoom
        sy = view.y + (cy - cam.top) * cam.zoom
        on = (
            mask
            & (sx > view.left - margin)
            & (sx < view.right + margin)
            & (sy > view.top - margin)
            & (sy < view.bottom + margin)
        )
        hexes: list[int] = np.nonzero(on)[0].tolist()
        return hexes

    def _stamp_at(
        self, surface: pygame.Surface, view: pygame.Rect, h: int, color: tuple[int, int, int, int]
    ) -> None:
        stamp = self.hex_stamp(self.camera.zoom, color)
        x, y = self.hex_screen(view, h)
        surface.blit(stamp, stamp.get_rect(center=(round(x), round(y))))

    def _stamps_at(
        self,
        surface: pygame.Surface,
        view: pygame.Rect,
        mask: npt.NDArray[np.bool_],
        color: tuple[int, int, int, int],
    ) -> None:
        stamp = self.hex_stamp(self.camera.zoom, color)
        half_w, half_h = stamp.get_width() / 2, stamp.get_height() / 2
        blits = []
        for h in self._visible_hexes(view, mask, self.camera.zoom):
            x, y = self.hex_screen(view, h)
            blits.append((stamp, (round(x - half_w), round(y - half_h))))
        surface.blits(blits, doreturn=False)

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

    def _front_over_tints(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        """The front again, over an overlay's tints, so that it keeps its colour under them."""
        cam = self.camera
        offset = (view.x - cam.left * cam.zoom, view.y - cam.top * cam.zoom)
        front = self.front(scene.control)
        render.draw_front_segments(
            surface,
            front.segments,
            front.kinds,
            front.teams,
            cam.zoom,
            ZOOM_LEVELS[level_for(cam.zoom)],
            self.team_colors,
            view,
            offset,
        )

    def _draw_overlays(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        zoom = self.camera.zoom
        margin = zoom
        if scene.zoc is not None:
            self._stamps_at(surface, view, scene.zoc, ZOC_TINT)
        if scene.supply is not None:
            self._draw_supply(surface, view, scene.supply)
        elif scene.out_of_supply is not None:
            self._stamps_at(surface, view, scene.out_of_supply, SUPPLY_STAGE_TINTS[supplymap.OUT])
        for pocket in scene.pockets:
            for h in pocket.tolist():
                if self._visible(view, h, margin):
                    self._stamp_at(surface, view, h, POCKET_TINT)
                    self._outline(surface, view, h, POCKET_LINE, max(2, int(zoom / 12)))
        if scene.reach is not None:
            stops = set(scene.stops.tolist()) if scene.stops is not None else set()
            for h in scene.reach.tolist():
                if self._visible(view, h, margin):
                    color = (255, 190, 60, 70) if h in stops else (255, 255, 160, 90)
                    self._stamp_at(surface, view, h, color)
        if scene.target >= 0:
            self._stamp_at(surface, view, scene.target, (*ATTACK, 80))
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
            width = max(2, int(zoom / 12))
            self._outline(surface, view, scene.selected_hex, (20, 20, 20), width + 2)
            self._outline(surface, view, scene.selected_hex, SELECTED, width)

    def _draw_supply(
        self, surface: pygame.Surface, view: pygame.Rect, picture: SupplyPicture
    ) -> None:
        """Reach in stages, the railway the supply runs on, entries, railheads and depots."""
        for stage, color in SUPPLY_STAGE_TINTS.items():
            self._stamps_at(surface, view, picture.stage == stage, color)
        zoom = self.camera.zoom
        width = max(2, round(zoom * 0.09))
        neighbor = self.grid.neighbor
        for h in self._visible_hexes(view, picture.rail, 2 * zoom):
            a = self.hex_screen(view, h)
            for d in range(3):
                n = int(neighbor[h, d])
                if n >= 0 and self.grid.rail[h, d] and picture.rail[n]:
                    pygame.draw.line(surface, SUPPLY_MARK, a, self.hex_screen(view, n), width)
        size = max(4.0, zoom * 0.16)
        for h in self._visible_hexes(view, picture.entries, zoom):
            entry_mark(surface, self.hex_screen(view, h), size)
        marks = [(h, True) for h in picture.railheads.tolist()]
        marks += [(h, False) for h in picture.cut_railheads.tolist()]
        for h, fed in marks:
            if self._visible(view, h, zoom):
                railhead_mark(surface, self.hex_screen(view, h), size * 1.3, fed)
        for h in picture.depots.tolist():
            if self._visible(view, h, zoom):
                depot_mark(surface, self.hex_screen(view, h), size)

    def _draw_attacks(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        """Targets (amber corner brackets round the enemy counter), the chosen target and the
        declared attacks (amber arrows from the attackers' hexes), over the counters so that
        they show at every zoom."""
        zoom = self.camera.zoom
        declared_targets = {target for _, target in scene.declared}
        for h in scene.targets:
            if h not in declared_targets and h != scene.target and self._visible(view, h, zoom):
                target_mark(surface, self.hex_screen(view, h), zoom, False)
        for hexes, target in scene.declared:
            at = self.hex_screen(view, target)
            for h in sorted(set(hexes)):
                attack_arrow(surface, self.hex_screen(view, h), at, zoom)
            target_mark(surface, at, zoom, True)
        if scene.target >= 0:
            target_mark(surface, self.hex_screen(view, scene.target), zoom, True)

    def _draw_counters(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        zoom = self.camera.zoom
        level_px = ZOOM_LEVELS[level_for(zoom)]
        base_px = counter_px(level_px)
        px = counter_px(zoom)
        chosen = set(scene.attackers)
        shift = max(2, round(px * 0.06))
        badge_size = max(14, round(px * 0.28))
        for stack in scene.stacks:
            if not self._visible(view, stack.hex, zoom):
                continue
            x, y = self.hex_screen(view, stack.hex)
            order = self.stack_order(stack)
            n = len(order)
            shown = order[-1 - STACK_EDGES :] if n > 1 else order
            center = (round(x), round(y))
            top_rect = pygame.Rect(0, 0, px, px)
            for rank, k in enumerate(shown):
                depth = len(shown) - 1 - rank  # 0 for the top counter
                look = stack.looks[k]
                img = self.counter_image(look, base_px)
                if px != base_px:
                    img = pygame.transform.scale(img, (px, px))
                rect = img.get_rect(center=(center[0] + depth * shift, center[1] - depth * shift))
                if depth:
                    pygame.draw.rect(surface, (40, 36, 30), rect.move(1, 1))
                surface.blit(img, rect)
                if depth == 0:
                    top_rect = rect
            u = stack.units[order[-1]]
            if u == scene.selected_unit:
                pygame.draw.rect(surface, (20, 20, 20), top_rect.inflate(8, 8), 5)
                pygame.draw.rect(surface, SELECTED, top_rect.inflate(6, 6), 3)
            elif u in chosen:
                pygame.draw.rect(surface, ATTACK_CASING, top_rect.inflate(8, 8), 5)
                pygame.draw.rect(surface, ATTACK, top_rect.inflate(6, 6), 3)
            others = [stack.units[k] for k in order[:-1]]
            if any(v in chosen for v in others) or scene.selected_unit in others:
                color = SELECTED if scene.selected_unit in others else ATTACK
                edge = top_rect.move(shift, -shift)
                pygame.draw.line(surface, color, edge.topleft, edge.topright, 3)
                pygame.draw.line(surface, color, edge.topright, edge.bottomright, 3)
            if n > 1:
                figure = self.text(str(n), max(8, round(badge_size * 0.75)), (255, 255, 255))
                badge(surface, (top_rect.left, top_rect.top), figure)

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

    def label_places(
        self, view: pygame.Rect, scene: Scene
    ) -> list[tuple[int, pygame.Rect, pygame.Surface]]:
        """Where this frame draws each visible town name: (hex, screen rect, image). A name in a
        hex that holds counters goes just below the top counter, so neither hides the other; a
        town worth points has its owner's flag just left of the rect."""
        zoom = self.camera.zoom
        index = level_for(zoom)
        scale = zoom / ZOOM_LEVELS[index]
        occupied = {stack.hex for stack in scene.stacks if stack.units}
        half = counter_px(zoom) / 2
        vp = self.scenario.vp
        places = []
        for label, img in self.city_labels(index):
            h = label.hex
            if not self._visible(view, h, zoom * 2):
                continue
            x, y = self.hex_screen(view, h)
            drop = half + 1 if h in occupied else label.drop * scale
            rect = img.get_rect(midtop=(round(x), round(y + drop)))
            if vp[h] > 0:  # room for the owner's flag at the left
                rect.move_ip(max(8, rect.height * 2 // 3) // 2, 0)
            places.append((h, rect, img))
        return places

    def _draw_labels(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        """Town names with their owners' flags, and island sizes: above everything on the map
        but the notes."""
        vp = self.scenario.vp
        for h, rect, img in self.label_places(view, scene):
            if vp[h] > 0:
                owner = int(scene.control[h])
                flag = pygame.Rect(0, 0, max(8, rect.height * 2 // 3), max(6, rect.height // 2))
                flag.midright = (rect.left + 1, rect.centery)
                pygame.draw.rect(surface, self.palette.fill(owner), flag)
                pygame.draw.rect(surface, render.INK, flag, 1)
            surface.blit(img, rect)
        occupied = {stack.hex: len(stack.units) for stack in scene.stacks if stack.units}
        self._draw_island_tags(surface, view, scene, occupied)

    def _draw_island_tags(
        self, surface: pygame.Surface, view: pygame.Rect, scene: Scene, occupied: dict[int, int]
    ) -> None:
        """Each island's size, and the units seen in it: `5 hexes · 2 units`."""
        zoom = self.camera.zoom
        front = self.front(scene.control)
        size = 10 if zoom < 24 else 12 if zoom < 47 else 14
        ghosts = {s.hex for s in scene.stacks if s.looks and all(look.ghost for look in s.looks)}
        for island in front.map.islands:
            if not self._visible(view, island.anchor, zoom):
                continue
            n = len(island.hexes)
            units = sum(occupied.get(h, 0) for h in island.hexes.tolist() if h not in ghosts)
            if zoom < 24:  # whole-map zooms: the figures alone (the key says what they are)
                text = f"{n}" + (f" · {units}" if units else "")
            else:
                text = f"{n} hex" + ("es" if n > 1 else "")
                if units:
                    text += f" · {units} unit" + ("s" if units > 1 else "")
            img = self.text(text, size, render.INK)
            x, y = self.hex_screen(view, island.anchor)
            if island.anchor in occupied:
                y -= counter_px(zoom) / 2 + img.get_height() / 2 + 2
            box = img.get_rect(center=(round(x), round(y))).inflate(6, 2)
            pygame.draw.rect(surface, (250, 246, 232), box, border_radius=3)
            pygame.draw.rect(
                surface, self.team_colors.get(island.team, render.INK), box, 1, border_radius=3
            )
            surface.blit(img, img.get_rect(center=box.center))

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

    # --- legend --------------------------------------------------------------------------------

    def legend_entries(self, scene: Scene) -> list[tuple[str, str, object]]:
        """The key of what the map shows now: (swatch kind, label, colour) per entry."""
        entries: list[tuple[str, str, object]] = [("front", "Front line", render.FRONT_COLOR)]
        front = self.front(scene.control)
        if front.map.islands:
            entries.append(("island", "Bypassed ground (hexes · units)", render.INK))
        if scene.supply is not None:
            entries += [
                ("tint", "In supply: near", SUPPLY_STAGE_TINTS[1]),
                ("tint", "In supply: middle", SUPPLY_STAGE_TINTS[2]),
                ("tint", "In supply: end of reach", SUPPLY_STAGE_TINTS[3]),
                ("tint", "Own ground out of supply", SUPPLY_STAGE_TINTS[supplymap.OUT]),
                ("rail", "Railway carrying supply", SUPPLY_MARK),
                ("railhead", "Railhead", True),
                ("cut", "Railhead cut off", False),
                ("entry", "Supply entry (edge, port, source)", SUPPLY_MARK),
            ]
            if len(scene.supply.depots):
                entries.append(("depot", "Depot", SUPPLY_MARK))
        elif scene.out_of_supply is not None:
            entries.append(("tint", "Out of supply", SUPPLY_STAGE_TINTS[supplymap.OUT]))
        if scene.pockets:
            entries.append(("tint", "Pocket (cut off)", POCKET_TINT))
        if scene.zoc is not None:
            entries.append(("tint", "Enemy zone of control", ZOC_TINT))
        if scene.targets or scene.declared:
            entries.append(("target", "Enemy in reach of an attack", ATTACK))
        if scene.declared:
            entries.append(("arrow", "Declared attack", ATTACK))
        return entries

    def _draw_legend(self, surface: pygame.Surface, view: pygame.Rect, scene: Scene) -> None:
        """A small key box at the map's lower right, while an overlay or an attack is shown."""
        if (
            scene.supply is None
            and scene.out_of_supply is None
            and not scene.pockets
            and scene.zoc is None
            and not scene.targets
            and not scene.declared
        ):
            return
        draw_key(surface, view, self.legend_entries(scene), lambda t, size: self.text(t, size))

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
            self._draw_front(base, self.front(scene.control), ZOOM_LEVELS[index])
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
