"""Drawing the map and unit counters onto pygame surfaces, in the style of an operations map.

Reads scenario and state arrays, never changes them. The static layers (terrain, rivers, roads,
railways, towns) are drawn once into a surface; counters and overlays go on top each frame.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pygame

from game.enums import River, Side, Terrain, UnitKind, UnitSize
from game.geo import HexMap
from game.hexgrid import Layout

Color = tuple[int, int, int]

PAPER: Color = (236, 229, 206)
TERRAIN_COLORS: dict[int, Color] = {
    Terrain.CLEAR: (232, 224, 190),
    Terrain.FOREST: (160, 186, 128),
    Terrain.MARSH: (186, 208, 190),
    Terrain.HILLS: (214, 190, 146),
    Terrain.URBAN: (204, 170, 160),
    Terrain.WATER: (160, 196, 222),
}
GRID_LINE: Color = (200, 190, 160)
RIVER_COLOR: Color = (52, 104, 176)
ROAD_COLOR: Color = (150, 105, 60)
RAIL_COLOR: Color = (40, 40, 40)
INK: Color = (30, 28, 24)
SIDE_COLORS: dict[int, Color] = {
    Side.AXIS: (150, 160, 170),
    Side.SOVIET: (196, 86, 70),
    Side.ALLIES: (120, 150, 90),
}
SIDE_INK: dict[int, Color] = {
    Side.AXIS: (20, 20, 20),
    Side.SOVIET: (30, 10, 10),
    Side.ALLIES: (20, 30, 10),
}
CONTROL_TINT: dict[int, tuple[int, int, int, int]] = {
    Side.AXIS: (90, 110, 140, 18),
    Side.SOVIET: (210, 70, 60, 18),
}
FRONT_COLOR: Color = (215, 0, 40)
SIZE_MARKS = {
    UnitSize.REGIMENT: "III",
    UnitSize.BRIGADE: "X",
    UnitSize.DIVISION: "XX",
    UnitSize.CORPS: "XXX",
    UnitSize.ARMY: "XXXX",
}


def font(size: int, bold: bool = False) -> pygame.font.Font:
    """The bundled open-licence font (pygame's default) at a pixel size; cached by pygame."""
    f = pygame.font.Font(None, max(8, size))
    f.set_bold(bold)
    return f


@dataclass(frozen=True)
class UnitView:
    """What the renderer needs of the units on the map (a read-only view of state arrays)."""

    hex: npt.NDArray[np.int32]
    side: npt.NDArray[np.uint8]
    kind: npt.NDArray[np.uint8]
    size: npt.NDArray[np.uint8]
    steps: npt.NDArray[np.int8]
    max_steps: npt.NDArray[np.int8]
    attack: npt.NDArray[np.int16]
    defence: npt.NDArray[np.int16]
    movement: npt.NDArray[np.int8]
    labels: Sequence[str]


def map_layout(grid: HexMap, hex_px: float, margin: tuple[float, float] = (0.0, 0.0)) -> Layout:
    """A pixel layout where neighbouring hex centres are `hex_px` apart and hex (col 0, row 0)
    sits inside the surface."""
    size = hex_px / math.sqrt(3.0)
    return Layout.pointy(size, (margin[0] + hex_px / 2.0, margin[1] + size))


def map_pixel_size(grid: HexMap, hex_px: float) -> tuple[int, int]:
    size = hex_px / math.sqrt(3.0)
    return math.ceil((grid.cols + 0.5) * hex_px), math.ceil((grid.rows - 1) * 1.5 * size + 2 * size)


def hex_centers(
    grid: HexMap, layout: Layout
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    return layout.hex_to_pixel_array(grid.q, grid.r)


def draw_terrain(surface: pygame.Surface, grid: HexMap, layout: Layout) -> None:
    cx, cy = hex_centers(grid, layout)
    corners = layout.corner_offsets()
    # draw each hex slightly oversized so neighbouring fills leave no seams
    fill = corners * 1.04
    for h in range(grid.size):
        color = TERRAIN_COLORS[int(grid.terrain[h])]
        pts = [(cx[h] + dx, cy[h] + dy) for dx, dy in fill]
        pygame.draw.polygon(surface, color, pts)
    _draw_terrain_symbols(surface, grid, layout, cx, cy)
    for h in range(grid.size):
        pts = [(cx[h] + dx, cy[h] + dy) for dx, dy in corners]
        pygame.draw.lines(surface, GRID_LINE, True, pts, 1)


def _draw_terrain_symbols(
    surface: pygame.Surface,
    grid: HexMap,
    layout: Layout,
    cx: npt.NDArray[np.float64],
    cy: npt.NDArray[np.float64],
) -> None:
    """Small period-map symbols: trees for forest, tufts for marsh, hachures for hills."""
    s = layout.size_x
    tree = (90, 128, 70)
    marsh = (70, 120, 110)
    hill = (150, 115, 70)
    wave = (120, 160, 200)
    for h in np.nonzero(grid.terrain != Terrain.CLEAR)[0]:
        t = int(grid.terrain[h])
        x, y = float(cx[h]), float(cy[h])
        if t == Terrain.FOREST:
            for ox, oy in ((-0.35, -0.2), (0.3, -0.25), (0.0, 0.3)):
                px, py = x + ox * s, y + oy * s
                pygame.draw.polygon(
                    surface,
                    tree,
                    [
                        (px, py - 0.28 * s),
                        (px - 0.18 * s, py + 0.12 * s),
                        (px + 0.18 * s, py + 0.12 * s),
                    ],
                )
        elif t == Terrain.MARSH:
            for ox, oy in ((-0.3, -0.15), (0.3, 0.0), (-0.05, 0.35)):
                px, py = x + ox * s, y + oy * s
                pygame.draw.line(surface, marsh, (px - 0.2 * s, py), (px + 0.2 * s, py), 1)
                for k in (-0.1, 0.0, 0.1):
                    pygame.draw.line(
                        surface, marsh, (px + k * s, py), (px + k * 1.6 * s, py - 0.15 * s), 1
                    )
        elif t == Terrain.HILLS:
            for ox, oy in ((-0.3, 0.1), (0.3, -0.1)):
                px, py = x + ox * s, y + oy * s
                rect = pygame.Rect(int(px - 0.3 * s), int(py - 0.2 * s), int(0.6 * s), int(0.5 * s))
                pygame.draw.arc(surface, hill, rect, 0.2, math.pi - 0.2, max(1, int(s / 10)))
        elif t == Terrain.WATER:
            for oy in (-0.25, 0.15):
                py = y + oy * s
                pygame.draw.arc(
                    surface,
                    wave,
                    pygame.Rect(int(x - 0.4 * s), int(py), int(0.4 * s), int(0.2 * s)),
                    0.0,
                    math.pi,
                    1,
                )
                pygame.draw.arc(
                    surface,
                    wave,
                    pygame.Rect(int(x), int(py), int(0.4 * s), int(0.2 * s)),
                    0.0,
                    math.pi,
                    1,
                )
        elif t == Terrain.URBAN:
            for ox, oy in ((-0.3, -0.25), (0.1, -0.3), (-0.2, 0.15), (0.2, 0.1)):
                rect = pygame.Rect(int(x + ox * s), int(y + oy * s), int(0.22 * s), int(0.22 * s))
                pygame.draw.rect(surface, (150, 110, 100), rect)


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
    """Roads (brown) and railways (black, with ties), smoothed through the hexes they connect.

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
                pygame.draw.lines(surface, ROAD_COLOR, False, pts, width)
                continue
            pygame.draw.lines(surface, RAIL_COLOR, False, pts, max(1, width - 1))
            tick = layout.size_x * 0.16
            spacing = layout.size_x * 0.7
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
    cx, cy = hex_centers(grid, layout)
    corners = layout.corner_offsets()
    minor_w = max(2, int(layout.size_x / 7))
    major_w = max(3, int(layout.size_x / 3.5))
    for d in range(3):
        c0, c1 = layout.edge_corners(d)
        for h in np.nonzero(grid.river[:, d])[0]:
            major = grid.river[h, d] == River.MAJOR
            a = (float(cx[h] + corners[c0, 0]), float(cy[h] + corners[c0, 1]))
            b = (float(cx[h] + corners[c1, 0]), float(cy[h] + corners[c1, 1]))
            w = major_w if major else minor_w
            pygame.draw.line(surface, RIVER_COLOR, a, b, w)
            if major:
                r = w // 2
                pygame.draw.circle(surface, RIVER_COLOR, a, r)
                pygame.draw.circle(surface, RIVER_COLOR, b, r)


def draw_control(
    surface: pygame.Surface,
    grid: HexMap,
    layout: Layout,
    control: npt.NDArray[np.uint8],
    front: bool = True,
) -> None:
    """Faint side tint over each hex and a red line along every hexside where control changes."""
    cx, cy = hex_centers(grid, layout)
    corners = layout.corner_offsets()
    tint = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    for h in range(grid.size):
        color = CONTROL_TINT.get(int(control[h]))
        if color:
            pygame.draw.polygon(tint, color, [(cx[h] + dx, cy[h] + dy) for dx, dy in corners])
    surface.blit(tint, (0, 0))
    if not front:
        return
    width = max(3, int(layout.size_x / 3.5))
    for d in range(3):
        c0, c1 = layout.edge_corners(d)
        nb = grid.neighbor[:, d]
        valid = nb >= 0
        h_all = np.nonzero(valid)[0]
        a_side = control[h_all]
        b_side = control[nb[h_all]]
        change = (a_side != b_side) & (a_side != Side.NONE) & (b_side != Side.NONE)
        for h in h_all[change]:
            a = (float(cx[h] + corners[c0, 0]), float(cy[h] + corners[c0, 1]))
            b = (float(cx[h] + corners[c1, 0]), float(cy[h] + corners[c1, 1]))
            pygame.draw.line(surface, FRONT_COLOR, a, b, width)


def draw_cities(
    surface: pygame.Surface, grid: HexMap, layout: Layout, vp: npt.NDArray[np.int16] | None = None
) -> None:
    s = layout.size_x
    for city in grid.cities:
        x, y = layout.hex_to_pixel(grid.hex_of(city.hex))
        radius = {"village": 0.12, "town": 0.17, "city": 0.24, "major": 0.32}[city.size] * s
        if city.size in ("city", "major"):
            rect = pygame.Rect(0, 0, int(radius * 2), int(radius * 2))
            rect.center = (int(x), int(y))
            pygame.draw.rect(surface, INK, rect)
            pygame.draw.rect(
                surface,
                (250, 245, 230),
                rect.inflate(-max(2, int(radius * 0.7)), -max(2, int(radius * 0.7))),
            )
        else:
            pygame.draw.circle(surface, INK, (x, y), max(2.0, radius))
        label_size = {"village": 0.62, "town": 0.72, "city": 0.9, "major": 1.15}[city.size] * s
        points = int(vp[city.hex]) if vp is not None else city.vp
        text = city.name + (f" ({points})" if points else "")
        _label(
            surface, text, (x, y + radius + 1), int(label_size), bold=city.size in ("city", "major")
        )


def _label(
    surface: pygame.Surface,
    text: str,
    top_center: tuple[float, float],
    size: int,
    bold: bool = False,
) -> None:
    f = font(size, bold)
    img = f.render(text, True, INK)
    halo = f.render(text, True, (250, 246, 232))
    rect = img.get_rect(midtop=(int(top_center[0]), int(top_center[1])))
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        surface.blit(halo, rect.move(dx, dy))
    surface.blit(img, rect)


def draw_counter(
    surface: pygame.Surface,
    center: tuple[float, float],
    px: int,
    side: int,
    kind: int,
    size: int,
    label: str,
    attack: int,
    defence: int,
    movement: int,
    steps: int,
    max_steps: int,
) -> None:
    """A square counter: size mark, NATO symbol, label and attack-defence-movement."""
    rect = pygame.Rect(0, 0, px, px)
    rect.center = (int(center[0]), int(center[1]))
    pygame.draw.rect(surface, SIDE_COLORS.get(side, (200, 200, 200)), rect)
    pygame.draw.rect(surface, INK, rect, 1)
    ink = SIDE_INK.get(side, INK)
    # symbol box
    box = pygame.Rect(0, 0, int(px * 0.62), int(px * 0.36))
    box.center = (rect.centerx, rect.top + int(px * 0.42))
    pygame.draw.rect(surface, (245, 242, 232), box)
    pygame.draw.rect(surface, ink, box, 1)
    if kind in (UnitKind.INFANTRY, UnitKind.MECHANISED):
        pygame.draw.line(surface, ink, box.topleft, box.bottomright, 1)
        pygame.draw.line(surface, ink, box.bottomleft, box.topright, 1)
    if kind in (UnitKind.ARMOUR, UnitKind.MECHANISED):
        oval = box.inflate(-box.width * 0.3, -box.height * 0.35)
        pygame.draw.ellipse(surface, ink, oval, 1)
    if kind == UnitKind.CAVALRY:
        pygame.draw.line(surface, ink, box.bottomleft, box.topright, 1)
    if kind == UnitKind.ARTILLERY:
        pygame.draw.circle(surface, ink, box.center, max(2, box.height // 5))
    mark = SIZE_MARKS.get(UnitSize(size), "")
    small = font(max(8, int(px * 0.26)), bold=True)
    img = small.render(mark, True, ink)
    surface.blit(img, img.get_rect(midbottom=(box.centerx, box.top + 1)))
    label_img = font(max(8, int(px * 0.24))).render(label[:10], True, ink)
    if label_img.get_width() > px - 2:
        label_img = pygame.transform.smoothscale(label_img, (px - 2, label_img.get_height()))
    surface.blit(label_img, label_img.get_rect(midtop=(rect.centerx, box.bottom)))
    stats = font(max(8, int(px * 0.3)), bold=True).render(
        f"{attack}-{defence}-{movement}", True, ink
    )
    surface.blit(stats, stats.get_rect(midbottom=(rect.centerx, rect.bottom)))
    # step pips down the right edge: filled for steps left
    pip = max(2, px // 14)
    for k in range(max_steps):
        py = rect.top + 3 + k * (pip + 2)
        r = pygame.Rect(rect.right - pip - 2, py, pip, pip)
        pygame.draw.rect(surface, ink if k < steps else (245, 242, 232), r)
        pygame.draw.rect(surface, ink, r, 1)


def current_strength(full: int, steps: int, max_steps: int) -> int:
    """Displayed strength: full value scaled by steps left, rounded up (as the rules do)."""
    if max_steps <= 0 or steps <= 0:
        return 0
    return -(-full * steps // max_steps)


def draw_units(surface: pygame.Surface, grid: HexMap, layout: Layout, units: UnitView) -> None:
    """Counters on their hexes; a stack fans out diagonally so every counter shows."""
    px = int(layout.size_x * 1.15)
    on_map = np.nonzero((units.hex >= 0) & (units.steps > 0))[0]
    by_hex: dict[int, list[int]] = {}
    for u in on_map.tolist():
        by_hex.setdefault(int(units.hex[u]), []).append(u)
    for h, members in by_hex.items():
        x, y = layout.hex_to_pixel(grid.hex_of(h))
        shift = px * 0.14
        n = len(members)
        for k, u in enumerate(members):
            offset = (k - (n - 1) / 2.0) * shift
            draw_counter(
                surface,
                (x + offset, y + offset),
                px,
                int(units.side[u]),
                int(units.kind[u]),
                int(units.size[u]),
                units.labels[u],
                current_strength(
                    int(units.attack[u]), int(units.steps[u]), int(units.max_steps[u])
                ),
                current_strength(
                    int(units.defence[u]), int(units.steps[u]), int(units.max_steps[u])
                ),
                int(units.movement[u]),
                int(units.steps[u]),
                int(units.max_steps[u]),
            )


def draw_graticule(
    surface: pygame.Surface, grid: HexMap, layout: Layout, step_deg: float = 1.0
) -> None:
    """Faint lines of latitude and longitude with labels at the map edge."""
    width, height = surface.get_size()
    lat_c, lon_c = grid.projection.lat0, grid.projection.lon0
    color = (150, 140, 120)
    small = font(max(10, int(layout.size_x * 0.55)))
    km_to_px = layout.size_x / grid.layout.size_x

    def to_px(
        lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> list[tuple[float, float]]:
        x, y = grid.projection.project(lat, lon)
        px = (x - grid.layout.origin_x) * km_to_px + layout.origin_x
        py = (y - grid.layout.origin_y) * km_to_px + layout.origin_y
        return list(zip(px.tolist(), py.tolist(), strict=True))

    lats = np.arange(math.floor(lat_c - 6), math.ceil(lat_c + 6) + step_deg, step_deg)
    lons = np.arange(math.floor(lon_c - 9), math.ceil(lon_c + 9) + step_deg, step_deg)
    span_lon = np.linspace(lons[0], lons[-1], 200)
    span_lat = np.linspace(lats[0], lats[-1], 200)
    for lat in lats:
        pts = to_px(np.full_like(span_lon, lat), span_lon)
        pygame.draw.lines(surface, color, False, pts, 1)
        inside = [p for p in pts if 0 <= p[0] <= width and 0 <= p[1] <= height]
        if inside:
            img = small.render(f"{lat:.0f}°N", True, color)
            surface.blit(img, (2, int(inside[0][1]) - img.get_height()))
    for lon in lons:
        pts = to_px(span_lat, np.full_like(span_lat, lon))
        pygame.draw.lines(surface, color, False, pts, 1)
        inside = [p for p in pts if 0 <= p[0] <= width and 0 <= p[1] <= height]
        if inside:
            bottom = max(inside, key=lambda p: p[1])
            img = small.render(f"{lon:.0f}°E", True, color)
            surface.blit(img, (int(bottom[0]) + 2, height - img.get_height() - 2))


def draw_scale_bar(
    surface: pygame.Surface, grid: HexMap, layout: Layout, title: str, subtitle: str
) -> None:
    """Title cartouche and a 50 km scale bar in the top-left corner."""
    km_px = layout.neighbor_spacing / grid.hex_km
    big = font(int(layout.size_x * 1.3), bold=True)
    small = font(int(layout.size_x * 0.8))
    t = big.render(title, True, INK)
    st = small.render(subtitle, True, INK)
    box = pygame.Rect(
        8,
        8,
        max(t.get_width(), st.get_width(), int(100 * km_px)) + 20,
        t.get_height() + st.get_height() + 50,
    )
    pygame.draw.rect(surface, (250, 246, 232), box)
    pygame.draw.rect(surface, INK, box, 2)
    surface.blit(t, (box.left + 10, box.top + 6))
    surface.blit(st, (box.left + 10, box.top + 8 + t.get_height()))
    y = box.bottom - 16
    x0 = box.left + 10
    for k in range(5):
        seg = pygame.Rect(int(x0 + k * 20 * km_px), y, int(20 * km_px), 6)
        pygame.draw.rect(surface, INK if k % 2 == 0 else (250, 246, 232), seg)
        pygame.draw.rect(surface, INK, seg, 1)
    lbl = small.render("100 km", True, INK)
    surface.blit(lbl, (int(x0 + 100 * km_px) + 6, y - lbl.get_height() // 2 + 3))


def draw_legend(surface: pygame.Surface, hex_px: float) -> None:
    """Terrain and line key in the bottom-right corner."""
    s = int(hex_px * 0.55)
    small = font(int(hex_px * 0.5))
    entries: list[tuple[str, Color, str]] = [
        ("Clear / steppe", TERRAIN_COLORS[Terrain.CLEAR], "fill"),
        ("Forest", TERRAIN_COLORS[Terrain.FOREST], "fill"),
        ("Marsh", TERRAIN_COLORS[Terrain.MARSH], "fill"),
        ("Hills / broken", TERRAIN_COLORS[Terrain.HILLS], "fill"),
        ("Urban", TERRAIN_COLORS[Terrain.URBAN], "fill"),
        ("Sea", TERRAIN_COLORS[Terrain.WATER], "fill"),
        ("Major river", RIVER_COLOR, "thick"),
        ("Minor river", RIVER_COLOR, "thin"),
        ("Road", ROAD_COLOR, "thin"),
        ("Railway", RAIL_COLOR, "thin"),
        ("Front line", FRONT_COLOR, "thick"),
    ]
    line_h = max(s, small.get_height()) + 4
    width = s * 2 + max(small.size(e[0])[0] for e in entries) + 24
    height = line_h * len(entries) + 12
    w, h = surface.get_size()
    box = pygame.Rect(w - width - 10, h - height - 10, width, height)
    pygame.draw.rect(surface, (250, 246, 232), box)
    pygame.draw.rect(surface, INK, box, 2)
    for k, (name, color, style) in enumerate(entries):
        y = box.top + 6 + k * line_h
        sw = pygame.Rect(box.left + 8, y, s * 2, s)
        if style == "fill":
            pygame.draw.rect(surface, color, sw)
            pygame.draw.rect(surface, GRID_LINE, sw, 1)
        else:
            pygame.draw.line(surface, color, sw.midleft, sw.midright, 5 if style == "thick" else 2)
        surface.blit(
            small.render(name, True, INK), (sw.right + 8, y + (s - small.get_height()) // 2)
        )


def hexside_segments(
    layout: Layout, grid: HexMap, h: int, d: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Pixel end points of hexside d of hex h (for overlays that mark single hexsides)."""
    x, y = layout.hex_to_pixel(grid.hex_of(h))
    corners = layout.corner_offsets()
    c0, c1 = layout.edge_corners(d)
    return (x + corners[c0, 0], y + corners[c0, 1]), (x + corners[c1, 0], y + corners[c1, 1])


__all__ = [
    "UnitView",
    "draw_cities",
    "draw_control",
    "draw_graticule",
    "draw_legend",
    "draw_rivers",
    "draw_routes",
    "draw_scale_bar",
    "draw_terrain",
    "draw_units",
    "map_layout",
    "map_pixel_size",
]
