"""A map window: the scenario's map with its starting counters, pan and zoom.

This is what `eastfront play` opens until the full game screens exist. The map is drawn once at
high resolution; each frame crops the visible part and scales it to the window.
"""

from __future__ import annotations

import os

from game.scenario.model import Scenario

BASE_HEX_PX = 44.0
MIN_ZOOM, MAX_ZOOM = 0.25, 2.0


def run_viewer(scenario: Scenario, frames: int = 0, size: tuple[int, int] = (1280, 800)) -> int:
    """Open the window; `frames` > 0 closes it after that many frames (for tests)."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    from game.ui.mapimage import render_scenario

    if frames and "SDL_VIDEODRIVER" not in os.environ:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    pygame.init()
    try:
        screen = pygame.display.set_mode(size, pygame.RESIZABLE)
    except pygame.error as exc:
        print(
            f"eastfront: cannot open a window ({exc}); try `eastfront map {scenario.id} --png map.png`"
        )
        pygame.quit()
        return 1
    pygame.display.set_caption(f"Eastfront - {scenario.title}")
    world = render_scenario(scenario, BASE_HEX_PX).convert()
    clock = pygame.time.Clock()
    zoom = max(MIN_ZOOM, min(1.0, size[0] / world.get_width()))
    # camera: world pixel at the window's top-left
    cam_x, cam_y = 0.0, 0.0
    dragging = False
    count = 0
    running = True
    while running:
        for event in pygame.event.get():
            if event.type == pygame.QUIT or (
                event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_q)
            ):
                running = False
            elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                dragging = True
            elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
                dragging = False
            elif event.type == pygame.MOUSEMOTION and dragging:
                cam_x -= event.rel[0] / zoom
                cam_y -= event.rel[1] / zoom
            elif event.type == pygame.MOUSEWHEEL:
                mx, my = pygame.mouse.get_pos()
                new_zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom * (1.15 if event.y > 0 else 1 / 1.15)))
                # keep the world point under the cursor fixed
                cam_x += mx / zoom - mx / new_zoom
                cam_y += my / zoom - my / new_zoom
                zoom = new_zoom
        keys = pygame.key.get_pressed()
        speed = 12.0 / zoom
        cam_x += speed * (
            (keys[pygame.K_RIGHT] or keys[pygame.K_d]) - (keys[pygame.K_LEFT] or keys[pygame.K_a])
        )
        cam_y += speed * (
            (keys[pygame.K_DOWN] or keys[pygame.K_s]) - (keys[pygame.K_UP] or keys[pygame.K_w])
        )
        sw, sh = screen.get_size()
        view_w, view_h = sw / zoom, sh / zoom
        cam_x = (
            max(0.0, min(cam_x, world.get_width() - view_w)) if view_w < world.get_width() else 0.0
        )
        cam_y = (
            max(0.0, min(cam_y, world.get_height() - view_h))
            if view_h < world.get_height()
            else 0.0
        )
        rect = pygame.Rect(
            int(cam_x),
            int(cam_y),
            int(min(view_w, world.get_width())),
            int(min(view_h, world.get_height())),
        )
        screen.fill((40, 40, 40))
        part = world.subsurface(rect)
        scaled = pygame.transform.smoothscale(
            part, (int(rect.width * zoom), int(rect.height * zoom))
        )
        screen.blit(scaled, (0, 0))
        pygame.display.flip()
        clock.tick(60)
        count += 1
        if frames and count >= frames:
            running = False
    pygame.quit()
    return 0
