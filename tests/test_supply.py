"""Supply and encirclement: reach, weather, roads, railways, ZOC, pockets, attrition, surrender."""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import geo, hexgrid
from game.enums import Weather
from game.geo import HexMap
from game.narrate import describe_hex
from game.rules import supply
from game.rules.supply import (
    STEP_COST,
    attrition_face,
    draws_needed,
    effective_reach,
    find_pockets,
    isolated,
    strength_at,
    supply_distance,
    supply_ground,
    trace_supply,
    unit_supply,
    update_supply,
    weather_reach,
)
from game.scenario.model import Scenario, load_scenario
from game.state import GameState, UnitStatus, new_state
from tests import worlds
from tests.conftest import MiniWriter
from tests.worlds import AXIS, MINI, SOVIET, add_city, at, blank_grid

# --- a blank world built in code -----------------------------------------------------------------


def axial(grid: HexMap, centre: int, dq: int, dr: int) -> int:
    """The hex at an axial offset from `centre`."""
    return int(grid.index(grid.q[centre] + dq, grid.r[centre] + dr))


def world(
    grid: HexMap, units: Sequence[tuple[int, int]], **options: Any
) -> tuple[Scenario, GameState]:
    """`tests.worlds.world` with divisions of 100 tanks (the pocket and attrition tests count
    tanks)."""
    return worlds.world(grid, units, **{"tanks": 100, **options})


def ring_of_units(grid: HexMap, centre: int, radius: int, side: int) -> list[tuple[int, int]]:
    c = grid.hex_of(centre)
    return [(side, grid.index_of(h)) for h in hexgrid.ring(c, radius)]


def corners(grid: HexMap, centre: int, side: int) -> list[tuple[int, int]]:
    """Enemy units on the six corners of the radius-2 ring: their ZOC closes rings 1 and 2."""
    return [(side, axial(grid, centre, 2 * d.q, 2 * d.r)) for d in hexgrid.DIRECTIONS]


# --- reach ---------------------------------------------------------------------------------------


def test_unit_next_to_its_map_edge_is_in_supply() -> None:
    grid = blank_grid(10, 5)
    scenario, state = world(grid, [(AXIS, at(grid, 1, 2)), (SOVIET, at(grid, 8, 2))])
    assert unit_supply(scenario, state).tolist() == [True, False]  # soviets have no edge here


def test_reach_counts_whole_hexes_from_the_edge() -> None:
    grid = blank_grid(12, 5)
    scenario, state = world(grid, [(AXIS, at(grid, 4, 2)), (AXIS, at(grid, 5, 1))], reach=4)
    assert supply_distance(scenario, state, AXIS)[at(grid, 0, 2) : at(grid, 6, 2)].tolist() == [
        0, 2, 4, 6, 8, -1,
    ]  # fmt: skip
    assert unit_supply(scenario, state).tolist() == [True, False]
    # one hex too far is out of supply but not cut off
    assert not isolated(scenario, state, AXIS)[at(grid, 5, 1)]
    assert find_pockets(scenario, state, AXIS) == []


@pytest.mark.parametrize(
    ("weather", "reach", "expected"),
    [
        (Weather.CLEAR, 8, 8),
        (Weather.FROZEN, 8, 8),
        (Weather.SNOW, 8, 7),
        (Weather.RAIN, 8, 7),
        (Weather.THAW, 8, 6),
        (Weather.THAW, 6, 5),
        (Weather.MUD, 8, 4),
        (Weather.MUD, 6, 3),
        (Weather.MUD, 5, 3),
        (Weather.MUD, 1, 1),
        (Weather.SNOW, 1, 1),
    ],
)
def test_weather_shortens_the_reach(weather: Weather, reach: int, expected: int) -> None:
    assert weather_reach(reach, weather) == expected


def test_mud_halves_the_reach_on_the_map() -> None:
    grid = blank_grid(12, 5)
    units = [(AXIS, at(grid, 6, 2))]
    dry, dry_state = world(grid, units, reach=8)
    mud, mud_state = world(grid, units, reach=8, weather=Weather.MUD)
    assert unit_supply(dry, dry_state).tolist() == [True]
    assert unit_supply(mud, mud_state).tolist() == [False]
    assert trace_supply(mud, mud_state, AXIS)[at(grid, 4, 2)]
    assert not trace_supply(mud, mud_state, AXIS)[at(grid, 5, 2)]


