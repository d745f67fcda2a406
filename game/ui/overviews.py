"""Overview dialogs over the map: victory in view, the order of battle, the enemy's turn as the
player saw it (with a replay on the map), and a yes/no question (quitting).

Each reads the game through the map screen that opened it and acts only through that screen
(jump to a unit, start a replay), so the map screen stays the one place that changes the view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UIPanel, UISelectionList, UITextBox

from game import engine
from game.enums import NO_SIDE
from game.rules import victory_view
from game.ui import briefings, panels
from game.ui.widgets import Dialog, esc, set_enabled

if TYPE_CHECKING:
    from game.ui.mapscreen import MapScreen


def dialog_box(size: tuple[int, int], width: int, height: int) -> pygame.Rect:
    """A centred box of at most `width` x `height` that leaves a margin in a small window."""
    w, h = size
    bw, bh = min(width, w - 40), min(height, h - 40)
    return pygame.Rect((w - bw) // 2, (h - bh) // 2, bw, bh)


def known_unit_hexes(map_screen: MapScreen) -> np.ndarray:
    """Where each unit is as the map's viewer knows it (-1: not known); the truth for a spectator."""
    t = map_screen.table
    state = t.match.game.state
    view = t.observation()
    if view is None:
        return np.where(state.active, state.hex, -1).astype(np.int32)
    return np.where(view.visible, view.hex, -1).astype(np.int32)


class VictoryDialog(Dialog):
    """Objectives and their owners, the result levels, sudden death and the turns left."""

    title = "victory"
    close_keys = (pygame.K_o,)

    def __init__(self, app: Any, map_screen: MapScreen) -> None:
        super().__init__(app)
        self.map_screen = map_screen

    def texts(self) -> tuple[str, str]:
        t = self.map_screen.table
        game = t.match.game
        scenario = game.scenario
        view = victory_view.victory_view(
            scenario, game.state, known_unit_hexes(self.map_screen), engine.movement_rules(scenario)
        )
        state = game.state
        result = ""
        if state.over:
            result = (
                "a draw"
                if state.level == "draw" or state.winner == NO_SIDE
                else f"{scenario.side_table.team_label(state.winner)} {state.level} victory"
            )
        left = briefings.standing_html(scenario, view, t.viewer, result)
        return left, briefings.objectives_html(scenario, view)

    def build(self) -> None:
        ui = self.ui
        box = dialog_box(self.app.size, 1280, 820)
        panel = UIPanel(box, manager=ui)
        left_text, right_text = self.texts()
        left_w = int((box.width - 40) * 0.62)
        self.standing = UITextBox(
            left_text, pygame.Rect(12, 12, left_w, box.height - 80), ui, container=panel
        )
        self.objectives = UITextBox(
            right_text,
            pygame.Rect(24 + left_w, 12, box.width - left_w - 40, box.height - 80),
            ui,
            container=panel,
        )
        self.add_close_button(panel, box, "Back to the map (Esc or O)")

class ForcesDialog(Dialog):
    """The viewer's own units with strength, supply, state and place; a click jumps to one."""

    title = "order of battle"
    close_keys = (pygame.K_f,)

    def __init__(self, app: Any, map_screen: MapScreen) -> None:
        super().__init__(app)
        self.map_screen = map_screen
        t = map_screen.table
        self.side = t.viewer if t.viewer is not None else t.match.moving()
        self.rows = briefings.force_rows(t.match.game, self.side)

    def build(self) -> None:
        ui = self.ui
        box = dialog_box(self.app.size, 1100, 860)
        panel = UIPanel(box, manager=ui)
        scenario = self.map_screen.match.game.scenario
        on_map = sum(r.on_map for r in self.rows)
        UILabel(
            pygame.Rect(16, 8, box.width - 32, 34),
            f"Order of battle: {scenario.side_table.label(self.side)} ({on_map} units on the map)",
            ui,
            container=panel,
            object_id="#heading",
        )
        UILabel(
            pygame.Rect(16, 42, box.width - 32, 22),
            "Name, steps, supply, state, place - formation. Click a unit to find it on the map.",
            ui,
            container=panel,
            object_id="#small",
        )
        items: list[str | tuple[str, str]] = [(r.text, f"#{r.unit}") for r in self.rows]
        self.list = UISelectionList(
            pygame.Rect(16, 70, box.width - 32, box.height - 136), items, ui, container=panel
        )
        self.add_close_button(panel, box, "Back to the map (Esc or F)")

    def choose(self, unit: int) -> None:
        """Close the list and show the unit on the map, selected."""
        self.app.stack.pop()
        self.map_screen.jump_to_unit(unit)

    def handle(self, event: pygame.event.Event) -> None:
        if (
            event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION
            and event.ui_element is self.list
        ):
            chosen = self.list.get_single_selection(include_object_id=True)
            if isinstance(chosen, tuple) and chosen[1].lstrip("#").isdigit():
                self.choose(int(chosen[1].lstrip("#")))
        else:
            super().handle(event)


