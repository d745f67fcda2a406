"""The screen stack and the registry of screens by name.

Modelled on Tuxemon's state stack. Each screen owns a pygame_gui manager with its own widgets, so
pausing a screen needs no bookkeeping of whose buttons are whose. An opaque screen hides every
screen under it; a see-through one (help, dialogs) is drawn over the screens beneath it.

Screens are opened by name (`app.open("map", match=...)`), never by importing one another: the
screen modules are registered in one place (`game.ui.screens`), so no screen module imports
another and the screens can be rearranged freely.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pygame

from game.ui.assets import make_manager

if TYPE_CHECKING:
    from game.ui.app import App


class Screen:
    """One screen. `draw` must only read: the game changes in `handle` and `update`."""

    opaque = True
    title = "screen"

    def __init__(self, app: App) -> None:
        self.app = app
        self.ui: Any = make_manager(app.size)
        self.built_for: tuple[int, int] | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def build(self) -> None:
        """Create the widgets for the current window size (called again after a resize)."""

    def resume(self) -> None:
        """The screen is on top again (or for the first time)."""
        if self.built_for != self.app.size:
            self.ui.set_window_resolution(self.app.size)
            self.ui.clear_and_reset()
            self.build()
            self.built_for = self.app.size

    def pause(self) -> None:
        """Another screen now covers this one."""

    def close(self) -> None:
        """The screen leaves the stack for good."""
        self.ui.clear_and_reset()

    # --- per frame ---------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> None:
        """One input event (pygame_gui has already seen it)."""

    def update(self, dt: float) -> None:
        self.ui.update(dt)

    def draw(self, surface: pygame.Surface) -> None:
        self.ui.draw_ui(surface)


ScreenFactory = Callable[..., "Screen"]
_REGISTRY: dict[str, ScreenFactory] = {}


def register(name: str, factory: ScreenFactory) -> None:
    """Make a screen openable by name; `factory(app, **arguments)` builds it."""
    _REGISTRY[name] = factory


def create(name: str, app: App, **arguments: Any) -> Screen:
    """A new screen of the kind registered under `name` (KeyError names the known ones)."""
    factory = _REGISTRY.get(name)
    if factory is None:
        known = ", ".join(sorted(_REGISTRY)) or "none registered"
        raise KeyError(f"no screen called {name!r} (known: {known})")
    return factory(app, **arguments)


def registered() -> list[str]:
    return sorted(_REGISTRY)


class ScreenStack:
    def __init__(self) -> None:
        self.screens: list[Screen] = []

    @property
    def top(self) -> Screen | None:
        return self.screens[-1] if self.screens else None

    def push(self, screen: Screen) -> None:
        if self.screens:
            self.screens[-1].pause()
        self.screens.append(screen)
        screen.resume()

    def pop(self) -> Screen | None:
        if not self.screens:
            return None
        screen = self.screens.pop()
        screen.pause()
        screen.close()
        if self.screens:
            self.screens[-1].resume()
        return screen

    def replace(self, screen: Screen) -> None:
        """Swap the top screen for another (the one below does not wake up in between)."""
        if self.screens:
            old = self.screens.pop()
            old.pause()
            old.close()
        self.screens.append(screen)
        screen.resume()

    def clear_to(self, screen: Screen) -> None:
        """Close everything and start again from one screen (back to the main menu)."""
        while self.screens:
            old = self.screens.pop()
            old.pause()
            old.close()
        self.push(screen)

    def find(self, kind: type[Screen]) -> Screen | None:
        for screen in reversed(self.screens):
            if isinstance(screen, kind):
                return screen
        return None

    def draw(self, surface: pygame.Surface) -> None:
        """Draw from the highest opaque screen up."""
        start = 0
        for i in range(len(self.screens) - 1, -1, -1):
            if self.screens[i].opaque:
                start = i
                break
        for screen in self.screens[start:]:
            screen.draw(surface)