def test_a_road_doubles_the_reach_along_it() -> None:
    grid = blank_grid(12, 5)
    geo.add_route(grid, grid.road, [at(grid, c, 2) for c in range(10)])
    scenario, state = world(grid, [(AXIS, at(grid, 8, 2)), (AXIS, at(grid, 8, 4))], reach=4)
    assert supply_distance(scenario, state, AXIS)[at(grid, 8, 2)] == 8  # eight road steps
    assert unit_supply(scenario, state).tolist() == [True, False]


# --- encirclement --------------------------------------------------------------------------------


def test_a_ring_of_enemy_units_cuts_supply_and_makes_a_pocket() -> None:
    grid = blank_grid(12, 9)
    centre = at(grid, 5, 4)
    add_city(grid, "Krasnoarmeysk", centre)
    add_city(grid, "Far Away", at(grid, 11, 8))
    units = [(AXIS, centre), *ring_of_units(grid, centre, 1, SOVIET)]
    scenario, state = world(grid, units, reach=20)
    assert not unit_supply(scenario, state)[0]
    assert isolated(scenario, state, AXIS)[centre]
    (pocket,) = find_pockets(scenario, state, AXIS)
    assert pocket.units.tolist() == [0]
    assert pocket.hexes.tolist() == [centre]
    assert (pocket.men, pocket.tanks) == (10_000, 100)
    assert describe_hex(scenario, pocket.city) == "Krasnoarmeysk"


def test_enemy_zoc_without_friendly_presence_cuts_supply() -> None:
    grid = blank_grid(14, 11)
    centre = at(grid, 6, 5)
    units = [(AXIS, centre), *corners(grid, centre, SOVIET)]
    scenario, state = world(grid, units, reach=20)
    ground = supply_ground(scenario, state, AXIS)
    ring_1 = [axial(grid, centre, d.q, d.r) for d in hexgrid.DIRECTIONS]
    assert not ground.enemy[ring_1].any() and ground.enemy_zoc[ring_1].all()
    assert not unit_supply(scenario, state)[0]
    assert isolated(scenario, state, AXIS)[centre]
    assert [p.units.tolist() for p in find_pockets(scenario, state, AXIS)] == [[0]]


def test_friendly_units_in_enemy_zoc_keep_the_path_open() -> None:
    grid = blank_grid(14, 11)
    centre = at(grid, 6, 5)
    # west through the gap between the W and SW corner units: ring 1, ring 2, ring 3 all in ZOC
    path = [axial(grid, centre, -1, 0), axial(grid, centre, -2, 1), axial(grid, centre, -3, 1)]
    enemy = corners(grid, centre, SOVIET)
    for held in range(len(path) + 1):
        units = [(AXIS, centre), *[(AXIS, h) for h in path[:held]], *enemy]
        scenario, state = world(grid, units, reach=20)
        in_supply = unit_supply(scenario, state)
        assert in_supply[0] == (held == len(path)), held
        assert isolated(scenario, state, AXIS)[centre] == (held < len(path))


def test_two_units_inside_one_ring_are_one_pocket() -> None:
    grid = blank_grid(16, 13)
    west = at(grid, 6, 6)
    middle, east = axial(grid, west, 1, 0), axial(grid, west, 2, 0)
    blob = {west, middle, east}  # the empty middle hex is in enemy ZOC: it passes no supply
    wall = sorted({int(n) for h in blob for n in grid.neighbor[h]} - blob)
    units = [(AXIS, west), (AXIS, east)] + [(SOVIET, h) for h in wall]
    scenario, state = world(grid, units, reach=30, men=9_000)
    assert not supply_ground(scenario, state, AXIS).passable[middle]
    assert not unit_supply(scenario, state)[:2].any()
    (pocket,) = find_pockets(scenario, state, AXIS)
    assert pocket.units.tolist() == [0, 1]
    assert pocket.hexes.tolist() == [west, east]
    assert pocket.men == 18_000


