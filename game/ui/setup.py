"""Game set-up: who plays each side, the seed, the computer's pace and the scenario's knobs."""

from __future__ import annotations

import secrets
from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import (
    UIButton,
    UICheckBox,
    UIDropDownMenu,
    UIImage,
    UILabel,
    UITextBox,
    UITextEntryLine,
)

from game.scenario.errors import FileProblemError
from game.scenario.model import KnobValue
from game.session import Game
from game.state import new_state
from game.ui import briefings, catalogue
from game.ui.catalogue import Entry
from game.ui.match import AI_SPEEDS, Match
from game.ui.screen import Screen
from game.ui.widgets import fitted, knob_slider

HUMAN, COMPUTER = "Human", "Computer"
MODE_TITLES = {
    "solo": "Against the computer",
    "hotseat": "Hot-seat",
    "watch": "Computer against computer",
}


def start_match(
    app: Any,
    scenario_name: str,
    mode: str,
    side: int | None = None,
    seed: int | None = None,
    knobs: dict[str, KnobValue] | None = None,
    humans: frozenset[int] | None = None,
) -> None:
    """Create the game and open its map above whatever is on the stack. `side` is a side number
    of the scenario (the solo player's; default: the side that moves first)."""
    scenario = catalogue.scenario(scenario_name)
    if knobs:
        scenario = scenario.with_knobs(knobs)
    if seed is None:
        seed = secrets.randbelow(1_000_000)
    game = Game(scenario, seed)
    if humans is not None:
        kind = "hotseat" if len(humans) > 1 else ("watch" if not humans else "solo")
        match = Match(game, humans, kind, seed)
    else:
        if side is not None and side not in scenario.sides:
            raise ValueError(f"{scenario.id} has no side number {side}")
        match = Match.create(game, mode, side)
    app.open("map", match=match)


