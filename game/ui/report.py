"""The after-action report: result, losses with a chart over the turns, the cities, and what
happened historically beside it (when the scenario file records it)."""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIImage, UILabel, UITextBox

from game.enums import NO_SIDE
from game.narrate import plural
from game.rules import victory
from game.scenario.model import Scenario
from game.ui.match import Match, TurnLosses, loss_history, units_lost
from game.ui.screen import Screen
from game.ui.widgets import esc, line_chart, side_color, side_html, side_label, team_html


def result_line(match: Match) -> str:
    """'German decisive victory': the winning team (`state.winner` is a team number)."""
    state = match.game.state
    if not state.over:
        return f"Game in progress (turn {state.turn})"
    if state.level == "draw" or state.winner == NO_SIDE:
        return "A draw"
    return f"{match.game.scenario.side_table.team_label(state.winner)} {state.level} victory"


def side_of_name(scenario: Scenario, side_id: str) -> int:
    """The side number of a side id the file uses (NO_SIDE when the scenario has none)."""
    table = scenario.side_table
    return table.index(side_id) if side_id in table.ids else NO_SIDE


def historical_year(scenario: Scenario) -> str:
    """How the report names the historical figures: the year the scenario starts."""
    return f"{scenario.date_of_turn(1):%Y}"


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
        year = historical_year(scenario)
        men_table = {str(k): v for k, v in hist.men_lost.items()} if hist else {}
        tank_table = {str(k): v for k, v in hist.tanks_lost.items()} if hist else {}
        men_refs = [
            (f"{side_label(scenario, s)} in {year}", float(n), side_color(scenario, s))
            for s in sides
            if (n := men_table.get(scenario.side_id(s))) is not None
        ]
        tank_refs = [
            (f"{side_label(scenario, s)} in {year}", float(n), side_color(scenario, s))
            for s in sides
            if (n := tank_table.get(scenario.side_id(s))) is not None
        ]
        series = [
            (
                f"{side_label(scenario, s)} men lost",
                [(float(t.turn), float(t.men[s])) for t in self.history],
                side_color(scenario, s),
            )
            for s in sides
        ]
        self.chart.set_image(
            line_chart(
                self.chart_rect.size,
                series,
                "Men lost by the end of each turn" + (f" (dashed: {year})" if men_refs else ""),
                "turn",
                references=men_refs,
            )
        )
        tanks = [
            (
                f"{side_label(scenario, s)} tanks lost",
                [(float(t.turn), float(t.tanks[s])) for t in self.history],
                side_color(scenario, s),
            )
            for s in sides
        ]
        self.tank_chart.set_image(
            line_chart(
                self.tank_rect.size,
                tanks,
                "Tanks lost" + (f" (dashed: {year})" if tank_refs else ""),
                "turn",
                references=tank_refs,
            )
        )

    def _losses_html(self) -> str:
        game = self.match.game
        scenario, state = game.scenario, game.state
        units = scenario.units
        hist = scenario.spec.historical
        men_table: dict[str, int] = {str(k): v for k, v in hist.men_lost.items()} if hist else {}
        tank_table: dict[str, int] = {str(k): v for k, v in hist.tanks_lost.items()} if hist else {}
        rows = [f"<b>Losses</b> (game / {historical_year(scenario)})" if hist else "<b>Losses</b>"]
        for s in scenario.sides:
            mine = units.side == s
            men = int(state.men_lost[mine].sum())
            tanks = int(state.tanks_lost[mine].sum())
            real_men = men_table.get(scenario.side_id(s))
            real_tanks = tank_table.get(scenario.side_id(s))
            real = f" / {real_men:,} men, {real_tanks or 0:,} tanks" if real_men is not None else ""
            rows.append(
                f"{side_html(scenario, s)}: {men:,} men, {tanks:,} tanks, "
                f"{plural(units_lost(game, s), 'unit')} destroyed{real}"
            )
        return "<br>".join(rows)

    def _cities_html(self) -> str:
        game = self.match.game
        scenario, state = game.scenario, game.state
        hist = scenario.spec.historical
        rows = [
            "<b>Cities</b> (victory points: held now"
            + (f" / held in {historical_year(scenario)})" if hist else ")")
        ]
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
                owner_then = side_of_name(scenario, str(real.owner))
                past = f" / {side_html(scenario, owner_then, bold=False)}"
                if real.taken is not None:
                    past += f" ({real.taken:%d %b})"
            rows.append(
                f"{esc(city.name)} ({int(scenario.vp[city.hex])}): "
                f"{side_html(scenario, owner)}{esc(when)}{past}"
            )
        return "<br>".join(rows)

    def _history_html(self) -> str:
        scenario = self.match.game.scenario
        hist = scenario.spec.historical
        if hist is None:
            return "No historical outcome is recorded for this scenario."
        summary = " ".join(hist.summary.split())
        if hist.winner == "draw":
            result = "a draw"
        else:
            team = scenario.side_table.team_of_name(str(hist.winner))
            result = f"{team_html(scenario, team)} {esc(hist.level)}"
        return f"<b>What happened: {result}</b><br>{esc(summary)}"

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
                self.app.open("save", match=self.match)
            elif event.ui_element is self.menu:
                self.app.restart("main_menu")
        elif event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_r):
            self.app.stack.pop()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill((30, 31, 25))
        super().draw(surface)
