"""Kursk (Operation Citadel, July 1943): the scenario validates, its map keeps the real places and
rivers of the salient, its orders of battle add up to history.md's totals, and its AI can play."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from game.ai.players import play_one
from game.ai.scripted import HistoricalAI
from game.cli import main
from game.geo import great_circle_km
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.sim.runner import run_games

KURSK = Path(__file__).resolve().parent.parent / "scenarios" / "kursk_1943.toml"
AXIS, SOVIET = 0, 1  # the file's move order

# The towns issue 14 lists, at the coordinates the map file gives them (history.md where it has
# them, GeoNames otherwise): each must sit in, or next to, the hex that holds that point.
LISTED_TOWNS = {
    "bryansk": (53.24, 34.37),
    "orel": (52.97, 36.07),
    "mtsensk": (53.28, 36.58),
    "bolkhov": (53.44, 36.00),
    "kromy": (52.69, 35.79),
    "maloarkhangelsk": (52.40, 36.49),
    "ponyri": (52.31, 36.30),
    "fatezh": (52.09, 35.86),
    "kursk": (51.73, 36.19),
    "oboyan": (51.21, 36.28),
    "prokhorovka": (51.04, 36.74),
    "korocha": (50.81, 37.19),
    "belgorod": (50.60, 36.59),
    "tomarovka": (50.69, 36.23),
    "borisovka": (50.60, 36.02),
    "graivoron": (50.49, 35.67),
    "bogodukhov": (50.16, 35.53),
    "okhtyrka": (50.31, 34.90),
    "sumy": (50.92, 34.78),
    "kharkov": (50.00, 36.25),
    "stary_oskol": (51.30, 37.84),
}

# rivers issue 14 lists, and a town on each that the river must touch (its hex or a neighbour)
LISTED_RIVERS = {
    "Oka": "orel",
    "Zusha": "mtsensk",
    "Seym": "kursk",
    "Psel": "oboyan",
    "Vorskla": "graivoron",
    "Northern Donets": "belgorod",
    "Oskol": "stary_oskol",
}


@pytest.fixture(scope="module")
def kursk() -> Scenario:
    return load_scenario(KURSK)


def test_the_scenario_validates() -> None:
    assert main(["validate", str(KURSK)]) == 0


def test_describe_lists_every_city_with_its_position(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", str(KURSK), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["hex_km"] == 5.0 and info["days_per_turn"] == 1 and info["turns"] == 12
    cities = {c["id"]: c for c in info["cities"]}
    for c in cities.values():
        assert {"lat", "lon", "q", "r"} <= set(c)
    for town, (lat, lon) in LISTED_TOWNS.items():
        assert (cities[town]["lat"], cities[town]["lon"]) == (lat, lon), town


def test_each_listed_town_is_within_one_hex_of_its_real_position(kursk: Scenario) -> None:
    grid = kursk.map
    for town, (lat, lon) in LISTED_TOWNS.items():
        city = grid.city_by_id(town)
        assert city is not None, town
        clat, clon = grid.center_latlon(city.hex)
        off = great_circle_km(lat, lon, float(clat), float(clon))
        # inside its own hex: within the corner radius; "within one hex" allows a hex's width more
        assert off <= grid.hex_km / math.sqrt(3) + 0.01, f"{town} is {off:.1f} km from its hex"


def test_the_listed_rivers_run_past_their_towns(kursk: Scenario) -> None:
    grid = kursk.map
    names = [r.name for r in grid.rivers]
    for river, town in LISTED_RIVERS.items():
        assert river in names, river
        sides = grid.river_id == names.index(river)
        city = grid.city_by_id(town)
        assert city is not None
        near = [city.hex, *[int(n) for n in grid.neighbor[city.hex] if n >= 0]]
        assert sides[near].any(), f"the {river} should pass {town}"
        assert int(sides.sum()) >= 10, f"the {river} is too short"


def test_the_map_is_five_km_hexes_and_covers_both_salients(kursk: Scenario) -> None:
    grid = kursk.map
    assert grid.hex_km == 5.0
    # a 35 km penetration (history.md, the south face) is seven hexes
    assert round(35 / grid.hex_km) == 7
    owner = {c.id: int(kursk.control[c.hex]) for c in grid.cities}
    for town in ("orel", "bryansk", "belgorod", "kharkov", "sumy", "tomarovka"):
        assert owner[town] == AXIS, town
    for town in ("kursk", "oboyan", "prokhorovka", "ponyri", "fatezh", "korocha", "stary_oskol"):
        assert owner[town] == SOVIET, town


def _totals(kursk: Scenario, side: int, outside: tuple[str, ...] = ()) -> tuple[int, int]:
    units = kursk.units
    mask = (units.side == side) & np.array([uid not in outside for uid in units.ids])
    return int(units.men[mask].sum()), int(units.tanks[mask].sum())


def test_orders_of_battle_match_history_md(kursk: Scenario) -> None:
    # history.md: Germans 778-781,000 men, 2,465-2,928 tanks and assault guns; Soviets 1,910,000
    # men, 5,128 tanks (the file explains each gap; 2nd Tank Corps is outside the three fronts)
    men, tanks = _totals(kursk, AXIS)
    assert 778_000 * 0.9 <= men <= 781_000 * 1.1
    assert 2_465 * 0.9 <= tanks <= 2_928
    men, tanks = _totals(kursk, SOVIET, outside=("tc_2",))
    assert men == pytest.approx(1_910_000, rel=0.1)
    assert tanks == pytest.approx(5_128, rel=0.1)
    # the north face: 9th Army 335,000 men and ~900 tanks (history.md)
    units = kursk.units
    ninth = {
        "XXIII Corps",
        "XLI Panzer Corps",
        "XLVII Panzer Corps",
        "XLVI Panzer Corps",
        "XX Corps",
        "9th Army reserve",
    }
    mask = np.array([units.formations[f] in ninth for f in units.formation])
    assert int(units.men[mask].sum()) == pytest.approx(335_000, rel=0.1)
    assert int(units.tanks[mask].sum()) == pytest.approx(900, rel=0.1)


def test_the_prokhorovka_reserve_arrives_and_its_knob_keeps_it_away(kursk: Scenario) -> None:
    units = kursk.units
    rotmistrov = units.index("tc_29")
    assert units.arrive_turn[rotmistrov] == kursk.calendar.turn_of_date(
        kursk.calendar.start.replace(day=9)
    )
    without = kursk.with_knobs({"prokhorovka_reserve_delay_days": 12})
    assert without.units.arrive_turn[rotmistrov] > without.turns  # never on the map


def test_one_ai_side_turn_plays(kursk: Scenario) -> None:
    game = Game(kursk, seed=3, undo=False)
    axis = HistoricalAI(kursk, AXIS, seed=1)
    actions = 0
    while game.state.side_index == 0 and not game.state.over:
        play_one(game, axis)
        actions += 1
        assert actions < 2000
    assert game.state.side_index == 1
    moved = game.state.hex != kursk.units.start_hex
    assert bool(np.any(moved & (kursk.units.side == AXIS)))


# --- plausibility: AI-vs-AI games bracket history.md ----------------------------------------------
# The default plays PLAUSIBLE_RUNS seeded games on two processes (a minute or so); the soak plays
# SOAK_RUNS. Every band comes from history.md, "Kursk: Operation Citadel", as each comment says.
#
# The depth columns measure hex steps (5 km) from an Axis unit to the nearest hex the Axis held on
# 5 July, so a place reads a little deeper than its distance from the start line as the crow
# flies. On this map the places history.md's depths reach read: in the south, Prokhorovka 45 km,
# its outskirts (Oktyabrsky state farm) 40, Rzhavets (III Panzer Corps) 40, Teterevino 30, Oboyan
# 60, Kursk 85; in the north, Ponyri 20, Olkhovatka and Teploye 25, Fatezh 35.

PLAUSIBLE_RUNS = 6
SOAK_RUNS = 40
PLAUSIBLE_SEED = 19430705


def _median(rows: list[dict[str, object]], key: str) -> float:
    return float(np.median([float(str(r[key]) or 0) for r in rows]))


def citadel_misses(rows: list[dict[str, object]]) -> list[str]:
    """Every band missed, as messages (empty when all hold)."""
    misses: list[str] = []

    def band(ok: bool, what: str) -> None:
        if not ok:
            misses.append(what)

    n = len(rows)

    def share(key: str, owner: str) -> int:
        return sum(1 for r in rows if r[key] == owner)

    # history.md: Kursk never fell; Oboyan (71 km from Belgorod) was never reached, nor was
    # Prokhorovka taken ("the SS corps reached its outskirts")
    band(
        share("owner_kursk", "soviet") == n,
        f"Kursk German at the end in {n - share('owner_kursk', 'soviet')}/{n}",
    )
    band(
        share("owner_oboyan", "soviet") >= 0.8 * n,
        f"Oboyan Soviet in {share('owner_oboyan', 'soviet')}/{n}",
    )
    band(
        share("owner_prokhorovka", "soviet") >= 0.6 * n,
        f"Prokhorovka Soviet in {share('owner_prokhorovka', 'soviet')}/{n}",
    )
    # southern depth: history.md ~35 km, to Prokhorovka's outskirts and the Psel (40-45 here);
    # well short of Oboyan (60) and Kursk (85): band 20-55
    south = _median(rows, "deepest_south_km")
    band(20.0 <= south <= 55.0, f"median deepest south {south:.0f} km")
    # northern depth: history.md 12-16 km, Ponyri and the approaches to Olkhovatka (20-25
    # here), never Olkhovatka or Fatezh (35): band 5-30
    north = _median(rows, "deepest_north_km")
    band(5.0 <= north <= 30.0, f"median deepest north {north:.0f} km")
    # history.md: the south went deeper than the north
    deeper = sum(
        1 for r in rows if float(str(r["deepest_south_km"])) > float(str(r["deepest_north_km"]))
    )
    band(deeper >= 0.75 * n, f"south deeper than the north in {deeper}/{n}")
    # history.md: German 54,182 men, Soviet 177,847 (3.3 to 1): each within about a half
    axis, soviet = _median(rows, "men_lost_axis"), _median(rows, "men_lost_soviet")
    band(30_000 <= axis <= 85_000, f"median German men lost {axis:.0f}")
    band(110_000 <= soviet <= 260_000, f"median Soviet men lost {soviet:.0f}")
    ratios = [
        float(str(r["men_lost_soviet"])) / max(float(str(r["men_lost_axis"])), 1.0) for r in rows
    ]
    ratio = float(np.median(ratios))
    band(2.0 <= ratio <= 5.0, f"median men lost ratio {ratio:.2f}")
    # history.md: 252-323 German tanks destroyed (1,612 damaged); the Soviets lost more tanks
    # (1,614-1,956, repairable ones included)
    tanks = _median(rows, "tanks_lost_axis")
    band(150 <= tanks <= 450, f"median German tanks lost {tanks:.0f}")
    # (that the Soviets lose several times the Germans' tanks is pinned apart, below)
    # the file's historical outcome (history.md: Citadel failed): a Soviet win or a draw in most
    # games, never a German decisive win
    soviet_or_draw = sum(1 for r in rows if r["winner"] in ("soviet", "draw"))
    band(soviet_or_draw >= 0.75 * n, f"a Soviet win or a draw in {soviet_or_draw}/{n}")
    german_decisive = sum(
        1 for r in rows if (r["winner"], r["victory_level"]) == ("axis", "decisive")
    )
    band(german_decisive == 0, f"a German decisive win in {german_decisive}/{n}")
    # a battle, not a script: the depth differs between games
    band(len({r["deepest_south_km"] for r in rows}) > 1 or n < 3, "every game went equally deep")
    # not over before the end: no sudden death
    band(all(int(str(r["turns"])) == 12 for r in rows), "a game ended before 16 July")
    return misses


@pytest.fixture(scope="module")
def citadel_games(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, object]], Path]:
    saves = tmp_path_factory.mktemp("kursk_saves")
    rows = run_games(KURSK, PLAUSIBLE_RUNS, PLAUSIBLE_SEED, workers=2, save_dir=saves)
    return [dict(r) for r in rows], saves


@pytest.mark.plausibility
def test_citadel_brackets_history(citadel_games: tuple[list[dict[str, object]], Path]) -> None:
    rows, _ = citadel_games
    assert citadel_misses(rows) == []


@pytest.mark.plausibility
def test_the_soviets_lose_more_tanks_than_the_germans(
    citadel_games: tuple[list[dict[str, object]], Path],
) -> None:
    rows, _ = citadel_games
    # history.md: 1,614-1,956 Soviet tanks lost (repairable ones included) against 252-323
    # destroyed, 5 to 7 times; ~340 of them at Prokhorovka alone. The games, with the tank
    # formations' counter-attacks at the plan's own_loss_weight, give about 1.9 times (median of
    # 16 games: 520 against 280): at least 1.5 times
    soviet, axis = _median(rows, "tanks_lost_soviet"), _median(rows, "tanks_lost_axis")
    assert soviet >= 1.5 * axis, (soviet, axis)


@pytest.mark.plausibility
def test_a_whole_citadel_game_saved_replays_to_its_hash(
    citadel_games: tuple[list[dict[str, object]], Path],
) -> None:
    _, saves = citadel_games
    save = sorted(saves.glob("run_*.json"))[0]
    assert main(["replay", str(save), "--check"]) == 0


@pytest.mark.soak
def test_citadel_bands_hold_over_many_games() -> None:
    rows = [dict(r) for r in run_games(KURSK, SOAK_RUNS, PLAUSIBLE_SEED, workers=2)]
    assert citadel_misses(rows) == []
