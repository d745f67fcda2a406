"""The What now? dialog: how many games to play on, from what the player knows or (labelled as
such) from the true position, and the answer as outcome shares with their 95 % intervals.

The continuations are played in a worker process (`game.ui.whatnow`) held by the map screen, so
the dialog may be closed while they play: the map opens it again with the answer.
"""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UICheckBox, UIHorizontalSlider, UILabel

from game.ui.assets import font
from game.ui.whatnow import (
    CONTINUATIONS,
    FEWEST_CONTINUATIONS,
    MOST_CONTINUATIONS,
    WhatNow,
    ask_what_now,
)
from game.ui.widgets import MUTED, PANEL, PANEL_LINE, TEXT, Dialog, set_enabled, veil

BACKGROUND = (28, 29, 23)
BAR = (176, 140, 64)
INTERVAL = (236, 229, 206)
FOG = (255, 128, 96)  # the true-position warning: seeing what the player cannot know


def fit_text(text: str, size: int, width: int) -> list[str]:
    """`text` broken into lines no wider than `width` at this font size."""
    words, lines, line = text.split(), [], ""
    face = font(size)
    for word in words:
        trial = f"{line} {word}".strip()
        if face.size(trial)[0] <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


class WhatNowDialog(Dialog):
    """Ask, follow and read a What now? question of the map screen's game."""

    title = "what now"

    def __init__(self, app: Any, map_screen: Any) -> None:
        super().__init__(app)
        self.map_screen = map_screen
        job = self.job  # open on an answer (or a question being answered): its settings
        self.runs = job.runs if job is not None else CONTINUATIONS
        self.true_position = job.true_position if job is not None else False

    # --- the question ----------------------------------------------------------------------

    @property
    def job(self) -> WhatNow | None:
        job: WhatNow | None = self.map_screen.what_now
        return job

    @property
    def big(self) -> bool:
        return self.app.size[1] >= 900

    def text_size(self, step: int = 0) -> int:
        return (22 if self.big else 17) + step

    def box(self) -> pygame.Rect:
        w, h = self.app.size
        bw, bh = (1240, 860) if self.big else (1080, 660)
        bw, bh = min(bw, w - 40), min(bh, h - 40)
        return pygame.Rect((w - bw) // 2, (h - bh) // 2, bw, bh)

    def build(self) -> None:
        ui = self.ui
        box = self.box()
        pad = 24
        left, inner = box.left + pad, box.width - 2 * pad
        row = 40 if self.big else 34
        UILabel(pygame.Rect(left, box.top + 12, inner, 40), "What now?", ui, object_id="#heading")
        game = self.map_screen.match.game
        scenario = game.scenario
        mover = scenario.side_table.label(scenario.sides[game.state.side_index])
        self.subtitle = (
            f"How likely is each outcome from here? Turn {game.state.turn} "
            f"({scenario.date_of_turn(game.state.turn):%d %b %Y}), {mover} to move: the computer "
            "plays the game on to its end on every side, many times, with fresh dice."
        )
        y = box.top + 60 + 2 * (self.text_size() + 6)
        UILabel(pygame.Rect(left, y, 230, row), "Games to play on:", ui)
        self.runs_slider = UIHorizontalSlider(
            pygame.Rect(left + 230, y, 300, row),
            self.runs,
            (FEWEST_CONTINUATIONS, MOST_CONTINUATIONS),
            ui,
            click_increment=1,
        )
        self.runs_label = UILabel(pygame.Rect(left + 536, y, 70, row), str(self.runs), ui)
        self.run_button = UIButton(
            pygame.Rect(box.right - pad - 220, y, 220, row),
            "Play them",
            ui,
            object_id="#primary",
            tool_tip_text="In the background: close this and keep playing meanwhile",
        )
        y += row + 10
        self.fog_box = UICheckBox(
            pygame.Rect(left, y + (row - 22) // 2, 22, 22),
            "",
            ui,
            initial_state=self.true_position,
        )
        self.fog_label = UILabel(
            pygame.Rect(left + 32, y, inner - 32, row),
            "See through the fog (true position): start from where every enemy unit really is, "
            "which you cannot know",
            ui,
            object_id=None if self.big else "#small",
        )
        y += row + 10
        self.progress_rect = pygame.Rect(left, y, inner, 26)
        self.results_top = y + 40
        self.close_button = UIButton(
            pygame.Rect(box.right - pad - 200, box.bottom - 16 - 44, 200, 44),
            "Back to the game",
            ui,
            object_id="#big",
            tool_tip_text="Esc: the games go on playing; the answer opens when they are done",
        )
        self.results_bottom = box.bottom - 16 - 44 - 10
        self._refresh()

    def _refresh(self) -> None:
        job = self.job
        running = job is not None and not job.finished
        set_enabled(self.run_button, not running)
        if running:
            self.run_button.set_text("Playing...")
        else:
            self.run_button.set_text("Play them again" if job is not None else "Play them")

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.stack.pop()
        elif event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            if event.ui_element is self.runs_slider:
                self.runs = round(self.runs_slider.get_current_value())
                self.runs_label.set_text(str(self.runs))
        elif event.type in (pygame_gui.UI_CHECK_BOX_CHECKED, pygame_gui.UI_CHECK_BOX_UNCHECKED):
            if event.ui_element is self.fog_box:
                self.true_position = event.type == pygame_gui.UI_CHECK_BOX_CHECKED
        elif event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.run_button:
                self.ask()
            elif event.ui_element is self.close_button:
                self.app.stack.pop()

    def ask(self) -> None:
        """Start the continuations (the map screen holds them, so closing this keeps them)."""
        job = self.job
        if job is not None and not job.finished:
            return
        screen = self.map_screen
        game = screen.match.game
        viewer = screen.table.viewer
        side = viewer if viewer is not None else game.scenario.sides[game.state.side_index]
        seed = int(game.seed) * 1000 + int(game.state.turn)
        screen.what_now = ask_what_now(game, side, seed, self.runs, self.true_position)
        self._refresh()

    def update(self, dt: float) -> None:
        super().update(dt)
        job = self.job
        if job is not None and not job.finished:
            job.poll()
            if job.finished:
                job.shown = True
                self._refresh()

    # --- drawing -----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        veil(surface)
        box = self.box()
        pygame.draw.rect(surface, BACKGROUND, box)  # opaque: the answer is read, not glanced at
        pygame.draw.rect(surface, PANEL_LINE, box, 2)
        self.ui.draw_ui(surface)
        size = self.text_size()
        left, inner = box.left + 24, box.width - 48
        y = box.top + 60
        for line in fit_text(self.subtitle, size, inner)[:2]:
            surface.blit(font(size).render(line, True, MUTED), (left, y))
            y += size + 6
        self._draw_progress(surface)
        self._draw_results(surface, pygame.Rect(left, self.results_top, inner,
                                                self.results_bottom - self.results_top))  # fmt: skip

    def _draw_progress(self, surface: pygame.Surface) -> None:
        bar, job = self.progress_rect, self.job
        pygame.draw.rect(surface, PANEL, bar)
        if job is None:
            text, share = "Choose how many games, then play them", 0.0
        elif job.error:
            text, share = f"The games failed: {job.error}", 0.0
        elif job.finished:
            text, share = f"{job.runs} games played on from turn {job.turn}", 1.0
        else:
            text, share = f"Playing: {job.done} of {job.runs} games", job.done / max(job.runs, 1)
        filled = bar.copy()
        filled.w = int(bar.w * share)
        pygame.draw.rect(surface, BAR, filled)
        img = font(self.text_size(-1)).render(text, True, TEXT)
        surface.blit(img, img.get_rect(center=bar.center))
        pygame.draw.rect(surface, PANEL_LINE, bar, 1)

    def _draw_results(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        job = self.job
        size = self.text_size()
        if job is None or not job.finished:
            if job is not None:
                notes = [
                    "Back to the game meanwhile if you like: the answer opens when they are played."
                ]
            elif self.true_position:
                notes = [
                    "Seeing through the fog: the games start from the true position, every "
                    "enemy unit where it really is. An answer you could not have in a real war."
                ]
            else:
                notes = [
                    "From what you know: the enemy units you see stand where they are; the others "
                    "where you last saw them (or where they started), at full strength.",
                    "Tick 'see through the fog' to start from the true position instead.",
                ]
            y = area.top
            for note in notes:
                colour = FOG if self.true_position and job is None else MUTED
                for line in fit_text(note, size - 1, area.width):
                    surface.blit(font(size - 1).render(line, True, colour), (area.left, y))
                    y += size + 4
                y += 6
            return
        if job.sentences is None:
            return
        y = area.top
        where_colour = FOG if job.true_position else MUTED
        if job.true_position:
            warning = "SEEN THROUGH THE FOG: from the true position, which you cannot know"
            surface.blit(font(size, bold=True).render(warning, True, FOG), (area.left, y))
            y += size + 8
        for line in fit_text(job.where, size - 2, area.width)[:3]:
            surface.blit(font(size - 2).render(line, True, where_colour), (area.left, y))
            y += size + 2
        y += 8
        label_w = int(area.width * 0.42)
        words_w = int(area.width * 0.26)
        bar_left = area.left + label_w + 10
        bar_w = area.width - label_w - words_w - 20
        row = size + 12
        head = font(size - 3)
        for x, text in ((bar_left, "0 %"), (bar_left + bar_w, "100 %")):
            img = head.render(text, True, MUTED)
            surface.blit(img, (x - img.get_width() // 2, y))
        surface.blit(
            head.render("share of games, with its 95 % interval", True, MUTED),
            (area.left, y),
        )
        y += size + 2
        for outcome in job.outcomes:
            if y + row > area.bottom:
                break
            text = str(outcome["text"])
            label = text[0].upper() + text[1:]
            if outcome["kind"] != "share":
                label += " (median)"
            lines = fit_text(label, size - 1, label_w)
            surface.blit(font(size - 1).render(lines[0], True, TEXT), (area.left, y))
            words = font(size - 1, bold=outcome["kind"] == "share")
            img = words.render(str(outcome["words"]), True, TEXT)
            surface.blit(img, (area.right - words_w, y))
            value = outcome["value"]
            if outcome["kind"] == "share" and value is not None:
                mid = y + (size + 2) // 2
                track = pygame.Rect(bar_left, mid - 5, bar_w, 10)
                pygame.draw.rect(surface, PANEL, track)
                pygame.draw.rect(surface, PANEL_LINE, track, 1)
                share = pygame.Rect(bar_left, mid - 5, int(bar_w * float(value["value"])), 10)
                pygame.draw.rect(surface, BAR, share)
                low = bar_left + int(bar_w * float(value["low"]))
                high = bar_left + int(bar_w * float(value["high"]))
                pygame.draw.line(surface, INTERVAL, (low, mid), (high, mid), 2)
                for x in (low, high):
                    pygame.draw.line(surface, INTERVAL, (x, mid - 8), (x, mid + 8), 2)
            y += row
