"""Counters on the map: they grow with the zoom, show their numbers from the middle zoom and
their names close up, stay a clear NATO block at whole-map zooms, and a stack shows its size and
the unit the player brought to the top."""

from __future__ import annotations

import numpy as np
import pygame

from game.enums import UnitKind, UnitSize
from game.ui import catalogue
from game.ui.counters import (
    BOX_PAPER,
    CounterLook,
    counter_detail,
    counter_px,
    render_counter,
)
from game.ui.mapview import ZOOM_LEVELS, MapView, Scene, StackView

LOOK = CounterLook(
    0, (152, 164, 176), int(UnitKind.ARMOUR), int(UnitSize.DIVISION), "3 Pz", 7, 6, 11, 4, 4
)


def test_counters_grow_with_the_zoom_to_64_pixels_and_more() -> None:
    sizes = [counter_px(z) for z in ZOOM_LEVELS]
    assert sizes == sorted(sizes) and len(set(sizes)) >= len(sizes) - 1
    assert sizes[-1] >= 64
    assert all(px <= z * 0.92 for px, z in zip(sizes, ZOOM_LEVELS, strict=True) if z >= 24)


def test_what_a_counter_shows_at_each_zoom() -> None:
    assert counter_detail(counter_px(ZOOM_LEVELS[-1])) == "full"  # names close up
    assert counter_detail(counter_px(30)) == "numbers"  # the middle zoom shows the numbers
    assert counter_detail(counter_px(47)) == "full"
    for whole_map in (12, 15, 19):  # whole-map zooms at 1280x720 .. 1920x1080
        assert counter_detail(counter_px(whole_map)) == "block"


def test_a_whole_map_counter_is_a_block_with_its_symbol() -> None:
    pygame.font.init()
    px = counter_px(19)  # the whole map at 1920x1080
    img = pygame.surfarray.array3d(render_counter(LOOK, px)).reshape(-1, 3)
    colours = {tuple(int(v) for v in c) for c in img}
    fill = sum(1 for c in img if tuple(c) == LOOK.color)
    paper = sum(1 for c in img if tuple(c) == BOX_PAPER)
    assert fill > px  # the side's colour is there ...
    assert paper > px * px * 0.1  # ... round a big NATO frame
    assert len(colours) >= 4  # fill, paper, ink, bevel: not a flat square


def test_a_close_counter_carries_its_name_readably() -> None:
    pygame.font.init()
    px = counter_px(ZOOM_LEVELS[-1])
    with_name = pygame.surfarray.array3d(render_counter(LOOK, px))
    nameless = pygame.surfarray.array3d(
        render_counter(CounterLook(**{**LOOK.__dict__, "label": ""}), px)
    )
    rows = np.nonzero((with_name != nameless).any(axis=(0, 2)))[0]
    assert rows.size and rows.max() - rows.min() + 1 >= 9  # letters at least 9 px tall


def test_a_stack_shows_its_size_and_the_unit_brought_to_the_top() -> None:
    pygame.display.init()
    pygame.font.init()
    surface = pygame.Surface((800, 600))
    scenario = catalogue.scenario("kharkov_1943")
    view = MapView(scenario)
    rect = surface.get_rect()
    h = scenario.map.city_by_id("kharkov").hex  # type: ignore[union-attr]
    other = CounterLook(1, (196, 92, 70), int(UnitKind.INFANTRY), 2, "6 Army", 3, 3, 5, 4, 4)
    stack = StackView(h, [5, 9], [LOOK, other])
    assert view.stack_order(stack) == [0, 1]  # the last unit on top by default
    assert view.cycle_stack(stack) == 5 and view.stack_top[h] == 5
    assert view.stack_order(stack) == [1, 0]
    assert view.cycle_stack(stack) == 9 and view.stack_order(stack) == [0, 1]
    view.stack_top[h] = 77  # a unit no longer there: the default order
    assert view.stack_order(stack) == [0, 1]

    view.camera.zoom = view.camera.target_zoom = 47.0
    view.center_on_hex(rect, h)
    x, y = (round(v) for v in view.hex_screen(rect, h))
    scene = Scene(control=scenario.control.copy(), stacks=[stack])
    view.stack_top[h] = 5
    view.draw(surface, rect, scene)
    assert surface.get_at((x, y - counter_px(47) // 2 + 8))[:3] != other.color  # 3 Pz on top
    single = Scene(control=scenario.control.copy(), stacks=[StackView(h, [5], [LOOK])])
    alone = surface.copy()
    view.draw(alone, rect, single)
    corner = (x - counter_px(47) // 2 - 5, y - counter_px(47) // 2)  # left of the figure
    # the count badge on the top counter's corner, which a single counter has not
    assert surface.get_at(corner)[:3] == (30, 28, 24)
    assert alone.get_at(corner)[:3] != (30, 28, 24)
