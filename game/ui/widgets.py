"""Small drawing helpers the screens share: names and colours of sides, charts, veils.

Charts are drawn into plain surfaces and shown in pygame_gui `UIImage`s, so a panel can hold a
picture of odds or losses without a plotting library.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pygame

from game.enums import NO_SIDE, Weather
from game.events import Event
from game.scenario.model import KnobValue, Scenario
from game.scenario.schema import KnobSpec
from game.ui.assets import font
from game.ui.palette import palette
from game.ui.screen import Screen

Color = tuple[int, int, int]
PANEL: Color = (36, 38, 30)
PANEL_LINE: Color = (106, 104, 80)
TEXT: Color = (236, 229, 206)
MUTED: Color = (170, 164, 140)
WEATHER_NAMES = {
    Weather.CLEAR: "Clear",
    Weather.FROZEN: "Frozen",
    Weather.SNOW: "Snow",
    Weather.THAW: "Thaw",
    Weather.MUD: "Mud",
    Weather.RAIN: "Rain",
}


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def side_label(scenario: Scenario, side: int) -> str:
    """What players call a side ("Soviet"); "Nobody" for NO_SIDE."""
    return scenario.side_table.label(side)


def side_html(scenario: Scenario, side: int, text: str | None = None, bold: bool = True) -> str:
    """A side's name (or `text`) in the side's colour, for pygame_gui text boxes."""
    body = esc(text if text is not None else side_label(scenario, side))
    colour = palette(scenario).html(side)
    return f"<font color='{colour}'>{'<b>' if bold else ''}{body}{'</b>' if bold else ''}</font>"


def team_colour_side(scenario: Scenario, team: int) -> int:
    """The side whose colour a team is shown in: its first (NO_SIDE for nobody, a draw)."""
    members = scenario.side_table.members(team) if team != NO_SIDE else ()
    return members[0] if members else NO_SIDE


def team_html(scenario: Scenario, team: int, bold: bool = True) -> str:
    """A team's name, in its first side's colour (neutral for NO_SIDE: nobody, a draw)."""
    label = scenario.side_table.team_label(team)
    return side_html(scenario, team_colour_side(scenario, team), label, bold=bold)


def event_actor(scenario: Scenario, event: Event) -> tuple[str, int]:
    """Who an event is about, as a label and the side whose colour it takes: the event's side,
    but for the end of the game the winning team (`game_over` carries a team number)."""
    if event.kind == "game_over":
        return scenario.side_table.team_label(event.side), team_colour_side(scenario, event.side)
    return scenario.side_table.label(event.side), event.side


def veil(surface: pygame.Surface, alpha: int = 150, color: Color = (16, 16, 12)) -> None:
    """Darken what is already drawn, for a dialog over a screen."""
    shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    shade.fill((*color, alpha))
    surface.blit(shade, (0, 0))


def line_chart(
    size: tuple[int, int],
    series: Sequence[tuple[str, Sequence[tuple[float, float]], Color]],
    title: str = "",
    x_label: str = "",
    y_format: str = "{:,.0f}",
    references: Sequence[tuple[str, float, Color]] = (),
) -> pygame.Surface:
    """Lines over a shared x axis (turns), with a zero baseline and the top value marked;
    `references` are dashed levels with a label (the historical figures)."""
    w, h = size
    surface = pygame.Surface(size)
    surface.fill(PANEL)
    small = font(12)
    top = 6
    if title:
        img = font(14, bold=True).render(title, True, TEXT)
        surface.blit(img, (8, top))
        top += img.get_height() + 6
    xs = [x for _, pts, _ in series for x, _ in pts] or [0.0, 1.0]
    ys = [y for _, pts, _ in series for _, y in pts] + [y for _, y, _ in references] or [0.0, 1.0]
    x0, x1 = min(xs), max(max(xs), min(xs) + 1)
    y1 = max(max(ys), 1.0)
    left, right = 64, w - 12
    bottom = h - small.get_height() - 22
    pygame.draw.line(surface, PANEL_LINE, (left, bottom), (right, bottom))
    pygame.draw.line(surface, PANEL_LINE, (left, top), (left, bottom))
    for frac in (0.0, 0.5, 1.0):
        y = bottom - (bottom - top) * frac
        pygame.draw.line(surface, (60, 60, 48), (left + 1, y), (right, y))
        img = small.render(y_format.format(y1 * frac), True, MUTED)
        surface.blit(img, img.get_rect(midright=(left - 4, int(y))))
    step = max(1, round((x1 - x0) / 8))
    t = x0
    while t <= x1:
        x = left + (right - left) * (t - x0) / (x1 - x0)
        img = small.render(f"{t:g}", True, MUTED)
        surface.blit(img, img.get_rect(midtop=(int(x), bottom + 3)))
        t += step
    if x_label:
        img = small.render(x_label, True, MUTED)
        surface.blit(img, img.get_rect(midbottom=((left + right) // 2, h - 2)))
    for name, value, color in references:
        y = bottom - (bottom - top) * value / y1
        for x in range(left, right, 12):
            pygame.draw.line(surface, color, (x, y), (min(x + 6, right), y), 1)
        img = small.render(name, True, color)
        surface.blit(img, img.get_rect(bottomright=(right - 2, int(y) - 1)))
    legend_x = left + 8
    for name, pts, color in series:
        if len(pts) >= 2:
            scaled = [
                (left + (right - left) * (x - x0) / (x1 - x0), bottom - (bottom - top) * y / y1)
                for x, y in pts
            ]
            pygame.draw.lines(surface, color, False, scaled, 3)
        img = small.render(name, True, color)
        surface.blit(img, (legend_x, top + 2))
        legend_x += img.get_width() + 16
    return surface


def set_enabled(element: Any, on: bool) -> None:
    """pygame_gui's enable/disable, in one call (its methods carry no type hints)."""
    if on:
        element.enable()
    else:
        element.disable()


