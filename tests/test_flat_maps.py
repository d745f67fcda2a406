"""Flat-top maps (odd-q columns) beside pointy-top ones (odd-r rows): the same ground either way,
distances true to the km, rivers in connected hexside chains, q/r that round-trip, games that play."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from game import geo, hexgrid
from game.actions import EndPhase, Move
from game.cli import main
from game.engine import legal_actions, new_game
from game.enums import River, Terrain
from game.geo import HexMap, great_circle_km
from game.hexgrid import DIRECTION_NAMES_FLAT, DIRECTIONS, Hex, Layout
from game.rules import supply
from game.saves import load_game, save_game
from game.scenario.loader import load_map
from game.scenario.model import load_scenario
from game.session import Game
from tests.conftest import DATA, MiniWriter
from tests.worlds import AXIS, blank_grid

ORIENTATIONS: tuple[geo.Orientation, ...] = ("pointy", "flat")


def oriented(path: Path, orientation: str, out: Path) -> Path:
    """A copy of a map file with `orientation` set in its header."""
    text = path.read_text().replace("[map]\n", f'[map]\norientation = "{orientation}"\n', 1)
    out.write_text(text)
    return out


# --- hex arithmetic -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("axial", "oddq"),
    [
        (Hex(0, 0), (0, 0)),
        (Hex(1, 0), (1, 0)),
        (Hex(1, -1), (1, -1)),
        (Hex(3, -1), (3, 0)),
        (Hex(-1, 0), (-1, -1)),
    ],
)
def test_odd_q_conversion_matches_hand_worked_cases(axial: Hex, oddq: tuple[int, int]) -> None:
    col, row = hexgrid.axial_to_oddq(axial.q, axial.r)
    assert (int(col), int(row)) == oddq
    q, r = hexgrid.oddq_to_axial(*oddq)
    assert Hex(int(q), int(r)) == axial


def test_odd_q_round_trips_over_a_block_of_offsets() -> None:
    col, row = np.meshgrid(np.arange(-5, 6), np.arange(-5, 6))
    back = hexgrid.axial_to_oddq(*hexgrid.oddq_to_axial(col, row))
    assert (back[0] == col).all() and (back[1] == row).all()


def test_flat_direction_names_point_where_a_flat_layout_puts_the_neighbours() -> None:
    compass = {"N": 90, "NE": 30, "SE": -30, "S": -90, "SW": -150, "NW": 150}
    for d, name in enumerate(DIRECTION_NAMES_FLAT):
        x, y = Layout.flat(1.0).hex_to_pixel(DIRECTIONS[d])
        angle = math.degrees(math.atan2(-y, x))  # y grows south on our maps
        assert angle == pytest.approx(compass[name], abs=1e-9), name


# --- the grid ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_every_hex_index_round_trips_and_neighbours_are_one_hex_km_apart(
    orientation: geo.Orientation,
) -> None:
    grid = blank_grid(9, 7, orientation)
    assert grid.orientation == orientation
    every = np.arange(grid.size)
    assert (grid.index(grid.q, grid.r) == every).all()
    assert all(grid.index_of(grid.hex_of(h)) == h for h in range(grid.size))
    assert (grid.hex_of_latlon(*grid.center_latlon(every)) == every).all()
    for d in range(6):
        h = np.nonzero(grid.neighbor[:, d] >= 0)[0]
        n = grid.neighbor[h, d]
        assert (grid.neighbor[n, hexgrid.opposite(d)] == h).all()
        x, y = grid.center_km(h)
        nx, ny = grid.center_km(n)
        assert np.allclose(np.hypot(nx - x, ny - y), grid.hex_km)


def test_a_flat_map_has_flat_top_hexes_in_odd_q_columns() -> None:
    grid = blank_grid(5, 4, "flat")
    x, y = grid.center_km(np.arange(grid.size))
    size = grid.hex_km / math.sqrt(3.0)
    col, row = np.arange(grid.size) % grid.cols, np.arange(grid.size) // grid.cols
    assert np.allclose(x - x[0], 1.5 * size * col)  # columns 1.5 sizes apart
    assert np.allclose(y - y[0], grid.hex_km * (row + 0.5 * (col % 2)))  # odd columns shoved south
    assert grid.edge["north"].sum() == grid.cols and grid.edge["west"].sum() == grid.rows


def test_the_same_region_holds_the_same_land_either_way() -> None:
    """A round lake of 60 km radius on a 240 km square: lake and land hexes agree within 5 %."""
    counts = {}
    for orientation in ORIENTATIONS:
        grid = geo.make_grid(
            "lake", "Lake", 10.0, (50.0, 36.0), (48.9, 51.1, 34.3, 37.7), orientation
        )
        angle = np.linspace(0, 2 * math.pi, 72, endpoint=False)
        lat = 50.0 + 60.0 / 111.2 * np.sin(angle)
        lon = 36.0 + 60.0 / (111.2 * math.cos(math.radians(50.0))) * np.cos(angle)
        geo.paint_polygon(grid, Terrain.LAKE, lat.tolist(), lon.tolist())
        lat_c, lon_c = grid.center_latlon(np.arange(grid.size))
        inside = (lat_c > 49.0) & (lat_c < 51.0) & (lon_c > 34.5) & (lon_c < 37.5)
        counts[orientation] = (int((grid.water & inside).sum()), int((~grid.water & inside).sum()))
    hex_area = math.sqrt(3) / 2 * 10.0**2
    assert counts["pointy"][0] == pytest.approx(math.pi * 60.0**2 / hex_area, rel=0.05)
    assert counts["flat"][0] == pytest.approx(counts["pointy"][0], rel=0.05)
    assert counts["flat"][1] == pytest.approx(counts["pointy"][1], rel=0.05)


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_distances_along_a_straight_line_match_the_km_within_a_hex(
    orientation: geo.Orientation, tmp_path: Path
) -> None:
    grid = load_map(oriented(DATA / "maps" / "donets_test.toml", orientation, tmp_path / "m.toml"))
    for a, b in (("kharkov", "belgorod"), ("kharkov", "chuguev"), ("belgorod", "chuguev")):
        ca, cb = grid.city_by_id(a), grid.city_by_id(b)
        assert ca is not None and cb is not None
        real = great_circle_km(ca.lat, ca.lon, cb.lat, cb.lon)
        x, y = grid.center_km(np.array([ca.hex, cb.hex]))
        assert math.hypot(x[1] - x[0], y[1] - y[0]) == pytest.approx(real, abs=grid.hex_km)
    # along the map's own hex axis (east for pointy-top, south for flat-top) hex steps are km
    start = grid.hex_of(grid.size // 2 - grid.cols // 2)
    axis = 0 if orientation == "pointy" else 5  # E, or S on a flat map
    end = start + DIRECTIONS[axis].scale(5)
    lat_a, lon_a = grid.center_latlon(grid.index_of(start))
    lat_b, lon_b = grid.center_latlon(grid.index_of(end))
    km = great_circle_km(float(lat_a), float(lon_a), float(lat_b), float(lon_b))
    assert hexgrid.distance(start, end) * grid.hex_km == pytest.approx(km, abs=grid.hex_km)


def corners_of(grid: HexMap, h: int, d: int) -> tuple[tuple[float, float], ...]:
    cx, cy = grid.center_km(np.array([h]))
    offsets = grid.layout.corner_offsets()
    return tuple(
        (round(float(cx[0] + offsets[i, 0]), 6), round(float(cy[0] + offsets[i, 1]), 6))
        for i in grid.layout.edge_corners(d)
    )


def chains(grid: HexMap) -> int:
    """How many connected chains the river hexsides form (hexsides meeting at a corner join)."""
    sides = [(h, d) for d in range(3) for h in np.nonzero(grid.river[:, d] > 0)[0].tolist()]
    parent = list(range(len(sides)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    at_corner: dict[tuple[float, float], int] = {}
    for i, (h, d) in enumerate(sides):
        for corner in corners_of(grid, h, d):
            j = at_corner.setdefault(corner, i)
            parent[root(i)] = root(j)
    return len({root(i) for i in range(len(sides))})


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_a_winding_river_is_one_connected_chain_of_hexsides(orientation: geo.Orientation) -> None:
    grid = blank_grid(14, 12, orientation)
    lat0, lon0 = grid.center_latlon(0)
    lat1, lon1 = grid.center_latlon(grid.size - 1)
    t = np.linspace(0.1, 0.9, 40)
    lat = lat0 + (lat1 - lat0) * t
    lon = lon0 + (lon1 - lon0) * (t + 0.15 * np.sin(7 * t))
    marked = geo.add_river(grid, 0, River.MAJOR, lat.tolist(), lon.tolist())
    assert marked >= 10
    assert chains(grid) == 1
    for d in range(6):  # symmetric between neighbours
        h = np.nonzero(grid.neighbor[:, d] >= 0)[0]
        assert (grid.river[h, d] == grid.river[grid.neighbor[h, d], (d + 3) % 6]).all()


def test_the_donets_builds_one_chain_on_a_flat_map(tmp_path: Path) -> None:
    grid = load_map(oriented(DATA / "maps" / "donets_test.toml", "flat", tmp_path / "m.toml"))
    assert chains(grid) == 1


# --- scenarios on flat maps ------------------------------------------------------------------------


@pytest.fixture
def flat_mini(mini: MiniWriter) -> Path:
    path = mini()
    oriented(
        path.parent / "maps" / "donets_test.toml", "flat", path.parent / "maps" / "donets_test.toml"
    )
    return path


def test_describe_json_q_and_r_round_trip_on_a_flat_map(
    flat_mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["describe", str(flat_mini), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["map"]["orientation"] == "flat"
    grid = load_scenario(flat_mini).map
    for city in info["cities"]:
        h = int(grid.index(city["q"], city["r"]))
        assert h == grid.city_by_id(city["id"]).hex  # type: ignore[union-attr]
        assert h == grid.hex_of_latlon(city["lat"], city["lon"])


def test_a_game_plays_saves_and_replays_on_a_flat_map(flat_mini: Path, tmp_path: Path) -> None:
    scenario = load_scenario(flat_mini)
    state, _ = new_game(scenario, seed=5)
    assert supply.unit_supply(scenario, state)[scenario.units.side == AXIS].all()
    game = Game(scenario, seed=5)
    for _ in range(12):  # the first legal move of each phase, then end it
        action = next((a for a in legal_actions(scenario, game.state) if isinstance(a, Move)), None)
        if action is not None:
            game.apply(action)
        game.apply(EndPhase())
    assert game.state.turn >= 2
    save_game(game, tmp_path / "flat.json")
    replayed = load_game(tmp_path / "flat.json", check=True, scenario_path=flat_mini)
    assert replayed.state.state_hash() == game.state.state_hash()
