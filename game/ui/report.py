"""The after-action report: result, losses with a chart over the turns, the cities, and what
happened in 1943 beside it."""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIImage, UILabel, UITextBox

from game.enums import Side
from game.rules import victory
from game.ui.match import Match, TurnLosses, loss_history, units_lost
from game.ui.screen import Screen
from game.ui.widgets import esc, line_chart, side_color, side_html, side_label


def result_line(match: Match) -> str:
    state = match.game.state
    if not state.over:
        return f"Game in progress (turn {state.turn})"
    if state.level == "draw" or state.winner == NO_SIDE:
        return "A draw"
    return f"{side_label(state.winner)} {state.level} victory"


class ReportScreen(Screen):
    title = "after-action report"

    def __init__(self, app: Any, match: Match) -> None:
        super().__init__(app)
        self.match = match
        self.history: list[TurnLosses] | None = None
        self.waited = False

    def build(self) -> None:
        w, h = self.app.size
        ui = self.ui
        game = self.match.game
        scenario, state = game.scenario, game.state
        UILabel(pygame.Rect(40, 20, w - 80, 48), result_line(self.match), ui, object_id="#title")
        points = victory.victory_points(scenario, state)
        end = scenario.date_of_turn(state.turn)
        UILabel(
            pygame.Rect(40, 68, w - 80, 24),
            f"{scenario.title} - ended {end:%d %B %Y}, turn {state.turn} of {scenario.turns} - {points:g} victory points",
            ui,
        )
        col = (w - 120) // 2
        chart_h = max(150, (h - 104 - 80 - 150) // 2)
        self.chart_rect = pygame.Rect(40, 104, col, chart_h)
        self.chart = UIImage(self.chart_rect, pygame.Surface(self.chart_rect.size), ui)
        self.tank_rect = pygame.Rect(40, 108 + chart_h, col, chart_h)
        self.tank_chart = UIImage(self.tank_rect, pygame.Surface(self.tank_rect.size), ui)
        top = 112 + 2 * chart_h
        self.losses = UITextBox(self._losses_html(), pygame.Rect(40, top, col, h - top - 80), ui)
        self.cities = UITextBox(
            self._cities_html(), pygame.Rect(80 + col, 104, col, (h - 190) // 2), ui
        )
        self.history_box = UITextBox(
            self._history_html(),
            pygame.Rect(80 + col, 112 + (h - 190) // 2, col, h - 112 - (h - 190) // 2 - 80),
            ui,
        )
        self.back = UIButton(
            pygame.Rect(40, h - 64, 180, 44), "Back to the map", ui, object_id="#big"
        )
        self.save = UIButton(pygame.Rect(230, h - 64, 160, 44), "Save game", ui, object_id="#big")
        self.menu = UIButton(
            pygame.Rect(w - 220, h - 64, 180, 44), "Main menu", ui, object_id="#primary"
        )
        if self.history is not None:
            self._draw_chart()

    def _draw_chart(self) -> None:
        assert self.history is not None
        scenario = self.match.game.scenario
        sides = scenario.sides
        hist = scenario.spec.historical
        men_refs = [
            (f"{side_label(s)} in 1943", float(n), side_color(s))
            for s in sides
            if hist is not None and (n := dict(hist.men_lost).get(s.name.lower())) is not None  # type: ignore[call-overload]
        ]
        tank_refs = [
            (f"{side_label(s)} in 1943", float(n), side_color(s))
            for s in sides
            if hist is not None and (n := dict(hist.tanks_lost).get(s.name.lower())) is not None  # type: ignore[call-overload]
        ]
        series = [
            (
                f"{side_label(s)} men lost",
                [(float(t.turn), float(t.men[s])) for t in self.history],
                side_color(s),
            )
            for s in sides
        ]
        self.chart.set_image(
            line_chart(
                self.chart_rect.size,
                series,
                "Men lost by the end of each turn (dashed: 1943)",
                "turn",
                references=men_refs,
            )
        )
        tanks = [
            (
                f"{side_label(s)} tanks lost",
                [(float(t.turn), float(t.tanks[s])) for t in self.history],
                side_color(s),
            )
            for s in sides
        ]
        self.tank_chart.set_image(
            line_chart(
                self.tank_rect.size,
                tanks,
                "Tanks lost (dashed: 1943)",
                "turn",
                references=tank_refs,
            )
        )

    def _losses_html(self) -> str:
        game = self.match.game
        scenario, state = game.scenario, game.state
        units = scenario.units
        hist = scenario.spec.historical
        rows = ["<b>Losses</b> (game / 1943)"]
        for s in scenario.sides:
            mine = units.side == s
            men = int(state.men_lost[mine].sum())
            tanks = int(state.tanks_lost[mine].sum())
            name = s.name.lower()
            men_table: dict[str, int] = (
                {str(k): v for k, v in hist.men_lost.items()} if hist else {}
            )
            tank_table: dict[str, int] = (
                {str(k): v for k, v in hist.tanks_lost.items()} if hist else {}
            )
            real_men = men_table.get(name)
            real_tanks = tank_table.get(name)
            real = f" / {real_men:,} men, {real_tanks or 0:,} tanks" if real_men is not None else ""
            rows.append(
                f"{side_html(int(s))}: {men:,} men, {tanks:,} tanks, "
                f"{units_lost(game, s)} units destroyed{real}"
            )
        return "<br>".join(rows)

    def _cities_html(self) -> str:
        game = self.match.game
        scenario, state = game.scenario, game.state
        hist = scenario.spec.historical
        rows = ["<b>Cities</b> (victory points: held now / held in 1943)"]
        cities = sorted(
            (c for c in scenario.map.cities if scenario.vp[c.hex] > 0),
            key=lambda c: (-int(scenario.vp[c.hex]), c.name),
        )
        for city in cities:
            owner = int(state.control[city.hex])
            taken = state.control_changed[city.hex]
            when = f" since {scenario.date_of_turn(int(taken)):%d %b}" if taken else ""
            real = hist.cities.get(city.id) if hist else None
            past = ""
            if real is not None:
                past = f" / {side_html(int(Side[real.owner.upper()]), bold=False)}"
                if real.taken is not None:
                    past += f" ({real.taken:%d %b})"
            rows.append(
                f"{esc(city.name)} ({int(scenario.vp[city.hex])}): {side_html(owner)}{esc(when)}{past}"
            )
        return "<br>".join(rows)

    def _history_html(self) -> str:
        hist = self.match.game.scenario.spec.historical
        if hist is None:
            return "No historical outcome is recorded for this scenario."
        summary = " ".join(hist.summary.split())
        return (
            f"<b>What happened: {side_label(int(Side[hist.winner.upper()])) if hist.winner != 'draw' else 'a draw'}"
            f" {hist.level}</b><br>{esc(summary)}"
        )

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.history is None and self.waited:
            # a replay of the whole game: after one frame has shown the rest of the report
            self.history = loss_history(self.match.game)
            self._draw_chart()
        self.waited = True

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            self.app.sounds.play("click")
            if event.ui_element is self.back:
                self.app.stack.pop()
            elif event.ui_element is self.save:
                from game.ui.dialogs import SaveDialog

                self.app.push(SaveDialog(self.app, self.match))
            elif event.ui_element is self.menu:
                from game.ui.menu import MainMenu

                self.app.stack.clear_to(MainMenu(self.app))
        elif event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_r):
            self.app.stack.pop()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill((30, 31, 25))
        super().draw(surface)
