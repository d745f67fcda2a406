"""Unit counters drawn in code: NATO symbols, size marks, side colours, strengths and steps.

A counter is a small square like the cardboard pieces of a board wargame. Everything that decides
its look is in `CounterLook`, so the map view caches one image per look and size and a frame
only blits. A counter's colours are its side's (`CounterLook.color`, from the scenario file; the
dark and ink tones are derived from it, `game.ui.palette`); the rest of the artwork, proportions
and size marks come from `assets/counters.json`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pygame

from game.enums import UnitKind, UnitSize
from game.geo import HexMap
from game.hexgrid import Layout
from game.ui.assets import assets_dir, font
from game.ui.palette import dark_of, ink_of

Color = tuple[int, int, int]

# Defaults of the artwork; `assets/counters.json` overrides them (one place to restyle counters).
_ARTWORK: dict[str, Any] = {
    "ink": [30, 28, 24],
    "box_paper": [246, 243, 232],
    "box_width": 0.64,
    "box_height": 0.36,
    "box_centre_y": 0.40,
    "counter_share": 0.82,
    "simple_below_px": 26,
    "size_marks": {
        "regiment": "III",
        "brigade": "X",
        "division": "XX",
        "corps": "XXX",
        "army": "XXXX",
    },
}


def _load_artwork() -> dict[str, Any]:
    path = assets_dir() / "counters.json"
    artwork = dict(_ARTWORK)
    with contextlib.suppress(OSError, ValueError):
        artwork.update(json.loads(path.read_text(encoding="utf-8")))
    return artwork


ARTWORK = _load_artwork()
INK: Color = (ARTWORK["ink"][0], ARTWORK["ink"][1], ARTWORK["ink"][2])
BOX_PAPER: Color = (ARTWORK["box_paper"][0], ARTWORK["box_paper"][1], ARTWORK["box_paper"][2])
SIZE_MARKS = {UnitSize[name.upper()]: str(mark) for name, mark in ARTWORK["size_marks"].items()}
KIND_NAMES = {
    UnitKind.ARMOUR: "armour",
    UnitKind.MECHANISED: "motorised / mechanised",
    UnitKind.INFANTRY: "infantry",
    UnitKind.CAVALRY: "cavalry",
    UnitKind.ARTILLERY: "artillery",
}
# NATO frame: width and height as shares of the counter, and its centre's height
BOX_W, BOX_H, BOX_Y = (
    float(ARTWORK["box_width"]),
    float(ARTWORK["box_height"]),
    float(ARTWORK["box_centre_y"]),
)
COUNTER_SHARE = float(ARTWORK["counter_share"])  # counter side / distance between hex centres
SIMPLE_BELOW = int(ARTWORK["simple_below_px"])  # counters smaller than this (px) are NATO blocks
FULL_FROM = int(ARTWORK.get("full_from_px", 40))  # ... from this size on they carry their names
CLOSE_SHARE = float(ARTWORK.get("close_share", 0.9))  # the counter share at the closest zooms
MIN_COUNTER = int(ARTWORK.get("min_counter_px", 12))


def counter_px(zoom: float) -> int:
    """Counter side in pixels at a zoom (pixels between hex centres).

    Counters grow a little faster than the map as one zooms in, so that at the closest zoom
    (72 px between centres) a counter is 65 px and its name readable, while at whole-map zooms
    they keep at least `MIN_COUNTER` pixels (a clear block, slightly over their hex):

        zoom  12  19  24  30  38  47  58  72
        px    12  16  20  25  31  40  50  65
    """
    share = COUNTER_SHARE + (CLOSE_SHARE - COUNTER_SHARE) * min(1.0, max(0.0, (zoom - 38) / 34))
    return max(MIN_COUNTER, round(zoom * share))


def counter_detail(px: int) -> str:
    """What a counter of `px` pixels shows: "block" (NATO symbol and a steps bar), "numbers"
    (and attack-defence-move, steps), "full" (and size mark and name)."""
    if px < SIMPLE_BELOW:
        return "block"
    return "numbers" if px < FULL_FROM else "full"


@dataclass(frozen=True)
class CounterLook:
    """Everything a counter's picture depends on (the cache key); `color` is the side's."""

    side: int
    color: Color
    kind: int
    size: int
    label: str
    attack: int
    defence: int
    movement: int
    steps: int
    max_steps: int
    out_of_supply: bool = False
    spent: bool = False  # own unit with no movement left this phase
    ghost: bool = False  # an enemy last seen here, not seen now


def current_strength(full: int, steps: int, max_steps: int) -> int:
    """Displayed strength: full value scaled by steps left, rounded up (as the rules do)."""
    if max_steps <= 0 or steps <= 0:
        return 0
    return -(-full * steps // max_steps)


def draw_symbol(surface: pygame.Surface, box: pygame.Rect, kind: int, ink: Color) -> None:
    """The NATO symbol inside its frame: X infantry, oval armour, both for mechanised (with
    wheels for motorised), a slash for cavalry, a dot for artillery."""
    w = max(1, box.height // 14)
    inner = box.inflate(-2, -2)
    if kind in (UnitKind.INFANTRY, UnitKind.MECHANISED):
        pygame.draw.line(surface, ink, inner.topleft, inner.bottomright, w)
        pygame.draw.line(surface, ink, inner.bottomleft, inner.topright, w)
    if kind in (UnitKind.ARMOUR, UnitKind.MECHANISED):
        oval = box.inflate(-int(box.width * 0.3), -int(box.height * 0.36))
        pygame.draw.ellipse(surface, ink, oval, max(1, w))
    if kind == UnitKind.CAVALRY:
        pygame.draw.line(surface, ink, inner.bottomleft, inner.topright, w + 1)
    if kind == UnitKind.ARTILLERY:
        pygame.draw.circle(surface, ink, box.center, max(2, box.height // 5))


def render_counter(look: CounterLook, px: int) -> pygame.Surface:
    """One counter image, `px` square, with an alpha channel for the ghost and spent looks."""
    surface = pygame.Surface((px, px), pygame.SRCALPHA)
    rect = surface.get_rect()
    fill = look.color
    dark = dark_of(fill)
    ink = ink_of(fill)
    if look.ghost:
        # a pencilled-in guess: pale fill, dashed outline, a question mark
        pygame.draw.rect(surface, (*fill, 70), rect)
        dash = max(3, px // 8)
        for k in range(0, px, 2 * dash):
            for a, b in (
                ((k, 0), (min(k + dash, px - 1), 0)),
                ((k, px - 1), (min(k + dash, px - 1), px - 1)),
                ((0, k), (0, min(k + dash, px - 1))),
                ((px - 1, k), (px - 1, min(k + dash, px - 1))),
            ):
                pygame.draw.line(surface, dark, a, b, max(1, px // 20))
        q = font(max(8, int(px * 0.6)), bold=True).render("?", True, dark)
        surface.blit(q, q.get_rect(center=rect.center))
        return surface
    pygame.draw.rect(surface, fill, rect)
    # bevel: light top-left, dark bottom-right, like a die-cut piece of card
    light = tuple(min(255, c + 40) for c in fill)
    pygame.draw.line(surface, light, (0, 0), (px - 1, 0), 1)
    pygame.draw.line(surface, light, (0, 0), (0, px - 1), 1)
    pygame.draw.line(surface, dark, (0, px - 1), (px - 1, px - 1), max(1, px // 24))
    pygame.draw.line(surface, dark, (px - 1, 0), (px - 1, px - 1), max(1, px // 24))
    detail = counter_detail(px)
    if detail == "block":
        # a NATO block: the frame fills most of the counter, steps as a bar beneath it
        box = pygame.Rect(0, 0, max(6, round(px * 0.78)), max(4, round(px * 0.5)))
        box.center = (rect.centerx, round(px * 0.42))
        pygame.draw.rect(surface, BOX_PAPER, box)
        pygame.draw.rect(surface, ink, box, 1)
        draw_symbol(surface, box, look.kind, ink)
        if look.max_steps > 0:
            share = look.steps / look.max_steps
            height = max(2, px // 7)
            bar = pygame.Rect(box.left, box.bottom + 1, max(1, round(box.width * share)), height)
            pygame.draw.rect(surface, ink, bar)
    elif detail == "numbers":
        # symbol above, attack-defence-move big below, steps as pips on the right
        box = pygame.Rect(0, 0, round(px * 0.62), round(px * 0.38))
        box.midtop = (rect.centerx - px // 14, round(px * 0.1))
        pygame.draw.rect(surface, BOX_PAPER, box)
        pygame.draw.rect(surface, ink, box, 1)
        draw_symbol(surface, box, look.kind, ink)
        _stats(surface, rect, look, ink, 0.4)
        _step_pips(surface, rect, look, ink, 0.42)
    else:
        box = pygame.Rect(0, 0, int(px * BOX_W), int(px * BOX_H))
        box.center = (rect.centerx - px // 16, int(px * BOX_Y))
        pygame.draw.rect(surface, BOX_PAPER, box)
        pygame.draw.rect(surface, ink, box, 1)
        draw_symbol(surface, box, look.kind, ink)
        mark = SIZE_MARKS.get(UnitSize(look.size), "")
        img = font(max(7, int(px * 0.2)), bold=True, family="condensed").render(mark, True, ink)
        surface.blit(img, img.get_rect(midbottom=(box.centerx, box.top + 1)))
        label = font(max(8, round(px * 0.2)), bold=True, family="condensed").render(
            look.label, True, ink
        )
        if label.get_width() > px - 4:
            label = pygame.transform.smoothscale(label, (px - 4, label.get_height()))
        surface.blit(label, label.get_rect(midtop=(rect.centerx, box.bottom)))
        _stats(surface, rect, look, ink, 0.27)
        _step_pips(surface, rect, look, ink)
    if look.out_of_supply:
        tri = [(1, 1), (1 + px * 0.3, 1), (1, 1 + px * 0.3)]
        pygame.draw.polygon(surface, (240, 170, 20), tri)
        pygame.draw.polygon(surface, INK, tri, 1)
    pygame.draw.rect(surface, INK, rect, 1)
    if look.spent:
        veil = pygame.Surface((px, px), pygame.SRCALPHA)
        veil.fill((40, 40, 40, 90))
        surface.blit(veil, (0, 0))
    return surface


def _stats(
    surface: pygame.Surface, rect: pygame.Rect, look: CounterLook, ink: Color, share: float
) -> None:
    """Attack-defence-move along the bottom, `share` of the counter tall."""
    px = rect.width
    attack = current_strength(look.attack, look.steps, look.max_steps)
    defence = current_strength(look.defence, look.steps, look.max_steps)
    stats = font(max(8, int(px * share)), bold=True, family="condensed").render(
        f"{attack}-{defence}-{look.movement}", True, ink
    )
    if stats.get_width() > px - 4:
        stats = pygame.transform.smoothscale(stats, (px - 4, stats.get_height()))
    surface.blit(stats, stats.get_rect(midbottom=(rect.centerx, rect.bottom + 1)))


def _step_pips(
    surface: pygame.Surface, rect: pygame.Rect, look: CounterLook, ink: Color, floor: float = 0.3
) -> None:
    """Steps down the right edge (above the bottom `floor` share): filled for steps left,
    hollow for steps lost."""
    px = rect.width
    pip = max(3, px // 11)
    gap = max(1, pip // 3)
    for k in range(look.max_steps):
        top = rect.top + 3 + k * (pip + gap)
        if top + pip > rect.bottom - px * floor:
            break
        r = pygame.Rect(rect.right - pip - 2, top, pip, pip)
        pygame.draw.rect(surface, ink if k < look.steps else BOX_PAPER, r)
        pygame.draw.rect(surface, ink, r, 1)


def draw_counter(
    surface: pygame.Surface,
    center: tuple[float, float],
    px: int,
    side: int,
    color: Color,
    kind: int,
    size: int,
    label: str,
    attack: int,
    defence: int,
    movement: int,
    steps: int,
    max_steps: int,
) -> None:
    """A counter at a pixel position; `attack`/`defence` are full-strength values."""
    img = render_counter(
        CounterLook(side, color, kind, size, label, attack, defence, movement, steps, max_steps),
        px,
    )
    surface.blit(img, img.get_rect(center=(int(center[0]), int(center[1]))))


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
    colors: Sequence[Color]  # by side number


def stack_offset(k: int, n: int, px: int) -> float:
    """Diagonal fan of a stack of n counters, so that every counter of the stack shows."""
    return (k - (n - 1) / 2.0) * px * 0.16


def draw_units(surface: pygame.Surface, grid: HexMap, layout: Layout, units: UnitView) -> None:
    """Counters on their hexes (for map images: the game view caches its counters)."""
    px = int(layout.neighbor_spacing * COUNTER_SHARE)
    on_map = np.nonzero((units.hex >= 0) & (units.steps > 0))[0]
    by_hex: dict[int, list[int]] = {}
    for u in on_map.tolist():
        by_hex.setdefault(int(units.hex[u]), []).append(u)
    for h, members in by_hex.items():
        x, y = layout.hex_to_pixel(grid.hex_of(h))
        for k, u in enumerate(members):
            offset = stack_offset(k, len(members), px)
            draw_counter(
                surface,
                (x + offset, y + offset),
                px,
                int(units.side[u]),
                units.colors[int(units.side[u])],
                int(units.kind[u]),
                int(units.size[u]),
                units.labels[u],
                int(units.attack[u]),
                int(units.defence[u]),
                int(units.movement[u]),
                int(units.steps[u]),
                int(units.max_steps[u]),
            )
