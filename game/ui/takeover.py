"""Take over a computer game: pick a side (or hot-seat) and play on from a turn of it.

From the lab, the game is a batch game (`match.batch_match`: the batch runner's seeds), played by
its computer players on to the chosen turn in a background thread (the window keeps drawing,
Cancel stops between two actions) and then handed over. From a watched game on the map, it is
taken over where it stands. Either way the computer keeps its players, dice and memory for the
sides left to it (`match.take_over`), so up to the hand-over it is the very game the batch
played; after it, it is a normal game (save, undo, What now?).
"""

from __future__ import annotations

import threading
import traceback
from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIHorizontalSlider, UILabel, UIPanel, UITextBox

from game.ui.match import Match, play_to_turn, take_over
from game.ui.widgets import Dialog, esc, set_enabled


def dialog_box(size: tuple[int, int], width: int, height: int) -> pygame.Rect:
    """A centred box of at most `width` x `height` that leaves a margin in a small window."""
    w, h = size
    bw, bh = min(width, w - 40), min(height, h - 40)
    return pygame.Rect((w - bw) // 2, (h - bh) // 2, bw, bh)


class FastForward:
    """The computer playing a game on to a turn in a thread; `stop` ends it between actions."""

    def __init__(self, match: Match, turn: int) -> None:
        self.match = match
        self.turn = turn
        self.error = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="eastfront-take-over", daemon=True)
        self.reached = False

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self.reached = play_to_turn(self.match, self.turn, self._stop.is_set)
        except Exception as exc:  # a computer player that fails is a bug: say it, keep the window
            traceback.print_exc()
            self.error = " ".join(str(exc).split()) or type(exc).__name__

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)


