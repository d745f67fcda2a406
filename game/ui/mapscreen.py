"""The map screen: the map with its camera, the status bar, the unit and odds panel, the log.

Input is turned into calls on `play.Table` (which alone applies actions); the camera is the only
thing this screen changes by itself. Keyboard shortcuts are listed in `game.ui.shortcuts` (the
help overlay prints the same table). Other screens (dialogs, report, hand-over) are opened by name.
Parts of the screen live beside it, and it inherits them: the side panel (`mappanel`), what
is written over the map (`mapnotes`) and the replay of the enemy's turn (`mapreplay`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pygame
import pygame_gui
from pygame_gui.elements import (
    UIButton,
    UIDropDownMenu,
    UIImage,
    UILabel,
    UIPanel,
    UISelectionList,
    UITextBox,
)

from game.rules import breakout, victory
from game.rules.weather import weather_of_hex, weather_of_turn
from game.ui import briefings, panels
from game.ui.assets import font
from game.ui.logview import LogView
from game.ui.mapnotes import MapNotes
from game.ui.mappanel import SidePanel
from game.ui.mapreplay import EnemyTurnReplay
from game.ui.mapview import PAN_SPEED, MapView
from game.ui.match import AI_SPEEDS, Match, standing
from game.ui.play import Table
from game.ui.screen import Screen
from game.ui.whatnow import WhatNow
from game.ui.widgets import WEATHER_NAMES, esc, set_enabled

TOP_H = 46  # the status bar; two rows (labels over buttons) when one is too narrow
BAR_GAP = 14
PACE_W = 104  # the computer's pace menu on the bar
PANEL_W = 400
DRAG_START = 6  # pixels a press must travel before it pans instead of clicking
SMALL_MAP_VIEW = 1000  # a map view narrower than this starts without the minimap
# the bar's buttons: key, text, width, tooltip; `wide_only` ones are left out of a narrow bar
BAR_BUTTONS: tuple[tuple[str, str, int, str], ...] = (
    ("undo", "Undo", 64, "Take back the last move or attack declaration (U, Ctrl+Z)"),
    ("end", "End phase", 100, "End this phase (E)"),
    ("skip", "Skip", 56, "Skip the computer's moves to the end of its turn (Space)"),
    ("save", "Save", 56, "Save the game (Ctrl+S)"),
    ("load", "Load", 56, "Load a saved game (Ctrl+L)"),
    ("help", "Help", 56, "Keys, symbols, rules and the historical plan (F1)"),
    ("menu", "Menu", 60, "Save, load, help, main menu, quit (Esc)"),
)
BREAKOUT_BUTTON = ("breakout", "Break out", 92, "Order your pocket's breakout, at its cost (B)")
WIDE_ONLY = frozenset({"save", "load"})  # also in the game menu and on Ctrl+S / Ctrl+L
OVERLAY_BUTTONS: tuple[tuple[str, str, str], ...] = (
    ("supply", "1 Supply", "Supply overlay (1): your ground beyond supply is hatched"),
    ("pockets", "2 Pockets", "Pockets overlay (2): ground cut off from supply, every side's"),
    ("zoc", "3 ZOC", "Enemy zones of control (3): entering one ends a move"),
    ("fog", "4 Fog", "Fog veil (4): darkens the ground your units cannot see now"),
    ("minimap", "M Map", "The whole map small, bottom left (M); click it to jump there"),
)
VIEW_BUTTONS: tuple[tuple[str, str, str], ...] = (
    ("victory", "O Victory", "Objectives, result levels, sudden death and turns left (O)"),
    ("forces", "F Forces", "Your order of battle: click a unit to find it on the map (F)"),
    ("enemy_turn", "T Enemy turn", "What we saw the enemy do last turn, with a replay (T)"),
)


class MapScreen(EnemyTurnReplay, MapNotes, SidePanel, Screen):
    title = "map"

    def __init__(self, app: Any, match: Match) -> None:
        super().__init__(app)
        self.table = Table(match, app.settings.ai_speed, app.settings.threaded_ai)
        self.view = MapView(match.game.scenario)
        self.keys: set[int] = set()
        self.press: tuple[int, tuple[int, int]] | None = None  # button, where it went down
        self.dragging = False
        self.mini_drag = False
        self.mouse = (0, 0)
        self.fitted = False
        self.report_pending = 0.0
        self.report_shown = False
        self._log_state: tuple[int, object] = (-1, None)
        self.log = LogView()
        self._panel_key: tuple[object, ...] | None = None
        self._hud_key: tuple[object, ...] | None = None
        self.log_seen: dict[object, int] = {}  # hot-seat: log length when each side last looked
        self.hover_time = 0.0  # how long the mouse has rested on `hover_hex`
        self.tooltip_rows: list[tuple[str, tuple[int, int, int]]] = []
        self._tooltip_key: tuple[object, ...] | None = None
        self.warned: dict[tuple[int, int, int, bool], str] = {}  # warnings put in the log
        self.what_now: WhatNow | None = None  # continuations playing in a worker process
        self.replay: list[briefings.ReplayStep] = []
        self.replay_at = 0
        self.drag_unit = False  # a left press on the selected unit: a drag moves it
        self._was_my_turn = False
        if self.map_rect().width < SMALL_MAP_VIEW:
            self.table.overlays.minimap = False  # in a small window it would cover the map

    @property
    def match(self) -> Match:
        return self.table.match

    # --- layout ---------------------------------------------------------------------------

    def label_widths(self, compact: bool = False) -> tuple[int, int, int]:
        """Widths of the bar's clock, phase and standing labels, wide enough for their longest
        texts in this scenario (its side and team names); `compact`: the short date."""
        scenario = self.match.game.scenario
        table = scenario.side_table
        turns = scenario.turns
        regions = scenario.weather_zones.names if scenario.weather_zones is not None else ()
        here = max((f" ({name})" for name in regions), key=len, default="")
        clock = (
            f"Turn {turns}/{turns}  30 Sep 1943  Frozen{here}"
            if compact
            else f"Turn {turns} of {turns}  30 September 1943  Frozen{here}"
        )
        phases = [f"{table.label(s)} (computer): exploitation" for s in scenario.sides]
        standings = [f"VP 100 ({table.team_label(t)} marginal)" for t in range(len(table.team_ids))]
        # pygame_gui sizes are point sizes; `font` takes pixel heights (x 0.75)
        hud, plain = font(20, bold=True), font(19)
        return (
            hud.size(clock)[0] + BAR_GAP,
            max(hud.size(p)[0] for p in phases) + BAR_GAP,
            max(plain.size(v)[0] for v in standings) + BAR_GAP,
        )

    def bar_buttons(self) -> tuple[tuple[str, str, int, str], ...]:
        """The bar's buttons: "Break out" only in a scenario where a side may order one."""
        scenario = self.match.game.scenario
        if any(breakout.breakout_spec(scenario, side) for side in scenario.sides):
            return (BREAKOUT_BUTTON, *BAR_BUTTONS)
        return BAR_BUTTONS

    def bar_layout(self) -> tuple[bool, bool, bool]:
        """(compact labels, every button, one row): the fullest bar that fits the window."""
        w = self.app.size[0]
        for compact, wide in ((False, True), (True, True), (True, False)):
            buttons = sum(b[2] + 4 for b in self.bar_buttons() if wide or b[0] not in WIDE_ONLY)
            if 8 + sum(self.label_widths(compact)) + buttons + PACE_W + 12 <= w:
                return compact, wide, True
        return True, False, False

    def top_height(self) -> int:
        return TOP_H if self.bar_layout()[2] else 2 * TOP_H - 8

    def map_rect(self) -> pygame.Rect:
        w, h = self.app.size
        top = self.top_height()
        return pygame.Rect(0, top, w - PANEL_W, h - top)

    def minimap_width(self) -> int:
        return max(120, min(220, self.map_rect().width // 6))

    def build(self) -> None:
        w, h = self.app.size
        ui = self.ui
        compact, wide, one_row = self.bar_layout()
        self.compact_clock = compact
        top_h = self.top_height()
        row = 6 if one_row else TOP_H - 4  # the buttons' row
        top = UIPanel(pygame.Rect(0, 0, w, top_h), manager=ui)
        clock_w, phase_w, vp_w = self.label_widths(compact)
        self.clock_label = UILabel(
            pygame.Rect(8, 6, clock_w, 32), "", ui, container=top, object_id="#hud"
        )
        self.phase_label = UILabel(
            pygame.Rect(8 + clock_w, 6, phase_w, 32), "", ui, container=top, object_id="#hud"
        )
        x = w - 8
        self.buttons: dict[Any, str] = {}
        for key, text, width, tip in reversed(self.bar_buttons()):
            if not wide and key in WIDE_ONLY:
                continue
            x -= width + 4
            button = UIButton(
                pygame.Rect(x, row, width, 32), text, ui, container=top, tool_tip_text=tip
            )
            self.buttons[button] = key
        x -= PACE_W + 4
        self.pace_rect = pygame.Rect(x, row, PACE_W, 32)
        vp_left = 8 + clock_w + phase_w
        vp_right = x - 8 if one_row else w - 8
        self.vp_label = UILabel(
            pygame.Rect(vp_left, 6, max(vp_w, vp_right - vp_left), 32), "", ui, container=top
        )
        panel_h = h - top_h
        side = UIPanel(pygame.Rect(w - PANEL_W, top_h, PANEL_W, panel_h), manager=ui)
        self.overlay_buttons: dict[Any, str] = {}
        bx = 6
        for key, text, tip in OVERLAY_BUTTONS:
            button = UIButton(
                pygame.Rect(bx, 6, 74, 28), text, ui, container=side, tool_tip_text=tip
            )
            self.overlay_buttons[button] = key
            bx += 77
        bx = 6
        for key, text, tip in VIEW_BUTTONS:
            width = 140 if key == "enemy_turn" else 118
            button = UIButton(
                pygame.Rect(bx, 38, width, 28), text, ui, container=side, tool_tip_text=tip
            )
            self.buttons[button] = key
            bx += width + 4
        inner = PANEL_W - 14
        unit_h = max(130, min(200, int(panel_h * 0.22)))
        box_h = max(70, min(110, int(panel_h * 0.12)))
        y = 72
        self.unit_box = UITextBox("", pygame.Rect(6, y, inner, unit_h), ui, container=side)
        y += unit_h + 4
        self.stack_list = UISelectionList(pygame.Rect(6, y, inner, 60), [], ui, container=side)
        y += 64
        self.preview_image = UIImage(
            pygame.Rect(6, y, inner, 144), pygame.Surface((inner, 144)), ui, container=side
        )
        y += 148
        self.preview_box = UITextBox("", pygame.Rect(6, y, inner, box_h), ui, container=side)
        y += box_h + 4
        half = inner // 2 - 2
        self.declare_button = UIButton(
            pygame.Rect(6, y, half, 32),
            "Declare attack (Enter)",
            ui,
            container=side,
            object_id="#primary",
            tool_tip_text="Commit the planned attack; all are resolved when the combat phase ends",
        )
        self.cancel_button = UIButton(
            pygame.Rect(inner // 2 + 8, y, half, 32),
            "Cancel attack (Del)",
            ui,
            container=side,
            tool_tip_text="Take back the attack declared on the selected hex",
        )
        log_top = y + 38
        self.log.set_rect(
            pygame.Rect(w - PANEL_W + 6, top_h + log_top, inner, max(60, h - top_h - log_top - 8))
        )
        self._build_replay_bar()
        self._make_speed_menu()  # last: its open list must lie above the panels
        self._log_state = (-1, None)
        self._panel_key = None
        self._hud_key = None
        if not self.fitted:
            self.view.fit(self.map_rect())
            self.fitted = True

    def _make_speed_menu(self) -> None:
        """The pace menu, on the window rather than in the bar's panel: inside the panel its
        list could open no taller than the bar (a 4-pixel strip). Rebuilt to show a new pace."""
        old = getattr(self, "speed_menu", None)
        if old is not None:
            old.kill()
        self.speed_menu = UIDropDownMenu(
            list(AI_SPEEDS),
            self.table.speed,
            self.pace_rect,
            self.ui,
            expansion_height_limit=40 * len(AI_SPEEDS),
        )
        self.speed_menu.set_tooltip("The computer's pace ([ slower, ] faster)")

    # --- input ----------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> None:
        t = self.table
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            self.app.sounds.play("click")
            key = self.buttons.get(event.ui_element) or self.overlay_buttons.get(event.ui_element)
            step = self.replay_buttons.get(event.ui_element)
            if key:
                self.command(key)
            elif step:
                self.replay_command(step)
            elif event.ui_element is self.declare_button:
                t.declare()
            elif event.ui_element is self.cancel_button:
                t.cancel_attack()
            return
        if (
            event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED
            and event.ui_element is self.speed_menu
        ):
            t.speed = self.app.settings.ai_speed = event.text
            return
        if (
            event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION
            and event.ui_element is self.stack_list
        ):
            chosen = self.stack_list.get_single_selection(include_object_id=True)
            if isinstance(chosen, tuple) and chosen[1].lstrip("#").isdigit():
                t.toggle_attacker(int(chosen[1].lstrip("#")))
                self._panel_key = None
            return
        if event.type == pygame.KEYUP:
            self.keys.discard(event.key)
            return
        if event.type == pygame.KEYDOWN:
            if self.replay and self.replay_key(event.key):
                return
            self.key(event)
            return
        over_ui = self.app.consumed
        rect = self.map_rect()
        if event.type == pygame.MOUSEMOTION:
            self.mouse = event.pos
            if self.mini_drag:
                self._minimap_jump(event.pos)
            elif self.press is not None:
                start = self.press[1]
                moved = abs(event.pos[0] - start[0]) + abs(event.pos[1] - start[1])
                if self.dragging or moved > DRAG_START or self.press[0] != 1:
                    self.dragging = True
                    if not self.drag_unit:  # dragging the selected unit moves it, not the map
                        cam = self.view.camera
                        cam.left -= event.rel[0] / cam.zoom
                        cam.top -= event.rel[1] / cam.zoom
            hover = self.view.hex_at(rect, *event.pos) if rect.collidepoint(event.pos) else -1
            if hover != t.hover_hex:
                self.hover_time = 0.0
            t.hover_hex = hover
        elif event.type == pygame.MOUSEBUTTONDOWN and rect.collidepoint(event.pos) and not over_ui:
            if event.button in (1, 2, 3):
                if self.table.overlays.minimap and self.view.minimap_rect(
                    rect, self.minimap_width()
                ).collidepoint(event.pos):
                    self.mini_drag = True
                    self._minimap_jump(event.pos)
                    return
                self.press = (event.button, event.pos)
                self.dragging = False
                pressed = self.view.hex_at(rect, *event.pos)
                self.drag_unit = (
                    event.button == 1
                    and t.selected >= 0
                    and t.reach is not None
                    and pressed == t.reach.start
                )
        elif event.type == pygame.MOUSEBUTTONUP and event.button in (1, 2, 3):
            press, self.press = self.press, None
            if self.mini_drag:
                self.mini_drag = False
                return
            dragged_unit, self.drag_unit = self.drag_unit, False
            if press is None or self.dragging:
                if dragged_unit and self.dragging and rect.collidepoint(event.pos):
                    t.drag_move(self.view.hex_at(rect, *event.pos))
                self.dragging = False
                return
            if event.button == 1 and rect.collidepoint(event.pos):
                t.click(self.view.hex_at(rect, *event.pos))
            elif event.button == 3:
                t.clear_selection()
        elif event.type == pygame.MOUSEWHEEL and self.log.rect.collidepoint(self.mouse):
            self.log.wheel(event.y)
        elif event.type == pygame.MOUSEWHEEL and rect.collidepoint(self.mouse) and not over_ui:
            self.view.camera.step_zoom(rect, 1 if event.y > 0 else -1, self.mouse)

    def key(self, event: pygame.event.Event) -> None:
        t = self.table
        k = event.key
        ctrl = bool(event.mod & pygame.KMOD_CTRL)
        shift = bool(event.mod & pygame.KMOD_SHIFT)
        rect = self.map_rect()
        if ctrl:
            if k == pygame.K_s:
                self.command("save")
            elif k in (pygame.K_l, pygame.K_o):
                self.command("load")
            elif k == pygame.K_z:
                self.command("undo")
            return
        if k in (
            pygame.K_LEFT,
            pygame.K_RIGHT,
            pygame.K_UP,
            pygame.K_DOWN,
            pygame.K_a,
            pygame.K_d,
            pygame.K_w,
            pygame.K_s,
        ):
            self.keys.add(k)
        elif k in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS, pygame.K_PAGEUP):
            self.view.camera.step_zoom(
                rect, 1, self.mouse if rect.collidepoint(self.mouse) else rect.center
            )
        elif k in (pygame.K_MINUS, pygame.K_KP_MINUS, pygame.K_PAGEDOWN):
            self.view.camera.step_zoom(
                rect, -1, self.mouse if rect.collidepoint(self.mouse) else rect.center
            )
        elif k == pygame.K_HOME:
            self.view.fit(rect)
        elif k in (pygame.K_TAB, pygame.K_n):
            h = t.next_item(-1 if shift else 1)
            if h >= 0:
                self.view.center_on_hex(rect, h)
        elif k == pygame.K_c and t.selected_hex >= 0:
            self.view.center_on_hex(rect, t.selected_hex)
        elif k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            t.declare()
        elif k == pygame.K_DELETE:
            t.cancel_attack()
        elif k == pygame.K_e:
            self.command("end")
        elif k == pygame.K_u:
            self.command("undo")
        elif k == pygame.K_b:
            self.command("breakout")
        elif k in (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4):
            self.command(("supply", "pockets", "zoc", "fog")[k - pygame.K_1])
        elif k == pygame.K_m:
            self.command("minimap")
        elif k == pygame.K_SPACE:
            self.command("skip")
        elif k == pygame.K_p:
            t.paused = not t.paused
            t.say("Computer paused" if t.paused else "Computer resumed")
        elif k in (pygame.K_LEFTBRACKET, pygame.K_RIGHTBRACKET):
            names = list(AI_SPEEDS)
            i = names.index(t.speed) if t.speed in names else 1
            i = max(0, min(len(names) - 1, i + (1 if k == pygame.K_RIGHTBRACKET else -1)))
            t.speed = self.app.settings.ai_speed = names[i]
            self._make_speed_menu()
            t.say(f"Computer pace: {t.speed}")
        elif k == pygame.K_k and self.match.mode == "watch" and not self.match.game.state.over:
            self.app.open("take_over", match=self.match, map_screen=self)
        elif k == pygame.K_v and self.match.mode == "watch":
            sides = [None, *self.match.game.scenario.sides]
            t.viewer = sides[(sides.index(t.viewer) + 1) % len(sides)]
            t.version += 1
            table = self.match.game.scenario.side_table
            t.say(f"Seeing as: {table.label(t.viewer) if t.viewer is not None else 'everyone'}")
        elif k in (pygame.K_F1, pygame.K_h, pygame.K_QUESTION, pygame.K_SLASH):
            self.command("help")
        elif k == pygame.K_ESCAPE:
            if t.selected >= 0 or t.target >= 0 or t.selected_hex >= 0:
                t.clear_selection()
            else:
                self.command("menu")
        elif k == pygame.K_r and self.match.game.state.over:
            self.command("report")
        elif k == pygame.K_o:
            self.command("victory")
        elif k == pygame.K_f:
            self.command("forces")
        elif k == pygame.K_t:
            self.command("enemy_turn")
        elif k == pygame.K_y:
            self.ask_what_now()

    def command(self, key: str) -> None:
        t = self.table
        if key in ("supply", "pockets", "zoc", "fog", "minimap"):
            setattr(t.overlays, key, not getattr(t.overlays, key))
            return
        if key == "undo":
            t.undo()
        elif key in ("victory", "forces", "enemy_turn"):
            self.app.open(key, map_screen=self)
        elif key == "end":
            t.end_phase()
        elif key == "breakout":
            question = t.breakout_question()
            if question is not None:
                self.app.open("confirm", question=question, on_yes=t.order_breakout, yes="Break out")
        elif key == "skip":
            if not self.match.human_to_move():
                t.skipping = True
                t.paused = False
        elif key == "save":
            self.app.open("save", match=self.match)
        elif key == "load":
            self.app.open("load", map_screen=self)
        elif key == "help":
            self.app.open("help", scenario=self.match.game.scenario, side=self.table.viewer)
        elif key == "menu":
            self.app.open("game_menu", map_screen=self)
        elif key == "report":
            self.report_shown = True
            self.app.open("report", match=self.match)

    def quit_question(self) -> str | None:
        """What to ask before the window closes on this game (None: nothing to lose)."""
        if self.match.game.state.over:
            return None
        return "Quit Eastfront? Moves since the game was last saved are lost."

    def jump_to_unit(self, unit: int) -> None:
        """Select a unit and centre the map on it (from the order of battle)."""
        t = self.table
        state = self.match.game.state
        t.select_unit(unit)
        if state.hex[unit] >= 0 and state.active[unit]:
            t.selected_hex = int(state.hex[unit])
            self.view.center_on_hex(self.map_rect(), int(state.hex[unit]))
        else:
            t.selected_hex = -1
        self._panel_key = None

    def _minimap_jump(self, pos: tuple[int, int]) -> None:
        rect = self.map_rect()
        wx, wy = self.view.minimap_to_world(rect, *pos, self.minimap_width())
        self.view.camera.center_on(rect, wx, wy)

    def replace_match(self, match: Match) -> None:
        """A loaded game takes over this screen."""
        self.table.ai.shutdown()
        if match.game.scenario is not self.table.match.game.scenario:
            camera = self.view.camera
            self.view = MapView(match.game.scenario)
            self.view.camera = camera
        self.table = Table(match, self.app.settings.ai_speed, self.app.settings.threaded_ai)
        self.report_shown = False
        self._log_state = (-1, None)
        self._panel_key = None
        self._hud_key = None

    # --- per frame ------------------------------------------------------------------------

    def pause(self) -> None:
        self.keys.clear()
        self.press = None
        self.dragging = False
        self.mini_drag = False

    def close(self) -> None:
        if self.what_now is not None:
            self.what_now.cancel()
        self.table.ai.shutdown()
        super().close()

    def ask_what_now(self) -> None:
        """Y: from here, how likely is each outcome? The What now? dialog (`whatnow_dialog`)
        plays continuations in a worker process; the answer opens when they are played."""
        t = self.table
        game = self.match.game
        running = self.what_now is not None and not self.what_now.finished
        if not running and game.state.over:
            t.say("The game is over: nothing to continue")
            return
        if not running and not (t.my_turn() or t.paused):
            t.say("What now? works on your turn (or with the computer paused: P)")
            return
        self.app.open("what_now", map_screen=self)

    def _what_now_answered(self) -> None:
        asked = self.what_now
        if asked is None or asked.shown:
            return
        asked.poll()
        if not asked.finished:
            return
        asked.shown = True
        if asked.sentences is None:
            self.table.say(f"What now? failed: {asked.error}")
            return
        self.app.open("what_now", map_screen=self)

    def update(self, dt: float) -> None:
        t = self.table
        t.tick(dt)
        self.hover_time += dt
        rect = self.map_rect()
        cam = self.view.camera
        dx = (pygame.K_RIGHT in self.keys or pygame.K_d in self.keys) - (
            pygame.K_LEFT in self.keys or pygame.K_a in self.keys
        )
        dy = (pygame.K_DOWN in self.keys or pygame.K_s in self.keys) - (
            pygame.K_UP in self.keys or pygame.K_w in self.keys
        )
        cam.left += dx * PAN_SPEED * dt / cam.zoom
        cam.top += dy * PAN_SPEED * dt / cam.zoom
        cam.update(rect, dt, self.view.world_size)
        game = self.match.game
        self._what_now_answered()
        if t.needs_handover():
            self.app.open("handover", map_screen=self)
            return
        t.step_ai(dt)
        for name in t.feedback.sounds[-3:]:
            self.app.sounds.play(name)
        t.feedback.sounds.clear()
        if game.state.over and not self.report_shown:
            self.report_pending += dt
            if self.report_pending > 1.2:
                self.command("report")
        mine = t.my_turn()
        if mine and not self._was_my_turn and self.match.mode == "solo" and t.viewer is not None:
            seen = briefings.enemy_turn_events(game, t.viewer)
            if seen:
                t.say(f"Your turn. T: what we saw of the enemy's turn ({len(seen)} reports)")
        self._was_my_turn = mine
        self._warn()
        self._refresh_tooltip()
        self._refresh_widgets()
        super().update(dt)

    def _refresh_widgets(self) -> None:
        t = self.table
        game = self.match.game
        state, scenario = game.state, game.scenario
        # on a map with weather regions: the weather of the region under the mouse
        zones, hover = scenario.weather_zones, t.hover_hex
        zone = int(zones.zone[hover]) if zones is not None and hover >= 0 else 0
        hud_key = (t.version, t.viewer, t.paused, t.skipping, t.ai.thinking, zone, state.over)
        if hud_key != self._hud_key:
            self._hud_key = hud_key
            if zones is not None and zone:
                local = WEATHER_NAMES.get(weather_of_hex(scenario, state.turn, hover), "?")
                weather = f"{local} ({zones.names[zone - 1]})"
            else:
                weather = WEATHER_NAMES.get(weather_of_turn(scenario, state.turn), "?")
            date = scenario.date_of_turn(state.turn)
            self.clock_label.set_text(
                f"Turn {state.turn}/{scenario.turns}  {date:%d %b %Y}  {weather}"
                if self.compact_clock
                else f"Turn {state.turn} of {scenario.turns}  {date:%d %B %Y}  {weather}"
            )
            moving = self.match.moving()
            who = "" if moving in self.match.humans else " (computer)"
            phase = panels.PHASE_NAMES.get(state.phase, "")
            self.phase_label.set_text(
                "Game over" if state.over else f"{scenario.side_table.label(moving)}{who}: {phase}"
            )
            vp = victory.victory_points(scenario, state)
            self.vp_label.set_text(f"VP {vp:g} ({standing(game)})")
            mine = t.my_turn()
            for button, key in self.buttons.items():
                if key == "undo":
                    set_enabled(button, mine and game.can_undo())
                    reason = t.undo_reason()
                    button.set_tooltip(
                        "Take back the last move or attack declaration (U, Ctrl+Z)"
                        + (f".<br><b>Not now</b>: {esc(reason)}" if reason else "")
                    )
                elif key == "end":
                    set_enabled(button, mine)
                elif key == "skip":
                    set_enabled(button, not self.match.human_to_move() and not state.over)
                elif key == "breakout":
                    set_enabled(button, t.may_order_breakout())
        for button, key in self.overlay_buttons.items():
            on = getattr(t.overlays, key)
            if on != getattr(button, "is_selected", False):
                button.select() if on else button.unselect()
        sel = t.selected
        unit_state = (
            (
                int(state.hex[sel]),
                int(state.steps[sel]),
                int(state.supply[sel]),
                int(state.movement_left[sel]),
                int(state.status[sel]),
            )
            if sel >= 0
            else None
        )
        here = (
            tuple(np.flatnonzero(state.hex == t.selected_hex).tolist())
            if t.selected_hex >= 0
            else ()
        )
        panel_key = (
            t.viewer,
            sel,
            t.selected_hex,
            t.target,
            tuple(t.attackers),
            state.phase,
            state.turn,
            unit_state,
            here,
            len(state.declared),
            t.my_turn(),
        )
        if panel_key != self._panel_key:
            self._panel_key = panel_key
            self._refresh_panel()
        log_key = (len(game.log), t.viewer)
        if log_key != self._log_state:
            self._refresh_log(log_key)

    # --- drawing --------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        t = self.table
        rect = self.map_rect()
        surface.fill((28, 29, 24))
        if t.needs_handover() or (self.match.mode == "hotseat" and t.viewer is None):
            pass  # nobody's eyes yet: the hand-over screen covers this
        else:
            scene = t.scene()
            if self.replay:
                self.replay_scene(scene)
            self.view.draw(surface, rect, scene)
            if t.overlays.minimap:
                self.view.draw_minimap(surface, rect, scene, self.minimap_width())
            self._draw_banner(surface, rect)
            self._draw_tooltip(surface, rect)
        super().draw(surface)
        self.log.draw(surface)