# --- railways, railheads and depots --------------------------------------------------------------


def railway_world() -> tuple[HexMap, list[int]]:
    grid = blank_grid(32, 5)
    line = [at(grid, c, 2) for c in range(26)]
    geo.add_route(grid, grid.rail, line)
    return grid, line


def test_a_railway_carries_supply_far_beyond_the_overland_reach() -> None:
    grid, _ = railway_world()
    units = [(AXIS, at(grid, 27, 2)), (AXIS, at(grid, 28, 2)), (AXIS, at(grid, 27, 4))]
    scenario, state = world(grid, units, reach=2)
    assert unit_supply(scenario, state).tolist() == [True, False, False]
    assert supply_distance(scenario, state, AXIS)[at(grid, 25, 2)] == 0  # the railhead


def test_enemy_zoc_across_the_railway_cuts_it_and_a_friendly_unit_reopens_it() -> None:
    grid, _ = railway_world()
    cutter = (SOVIET, at(grid, 12, 1))  # its ZOC covers rail hexes (12, 2) and (13, 2)
    beyond = (AXIS, at(grid, 26, 2))
    scenario, state = world(grid, [beyond, cutter], reach=2)
    assert unit_supply(scenario, state).tolist() == [False, False]
    assert not isolated(scenario, state, AXIS)[at(grid, 26, 2)]  # the way round is just too long
    guards = [(AXIS, at(grid, 12, 2)), (AXIS, at(grid, 13, 2))]
    scenario, state = world(grid, [beyond, cutter, *guards], reach=2)
    assert unit_supply(scenario, state)[0]


def test_the_railway_runs_only_through_friendly_held_hexes() -> None:
    grid, _ = railway_world()
    control = np.full(grid.size, AXIS, dtype=np.uint8)
    control[at(grid, 20, 2)] = SOVIET
    scenario, state = world(grid, [(AXIS, at(grid, 26, 2))], reach=2, control=control)
    assert not unit_supply(scenario, state)[0]


def test_a_depot_supplies_on_its_own_but_a_railhead_needs_the_railway() -> None:
    grid = blank_grid(32, 5)
    add_city(grid, "Depot", at(grid, 20, 2), "depot")
    add_city(grid, "Railhead", at(grid, 20, 4), "railhead")
    units = [(AXIS, at(grid, 22, 2)), (AXIS, at(grid, 22, 4))]
    scenario, state = world(grid, units, reach=2)
    assert unit_supply(scenario, state).tolist() == [True, False]
    control = np.full(grid.size, AXIS, dtype=np.uint8)
    control[at(grid, 20, 2)] = SOVIET  # a depot the enemy holds feeds nobody
    scenario, state = world(grid, units, reach=2, control=control)
    assert unit_supply(scenario, state).tolist() == [False, False]


# --- the real mini scenario ----------------------------------------------------------------------


def test_soviet_division_in_kharkov_traces_up_the_belgorod_road_to_the_north_edge() -> None:
    state = new_state(MINI, seed=1)
    kharkov = MINI.map.city_by_id("kharkov")
    assert kharkov is not None
    assert effective_reach(MINI, SOVIET, 1) == 6  # frozen: full reach
    # nine hexes overland to any Soviet edge, but the road makes it eleven half-hexes
    assert supply_distance(MINI, state, SOVIET)[kharkov.hex] == 11
    assert unit_supply(MINI, state).tolist() == [True, True, True, False]  # 62nd Gd not arrived


def test_the_thaw_puts_kharkov_beyond_the_soviet_reach(mini: MiniWriter) -> None:
    state = new_state(MINI, seed=1)
    state.turn = 4  # the thaw begins on 13 March
    assert effective_reach(MINI, SOVIET, 4) == 5
    assert unit_supply(MINI, state).tolist() == [True, True, False, False]
    later = load_scenario(mini(replace={"1943-03-13": "1943-03-15"}))  # a late thaw
    assert unit_supply(later, state).tolist() == [True, True, True, False]


