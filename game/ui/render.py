"""Drawing the map onto pygame surfaces, in the style of a period operations map.

Reads scenario and state arrays, never changes them. The static layers (terrain, rivers, roads,
railways, towns) are drawn once per zoom level; control, counters and overlays go on top. Terrain
is stamped: each terrain type is drawn once per size as a hex-shaped image (a few variants, so
forests and hills do not repeat), then blitted to every hex, which makes a whole level cheap.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pygame

from game.enums import NO_SIDE, River, Terrain
from game.geo import HexMap
from game.hexgrid import Layout
from game.ui import assets
from game.ui.counters import (
    INK,
    SIZE_MARKS,
    UnitView,
    current_strength,
    draw_counter,
    draw_units,
)

Color = tuple[int, int, int]

PAPER: Color = (236, 229, 206)
TERRAIN_COLORS: dict[int, Color] = {
    Terrain.CLEAR: (234, 226, 194),
    Terrain.FOREST: (170, 192, 134),
    Terrain.MARSH: (192, 212, 196),
    Terrain.HILLS: (218, 196, 152),
    Terrain.URBAN: (214, 180, 168),
    Terrain.WATER: (168, 202, 226),
}
TERRAIN_NAMES = {
    Terrain.CLEAR: "clear / steppe",
    Terrain.FOREST: "forest",
    Terrain.MARSH: "marsh",
    Terrain.HILLS: "hills / broken",
    Terrain.URBAN: "urban",
    Terrain.WATER: "sea / lake",
}
GRID_LINE: Color = (204, 192, 160)
RIVER_COLOR: Color = (52, 104, 176)
RIVER_DARK: Color = (30, 70, 140)
ROAD_COLOR: Color = (156, 104, 56)
RAIL_COLOR: Color = (40, 40, 40)
Rgba = tuple[int, int, int, int]
FRONT_COLOR: Color = (215, 0, 40)
STAMP_VARIANTS = 4
GRAIN_SEED = 1943

__all__ = [
    "INK",
    "PAPER",
    "SIZE_MARKS",
    "UnitView",
    "current_strength",
    "draw_cities",
    "draw_control",
    "draw_counter",
    "draw_graticule",
    "draw_legend",
    "draw_rivers",
    "draw_routes",
    "draw_scale_bar",
    "draw_terrain",
    "draw_units",
    "font",
    "map_layout",
    "map_pixel_size",
    "team_lookup",
]


def font(size: int, bold: bool = False, family: str = "sans") -> pygame.font.Font:
    """The bundled open-licence font (DejaVu, from assets/fonts) at a pixel size; cached."""
    return assets.font(size, bold, family)


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


# --- terrain --------------------------------------------------------------------------------------

_KEY: Color = (255, 0, 255)


def _stamp_size(layout: Layout) -> tuple[int, int]:
    return math.ceil(layout.neighbor_spacing) + 4, math.ceil(2 * layout.size_y) + 4


def terrain_stamp(terrain: int, layout: Layout, variant: int) -> pygame.Surface:
    """One hex of a terrain, filled and decorated, on a colour-keyed square (centre = middle)."""
    w, h = _stamp_size(layout)
    stamp = pygame.Surface((w, h))
    stamp.fill(_KEY)
    stamp.set_colorkey(_KEY)
    cx, cy = w / 2.0, h / 2.0
    corners = layout.corner_offsets() * 1.045  # a little oversized: no seams between hexes
    pygame.draw.polygon(stamp, TERRAIN_COLORS[terrain], [(cx + dx, cy + dy) for dx, dy in corners])
    rng = np.random.default_rng([GRAIN_SEED, terrain, variant])
    _symbols(stamp, terrain, layout.size_x, cx, cy, rng)
    return stamp


def _symbols(
    surface: pygame.Surface, t: int, s: float, x: float, y: float, rng: np.random.Generator
) -> None:
    """Small period-map symbols: trees for forest, tufts for marsh, hachures for hills,
    waves for water, blocks for towns, and a faint stipple on the steppe."""
    jitter = rng.uniform(-0.08, 0.08, size=(8, 2)) * s
    if t == Terrain.FOREST:
        tree, trunk = (84, 124, 66), (110, 90, 60)
        spots = ((-0.38, -0.22), (0.32, -0.3), (0.02, 0.3), (-0.4, 0.3), (0.42, 0.2))
        for k, (ox, oy) in enumerate(spots):
            px, py = x + ox * s + jitter[k, 0], y + oy * s + jitter[k, 1]
            r = 0.17 * s
            pygame.draw.line(surface, trunk, (px, py), (px, py + r * 1.2), max(1, int(s / 18)))
            pygame.draw.circle(surface, tree, (px, py - r * 0.2), r)
    elif t == Terrain.MARSH:
        marsh = (70, 120, 110)
        for k, (ox, oy) in enumerate(((-0.35, -0.2), (0.3, -0.05), (-0.05, 0.35), (0.35, 0.4))):
            px, py = x + ox * s + jitter[k, 0], y + oy * s + jitter[k, 1]
            pygame.draw.line(surface, marsh, (px - 0.22 * s, py), (px + 0.22 * s, py), 1)
            for d in (-0.1, 0.0, 0.1):
                pygame.draw.line(
                    surface, marsh, (px + d * s, py), (px + d * 1.7 * s, py - 0.17 * s), 1
                )
    elif t == Terrain.HILLS:
        hill = (150, 112, 66)
        for k, (ox, oy) in enumerate(((-0.32, 0.12), (0.3, -0.12), (0.0, 0.45), (-0.1, -0.45))):
            px, py = x + ox * s + jitter[k, 0], y + oy * s + jitter[k, 1]
            rect = pygame.Rect(int(px - 0.3 * s), int(py - 0.2 * s), int(0.6 * s), int(0.5 * s))
            pygame.draw.arc(surface, hill, rect, 0.25, math.pi - 0.25, max(1, int(s / 12)))
            # hachures under the crest
            for d in (-0.18, 0.0, 0.18):
                hx = px + d * s
                pygame.draw.line(surface, hill, (hx, py - 0.12 * s), (hx, py + 0.02 * s), 1)
    elif t == Terrain.WATER:
        wave = (110, 152, 196)
        for k, oy in enumerate((-0.35, 0.05, 0.45)):
            py = y + oy * s + jitter[k, 1]
            for ox in (-0.4, 0.0):
                rect = pygame.Rect(int(x + ox * s), int(py), int(0.4 * s), int(0.2 * s))
                pygame.draw.arc(surface, wave, rect, 0.0, math.pi, 1)
    elif t == Terrain.URBAN:
        block = (150, 108, 96)
        spots = ((-0.35, -0.3), (0.08, -0.35), (-0.25, 0.12), (0.22, 0.05), (-0.02, 0.42))
        for k, (ox, oy) in enumerate(spots):
            side = 0.2 * s
            rect = pygame.Rect(
                int(x + ox * s + jitter[k, 0]), int(y + oy * s + jitter[k, 1]), int(side), int(side)
            )
            pygame.draw.rect(surface, block, rect)
    elif t == Terrain.CLEAR and s >= 10:
        dots = rng.uniform(-0.6, 0.6, size=(6, 2)) * s
        grain = (214, 204, 168)
        for dx, dy in dots:
            surface.fill(grain, pygame.Rect(int(x + dx), int(y + dy), 1, 1))


def grid_stamp(layout: Layout, color: Color) -> pygame.Surface:
    """A hex outline on a colour-keyed square: the hex grid is this stamp on every hex."""
    w, h = _stamp_size(layout)
    stamp = pygame.Surface((w, h))
    stamp.fill(_KEY)
    stamp.set_colorkey(_KEY)
    cx, cy = w / 2.0, h / 2.0
    pts = [(cx + dx, cy + dy) for dx, dy in layout.corner_offsets()]
    pygame.draw.lines(stamp, color, True, pts, 1)
    return stamp


def paper_grain(size: tuple[int, int] = (256, 256)) -> pygame.Surface:
    """A seamless tile of faint mottling, multiplied over the map so that it reads as paper."""
    rng = np.random.default_rng(GRAIN_SEED)
    w, h = size
    cells = rng.normal(0.0, 1.0, size=(w // 16, h // 16))
    # smooth blotches: upscale a 3x3 tiling of the cells and keep the middle (seamless edges)
    tiled = np.tile(cells, (3, 3))
    lo = pygame.Surface(tiled.shape)
    grey = np.clip(128 + 40 * tiled, 0, 255).astype(np.uint8)
    pygame.surfarray.blit_array(lo, np.repeat(grey[:, :, None], 3, axis=2))
    hi = pygame.transform.smoothscale(lo, (3 * w, 3 * h)).subsurface((w, h, w, h))
    coarse = (pygame.surfarray.array3d(hi)[:, :, 0].astype(np.float64) - 128) / 40
    fine = rng.normal(0.0, 1.0, size=(w, h))
    value = np.clip(248 + 4 * coarse + 2.5 * fine, 230, 255).astype(np.uint8)
    tile = pygame.Surface((w, h))
    pygame.surfarray.blit_array(tile, np.repeat(value[:, :, None], 3, axis=2))
    return tile


def draw_terrain(surface: pygame.Surface, grid: HexMap, layout: Layout, grain: bool = True) -> None:
    """Terrain fills, symbols and the hex grid, stamped hex by hex."""
    cx, cy = hex_centers(grid, layout)
    stamps = {
        (t, v): terrain_stamp(t, layout, v)
        for t in np.unique(grid.terrain).tolist()
        for v in range(STAMP_VARIANTS)
    }
    sw, sh = _stamp_size(layout)
    left = np.round(cx - sw / 2.0).astype(np.int32)
    top = np.round(cy - sh / 2.0).astype(np.int32)
    # a cheap deterministic scramble so neighbouring hexes pick different variants
    variant = (np.arange(grid.size) * 2654435761 >> 7) % STAMP_VARIANTS
    terrain = grid.terrain.tolist()
    surface.blits(
        [
            (stamps[(terrain[h], int(variant[h]))], (int(left[h]), int(top[h])))
            for h in range(grid.size)
        ],
        doreturn=False,
    )
    if grain:
        tile = paper_grain()
        tw, th = tile.get_size()
        w, h = surface.get_size()
        for x in range(0, w, tw):
            for y in range(0, h, th):
                surface.blit(tile, (x, y), special_flags=pygame.BLEND_MULT)
    # the grid fades out on small scales, where it would only be noise
    spacing = layout.neighbor_spacing
    if spacing >= 10:
        mix = min(1.0, (spacing - 10) / 30.0)
        color = tuple(
            int(PAPER[i] + (GRID_LINE[i] - PAPER[i]) * (0.45 + 0.55 * mix)) for i in range(3)
        )
        outline = grid_stamp(layout, color)  # type: ignore[arg-type]
        surface.blits(
            [(outline, (int(left[h]), int(top[h]))) for h in range(grid.size)], doreturn=False
        )


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


def draw_city_marks(surface: pygame.Surface, grid: HexMap, layout: Layout) -> None:
    """Town symbols: dots for towns and villages, framed squares for cities."""
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


def draw_city_labels(
    surface: pygame.Surface,
    grid: HexMap,
    layout: Layout,
    vp: npt.NDArray[np.int16] | None = None,
    declutter: bool = True,
) -> None:
    """City names below their symbols; where labels would collide, the bigger place wins."""
    hex_px = layout.neighbor_spacing
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
        _halo_text(surface, f, text, rect.topleft)


def _halo_text(
    surface: pygame.Surface, f: pygame.font.Font, text: str, topleft: tuple[int, int]
) -> None:
    img = f.render(text, True, INK)
    halo = f.render(text, True, (250, 246, 232))
    x, y = topleft
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1), (-1, 1), (1, -1)):
        surface.blit(halo, (x + dx, y + dy))
    surface.blit(img, (x, y))


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
    w, h = _stamp_size(layout)
    stamp = pygame.Surface((w, h), pygame.SRCALPHA)
    cx, cy = w / 2.0, h / 2.0
    pts = [(cx + dx, cy + dy) for dx, dy in layout.corner_offsets() * 1.0]
    pygame.draw.polygon(stamp, color, pts)
    return stamp


def stamp_offsets(
    grid: HexMap, layout: Layout
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Top-left pixel of each hex's stamp."""
    cx, cy = hex_centers(grid, layout)
    sw, sh = _stamp_size(layout)
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
    hexes: npt.NDArray[np.intp] | None = None,
) -> None:
    """The front line: a bold red line on every hexside between two teams' ground."""
    width = max(3, int(layout.size_x / 3.5))
    for a, b in front_segments(grid, layout, control, teams, hexes):
        pygame.draw.line(surface, FRONT_COLOR, a, b, width)
        pygame.draw.circle(surface, FRONT_COLOR, a, width / 2)
        pygame.draw.circle(surface, FRONT_COLOR, b, width / 2)


