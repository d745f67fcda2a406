"""The scrolling log of the map screen, drawn directly: each line is rendered once and cached.

pygame_gui's text box re-lays out all of its text on every change (tens of milliseconds for a
screenful), too slow for a log that grows by a line at each move of a computer turn. Here a new
event costs one small render; the wheel scrolls back through the game.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from game.events import Event
from game.narrate import event_text
from game.scenario.model import Scenario
from game.ui.assets import font
from game.ui.palette import palette
from game.ui.widgets import event_actor

BACK = (32, 34, 27)
BORDER = (90, 88, 68)
DATE = (138, 134, 112)
TEXT = (230, 224, 204)
TURN = (224, 192, 112)
STRONG = frozenset({"combat", "capture", "game_over", "pocket", "surrender"})
MAX_LINES = 2000


# the standing after each side's turn is on the status bar; a log line for it would repeat it
UNLOGGED = frozenset({"score"})


@dataclass
class _Entry:
    key: int
    images: list[pygame.Surface]


class LogView:
    """Event lines, newest at the bottom, wrapped to the box; `scroll` lines back from the end."""

    def __init__(self) -> None:
        self.rect = pygame.Rect(0, 0, 10, 10)
        self.entries: list[_Entry] = []
        self.scroll = 0
        self.line_h = font(13).get_linesize()

    def set_rect(self, rect: pygame.Rect) -> None:
        if rect.size != self.rect.size:
            self.entries = []  # wrapping depends on the width
        self.rect = rect

    def reset(self) -> None:
        self.entries = []
        self.scroll = 0

    def add(self, scenario: Scenario, event: Event, key: int) -> None:
        if event.kind in UNLOGGED:
            return
        self.entries.append(_Entry(key, self._render(scenario, event)))
        if len(self.entries) > MAX_LINES:
            del self.entries[: len(self.entries) - MAX_LINES]
        if self.scroll:
            self.scroll += len(self.entries[-1].images)

    def add_note(self, text: str, color: tuple[int, int, int]) -> None:
        """A line the screen writes itself (a warning), not one of the game's events."""
        self.entries.append(_Entry(-1, self._wrap([(text, color, font(13, bold=True))])))
        if self.scroll:
            self.scroll += len(self.entries[-1].images)

    def wheel(self, steps: int) -> None:
        total = sum(len(e.images) for e in self.entries)
        visible = max(1, (self.rect.height - 8) // self.line_h)
        self.scroll = max(0, min(max(0, total - visible), self.scroll + 3 * steps))

    def _render(self, scenario: Scenario, event: Event) -> list[pygame.Surface]:
        bold = event.kind in STRONG or event.kind == "turn"
        body = font(13, bold=bold)
        small = font(12)
        text = event_text(scenario, event)
        if event.kind == "turn":
            pieces = [(text, TURN, body)]
        else:
            date = f"{scenario.date_of_turn(max(1, event.turn)):%d %b} "
            side, colour_side = event_actor(scenario, event)
            color = palette(scenario).text(colour_side)
            lead, rest = side_and_text(side, text)
            pieces = [(date, DATE, small), (lead, color, small), (rest, TEXT, body)]
        return self._wrap(pieces)

    def _wrap(
        self, pieces: list[tuple[str, tuple[int, int, int], pygame.font.Font]]
    ) -> list[pygame.Surface]:
        width = self.rect.width - 14
        lines: list[list[tuple[str, tuple[int, int, int], pygame.font.Font]]] = [[]]
        x = 0
        for text, color, f in pieces:
            for word in text.split(" "):
                if not word:
                    continue
                w = f.size(word + " ")[0]
                if x + w > width and x > 0:
                    lines.append([])
                    x = 12  # continuation lines indent
                lines[-1].append((word + " ", color, f))
                x += w
        images = []
        for k, line in enumerate(lines):
            img = pygame.Surface((width, self.line_h), pygame.SRCALPHA)
            cx = 0 if k == 0 else 12
            for word, color, f in line:
                part = f.render(word, True, color)
                img.blit(part, (cx, (self.line_h - part.get_height()) // 2))
                cx += part.get_width()
            images.append(img)
        return images

    def draw(self, surface: pygame.Surface) -> None:
        rect = self.rect
        pygame.draw.rect(surface, BACK, rect)
        pygame.draw.rect(surface, BORDER, rect, 1)
        clip = surface.get_clip()
        surface.set_clip(rect.inflate(-2, -2))
        y = rect.bottom - 4 - self.line_h
        skip = self.scroll
        for entry in reversed(self.entries):
            for img in reversed(entry.images):
                if skip:
                    skip -= 1
                    continue
                surface.blit(img, (rect.left + 7, y))
                y -= self.line_h
                if y < rect.top - self.line_h:
                    break
            if y < rect.top - self.line_h:
                break
        surface.set_clip(clip)
        if self.scroll:
            note = font(12, bold=True).render(f"{self.scroll} lines back - wheel down", True, TURN)
            surface.blit(note, note.get_rect(topright=(rect.right - 6, rect.top + 4)))


def side_and_text(side: str, text: str) -> tuple[str, str]:
    """A log line's side prefix and its text, naming the side once when the text already starts
    with it ("German forces take Kharkov", not "German German forces take Kharkov")."""
    if text.startswith(side + " "):
        return "", text
    return side + " ", text
