"""Weather by region: named regions with periods of their own, each rule reading the weather of the
hex it concerns, and a one-zone map running exactly as before."""

from __future__ import annotations

import numpy as np
import pytest

from game.actions import Attack
from game.engine import new_game
from game.enums import River, UnitKind, Weather
from game.geo import HexMap
from game.rules import movement, supply
from game.rules.combat_phase import CombatGround, combat_spec
from game.rules.weather import (
    local_weather,
    per_hex,
    weather_at,
    weather_of_hex,
    weather_table,
    weather_zone,
)
from game.rules.zoc import spread_zone, zone_of_control
from game.scenario.errors import FileProblemError
from game.scenario.model import Scenario, load_scenario
from game.state import GameState
from tests.conftest import MiniWriter
from tests.worlds import AXIS, MINI, SOVIET, at, blank_grid, world, zones

# mini: 2-day turns from 7 March 1943 (turns 1..6: 7, 9, 11, 13, 15, 17 March); map-wide frozen
# until the thaw of 13 March (turn 4). The north of the donets test map gets weather of its own.
NORTH = """
[[weather_region]]
id = "north"
name = "North of Kharkov"
polygon = [[50.35, 35.0], [51.0, 35.0], [51.0, 38.0], [50.35, 38.0]]

[[weather_region]]
id = "south"
name = "South of Kharkov, no periods of its own"
polygon = [[49.0, 35.0], [49.8, 35.0], [49.8, 38.0], [49.0, 38.0]]

[[weather]]
region = "north"
start = 1943-03-09
state = "snow"

[[weather]]
region = "north"
start = 1943-03-15
state = "thaw"
"""
F, S, T = Weather.FROZEN, Weather.SNOW, Weather.THAW


@pytest.fixture
def regional(mini: MiniWriter) -> Scenario:
    return load_scenario(mini(append=NORTH))


def hex_of(scenario: Scenario, city_id: str) -> int:
    city = scenario.map.city_by_id(city_id)
    assert city is not None
    return city.hex


def test_a_region_follows_the_map_until_its_own_first_period_then_has_its_own(
    regional: Scenario,
) -> None:
    belgorod, kharkov = hex_of(regional, "belgorod"), hex_of(regional, "kharkov")
    north = [int(weather_of_hex(regional, t, belgorod)) for t in range(1, 7)]
    assert north == [F, S, S, S, T, T]
    assert [int(weather_of_hex(regional, t, kharkov)) for t in range(1, 7)] == [F, F, F, T, T, T]
    assert regional.weather[1:].tolist() == [F, F, F, T, T, T]  # the map-wide weather as before


def test_a_region_without_periods_of_its_own_follows_the_map_wide_weather(
    regional: Scenario,
) -> None:
    table = weather_table(regional)
    assert table.shape == (regional.turns + 1, 3)
    assert (table[:, 0] == regional.weather).all()
    assert (table[:, 2] == regional.weather).all()  # "south"
    zone = weather_zone(regional)
    chuguev = hex_of(regional, "chuguev")  # 49.84 N: neither north nor south
    assert zone[hex_of(regional, "belgorod")] == 1 and zone[chuguev] == 0
    for turn in range(1, regional.turns + 1):
        assert (weather_at(regional, turn) == table[turn][zone]).all()


def test_weather_is_one_code_while_every_zone_agrees(regional: Scenario) -> None:
    assert local_weather(regional, 1) == F  # the north follows the map-wide frost on turn 1
    assert local_weather(regional, 5) == T
    split = local_weather(regional, 2)
    assert isinstance(split, np.ndarray) and set(split.tolist()) == {F, S}
    assert local_weather(MINI, 2) == F and MINI.weather_zones is None


def test_the_weather_shift_knob_moves_the_regions_periods_too(regional: Scenario) -> None:
    later = regional.with_knobs({"thaw_shift_days": 2})
    belgorod = hex_of(later, "belgorod")
    assert [int(weather_of_hex(later, t, belgorod)) for t in range(1, 7)] == [F, F, S, S, S, T]