# --- furniture: graticule, cartouche, legend ------------------------------------------------------


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
    """Title cartouche and a 100 km scale bar in the top-left corner."""
    km_px = layout.neighbor_spacing / grid.hex_km
    big = font(int(layout.size_x * 1.3), bold=True, family="serif")
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


def legend_entries() -> list[tuple[str, Color, str]]:
    return [
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


def draw_legend(
    surface: pygame.Surface, hex_px: float, where: tuple[int, int] | None = None
) -> pygame.Rect:
    """Terrain and line key (bottom-right corner unless `where` gives its top-left)."""
    s = max(10, int(hex_px * 0.55))
    small = font(max(11, int(hex_px * 0.5)))
    entries = legend_entries()
    line_h = max(s, small.get_height()) + 4
    width = s * 2 + max(small.size(e[0])[0] for e in entries) + 24
    height = line_h * len(entries) + 12
    w, h = surface.get_size()
    box = pygame.Rect(w - width - 10, h - height - 10, width, height)
    if where is not None:
        box.topleft = where
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
    return box


def hexside_segments(
    layout: Layout, grid: HexMap, h: int, d: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Pixel end points of hexside d of hex h (for overlays that mark single hexsides)."""
    x, y = layout.hex_to_pixel(grid.hex_of(h))
    corners = layout.corner_offsets()
    c0, c1 = layout.edge_corners(d)
    return (x + corners[c0, 0], y + corners[c0, 1]), (x + corners[c1, 0], y + corners[c1, 1])
