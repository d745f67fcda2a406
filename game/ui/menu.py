"""The main menu: the scenarios with their dates, briefing and a small map, and the ways to play."""

from __future__ import annotations

from typing import Any

import numpy as np
import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIImage, UILabel, UISelectionList, UITextBox

from game.narrate import plural
from game.scenario.errors import FileProblemError
from game.scenario.model import Scenario
from game.state import new_state
from game.ui import briefings, catalogue, render, terrain
from game.ui.palette import palette
from game.ui.screen import Screen
from game.ui.widgets import esc

BACKGROUND = (30, 31, 25)


def map_preview(scenario: Scenario, box: tuple[int, int]) -> pygame.Surface:
    """The scenario's map small: terrain, rivers, railways, front line and the starting units."""
    grid = scenario.map
    w1, h1 = render.map_pixel_size(grid, 1.0)
    hex_px = min(box[0] / w1, box[1] / h1)
    size = render.map_pixel_size(grid, hex_px)
    surface = pygame.Surface(size)
    surface.fill(render.PAPER)
    layout = render.map_layout(grid, hex_px)
    colors = palette(scenario)
    render.draw_terrain(surface, grid, layout, ice=terrain.ice_hexes(scenario, 1))
    render.draw_control(
        surface,
        grid,
        layout,
        scenario.control,
        colors.tints(),
        render.team_lookup(scenario.side_table.team),
    )
    render.draw_routes(surface, grid, layout)
    render.draw_rivers(surface, grid, layout)
    units = scenario.units
    for u in np.nonzero(units.arrive_turn == 1)[0].tolist():
        x, y = layout.hex_to_pixel(grid.hex_of(int(units.start_hex[u])))
        dot = pygame.Rect(0, 0, max(3, int(hex_px * 0.7)), max(3, int(hex_px * 0.7)))
        dot.center = (int(x), int(y))
        pygame.draw.rect(surface, colors.fill(int(units.side[u])), dot)
        pygame.draw.rect(surface, render.INK, dot, 1)
    for city in grid.cities:
        if scenario.vp[city.hex] >= 5:
            x, y = layout.hex_to_pixel(grid.hex_of(city.hex))
            pygame.draw.circle(surface, render.INK, (x, y), 2)
            img = render.font(12, bold=True, family="serif").render(city.name, True, render.INK)
            surface.blit(img, img.get_rect(midtop=(int(x), int(y) + 2)))
    pygame.draw.rect(surface, render.INK, surface.get_rect(), 1)
    return surface