class EnemyTurnDialog(Dialog):
    """What the viewer saw the enemy do in its last turn, with a replay on the map."""

    title = "enemy turn"
    close_keys = (pygame.K_t,)

    def __init__(self, app: Any, map_screen: MapScreen) -> None:
        super().__init__(app)
        self.map_screen = map_screen
        t = map_screen.table
        game = t.match.game
        self.side = t.viewer if t.viewer is not None else t.match.moving()
        self.events = briefings.enemy_turn_events(game, self.side)

    def build(self) -> None:
        ui = self.ui
        box = dialog_box(self.app.size, 1000, 760)
        panel = UIPanel(box, manager=ui)
        game = self.map_screen.match.game
        scenario = game.scenario
        UILabel(
            pygame.Rect(16, 8, box.width - 32, 34),
            "What we saw of the enemy's turn",
            ui,
            container=panel,
            object_id="#heading",
        )
        lines = [panels.event_html(scenario, e) for e in self.events[-200:]]
        text = "<br>".join(lines) if lines else "Our units saw nothing of the enemy's last turn."
        UITextBox(text, pygame.Rect(16, 48, box.width - 32, box.height - 114), ui, container=panel)
        steps = len(briefings.replay_steps(scenario, self.events))
        self.replay_button = UIButton(
            pygame.Rect(16, box.height - 56, 300, 42),
            f"Replay on the map ({steps} steps)",
            ui,
            container=panel,
            tool_tip_text="Step through the enemy's moves and attacks that we saw: Enter or Next "
            "steps on, Backspace goes back, Esc ends the replay",
        )
        set_enabled(self.replay_button, bool(steps))
        self.add_close_button(panel, box, "Back to the map (Esc or T)")

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.replay_button:
            self.app.stack.pop()
            self.map_screen.start_replay(self.events)
        else:
            super().handle(event)


class ConfirmDialog(Dialog):
    """A yes/no question; `on_yes` runs when the answer is yes (Enter), nothing on no (Esc)."""

    title = "confirm"

    def __init__(
        self, app: Any, question: str, on_yes: Callable[[], None], yes: str = "Yes"
    ) -> None:
        super().__init__(app)
        self.question = question
        self.on_yes = on_yes
        self.yes_text = yes

    def build(self) -> None:
        ui = self.ui
        box = dialog_box(self.app.size, 560, 200)
        panel = UIPanel(box, manager=ui)
        UITextBox(
            f"<font size=4>{esc(self.question)}</font>",
            pygame.Rect(16, 16, box.width - 32, box.height - 90),
            ui,
            container=panel,
        )
        self.no = UIButton(
            pygame.Rect(16, box.height - 60, 160, 44),
            "Cancel",
            ui,
            container=panel,
            object_id="#big",
            tool_tip_text="Keep playing (Esc)",
        )
        self.yes = UIButton(
            pygame.Rect(box.width - 176, box.height - 60, 160, 44),
            self.yes_text,
            ui,
            container=panel,
            object_id="#primary",
            tool_tip_text="Enter",
        )

    def handle(self, event: pygame.event.Event) -> None:
        if (event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.yes) or (
            event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER)
        ):
            self.app.stack.pop()
            self.on_yes()
        elif (event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.no) or (
            event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE
        ):
            self.app.stack.pop()
