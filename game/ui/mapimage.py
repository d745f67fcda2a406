"""A whole scenario map drawn to an image file, for `eastfront map` and for looking at scenarios."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from game.files import atomic_path
from game.rules import fortification
from game.scenario.model import Scenario
from game.ui import furniture, render, terrain
from game.ui.palette import palette


def init_headless() -> None:
    """Let pygame draw without a screen (CI, servers): fonts and surfaces only."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    pygame.font.init()


def start_units(scenario: Scenario) -> render.UnitView:
    """The units on the map at the start of the scenario, at full strength."""
    u = scenario.units
    at_start = u.arrive_turn == 1
    return render.UnitView(
        hex=np.where(at_start, u.start_hex, -1).astype(np.int32),
        side=u.side,
        kind=u.kind,
        size=u.size,
        steps=u.max_steps.copy(),
        max_steps=u.max_steps,
        attack=u.attack,
        defence=u.defence,
        movement=u.movement,
        labels=u.labels,
        colors=scenario.side_table.colors,
    )


def render_scenario(scenario: Scenario, hex_px: float = 30.0, units: bool = True):  # type: ignore[no-untyped-def]
    """The full map on the first turn: control, towns, the ice of that turn's weather and
    (optionally) the starting counters."""
    import pygame

    init_headless()
    grid = scenario.map
    width, height = render.map_pixel_size(grid, hex_px)
    surface = pygame.Surface((width, height))
    surface.fill(render.PAPER)
    layout = render.map_layout(grid, hex_px)
    ice = terrain.ice_hexes(scenario, 1)
    render.draw_terrain(surface, grid, layout, ice=ice)
    render.draw_control(
        surface,
        grid,
        layout,
        scenario.control,
        palette(scenario).tints(),
        render.team_lookup(scenario.side_table.team),
    )
    level, owner = fortification.standing(
        scenario, scenario.control, np.zeros(grid.size, dtype=np.int16)
    )
    colors = palette(scenario)
    left, top = render.stamp_offsets(grid, layout)
    for h in np.flatnonzero(level).tolist():
        stamp = render.belt_stamp(layout, colors.dark(int(owner[h])), int(level[h]))
        surface.blit(stamp, (int(left[h]), int(top[h])))
    furniture.draw_graticule(surface, grid, layout)
    render.draw_routes(surface, grid, layout)
    render.draw_rivers(surface, grid, layout)
    render.draw_cities(surface, grid, layout, scenario.vp)
    if units:
        render.draw_units(surface, grid, layout, start_units(scenario))
    start = scenario.date_of_turn(1)
    end = scenario.date_of_turn(scenario.turns)
    subtitle = (
        f"{start:%d %b %Y} - {end:%d %b %Y}, {scenario.spec.scenario.days_per_turn} days a turn, "
        f"{grid.hex_km:g} km a hex"
    )
    furniture.draw_scale_bar(surface, grid, layout, scenario.title, subtitle)
    belts = furniture.belt_legend(scenario)
    furniture.draw_legend(surface, hex_px, grid=grid, ice=bool(ice.any()), belts=belts)
    return surface


def save_png(
    scenario: Scenario, path: Path, hex_px: float = 30.0, units: bool = True
) -> tuple[int, int]:
    """Draw and write atomically (`files.atomic_path`); returns the image size."""
    import pygame

    surface = render_scenario(scenario, hex_px, units)
    with atomic_path(path, ".png") as tmp:  # pygame picks the format by the name's ending
        pygame.image.save(surface, str(tmp))
    width, height = surface.get_size()
    return int(width), int(height)
