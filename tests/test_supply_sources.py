"""Supply from anywhere: ports for a side that rules the sea, `supply_sources` places and points,
each while the team holds it, feeding the railway like a map edge; edges stay per side."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from game.enums import NO_SIDE
from game.geo import HexMap
from game.rules.supply import gateways, trace_supply, unit_supply
from game.scenario.errors import FileProblemError
from game.scenario.loader import load_map
from game.scenario.model import load_scenario
from tests.conftest import DATA, MiniWriter
from tests.worlds import AXIS, SOVIET, at, world

COAST = load_map(DATA / "maps" / "coast_test.toml")


def hex_of(grid: HexMap, city_id: str) -> int:
    city = grid.city_by_id(city_id)
    assert city is not None
    return city.hex


HARBOUR = hex_of(COAST, "harbour")  # (5, 4), on the coast, a port
INLAND = hex_of(COAST, "inland")  # (1, 4), the far end of the railway from the harbour
NEAR_HARBOUR = at(COAST, 5, 2)  # two hexes north of the harbour, off the railway
FAR_INLAND = at(COAST, 0, 0)  # far from both


def axis_supply(axis: dict[str, Any], units: list[int], reach: int = 2, **kw: Any) -> list[bool]:
    sides = {AXIS: axis, SOVIET: {}}
    scenario, state = world(COAST, [(AXIS, h) for h in units], sides=sides, reach=reach, **kw)
    return unit_supply(scenario, state).tolist()


def test_a_port_supplies_a_side_that_rules_the_sea_and_no_other() -> None:
    assert axis_supply({"ports": True}, [NEAR_HARBOUR, FAR_INLAND]) == [True, False]
    assert axis_supply({}, [NEAR_HARBOUR]) == [False]


def test_a_port_the_enemy_holds_supplies_nobody() -> None:
    control = np.full(COAST.size, AXIS, dtype=np.uint8)
    control[HARBOUR] = SOVIET
    assert axis_supply({"ports": True}, [NEAR_HARBOUR], control=control) == [False]


def test_supply_landed_at_a_port_goes_inland_by_rail() -> None:
    # reach 1: only the railway brings supply as far as Inland, five hexes from the harbour
    assert axis_supply({"ports": True}, [at(COAST, 0, 4)], reach=1) == [True]
    assert axis_supply({"ports": True}, [at(COAST, 0, 4)], reach=1, control=_cut_rail()) == [False]


def _cut_rail() -> np.ndarray:
    control = np.full(COAST.size, AXIS, dtype=np.uint8)
    control[at(COAST, 3, 4)] = SOVIET  # the enemy holds a hex of the line
    return control


def test_a_named_place_is_a_source_while_the_team_holds_it() -> None:
    near_inland, far = at(COAST, 1, 2), at(COAST, 5, 0)
    assert axis_supply({"supply_sources": ["inland"]}, [near_inland, far]) == [True, False]
    control = np.full(COAST.size, AXIS, dtype=np.uint8)
    control[INLAND] = SOVIET
    assert axis_supply({"supply_sources": ["inland"]}, [near_inland], control=control) == [False]


def test_a_point_is_a_source_and_feeds_the_railway_like_an_edge() -> None:
    lat, lon = COAST.center_latlon(INLAND)
    point = (float(lat), float(lon))
    assert axis_supply({"supply_sources": [point]}, [at(COAST, 4, 3)], reach=1) == [True]
    assert axis_supply({"supply_sources": [point]}, [at(COAST, 3, 1)], reach=1) == [False]


def test_gateways_are_the_edges_ports_and_sources_of_the_team() -> None:
    sides = {AXIS: {"supply_edges": ["north"], "ports": True, "supply_sources": ["inland"]}}
    scenario, _ = world(COAST, [(AXIS, INLAND)], sides=sides)
    found = gateways(scenario, AXIS)
    expected = COAST.edge["north"].copy()
    expected[[HARBOUR, INLAND]] = True
    assert found.tolist() == expected.tolist()
    assert not gateways(scenario, SOVIET).any()  # supply edges and sources stay per side


def test_sources_on_water_or_held_by_nobody_feed_nothing() -> None:
    control = np.full(COAST.size, NO_SIDE, dtype=np.uint8)
    scenario, state = world(
        COAST, [(AXIS, NEAR_HARBOUR)], sides={AXIS: {"ports": True}}, control=control
    )
    assert not trace_supply(scenario, state, AXIS).any()


# --- the scenario file -----------------------------------------------------------------------------


def test_supply_sources_must_be_places_or_points_on_the_maps_land(mini: MiniWriter) -> None:
    path = mini(
        replace={
            'supply_edges = ["west"]': 'supply_edges = ["west"]\n'
            'supply_sources = ["kharkov", "atlantis", [10.0, 10.0], [50.0, 36.3]]'
        }
    )
    with pytest.raises(FileProblemError) as caught:
        load_scenario(path)
    problems = {p.path: p.message for p in caught.value.problems}
    assert set(problems) == {("sides", "axis", "supply_sources", k) for k in (1, 2)}
    assert "unknown place" in problems[("sides", "axis", "supply_sources", 1)]
    assert "off the map" in problems[("sides", "axis", "supply_sources", 2)]


def test_a_scenario_side_with_supply_sources_loads_and_traces_them(mini: MiniWriter) -> None:
    path = mini(replace={'supply_edges = ["east", "north"]': 'supply_sources = ["belgorod"]'})
    scenario = load_scenario(path)
    soviet = scenario.side_table.index("soviet")
    belgorod = hex_of(scenario.map, "belgorod")
    assert gateways(scenario, soviet).nonzero()[0].tolist() == [belgorod]
