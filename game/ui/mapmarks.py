"""Symbols drawn over the map: attack brackets and arrows, supply marks and the overlay key.

Plain drawing functions of screen positions and a zoom (pixels between hex centres), so that the
map view, the key box and the tests draw them alike. The colours are chosen apart from the front
line (red on a dark casing, `render.FRONT_COLOR`): everything about attacks is amber, supply is
green, the selection white.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pygame

from game.hexgrid import Layout
from game.ui import render
from game.ui.counters import counter_px

Color = tuple[int, int, int]
Rgba = tuple[int, int, int, int]
Point = tuple[float, float]

ATTACK: Color = (255, 178, 0)  # targets, attackers, declared attacks: amber
ATTACK_CASING: Color = (40, 28, 8)
SELECTED: Color = (255, 255, 255)
PAPER_LIGHT: Color = (250, 246, 232)
SUPPLY_MARK: Color = (20, 110, 40)
CUT_MARK: Color = (110, 110, 110)
SUPPLY_STAGE_TINTS: dict[int, Rgba] = {  # by `supplymap` stage; 0 is own ground out of supply
    1: (40, 150, 60, 70),
    2: (90, 175, 70, 55),
    3: (170, 200, 80, 50),
    0: (235, 120, 20, 95),
}
ZOC_TINT: Rgba = (200, 60, 40, 40)
POCKET_TINT: Rgba = (150, 30, 160, 80)
POCKET_LINE: Color = (120, 20, 130)


def target_mark(surface: pygame.Surface, center: Point, zoom: float, strong: bool) -> None:
    """Corner brackets just outside a counter: thin round a possible target, thick round the
    chosen or declared one. They leave the counter's face readable."""
    half = counter_px(zoom) / 2 + max(2, zoom * 0.05)
    width = max(2, round(zoom / (14 if strong else 22)) + (1 if strong else 0))
    arm = max(4.0, half * 0.55)
    x, y = center
    for color, w in ((ATTACK_CASING, width + 2), (ATTACK, width)):
        for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            cx, cy = x + sx * half, y + sy * half
            pts = [(cx, cy - sy * arm), (cx, cy), (cx - sx * arm, cy)]
            pygame.draw.lines(surface, color, False, pts, w)
            pygame.draw.circle(surface, color, (cx, cy), w / 2)


def attack_arrow(surface: pygame.Surface, start: Point, target: Point, zoom: float) -> None:
    """A fat amber arrow from an attacking hex's centre into the target's counter (over the
    attacker: between neighbours there is no room outside the counters)."""
    width = max(3, round(zoom / 8))
    head = max(9.0, zoom * 0.34)
    (sx, sy), (tx, ty) = start, target
    angle = math.atan2(ty - sy, tx - sx)
    cos, sin = math.cos(angle), math.sin(angle)
    begin = (sx + cos * zoom * 0.05, sy + sin * zoom * 0.05)
    tip = (tx - cos * zoom * 0.2, ty - sin * zoom * 0.2)
    neck = (tip[0] - cos * head * 0.8, tip[1] - sin * head * 0.8)
    barb = [
        tip,
        (tip[0] - head * math.cos(angle - 0.5), tip[1] - head * math.sin(angle - 0.5)),
        (tip[0] - head * math.cos(angle + 0.5), tip[1] - head * math.sin(angle + 0.5)),
    ]
    pygame.draw.line(surface, ATTACK_CASING, begin, neck, width + 3)
    pygame.draw.circle(surface, ATTACK_CASING, begin, (width + 3) / 2)
    pygame.draw.polygon(surface, ATTACK_CASING, barb, 3)
    pygame.draw.line(surface, ATTACK, begin, neck, width)
    pygame.draw.circle(surface, ATTACK, begin, width / 2)
    pygame.draw.polygon(surface, ATTACK, barb)


def railhead_mark(surface: pygame.Surface, center: Point, radius: float, fed: bool) -> None:
    """A railhead: a green disc with a paper ring and hub (fed), or a struck-out grey ring (its
    railway cut from the entries)."""
    ring = max(1, round(radius / 4))
    if fed:
        pygame.draw.circle(surface, SUPPLY_MARK, center, radius)
        pygame.draw.circle(surface, PAPER_LIGHT, center, radius, ring)
        pygame.draw.circle(surface, PAPER_LIGHT, center, max(1.5, radius / 3))
        return
    pygame.draw.circle(surface, PAPER_LIGHT, center, radius)
    pygame.draw.circle(surface, CUT_MARK, center, radius, ring)
    a = (center[0] - radius * 0.6, center[1] - radius * 0.6)
    b = (center[0] + radius * 0.6, center[1] + radius * 0.6)
    pygame.draw.line(surface, CUT_MARK, a, b, ring)


def entry_mark(surface: pygame.Surface, center: Point, size: float) -> None:
    """Where supply enters (a map edge, a port, a named source): a green diamond."""
    x, y = center
    diamond = [(x, y - size), (x + size, y), (x, y + size), (x - size, y)]
    pygame.draw.polygon(surface, SUPPLY_MARK, diamond)
    pygame.draw.polygon(surface, PAPER_LIGHT, diamond, 1)