@pytest.mark.parametrize(
    ("append", "path", "words"),
    [
        (
            '\n[[weather]]\nregion = "west"\nstart = 1943-03-09\nstate = "mud"\n',
            ("weather", 2, "region"),
            "unknown weather region",
        ),
        (
            '\n[[weather_region]]\nid = "nowhere"\nname = "Off the map"\n'
            "polygon = [[10.0, 10.0], [10.1, 10.0], [10.1, 10.1]]\n",
            ("weather_region", 0, "polygon"),
            "holds no hex",
        ),
        (
            NORTH + '\n[[weather]]\nregion = "north"\nstart = 1943-03-10\nstate = "mud"\n',
            ("weather", 4, "start"),
            "date order",
        ),
    ],
)
def test_broken_weather_regions_are_reported_with_their_field(
    mini: MiniWriter, append: str, path: tuple[object, ...], words: str
) -> None:
    with pytest.raises(FileProblemError) as caught:
        load_scenario(mini(append=append))
    problems = {p.path: p.message for p in caught.value.problems}
    assert path in problems and words in problems[path], problems


def test_a_file_needs_map_wide_weather(mini: MiniWriter) -> None:
    regional_only = {
        f"[[weather]]\nstart = 1943-03-{day}": f'[[weather]]\nregion = "north"\nstart = 1943-03-{day}'
        for day in ("07", "13")
    }
    with pytest.raises(FileProblemError, match="map-wide"):
        load_scenario(mini(replace=regional_only, append=NORTH))


def test_a_map_file_may_name_regions_and_a_scenario_may_give_them_weather(
    mini: MiniWriter,
) -> None:
    path = mini(append=NORTH.split("[[weather]]", 1)[0].replace('"north"', '"scenario_north"'))
    map_file = path.parent / "maps" / "donets_test.toml"
    map_file.write_text(
        map_file.read_text() + '\n[[weather_region]]\nid = "hills"\nname = "The east"\n'
        "polygon = [[49.0, 36.8], [51.0, 36.8], [51.0, 38.0], [49.0, 38.0]]\n"
    )
    text = (
        path.read_text() + '\n[[weather]]\nregion = "hills"\nstart = 1943-03-07\nstate = "snow"\n'
    )
    path.write_text(text)
    scenario = load_scenario(path)
    assert scenario.weather_zones is not None
    assert scenario.weather_zones.ids == ("hills", "scenario_north", "south")
    shebekino = hex_of(scenario, "shebekino")  # 50.40 N 36.89 E: in both, the later region wins
    assert weather_zone(scenario)[shebekino] == 2
    assert weather_of_hex(scenario, 1, hex_of(scenario, "chuguev")) == Weather.FROZEN
    east = int(scenario.map.hex_of_latlon(50.0, 37.2))
    assert weather_of_hex(scenario, 1, east) == Weather.SNOW
    path.write_text(
        text + '\n[[weather_region]]\nid = "hills"\nname = "Again"\n'
        "polygon = [[49.0, 36.8], [51.0, 36.8], [51.0, 38.0]]\n"
    )
    with pytest.raises(FileProblemError, match="defined twice"):
        load_scenario(path)


# --- the rules read the weather of the hex they concern --------------------------------------------


def east_region(cols: int = 8, rows: int = 3, first_col: int = 4) -> tuple[HexMap, np.ndarray]:
    grid = blank_grid(cols, rows)
    _, col = np.divmod(np.arange(grid.size), cols)
    return grid, col >= first_col


def test_each_step_pays_the_weather_of_the_hex_it_enters() -> None:
    grid, east = east_region()
    scenario, state = world(
        grid, [(AXIS, at(grid, 0, 1))], weather=Weather.FROZEN, zones=zones(grid, east, Weather.MUD)
    )
    reach = movement.legal_moves(scenario, state, 0, allowance=40)
    # foot: clear costs 2 in frost, 4 in mud
    assert [int(reach.cost[at(grid, c, 1)]) for c in range(7)] == [0, 2, 4, 6, 10, 14, 18]
    foot = int(movement.MovementClass.FOOT)
    here = local_weather(scenario, state.turn)
    field = movement.movement_field(scenario, state, AXIS, [at(grid, 0, 1)], foot, here)
    assert field.tolist() == reach.through.tolist()  # the AI's fields, given the weather by hex


def test_zoc_crosses_a_major_river_into_a_region_where_it_is_frozen() -> None:
    grid, east = east_region()
    a, b = at(grid, 3, 1), at(grid, 4, 1)
    d = int(np.nonzero(grid.neighbor[a] == b)[0][0])
    grid.river[a, d] = grid.river[b, (d + 3) % 6] = River.MAJOR
    for region, crosses in ((Weather.FROZEN, True), (Weather.THAW, False)):
        scenario, state = world(
            grid, [(SOVIET, a)], weather=Weather.CLEAR, zones=zones(grid, east, region)
        )
        assert zone_of_control(scenario, state, SOVIET)[b] == crosses