class MainMenu(Screen):
    title = "main menu"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.entries = catalogue.entries()
        self.selected = 0
        self.previews: dict[str, pygame.Surface] = {}
        self.preview_wanted = True
        self.error = ""
        self.buttons: dict[Any, str] = {}
        self.how_to_win: dict[str, str] = {}  # scenario id: its victory conditions, once loaded

    def build(self) -> None:
        w, h = self.app.size
        ui = self.ui
        UILabel(pygame.Rect(40, 24, 700, 50), "EASTFRONT", ui, object_id="#title")
        UILabel(
            pygame.Rect(44, 72, 900, 24),
            "An operational wargame of the Eastern Front, 1942-1945",
            ui,
            object_id="#small",
        )
        left_w = 440
        self.list = UISelectionList(
            pygame.Rect(40, 120, left_w, 150),
            [(e.title, e.id) for e in self.entries],
            ui,
            default_selection=(
                (self.entries[self.selected].title, self.entries[self.selected].id)
                if self.entries
                else None
            ),
        )
        self.buttons = {}
        y = 290
        for key, text, oid in (
            ("solo", "Play against the computer", "#primary"),
            ("hotseat", "Hot-seat: two players, one screen", "#big"),
            ("watch", "Watch the computer play itself", "#big"),
            ("lab", "What-if lab", "#big"),
            ("load", "Load a saved game", "#big"),
            ("help", "How to play", "#big"),
            ("quit", "Quit", "#big"),
        ):
            button = UIButton(pygame.Rect(40, y, left_w, 44), text, ui, object_id=oid)
            self.buttons[button] = key
            y += 54 if h >= 800 else 48
        if not self.entries:
            for button, key in self.buttons.items():
                if key in ("solo", "hotseat", "watch"):
                    button.disable()
        right = 40 + left_w + 40
        self.heading = UILabel(
            pygame.Rect(right, 120, w - right - 40, 32), "", ui, object_id="#heading"
        )
        self.dates = UILabel(pygame.Rect(right, 154, w - right - 40, 22), "", ui)
        self.preview_box = pygame.Rect(right, 186, min(520, (w - right - 40) // 2), h - 186 - 60)
        self.preview = UIImage(self.preview_box, pygame.Surface((1, 1)), ui)
        text_left = self.preview_box.right + 20
        self.briefing = UITextBox(
            "", pygame.Rect(text_left, 186, w - text_left - 40, h - 186 - 60), ui
        )
        self._show_entry()

    def _show_entry(self) -> None:
        if not self.entries:
            self.heading.set_text("No scenarios found")
            return
        entry = self.entries[self.selected]
        self.heading.set_text(entry.title)
        names = entry.side_names
        sides = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        self.dates.set_text(
            f"{entry.dates}: {entry.turns} turns of {plural(entry.days_per_turn, 'day')}; {sides}"
        )
        paragraphs = [p.strip() for p in entry.briefing.split("\n\n") if p.strip()]
        body = "<br><br>".join(esc(" ".join(p.split())) for p in paragraphs)
        win = self.how_to_win.get(entry.id)
        if win:
            body += f"</font><br><br><font size=3>{win}</font><font face='dejavu_serif' size=4>"
        if self.error:
            body = f"<font color='#ff8060'>{esc(self.error)}</font><br><br>" + body
        self.briefing.set_text(f"<font face='dejavu_serif' size=4>{body}</font>")
        image = self.previews.get(entry.id)
        if image is not None:
            self._set_preview(image)
        else:
            self.preview_wanted = True

    def _set_preview(self, image: pygame.Surface) -> None:
        rect = image.get_rect()
        rect.topleft = self.preview_box.topleft
        self.preview.set_dimensions(rect.size)
        self.preview.set_image(image)

    def handle(self, event: pygame.event.Event) -> None:
        if (
            event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION
            and event.ui_element is self.list
        ):
            ids = [e.id for e in self.entries]
            chosen = self.list.get_single_selection(include_object_id=True)
            if chosen is not None:
                key = chosen[1] if isinstance(chosen, tuple) else chosen
                if key in ids:
                    self.selected = ids.index(key)
                    self._show_entry()
        elif event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element in self.buttons:
            self.app.sounds.play("click")
            self._choose(self.buttons[event.ui_element])
        elif event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_F1, pygame.K_h):
                self._choose("help")
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self._choose("solo")
            elif event.key == pygame.K_ESCAPE:
                self._choose("quit")
            elif event.key in (pygame.K_UP, pygame.K_DOWN) and self.entries:
                step = -1 if event.key == pygame.K_UP else 1
                self.selected = (self.selected + step) % len(self.entries)
                self._highlight()
                self._show_entry()

    def _highlight(self) -> None:
        """Mark the chosen row in the list (the arrow keys choose without clicking it)."""
        for k, item in enumerate(self.list.item_list):
            item["selected"] = k == self.selected
            button = item.get("button_element")
            if button is not None:
                if k == self.selected:
                    button.select()
                else:
                    button.unselect()

    def _choose(self, key: str) -> None:
        if key == "quit":
            self.app.running = False
        elif key == "help":
            self.app.open("help", scenario=self._loaded())
        elif key == "load":
            self.app.open("load", map_screen=None)
        elif key == "lab":
            self.app.open("lab", entry=self.entries[self.selected] if self.entries else None)
        elif self.entries:
            entry = self.entries[self.selected]
            try:
                catalogue.scenario(entry.path)
            except FileProblemError as exc:
                self.error = f"{entry.path.name} cannot be loaded: {exc.problems[0]}"
                self._show_entry()
                return
            self.app.open("setup", entry=entry, mode=key)

    def _loaded(self) -> Scenario | None:
        """The selected scenario if it loads (the help shows its sides' counters)."""
        if not self.entries:
            return None
        try:
            return catalogue.scenario(self.entries[self.selected].path)
        except FileProblemError:
            return None

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.preview_wanted and self.entries and self.app.frame > 0:
            # after the first frame is on screen: loading a scenario takes a few tenths of a second
            self.preview_wanted = False
            entry = self.entries[self.selected]
            try:
                scenario = catalogue.scenario(entry.path)
            except FileProblemError as exc:
                self.error = f"{entry.path.name} cannot be loaded: {exc.problems[0]}"
                self._show_entry()
                return
            image = map_preview(scenario, self.preview_box.size)
            self.previews[entry.id] = image
            self._set_preview(image)
            self.how_to_win[entry.id] = briefings.brief_html(scenario, new_state(scenario, 0))
            self._show_entry()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(BACKGROUND)
        w = surface.get_width()
        pygame.draw.line(surface, (120, 40, 30), (40, 104), (w - 40, 104), 2)
        super().draw(surface)