KHARKOV_RING = "".join(
    f"""
[[units]]
id = "ring_{i}"
name = "Ring {i}"
side = "axis"
template = "panzer"
formation = "SS Panzer Corps"
hex = [{q}, {r}]
"""
    for i, (q, r) in enumerate([(0, 9), (0, 8), (-1, 8), (-2, 9), (-2, 10), (-1, 10)])
)


def test_an_axis_ring_round_kharkov_makes_a_pocket_at_kharkov(mini: MiniWriter) -> None:
    scenario = load_scenario(mini(append=KHARKOV_RING))
    state = new_state(scenario, seed=1)
    rifle = scenario.units.index("rifle_19")
    dice = np.full(draws_needed(scenario), 6)
    report = update_supply(scenario, state, SOVIET, dice)
    assert report.newly_out.tolist() == [rifle]
    assert [(describe_hex(scenario, p.city), len(p.units), p.men) for p in report.pockets] == [
        ("Kharkov", 1, 4500)
    ]
    assert state.supply[rifle] == 1
    assert unit_supply(scenario, state)[scenario.units.side == AXIS].all()


# --- the supply phase: counter, attrition, surrender, accounting --------------------------------


def assert_accounts(scenario: Scenario, state: GameState) -> None:
    units = scenario.units
    present = strength_at(units.men, state.steps, units.max_steps)
    assert (present + state.men_lost == units.men).all()
    tanks = strength_at(units.tanks, state.steps, units.max_steps)
    assert (tanks + state.tanks_lost == units.tanks).all()


