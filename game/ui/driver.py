"""Driving the real program with posted input events, for tests and scripted demonstrations.

Events go through pygame's queue and the same `App.tick` a player's do, so a scripted click is
handled exactly like a real one (pygame_gui included).
"""

from __future__ import annotations

import pygame

from game.ui.app import App


def frames(app: App, n: int = 1, dt: float = 1 / 60) -> None:
    for _ in range(n):
        app.tick(dt)


def click(app: App, pos: tuple[float, float], button: int = 1, settle: int = 1) -> None:
    """Press and release a mouse button at a screen point, then run `settle` frames."""
    p = (int(pos[0]), int(pos[1]))
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=p, rel=(0, 0), buttons=(0, 0, 0)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=p, button=button))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=p, button=button))
    frames(app, settle)


def drag(
    app: App, start: tuple[int, int], end: tuple[int, int], button: int = 1, steps: int = 5
) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=start, button=button))
    x, y = start
    for k in range(1, steps + 1):
        nx = start[0] + (end[0] - start[0]) * k // steps
        ny = start[1] + (end[1] - start[1]) * k // steps
        buttons = tuple(int(b == button) for b in (1, 2, 3))
        pygame.event.post(
            pygame.event.Event(
                pygame.MOUSEMOTION, pos=(nx, ny), rel=(nx - x, ny - y), buttons=buttons
            )
        )
        x, y = nx, ny
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=end, button=button))
    frames(app)


def key(app: App, k: int, mod: int = 0, settle: int = 1, unicode: str = "") -> None:
    """Press and release a key (with modifiers such as pygame.KMOD_CTRL)."""
    pygame.event.post(
        pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=unicode, scancode=0)
    )
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode=unicode, scancode=0))
    frames(app, settle)


def wheel(app: App, pos: tuple[int, int], y: int) -> None:
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
    )
    pygame.event.post(
        pygame.event.Event(
            pygame.MOUSEWHEEL, x=0, y=y, flipped=False, precise_x=0.0, precise_y=float(y)
        )
    )
    frames(app)


def button_center(element: object) -> tuple[int, int]:
    """Screen centre of a pygame_gui element (absolute rect)."""
    rect = element.rect  # type: ignore[attr-defined]
    return int(rect.centerx), int(rect.centery)
