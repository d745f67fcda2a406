"""The map screen's side panel: the selected unit or hex (or a hint of what to do), the stack
there, the attack preview with its odds, and the log.

A part of `mapscreen.MapScreen` (which inherits it); it keeps its state on the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
from pygame_gui.elements import UIButton, UIImage, UISelectionList, UITextBox

from game.state import Phase
from game.ui import briefings, panels
from game.ui.assets import font
from game.ui.logview import LogView
from game.ui.match import Match, visible_log
from game.ui.palette import palette
from game.ui.play import Table
from game.ui.widgets import set_enabled

LOG_LINES = 400  # events re-listed when the log starts afresh (a new viewer, an undo)


class SidePanel:
    """Fills the panel's boxes from the table; the screen calls it when what they show changed."""

    if TYPE_CHECKING:  # the map screen's, which this is a part of
        table: Table
        log: LogView
        unit_box: UITextBox
        stack_list: UISelectionList
        preview_image: UIImage
        preview_box: UITextBox
        declare_button: UIButton
        cancel_button: UIButton
        _log_state: tuple[int, object]

        @property
        def match(self) -> Match: ...

    def _refresh_panel(self) -> None:
        t = self.table
        game = self.match.game
        scenario, state = game.scenario, game.state
        view = t.observation()
        if t.selected >= 0:
            fate = briefings.unit_fates(game, t.viewer).get(t.selected)
            self.unit_box.set_text(panels.unit_html(scenario, state, view, t.selected, fate))
        elif t.selected_hex >= 0:
            self.unit_box.set_text(panels.hex_html(scenario, state, t.selected_hex))
        else:
            self.unit_box.set_text(self._hint())
        here = t.units_at(t.selected_hex, view) if t.selected_hex >= 0 else []
        items: list[str | tuple[str, str]] = []
        for u in here:
            mark = "[x] " if u in t.attackers else ""
            steps = f"{int(state.steps[u])}/{int(scenario.units.max_steps[u])}"
            items.append(
                (
                    f"{mark}{scenario.units.labels[u]}  "
                    f"{scenario.side_table.label(int(scenario.units.side[u]))}  {steps}",
                    f"#{u}",
                )
            )
        self.stack_list.set_item_list(items)
        preview = t.preview()
        declared = any(a.target == t.target for a in state.declared)
        if preview is not None:
            size = self.preview_image.rect.size
            image = panels.preview_image(size, preview, palette(scenario))
            self.preview_image.set_image(image)
            note = (
                "<br><font color='#e0c070'>Declared: resolved when the combat phase ends</font>"
                if declared
                else ""
            )
            self.preview_box.set_text(panels.preview_html(scenario, preview) + note)
        else:
            blank = pygame.Surface(self.preview_image.rect.size)
            blank.fill((32, 34, 27))
            if state.phase == Phase.COMBAT and t.my_turn():
                img = font(13).render(
                    "Click a red-ringed enemy stack to plan an attack", True, (200, 192, 160)
                )
                blank.blit(img, (8, 8))
            self.preview_image.set_image(blank)
            self.preview_box.set_text("")
        can_declare = t.my_turn() and preview is not None and not declared
        set_enabled(self.declare_button, can_declare)
        set_enabled(self.cancel_button, t.my_turn() and declared)

    def _hint(self) -> str:
        t = self.table
        state = self.match.game.state
        if state.over:
            return "<b>The game is over.</b><br>R shows the after-action report."
        if not t.my_turn():
            take = " K takes the game over." if self.match.mode == "watch" else ""
            return (
                "<b>The computer is moving.</b><br>Space skips to the end of its turn; "
                f"P pauses it; [ and ] change its pace.{take}"
            )
        if state.phase == Phase.COMBAT:
            return (
                "<b>Combat phase.</b><br>Click an enemy stack ringed in red to plan an attack; "
                "click your adjacent stacks to add or drop attackers; Enter declares. "
                "All declared attacks are resolved together when you end the phase (E)."
            )
        what = (
            "mechanised units move again"
            if state.phase == Phase.EXPLOITATION
            else "move your units"
        )
        return (
            f"<b>{panels.PHASE_NAMES[state.phase].capitalize()} phase:</b> {what}.<br>"
            "Click a unit, then a lit hex (the path follows the cursor). Tab picks the next unit "
            "that can move; U undoes; E ends the phase."
        )

    def _refresh_log(self, key: tuple[int, object]) -> None:
        t = self.table
        game = self.match.game
        count, viewer = self._log_state
        if viewer != t.viewer or count < 0 or count > len(game.log):
            self.log.reset()
            events = visible_log(game, t.viewer)[-LOG_LINES:]
        else:
            events = visible_log(game, t.viewer, count)
        for event in events:
            self.log.add(game.scenario, event, 0)
        self._log_state = key
