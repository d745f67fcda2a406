"""Winter Storm 1942: the Don-Volga map, the order of battle against history.md, AI games against
history.md (the relief stalls short, the pocket holds, an early breakout changes that), a save."""

from __future__ import annotations

import json
import math
import os
import statistics
from pathlib import Path

import numpy as np
import pytest

from game.ai.players import make_player, play_one
from game.cli import main
from game.enums import River
from game.geo import great_circle_km
from game.hexgrid import distance_array
from game.saves import load_game, save_game
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.sim.runner import Row, ai_seed, play_game, run_games
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
RELIEF_OPPONENTS = (
    "51st Army",
    "Stalingrad Front armour",
    "2nd Guards Army",
    "2nd Guards Army armour",
)


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
    side = winter_storm.spec.sides["axis"]
    assert not side.supply_sources  # the airlift, not a supply source, feeds the pocket
    assert side.air_supply is not None and side.air_supply.places == ["pitomnik"]
    assert side.breakout is not None and side.breakout.formations == ["6th Army"]


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


# --- plausibility: seeded AI-vs-AI games against history.md ----------------------------------

RUNS = int(os.environ.get("EASTFRONT_WINTER_STORM_RUNS", "6"))
SOAK_RUNS = 40
SEED = 19421212
WORKERS = max(1, min(2, os.cpu_count() or 1))
POCKET_MEN = 166_000  # 6th Army's fighting strength in the file (an estimate, see its header)
# history.md: "Stopped ~48 km from the pocket (one account ~30 km)": short by some tens of km.
RELIEF_GAP_KM = (10.0, 70.0)
# history.md: Group Hoth lost ~8,000 men (12-24 Dec); a band of a factor of about four each way
# for one 12-day battle whose Soviet side is scripted.
AXIS_MEN_LOST = (2_000, 30_000)
# history.md: 160 tanks lost of 250-300 (the file has 260): a large share, some 60 %.
GROUP_HOTH_TANKS = 260
AXIS_TANKS_LOST = (0.35 * GROUP_HOTH_TANKS, 0.9 * GROUP_HOTH_TANKS)


def _check_history(rows: list[Row]) -> None:
    gaps = [float(r["relief_gap_km"]) for r in rows]
    short = [g for g in gaps if RELIEF_GAP_KM[0] <= g <= RELIEF_GAP_KM[1]]
    # the relief stalls some tens of km short in most games (measured: 31 of 32 on seeds 1-16
    # and 19421212-27; in the other a panzer division slips past 57th Army to Karpovka)
    assert len(short) >= len(rows) / 2, gaps
    assert all(r["owner_stalingrad"] == "axis" and r["owner_pitomnik"] == "axis" for r in rows)
    # the pocket is not relieved and still holds at the end (the Soviets win on points)
    assert all(float(r["pocket_men"]) >= POCKET_MEN / 2 for r in rows)
    assert sum(r["winner"] == "soviet" for r in rows) >= 2 / 3 * len(rows)
    # the Germans' losses outside the pocket (hunger and the ring are the pocket's own books)
    men = statistics.median(
        float(r["men_lost_axis"]) - (POCKET_MEN - float(r["pocket_men"])) for r in rows
    )
    assert AXIS_MEN_LOST[0] <= men <= AXIS_MEN_LOST[1], men
    assert len({(r["men_lost_axis"], r["men_lost_soviet"]) for r in rows}) > 1


@pytest.mark.plausibility
def test_historical_play_stalls_the_relief_short_and_the_pocket_holds() -> None:
    _check_history(run_games(WINTER_STORM, RUNS, SEED, workers=WORKERS))


@pytest.mark.soak
def test_historical_play_brackets_history_over_many_games() -> None:
    _check_history(run_games(WINTER_STORM, SOAK_RUNS, SEED, workers=WORKERS))


def _group_hoth_losses(scenario: Scenario, seed: int) -> tuple[int, int]:
    """Men and tanks Group Hoth lost in one game."""
    game = play_game(scenario, seed=seed).game
    units = scenario.units
    hoth = np.isin(np.array(units.formations)[units.formation], GROUP_HOTH)
    return int(game.state.men_lost[hoth].sum()), int(game.state.tanks_lost[hoth].sum())


def _group_hoth_tanks_lost(scenario: Scenario, seed: int) -> int:
    return _group_hoth_losses(scenario, seed)[1]