def set_visible(element: Any, on: bool) -> None:
    if on:
        element.show()
    else:
        element.hide()


def side_color(scenario: Scenario, side: int) -> Color:
    return palette(scenario).fill(side)


class Dialog(Screen):
    """A see-through screen: the screen below stays drawn, dimmed. Esc closes it, and so do its
    `close_keys` (the key that opened it) and the Close button `add_close_button` makes."""

    opaque = False
    close_keys: tuple[int, ...] = ()
    close_button: Any = None

    def draw(self, surface: pygame.Surface) -> None:
        veil(surface)
        super().draw(surface)

    def add_close_button(
        self, panel: Any, box: pygame.Rect, tip: str | None = None, bottom: int = 56
    ) -> None:
        """The Close button at the panel's lower right."""
        from pygame_gui.elements import UIButton

        self.close_button = UIButton(
            pygame.Rect(box.width - 156, box.height - bottom, 140, 42),
            "Close",
            self.ui,
            container=panel,
            object_id="#primary",
            tool_tip_text=tip,
        )

    def closes(self, event: pygame.event.Event) -> bool:
        """The event is the Close button, Esc or one of the dialog's own close keys."""
        import pygame_gui

        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            return self.close_button is not None and event.ui_element is self.close_button
        return event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, *self.close_keys)

    def handle(self, event: pygame.event.Event) -> None:
        if self.closes(event):
            self.app.stack.pop()


def knob_slider(ui: Any, rect: pygame.Rect, knob: KnobSpec, value: KnobValue) -> Any:
    """A slider over a numeric knob's range: whole steps for an int knob, twentieths of the range
    for a float one (the set-up screen and the lab set knobs alike)."""
    from pygame_gui.elements import UIHorizontalSlider

    lo = knob.min if knob.min is not None else 0.0
    hi = knob.max if knob.max is not None else 1.0
    return UIHorizontalSlider(
        rect,
        value,
        (int(lo), int(hi)) if knob.type == "int" else (lo, hi),
        ui,
        click_increment=1 if knob.type == "int" else (hi - lo) / 20,
    )


def fitted(text: str, width: int) -> str:
    """`text` cut to fit a small label `width` pixels wide (about 6.6 pixels a character), with
    an ellipsis where it was cut (a label too small for its text clips it without a sign)."""
    most = max(4, int(width / 6.6))
    return text if len(text) <= most else text[: most - 3].rstrip() + "..."
