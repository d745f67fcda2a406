"""The map screen's replay of the enemy's turn: a bar under the map that steps through what the
viewer saw the enemy do, each step drawn on the map as a trail or a note.

A part of `mapscreen.MapScreen` (which inherits it); it keeps its state on the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame
from pygame_gui.elements import UIButton, UIPanel, UITextBox

from game.events import Event
from game.ui import briefings, panels
from game.ui.mapview import MapView, Marker, Scene, Trail
from game.ui.match import Match
from game.ui.palette import palette
from game.ui.play import Table
from game.ui.widgets import set_visible


class EnemyTurnReplay:
    """Steps through the enemy's turn (T, or the enemy-turn dialog's Replay button)."""

    if TYPE_CHECKING:  # the map screen's, which this is a part of
        ui: Any
        table: Table
        view: MapView
        replay: list[briefings.ReplayStep]
        replay_at: int
        replay_panel: UIPanel
        replay_label: UITextBox
        replay_buttons: dict[Any, str]

        @property
        def match(self) -> Match: ...

        def map_rect(self) -> pygame.Rect: ...

    def _build_replay_bar(self) -> None:
        rect = self.map_rect()
        ui = self.ui
        bar = pygame.Rect(0, 0, min(760, rect.width - 40), 86)
        bar.midbottom = (rect.centerx, rect.bottom - 10)
        self.replay_panel = UIPanel(bar, manager=ui, visible=0)
        self.replay_label = UITextBox(
            "", pygame.Rect(6, 4, bar.width - 12, 40), ui, container=self.replay_panel
        )
        self.replay_buttons: dict[Any, str] = {}
        bx = 6
        for key, text, tip in (
            ("prev", "< Back", "The step before (Backspace)"),
            ("next", "Next >", "The next step (Enter or Space)"),
            ("stop", "End replay", "Back to the game (Esc)"),
        ):
            button = UIButton(
                pygame.Rect(bx, 48, 120, 32),
                text,
                ui,
                container=self.replay_panel,
                tool_tip_text=tip,
            )
            self.replay_buttons[button] = key
            bx += 124
        if self.replay:
            self._show_replay_step()

    def start_replay(self, events: list[Event]) -> None:
        steps = briefings.replay_steps(self.match.game.scenario, events)
        if not steps:
            self.table.say("Nothing of the enemy's turn to replay")
            return
        self.replay = steps
        self.replay_at = 0
        self._show_replay_step()

    def stop_replay(self) -> None:
        self.replay = []
        set_visible(self.replay_panel, False)

    def replay_command(self, step: str) -> None:
        if step == "stop" or not self.replay:
            self.stop_replay()
            return
        last = len(self.replay) - 1
        self.replay_at = max(0, min(last, self.replay_at + (1 if step == "next" else -1)))
        self._show_replay_step()

    def replay_key(self, k: int) -> bool:
        """Keys of the replay (True when used): Enter/Space on, Backspace back, Esc stop."""
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            self.replay_command("next")
        elif k == pygame.K_BACKSPACE:
            self.replay_command("prev")
        elif k == pygame.K_ESCAPE:
            self.replay_command("stop")
        else:
            return False
        return True

    def _show_replay_step(self) -> None:
        step = self.replay[self.replay_at]
        scenario = self.match.game.scenario
        text = panels.event_html(scenario, step.event)
        self.replay_label.set_text(f"<b>{self.replay_at + 1} of {len(self.replay)}</b>  {text}")
        set_visible(self.replay_panel, True)
        self.view.center_on_hex(self.map_rect(), step.hex)

    def replay_scene(self, scene: Scene) -> None:
        """Draw the replay's steps so far onto `scene`: earlier ones faded, this one fresh."""
        scenario = self.match.game.scenario
        colors = palette(scenario)
        now = self.table.now
        trails, markers = [], []
        for i, step in enumerate(self.replay[: self.replay_at + 1]):
            fresh = i == self.replay_at
            born = now if fresh else now - 2.5
            side = step.event.side
            if step.start >= 0 and step.start != step.hex:
                trails.append(Trail([step.start, step.hex], side, colors.fill(side), born, 4.0))
            elif fresh:
                note = panels.marker_for(scenario, step.event)
                text, color = (
                    note
                    if note is not None
                    else (
                        briefings.REPLAY_LABELS.get(step.event.kind, step.event.kind),
                        colors.dark(side),
                    )
                )
                markers.append(Marker(step.hex, text, color, now, 8.0))
        scene.trails = trails
        scene.markers = markers
