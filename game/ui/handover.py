"""The hot-seat hand-over: the whole map is hidden until the next player says they are at the
screen; then, if they like, a summary of what their side saw of the other player's turn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UITextBox

from game.ui import panels
from game.ui.match import visible_log
from game.ui.screen import Screen
from game.ui.widgets import set_visible

if TYPE_CHECKING:
    from game.ui.mapscreen import MapScreen


class HandOverScreen(Screen):
    """Opaque: nothing of the map is drawn while it is up."""

    title = "hand-over"
    opaque = True

    def __init__(self, app: Any, map_screen: MapScreen) -> None:
        super().__init__(app)
        self.map_screen = map_screen
        table = map_screen.table
        self.side = table.match.moving()
        self.stage = "pass"
        self.since = int(map_screen.log_seen.get(self.side, 0))

    def build(self) -> None:
        w, h = self.app.size
        ui = self.ui
        state = self.map_screen.match.game.state
        scenario = self.map_screen.match.game.scenario
        name = scenario.side_table.label(self.side)
        UILabel(
            pygame.Rect(0, h // 2 - 150, w, 50),
            f"{name} player, take the seat",
            ui,
            object_id="#title_c",
        )
        UILabel(
            pygame.Rect(0, h // 2 - 96, w, 28),
            f"Turn {state.turn}, {scenario.date_of_turn(state.turn):%d %B %Y}. The map stays hidden until you are ready.",
            ui,
            object_id="#center",
        )
        self.ready = UIButton(
            pygame.Rect(w // 2 - 150, h // 2 - 40, 300, 48),
            f"I am the {name} player",
            ui,
            object_id="#primary",
        )
        self.summary_button = UIButton(
            pygame.Rect(w // 2 - 150, h // 2 + 18, 300, 40),
            "Show what we saw first",
            ui,
            object_id="#big",
        )
        self.summary = UITextBox(
            "", pygame.Rect(w // 2 - 420, h // 2 - 110, 840, 360), ui, visible=0
        )
        self.to_map = UIButton(
            pygame.Rect(w // 2 - 120, h // 2 + 264, 240, 44),
            "To the map",
            ui,
            object_id="#primary",
            visible=0,
        )
        if self.stage == "summary":
            self._show_summary()

    def _show_summary(self) -> None:
        self.stage = "summary"
        game = self.map_screen.match.game
        events = [e for e in visible_log(game, self.side, self.since) if e.side != self.side]
        lines = [panels.event_html(game.scenario, e) for e in events[-120:]]
        text = "<br>".join(lines) if lines else "Nothing your units could see."
        name = game.scenario.side_table.label(self.side)
        self.summary.set_text(f"<b>What the {name} side saw since its last turn</b><br><br>{text}")
        set_visible(self.summary, True)
        set_visible(self.to_map, True)
        set_visible(self.ready, False)
        set_visible(self.summary_button, False)

    def _done(self) -> None:
        table = self.map_screen.table
        table.viewer = self.side
        table.version += 1
        table.clear_selection()
        game = self.map_screen.match.game
        self.map_screen.log_seen[self.side] = len(game.log)
        self.app.stack.pop()

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            self.app.sounds.play("click")
            if event.ui_element is self.ready or event.ui_element is self.to_map:
                self._done()
            elif event.ui_element is self.summary_button:
                self._show_summary()
        elif event.type == pygame.KEYDOWN and event.key in (
            pygame.K_RETURN,
            pygame.K_KP_ENTER,
            pygame.K_SPACE,
        ):
            self._done()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill((24, 25, 20))
        w, h = surface.get_size()
        pygame.draw.line(
            surface, (120, 40, 30), (w // 2 - 300, h // 2 - 160), (w // 2 + 300, h // 2 - 160), 2
        )
        super().draw(surface)
