"""Drawing the map onto pygame surfaces, in the style of a period operations map.

Reads scenario and state arrays, never changes them. The static layers (terrain with its
coastline, rivers, roads, railways, towns) are drawn once per zoom level; control, counters and
overlays go on top. Pointy-top and flat-top maps draw alike: every position comes from the map's
layout (`map_layout`), every hexside from `Layout.edge_corners`. The ground itself is drawn by
`game.ui.terrain`; the title cartouche, graticule and legend by `game.ui.furniture`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pygame

from game.enums import NO_SIDE, River
from game.geo import HexMap
from game.hexgrid import Layout
from game.ui import assets, frontline
from game.ui.counters import (
    INK,
    SIZE_MARKS,
    UnitView,
    current_strength,
    draw_counter,
    draw_units,
)
from game.ui.terrain import PAPER, Color, draw_terrain, hex_centers, stamp_size

PORT_COLOR: Color = (34, 52, 92)
RIVER_COLOR: Color = (52, 104, 176)
RIVER_DARK: Color = (30, 70, 140)
ROAD_COLOR: Color = (156, 104, 56)
RAIL_COLOR: Color = (40, 40, 40)
Rgba = tuple[int, int, int, int]
FRONT_COLOR: Color = (215, 0, 40)
FRONT_CASING: Color = (48, 14, 20)
ISLAND_HALO: Color = (250, 246, 232)

__all__ = [
    "INK",
    "PAPER",
    "SIZE_MARKS",
    "UnitView",
    "current_strength",
    "draw_anchor",
    "draw_cities",
    "draw_control",
    "draw_counter",
    "draw_rivers",
    "draw_routes",
    "draw_terrain",
    "draw_units",
    "font",
    "hex_centers",
    "map_layout",
    "map_pixel_size",
    "team_lookup",
]


def font(size: int, bold: bool = False, family: str = "sans") -> pygame.font.Font:
    """The bundled open-licence font (DejaVu, from assets/fonts) at a pixel size; cached."""
    return assets.font(size, bold, family)


def map_layout(grid: HexMap, hex_px: float, margin: tuple[float, float] = (0.0, 0.0)) -> Layout:
    """A pixel layout of the map's orientation where neighbouring hex centres are `hex_px` apart
    and hex (col 0, row 0) sits inside the surface, touching its top-left corner."""
    size = hex_px / math.sqrt(3.0)
    if grid.orientation == "flat":
        return Layout.flat(size, (margin[0] + size, margin[1] + hex_px / 2.0))
    return Layout.pointy(size, (margin[0] + hex_px / 2.0, margin[1] + size))


def map_pixel_size(grid: HexMap, hex_px: float) -> tuple[int, int]:
    """The surface that holds every hex of the map whole (see `map_layout`)."""
    size = hex_px / math.sqrt(3.0)
    if grid.orientation == "flat":
        # columns 1.5 sizes apart, odd ones half a hex lower than even ones
        width = (grid.cols - 1) * 1.5 * size + 2 * size
        return math.ceil(width), math.ceil((grid.rows + 0.5) * hex_px)
    return math.ceil((grid.cols + 0.5) * hex_px), math.ceil((grid.rows - 1) * 1.5 * size + 2 * size)


# --- lines: routes and rivers ---------------------------------------------------------------------


def _chaikin(points: list[tuple[float, float]], rounds: int = 2) -> list[tuple[float, float]]:
    """Corner cutting: a smooth line through hex centres that keeps both end points."""
    for _ in range(rounds):
        if len(points) < 3:
            return points
        out = [points[0]]
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            out.append((0.75 * ax + 0.25 * bx, 0.75 * ay + 0.25 * by))
            out.append((0.25 * ax + 0.75 * bx, 0.25 * ay + 0.75 * by))
        out.append(points[-1])
        points = out
    return points


def draw_routes(surface: pygame.Surface, grid: HexMap, layout: Layout) -> None:
    """Roads (brown, cased) and railways (black, with ties), smoothed through their hexes.

    The rules use the rasterised hexside layers; drawing each route as one smooth line through the
    same hex centres keeps the picture honest without the saw-tooth of hex-to-hex segments.
    """
    cx, cy = hex_centers(grid, layout)
    width = max(2, int(layout.size_x / 6))
    for kind in ("road", "railway"):
        for route in grid.routes:
            if route.kind != kind or len(route.hexes) < 2:
                continue
            pts = _chaikin([(float(cx[h]), float(cy[h])) for h in route.hexes])
            if kind == "road":
                if width >= 4:
                    pygame.draw.lines(surface, (120, 80, 44), False, pts, width + 2)
                    pygame.draw.lines(surface, (226, 190, 120), False, pts, width)
                else:
                    pygame.draw.lines(surface, ROAD_COLOR, False, pts, width)
                continue
            pygame.draw.lines(surface, RAIL_COLOR, False, pts, max(1, width - 2))
            tick = layout.size_x * 0.16
            spacing = layout.size_x * 0.6
            travelled = 0.0
            for (ax, ay), (bx, by) in itertools.pairwise(pts):
                length = math.hypot(bx - ax, by - ay)
                if length == 0:
                    continue
                nx, ny = -(by - ay) / length * tick, (bx - ax) / length * tick
                t = (spacing - travelled % spacing) if travelled else spacing / 2
                while t <= length:
                    mx, my = ax + (bx - ax) * t / length, ay + (by - ay) * t / length
                    pygame.draw.line(surface, RAIL_COLOR, (mx - nx, my - ny), (mx + nx, my + ny), 1)
                    t += spacing
                travelled += length


def draw_rivers(surface: pygame.Surface, grid: HexMap, layout: Layout) -> None:
    """Rivers along hexsides (as the rules see them): major rivers wide and cased, minor thin."""
    cx, cy = hex_centers(grid, layout)
    corners = layout.corner_offsets()
    minor_w = max(2, int(layout.size_x / 7))
    major_w = max(3, int(layout.size_x / 3.2))
    segments: list[tuple[bool, tuple[float, float], tuple[float, float]]] = []
    for d in range(3):
        c0, c1 = layout.edge_corners(d)
        for h in np.nonzero(grid.river[:, d])[0].tolist():
            a = (float(cx[h] + corners[c0, 0]), float(cy[h] + corners[c0, 1]))
            b = (float(cx[h] + corners[c1, 0]), float(cy[h] + corners[c1, 1]))
            segments.append((bool(grid.river[h, d] == River.MAJOR), a, b))
    # casing first, then water: joints come out round and the major rivers read as channels
    for major, a, b in segments:
        if major and major_w >= 5:
            pygame.draw.line(surface, RIVER_DARK, a, b, major_w + 2)
            pygame.draw.circle(surface, RIVER_DARK, a, (major_w + 2) / 2)
            pygame.draw.circle(surface, RIVER_DARK, b, (major_w + 2) / 2)
    for major, a, b in segments:
        w = major_w if major else minor_w
        pygame.draw.line(surface, RIVER_COLOR, a, b, w)
        pygame.draw.circle(surface, RIVER_COLOR, a, w / 2)
        pygame.draw.circle(surface, RIVER_COLOR, b, w / 2)


# --- towns ----------------------------------------------------------------------------------------

CITY_MARK = {"village": 0.11, "town": 0.15, "city": 0.22, "major": 0.3}
LABEL_PRIORITY = {"major": 0, "city": 1, "town": 2, "village": 3}


def city_label_size(size: str, hex_px: float) -> int:
    """Label heights that grow slowly with the zoom: readable when small, never shouting."""
    base, lo, hi = {
        "village": (0.30, 11, 13),
        "town": (0.34, 12, 15),
        "city": (0.42, 14, 19),
        "major": (0.52, 16, 24),
    }[size]
    return int(min(hi, max(lo, base * hex_px)))


def draw_anchor(
    surface: pygame.Surface,
    center: tuple[float, float],
    height: float,
    color: Color = PORT_COLOR,
    halo: Color | None = (250, 246, 232),
) -> None:
    """An anchor, the chart sign of a harbour, `height` pixels tall (with a paper halo)."""
    x, y = center
    h = max(7.0, height)
    width = max(1, round(h / 9))
    ring = (x, y - 0.38 * h)
    crown = pygame.Rect(0, 0, round(0.7 * h), round(0.7 * h))
    crown.center = (round(x), round(y + 0.1 * h))
    lines = [
        ((x, y - 0.28 * h), (x, y + 0.45 * h)),  # shank
        ((x - 0.22 * h, y - 0.16 * h), (x + 0.22 * h, y - 0.16 * h)),  # stock
    ]
    tips = [  # the flukes at both ends of the crown
        ((x - 0.35 * h, y + 0.12 * h), (x - 0.42 * h, y + 0.02 * h)),
        ((x + 0.35 * h, y + 0.12 * h), (x + 0.42 * h, y + 0.02 * h)),
    ]
    passes = [(halo, width + 2), (color, width)] if halo is not None else [(color, width)]
    for paint, w in passes:
        pygame.draw.circle(surface, paint, ring, 0.11 * h + w / 2, w)
        for a, b in lines + tips:
            pygame.draw.line(surface, paint, a, b, w)
        pygame.draw.arc(surface, paint, crown, math.pi + 0.25, 2 * math.pi - 0.25, w)


def draw_city_marks(surface: pygame.Surface, grid: HexMap, layout: Layout) -> None:
    """Town symbols: dots for towns and villages, framed squares for cities; an anchor at the
    upper right of a port (names go below, victory flags at the upper left)."""
    s = layout.size_x
    for city in grid.cities:
        x, y = layout.hex_to_pixel(grid.hex_of(city.hex))
        radius = CITY_MARK[city.size] * s
        if city.size in ("city", "major"):
            rect = pygame.Rect(0, 0, max(5, int(radius * 2)), max(5, int(radius * 2)))
            rect.center = (int(x), int(y))
            pygame.draw.rect(surface, INK, rect)
            inset = max(2, int(radius * 0.6))
            pygame.draw.rect(surface, (250, 245, 230), rect.inflate(-inset, -inset))
        else:
            pygame.draw.circle(surface, INK, (x, y), max(1.5, radius))
        if city.port:
            # clear of the town's mark, and where there is room, tucked inside the counter that
            # may stand in the hex (0.71 sizes to a side), so that it shows whole or not at all
            size = max(8.0, 0.55 * s)
            mark = max(radius, 2.5)
            dx = max(mark + 0.42 * size, min(mark + 0.5 * size, 0.68 * s - 0.42 * size))
            draw_anchor(surface, (x + dx, y - 0.45 * size), size)


def draw_city_labels(
    surface: pygame.Surface,
    grid: HexMap,
    layout: Layout,
    vp: npt.NDArray[np.int16] | None = None,
    declutter: bool = True,
) -> None:
    """City names below their symbols; where labels would collide, the bigger place wins."""
    for label in city_labels(grid, layout, vp, declutter):
        f = font(label.size, label.bold, "serif")
        x, y = layout.hex_to_pixel(grid.hex_of(label.hex))
        rect = pygame.Rect((0, 0), f.size(label.text))
        rect.midtop = (int(x), int(y + label.drop))
        _halo_text(surface, f, label.text, rect.topleft)


@dataclass(frozen=True)
class CityLabel:
    """A town's name as placed at one zoom: `drop` pixels below the hex centre."""

    hex: int
    text: str
    size: int
    bold: bool
    drop: float
    vp: int


