"""The what-if lab in the window: a scenario, its knobs, a number of games, and the answer.

The games are played by `game.sim.explore` in a worker process (`game.ui.labrun`: the window
keeps drawing and Cancel ends the process, the games it finished kept in the results store);
when the worker is done the screen shows the headline sentences with their intervals and the
plots explore wrote. Every run is recorded in the store, and the past experiments listed there
can be read back here, their first game watched or taken over (`game.ui.takeover`). Nothing here
changes a game: the lab only plays new ones.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import (
    UIButton,
    UICheckBox,
    UIDropDownMenu,
    UIImage,
    UILabel,
    UISelectionList,
    UITextBox,
    UITextEntryLine,
)

from game.scenario.errors import FileProblemError
from game.scenario.model import KnobValue, Scenario
from game.ui import catalogue
from game.ui.assets import font
from game.ui.catalogue import Entry
from game.ui.labrun import KEEP_FOLDERS, LabRun, start_run
from game.ui.match import batch_match
from game.ui.screen import Screen
from game.ui.widgets import (
    MUTED,
    PANEL,
    PANEL_LINE,
    TEXT,
    esc,
    fitted,
    knob_slider,
    set_enabled,
    set_visible,
)

BACKGROUND = (30, 31, 25)
DEFAULT_GAMES = 8
MOST_GAMES = 500
BAR = (176, 140, 64)


# --- the screen ----------------------------------------------------------------------------------


@dataclass
class Shown:
    """What the result side of the screen shows: a title, sentences and plot files."""

    title: str
    sentences: list[str] = field(default_factory=list)
    plots: list[Path] = field(default_factory=list)
    note: str = ""
    # the variant's first game, to watch: (scenario file, knobs, game seed); None for none
    replay: tuple[Path, dict[str, KnobValue], int] | None = None


def _same_file(path: Path, digest: str) -> bool:
    from game.scenario.loader import file_hash

    try:
        return path.is_file() and file_hash(path) == digest
    except OSError:
        return False


def experiment_line(e: Any) -> str:
    """One past experiment in the list: id, date, kind, scenario, games, knobs."""
    from game.sim.experiments import knob_text

    games = int(e.extra.get("_games", 0))
    when = e.started[:16].replace("T", " ")
    flag = "" if e.status == "complete" else " (stopped)"
    return f"#{e.id} {when}  {e.kind} {e.scenario_id}, {games} games{flag}: {knob_text(e.knobs)}"


class LabScreen(Screen):
    title = "what-if lab"

    def __init__(self, app: Any, entry: Entry | None = None) -> None:
        super().__init__(app)
        self.entries = catalogue.entries()
        self.selected = 0
        if entry is not None:
            ids = [e.id for e in self.entries]
            if entry.id in ids:
                self.selected = ids.index(entry.id)
            else:
                self.entries.insert(0, entry)
        self.scenario: Scenario | None = None
        self.knob_values: dict[str, KnobValue] = {}
        self.games = DEFAULT_GAMES
        self.message = ""
        self.run: LabRun | None = None
        self.shown: Shown | None = None
        self.plot_index = 0
        self.past: list[Any] = []
        self._load()
        self._read_store()

    # --- state -------------------------------------------------------------------------------

    def _load(self) -> None:
        self.scenario = None
        self.knob_values = {}
        if not self.entries:
            self.message = "No scenarios found"
            return
        entry = self.entries[self.selected]
        try:
            self.scenario = catalogue.scenario(entry.path)
        except FileProblemError as exc:
            self.message = f"{entry.path.name} cannot be loaded: {exc.problems[0]}"
            return
        self.knob_values = self.scenario.default_knobs()

    def changed_knobs(self) -> dict[str, KnobValue]:
        if self.scenario is None:
            return {}
        defaults = self.scenario.default_knobs()
        return {k: v for k, v in self.knob_values.items() if v != defaults[k]}

    def _read_store(self) -> None:
        from game.sim.store import StoreError, open_store

        try:
            with open_store() as store:
                self.past = store.experiments(limit=100)
        except StoreError as exc:
            self.past = []
            self.message = str(exc)

    # --- layout ------------------------------------------------------------------------------

    def build(self) -> None:
        w, h = self.app.size
        ui = self.ui
        small = h < 800
        left, left_w = 30, min(880, w // 2 - 40)
        UILabel(pygame.Rect(left, 14, left_w, 40), "What-if lab", ui, object_id="#heading")
        UILabel(
            pygame.Rect(left, 52, w - 60, 22),
            "Play the scenario as history set it and as you change it, on the same dice, and "
            "see what the change does",
            ui,
            object_id="#small",
        )
        y = 84
        titles: list[str | tuple[str, str]] = [e.title for e in self.entries] or ["(no scenarios)"]
        self.scenario_menu = UIDropDownMenu(
            titles, titles[self.selected], pygame.Rect(left, y, left_w, 32), ui
        )
        y += 40
        UILabel(
            pygame.Rect(left, y, left_w, 26), "What if...  (scenario knobs)", ui, object_id="#hud"
        )
        y += 30
        self.knob_widgets: dict[str, Any] = {}
        self.knob_labels: dict[str, Any] = {}
        knobs = self.scenario.spec.knobs if self.scenario is not None else {}
        bottom_rows = 200  # games, run, progress, back
        step = max(26, min(34, (h - bottom_rows - y) // max(1, len(knobs))))
        for name, knob in knobs.items():
            value = self.knob_values[name]
            if knob.type == "bool":
                box = UICheckBox(
                    pygame.Rect(left, y + 4, 20, 20), "", ui, initial_state=bool(value)
                )
                self.knob_widgets[name] = box
                UILabel(
                    pygame.Rect(left + 30, y, left_w - 30, 26),
                    fitted(knob.description, left_w - 30),
                    ui,
                    object_id="#small",
                )
            else:
                slider_w = 200 if small else 240
                slider = knob_slider(ui, pygame.Rect(left, y, slider_w, 26), knob, value)
                self.knob_widgets[name] = slider
                self.knob_labels[name] = UILabel(
                    pygame.Rect(left + slider_w + 6, y, 56, 26), self._knob_text(name), ui
                )
                UILabel(
                    pygame.Rect(left + slider_w + 66, y, left_w - slider_w - 66, 26),
                    fitted(knob.description, left_w - slider_w - 66),
                    ui,
                    object_id="#small",
                )
            y += step
        y = max(y + 10, h - bottom_rows + 10)
        UILabel(pygame.Rect(left, y, 160, 32), "Games per arm", ui)
        self.games_entry = UITextEntryLine(pygame.Rect(left + 170, y, 90, 32), ui)
        self.games_entry.set_allowed_characters("numbers")
        self.games_entry.set_text(str(self.games))
        self.reset_button = UIButton(
            pygame.Rect(left + left_w - 180, y, 180, 32), "Historical settings", ui
        )
        y += 42
        self.run_button = UIButton(pygame.Rect(left, y, 200, 40), "Run", ui, object_id="#primary")
        self.cancel_button = UIButton(pygame.Rect(left + 210, y, 140, 40), "Cancel", ui)
        self.progress_rect = pygame.Rect(left + 360, y + 6, left_w - 360, 28)
        y += 50
        self.status = UILabel(pygame.Rect(left, y, left_w, 26), "", ui, object_id="#small")
        self.back = UIButton(pygame.Rect(left, h - 56, 160, 44), "Back", ui, object_id="#big")
        # the right side: the answer, its plots, and the experiments of the store
        right = left + left_w + 30
        right_w = w - right - 30
        past_h = 150 if small else 220
        text_h = 130 if small else 200
        self.result_title = UILabel(pygame.Rect(right, 84, right_w, 30), "", ui, object_id="#hud")
        self.sentences = UITextBox("", pygame.Rect(right, 116, right_w, text_h), ui)
        plot_top = 116 + text_h + 8
        plot_bottom = h - past_h - 40
        self.plot_box = pygame.Rect(right, plot_top + 36, right_w, plot_bottom - plot_top - 36)
        self.plot_button = UIButton(pygame.Rect(right, plot_top, 110, 30), "Next plot", ui)
        self.watch_button = UIButton(
            pygame.Rect(right + 120, plot_top, 180, 30),
            "Watch a game of it",
            ui,
            tool_tip_text="The first game played with your change, from its start, on the map "
            "(K there takes it over)",
        )
        self.take_button = UIButton(
            pygame.Rect(right + 310, plot_top, 150, 30),
            "Take it over",
            ui,
            tool_tip_text="Play on the first game of your change from a turn of your choosing, "
            "as one side (the computer plays the other as it did) or hot-seat",
        )
        self.plot_label = UILabel(
            pygame.Rect(right + 470, plot_top, right_w - 470, 30), "", ui, object_id="#small"
        )
        self.plot_image = UIImage(self.plot_box.copy(), pygame.Surface((1, 1)), ui)
        UILabel(
            pygame.Rect(right, h - past_h - 36, right_w, 28),
            "Past experiments (newest first)",
            ui,
            object_id="#hud",
        )
        self.past_list = UISelectionList(
            pygame.Rect(right, h - past_h - 8, right_w, past_h - 4),
            [(experiment_line(e), str(e.id)) for e in self.past],
            ui,
        )
        self._refresh()

    def _knob_text(self, name: str) -> str:
        value = self.knob_values[name]
        return f"{value:g}" if isinstance(value, float) else str(value)

    def _refresh(self) -> None:
        """Buttons, the status line and the result side after the state changed."""
        running = self.run is not None and not self.run.finished
        set_enabled(self.run_button, not running and bool(self.changed_knobs()))
        set_enabled(self.cancel_button, running)
        if running and self.run is not None:
            status = f"Playing: {self.run.done} of {self.run.total} games"
        elif self.message:
            status = self.message
        elif not self.changed_knobs():
            status = "Change a knob to ask a question (the baseline is history's settings)"
        else:
            status = f"Ready: {self.games} games with and {self.games} without the change"
        self.status.set_text(status)
        shown = self.shown
        self.result_title.set_text(shown.title if shown else "")
        if shown is None:
            self.sentences.set_text(
                "<font color='#aaa48c'>Run the lab, or pick a past experiment below.</font>"
            )
        else:
            body = "<br>".join(esc(s) for s in shown.sentences) or "(no headline results)"
            if shown.note:
                body += f"<br><font color='#ff8060'>{esc(shown.note)}</font>"
            self.sentences.set_text(body)
        self._show_plot()

    def _show_plot(self) -> None:
        can_replay = self.shown is not None and self.shown.replay is not None
        set_enabled(self.watch_button, can_replay)
        set_enabled(self.take_button, can_replay)
        plots = self.shown.plots if self.shown else []
        set_enabled(self.plot_button, len(plots) > 1)
        set_visible(self.plot_image, bool(plots))
        if not plots:
            self.plot_label.set_text("")
            return
        self.plot_index %= len(plots)
        path = plots[self.plot_index]
        try:
            image = pygame.image.load(str(path))
        except (pygame.error, OSError, FileNotFoundError):
            self.plot_label.set_text(f"{path.name}: cannot be read")
            return
        box = self.plot_box
        scale = min(box.w / image.get_width(), box.h / image.get_height(), 1.0)
        size = (max(1, int(image.get_width() * scale)), max(1, int(image.get_height() * scale)))
        image = pygame.transform.smoothscale(image.convert(), size)
        self.plot_image.set_dimensions(size)
        self.plot_image.set_image(image)
        self.plot_label.set_text(f"{self.plot_index + 1} of {len(plots)}: {path.name}")

    # --- input -------------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is self.scenario_menu:
                titles = [e.title for e in self.entries]
                if event.text in titles and titles.index(event.text) != self.selected:
                    self.selected = titles.index(event.text)
                    self.message = ""
                    self._load()
                    self._rebuild()
        elif event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            for name, widget in self.knob_widgets.items():
                if widget is event.ui_element and self.scenario is not None:
                    knob = self.scenario.spec.knobs[name]
                    value = widget.get_current_value()
                    self.knob_values[name] = round(value) if knob.type == "int" else float(value)
                    self.knob_labels[name].set_text(self._knob_text(name))
            self._refresh()
        elif event.type in (pygame_gui.UI_CHECK_BOX_CHECKED, pygame_gui.UI_CHECK_BOX_UNCHECKED):
            for name, widget in self.knob_widgets.items():
                if widget is event.ui_element:
                    self.knob_values[name] = event.type == pygame_gui.UI_CHECK_BOX_CHECKED
            self._refresh()
        elif (
            event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element is self.games_entry
        ):
            text = self.games_entry.get_text().strip()
            if text.isdigit() and int(text) > 0:
                self.games = min(MOST_GAMES, int(text))
            self._refresh()
        elif (
            event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION
            and event.ui_element is self.past_list
        ):
            chosen = self.past_list.get_single_selection(include_object_id=True)
            if chosen is not None:
                key = chosen[1] if isinstance(chosen, tuple) else chosen
                if str(key).isdigit():
                    self.show_experiment(int(key))
        elif event.type == pygame_gui.UI_BUTTON_PRESSED:
            self.app.sounds.play("click")
            if event.ui_element is self.back:
                self.leave()
            elif event.ui_element is self.run_button:
                self.start()
            elif event.ui_element is self.cancel_button:
                self.cancel()
            elif event.ui_element is self.reset_button and self.scenario is not None:
                self.knob_values = self.scenario.default_knobs()
                self._rebuild()
            elif event.ui_element is self.plot_button:
                self.plot_index += 1
                self._show_plot()
            elif event.ui_element is self.watch_button:
                self.watch()
            elif event.ui_element is self.take_button:
                self.take_over()
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.leave()

    def _rebuild(self) -> None:
        self.ui.clear_and_reset()
        self.build()

    def leave(self) -> None:
        self.cancel()
        self.app.stack.pop()

    # --- running ----------------------------------------------------------------------------

    def start(self) -> None:
        """Run the games in the worker process (nothing when a run is going or no knob moved)."""
        from game.sim.store import default_path

        if self.run is not None and not self.run.finished:
            return
        knobs = self.changed_knobs()
        if self.scenario is None:
            return
        if not knobs:
            self.message = "Change a knob first: the lab compares history with your change"
            self._refresh()
            return
        self.message = ""
        entry = self.entries[self.selected]
        seed = secrets.randbelow(1_000_000)
        try:
            self.run = start_run(entry.path, knobs, self.games, seed, default_path())
        except OSError as exc:
            self.message = f"cannot start the games: {exc}"
        self._refresh()

    def _replay_match(self) -> Any:
        """The variant's first game, to be played again from its start by the same computer
        players (the batch runner's seeds), so it is the very game the lab counted; None when
        its scenario file cannot be read any more."""
        if self.shown is None or self.shown.replay is None:
            return None
        path, knobs, seed = self.shown.replay
        try:
            scenario = catalogue.scenario(path)
            if knobs:
                scenario = scenario.with_knobs(knobs)
        except (FileProblemError, OSError, ValueError) as exc:
            self.message = f"{path.name} cannot be loaded: {' '.join(str(exc).split())}"
            self._refresh()
            return None
        return batch_match(scenario, seed)

    def watch(self) -> None:
        """Open the variant's first game on the map, from its start."""
        match = self._replay_match()
        if match is not None:
            self.app.open("map", match=match)

    def take_over(self) -> None:
        """Choose a side (or hot-seat) and a turn, and play on the variant's first game."""
        match = self._replay_match()
        if match is not None:
            what = "the first game played with your change"
            self.app.open("take_over", match=match, what=what)

    def cancel(self) -> None:
        """Stop the games; the finished ones are kept in the store, the run marked stopped."""
        run = self.run
        if run is None or run.finished:
            return
        problem = run.stop()
        if run.result is not None or run.error:  # it had just finished: show it as finished
            self._finished(run)
            return
        self.message = f"Cancelled after {run.done} of {run.total} games" + (
            f" ({problem})" if problem else "; kept in the store as stopped"
        )
        self.run = None
        self._read_store()
        self._show_past()
        self._refresh()

    def show_experiment(self, ident: int) -> None:
        """A past experiment's headline sentences, and its plots while its folder is there."""
        from game.sim.experiments import knob_text
        from game.sim.store import StoreError, open_store

        try:
            with open_store() as store:
                e = store.get(ident)
        except StoreError as exc:
            self.message = str(exc)
            self._refresh()
            return
        sentences = [str(h["sentence"]) for h in e.headlines if "sentence" in h]
        plots: list[Path] = []
        comparison = Path(e.out) / "comparison.json"
        try:
            listed = json.loads(comparison.read_text(encoding="utf-8")).get("plots", [])
            plots = [Path(e.out) / str(p) for p in listed if (Path(e.out) / str(p)).is_file()]
        except (OSError, ValueError, AttributeError):
            plots = []
        note = "" if e.status == "complete" else "This run was stopped before it finished."
        if not plots and not Path(e.out).is_dir():
            note += (
                f" Its folder has been cleaned away (the lab keeps its newest {KEEP_FOLDERS});"
                f" eastfront experiments report {e.id} draws its plots again."
            )
        note = note.strip()
        replay = None  # its first game, while the scenario file is the one it was played on
        if e.kind == "explore" and _same_file(Path(e.scenario_path), e.scenario_hash):
            replay = (Path(e.scenario_path), dict(e.knobs), int(e.seed))
        self.shown = Shown(
            f"#{e.id}: {e.scenario_id}, {knob_text(e.knobs)} ({e.runs} games per arm)",
            sentences,
            plots,
            note,
            replay,
        )
        self.plot_index = 0
        self._refresh()

    def update(self, dt: float) -> None:
        super().update(dt)
        run = self.run
        if run is None or run.finished:
            return
        before = run.done
        run.poll()
        if run.finished:
            self._finished(run)
        elif run.done != before:
            self._refresh()

    def _finished(self, run: LabRun) -> None:
        if run.result is not None:
            from game.sim.experiments import knob_text

            result = run.result
            self.shown = Shown(
                f"{self.entries[self.selected].title}: {knob_text(run.knobs)}"
                f" ({run.runs} games per arm)",
                list(result["sentences"]),
                [Path(p) for p in result["plots"]],
                str(result.get("problem", "")),
                (run.scenario_path, dict(run.knobs), run.seed),
            )
            self.plot_index = 0
            self.message = f"Done: {run.total} games played"
            self._read_store()
            self._show_past()
        else:
            self.message = f"The games failed: {run.error}"
        self._refresh()

    def _show_past(self) -> None:
        if hasattr(self, "past_list"):
            self.past_list.set_item_list([(experiment_line(e), str(e.id)) for e in self.past])

    @property
    def running(self) -> bool:
        return self.run is not None and not self.run.finished

    def close(self) -> None:
        if self.run is not None and not self.run.finished:
            self.run.stop()
        super().close()

    # --- drawing -----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(BACKGROUND)
        w = surface.get_width()
        pygame.draw.line(surface, (120, 40, 30), (30, 78), (w - 30, 78), 2)
        super().draw(surface)
        run = self.run
        bar = getattr(self, "progress_rect", None)
        if bar is None:
            return
        pygame.draw.rect(surface, PANEL, bar)
        if run is not None and run.total:
            filled = bar.copy()
            filled.w = int(bar.w * min(1.0, run.done / run.total))
            pygame.draw.rect(surface, BAR, filled)
            img = font(13).render(f"{run.done} / {run.total} games", True, TEXT)
            surface.blit(img, img.get_rect(center=bar.center))
        else:
            img = font(13).render("no games running", True, MUTED)
            surface.blit(img, img.get_rect(center=bar.center))
        pygame.draw.rect(surface, PANEL_LINE, bar, 1)