def test_out_of_supply_effects_build_up_turn_by_turn() -> None:
    grid = blank_grid(24, 9)
    pocket, far = at(grid, 6, 4), at(grid, 16, 4)
    units = [(AXIS, pocket), (AXIS, far), *ring_of_units(grid, pocket, 1, SOVIET)]
    scenario, state = world(grid, units, reach=4, men=10_001, tanks=100)
    n = draws_needed(scenario)
    assert n == scenario.units.count
    hit = np.full(n, 6)
    hit[:2] = 1

    def phase(dice: np.ndarray) -> supply.SupplyReport:
        report = update_supply(scenario, state, AXIS, dice)
        assert_accounts(scenario, state)
        return report

    first = phase(hit)  # weakened: a die of 1 does nothing yet
    assert first.newly_out.tolist() == [0, 1] and first.step_losses.tolist() == []
    assert [p.units.tolist() for p in first.pockets] == [[0]]
    second = phase(hit)  # no replacements, still no losses
    assert second.newly_out.tolist() == [] and second.out_of_supply.tolist() == [0, 1]
    assert state.supply[:2].tolist() == [2, 2] and state.steps[:2].tolist() == [4, 4]
    third = phase(hit)  # attrition starts
    assert third.step_losses.tolist() == [0, 1]
    assert state.steps[:2].tolist() == [3, 3]
    assert third.men_lost == 2 * (10_001 - 10_001 * 3 // 4) and third.tanks_lost == 50
    miss = np.full(n, attrition_face(scenario) + 1)
    fourth = phase(miss)  # the pocket surrenders; the unit merely beyond reach holds on
    assert fourth.surrendered.tolist() == [0] and fourth.step_losses.tolist() == []
    assert state.status[0] == UnitStatus.SURRENDERED and state.hex[0] == -1
    assert state.steps[0] == 0 and state.men_lost[0] == 10_001 and state.tanks_lost[0] == 100
    assert fourth.men_lost == 10_001 * 3 // 4
    assert state.status[1] == UnitStatus.ACTIVE and state.supply[1] == 4
    assert state.supply[2:].tolist() == [0] * 6  # the other side's counters are not touched
    for _ in range(3):
        phase(hit)  # three more bad turns wear the last steps away
    assert state.status[1] == UnitStatus.ELIMINATED and state.hex[1] == -1
    assert state.men_lost[1] == 10_001 and state.tanks_lost[1] == 100


def test_a_unit_back_in_supply_resets_its_counter() -> None:
    grid = blank_grid(12, 9)
    centre = at(grid, 5, 4)
    units = [(AXIS, centre), *ring_of_units(grid, centre, 1, SOVIET)]
    scenario, state = world(grid, units, reach=20)
    dice = np.full(draws_needed(scenario), 6)
    update_supply(scenario, state, AXIS, dice)
    update_supply(scenario, state, AXIS, dice)
    assert state.supply[0] == 2
    state.status[1] = UnitStatus.ELIMINATED  # a gap in the ring: its neighbours' ZOC closes it
    state.hex[1] = -1
    update_supply(scenario, state, AXIS, dice)
    assert state.supply[0] == 3
    state.status[2:4] = UnitStatus.ELIMINATED  # three ring units gone: the gap is free of ZOC
    state.hex[2:4] = -1
    report = update_supply(scenario, state, AXIS, dice)
    assert state.supply[0] == 0 and report.out_of_supply.tolist() == [] and report.pockets == []


def test_update_supply_wants_one_die_per_unit() -> None:
    grid = blank_grid(6, 4)
    scenario, state = world(grid, [(AXIS, at(grid, 1, 1))])
    with pytest.raises(ValueError, match="draws"):
        update_supply(scenario, state, AXIS, np.ones(3, dtype=np.int64))


# --- invariants ----------------------------------------------------------------------------------

COLS, ROWS = 9, 7
GRID = blank_grid(COLS, ROWS)
geo.add_route(GRID, GRID.rail, [at(GRID, c, 3) for c in range(6)])
geo.add_route(GRID, GRID.road, [at(GRID, c, 5) for c in range(COLS)])
add_city(GRID, "Depot", at(GRID, 7, 1), "depot")


@st.composite
def positions(draw: st.DrawFn) -> tuple[list[tuple[int, int]], np.ndarray, Weather, int]:
    hexes = draw(st.lists(st.integers(0, GRID.size - 1), min_size=2, max_size=24, unique=True))
    sides = draw(
        st.lists(st.sampled_from([AXIS, SOVIET]), min_size=len(hexes), max_size=len(hexes))
    )
    if SOVIET not in sides:
        sides[-1] = SOVIET
    control = np.array(
        draw(st.lists(st.sampled_from([AXIS, SOVIET]), min_size=GRID.size, max_size=GRID.size)),
        dtype=np.uint8,
    )
    weather = draw(st.sampled_from(list(Weather)))
    reach = draw(st.integers(1, 6))
    return list(zip(sides, hexes, strict=True)), control, weather, reach


@settings(max_examples=150, deadline=None)
@given(positions(), st.data())
def test_removing_an_enemy_unit_never_puts_a_friendly_unit_out_of_supply(
    setup: tuple[list[tuple[int, int]], np.ndarray, Weather, int], data: st.DataObject
) -> None:
    units, control, weather, reach = setup
    edges = {AXIS: ["west"], SOVIET: ["east"]}
    scenario, state = world(GRID, units, edges=edges, reach=reach, weather=weather, control=control)
    enemies = [i for i, (s, _) in enumerate(units) if s == SOVIET]
    gone = data.draw(st.sampled_from(enemies))
    before = unit_supply(scenario, state)
    layer_before = trace_supply(scenario, state, AXIS)
    cut_before = isolated(scenario, state, AXIS)
    state.status[gone] = UnitStatus.ELIMINATED
    state.hex[gone] = -1
    after = unit_supply(scenario, state)
    friendly = scenario.units.side == AXIS
    assert not (before & ~after & friendly).any()
    assert not (layer_before & ~trace_supply(scenario, state, AXIS)).any()
    assert not (isolated(scenario, state, AXIS) & ~cut_before).any()


def reference_distance(scenario: Scenario, state: GameState, side: int) -> list[int]:
    """Dijkstra one hex at a time, straight from the rules text; -1 beyond reach."""
    ground = supply_ground(scenario, state, side)
    grid = scenario.map
    limit = STEP_COST * effective_reach(scenario, side, state.turn)
    best = [math.inf] * grid.size
    queue = [(0, int(h)) for h in np.nonzero(ground.sources)[0]]
    for _, h in queue:
        best[h] = 0
    heapq.heapify(queue)
    while queue:
        d, h = heapq.heappop(queue)
        if d > best[h] or not ground.passable[h]:
            continue
        for k in range(6):
            nb = int(grid.neighbor[h, k])
            if nb < 0 or not ground.enterable[nb]:
                continue
            nd = d + (supply.ROAD_STEP_COST if grid.road[h, k] else STEP_COST)
            if nd <= limit and nd < best[nb]:
                best[nb] = nd
                heapq.heappush(queue, (nd, nb))
    return [int(b) if b <= limit else -1 for b in best]


def reference_isolated(scenario: Scenario, state: GameState, side: int) -> list[bool]:
    ground = supply_ground(scenario, state, side)
    grid = scenario.map
    reached = [bool(s) for s in ground.sources]
    todo = deque(int(h) for h in np.nonzero(ground.sources)[0])
    while todo:
        h = todo.popleft()
        if not ground.passable[h]:
            continue
        for nb in grid.neighbor[h]:
            if nb >= 0 and ground.enterable[nb] and not reached[nb]:
                reached[nb] = True
                todo.append(int(nb))
    return [not r for r in reached]


@settings(max_examples=150, deadline=None)
@given(positions())
def test_array_trace_matches_a_hex_by_hex_reference(
    setup: tuple[list[tuple[int, int]], np.ndarray, Weather, int],
) -> None:
    units, control, weather, reach = setup
    edges = {AXIS: ["west"], SOVIET: ["east", "north"]}
    scenario, state = world(GRID, units, edges=edges, reach=reach, weather=weather, control=control)
    for side in (AXIS, SOVIET):
        assert supply_distance(scenario, state, side).tolist() == reference_distance(
            scenario, state, side
        )
        assert isolated(scenario, state, side).tolist() == reference_isolated(scenario, state, side)


def test_the_kernels_take_a_leading_game_axis() -> None:
    """Two games stacked on axis 0 give the same answers as each game alone."""
    grid, _ = railway_world()
    games = [
        world(grid, [(AXIS, at(grid, 27, 2)), (SOVIET, at(grid, 12, 1))], reach=2),
        world(grid, [(AXIS, at(grid, 27, 2)), (SOVIET, at(grid, 20, 4))], reach=3),
    ]
    grounds = [supply_ground(s, g, AXIS) for s, g in games]
    stack = [np.stack([getattr(g, name) for g in grounds]) for name in ("sources", "passable")]
    enterable = np.stack([g.enterable for g in grounds])
    cost = np.where(grid.road, supply.ROAD_STEP_COST, STEP_COST).astype(np.int32)
    limits = np.array([4, 6], dtype=np.int32)
    both = supply._distance(grid.neighbor, cost, stack[0], stack[1], enterable, limits)
    cut = supply._connected(grid.neighbor, stack[1], stack[0])
    for k, g in enumerate(grounds):
        alone = supply._distance(grid.neighbor, cost, g.sources, g.passable, g.enterable, limits[k])
        assert (both[k] == alone).all()
        assert (cut[k] == supply._connected(grid.neighbor, g.passable, g.sources)).all()


@pytest.mark.parametrize("days_per_turn", [1, 2, 3, 7])
def test_supply_stage_counts_the_stage_starts_a_unit_has_reached(days_per_turn: int) -> None:
    """A unit `c` turns out of supply is in the stage whose first turn (STAGE_DAYS on the
    scenario's turns) it has reached: 0 before the first, SURRENDER from the last on, for every
    counter a unit can carry and in batches of games alike."""
    from dataclasses import replace

    from tests.conftest import KHARKOV

    kharkov = load_scenario(KHARKOV)
    scenario = replace(kharkov, scale=replace(kharkov.scale, days_per_turn=days_per_turn))
    starts = supply.stage_turns(scenario)
    counters = np.arange(256, dtype=np.uint8).reshape(4, 64)
    want = np.array([[sum(int(c) >= t for t in starts) for c in row] for row in counters])
    assert (supply.supply_stage(scenario, counters) == want).all()
    assert int(supply.supply_stage(scenario, 0)) == 0
    assert int(supply.supply_stage(scenario, 255)) == supply.SURRENDER
