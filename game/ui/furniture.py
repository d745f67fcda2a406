"""Map furniture: the graticule, the title cartouche with its scale bar, and the legend."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pygame

from game.enums import Terrain
from game.geo import HexMap
from game.hexgrid import Layout
from game.rules import fortification
from game.scenario.model import Scenario
from game.ui.counters import INK
from game.ui.mapmarks import belt_sample
from game.ui.palette import palette
from game.ui.render import (
    FRONT_COLOR,
    RAIL_COLOR,
    RIVER_COLOR,
    ROAD_COLOR,
    draw_anchor,
    font,
)
from game.ui.terrain import (
    COAST_COLOR,
    GRID_LINE,
    ICE,
    ICE_COLOR,
    TERRAIN_COLORS,
    Color,
    terrain_stamp,
)

__all__ = [
    "belt_label",
    "belt_legend",
    "draw_graticule",
    "draw_legend",
    "draw_scale_bar",
    "legend_entries",
    "legend_size",
]

Belts = Sequence[tuple[str, Color]]  # (label, colour) of each side's fortified belts


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


def belt_label(side: str | None = None) -> str:
    """A fortified belt's line in a key; `side` names whose when several sides have belts."""
    whose = f", {side}" if side else ""
    return f"Fortified belt{whose} (rows: strength)"


def belt_legend(scenario: Scenario) -> list[tuple[str, Color]]:
    """(label, colour) of each side whose fortified belts the map draws at the start (none while
    the scenario's rule is off): the side's dark colour, as on the map."""
    if not fortification.switched_on(scenario) or scenario.fortification is None:
        return []
    levels = scenario.fortification
    sides = [s for s in range(levels.shape[0]) if levels[s].any()]
    colors = palette(scenario)
    names = scenario.side_table.short
    return [(belt_label(names[s] if len(sides) > 1 else None), colors.dark(s)) for s in sides]


def legend_entries(
    grid: HexMap | None = None, ice: bool = False, belts: Belts | None = None
) -> list[tuple[str, Color, str]]:
    """(name, colour, style) of each line of the legend. With a map: a lake, the ice and a
    port are listed only when the map has them (`ice`: frozen lakes are drawn), fortified belts
    as `belts` gives them (`belt_legend`); without one (the help screen of no scenario), every
    kind is."""
    lake = grid is None or bool((grid.terrain == Terrain.LAKE).any())
    port = grid is None or any(c.port for c in grid.cities)
    if belts is None:
        belts = [(belt_label(), INK)] if grid is None else []
    entries: list[tuple[str, Color, str]] = [
        ("Clear / steppe", TERRAIN_COLORS[Terrain.CLEAR], "fill"),
        ("Forest", TERRAIN_COLORS[Terrain.FOREST], "fill"),
        ("Marsh", TERRAIN_COLORS[Terrain.MARSH], "fill"),
        ("Hills / broken", TERRAIN_COLORS[Terrain.HILLS], "fill"),
        ("Urban", TERRAIN_COLORS[Terrain.URBAN], "fill"),
        ("Sea", TERRAIN_COLORS[Terrain.WATER], "fill"),
    ]
    if lake:
        entries.append(("Lake", TERRAIN_COLORS[Terrain.LAKE], "lake"))
    if ice or grid is None:
        entries.append(("Ice: foot and cavalry cross", ICE_COLOR, "ice"))
    entries += [
        ("Major river", RIVER_COLOR, "thick"),
        ("Minor river", RIVER_COLOR, "thin"),
        ("Road", ROAD_COLOR, "thin"),
        ("Railway", RAIL_COLOR, "thin"),
    ]
    if port:
        entries.append(("Port", COAST_COLOR, "anchor"))
    entries += [(name, color, "belt") for name, color in belts]
    entries.append(("Front line", FRONT_COLOR, "thick"))
    return entries


def _legend_metrics(hex_px: float) -> tuple[int, pygame.font.Font, int]:
    """Swatch height, font and line height of a legend drawn for `hex_px`."""
    s = max(10, int(hex_px * 0.55))
    small = font(max(11, int(hex_px * 0.5)))
    return s, small, max(s, small.get_height()) + 4


def legend_size(
    hex_px: float, grid: HexMap | None = None, ice: bool = False, belts: Belts | None = None
) -> tuple[int, int]:
    """Width and height of `draw_legend`'s box."""
    s, small, line_h = _legend_metrics(hex_px)
    entries = legend_entries(grid, ice, belts)
    return s * 2 + max(small.size(e[0])[0] for e in entries) + 24, line_h * len(entries) + 12


def draw_legend(
    surface: pygame.Surface,
    hex_px: float,
    where: tuple[int, int] | None = None,
    grid: HexMap | None = None,
    ice: bool = False,
    belts: Belts | None = None,
) -> pygame.Rect:
    """Terrain and line key of `grid` (see `legend_entries`), in the bottom-right corner unless
    `where` gives its top-left."""
    s, small, line_h = _legend_metrics(hex_px)
    entries = legend_entries(grid, ice, belts)
    width, height = legend_size(hex_px, grid, ice, belts)
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
        elif style in ("lake", "ice"):  # the hex as the map draws it: its symbols tell
            _swatch(surface, sw, Terrain.LAKE if style == "lake" else ICE)
        elif style == "anchor":
            draw_anchor(surface, (float(sw.centerx), float(sw.centery)), s * 0.95)
        elif style == "belt":  # the teeth the map draws
            belt_sample(surface, sw, color)
        else:
            pygame.draw.line(surface, color, sw.midleft, sw.midright, 5 if style == "thick" else 2)
        surface.blit(
            small.render(name, True, INK), (sw.right + 8, y + (s - small.get_height()) // 2)
        )
    return box


def _swatch(surface: pygame.Surface, box: pygame.Rect, terrain: int) -> None:
    """A legend swatch cut from a terrain stamp big enough to show its symbols."""
    size = box.width / math.sqrt(3.0) * 1.6
    stamp = terrain_stamp(terrain, Layout.pointy(size), 0)
    sw, sh = stamp.get_size()
    area = pygame.Rect(0, 0, box.width, box.height)
    area.center = (sw // 2, sh // 2)
    surface.blit(stamp, box.topleft, area)
    pygame.draw.rect(surface, GRID_LINE, box, 1)
