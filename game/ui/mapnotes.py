"""What the map screen writes over the map: the banner (the computer's moves, sudden-death
warnings, the last message) and the hover tooltip of a hex.

A part of `mapscreen.MapScreen` (which inherits it); it keeps its state on the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from game.ui import briefings, panels
from game.ui.assets import font
from game.ui.logview import LogView
from game.ui.mapview import MapView
from game.ui.match import Match
from game.ui.play import Table

WARNING_COLOR = (255, 150, 90)
TOOLTIP_DELAY = 0.6  # seconds the mouse rests on a hex before its tooltip shows


class MapNotes:
    """The banner and the tooltip over the map, and the warnings put in the log."""

    if TYPE_CHECKING:  # the map screen's, which this is a part of
        app: Any
        table: Table
        view: MapView
        log: LogView
        mouse: tuple[int, int]
        press: tuple[int, tuple[int, int]] | None
        hover_time: float
        tooltip_rows: list[tuple[str, tuple[int, int, int]]]
        _tooltip_key: tuple[object, ...] | None
        warned: dict[tuple[int, int, int, bool], str]

        @property
        def match(self) -> Match: ...

        def map_rect(self) -> pygame.Rect: ...

        def minimap_width(self) -> int: ...

    def warnings(self) -> list[str]:
        """The sudden-death warnings the map shows now (the viewer's enemies' chances)."""
        t = self.table
        if t.needs_handover() or (self.match.mode == "hotseat" and t.viewer is None):
            return []
        scenario = self.match.game.scenario
        return briefings.warnings_for(scenario, t.threats())

    def _warn(self) -> None:
        """Put each new sudden-death warning in the log once a turn (the banner keeps it)."""
        t = self.table
        state = self.match.game.state
        if t.needs_handover() or (self.match.mode == "hotseat" and t.viewer is None):
            return
        for status in t.threats():
            key = (
                state.turn,
                int(t.viewer if t.viewer is not None else -1),
                status.index,
                status.imminent,
            )
            if key not in self.warned:
                text = briefings.warnings_for(self.match.game.scenario, [status])[0]
                self.warned[key] = text
                self.log.add_note(text, WARNING_COLOR)

    def _refresh_tooltip(self) -> None:
        """The map's hover tooltip, once the mouse has rested on a hex a moment."""
        t = self.table
        h = t.hover_hex
        rect = self.map_rect()
        resting = (
            h >= 0
            and self.hover_time >= TOOLTIP_DELAY
            and self.press is None
            and not (
                t.overlays.minimap
                and self.view.minimap_rect(rect, self.minimap_width()).collidepoint(self.mouse)
            )
            and self.app.stack.top is self
        )
        if not resting:
            self.tooltip_rows = []
            self._tooltip_key = None
            return
        key = (h, t.version, t.viewer)
        if key != self._tooltip_key:
            game = self.match.game
            self.tooltip_rows = panels.hover_lines(game.scenario, game.state, t.observation(), h)
            self._tooltip_key = key

    def _draw_tooltip(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """The hover tooltip beside the mouse, kept inside the map view."""
        rows = self.tooltip_rows
        if not rows:
            return
        f = font(14)
        images = [f.render(text, True, color) for text, color in rows]
        w = max(img.get_width() for img in images) + 16
        h = sum(img.get_height() + 2 for img in images) + 10
        box = pygame.Rect(self.mouse[0] + 18, self.mouse[1] + 18, w, h)
        if box.right > rect.right - 4:
            box.right = self.mouse[0] - 12
        if box.bottom > rect.bottom - 4:
            box.bottom = self.mouse[1] - 12
        box.clamp_ip(rect)
        shade = pygame.Surface(box.size, pygame.SRCALPHA)
        shade.fill((24, 24, 20, 228))
        surface.blit(shade, box)
        pygame.draw.rect(surface, (150, 144, 110), box, 1)
        y = box.top + 5
        for img in images:
            surface.blit(img, (box.left + 8, y))
            y += img.get_height() + 2

    def _draw_banner(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        t = self.table
        state = self.match.game.state
        lines = []
        if state.over:
            lines.append(
                ("Game over - the fog has lifted. R: after-action report", (255, 230, 160))
            )
        elif not t.my_turn():
            side = self.match.game.scenario.side_table.label(self.match.moving())
            state_text = (
                "paused (P)"
                if t.paused
                else ("skipping..." if t.skipping else "moving - Space skips")
            )
            lines.append((f"Computer ({side}) {state_text}", (255, 230, 160)))
        if state.over:
            pass
        else:
            lines += [(text, WARNING_COLOR) for text in self.warnings()]
        if t.feedback.message and t.now - t.feedback.message_time < 4.0:
            lines.append((t.feedback.message, (255, 255, 255)))
        y = rect.top + 8
        for text, color in lines:
            img = font(15, bold=True).render(text, True, color)
            box = img.get_rect(midtop=(rect.centerx, y))
            back = box.inflate(18, 8)
            shade = pygame.Surface(back.size, pygame.SRCALPHA)
            shade.fill((20, 20, 16, 190))
            surface.blit(shade, back)
            surface.blit(img, box)
            y = back.bottom + 4
