"""Sea and lakes: coasts where land meets water, ice that carries foot and cavalry in frozen weather
(movement, ZOC and supply alike), towns that fall in water, and Third Kharkov's map unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from game.enums import NO_SIDE, Terrain, UnitKind, Weather, parse_enum
from game.geo import HexMap
from game.rules import movement
from game.rules.control import take_control
from game.rules.supply import isolated, trace_supply
from game.rules.zoc import zone_of_control
from game.scenario.errors import FileProblemError
from game.scenario.loader import load_map
from game.scenario.model import load_scenario
from tests.conftest import DATA, KHARKOV
from tests.worlds import AXIS, SOVIET, at, blank_grid, world

COAST_MAP = DATA / "maps" / "coast_test.toml"


def lake_corridor(cols: int = 7, ice: tuple[int, ...] = (2, 3)) -> HexMap:
    """Row 1 of a 3-row map between two rows of sea; the `ice` columns of row 1 a freezing lake."""
    grid = blank_grid(cols, 3)
    for col in range(cols):
        grid.terrain[at(grid, col, 0)] = Terrain.WATER
        grid.terrain[at(grid, col, 2)] = Terrain.WATER
    for col in ice:
        grid.terrain[at(grid, col, 1)] = Terrain.LAKE
        grid.freezes[at(grid, col, 1)] = True
    return grid


# --- codes and coasts ------------------------------------------------------------------------------


def test_lake_is_appended_and_the_old_terrain_codes_keep_their_numbers() -> None:
    assert [int(t) for t in Terrain] == [0, 1, 2, 3, 4, 5, 6]
    assert Terrain.WATER == 5 and Terrain.LAKE == 6
    assert parse_enum(Terrain, "sea") is Terrain.WATER  # "sea" in files means the old water
    assert parse_enum(Terrain, "lake") is Terrain.LAKE


def test_coast_marks_the_hexsides_where_land_meets_water_on_both_sides() -> None:
    grid = lake_corridor()
    coast = grid.coast
    for d in range(6):
        h = np.nonzero(grid.neighbor[:, d] >= 0)[0]
        n = grid.neighbor[h, d]
        assert (coast[h, d] == coast[n, (d + 3) % 6]).all()  # symmetric, like every hexside layer
        assert (coast[h, d] == (grid.water[h] != grid.water[n])).all()
    assert not coast[grid.neighbor < 0].any()  # the map's rim is no coast
    # every land hex of the corridor touches the sea; the ice hexes are water, not coastal
    assert grid.coastal.tolist() == (~grid.water).tolist()


def test_the_coast_test_map_has_sea_a_freezing_lake_and_a_coastal_port() -> None:
    grid = load_map(COAST_MAP)
    harbour = grid.city_by_id("harbour")
    assert harbour is not None and harbour.port and grid.coastal[harbour.hex]
    lake = grid.terrain == Terrain.LAKE
    assert lake.sum() == 3 and grid.freezes[lake].all()
    assert not grid.freezes[grid.terrain == Terrain.WATER].any()  # the sea does not freeze


# --- ice -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "weather", "crosses"),
    [
        (UnitKind.INFANTRY, Weather.FROZEN, True),
        (UnitKind.INFANTRY, Weather.SNOW, True),
        (UnitKind.CAVALRY, Weather.SNOW, True),
        (UnitKind.INFANTRY, Weather.THAW, False),
        (UnitKind.INFANTRY, Weather.MUD, False),
        (UnitKind.INFANTRY, Weather.CLEAR, False),
        (UnitKind.ARMOUR, Weather.FROZEN, False),
        (UnitKind.ARMOUR, Weather.MUD, False),
    ],
)
def test_frozen_lake_carries_foot_and_cavalry_never_armour_and_nobody_once_thawed(
    kind: UnitKind, weather: Weather, crosses: bool
) -> None:
    grid = lake_corridor()
    scenario, state = world(grid, [(AXIS, at(grid, 0, 1), kind)], weather=weather)
    reach = movement.legal_moves(scenario, state, 0, allowance=40)
    assert reach.can_end(at(grid, 4, 1)) == crosses


def test_ice_costs_three_units_a_hex_in_frost_and_four_for_foot_in_snow() -> None:
    grid = lake_corridor()
    beyond = at(grid, 4, 1)
    for weather, expected in ((Weather.FROZEN, 2 + 3 + 3 + 2), (Weather.SNOW, 3 + 4 + 4 + 3)):
        scenario, state = world(grid, [(AXIS, at(grid, 0, 1))], weather=weather)
        assert movement.legal_moves(scenario, state, 0, allowance=40).cost[beyond] == expected


def test_units_cross_the_ice_but_never_end_a_move_on_it() -> None:
    grid = lake_corridor()
    scenario, state = world(grid, [(AXIS, at(grid, 0, 1))], weather=Weather.FROZEN)
    reach = movement.legal_moves(scenario, state, 0, allowance=40)
    ice = at(grid, 2, 1)
    assert reach.through[ice] == 5 and not reach.can_end(ice)
    assert ice not in reach.destinations().tolist()
    assert reach.path_to(at(grid, 4, 1)) == [at(grid, c, 1) for c in range(5)]


def test_the_planning_field_crosses_the_ice_exactly_as_a_move_does() -> None:
    grid = lake_corridor()
    scenario, state = world(grid, [(AXIS, at(grid, 0, 1))], weather=Weather.FROZEN)
    reach = movement.legal_moves(scenario, state, 0, allowance=40)
    foot = int(movement.MovementClass.FOOT)
    start = [at(grid, 0, 1)]
    away = movement.movement_field(scenario, state, AXIS, start, foot, Weather.FROZEN)
    assert away.tolist() == reach.through.tolist()
    toward = movement.movement_field(
        scenario, state, AXIS, [at(grid, 6, 1)], foot, Weather.FROZEN, toward=True
    )
    assert toward[at(grid, 0, 1)] == reach.through[at(grid, 6, 1)]
    thawed = movement.movement_field(scenario, state, AXIS, start, foot, Weather.THAW)
    assert thawed[at(grid, 4, 1)] == -1  # the ice is gone
    armour = int(movement.MovementClass.MECHANISED)
    assert (
        movement.movement_field(scenario, state, AXIS, start, armour, Weather.FROZEN)[
            at(grid, 4, 1)
        ]
        == -1
    )


def test_zoc_reaches_onto_frozen_ice_but_never_onto_the_sea_or_thawed_ice() -> None:
    grid = lake_corridor()
    for weather, on_ice in ((Weather.FROZEN, True), (Weather.SNOW, True), (Weather.THAW, False)):
        scenario, state = world(grid, [(SOVIET, at(grid, 4, 1))], weather=weather)
        zone = zone_of_control(scenario, state, SOVIET)
        assert zone[at(grid, 3, 1)] == on_ice
        assert not zone[grid.terrain == Terrain.WATER].any()


def test_supply_crosses_a_frozen_lake_and_stops_at_open_water() -> None:
    grid = lake_corridor(cols=9, ice=(3, 4))
    unit = at(grid, 7, 1)
    frozen, state = world(grid, [(AXIS, unit)], weather=Weather.FROZEN)
    assert trace_supply(frozen, state, AXIS)[unit]
    clear, state = world(grid, [(AXIS, unit)], weather=Weather.CLEAR)
    assert not trace_supply(clear, state, AXIS)[unit]
    assert isolated(clear, state, AXIS)[unit]  # nothing but open water lies between


def test_nobody_takes_the_water_a_column_crosses() -> None:
    grid = lake_corridor()
    control = np.where(grid.water, NO_SIDE, AXIS).astype(np.uint8)
    scenario, state = world(grid, [(SOVIET, at(grid, 0, 1))], control=control)
    path = np.array([at(grid, c, 1) for c in range(1, 5)], dtype=np.int32)
    take_control(scenario, state, SOVIET, path)
    assert state.control[path].tolist() == [SOVIET, NO_SIDE, NO_SIDE, SOVIET]


# --- towns in water, map files -------------------------------------------------------------------


def coast_map(tmp_path: Path, replace: dict[str, str]) -> Path:
    text = COAST_MAP.read_text()
    for old, new in replace.items():
        assert old in text, f"test bug: {old!r} not in coast_test.toml"
        text = text.replace(old, new, 1)
    path = tmp_path / "coast_test.toml"
    path.write_text(text)
    return path


IN_THE_SEA = 'lat = 50.0\nlon = 36.25\nsize = "town"\nport = true'
SEA_POINT = 'lat = 50.0\nlon = 36.4\nsize = "town"\nport = true'


def test_a_town_in_a_water_hex_is_an_error_naming_the_file_line_and_field(
    tmp_path: Path,
) -> None:
    path = coast_map(tmp_path, {IN_THE_SEA: SEA_POINT})
    with pytest.raises(FileProblemError) as caught:
        load_map(path)
    (problem,) = caught.value.problems
    line = path.read_text().splitlines().index("lon = 36.4")  # 0-based: the line before is lat
    assert problem.file == str(path) and problem.line == line
    assert problem.path == ("city", 0, "lat")
    assert "Harbour" in problem.message and "water" in problem.message


def test_on_water_land_makes_the_town_hex_land_where_it_stands(tmp_path: Path) -> None:
    path = coast_map(tmp_path, {IN_THE_SEA: SEA_POINT + '\non_water = "land"'})
    grid = load_map(path)
    harbour = grid.city_by_id("harbour")
    assert harbour is not None
    assert harbour.hex == grid.hex_of_latlon(50.0, 36.4)
    assert grid.terrain[harbour.hex] == Terrain.CLEAR and grid.coastal[harbour.hex]


def test_on_water_move_puts_the_town_on_the_nearest_land_hex(tmp_path: Path) -> None:
    path = coast_map(tmp_path, {IN_THE_SEA: SEA_POINT + '\non_water = "move"'})
    grid = load_map(path)
    harbour = grid.city_by_id("harbour")
    assert harbour is not None
    in_sea = int(grid.hex_of_latlon(50.0, 36.4))
    assert grid.terrain[in_sea] == Terrain.WATER  # the sea stays sea
    assert harbour.hex in grid.neighbor[in_sea].tolist() and not grid.water[harbour.hex]


def test_the_map_header_can_set_the_rule_for_every_town(tmp_path: Path) -> None:
    path = coast_map(
        tmp_path, {IN_THE_SEA: SEA_POINT, 'default_terrain = "clear"': 'city_on_water = "land"'}
    )
    assert not load_map(path).water[int(load_map(path).hex_of_latlon(50.0, 36.4))]


def test_a_port_needs_a_coast(tmp_path: Path) -> None:
    path = coast_map(tmp_path, {"lon = 36.25": "lon = 36.0"})
    with pytest.raises(FileProblemError) as caught:
        load_map(path)
    assert [p.path for p in caught.value.problems] == [("city", 0, "port")]


def test_only_water_may_say_whether_it_freezes_and_the_sea_can_be_told_to(tmp_path: Path) -> None:
    path = coast_map(tmp_path, {'terrain = "sea"': 'terrain = "sea"\nfreezes = true'})
    grid = load_map(path)
    assert grid.freezes[grid.terrain == Terrain.WATER].all()  # a strait that froze
    land = coast_map(tmp_path, {'terrain = "lake"': 'terrain = "forest"\nfreezes = true'})
    with pytest.raises(FileProblemError, match="only water"):
        load_map(land)


def test_land_painted_over_water_does_not_keep_its_ice(tmp_path: Path) -> None:
    island = (
        '\n[[terrain]]\nterrain = "forest"\nname = "An island in the lake"\n'
        "polygon = [[49.72, 35.75], [49.86, 35.75], [49.86, 35.95], [49.72, 35.95]]\n"
    )
    path = coast_map(tmp_path, {"\n[[railway]]": island + "\n[[railway]]"})
    grid = load_map(path)
    assert not (grid.terrain == Terrain.LAKE).any() and not grid.freezes.any()


# --- Third Kharkov -------------------------------------------------------------------------------

# sha256 of the terrain, river, road, rail, neighbour and city layers of eastern_ukraine.toml as
# main 03fd9a6 built them: saves replay only while the map is exactly this.
KHARKOV_LAYERS = "fd552bc9d63867d95bc065d7a11ce8e6ff36953d54dd5a8dfc09bc71fb3ba66c"


def test_third_kharkovs_map_is_built_exactly_as_before() -> None:
    grid = load_scenario(KHARKOV).map
    digest = hashlib.sha256()
    for layer in (grid.terrain, grid.river, grid.road, grid.rail, grid.neighbor, grid.city_at):
        digest.update(np.ascontiguousarray(layer).tobytes())
    assert digest.hexdigest() == KHARKOV_LAYERS
    assert not grid.freezes.any() and grid.orientation == "pointy"


def test_mariupol_stands_on_its_shore_by_the_maps_explicit_rule_and_is_a_port() -> None:
    grid = load_scenario(KHARKOV).map
    mariupol = grid.city_by_id("mariupol")
    assert mariupol is not None and mariupol.port
    assert grid.terrain[mariupol.hex] == Terrain.CLEAR and grid.coastal[mariupol.hex]
    assert mariupol.hex == grid.hex_of_latlon(mariupol.lat, mariupol.lon)  # not moved