class SetupScreen(Screen):
    title = "game setup"

    def __init__(self, app: Any, entry: Entry, mode: str) -> None:
        super().__init__(app)
        self.entry = entry
        self.mode = mode if mode in MODE_TITLES else "solo"
        self.scenario = catalogue.scenario(entry.path)
        self.seed = secrets.randbelow(1_000_000)
        self.error = ""
        sides = self.scenario.sides
        if self.mode == "hotseat":
            self.humans = set(sides)
        elif self.mode == "watch":
            self.humans = set()
        else:
            self.humans = {sides[0]}
        self.knob_values: dict[str, KnobValue] = self.scenario.default_knobs()

    def build(self) -> None:
        w, h = self.app.size
        ui = self.ui
        width = min(1300, w - 80)
        x = (w - width) // 2
        UILabel(pygame.Rect(x, 30, width, 44), self.entry.title, ui, object_id="#heading")
        UILabel(pygame.Rect(x, 74, width, 24), f"{MODE_TITLES[self.mode]} - {self.entry.dates}", ui)
        y = 120
        self.side_menus: dict[Any, int] = {}
        table = self.scenario.side_table
        teams_of_several = any(len(table.members(t)) > 1 for t in range(len(table.team_ids)))
        for side in self.scenario.sides:
            spec = self.scenario.spec.sides[table.ids[side]]
            label = f"{table.label(side)}: {spec.name}" + (
                f" ({spec.commander})" if spec.commander else ""
            )
            if teams_of_several:
                label += f" - {table.team_names[int(table.team[side])]}"
            swatch = pygame.Surface((16, 26))
            swatch.fill(table.colors[side])
            UIImage(pygame.Rect(x, y + 4, 16, 26), swatch, ui)
            UILabel(pygame.Rect(x + 24, y, width - 244, 34), label, ui, object_id="#hud")
            menu = UIDropDownMenu(
                [HUMAN, COMPUTER],
                HUMAN if side in self.humans else COMPUTER,
                pygame.Rect(x + width - 200, y, 200, 34),
                ui,
            )
            self.side_menus[menu] = side
            y += 44
        y += 8
        # how to win, beside the seed and the pace: the briefing's victory conditions
        self.victory_box = UITextBox(
            briefings.brief_html(self.scenario, new_state(self.scenario, 0)),
            pygame.Rect(x + 540, y, width - 540, 84),
            ui,
            object_id="#small",
        )
        UILabel(pygame.Rect(x, y, 200, 32), "Seed", ui)
        self.seed_entry = UITextEntryLine(pygame.Rect(x + 210, y, 160, 32), ui)
        self.seed_entry.set_allowed_characters("numbers")
        self.seed_entry.set_text(str(self.seed))
        self.reseed = UIButton(pygame.Rect(x + 380, y, 120, 32), "New seed", ui)
        y += 42
        UILabel(pygame.Rect(x, y, 200, 32), "Computer's pace", ui)
        self.speed_menu = UIDropDownMenu(
            list(AI_SPEEDS), self.app.settings.ai_speed, pygame.Rect(x + 210, y, 160, 32), ui
        )
        y += 52
        UILabel(pygame.Rect(x, y, width, 28), "What if...  (scenario knobs)", ui, object_id="#hud")
        y += 34
        self.knob_widgets: dict[str, Any] = {}
        self.knob_labels: dict[str, Any] = {}
        knobs = len(self.scenario.spec.knobs)
        # rows close up in a small window, so that Back and Start stay on the screen
        step = max(28, min(34, (h - 100 - y) // max(1, knobs)))
        for name, knob in self.scenario.spec.knobs.items():
            value = self.knob_values[name]
            if knob.type == "bool":
                box = UICheckBox(pygame.Rect(x, y + 4, 20, 20), "", ui, initial_state=bool(value))
                self.knob_widgets[name] = box
                UILabel(
                    pygame.Rect(x + 30, y, width - 30, 28),
                    fitted(knob.description, width - 30),
                    ui,
                    object_id="#small",
                )
            else:
                slider = knob_slider(ui, pygame.Rect(x, y, 260, 28), knob, value)
                self.knob_widgets[name] = slider
                self.knob_labels[name] = UILabel(
                    pygame.Rect(x + 270, y, 60, 28), self._knob_text(name), ui
                )
                UILabel(
                    pygame.Rect(x + 336, y, width - 336, 28),
                    fitted(knob.description, width - 336),
                    ui,
                    object_id="#small",
                )
            y += step
        y = max(y + 16, h - 70)
        self.message = UILabel(pygame.Rect(x, y - 34, width, 28), self.error, ui)
        self.back = UIButton(pygame.Rect(x, y, 160, 44), "Back", ui, object_id="#big")
        self.start = UIButton(
            pygame.Rect(x + width - 240, y, 240, 44), "Start", ui, object_id="#primary"
        )

    def _knob_text(self, name: str) -> str:
        value = self.knob_values[name]
        return f"{value:g}" if isinstance(value, float) else str(value)

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element in self.side_menus:
                side = self.side_menus[event.ui_element]
                if event.text == HUMAN:
                    self.humans.add(side)
                else:
                    self.humans.discard(side)
            elif event.ui_element is self.speed_menu:
                self.app.settings.ai_speed = event.text
        elif event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            for name, widget in self.knob_widgets.items():
                if widget is event.ui_element:
                    knob = self.scenario.spec.knobs[name]
                    value = widget.get_current_value()
                    self.knob_values[name] = round(value) if knob.type == "int" else float(value)
                    self.knob_labels[name].set_text(self._knob_text(name))
        elif event.type in (pygame_gui.UI_CHECK_BOX_CHECKED, pygame_gui.UI_CHECK_BOX_UNCHECKED):
            for name, widget in self.knob_widgets.items():
                if widget is event.ui_element:
                    self.knob_values[name] = event.type == pygame_gui.UI_CHECK_BOX_CHECKED
        elif event.type == pygame_gui.UI_BUTTON_PRESSED:
            self.app.sounds.play("click")
            if event.ui_element is self.back:
                self.app.stack.pop()
            elif event.ui_element is self.reseed:
                self.seed_entry.set_text(str(secrets.randbelow(1_000_000)))
            elif event.ui_element is self.start:
                self.begin()
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.stack.pop()

    def begin(self) -> None:
        text = self.seed_entry.get_text().strip()
        seed = int(text) if text.isdigit() else self.seed
        changed = {
            k: v for k, v in self.knob_values.items() if v != self.scenario.default_knobs()[k]
        }
        try:
            self.app.stack.pop()  # the set-up screen gives way to the map
            start_match(
                self.app,
                str(self.entry.path),
                self.mode,
                seed=seed,
                knobs=changed,
                humans=frozenset(self.humans),
            )
        except FileProblemError as exc:
            self.error = str(exc.problems[0])
            self.app.open("setup", entry=self.entry, mode=self.mode)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill((30, 31, 25))
        super().draw(surface)