class TakeOverDialog(Dialog):
    """Who plays which side from here, and (from the lab) from which turn."""

    title = "take over"

    def __init__(self, app: Any, match: Match, map_screen: Any = None, what: str = "") -> None:
        super().__init__(app)
        self.match = match
        self.map_screen = map_screen  # None: from the lab (the game has not started on screen)
        self.what = what or "this game"
        self.turn = match.game.state.turn
        self.side_buttons: dict[Any, int | None] = {}
        self.forward: FastForward | None = None
        self.chosen: int | None = None
        self.message = ""

    @property
    def choose_turn(self) -> bool:
        return self.map_screen is None

    def build(self) -> None:
        ui = self.ui
        scenario = self.match.scenario
        box = dialog_box(self.app.size, 720, 340 if self.choose_turn else 290)
        panel = UIPanel(box, manager=ui)
        inner = box.width - 32
        state = self.match.game.state
        if self.choose_turn:
            intro = (
                f"Take over {esc(self.what)}: the computer plays it, as the lab did, on to the "
                "turn you choose; from there you play the side you pick and the computer plays "
                "the other as it would have."
            )
        else:
            mover = scenario.side_table.label(scenario.sides[state.side_index])
            intro = (
                f"Take over this game from here: turn {state.turn} "
                f"({scenario.date_of_turn(state.turn):%d %b %Y}), {esc(mover)} to move. The "
                "computer plays on the sides you leave to it, as it would have."
            )
        UILabel(pygame.Rect(16, 10, inner, 34), "Take it over", ui, container=panel,
                object_id="#heading")  # fmt: skip
        UITextBox(f"<font size=4>{intro}</font>", pygame.Rect(16, 46, inner, 74), ui,
                  container=panel)  # fmt: skip
        y = 128
        if self.choose_turn:
            first = state.turn
            last = max(scenario.turns, first + 1)
            self.turn = max(first, min(self.turn, last))
            self.turn_slider = UIHorizontalSlider(
                pygame.Rect(16, y, 300, 30), self.turn, (first, last), ui, container=panel,
                click_increment=1,
            )  # fmt: skip
            self.turn_label = UILabel(
                pygame.Rect(326, y, inner - 310, 30), self._turn_text(), ui, container=panel
            )
            y += 44
        sides = scenario.sides
        width = (inner - 10 * len(sides)) // (len(sides) + 1)
        for i, side in enumerate(sides):
            button = UIButton(
                pygame.Rect(16 + i * (width + 10), y, width, 44),
                f"Play the {scenario.side_table.label(side)} side",
                ui,
                container=panel,
                object_id="#primary",
                tool_tip_text="The computer plays every other side",
            )
            self.side_buttons[button] = side
        hotseat = UIButton(
            pygame.Rect(16 + len(sides) * (width + 10), y, width, 44),
            "Hot-seat: all sides",
            ui,
            container=panel,
            tool_tip_text="Every side played at this screen, handed over in turn",
        )
        self.side_buttons[hotseat] = None
        y += 56
        self.status = UILabel(pygame.Rect(16, y, inner, 28), self.message, ui, container=panel,
                              object_id="#small")  # fmt: skip
        self.cancel = UIButton(
            pygame.Rect(box.width - 176, box.height - 60, 160, 44), "Cancel", ui,
            container=panel, object_id="#big", tool_tip_text="Esc",
        )  # fmt: skip

    def _turn_text(self) -> str:
        scenario = self.match.scenario
        when = f"{scenario.date_of_turn(self.turn):%d %b %Y}"
        if self.turn <= self.match.game.state.turn:
            return f"from turn {self.turn} ({when}): the start"
        return f"from turn {self.turn} ({when})"

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.leave()
        elif event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and self.choose_turn:
            if event.ui_element is self.turn_slider:
                self.turn = round(self.turn_slider.get_current_value())
                self.turn_label.set_text(self._turn_text())
        elif event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.cancel:
                self.leave()
            elif event.ui_element in self.side_buttons and self.forward is None:
                self.choose(self.side_buttons[event.ui_element])

    def choose(self, side: int | None) -> None:
        """Take the game over as `side` (None: hot-seat), once it stands at the chosen turn."""
        self.chosen = side
        if self.choose_turn and self.turn > self.match.game.state.turn:
            self.forward = FastForward(self.match, self.turn)
            self.forward.start()
            for button in self.side_buttons:
                set_enabled(button, False)
            self._say(f"The computer plays on to turn {self.turn}...")
            return
        self._hand_over()

    def _hand_over(self) -> None:
        side = self.chosen
        mode = "hotseat" if side is None else "solo"
        if self.map_screen is not None:
            table = self.map_screen.table
            pending = table.ai.settle()  # the computer's answer in the making is played, not lost
            if pending is not None:
                table.apply(pending, by_ai=True)
            taken = take_over(self.match, mode, side)
            self.app.stack.pop()
            self.map_screen.replace_match(taken)
            self.map_screen.table.say(self._said(taken))
            return
        taken = take_over(self.match, mode, side)
        self.app.stack.pop()
        screen = self.app.open("map", match=taken)
        table = getattr(screen, "table", None)
        if table is not None:
            table.say(self._said(taken))

    def _said(self, taken: Match) -> str:
        state = taken.game.state
        if taken.mode == "hotseat":
            return f"Taken over at turn {state.turn}: hot-seat"
        side = next(iter(taken.humans))
        label = taken.scenario.side_table.label(side)
        return f"Taken over at turn {state.turn}: you play the {label} side"

    def _say(self, text: str) -> None:
        self.message = text
        if hasattr(self, "status"):
            self.status.set_text(text)

    def update(self, dt: float) -> None:
        super().update(dt)
        forward = self.forward
        if forward is None or forward.running:
            if forward is not None:
                self._say(
                    f"The computer plays on to turn {self.turn}: turn {self.match.game.state.turn}"
                )
            return
        self.forward = None
        if forward.error:
            self._say(f"The game could not be played on: {forward.error}")
            return
        if not forward.reached:
            return
        if self.match.game.state.over:
            self._say("The game ended before that turn: nothing left to take over")
            return
        self._hand_over()

    def leave(self) -> None:
        if self.forward is not None:
            self.forward.stop()
            self.forward = None
        self.app.stack.pop()

    def close(self) -> None:
        if self.forward is not None:
            self.forward.stop()
        super().close()
