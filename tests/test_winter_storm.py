"""Winter Storm 1942: the Don-Volga map, the order of battle against history.md, and one AI turn."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from game.ai.players import make_player, play_one
from game.cli import main
from game.enums import River
from game.geo import great_circle_km
from game.hexgrid import distance_array
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.sim.runner import ai_seed
from game.state import UnitStatus

ROOT = Path(__file__).resolve().parent.parent
WINTER_STORM = ROOT / "scenarios" / "winter_storm_1942.toml"

# history.md, "Places": used exactly by the map
HISTORY_PLACES = {
    "stalingrad": (48.71, 44.52),
    "kalach": (48.69, 43.53),
    "kotelnikovo": (47.63, 43.13),
    "tsimlyansk": (47.65, 42.09),
}
# The relief battle as history.md counts it (Winter Storm section)
GROUP_HOTH = ("LVII Panzer Corps", "Romanian 4th Army")
RELIEF_OPPONENTS = ("51st Army", "Stalingrad Front armour", "2nd Guards Army", "2nd Guards Army armour")


@pytest.fixture(scope="module")
def winter_storm() -> Scenario:
    return load_scenario(WINTER_STORM)


def _formation_totals(scenario: Scenario, formations: tuple[str, ...]) -> tuple[int, int]:
    units = scenario.units
    names = np.array([units.formations[f] for f in units.formation])
    picked = np.isin(names, formations)
    return int(units.men[picked].sum()), int(units.tanks[picked].sum())


def test_validate_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(WINTER_STORM)]) == 0
    assert "ok" in capsys.readouterr().out


def test_describe_lists_every_town_within_one_hex_of_where_it_is(
    winter_storm: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["describe", str(WINTER_STORM), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    cities = {c["id"]: c for c in info["cities"]}
    grid = winter_storm.map
    assert set(cities) == {c.id for c in grid.cities}
    for city in cities.values():
        assert {"lat", "lon", "q", "r"} <= set(city)
        # the hex it is in is the hex of its coordinates, or next to it
        real = grid.hex_of(int(grid.hex_of_latlon(city["lat"], city["lon"])))
        steps = distance_array(np.array(real.q), np.array(real.r), city["q"], city["r"])
        assert int(steps) <= 1, city["id"]
        clat, clon = grid.center_latlon(grid.index(city["q"], city["r"]))
        off = great_circle_km(city["lat"], city["lon"], float(clat), float(clon))
        assert off <= grid.hex_km / math.sqrt(3) + grid.hex_km + 0.01, city["id"]
    for city_id, latlon in HISTORY_PLACES.items():
        assert (cities[city_id]["lat"], cities[city_id]["lon"]) == latlon
    # the villages of the relief route are on the map, in order from Kotelnikovo to the pocket
    route = ["kotelnikovo", "zhutovo", "verkhne_kumsky", "vasilevka", "karpovka", "pitomnik"]
    north = [cities[c]["lat"] for c in route]
    assert north == sorted(north)


def test_the_rivers_of_the_battle_are_on_the_map(winter_storm: Scenario) -> None:
    grid = winter_storm.map
    names = [r.name for r in grid.rivers]

    def sides(name_part: str) -> np.ndarray:
        index = next(i for i, n in enumerate(names) if name_part in n)
        marked: np.ndarray = grid.river_id == index
        assert marked.sum() >= 6, f"{name_part} marks too few hexsides"
        return marked

    don, volga = sides("Don"), sides("Volga")
    for minor in ("Chir", "Aksai (Yesaulovsky)", "Aksai (Kurmoyarsky)", "Myshkova", "Karpovka"):
        sides(minor)
    assert (grid.river[don] == River.MAJOR).all() and (grid.river[volga] == River.MAJOR).all()
    assert volga[grid.city_by_id("stalingrad").hex].any()  # type: ignore[union-attr]
    # the relief had to cross the Aksai and the Myshkova: both lie between Kotelnikovo and the
    # pocket, the Myshkova north of the Aksai
    aksai, myshkova = sides("Aksai (Yesaulovsky)"), sides("Myshkova")
    lat = grid.center_latlon(np.arange(grid.size))[0]
    kotelnikovo_lat, karpovka_lat = 47.63, 48.70
    for marked in (aksai, myshkova):
        rows = lat[marked.any(axis=1)]
        assert kotelnikovo_lat < np.median(rows) < karpovka_lat
    assert np.median(lat[myshkova.any(axis=1)]) > np.median(lat[aksai.any(axis=1)])


def test_order_of_battle_matches_history_md(winter_storm: Scenario) -> None:
    """history.md: Germans ~50-55,000 men and 250-300 tanks; Soviets ~149,000 men and ~635
    tanks (51st and 2nd Guards Armies, 4th and 13th Mechanised Corps); bands of about 10 %."""
    men, tanks = _formation_totals(winter_storm, GROUP_HOTH)
    assert 45_000 <= men <= 60_500 and 225 <= tanks <= 330
    men, tanks = _formation_totals(winter_storm, RELIEF_OPPONENTS)
    assert 134_000 <= men <= 164_000 and 571 <= tanks <= 699
    # the named formations of the battle are there, and 17th Panzer and 2nd Guards Army arrive
    units = winter_storm.units
    for uid in ("panzer_6", "panzer_23", "panzer_17", "mech_corps_4", "mech_corps_13"):
        assert uid in units.ids
    assert units.arrive_turn[units.index("panzer_17")] > 1
    guards = [
        u for u in range(units.count) if units.formations[units.formation[u]] == "2nd Guards Army"
    ]
    assert guards and (units.arrive_turn[guards] > 1).all()


def test_the_pocket_starts_surrounded_and_supplied_by_its_airfield(winter_storm: Scenario) -> None:
    grid = winter_storm.map
    axis = winter_storm.side_table.index("axis")
    for town in ("stalingrad", "pitomnik", "gumrak", "karpovka", "marinovka"):
        assert winter_storm.control[grid.city_by_id(town).hex] == axis  # type: ignore[union-attr]
    assert winter_storm.control[grid.city_by_id("kalach").hex] != axis  # type: ignore[union-attr]
    assert winter_storm.spec.sides["axis"].supply_sources == ["pitomnik"]


def test_one_ai_side_turn_plays(winter_storm: Scenario) -> None:
    game = Game(winter_storm, seed=3, undo=False)
    axis = winter_storm.side_table.index("axis")
    player = make_player(winter_storm, axis, ai_seed(3, axis))
    start = game.state.hex.copy()
    for _ in range(2000):
        if game.state.side_index != 0 or game.state.over:
            break
        play_one(game, player)
    assert game.state.side_index == 1 and game.state.turn == 1
    moved = (game.state.hex != start) & (game.state.status == UnitStatus.ACTIVE)
    assert moved.any()