def test_supply_reaches_only_as_far_as_each_hexs_own_weather_allows() -> None:
    grid, east = east_region(cols=10, first_col=5)
    units = [(AXIS, at(grid, c, 1)) for c in (4, 5, 7)]
    plain, state = world(grid, units, reach=8, weather=Weather.FROZEN)
    assert supply.unit_supply(plain, state).tolist() == [True, True, True]
    muddy, state = world(
        grid, units, reach=8, weather=Weather.FROZEN, zones=zones(grid, east, Weather.MUD)
    )
    # mud halves the reach to 4 hexes inside the region: col 5 is 5 hexes from the west edge
    assert supply.unit_supply(muddy, state).tolist() == [True, False, False]
    assert supply.hex_reach(muddy, AXIS, 1)[at(grid, 5, 1)] == 4  # type: ignore[index]
    assert supply.effective_reach(muddy, AXIS, 1) == 8  # the map-wide figure, for display


def test_combat_is_fought_in_the_weather_of_the_defenders_hex() -> None:
    grid, east = east_region()
    attacker, target = at(grid, 3, 1), at(grid, 4, 1)
    scenario, state = world(
        grid,
        [(AXIS, attacker, UnitKind.ARMOUR), (SOVIET, target)],
        weather=Weather.CLEAR,
        zones=zones(grid, east, Weather.SNOW),
    )
    attack = Attack((0,), target)
    spec = combat_spec(scenario, state, attack, CombatGround.for_attacks(scenario, state, [attack]))
    assert spec.weather == Weather.SNOW


# --- one zone: exactly the old code's results ------------------------------------------------------


@pytest.mark.parametrize("weather", list(Weather))
def test_weather_by_hex_gives_exactly_the_single_weather_results(weather: Weather) -> None:
    """Every rule's per-hex path, fed one weather everywhere, gives the one-code path's arrays."""
    grid = MINI.map
    rules = movement.MovementRules(grid)
    everywhere = per_hex(int(weather), grid.size)
    for klass in movement.MovementClass:
        alone = rules.edge_cost(klass, int(weather))
        assert np.array_equal(movement.MovementRules(grid).edge_cost(klass, everywhere), alone)
    occupied = np.zeros(grid.size, dtype=np.bool_)
    occupied[np.arange(0, grid.size, 7)] = True
    assert np.array_equal(
        spread_zone(grid, occupied, everywhere), spread_zone(grid, occupied, int(weather))
    )
    scenario, state = world(grid, [(AXIS, 40), (SOVIET, 180)], weather=weather)
    ground = supply.supply_ground(scenario, state, AXIS)
    cost = np.where(grid.road, supply.ROAD_STEP_COST, supply.STEP_COST).astype(np.int32)
    limit = supply.STEP_COST * supply.effective_reach(scenario, AXIS, 1)
    one = supply._distance(
        grid.neighbor, cost, ground.sources, ground.passable, ground.enterable, limit
    )
    by_hex = supply._distance(
        grid.neighbor,
        cost,
        ground.sources,
        ground.passable,
        ground.enterable,
        np.full(grid.size, limit, dtype=np.int32),
        per_hex=True,
    )
    assert np.array_equal(one, by_hex)


def test_a_region_with_the_map_wide_weather_changes_no_result(mini: MiniWriter) -> None:
    same = load_scenario(mini(append=NORTH.split("[[weather]]", 1)[0]))
    assert same.weather_zones is not None
    plain = load_scenario(mini())
    for scenario in (plain, same):
        assert local_weather(scenario, 4) == Weather.THAW
    a, b = (world_state(s) for s in (plain, same))
    assert np.array_equal(
        supply.supply_distance(plain, a, SOVIET), supply.supply_distance(same, b, SOVIET)
    )
    assert np.array_equal(zone_of_control(plain, a, AXIS), zone_of_control(same, b, AXIS))
    assert np.array_equal(
        movement.legal_moves(plain, a, 0).cost, movement.legal_moves(same, b, 0).cost
    )


def world_state(scenario: Scenario) -> GameState:
    state, _ = new_game(scenario, seed=3)
    return state
