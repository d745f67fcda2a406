"""The map keeps real geography: towns where they are, distances as on the ground, rivers where
they run; and the Third Kharkov scenario stands on it legally."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.enums import River, Terrain
from game.geo import Projection, great_circle_km
from game.scenario.model import Scenario, load_scenario
from tests.conftest import KHARKOV

AXIS, SOVIET = 0, 1  # side numbers of the test scenarios (their move order)


@pytest.fixture(scope="module")
def kharkov() -> Scenario:
    return load_scenario(KHARKOV)


# facts from ../shared/history.md: the map must put these towns where history.md puts them
HISTORY_PLACES = {
    "kharkov": (50.00, 36.25),
    "belgorod": (50.60, 36.59),
    "poltava": (49.57, 34.57),
    "krasnograd": (49.37, 35.45),
    "lozovaya": (48.89, 36.32),
    "pavlograd": (48.53, 35.87),
    "izium": (49.21, 37.26),
    "zaporozhye": (47.86, 35.18),
    "dnepropetrovsk": (48.48, 35.00),
    "stalino": (48.00, 37.83),
    "voroshilovgrad": (48.57, 39.33),
    "kupiansk": (49.72, 37.58),
    "chuguev": (49.84, 36.69),
    "rostov": (47.22, 39.72),
}


def test_projection_round_trips_and_keeps_distance_from_the_centre() -> None:
    proj = Projection(49.05, 36.8)
    x, y = proj.project([50.0, 47.22], [36.25, 39.72])
    lat, lon = proj.unproject(x, y)
    assert np.allclose(lat, [50.0, 47.22]) and np.allclose(lon, [36.25, 39.72])
    # azimuthal equidistant: distance from the centre is exact
    assert math.hypot(x[0], y[0]) == pytest.approx(
        great_circle_km(49.05, 36.8, 50.0, 36.25), rel=1e-9
    )
    assert y[0] < 0 < y[1]  # north is up (negative y on screen)


def test_neighbouring_hex_centres_are_ten_km_apart(kharkov: Scenario) -> None:
    grid = kharkov.map
    assert grid.layout.neighbor_spacing == pytest.approx(10.0)
    h = grid.size // 2 + grid.cols // 2
    x, y = grid.center_km(np.array([h, grid.neighbor[h, 0], grid.neighbor[h, 5]]))
    assert math.hypot(x[1] - x[0], y[1] - y[0]) == pytest.approx(10.0)
    assert math.hypot(x[2] - x[0], y[2] - y[0]) == pytest.approx(10.0)


def test_history_places_are_on_the_map_where_history_puts_them(kharkov: Scenario) -> None:
    grid = kharkov.map
    for city_id, (lat, lon) in HISTORY_PLACES.items():
        city = grid.city_by_id(city_id)
        assert city is not None, city_id
        assert (city.lat, city.lon) == (lat, lon)


def test_every_city_lies_within_one_hex_of_its_real_position(kharkov: Scenario) -> None:
    grid = kharkov.map
    for city in grid.cities:
        clat, clon = grid.center_latlon(city.hex)
        off = great_circle_km(city.lat, city.lon, float(clat), float(clon))
        # inside its hex means within the corner radius (10 km / sqrt 3)
        assert off <= grid.hex_km / math.sqrt(3) + 0.01, (
            f"{city.name} is {off:.1f} km from its hex centre"
        )


def test_hex_centre_distances_match_great_circle_distances(kharkov: Scenario) -> None:
    grid = kharkov.map
    worst = 0.0
    for a, b in itertools.combinations(grid.cities, 2):
        real = great_circle_km(a.lat, a.lon, b.lat, b.lon)
        x, y = grid.center_km(np.array([a.hex, b.hex]))
        on_map = math.hypot(x[1] - x[0], y[1] - y[0])
        allowed = max(0.08 * real, 1.2 * grid.hex_km)
        assert abs(on_map - real) <= allowed, (
            f"{a.name}-{b.name}: {on_map:.0f} km on the map, {real:.0f} km real"
        )
        if real > 300:
            worst = max(worst, abs(on_map - real) / real)
    assert worst < 0.04  # over long distances only the projection errs, and very little


def test_historical_distances_from_history_md(kharkov: Scenario) -> None:
    grid = kharkov.map

    def map_km(a: str, b: str) -> float:
        ca, cb = grid.city_by_id(a), grid.city_by_id(b)
        assert ca is not None and cb is not None
        x, y = grid.center_km(np.array([ca.hex, cb.hex]))
        return math.hypot(x[1] - x[0], y[1] - y[0])

    # history.md (calc.): Krasnograd-Pavlograd 98 km, Pavlograd-Kharkov 166 km, Kharkov-Belgorod 71 km
    assert map_km("krasnograd", "pavlograd") == pytest.approx(98, abs=12)
    assert map_km("pavlograd", "kharkov") == pytest.approx(166, rel=0.08)
    assert map_km("kharkov", "belgorod") == pytest.approx(71, abs=12)


def test_rivers_run_where_the_real_rivers_run(kharkov: Scenario) -> None:
    grid = kharkov.map
    names = [r.name for r in grid.rivers]

    def river_sides(name_part: str) -> np.ndarray:
        index = next(i for i, n in enumerate(names) if name_part in n)
        return grid.river_id == index

    donets = river_sides("Donets")
    dnieper = river_sides("Dnieper")
    for town in ("belgorod", "chuguev", "izium", "lysychansk"):
        h = grid.city_by_id(town).hex  # type: ignore[union-attr]
        assert donets[h].any(), f"the Donets should touch {town}'s hex"
    for town in ("dnepropetrovsk", "zaporozhye", "kremenchug", "nikopol"):
        h = grid.city_by_id(town).hex  # type: ignore[union-attr]
        assert dnieper[h].any(), f"the Dnieper should touch {town}'s hex"
    assert (grid.river[dnieper] == River.MAJOR).all()
    # Kharkov lies west of the Donets: no Donets hexside on its own hex
    assert not donets[grid.city_by_id("kharkov").hex].any()  # type: ignore[union-attr]
    # every river is a connected chain: hexsides are symmetric between neighbours
    for d in range(6):
        h = np.nonzero(grid.neighbor[:, d] >= 0)[0]
        n = grid.neighbor[h, d]
        assert (grid.river[h, d] == grid.river[n, (d + 3) % 6]).all()


def test_the_sea_of_azov_is_water_and_towns_are_on_land(kharkov: Scenario) -> None:
    grid = kharkov.map
    sea = grid.hex_of_latlon(46.95, 37.6)  # the open sea south of Mariupol
    assert grid.terrain[sea] == Terrain.WATER
    for city in grid.cities:
        assert grid.terrain[city.hex] != Terrain.WATER, city.name
    assert grid.terrain[grid.city_by_id("kharkov").hex] == Terrain.URBAN  # type: ignore[union-attr]


def test_the_map_covers_the_third_kharkov_theatre_at_ten_km(kharkov: Scenario) -> None:
    required = (
        "belgorod",
        "kharkov",
        "kupiansk",
        "voroshilovgrad",
        "stalino",
        "zaporozhye",
        "dnepropetrovsk",
        "poltava",
    )
    for city_id in required:
        assert kharkov.map.city_by_id(city_id) is not None
    for river in ("Donets", "Dnieper", "Oskol", "Vorskla", "Mius", "Samara"):
        assert any(river in r.name for r in kharkov.map.rivers), river


def test_every_unit_starts_on_a_legal_hex(kharkov: Scenario) -> None:
    units = kharkov.units
    grid = kharkov.map
    at_start = units.arrive_turn == 1
    hexes = units.start_hex[at_start]
    sides = units.side[at_start]
    assert (hexes >= 0).all()
    assert (grid.terrain[hexes] != Terrain.WATER).all()
    for h in np.unique(hexes):
        here = sides[hexes == h]
        assert len(set(here.tolist())) == 1, f"opposing units share hex {h}"
        assert len(here) <= kharkov.spec.scenario.stacking_limit
        assert kharkov.control[h] == here[0]  # a unit stands on its own side's ground


def test_kharkov_starts_soviet_and_the_dnieper_crossings_german(kharkov: Scenario) -> None:
    grid = kharkov.map
    owner = {c.id: int(kharkov.control[c.hex]) for c in grid.cities}
    assert owner["kharkov"] == SOVIET and owner["belgorod"] == SOVIET
    assert owner["dnepropetrovsk"] == AXIS and owner["zaporozhye"] == AXIS
    assert owner["poltava"] == AXIS and owner["krasnograd"] == AXIS


def test_describe_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "kharkov_1943", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["hex_km"] == pytest.approx(10.0)
    assert info["start"] == "1943-02-19" and info["days_per_turn"] == 2
    assert info["columns"] * info["rows"] > 2000
    kharkov_city = next(c for c in info["cities"] if c["id"] == "kharkov")
    assert kharkov_city["owner"] == "soviet" and kharkov_city["vp"] > 0
    assert {"id", "name", "lat", "lon", "q", "r", "owner", "vp"} <= set(kharkov_city)
    assert info["units"]["axis"] > 10 and info["units"]["soviet"] > 30


def test_map_command_draws_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import pygame

    out = tmp_path / "kharkov.png"
    assert main(["map", "kharkov_1943", "--png", str(out), "--hex-px", "20"]) == 0
    image = pygame.image.load(str(out))
    width, height = image.get_size()
    assert width > 900 and height > 900
    # the map is not blank: steppe, rivers, front line and counters give many colours
    pixels = pygame.surfarray.array3d(image).reshape(-1, 3)
    assert len(np.unique(pixels[::97], axis=0)) > 50


def test_scenarios_command_lists_kharkov_with_knobs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert "kharkov_1943" in out and "thaw_shift_days" in out
