"""Small worlds built in code for the map tests: a blank map of exactly cols x rows hexes of
either orientation, and a scenario on it that borrows the mini scenario's sides and calendar."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from game import geo
from game.enums import UnitKind, UnitSize, Weather
from game.geo import City, HexMap
from game.scenario.model import Scenario, UnitTable, load_scenario
from game.scenario.schema import SideSpec
from game.scenario.tables import WeatherZones
from game.state import GameState, new_state
from tests.conftest import DATA

AXIS, SOVIET = 0, 1  # side numbers of the mini scenario (its move order)
MINI = load_scenario(DATA / "mini.toml")
LAT0, LON0 = 50.0, 36.0
KM_PER_DEGREE = 111.2


def blank_grid(
    cols: int, rows: int, orientation: geo.Orientation = "pointy", hex_km: float = 10.0
) -> HexMap:
    """A clear-terrain map of exactly cols x rows hexes around 50N 36E."""
    size = hex_km / math.sqrt(3.0)
    if orientation == "flat":
        width, height = (cols - 1.5) * 1.5 * size, (rows - 1.5) * hex_km
    else:
        width, height = (cols - 1.5) * hex_km, (rows - 1.5) * 1.5 * size
    half_h = height / KM_PER_DEGREE / 2
    half_w = width / (KM_PER_DEGREE * math.cos(math.radians(LAT0))) / 2
    grid = geo.make_grid(
        "blank",
        "Blank",
        hex_km,
        (LAT0, LON0),
        (LAT0 - half_h, LAT0 + half_h, LON0 - half_w, LON0 + half_w),
        orientation,
    )
    assert (grid.cols, grid.rows) == (cols, rows)
    return grid


def at(grid: HexMap, col: int, row: int) -> int:
    return row * grid.cols + col


def add_city(grid: HexMap, name: str, h: int, role: str = "none", port: bool = False) -> None:
    lat, lon = grid.center_latlon(h)
    grid.cities.append(City(name.lower(), name, float(lat), float(lon), "town", 0, role, h, port))
    grid.city_at[h] = len(grid.cities) - 1


def world(
    grid: HexMap,
    units: Sequence[tuple[int, int] | tuple[int, int, UnitKind]],
    sides: dict[int, dict[str, Any]] | None = None,
    reach: int = 8,
    weather: Weather = Weather.CLEAR,
    control: int | np.ndarray = AXIS,
    zones: WeatherZones | None = None,
    edges: dict[int, list[str]] | None = None,
    steps: int = 4,
    men: int = 10_000,
    tanks: int = 0,
) -> tuple[Scenario, GameState]:
    """A scenario on `grid` with the given (side, hex[, kind]) units (infantry by default, 5 MP,
    `steps` steps of `men` men and `tanks` tanks).

    `sides` gives each side's file entry (SideSpec fields), or `edges` just their supply edges;
    by default the axis is supplied from the west edge and the soviets from nowhere.
    """
    if edges is not None:
        sides = {side: {"supply_edges": names} for side, names in edges.items()}
    sides = {AXIS: {"supply_edges": ["west"]}, SOVIET: {}} if sides is None else sides
    n = len(units)

    def column(value: int, dtype: type[np.generic]) -> np.ndarray:
        return np.full(n, value, dtype=dtype)

    names = tuple(f"unit_{i}" for i in range(n))
    kinds = [UnitKind(rest[0]) if rest else UnitKind.INFANTRY for _, _, *rest in units]
    table = UnitTable(
        ids=names,
        names=names,
        labels=names,
        formations=("corps",),
        formation=column(0, np.int16),
        side=np.array([u[0] for u in units], dtype=np.uint8),
        kind=np.array(kinds, dtype=np.uint8),
        size=column(UnitSize.DIVISION, np.uint8),
        max_steps=column(steps, np.int8),
        attack=column(4, np.int16),
        defence=column(4, np.int16),
        movement=column(5, np.int8),
        allowance=column(10, np.int16),
        men=column(men, np.int32),
        tanks=column(tanks, np.int32),
        start_hex=np.array([u[1] for u in units], dtype=np.int32),
        arrive_turn=column(1, np.int16),
        withdraw_turn=column(0, np.int16),
    )
    specs = {
        name: SideSpec(name=name, **sides.get(side, {}))
        for side, name in ((AXIS, "axis"), (SOVIET, "soviet"))
    }
    owner = (
        np.full(grid.size, control, dtype=np.uint8)
        if isinstance(control, int)
        else np.asarray(control, dtype=np.uint8)
    )
    scenario = dataclasses.replace(
        MINI,
        spec=MINI.spec.model_copy(update={"sides": specs}),
        map=grid,
        units=table,
        control=owner,
        weather=np.full(MINI.turns + 1, weather, dtype=np.uint8),
        vp=np.zeros(grid.size, dtype=np.int16),
        supply_reach={AXIS: reach, SOVIET: reach},
        weather_zones=zones,
    )
    return scenario, new_state(scenario, seed=1)


def zones(
    grid: HexMap, region: np.ndarray, weather: Weather, turns: int = MINI.turns
) -> WeatherZones:
    """One weather region over the `region` hexes ([N] mask) with `weather` on every turn."""
    zone = np.where(region, 1, 0).astype(np.uint8)
    table = np.full((turns + 1, 1), weather, dtype=np.uint8)
    return WeatherZones(("region",), ("Region",), zone, table)
