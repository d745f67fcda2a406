"""Tests for game.rules.movement: hand-worked costs on tiny maps, ZOC, stacking, the real mini map,
and invariants of legal_moves against an independent reference search.

Costs are in cost units: 2 per movement point. A panzer division here has 10 MP = 20 units, a
rifle division 5 MP = 10 units. Most cases use a corridor: a 3-row map whose top and bottom rows
are water, so the only way east along row 1 is hex by hex.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game import hexgrid
from game.enums import NO_SIDE, River, Terrain, UnitKind, UnitSize, Weather
from game.geo import EARTH_RADIUS_KM, HexMap, make_grid
from game.rules import movement
from game.rules.movement import (
    LEAVE_ZOC_COST,
    MovementClass,
    MovementRules,
    Reach,
    legal_moves,
    move_path_cost,
    movement_allowance,
    movement_field,
)
from game.rules.weather import turn_weather
from game.rules.zoc import enemy_zone_of_control, zone_of_control
from game.scenario.model import Scenario, UnitTable, load_scenario
from game.state import GameState, UnitStatus, new_state

DATA = Path(__file__).parent / "data"
AXIS, SOVIET = 0, 1  # side numbers of the test scenarios (their move order)
ARMOUR, INFANTRY, CAVALRY = UnitKind.ARMOUR, UnitKind.INFANTRY, UnitKind.CAVALRY
Cell = tuple[int, int]  # (col, row) as printed on the map edge


@pytest.fixture(scope="module")
def mini_scenario() -> Scenario:
    return load_scenario(DATA / "mini.toml")


_BASE: list[Scenario] = []


def base_scenario() -> Scenario:
    """The mini scenario, loaded once, as a template whose map and units tests replace."""
    if not _BASE:
        _BASE.append(load_scenario(DATA / "mini.toml"))
    return _BASE[0]


def blank_grid(cols: int, rows: int) -> HexMap:
    """An all-clear map of exactly cols x rows 10 km hexes."""
    lat0, lon0, hex_km = 50.0, 36.0, 10.0
    size = hex_km / math.sqrt(3.0)
    half_w = (cols - 1.5) * hex_km / 2.0
    half_h = (rows - 1.5) * 1.5 * size / 2.0
    dlon = math.degrees(half_w / (EARTH_RADIUS_KM * math.cos(math.radians(lat0))))
    dlat = math.degrees(half_h / EARTH_RADIUS_KM)
    bounds = (lat0 - dlat, lat0 + dlat, lon0 - dlon, lon0 + dlon)
    grid = make_grid("test", "test", hex_km, (lat0, lon0), bounds)
    assert (grid.cols, grid.rows) == (cols, rows)
    return grid


class World:
    """A tiny map built in code plus a list of units; `build` gives a scenario and a state."""

    def __init__(self, cols: int, rows: int) -> None:
        self.grid = blank_grid(cols, rows)
        self.units: list[tuple[int, UnitKind, int, int, int]] = []  # side, kind, MP, hex, steps

    @classmethod
    def corridor(cls, length: int) -> World:
        world = cls(length, 3)
        for col in range(length):
            world.terrain(col, 0, Terrain.WATER)
            world.terrain(col, 2, Terrain.WATER)
        return world

    def h(self, col: int, row: int) -> int:
        return row * self.grid.cols + col

    def terrain(self, col: int, row: int, terrain: Terrain) -> None:
        self.grid.terrain[self.h(col, row)] = terrain

    def hexside(self, layer: np.ndarray, a: Cell, b: Cell, value: int) -> None:
        """Set the hexside between adjacent hexes a and b (col, row) on both sides."""
        ha, hb = self.h(*a), self.h(*b)
        d = int(np.nonzero(self.grid.neighbor[ha] == hb)[0][0])
        layer[ha, d] = value
        layer[hb, hexgrid.opposite(d)] = value

    def river(self, a: Cell, b: Cell, size: River) -> None:
        self.hexside(self.grid.river, a, b, size)

    def road_along(self, cells: list[Cell], rail: bool = False) -> None:
        layer = self.grid.rail if rail else self.grid.road
        for a, b in itertools.pairwise(cells):
            self.hexside(layer, a, b, True)

    def unit(
        self, side: int, kind: UnitKind, col: int, row: int, mp: int = 10, steps: int = 2
    ) -> int:
        self.units.append((side, kind, mp, self.h(col, row), steps))
        return len(self.units) - 1

    def build(
        self, weather: Weather = Weather.CLEAR, stacking_limit: int = 3
    ) -> tuple[Scenario, GameState]:
        base = base_scenario()
        n = len(self.units)
        table = UnitTable(
            ids=tuple(f"u{i}" for i in range(n)),
            names=tuple(f"Unit {i}" for i in range(n)),
            labels=tuple(f"U{i}" for i in range(n)),
            formations=("test",),
            formation=np.zeros(n, dtype=np.int16),
            side=np.array([u[0] for u in self.units], dtype=np.uint8),
            kind=np.array([u[1] for u in self.units], dtype=np.uint8),
            size=np.full(n, UnitSize.DIVISION, dtype=np.uint8),
            max_steps=np.array([max(u[4], 1) for u in self.units], dtype=np.int8),
            attack=np.full(n, 5, dtype=np.int16),
            defence=np.full(n, 5, dtype=np.int16),
            movement=np.array([u[2] for u in self.units], dtype=np.int8),
            allowance=np.array([2 * u[2] for u in self.units], dtype=np.int16),
            men=np.full(n, 10000, dtype=np.int32),
            tanks=np.zeros(n, dtype=np.int32),
            start_hex=np.array([u[3] for u in self.units], dtype=np.int32),
            arrive_turn=np.ones(n, dtype=np.int16),
            withdraw_turn=np.zeros(n, dtype=np.int16),
        )
        head = base.spec.scenario.model_copy(update={"stacking_limit": stacking_limit})
        scenario = dataclasses.replace(
            base,
            spec=base.spec.model_copy(update={"scenario": head}),
            map=self.grid,
            units=table,
            control=np.full(self.grid.size, NO_SIDE, dtype=np.uint8),
            weather=np.array([weather, weather], dtype=np.uint8),
            vp=np.zeros(self.grid.size, dtype=np.int16),
        )
        state = new_state(scenario, seed=0)
        state.steps[:] = np.array([u[4] for u in self.units], dtype=np.int8)
        return scenario, state


def costs_along_row(world: World, reach: Reach, row: int = 1) -> list[int]:
    return [int(reach.cost[world.h(col, row)]) for col in range(world.grid.cols)]


# --- the cost tables ------------------------------------------------------------------------------


def test_cost_tables_are_consistent() -> None:
    rules = MovementRules(blank_grid(3, 3))  # the constructor checks shapes and signs
    assert rules.terrain_cost.shape == (3, 6, len(Terrain))
    assert np.all(movement.TERRAIN_COST[:, :, Terrain.WATER] == movement.IMPASSABLE)
    # roads are never dearer than the cheapest open ground, and never free
    assert np.all(movement.ROAD_COST >= 1)
    assert np.all(movement.TERRAIN_COST[:, :, Terrain.CLEAR] >= movement.ROAD_COST)


def test_movement_class_of_each_kind() -> None:
    assert movement.movement_class(UnitKind.ARMOUR) == MovementClass.MECHANISED
    assert movement.movement_class(UnitKind.MECHANISED) == MovementClass.MECHANISED
    assert movement.movement_class(UnitKind.INFANTRY) == MovementClass.FOOT
    assert movement.movement_class(UnitKind.ARTILLERY) == MovementClass.FOOT
    assert movement.movement_class(UnitKind.CAVALRY) == MovementClass.CAVALRY


def test_allowance_is_two_units_per_mp_and_half_for_mechanised_in_exploitation() -> None:
    world = World(3, 3)
    world.unit(AXIS, ARMOUR, 0, 0, mp=10)
    world.unit(AXIS, INFANTRY, 1, 0, mp=5)
    scenario, _ = world.build()
    assert movement_allowance(scenario, [0, 1]).tolist() == [20, 10]
    assert movement_allowance(scenario, [0, 1], exploitation=True).tolist() == [10, 0]


# --- terrain, rivers, roads, weather -------------------------------------------------------------


def test_entering_forest_and_marsh_costs_more_than_clear() -> None:
    world = World.corridor(5)
    world.terrain(2, 1, Terrain.FOREST)
    world.terrain(3, 1, Terrain.MARSH)
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    rifle = world.unit(AXIS, INFANTRY, 0, 1, mp=8)
    scenario, state = world.build()
    # clear 2, forest 4, marsh: mechanised 6, foot 4, then clear 2
    assert costs_along_row(world, legal_moves(scenario, state, panzer, 20)) == [0, 2, 6, 12, 14]
    assert costs_along_row(world, legal_moves(scenario, state, rifle, 16)) == [0, 2, 6, 10, 12]


def test_allowance_limits_the_reach() -> None:
    world = World.corridor(8)
    rifle = world.unit(AXIS, INFANTRY, 0, 1, mp=5)
    scenario, state = world.build()
    state.movement_left[rifle] = 7
    left = legal_moves(scenario, state, rifle)
    assert costs_along_row(world, left) == [0, 2, 4, 6, -1, -1, -1, -1]
    full = legal_moves(scenario, state, rifle, 10)
    assert costs_along_row(world, full)[:6] == [0, 2, 4, 6, 8, 10]


@pytest.mark.parametrize(
    ("size", "kind", "expected"),
    [
        (River.MINOR, ARMOUR, 2 + 2 + 2),  # clear, then clear + minor river
        (River.MAJOR, ARMOUR, 2 + 2 + 6),  # mechanised pay 3 MP for a major river
        (River.MAJOR, INFANTRY, 2 + 2 + 4),  # foot pay 2 MP
    ],
)
def test_river_crossing_costs_extra_when_not_frozen(
    size: River, kind: UnitKind, expected: int
) -> None:
    world = World.corridor(4)
    world.river((1, 1), (2, 1), size)
    mover = world.unit(AXIS, kind, 0, 1, mp=10)
    scenario, state = world.build(Weather.CLEAR)
    assert legal_moves(scenario, state, mover, 20).cost[world.h(2, 1)] == expected


@pytest.mark.parametrize("weather", [Weather.FROZEN, Weather.SNOW])
def test_frozen_rivers_are_cheaper(weather: Weather) -> None:
    world = World.corridor(4)
    world.river((0, 1), (1, 1), River.MINOR)
    world.river((1, 1), (2, 1), River.MAJOR)
    rifle = world.unit(AXIS, INFANTRY, 0, 1, mp=10)
    scenario, state = world.build(weather)
    clear = movement.TERRAIN_COST[MovementClass.FOOT, weather, Terrain.CLEAR]
    reach = legal_moves(scenario, state, rifle, 20)
    assert reach.cost[world.h(1, 1)] == clear  # minor river on the ice: free
    assert reach.cost[world.h(2, 1)] == 2 * clear + 2  # major river: +1 MP


def test_thaw_floods_major_rivers_for_armour_but_not_at_a_bridge() -> None:
    world = World.corridor(4)
    world.river((1, 1), (2, 1), River.MAJOR)
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    rifle = world.unit(AXIS, INFANTRY, 0, 1, mp=10)
    scenario, state = world.build(Weather.THAW)
    assert legal_moves(scenario, state, panzer, 20).cost[world.h(2, 1)] == -1
    assert legal_moves(scenario, state, rifle, 20).cost[world.h(2, 1)] == 3 + 3 + 6
    world.road_along([(1, 1), (2, 1)])  # a bridge
    scenario, state = world.build(Weather.THAW)
    assert legal_moves(scenario, state, panzer, 20).cost[world.h(2, 1)] == 4 + 2


def test_road_along_a_chain_halves_the_cost() -> None:
    world = World.corridor(8)
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    scenario, state = world.build()
    off_road = legal_moves(scenario, state, panzer, 20)
    assert costs_along_row(world, off_road) == [0, 2, 4, 6, 8, 10, 12, 14]
    world.road_along([(c, 1) for c in range(8)])
    scenario, state = world.build()
    assert costs_along_row(world, legal_moves(scenario, state, panzer, 20)) == list(range(8))


def test_road_ignores_terrain_and_river() -> None:
    world = World.corridor(4)
    world.terrain(1, 1, Terrain.MARSH)
    world.terrain(2, 1, Terrain.FOREST)
    world.river((1, 1), (2, 1), River.MAJOR)
    world.road_along([(0, 1), (1, 1), (2, 1), (3, 1)], rail=True)  # a railway counts as a road
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    scenario, state = world.build()
    assert costs_along_row(world, legal_moves(scenario, state, panzer, 20)) == [0, 1, 2, 3]


def test_mud_stops_armour_off_road_but_not_on_it() -> None:
    world = World.corridor(12)
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    scenario, state = world.build(Weather.MUD)
    # 6 units a hex off the road: three hexes for a full panzer division
    off_road = legal_moves(scenario, state, panzer, 20)
    assert costs_along_row(world, off_road)[:5] == [0, 6, 12, 18, -1]
    world.terrain(1, 1, Terrain.MARSH)
    scenario, state = world.build(Weather.MUD)
    assert legal_moves(scenario, state, panzer, 20).destinations().tolist() == [world.h(0, 1)]
    world.road_along([(c, 1) for c in range(12)])
    scenario, state = world.build(Weather.MUD)
    assert costs_along_row(world, legal_moves(scenario, state, panzer, 20))[:11] == list(
        range(0, 21, 2)
    )


def test_cavalry_keeps_moving_in_snow_when_foot_slows() -> None:
    world = World.corridor(6)
    rifle = world.unit(SOVIET, INFANTRY, 0, 1, mp=6)
    cavalry = world.unit(SOVIET, CAVALRY, 0, 1, mp=6)
    scenario, state = world.build(Weather.SNOW)
    assert costs_along_row(world, legal_moves(scenario, state, rifle, 12)) == [0, 3, 6, 9, 12, -1]
    assert costs_along_row(world, legal_moves(scenario, state, cavalry, 12)) == [0, 2, 4, 6, 8, 10]


def test_water_is_never_entered_even_by_road() -> None:
    world = World.corridor(3)
    world.terrain(1, 1, Terrain.WATER)
    world.road_along([(0, 1), (1, 1), (2, 1)])
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    scenario, state = world.build()
    assert legal_moves(scenario, state, panzer, 20).destinations().tolist() == [world.h(0, 1)]


# --- zones of control ----------------------------------------------------------------------------


def test_zone_of_control_covers_the_hex_and_its_six_neighbours() -> None:
    world = World(5, 5)
    world.unit(SOVIET, INFANTRY, 2, 2)
    scenario, state = world.build()
    centre = world.h(2, 2)
    expected = {centre, *scenario.map.neighbor[centre].tolist()}
    assert set(np.flatnonzero(zone_of_control(scenario, state, SOVIET)).tolist()) == expected
    assert not zone_of_control(scenario, state, AXIS).any()
    assert np.array_equal(
        enemy_zone_of_control(scenario, state, AXIS), zone_of_control(scenario, state, SOVIET)
    )


def test_zone_of_control_stops_at_unfrozen_major_rivers_water_and_spent_units() -> None:
    world = World(5, 5)
    world.river((2, 2), (3, 2), River.MAJOR)
    world.river((2, 2), (1, 2), River.MINOR)
    world.terrain(2, 1, Terrain.WATER)
    world.unit(SOVIET, INFANTRY, 2, 2)
    world.unit(SOVIET, INFANTRY, 0, 4, steps=0)  # no steps left: no ZOC
    scenario, state = world.build(Weather.CLEAR)
    zone = zone_of_control(scenario, state, SOVIET)
    assert not zone[world.h(3, 2)]  # across the major river
    assert zone[world.h(1, 2)]  # a minor river does not stop it
    assert not zone[world.h(2, 1)]  # water
    assert not zone[world.h(0, 4)] and not zone[world.h(1, 4)]
    assert zone_of_control(scenario, state, SOVIET, Weather.FROZEN)[world.h(3, 2)]


def test_entering_enemy_zoc_stops_the_unit() -> None:
    # the Soviet unit at (3, 0) covers corridor hexes (2, 1) and (3, 1)
    world = World.corridor(6)
    world.terrain(3, 0, Terrain.CLEAR)
    world.unit(SOVIET, INFANTRY, 3, 0)
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    scenario, state = world.build()
    reach = legal_moves(scenario, state, panzer, 20)
    assert costs_along_row(world, reach) == [0, 2, 4, -1, -1, -1]
    assert reach.stops[world.h(2, 1)]
    assert reach.left_after(world.h(2, 1)) == 0
    assert reach.left_after(world.h(1, 1)) == 18
    path = [world.h(c, 1) for c in range(4)]
    assert move_path_cost(scenario, state, panzer, path, 20) is None
    assert move_path_cost(scenario, state, panzer, path[:3], 20) == 4


def test_cannot_enter_an_enemy_occupied_hex() -> None:
    world = World.corridor(6)
    world.unit(SOVIET, INFANTRY, 3, 1)
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    scenario, state = world.build()
    reach = legal_moves(scenario, state, panzer, 20)
    assert costs_along_row(world, reach) == [0, 2, 4, -1, -1, -1]
    assert reach.through[world.h(3, 1)] == -1
    assert move_path_cost(scenario, state, panzer, [world.h(c, 1) for c in range(4)], 20) is None


def test_leaving_zoc_costs_extra_and_zoc_to_zoc_is_forbidden() -> None:
    world = World.corridor(6)
    world.terrain(3, 0, Terrain.CLEAR)
    world.unit(SOVIET, INFANTRY, 3, 0)
    panzer = world.unit(AXIS, ARMOUR, 2, 1)  # starts in ZOC
    scenario, state = world.build()
    reach = legal_moves(scenario, state, panzer, 20)
    # west: 2 + 2 to leave ZOC, then 2 a hex; east into (3, 1), also in ZOC: forbidden
    assert costs_along_row(world, reach) == [6, 4, 0, -1, -1, -1]
    west, east = [world.h(2, 1), world.h(1, 1)], [world.h(2, 1), world.h(3, 1)]
    assert move_path_cost(scenario, state, panzer, west, 20) == 2 + LEAVE_ZOC_COST
    assert move_path_cost(scenario, state, panzer, east, 20) is None


def test_friendly_unit_negates_enemy_zoc_for_movement() -> None:
    world = World.corridor(6)
    world.terrain(3, 0, Terrain.CLEAR)
    world.unit(SOVIET, INFANTRY, 3, 0)
    panzer = world.unit(AXIS, ARMOUR, 2, 1)
    world.unit(AXIS, INFANTRY, 3, 1)  # a friend holds the next ZOC hex
    scenario, state = world.build()
    reach = legal_moves(scenario, state, panzer, 20)
    # ZOC to a friend-held hex is allowed; from there on no further stop (4, 1 is out of ZOC)
    assert costs_along_row(world, reach) == [6, 4, 0, 4, 6, 8]
    assert not reach.stops[world.h(3, 1)]


def test_minimum_move_out_of_zoc_costs_the_whole_allowance() -> None:
    world = World.corridor(4)
    world.terrain(1, 1, Terrain.FOREST)
    world.terrain(2, 0, Terrain.CLEAR)
    world.unit(SOVIET, INFANTRY, 2, 0)  # covers (1, 1) and (2, 1)
    rifle = world.unit(AXIS, INFANTRY, 0, 1, mp=5)
    scenario, state = world.build()
    # not in ZOC: 4 units of forest are more than the 3 it has left
    assert legal_moves(scenario, state, rifle, 3).destinations().tolist() == [world.h(0, 1)]
    # in ZOC (a Soviet unit moves next to it), it may still step back one hex for all it has
    world2 = World.corridor(4)
    world2.terrain(0, 0, Terrain.CLEAR)
    world2.terrain(1, 1, Terrain.FOREST)
    world2.unit(SOVIET, INFANTRY, 0, 0)  # covers (0, 1) but not (1, 1)
    rifle2 = world2.unit(AXIS, INFANTRY, 0, 1, mp=5)
    scenario2, state2 = world2.build()
    reach = legal_moves(scenario2, state2, rifle2, 3)
    assert costs_along_row(world2, reach) == [0, 3, -1, -1]
    assert move_path_cost(scenario2, state2, rifle2, [world2.h(0, 1), world2.h(1, 1)], 3) == 3
    assert legal_moves(scenario2, state2, rifle2, 0).destinations().tolist() == [world2.h(0, 1)]


# --- stacking ------------------------------------------------------------------------------------


def test_cannot_end_over_the_stacking_limit_but_can_pass_through() -> None:
    world = World.corridor(5)
    world.unit(AXIS, INFANTRY, 2, 1)
    world.unit(AXIS, INFANTRY, 2, 1)
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    scenario, state = world.build(stacking_limit=2)
    reach = legal_moves(scenario, state, panzer, 20)
    full = world.h(2, 1)
    assert reach.cost[full] == -1 and reach.through[full] == 4
    assert full not in reach.destinations()
    assert reach.path_to(world.h(3, 1)) == [world.h(c, 1) for c in range(4)]
    assert reach.cost[world.h(3, 1)] == 6
    assert move_path_cost(scenario, state, panzer, [world.h(c, 1) for c in range(3)], 20) is None
    assert move_path_cost(scenario, state, panzer, [world.h(c, 1) for c in range(4)], 20) == 6
    # with room for one more the stack is a destination
    scenario, state = world.build(stacking_limit=3)
    assert legal_moves(scenario, state, panzer, 20).cost[full] == 4


def test_the_start_hex_is_a_destination_at_cost_zero_even_in_a_full_stack() -> None:
    world = World.corridor(3)
    first = world.unit(AXIS, INFANTRY, 0, 1)
    world.unit(AXIS, INFANTRY, 0, 1)
    scenario, state = world.build(stacking_limit=2)
    reach = legal_moves(scenario, state, first, 10)
    assert reach.cost[world.h(0, 1)] == 0
    assert reach.as_dict()[world.h(0, 1)] == (0, [world.h(0, 1)])


# --- paths and validation -------------------------------------------------------------------------


def test_move_path_cost_rejects_broken_paths() -> None:
    world = World.corridor(5)
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    scenario, state = world.build()
    row = [world.h(c, 1) for c in range(5)]
    assert move_path_cost(scenario, state, panzer, [row[0]], 20) == 0
    assert move_path_cost(scenario, state, panzer, row, 20) == 8
    assert move_path_cost(scenario, state, panzer, row, 7) is None  # over the allowance
    assert move_path_cost(scenario, state, panzer, [row[0], row[2]], 20) is None  # not adjacent
    assert move_path_cost(scenario, state, panzer, row[1:], 20) is None  # not from its hex
    assert move_path_cost(scenario, state, panzer, [], 20) is None
    assert move_path_cost(scenario, state, panzer, [row[0], world.h(0, 0)], 20) is None  # water


def test_legal_moves_rejects_a_unit_off_the_map() -> None:
    world = World.corridor(3)
    panzer = world.unit(AXIS, ARMOUR, 0, 1)
    scenario, state = world.build()
    state.status[panzer] = UnitStatus.ELIMINATED
    with pytest.raises(ValueError, match="not on the map"):
        legal_moves(scenario, state, panzer, 20)


# --- the real mini scenario ----------------------------------------------------------------------


def test_das_reich_cannot_enter_kharkov_while_a_soviet_division_holds_it(
    mini_scenario: Scenario,
) -> None:
    scenario = mini_scenario
    state = new_state(scenario, seed=1)
    das_reich = scenario.units.index("das_reich")
    rifle = scenario.units.index("rifle_19")
    kharkov = scenario.map.city_by_id("kharkov")
    assert kharkov is not None and state.hex[rifle] == kharkov.hex
    rules = MovementRules.build(scenario)
    allowance = int(movement_allowance(scenario, [das_reich])[0])
    reach = legal_moves(scenario, state, das_reich, allowance, rules=rules)
    assert len(reach.destinations()) > 20
    assert reach.cost[kharkov.hex] == -1
    # every hex next to Kharkov it reaches is in the Soviet ZOC (no river between): it stops there
    around = [n for n in scenario.map.neighbor[kharkov.hex].tolist() if n >= 0]
    around = [n for n in around if reach.cost[n] >= 0]
    assert around and all(reach.stops[n] for n in around)
    for h in reach.destinations().tolist():
        path = reach.path_to(h)
        assert kharkov.hex not in path
        cost = move_path_cost(scenario, state, das_reich, path, allowance, rules=rules)
        assert cost == reach.cost[h]
    # once the Soviet division is gone, the city is open
    state.status[rifle] = UnitStatus.ELIMINATED
    reopened = legal_moves(scenario, state, das_reich, allowance, rules=rules)
    assert 0 < reopened.cost[kharkov.hex] <= allowance


def test_mini_map_weather_changes_reach(mini_scenario: Scenario) -> None:
    scenario = mini_scenario
    state = new_state(scenario, seed=1)
    das_reich = scenario.units.index("das_reich")
    frozen = legal_moves(scenario, state, das_reich, 20)
    state.turn = scenario.turns  # the thaw has come
    assert turn_weather(scenario, state) == Weather.THAW
    thaw = legal_moves(scenario, state, das_reich, 20)
    assert len(thaw.destinations()) < len(frozen.destinations())


# --- distance fields ------------------------------------------------------------------------------


def test_movement_field_from_and_toward_a_source() -> None:
    world = World.corridor(5)
    world.terrain(2, 1, Terrain.FOREST)
    world.river((3, 1), (4, 1), River.MINOR)
    world.unit(SOVIET, INFANTRY, 4, 1)
    scenario, state = world.build()
    start, goal = world.h(0, 1), world.h(4, 1)
    klass, weather = MovementClass.MECHANISED, Weather.CLEAR
    away = movement_field(scenario, state, AXIS, [start], klass, weather)
    assert [int(away[world.h(c, 1)]) for c in range(5)] == [0, 2, 6, 8, -1]  # enemy-held: blocked
    away_all = movement_field(scenario, state, None, [start], klass, weather)
    assert int(away_all[goal]) == 8 + 4
    toward = movement_field(scenario, state, AXIS, [goal], klass, weather, toward=True)
    # from (3, 1) across the river into the goal: 2 + 2; from (1, 1): forest 4 + 2 + 4
    assert [int(toward[world.h(c, 1)]) for c in range(5)] == [12, 10, 6, 4, 0]
    assert toward[world.h(0, 0)] == -1


def test_movement_field_has_many_sources() -> None:
    world = World.corridor(7)
    scenario, state = world.build()
    field = movement_field(scenario, state, AXIS, [world.h(0, 1), world.h(6, 1)], 1, Weather.CLEAR)
    assert [int(field[world.h(c, 1)]) for c in range(7)] == [0, 2, 4, 6, 4, 2, 0]


# --- invariants ----------------------------------------------------------------------------------


def reference_costs(scenario: Scenario, state: GameState, unit: int, allowance: int) -> list[int]:
    """An independent, slow search: Bellman-Ford over hexes with the documented movement rules."""
    grid = scenario.map
    side = int(scenario.units.side[unit])
    klass = int(movement.MOVEMENT_CLASS[scenario.units.kind[unit]])
    weather = turn_weather(scenario, state)
    edge = MovementRules(grid).edge_cost(klass, weather)
    active = state.status == UnitStatus.ACTIVE
    start = int(state.hex[unit])
    enemy = {int(h) for h in state.hex[active & (scenario.units.side != side)]}
    friends_at: dict[int, int] = {}
    for u in np.flatnonzero(active & (scenario.units.side == side)).tolist():
        if u != unit:
            friends_at[int(state.hex[u])] = friends_at.get(int(state.hex[u]), 0) + 1
    zone = enemy_zone_of_control(scenario, state, side, weather)
    stop = {h for h in range(grid.size) if zone[h] and friends_at.get(h, 0) == 0}
    best = [-1] * grid.size
    best[start] = 0
    changed = True
    while changed:
        changed = False
        for h in range(grid.size):
            if best[h] < 0 or (h != start and h in stop):
                continue
            first = h == start and start in stop
            for d in range(6):
                nb = int(grid.neighbor[h, d])
                if nb < 0 or edge[h, d] < 0 or nb in enemy or (first and nb in stop):
                    continue
                cost = best[h] + int(edge[h, d]) + (LEAVE_ZOC_COST if first else 0)
                if cost > allowance:
                    if not (first and allowance > 0):
                        continue
                    cost = allowance
                if best[nb] < 0 or cost < best[nb]:
                    best[nb] = cost
                    changed = True
    limit = scenario.spec.scenario.stacking_limit
    return [
        c if (c >= 0 and (h == start or friends_at.get(h, 0) + 1 <= limit)) else -1
        for h, c in enumerate(best)
    ]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[World, int, Weather, int, int]:
    cols, rows = draw(st.integers(3, 7)), draw(st.integers(3, 6))
    world = World(cols, rows)
    n = cols * rows
    terrain = draw(st.lists(st.sampled_from(list(Terrain)), min_size=n, max_size=n))
    world.grid.terrain[:] = terrain
    sides = [(h, d) for h in range(n) for d in range(3) if world.grid.neighbor[h, d] >= 0]
    for h, d in draw(st.lists(st.sampled_from(sides), max_size=12)):
        nb = int(world.grid.neighbor[h, d])
        choice = draw(st.integers(0, 4))  # minor river, major river, road, rail, road over river
        if choice in (0, 1, 4):
            world.grid.river[h, d] = world.grid.river[nb, d + 3] = River.MINOR + (choice == 1)
        if choice in (2, 4):
            world.grid.road[h, d] = world.grid.road[nb, d + 3] = True
        if choice == 3:
            world.grid.rail[h, d] = world.grid.rail[nb, d + 3] = True
    land = [h for h in range(n) if not world.grid.water[h]]
    if not land:
        world.grid.terrain[0] = Terrain.CLEAR
        land = [0]
    mover_hex = draw(st.sampled_from(land))
    mover_kind = draw(st.sampled_from(list(UnitKind)))
    world.units.append((AXIS, mover_kind, 10, mover_hex, 2))
    taken: dict[int, int] = {mover_hex: AXIS}
    for _ in range(draw(st.integers(0, 6))):
        h = draw(st.sampled_from(land))
        side = draw(st.sampled_from([AXIS, SOVIET]))
        if taken.setdefault(h, side) != side:
            continue  # opposing sides never share a hex
        steps = draw(st.integers(0, 2))
        world.units.append((side, draw(st.sampled_from(list(UnitKind))), 5, h, steps))
    weather = draw(st.sampled_from(list(Weather)))
    allowance = draw(st.integers(0, 24))
    limit = draw(st.integers(1, 3))
    return world, 0, weather, allowance, limit


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_every_destination_is_affordable_legal_and_cheapest(
    case: tuple[World, int, Weather, int, int],
) -> None:
    world, unit, weather, allowance, limit = case
    scenario, state = world.build(weather, stacking_limit=limit)
    reach = legal_moves(scenario, state, unit, allowance)
    start = int(state.hex[unit])
    assert reach.cost[start] == 0
    assert reach.cost.tolist() == reference_costs(scenario, state, unit, allowance)
    enemy_hexes = set(state.hex[scenario.units.side != AXIS].tolist())
    for h in reach.destinations().tolist():
        cost = int(reach.cost[h])
        assert 0 <= cost <= allowance
        path = reach.path_to(h)
        assert path[0] == start and path[-1] == h
        for a, b in itertools.pairwise(path):
            assert b in scenario.map.neighbor[a].tolist()
            assert b not in enemy_hexes
        assert not any(reach.stops[p] for p in path[1:-1])
        assert move_path_cost(scenario, state, unit, path, allowance) == cost
    for h in np.flatnonzero((reach.through >= 0) & (reach.cost < 0)).tolist():
        assert move_path_cost(scenario, state, unit, reach.path_to(h), allowance) is None


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_without_enemies_legal_moves_match_the_distance_field(
    case: tuple[World, int, Weather, int, int],
) -> None:
    world, unit, weather, allowance, _ = case
    world.units = [world.units[unit]]
    scenario, state = world.build(weather)
    reach = legal_moves(scenario, state, unit, allowance)
    klass = int(movement.MOVEMENT_CLASS[scenario.units.kind[unit]])
    field = movement_field(scenario, state, AXIS, [int(state.hex[unit])], klass, weather)
    expected = np.where(field <= allowance, field, -1)
    assert np.array_equal(reach.cost, expected)
    # the field toward a hex is the field away from it read backwards
    for target in reach.destinations().tolist()[:3]:
        toward = movement_field(scenario, state, AXIS, [target], klass, weather, toward=True)
        assert toward[int(state.hex[unit])] == reach.cost[target]