def city_labels(
    grid: HexMap,
    layout: Layout,
    vp: npt.NDArray[np.int16] | None = None,
    declutter: bool = True,
) -> list[CityLabel]:
    """The names to draw at a zoom, biggest place first; where two would collide, the bigger
    place (or the one worth points) keeps its name."""
    hex_px = layout.neighbor_spacing
    out: list[CityLabel] = []
    placed: list[pygame.Rect] = []
    order = sorted(
        grid.cities,
        key=lambda c: (LABEL_PRIORITY[c.size] - (2 if vp is not None and vp[c.hex] else 0), c.id),
    )
    for city in order:
        if (
            declutter
            and city.size == "village"
            and hex_px < 24
            and not (vp is not None and vp[city.hex])
        ):
            continue
        x, y = layout.hex_to_pixel(grid.hex_of(city.hex))
        radius = CITY_MARK[city.size] * layout.size_x
        points = int(vp[city.hex]) if vp is not None else city.vp
        text = city.name + (f" ({points})" if points else "")
        size = city_label_size(city.size, hex_px)
        bold = city.size in ("city", "major")
        f = font(size, bold, "serif")
        rect = pygame.Rect((0, 0), f.size(text))
        rect.midtop = (int(x), int(y + radius + 1))
        if declutter and any(rect.colliderect(p) for p in placed):
            continue
        placed.append(rect.inflate(4, 0))
        out.append(CityLabel(city.hex, text, size, bold, radius + 1, points))
    return out


