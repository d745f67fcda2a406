"""The game map on screen: one frame of a `Scene` for a camera, with its counters and overlays.

Speed comes from drawing the expensive part once (`game.ui.maplevels`): the static map with the
control tint, fortified belts, front line and fog veil is one cached image per zoom level,
patched where those change. A frame blits the visible part of that image (scaled while a zoom
glides between two levels), then the overlays, the cached counter images, the attack marks and
last the labels (town names, pocket sizes), so that no counter hides a name; then the key box
(`game.ui.mapkey`). The minimap is `game.ui.minimap`'s, the camera `game.ui.camera`'s. `draw`
reads the `Scene`; it changes nothing.

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

import numpy as np
import numpy.typing as npt
import pygame

from game.hexgrid import Layout
from game.scenario.model import Scenario
from game.ui import render, supplymap
from game.ui.camera import PAN_SPEED, ZOOM_LEVELS, Camera, level_for
from game.ui.counters import CounterLook, counter_px, render_counter
from game.ui.mapkey import belt_entries, key_shown, legend_entries
from game.ui.maplevels import Front, MapLevels
from game.ui.mapmarks import (
    ATTACK,
    ATTACK_CASING,
    POCKET_LINE,
    POCKET_TINT,
    SELECTED,
    SUPPLY_MARK,
    SUPPLY_STAGE_TINTS,
    ZOC_TINT,
    Entry,
    attack_arrow,
    badge,
    depot_mark,
    draw_key,
    entry_mark,
    railhead_mark,
    target_mark,
)
from game.ui.minimap import Minimap
from game.ui.palette import ink_of, palette
from game.ui.scene import Marker, Scene, StackView, Trail
from game.ui.supplymap import SupplyPicture

# names other modules import from here, where they were before the split
__all__ = ["PAN_SPEED", "ZOOM_LEVELS", "MapView", "Marker", "Scene", "StackView", "Trail"]

DESK: tuple[int, int, int] = (58, 60, 50)
STACK_EDGES = 2  # counters of a stack shown as edges behind the top one, at most


class MapView:
    """Draws a scenario's map for a camera; owns the per-level image caches.

    `stack_top` ({hex: unit id}) is the one setting the input code writes: which unit of a
    stack is drawn on top (see the module doc and `cycle_stack`)."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.grid = scenario.map
        self.palette = palette(scenario)
        self.teams = render.team_lookup(scenario.side_table.team)
        self.team_colors: dict[int, tuple[int, int, int]] = {}
        for side in reversed(range(len(scenario.side_table.team))):
            self.team_colors[int(scenario.side_table.team[side])] = self.palette.dark(side)
        self.world_layout = render.map_layout(self.grid, 1.0)
        w, h = render.map_pixel_size(self.grid, 1.0)
        self.world_size = (float(w), float(h))
        self.camera = Camera()
        self.stack_top: dict[int, int] = {}
        self.levels = MapLevels(scenario, self.palette, self.teams, self.team_colors)
        self._counters: dict[tuple[CounterLook, int], pygame.Surface] = {}
        self._text: dict[tuple[str, int, tuple[int, int, int]], pygame.Surface] = {}
        self._labels: dict[int, list[tuple[render.CityLabel, pygame.Surface]]] = {}
        self.vp_hexes = [c.hex for c in self.grid.cities if scenario.vp[c.hex] > 0]
        cx, cy = render.hex_centers(self.grid, self.world_layout)
        self.centers = (cx, cy)
        self.minimap = Minimap(self.levels, self.world_size, self.centers)

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

    # --- cached images -------------------------------------------------------------------------

    def front(self, control: npt.NDArray[np.uint8]) -> Front:
        """The front lines of a control layer (world units), kept for the last layer asked."""
        return self.levels.front(control)

    def show_ice(self, ice: npt.NDArray[np.bool_] | None) -> None:
        """Draw the levels with this ice from now on (see `MapLevels.show_ice`)."""
        self.levels.show_ice(ice)

    def static_level(self, index: int) -> pygame.Surface:
        return self.levels.static_level(index)

    def composite(self, index: int, scene: Scene) -> pygame.Surface:
        """The static level with control tint, fortified belts, front line and fog veil."""
        return self.levels.composite(index, scene)

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
        return self.levels.hex_stamp(zoom, color)

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
        if key_shown(scene):
            draw_key(surface, view, self.legend_entries(scene), self.text)
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

    # --- key and minimap -----------------------------------------------------------------------

    def legend_entries(self, scene: Scene) -> list[Entry]:
        """The key of what the map shows now: (swatch kind, label, colour) per entry."""
        islands = bool(self.front(scene.control).map.islands)
        return legend_entries(scene, islands, self.belt_entries(scene))

    def belt_entries(self, scene: Scene) -> list[Entry]:
        return belt_entries(scene, self.palette, self.scenario.side_table.short)

    def minimap_rect(self, view: pygame.Rect, width: int = 220) -> pygame.Rect:
        return self.minimap.rect(view, width)

    def draw_minimap(
        self, surface: pygame.Surface, view: pygame.Rect, scene: Scene, width: int = 220
    ) -> pygame.Rect:
        """The whole map small, with control, counters as dots and the viewport's outline."""
        return self.minimap.draw(surface, view, scene, self.camera, width)

    def minimap_to_world(
        self, view: pygame.Rect, sx: float, sy: float, width: int = 220
    ) -> tuple[float, float]:
        return self.minimap.to_world(view, sx, sy, width)
