"""Colours of the sides as the window draws them, all made from the scenario file's side colours.

A scenario gives each side one base colour (`[sides.X] color`, or a default palette by move
order: `SideTable.colors`). Everything else a side is drawn with is derived from that colour by a
formula, so that any number of sides draws without a table per side:

    fill  the base colour: counters, chart lines, city flags
    dark  fill x 0.62: counter bevels and ghost outlines, note backgrounds
    ink   fill x 0.13: the lines and letters on a counter
    text  fill brightened to a light tone: side names on the dark panels and in the log
    tint  fill with its colourfulness raised, translucent: the control wash over the map

Worked example, Third Kharkov's Soviet brick red #c45c46 (196, 92, 70): dark (122, 57, 43),
ink (25, 12, 9), text (242, 134, 111), i.e. #f2866f.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from game.scenario.model import Scenario

Color = tuple[int, int, int]
Rgba = tuple[int, int, int, int]

NEUTRAL: Final[Color] = (200, 196, 184)  # nobody's: unclaimed ground, a draw
NEUTRAL_TEXT: Final[Color] = (216, 208, 184)  # "Nobody" on the dark panels
DARK_FACTOR: Final = 0.62
INK_FACTOR: Final = 0.13
TINT_ALPHA: Final = 30
MINIMAP_TINT_ALPHA: Final = 70


def _clamp(value: float) -> int:
    return max(0, min(255, round(value)))


def darken(color: Color, factor: float) -> Color:
    """Each channel times `factor` (0 black, 1 unchanged)."""
    return (_clamp(color[0] * factor), _clamp(color[1] * factor), _clamp(color[2] * factor))


def mix(color: Color, other: Color, share: float) -> Color:
    """`share` of `other` mixed into `color`."""
    return (
        _clamp(color[0] + (other[0] - color[0]) * share),
        _clamp(color[1] + (other[1] - color[1]) * share),
        _clamp(color[2] + (other[2] - color[2]) * share),
    )


def dark_of(fill: Color) -> Color:
    return darken(fill, DARK_FACTOR)


def ink_of(fill: Color) -> Color:
    return darken(fill, INK_FACTOR)


def light_of(fill: Color) -> Color:
    """A light tone of the colour for text on a dark panel: scaled until its brightest channel
    is 240, then a little white mixed in (a grey stays grey, a red stays red)."""
    top = max(fill)
    scaled = darken(fill, 240 / top) if top > 0 else (240, 240, 240)
    return mix(scaled, (255, 255, 255), 0.15)


def tint_of(fill: Color, alpha: int = TINT_ALPHA) -> Rgba:
    """The control wash: the colour pushed away from its own grey (so that a muted side colour
    still reads on the paper-coloured map), a little darker, translucent."""
    grey = sum(fill) / 3.0
    r, g, b = (_clamp((grey + (c - grey) * 1.6) * 0.75) for c in fill)
    return (r, g, b, alpha)


def html_of(color: Color) -> str:
    return f"#{color[0]:02x}{color[1]:02x}{color[2]:02x}"


@dataclass(frozen=True)
class Palette:
    """One scenario's side colours, indexed by side number; `NO_SIDE` (or any number the
    scenario does not have) gets the neutral colours."""

    fills: tuple[Color, ...]

    def fill(self, side: int) -> Color:
        return self.fills[side] if 0 <= side < len(self.fills) else NEUTRAL

    def dark(self, side: int) -> Color:
        return dark_of(self.fill(side))

    def ink(self, side: int) -> Color:
        return ink_of(self.fill(side))

    def text(self, side: int) -> Color:
        return light_of(self.fill(side)) if 0 <= side < len(self.fills) else NEUTRAL_TEXT

    def html(self, side: int) -> str:
        """The side's text colour as `#rrggbb` for pygame_gui's HTML."""
        return html_of(self.text(side))

    def tints(self, alpha: int = TINT_ALPHA) -> dict[int, Rgba]:
        """The control wash of every side, by side number (NO_SIDE ground is left untinted)."""
        return {side: tint_of(fill, alpha) for side, fill in enumerate(self.fills)}


def palette(scenario: Scenario) -> Palette:
    """The palette of a scenario's sides (cheap: a tuple of its colours)."""
    return Palette(tuple(scenario.side_table.colors))


__all__ = [
    "NEUTRAL",
    "NEUTRAL_TEXT",
    "Palette",
    "dark_of",
    "darken",
    "html_of",
    "ink_of",
    "light_of",
    "mix",
    "palette",
    "tint_of",
]
