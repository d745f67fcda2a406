"""The ground drawn hex by hex: terrain stamps and their symbols, the paper grain, the hex grid,
the coastline, and the ice of frozen lakes.

Each terrain type is drawn once per size as a hex-shaped stamp (a few variants, so forests and
hills do not repeat), then blitted to every hex, which makes a whole zoom level cheap. Stamps
follow the layout's orientation, so pointy-top and flat-top maps draw alike.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pygame

from game.enums import Terrain
from game.geo import HexMap
from game.hexgrid import POINTY, Layout
from game.rules import weather
from game.scenario.model import Scenario

Color = tuple[int, int, int]

PAPER: Color = (236, 229, 206)
TERRAIN_COLORS: dict[int, Color] = {
    Terrain.CLEAR: (234, 226, 194),
    Terrain.FOREST: (170, 192, 134),
    Terrain.MARSH: (192, 212, 196),
    Terrain.HILLS: (218, 196, 152),
    Terrain.URBAN: (214, 180, 168),
    Terrain.WATER: (168, 202, 226),
    Terrain.LAKE: (178, 212, 218),  # fresh water: a little greener and paler than the sea
}
TERRAIN_NAMES = {
    Terrain.CLEAR: "clear / steppe",
    Terrain.FOREST: "forest",
    Terrain.MARSH: "marsh",
    Terrain.HILLS: "hills / broken",
    Terrain.URBAN: "urban",
    Terrain.WATER: "sea",
    Terrain.LAKE: "lake",
}
# A lake frozen hard enough to carry foot and cavalry this turn: a stamp of its own, keyed apart
# from the terrain codes.
ICE = 100
ICE_COLOR: Color = (226, 236, 240)
COAST_COLOR: Color = (58, 96, 138)
GRID_LINE: Color = (204, 192, 160)
STAMP_VARIANTS = 4
GRAIN_SEED = 1943


def hex_centers(
    grid: HexMap, layout: Layout
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    return layout.hex_to_pixel_array(grid.q, grid.r)


_KEY: Color = (255, 0, 255)


def stamp_size(layout: Layout) -> tuple[int, int]:
    """A square that holds one hex of the layout with two pixels to spare on every side."""
    if layout.orientation == POINTY:  # as drawn since the first map
        return math.ceil(layout.neighbor_spacing) + 4, math.ceil(2 * layout.size_y) + 4
    corners = layout.corner_offsets()
    # rounded first, so that an extent of 12.000000000001 px is a stamp of 12 + 4, not 13 + 4
    width, height = np.round(corners.max(axis=0) - corners.min(axis=0), 6).tolist()
    return math.ceil(width) + 4, math.ceil(height) + 4


def terrain_stamp(terrain: int, layout: Layout, variant: int) -> pygame.Surface:
    """One hex of a terrain (or `ICE`), filled and decorated, on a colour-keyed square (centre =
    middle)."""
    w, h = stamp_size(layout)
    stamp = pygame.Surface((w, h))
    stamp.fill(_KEY)
    stamp.set_colorkey(_KEY)
    cx, cy = w / 2.0, h / 2.0
    corners = layout.corner_offsets() * 1.045  # a little oversized: no seams between hexes
    fill = ICE_COLOR if terrain == ICE else TERRAIN_COLORS[terrain]
    pygame.draw.polygon(stamp, fill, [(cx + dx, cy + dy) for dx, dy in corners])
    rng = np.random.default_rng([GRAIN_SEED, terrain, variant])
    _symbols(stamp, terrain, layout.size_x, cx, cy, rng)
    return stamp


def _symbols(
    surface: pygame.Surface, t: int, s: float, x: float, y: float, rng: np.random.Generator
) -> None:
    """Small period-map symbols: trees for forest, tufts for marsh, hachures for hills,
    waves for the sea, ripples for lakes, cracks and a trodden track for ice that carries men,
    blocks for towns, and a faint stipple on the steppe."""
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
    elif t == Terrain.LAKE:
        # still water: short strokes in staggered rows, where the sea has waves
        ripple = (104, 156, 174)
        strokes = ((-0.3, -0.42, 0.3), (-0.5, -0.14, 0.34), (0.12, -0.2, 0.3), (-0.2, 0.14, 0.4))
        for k, (ox, oy, length) in enumerate((*strokes, (-0.42, 0.42, 0.26), (0.16, 0.4, 0.3))):
            px, py = x + ox * s + jitter[k, 0], y + oy * s + jitter[k, 1] * 0.5
            pygame.draw.line(surface, ripple, (px, py), (px + length * s, py), 1)
    elif t == ICE:
        crack, track = (164, 190, 206), (118, 98, 76)
        for k, (ox, oy) in enumerate(((-0.45, -0.35), (0.1, -0.5), (0.2, 0.3))):
            ax, ay = x + ox * s + jitter[k, 0], y + oy * s + jitter[k, 1]
            points = [(ax, ay), (ax + 0.15 * s, ay + 0.12 * s), (ax + 0.22 * s, ay + 0.3 * s)]
            pygame.draw.lines(surface, crack, False, points, 1)
        # a dashed track across: the ice carries men on foot and horses
        dash, width = 0.16 * s, max(1, int(s / 14))
        ax, ay, bx, by = x - 0.7 * s, y + 0.12 * s, x + 0.7 * s, y - 0.12 * s
        steps = 5
        for k in range(steps):
            t0, t1 = k / steps, k / steps + dash / (1.4 * s)
            start = (ax + (bx - ax) * t0, ay + (by - ay) * t0)
            end = (ax + (bx - ax) * t1, ay + (by - ay) * t1)
            pygame.draw.line(surface, track, start, end, width)
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
    w, h = stamp_size(layout)
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


def ice_hexes(scenario: Scenario, turn: int) -> npt.NDArray[np.bool_]:
    """[N] water frozen hard enough on `turn` to carry men, as the rules see it (each hex in
    its own region's weather)."""
    grid = scenario.map
    if not grid.freezes.any():
        return np.zeros(grid.size, dtype=np.bool_)
    found: npt.NDArray[np.bool_] = grid.water & weather.passable_ground(
        grid, weather.local_weather(scenario, turn)
    )
    return found


def draw_terrain(
    surface: pygame.Surface,
    grid: HexMap,
    layout: Layout,
    grain: bool = True,
    ice: npt.NDArray[np.bool_] | None = None,
) -> None:
    """Terrain fills, symbols and the hex grid, stamped hex by hex, then the coastline. `ice`
    marks the water drawn frozen, hard enough to carry men (see `ice_hexes`)."""
    cx, cy = hex_centers(grid, layout)
    codes = grid.terrain.astype(np.int32)
    if ice is not None:
        codes = np.where(ice, ICE, codes)
    stamps = {
        (t, v): terrain_stamp(t, layout, v)
        for t in np.unique(codes).tolist()
        for v in range(STAMP_VARIANTS)
    }
    sw, sh = stamp_size(layout)
    left = np.round(cx - sw / 2.0).astype(np.int32)
    top = np.round(cy - sh / 2.0).astype(np.int32)
    # a cheap deterministic scramble so neighbouring hexes pick different variants
    variant = (np.arange(grid.size) * 2654435761 >> 7) % STAMP_VARIANTS
    terrain = codes.tolist()
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
    draw_coast(surface, grid, layout)


def draw_coast(surface: pygame.Surface, grid: HexMap, layout: Layout) -> None:
    """The coastline: a crisp line along every hexside where land meets sea or lake."""
    cx, cy = hex_centers(grid, layout)
    corners = layout.corner_offsets()
    coast = grid.coast
    width = max(1, round(layout.size_x / 9))
    for d in range(3):  # each hexside once, from one of its two hexes
        c0, c1 = layout.edge_corners(d)
        for h in np.nonzero(coast[:, d])[0].tolist():
            a = (float(cx[h] + corners[c0, 0]), float(cy[h] + corners[c0, 1]))
            b = (float(cx[h] + corners[c1, 0]), float(cy[h] + corners[c1, 1]))
            pygame.draw.line(surface, COAST_COLOR, a, b, width)
            if width >= 3:  # round joints where the shore turns
                pygame.draw.circle(surface, COAST_COLOR, a, width / 2)
                pygame.draw.circle(surface, COAST_COLOR, b, width / 2)
