"""Dialogs over the current screen: save, load, the in-game menu and the help overlay.

Saves are the engine's save files (`game.saves`); beside each one a small `.players.json` notes
who played which side (by the scenario file's side ids), so that loading resumes the same kind of
game.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pygame
import pygame_gui
from pygame_gui.elements import (
    UIButton,
    UILabel,
    UIPanel,
    UISelectionList,
    UITextBox,
    UITextEntryLine,
)

from game import engine
from game.enums import UnitKind, UnitSize
from game.saves import load_game, save_game, write_atomic
from game.scenario.errors import FileProblemError
from game.scenario.model import Scenario
from game.scenario.tables import DEFAULT_COLORS
from game.ui import briefings, furniture, render
from game.ui.counters import KIND_NAMES, CounterLook, render_counter
from game.ui.match import Match
from game.ui.shortcuts import SHORTCUTS
from game.ui.widgets import Dialog, esc, set_enabled

if TYPE_CHECKING:
    from game.ui.mapscreen import MapScreen

PLAYERS_SUFFIX = ".players.json"
QUIT_QUESTION = "Quit Eastfront? Moves since the game was last saved are lost."


def save_dir(app: Any) -> Path:
    """Where saves go: the settings' folder, $EASTFRONT_SAVE_DIR, or the user's data folder."""
    configured = getattr(app.settings, "save_dir", "") or os.environ.get("EASTFRONT_SAVE_DIR", "")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "eastfront" / "saves"


def list_saves(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    saves = [p for p in folder.glob("*.json") if not p.name.endswith(PLAYERS_SUFFIX)]
    return sorted(saves, key=lambda p: p.stat().st_mtime, reverse=True)


def save_match(match: Match, path: Path) -> None:
    save_game(match.game, path)
    scenario = match.game.scenario
    players = {"mode": match.mode, "humans": [scenario.side_id(s) for s in sorted(match.humans)]}
    write_atomic(path.with_name(path.stem + PLAYERS_SUFFIX), json.dumps(players) + "\n")


def load_match(path: Path) -> Match:
    """A saved game with its players; without a players note, the side to move plays the AI."""
    game = load_game(path)
    note = path.with_name(path.stem + PLAYERS_SUFFIX)
    mode, humans = "solo", None
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
        mode = data["mode"] if data.get("mode") in ("solo", "hotseat", "watch") else "solo"
        table = game.scenario.side_table
        humans = frozenset(table.index(str(s)) for s in data.get("humans", []))
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        humans = None
    if humans is None or not humans <= set(game.scenario.sides):
        humans = frozenset({engine.moving_side(game.scenario, game.state)})
        mode = "solo"
    return Match(game, humans, mode, game.seed)


def default_name(match: Match) -> str:
    state = match.game.state
    date = match.game.scenario.date_of_turn(state.turn)
    return f"{match.game.scenario.id}-turn{state.turn:02d}-{date:%d%b}"


class SaveDialog(Dialog):
    title = "save"

    def __init__(self, app: Any, match: Match) -> None:
        super().__init__(app)
        self.match = match
        self.folder = save_dir(app)
        self.message = ""

    def build(self) -> None:
        w, h = self.app.size
        ui = self.ui
        box = pygame.Rect(w // 2 - 320, h // 2 - 230, 640, 460)
        panel = UIPanel(box, manager=ui)
        UILabel(
            pygame.Rect(16, 10, 600, 34), "Save the game", ui, container=panel, object_id="#heading"
        )
        UILabel(
            pygame.Rect(16, 48, 600, 22),
            f"in {self.folder}",
            ui,
            container=panel,
            object_id="#small",
        )
        self.name = UITextEntryLine(pygame.Rect(16, 78, 604, 36), ui, container=panel)
        self.name.set_text(default_name(self.match))
        self.existing = UISelectionList(
            pygame.Rect(16, 122, 604, 230),
            [p.stem for p in list_saves(self.folder)],
            ui,
            container=panel,
        )
        self.status = UILabel(pygame.Rect(16, 358, 604, 26), self.message, ui, container=panel)
        self.cancel = UIButton(pygame.Rect(16, 396, 140, 42), "Cancel", ui, container=panel)
        self.ok = UIButton(
            pygame.Rect(480, 396, 140, 42), "Save", ui, container=panel, object_id="#primary"
        )
        self.name.focus()  # type: ignore[no-untyped-call]

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.cancel:
                self.app.stack.pop()
            elif event.ui_element is self.ok:
                self.save()
        elif (
            event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION
            and event.ui_element is self.existing
        ):
            chosen = self.existing.get_single_selection()
            if isinstance(chosen, str):
                self.name.set_text(chosen)
        elif event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.name:
            self.save()
        else:
            super().handle(event)

    def save(self) -> None:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.name.get_text().strip()) or default_name(
            self.match
        )
        path = self.folder / f"{name}.json"
        try:
            save_match(self.match, path)
        except OSError as exc:
            self.status.set_text(f"Cannot save: {exc.strerror}")
            self.app.sounds.play("refused")
            return
        self.app.sounds.play("click")
        self.app.stack.pop()
        top = self.app.stack.top
        table = getattr(top, "table", None)
        if table is not None:
            table.say(f"Saved as {path.name}")


class LoadDialog(Dialog):
    """Pick a save; from the map it replaces the game on screen, from the menu it opens one."""

    title = "load"

    def __init__(self, app: Any, map_screen: MapScreen | None) -> None:
        super().__init__(app)
        self.map_screen = map_screen
        self.folder = save_dir(app)
        self.saves = list_saves(self.folder)
        self.choice: Path | None = self.saves[0] if self.saves else None
        self.loading: Path | None = None

    def build(self) -> None:
        w, h = self.app.size
        ui = self.ui
        box = pygame.Rect(w // 2 - 360, h // 2 - 250, 720, 500)
        panel = UIPanel(box, manager=ui)
        UILabel(
            pygame.Rect(16, 10, 680, 34),
            "Load a saved game",
            ui,
            container=panel,
            object_id="#heading",
        )
        UILabel(
            pygame.Rect(16, 48, 680, 22),
            f"from {self.folder}",
            ui,
            container=panel,
            object_id="#small",
        )
        items: list[str | tuple[str, str]] = [
            (f"{p.stem}   ({dt.datetime.fromtimestamp(p.stat().st_mtime):%d %b %H:%M})", p.name)
            for p in self.saves
        ]
        self.list = UISelectionList(
            pygame.Rect(16, 78, 686, 300),
            items,
            ui,
            container=panel,
            default_selection=items[0] if items else None,
        )
        text = "" if self.saves else "No saved games yet."
        self.status = UITextBox(text, pygame.Rect(16, 384, 686, 50), ui, container=panel)
        self.cancel = UIButton(pygame.Rect(16, 442, 140, 42), "Cancel", ui, container=panel)
        self.ok = UIButton(
            pygame.Rect(562, 442, 140, 42), "Load", ui, container=panel, object_id="#primary"
        )
        set_enabled(self.ok, bool(self.saves))

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.cancel:
                self.app.stack.pop()
            elif event.ui_element is self.ok and self.choice is not None:
                self.loading = self.choice
                self.status.set_text(f"Replaying {esc(self.choice.name)}...")
        elif (
            event.type
            in (
                pygame_gui.UI_SELECTION_LIST_NEW_SELECTION,
                pygame_gui.UI_SELECTION_LIST_DOUBLE_CLICKED_SELECTION,
            )
            and event.ui_element is self.list
        ):
            chosen = self.list.get_single_selection(include_object_id=True)
            if isinstance(chosen, tuple):
                self.choice = self.folder / chosen[1]
                if event.type == pygame_gui.UI_SELECTION_LIST_DOUBLE_CLICKED_SELECTION:
                    self.loading = self.choice
        else:
            super().handle(event)

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.loading is None:
            return
        path, self.loading = self.loading, None
        try:
            match = load_match(path)
        except FileProblemError as exc:
            self.status.set_text(f"<font color='#ff8060'>{esc(str(exc.problems[0]))}</font>")
            self.app.sounds.play("refused")
            return
        self.app.stack.pop()
        if self.map_screen is not None and self.app.stack.top is self.map_screen:
            self.map_screen.replace_match(match)
            self.map_screen.table.say(f"Loaded {path.name}")
        else:
            self.app.open("map", match=match)


class GameMenu(Dialog):
    title = "game menu"

    def __init__(self, app: Any, map_screen: MapScreen) -> None:
        super().__init__(app)
        self.map_screen = map_screen

    def build(self) -> None:
        w, h = self.app.size
        ui = self.ui
        box = pygame.Rect(w // 2 - 170, h // 2 - 210, 340, 420)
        panel = UIPanel(box, manager=ui)
        UILabel(pygame.Rect(10, 10, 316, 34), "Paused", ui, container=panel, object_id="#heading")
        self.buttons: dict[Any, str] = {}
        y = 56
        for key, text in (
            ("resume", "Resume"),
            ("save", "Save game"),
            ("load", "Load game"),
            ("help", "Help"),
            ("menu", "Main menu"),
            ("quit", "Quit"),
        ):
            button = UIButton(
                pygame.Rect(20, y, 296, 44), text, ui, container=panel, object_id="#big"
            )
            self.buttons[button] = key
            y += 56

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element in self.buttons:
            self.app.sounds.play("click")
            key = self.buttons[event.ui_element]
            stack = self.app.stack
            if key == "resume":
                stack.pop()
            elif key in ("save", "load", "help"):
                stack.pop()
                self.map_screen.command(key)
            elif key == "menu":
                self.app.restart("main_menu")
            elif key == "quit":
                self.app.open("confirm", question=QUIT_QUESTION, on_yes=self.app.quit, yes="Quit")
        else:
            super().handle(event)


class HelpOverlay(Dialog):
    """Keys, the map's symbols and a word on the rules, over whatever screen asked for it; the
    sample counters are in the colours of `scenario`'s sides (of the default palette without one).
    """

    title = "help"
    close_keys = (pygame.K_F1, pygame.K_h)

    def __init__(self, app: Any, scenario: Scenario | None = None, side: int | None = None) -> None:
        super().__init__(app)
        self.scenario = scenario
        self.side = side

    def build(self) -> None:
        w, h = self.app.size
        ui = self.ui
        box = pygame.Rect(40, 40, w - 80, h - 80)
        self.box = box
        panel = UIPanel(box, manager=ui)
        UILabel(
            pygame.Rect(16, 8, 600, 36), "How to play", ui, container=panel, object_id="#heading"
        )
        keys = "".join(f"<b>{esc(k)}</b>: {esc(v)}<br>" for k, v in SHORTCUTS)
        rules = (
            "<b>A turn</b>: each side in turn gets reinforcements and traces supply (automatic), "
            "then moves, then declares attacks, then moves its mechanised units again "
            "(exploitation).<br><b>Moving</b>: entering an enemy zone of control (hexes next to "
            "enemy units) stops a unit. Roads and railways are fast; rivers cost extra unless "
            "frozen. Nobody enters the sea or a lake, but in frost and snow the ice of a lake "
            "that freezes carries foot and cavalry across (not armour; no move ends on the "
            "ice).<br><b>Attacking</b>: the panel shows the odds column after terrain, weather, "
            "armour and air shifts, and the exact chances of every result. All declared attacks "
            "are resolved together when the combat phase ends.<br><b>Supply</b>: units cut off "
            "from their railways and map edges weaken, then lose steps, and surrender when "
            "surrounded.<br><b>Counters</b>: size above the NATO symbol (XX division, XXX corps, "
            "X brigade), name, then attack-defence-movement at the current strength; the pips "
            "are steps. An orange corner: out of supply. Dimmed: no movement left. A '?': an "
            "enemy last seen there.<br><b>Victory</b>: the flags beside cities show who holds "
            "them; the status bar shows the victory points and what they would mean now; O opens "
            "the victory panel (objectives, result levels, sudden death, turns left). A warning "
            "shows on the map a turn before the enemy can win by sudden death."
        )
        if self.scenario is not None:
            plan = briefings.plan_html(self.scenario, self.side)
            if plan:
                heading = "What the historical commander had to do"
                rules = f"<font size=4><b>{heading}</b></font><br>{plan}<br><br>{rules}"
        keys_w = min(560, (box.width - 360) // 2)
        UITextBox(keys, pygame.Rect(16, 50, keys_w, box.height - 120), ui, container=panel)
        self.legend_at = (box.left + keys_w + 32, box.top + 50)
        rules_x = keys_w + 32 + 300
        UITextBox(
            rules,
            pygame.Rect(rules_x, 50, box.width - rules_x - 16, box.height - 120),
            ui,
            container=panel,
        )
        self.add_close_button(panel, box, bottom=58)
        grid = self.legend_grid = self.scenario.map if self.scenario is not None else None
        self.legend_ice = grid is not None and bool((grid.freezes & grid.water).any())
        self.legend_belts = (
            furniture.belt_legend(self.scenario) if self.scenario is not None else None
        )
        legend_h = furniture.legend_size(LEGEND_PX, grid, self.legend_ice, self.legend_belts)[1]
        room = box.bottom - 8 - (self.legend_at[1] + legend_h + 12)
        self.samples = sample_counters(self.scenario, room)

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        legend = furniture.draw_legend(
            surface, LEGEND_PX, self.legend_at, self.legend_grid, self.legend_ice, self.legend_belts
        )
        surface.blit(self.samples, (legend.left, legend.bottom + 12))


LEGEND_PX = 26  # the help screen's legend is drawn as for hexes this far apart
SAMPLE_WIDTH = 290
SAMPLE_TEXT_WIDTH = 130  # the kind's name beside each row


def sample_counters(scenario: Scenario | None, height: int | None = None) -> pygame.Surface:
    """Each kind of counter, one column per side in the side's colour, with what its symbol
    means: a unit of that side and kind from the scenario (none where the side fields no such
    unit), or made-up ones in the default colours without a scenario. Counters shrink to fit
    `height` pixels when given (down to 14 pixels a side)."""
    if scenario is not None:
        table = scenario.side_table
        colors = list(table.colors)
        names = list(table.short)
    else:
        colors = list(DEFAULT_COLORS[:2])
        names = ["", ""]  # made-up counters carry no unit's name
    n = max(1, len(colors))
    gap = 6 if n <= 4 else 3
    rows = list(UnitKind)
    fit = (height - 4) // len(rows) - 8 if height is not None else 58
    px = max(14, min(58, fit, (SAMPLE_WIDTH - SAMPLE_TEXT_WIDTH) // n - gap))
    surface = pygame.Surface((SAMPLE_WIDTH, len(rows) * (px + 8) + 4), pygame.SRCALPHA)
    label = render.font(13)
    for i, kind in enumerate(rows):
        y = 2 + i * (px + 8)
        for side, color in enumerate(colors):
            look = _sample_look(scenario, side, color, kind, names[side])
            if look is None:
                continue
            surface.blit(render_counter(look, px), (2 + side * (px + gap), y))
        text = label.render(KIND_NAMES[kind], True, (236, 229, 206))
        surface.blit(text, (n * (px + gap) + 6, y + px // 2 - text.get_height() // 2))
    return surface


def _sample_look(
    scenario: Scenario | None, side: int, color: tuple[int, int, int], kind: UnitKind, name: str
) -> CounterLook | None:
    if scenario is None:
        return CounterLook(side, color, int(kind), int(UnitSize.DIVISION), name, 8, 8, 8, 3, 4)
    units = scenario.units
    mine = np.flatnonzero((units.side == side) & (units.kind == kind))
    if len(mine) == 0:
        return None
    u = int(mine[0])
    steps = int(units.max_steps[u])
    return CounterLook(
        side,
        color,
        int(kind),
        int(units.size[u]),
        units.labels[u],
        int(units.attack[u]),
        int(units.defence[u]),
        int(units.movement[u]),
        steps,
        steps,
    )