def depot_mark(surface: pygame.Surface, center: Point, size: float) -> None:
    """A stocked depot: a green square with a paper border."""
    box = pygame.Rect(0, 0, round(size * 2.2), round(size * 2.2))
    box.center = (round(center[0]), round(center[1]))
    pygame.draw.rect(surface, SUPPLY_MARK, box)
    pygame.draw.rect(surface, PAPER_LIGHT, box, max(1, round(size / 4)))


def belt_sample(surface: pygame.Surface, box: pygame.Rect, color: Color) -> None:
    """A fortified belt as the map draws it (`render.belt_stamp`: a row of teeth in the owner's
    dark colour), cut from a stamp whose teeth span the box, for a key's swatch."""
    spacing = box.width / 0.72  # the stamp's teeth span 0.72 of the spacing of hex centres
    stamp = render.belt_stamp(Layout.pointy(spacing / math.sqrt(3.0)), color, 1)
    area = pygame.Rect(0, 0, box.width, box.height)
    area.center = (stamp.get_width() // 2, stamp.get_height() // 2 - round(spacing / 18.0))
    surface.blit(stamp, box.topleft, area)


def badge(surface: pygame.Surface, center: tuple[int, int], figure: pygame.Surface) -> None:
    """A count on a small dark disc with a paper rim (the size of a stack)."""
    radius = max(figure.get_height() / 2 + 1, figure.get_width() / 2 + 3)
    pygame.draw.circle(surface, PAPER_LIGHT, center, radius + 1)
    pygame.draw.circle(surface, (30, 28, 24), center, radius)
    surface.blit(figure, figure.get_rect(center=center))


# --- the key --------------------------------------------------------------------------------------

Entry = tuple[str, str, object]  # swatch kind, label, colour (or a flag for the swatch)
Text = Callable[[str, int], pygame.Surface]


def draw_key(
    surface: pygame.Surface, view: pygame.Rect, entries: Sequence[Entry], text: Text
) -> pygame.Rect:
    """The key box at the view's lower right: one swatch and label per entry; returns its rect."""
    size, row, sw = 13, 20, 28
    width = max(text(label, size).get_width() for _, label, _ in entries) + sw + 24
    box = pygame.Rect(0, 0, width, row * len(entries) + 30)
    box.bottomright = (view.right - 10, view.bottom - 10)
    back = pygame.Surface(box.size, pygame.SRCALPHA)
    back.fill((*PAPER_LIGHT, 235))
    surface.blit(back, box)
    pygame.draw.rect(surface, render.INK, box, 1)
    surface.blit(text("Key", size), (box.x + 8, box.y + 6))
    for i, (kind, label, color) in enumerate(entries):
        y = box.y + 26 + i * row + row // 2
        swatch(surface, kind, color, pygame.Rect(box.x + 8, y - 7, sw, 14), text)
        img = text(label, size)
        surface.blit(img, img.get_rect(midleft=(box.x + sw + 16, y)))
    return box


def swatch(surface: pygame.Surface, kind: str, color: object, r: pygame.Rect, text: Text) -> None:
    """One key entry's sample, drawn as the map draws the thing."""
    y = r.centery
    if kind == "front":
        core, casing, _ = render.front_widths(38)
        pygame.draw.line(surface, render.FRONT_CASING, (r.left, y), (r.right, y), casing)
        pygame.draw.line(surface, render.FRONT_COLOR, (r.left, y), (r.right, y), core)
    elif kind == "island":
        pygame.draw.rect(surface, PAPER_LIGHT, r, border_radius=3)
        pygame.draw.rect(surface, render.INK, r, 1, border_radius=3)
        img = text("5", 10)
        surface.blit(img, img.get_rect(center=r.center))
    elif kind == "tint" and isinstance(color, tuple):
        patch = pygame.Surface(r.size, pygame.SRCALPHA)
        patch.fill((color[0], color[1], color[2], min(255, color[3] * 2)))
        surface.blit(patch, r)
        pygame.draw.rect(surface, render.INK, r, 1)
    elif kind == "rail":
        pygame.draw.line(surface, SUPPLY_MARK, (r.left, y), (r.right, y), 4)
    elif kind in ("railhead", "cut"):
        railhead_mark(surface, r.center, 6.5, kind == "railhead")
    elif kind == "entry":
        entry_mark(surface, r.center, 6)
    elif kind == "depot":
        depot_mark(surface, r.center, 5.5)
    elif kind == "target":
        target_mark(surface, r.center, 14.0, True)
    elif kind == "arrow":
        attack_arrow(surface, (r.left - 4, y), (r.right + 8, y), 24.0)
    elif kind == "belt" and isinstance(color, tuple):
        belt_sample(surface, r, (color[0], color[1], color[2]))


__all__ = [
    "ATTACK",
    "ATTACK_CASING",
    "POCKET_LINE",
    "POCKET_TINT",
    "SELECTED",
    "SUPPLY_MARK",
    "SUPPLY_STAGE_TINTS",
    "ZOC_TINT",
    "attack_arrow",
    "badge",
    "belt_sample",
    "depot_mark",
    "draw_key",
    "entry_mark",
    "railhead_mark",
    "swatch",
    "target_mark",
]
