"""The game window: pygame set-up, the main loop, opening screens by name, and the entry points
`eastfront play`, `hotseat` and `watch` call.

`App.tick` runs one frame (events, update, draw), so tests drive the real program frame by frame
with posted events instead of a second, test-only code path.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
if sys.platform.startswith("linux"):
    # SDL would otherwise present the window through an OpenGL renderer, which on a software
    # GL (VMs, remote X, Xvfb) costs ~25 ms a frame; plain shared-memory blits cost ~2 ms
    os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")

import pygame

from game.scenario.errors import FileProblemError
from game.ui import catalogue, screens
from game.ui.assets import Sounds, forget_fonts
from game.ui.screen import Screen, ScreenStack, create
from game.ui.setup import start_match

DEFAULT_SIZE = (1600, 900)
MIN_SIZE = (1024, 700)


@dataclass
class Settings:
    ai_speed: str = "normal"
    threaded_ai: bool = True
    save_dir: str = ""


def default_size() -> tuple[int, int]:
    """1920x1080 on a large desktop, else a window that fits."""
    try:
        desktops = pygame.display.get_desktop_sizes()
    except pygame.error:
        desktops = []
    if desktops:
        w, h = desktops[0]
        if w >= 1920 and h >= 1140:
            return (1920, 1080)
        return (
            max(MIN_SIZE[0], min(DEFAULT_SIZE[0], w - 40)),
            max(MIN_SIZE[1], min(DEFAULT_SIZE[1], h - 80)),
        )
    return DEFAULT_SIZE


class App:
    """The window, the clock, the screen stack and the shared services (sounds, settings)."""

    def __init__(
        self,
        size: tuple[int, int] | None = None,
        sounds: bool = True,
        settings: Settings | None = None,
    ) -> None:
        screens.register_all()
        forget_fonts()
        pygame.init()
        self.settings = settings or Settings()
        self.window = pygame.display.set_mode(size or default_size(), pygame.RESIZABLE)
        pygame.display.set_caption("Eastfront")
        pygame.key.set_repeat(350, 40)
        self.clock = pygame.time.Clock()
        self.stack = ScreenStack()
        self.sounds = Sounds(sounds)
        self.running = True
        self.frame = 0
        self.last_frame_ms = 0.0
        self.consumed = False  # whether pygame_gui used the event being handled
        self.fullscreen = False
        self.windowed_size = self.size  # the window's size to go back to from full screen

    @property
    def size(self) -> tuple[int, int]:
        w, h = self.window.get_size()
        return int(w), int(h)

    def tick(self, dt: float | None = None) -> None:
        """One frame: hand the events to the top screen, update it, draw the stack, flip."""
        if dt is None:
            dt = self.clock.tick(60) / 1000.0
        start = time.perf_counter()
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self.ask_to_quit()
                continue
            if event.type == pygame.KEYDOWN and event.key == pygame.K_F11:
                self.toggle_fullscreen()
                continue
            if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                self._resized()
                continue
            top = self.stack.top
            if top is None:
                continue
            self.consumed = bool(top.ui.process_events(event))
            top.handle(event)
            if not self.running:
                break
        top = self.stack.top
        if top is None:
            self.running = False
            return
        top.update(min(dt, 0.1))
        self.stack.draw(self.window)
        pygame.display.flip()
        self.frame += 1
        self.last_frame_ms = (time.perf_counter() - start) * 1000.0

    def quit(self) -> None:
        self.running = False

    def ask_to_quit(self) -> None:
        """Closing the window: ask first while a screen has something to lose (a game in
        progress); a second close while asking quits."""
        top = self.stack.top
        if top is not None and top.title == "confirm":
            self.quit()
            return
        # a screen with something to lose says so through `quit_question()` (the map does)
        asks = [getattr(s, "quit_question", None) for s in reversed(self.stack.screens)]
        question = next((q for ask in asks if ask is not None and (q := ask()) is not None), None)
        if question is None:
            self.quit()
        else:
            self.open("confirm", question=question, on_yes=self.quit, yes="Quit")

    def toggle_fullscreen(self) -> None:
        """F11: the whole screen, or back to the window as it was; the screens lay out anew."""
        if self.fullscreen:
            self.window = pygame.display.set_mode(self.windowed_size, pygame.RESIZABLE)
            self.fullscreen = False
        else:
            self.windowed_size = self.size
            try:
                desktop = pygame.display.get_desktop_sizes()[0]
            except (pygame.error, IndexError):
                desktop = self.size
            self.window = pygame.display.set_mode(desktop, pygame.FULLSCREEN)
            self.fullscreen = True
        self._resized()

    def _resized(self) -> None:
        w, h = self.size
        if w < MIN_SIZE[0] or h < MIN_SIZE[1]:
            self.window = pygame.display.set_mode(
                (max(w, MIN_SIZE[0]), max(h, MIN_SIZE[1])), pygame.RESIZABLE
            )
        top = self.stack.top
        if top is not None:
            top.resume()

    def run(self, frames: int = 0) -> int:
        """The main loop; `frames` > 0 stops after that many frames (smoke tests)."""
        while self.running and self.stack.top is not None:
            self.tick()
            if frames and self.frame >= frames:
                break
        self.close()
        return 0

    def push(self, screen: Screen) -> None:
        self.stack.push(screen)

    def screen(self, name: str, **arguments: Any) -> Screen:
        """A new screen by its registered name (`game.ui.screens`), not yet on the stack."""
        return create(name, self, **arguments)

    def open(self, name: str, **arguments: Any) -> Screen:
        """Build the screen registered as `name` and push it on top."""
        screen = self.screen(name, **arguments)
        self.push(screen)
        return screen

    def restart(self, name: str, **arguments: Any) -> Screen:
        """Close every screen and start again from one (back to the main menu)."""
        screen = self.screen(name, **arguments)
        self.stack.clear_to(screen)
        return screen

    def close(self) -> None:
        for screen in list(self.stack.screens):
            screen.pause()
            screen.close()
        self.stack.screens.clear()
        forget_fonts()
        pygame.quit()


def run(
    mode: str = "menu",
    scenario_name: str | None = None,
    side: str | None = None,
    seed: int | None = None,
    frames: int = 0,
    size: tuple[int, int] | None = None,
) -> int:
    """Open the window on the main menu, or straight on a scenario's map in a play mode.

    `scenario_name` defaults to the catalogue's first scenario; `side` is a side id of the
    scenario's file (the side a solo player takes; default: the side that moves first)."""
    chosen: int | None = None
    if mode != "menu":
        scenario_name = scenario_name or catalogue.default_id()
        if scenario_name is None:
            print("eastfront: no scenarios are installed", file=sys.stderr)
            return 2
        try:
            table = catalogue.scenario(scenario_name).side_table
        except FileProblemError as exc:
            print(exc.problems[0], file=sys.stderr)
            return 2
        if side is not None:
            if side not in table.ids:
                print(
                    f"eastfront: {scenario_name} is played by {', '.join(table.ids)}, not {side}",
                    file=sys.stderr,
                )
                return 2
            chosen = table.index(side)
    if not os.environ.get("EASTFRONT_NO_WARM"):
        from game.warm import warm_in_background

        warm_in_background()  # the first game after an install need not wait for compiling
    try:
        app = App(size)
    except pygame.error as exc:
        print(
            f"eastfront: cannot open a window ({exc}); try `eastfront map SCENARIO --png map.png`"
        )
        return 1
    app.open("main_menu")
    if mode != "menu" and scenario_name is not None:
        start_match(app, scenario_name, mode, chosen, seed)
    return app.run(frames)


__all__ = ["App", "Settings", "run"]