def _halo_text(
    surface: pygame.Surface, f: pygame.font.Font, text: str, topleft: tuple[int, int]
) -> None:
    surface.blit(halo_text(f, text), (topleft[0] - 1, topleft[1] - 1))


def halo_text(
    f: pygame.font.Font, text: str, color: Color = INK, halo: Color = (250, 246, 232)
) -> pygame.Surface:
    """Text with a one-pixel halo all round (one pixel larger on every side), for names that
    must read over anything."""
    img = f.render(text, True, color)
    ring = f.render(text, True, halo)
    out = pygame.Surface((img.get_width() + 2, img.get_height() + 2), pygame.SRCALPHA)
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1), (-1, 1), (1, -1)):
        out.blit(ring, (1 + dx, 1 + dy))
    out.blit(img, (1, 1))
    return out


def draw_cities(
    surface: pygame.Surface, grid: HexMap, layout: Layout, vp: npt.NDArray[np.int16] | None = None
) -> None:
    """Town symbols and names (with victory points in brackets)."""
    draw_city_marks(surface, grid, layout)
    draw_city_labels(surface, grid, layout, vp)


# --- control and front line -----------------------------------------------------------------------


def team_lookup(team: Sequence[int] | npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """[256]: the team of each value a control layer may hold (a side number), NO_SIDE for
    unclaimed ground; `team` is the scenario's team number of each side."""
    lookup = np.full(256, NO_SIDE, dtype=np.uint8)
    lookup[: len(team)] = np.asarray(team, dtype=np.uint8)
    return lookup


def front_segments(
    grid: HexMap,
    layout: Layout,
    control: npt.NDArray[np.uint8],
    teams: npt.NDArray[np.uint8],
    hexes: npt.NDArray[np.intp] | None = None,
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Pixel end points of every hexside where the ground passes from one team to another
    (only the hexsides of `hexes`, when given); `teams` is `team_lookup` of the scenario."""
    cx, cy = hex_centers(grid, layout)
    team = teams[control]
    corners = layout.corner_offsets()
    out = []
    for d in range(6):
        if hexes is None and d >= 3:
            break  # the whole map: each hexside once, from one of its two hexes
        c0, c1 = layout.edge_corners(d)
        nb = grid.neighbor[:, d]
        h_all = np.nonzero(nb >= 0)[0] if hexes is None else hexes[nb[hexes] >= 0]
        a_team = team[h_all]
        b_team = team[nb[h_all]]
        change = (a_team != b_team) & (a_team != NO_SIDE) & (b_team != NO_SIDE)
        for h in h_all[change].tolist():
            a = (float(cx[h] + corners[c0, 0]), float(cy[h] + corners[c0, 1]))
            b = (float(cx[h] + corners[c1, 0]), float(cy[h] + corners[c1, 1]))
            out.append((a, b))
    return out


def hex_mask_stamp(layout: Layout, color: tuple[int, int, int, int]) -> pygame.Surface:
    """A hex filled with an RGBA colour on a transparent square (for tints and highlights)."""
    w, h = stamp_size(layout)
    stamp = pygame.Surface((w, h), pygame.SRCALPHA)
    cx, cy = w / 2.0, h / 2.0
    pts = [(cx + dx, cy + dy) for dx, dy in layout.corner_offsets() * 1.0]
    pygame.draw.polygon(stamp, color, pts)
    return stamp


def belt_stamp(layout: Layout, color: tuple[int, int, int], level: int) -> pygame.Surface:
    """A fortified belt's mark on a hex: `level` rows of teeth (the map sign of a prepared
    line) in the owner's dark colour, clipped to the hex, the ground still visible through."""
    w, h = stamp_size(layout)
    stamp = pygame.Surface((w, h), pygame.SRCALPHA)
    cx, cy = w / 2.0, h / 2.0
    size = layout.neighbor_spacing
    rows = max(1, min(level, 3))
    tooth = max(2.0, size / 9.0)
    width = max(1, round(size / 24.0))
    ink = (*color, 150)
    for k in range(rows):
        y = cy + (k - (rows - 1) / 2.0) * size * 0.26
        left, right = cx - size * 0.36, cx + size * 0.36
        pygame.draw.line(stamp, ink, (left, y), (right, y), width)
        x = left + tooth / 2.0
        while x + tooth / 2.0 <= right:
            pygame.draw.polygon(stamp, ink, [(x - tooth / 2.0, y), (x + tooth / 2.0, y), (x, y - tooth)])
            x += tooth * 2.0
    mask = hex_mask_stamp(layout, (255, 255, 255, 255))
    stamp.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
    return stamp


def stamp_offsets(
    grid: HexMap, layout: Layout
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Top-left pixel of each hex's stamp."""
    cx, cy = hex_centers(grid, layout)
    sw, sh = stamp_size(layout)
    return np.round(cx - sw / 2.0).astype(np.int32), np.round(cy - sh / 2.0).astype(np.int32)


def draw_control(
    surface: pygame.Surface,
    grid: HexMap,
    layout: Layout,
    control: npt.NDArray[np.uint8],
    tints: Mapping[int, Rgba],
    teams: npt.NDArray[np.uint8],
    front: bool = True,
) -> None:
    """Faint tint of the holder's colour over each hex (`tints` by side number, e.g.
    `Palette.tints()`) and a red line along every hexside where the ground changes team."""
    left, top = stamp_offsets(grid, layout)
    tint = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    for side, color in tints.items():
        stamp = hex_mask_stamp(layout, color)
        hexes = np.nonzero(control == side)[0].tolist()
        tint.blits([(stamp, (int(left[h]), int(top[h]))) for h in hexes], doreturn=False)
    surface.blit(tint, (0, 0))
    if front:
        draw_front(surface, grid, layout, control, teams)


def draw_front(
    surface: pygame.Surface,
    grid: HexMap,
    layout: Layout,
    control: npt.NDArray[np.uint8],
    teams: npt.NDArray[np.uint8],
    team_colors: Mapping[int, Color] | None = None,
) -> None:
    """The front line of `control` (`game.ui.frontline`) drawn in `layout`'s pixels."""
    front = frontline.front_map(grid, layout, control, teams)
    segments, kinds, owners = front.segments()
    draw_front_segments(
        surface, segments, kinds, owners, 1.0, layout.neighbor_spacing, team_colors or {}
    )


def front_widths(hex_px: float) -> tuple[int, int, int]:
    """(core, casing) widths of the front line and the width of an island outline at a zoom:
    thick enough to read at the whole-map zoom, not shouting close up."""
    core = int(min(7, max(2, round(hex_px * 0.1))))
    return core, core + max(2, round(core * 0.8)), int(min(4, max(1, round(hex_px * 0.05))))


def draw_front_segments(
    surface: pygame.Surface,
    segments: npt.NDArray[np.float64],
    kinds: npt.NDArray[np.int8],
    teams: npt.NDArray[np.int16],
    scale: float,
    hex_px: float,
    team_colors: Mapping[int, Color],
    area: pygame.Rect | None = None,
    offset: tuple[float, float] = (0.0, 0.0),
) -> None:
    """Front pieces ([S, 4] world x0 y0 x1 y1, times `scale` plus `offset` for pixels): the
    front red on a dark casing, island outlines thin in their team's dark colour on a paper
    halo. Only the pieces that reach into `area` are drawn, when given. Round joints: a disc
    at each start."""
    core, casing, thin = front_widths(hex_px)
    pts = segments * scale + np.array([offset[0], offset[1], offset[0], offset[1]])
    if area is not None and len(pts):
        pad = casing
        keep = (
            (np.minimum(pts[:, 0], pts[:, 2]) < area.right + pad)
            & (np.maximum(pts[:, 0], pts[:, 2]) > area.left - pad)
            & (np.minimum(pts[:, 1], pts[:, 3]) < area.bottom + pad)
            & (np.maximum(pts[:, 1], pts[:, 3]) > area.top - pad)
        )
        pts, kinds, teams = pts[keep], kinds[keep], teams[keep]
    rows = pts.tolist()
    kind_list = kinds.tolist()
    team_list = teams.tolist()
    line = pygame.draw.line
    circle = pygame.draw.circle
    for under in (True, False):
        for (x0, y0, x1, y1), kind, team in zip(rows, kind_list, team_list, strict=True):
            if kind == frontline.FRONT:
                color, width = (FRONT_CASING, casing) if under else (FRONT_COLOR, core)
            else:
                dark = team_colors.get(team, INK)
                color, width = (ISLAND_HALO, thin + 2) if under else (dark, thin)
            line(surface, color, (x0, y0), (x1, y1), width)
            if width > 2:
                circle(surface, color, (x0, y0), width / 2)


def hexside_segments(
    layout: Layout, grid: HexMap, h: int, d: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Pixel end points of hexside d of hex h (for overlays that mark single hexsides)."""
    x, y = layout.hex_to_pixel(grid.hex_of(h))
    corners = layout.corner_offsets()
    c0, c1 = layout.edge_corners(d)
    return (x + corners[c0, 0], y + corners[c0, 1]), (x + corners[c1, 0], y + corners[c1, 1])