@pytest.mark.plausibility
def test_the_germans_lose_a_large_share_of_their_tanks() -> None:
    """history.md: Group Hoth lost ~160 of its tanks and ~8,000 men. Its tanks go four times as
    fast as its men (the file's tank_losses): over 16 games (seeds 19421212-27) a median 144
    tanks (45-205) for a median ~6,100 men; at the even share it would be 48 (15-79)."""
    scenario = load_scenario(WINTER_STORM)
    games = [_group_hoth_losses(scenario, SEED + k) for k in range(RUNS)]
    tanks = statistics.median(t for _, t in games)
    assert AXIS_TANKS_LOST[0] <= tanks <= AXIS_TANKS_LOST[1], games
    men, tanks_at_start = _formation_totals(scenario, GROUP_HOTH)
    assert tanks_at_start == GROUP_HOTH_TANKS
    # a share of its tanks at least twice its share of men (history: ~60 % against ~16 %)
    men_lost = statistics.median(m for m, _ in games)
    assert tanks / tanks_at_start >= 2 * men_lost / men, games


@pytest.mark.plausibility
def test_the_relief_pays_for_its_drive_in_tanks() -> None:
    """The relief attacks into the Myshkova line and the Soviet armour counter-attacks (the
    plan's own_loss_weight): Group Hoth loses tanks in most games (before, 0-32 in each game)."""
    scenario = load_scenario(WINTER_STORM)
    lost = [_group_hoth_tanks_lost(scenario, SEED + k) for k in range(RUNS)]
    assert statistics.median(lost) >= 30, lost
    assert max(lost) >= 60, lost


# the results from the Soviets' best to the Germans' best
RESULT_SCALE = {
    ("soviet", "decisive"): 0,
    ("soviet", "marginal"): 1,
    ("draw", "draw"): 2,
    ("axis", "marginal"): 3,
    ("axis", "decisive"): 4,
}


@pytest.mark.plausibility
def test_an_early_breakout_joins_the_relief_and_costs_the_pocket() -> None:
    """Thunderclap on 18 Dec (day 6): 6th Army meets the relief in most games (history: it never
    moved and the relief stalled ~48 km short), leaves a step of every corps group behind, and
    scores for the men it brings out."""
    runs = max(4, RUNS // 2)
    base = run_games(WINTER_STORM, runs, SEED, workers=WORKERS)
    early = run_games(WINTER_STORM, runs, SEED, {"thunderclap_day": 6}, workers=WORKERS)
    joined = [float(r["relief_gap_km"]) == 0.0 for r in early]
    assert sum(joined) >= runs / 2
    assert statistics.median(float(r["relief_gap_km"]) for r in base) > 0.0
    assert max(float(r["pocket_men"]) for r in early) < min(float(r["pocket_men"]) for r in base)
    # ... and the men it brings out to the relief (victory.joined) outweigh what it left behind:
    # the result moves the Germans' way, on points and up the victory scale (measured over 16
    # games, seeds 1-16: a median 20 points to 30, Soviet decisive wins 14 to 6, German wins 0
    # to 3: the relief, held at Verkhne-Kumsky until 18 Dec, is too far off to bring much out)
    points = [statistics.median(float(r["victory_points"]) for r in rows) for rows in (base, early)]
    assert points[1] >= points[0] + 3.0, points
    scale = [
        statistics.median(RESULT_SCALE[(r["winner"], r["victory_level"])] for r in rows)
        for rows in (base, early)
    ]
    assert scale[1] > scale[0], scale


@pytest.mark.plausibility
def test_the_pocket_starves_on_what_the_airlift_delivered_not_on_what_was_promised() -> None:
    """~100 t a day (halved in snow) feeds three of the nine corps groups: the other six go
    hungry and the pocket's strength falls over the twelve days; 300 t (Goering's promise) feeds
    them all and the pocket loses next to nothing."""
    runs = max(4, RUNS // 2)
    delivered = run_games(WINTER_STORM, runs, SEED, workers=WORKERS)
    promised = run_games(WINTER_STORM, runs, SEED, {"airlift_tons_per_day": 300}, workers=WORKERS)
    hungry = statistics.median(float(r["pocket_men"]) for r in delivered)
    fed = statistics.median(float(r["pocket_men"]) for r in promised)
    assert hungry <= 0.9 * POCKET_MEN, hungry  # a tenth or more of its strength gone
    assert fed - hungry >= 0.08 * POCKET_MEN, (fed, hungry)


def test_a_whole_game_with_the_airlift_and_a_breakout_saves_and_replays_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = load_scenario(WINTER_STORM, {"thunderclap_day": 6})
    game = play_game(scenario, seed=1942).game
    assert game.state.over and len(game.turn_hashes) >= 6
    path = tmp_path / "winter_storm.json"
    save_game(game, path)
    loaded = load_game(path, check=True)
    assert loaded.state.state_hash() == game.state.state_hash()
    assert loaded.knobs == {**scenario.default_knobs(), "thunderclap_day": 6}
    assert main(["replay", str(path), "--check"]) == 0
    assert "replay matches every recorded state hash" in capsys.readouterr().out
