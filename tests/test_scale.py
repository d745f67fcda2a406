"""No rule assumes 10 km hexes or 2-day turns: the same operation drawn at 10 km / 2 days and at
5 km / 1 day moves as far per day, reaches supply as far, tires and recovers alike, sees as far
and is worn down by being cut off on the same days.

Both versions are the mini scenario (tests/data/mini.toml) on the same ground; the fine one only
changes the map's `hex_km`, the turn length and the number of turns, and says its units' movement
points are written for the coarse scale (`movement_scale`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from game import engine, hexgrid
from game.actions import EndPhase
from game.enums import Weather
from game.rules import movement, supply
from game.rules.visibility import RECON_KM, observed_hexes
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.sim.runner import play_game
from game.state import UnitStatus, new_state
from tests.conftest import DATA

AXIS, SOVIET = 0, 1


def write_version(folder: Path, hex_km: float, days: int, turns: int) -> Path:
    """The mini scenario at another hex size and turn length (its units' MP kept for 10 km / 2
    days by `movement_scale`)."""
    (folder / "maps").mkdir(parents=True)
    map_text = (DATA / "maps" / "donets_test.toml").read_text()
    assert "hex_km = 10.0" in map_text
    (folder / "maps" / "donets_test.toml").write_text(
        map_text.replace("hex_km = 10.0", f"hex_km = {hex_km}")
    )
    text = (DATA / "mini.toml").read_text()
    for old, new in (
        ("days_per_turn = 2", f"days_per_turn = {days}"),
        ("turns = 6", f"turns = {turns}"),
        ('sides = ["axis", "soviet"]', 'sides = ["axis", "soviet"]\nmovement_scale = { hex_km = 10.0, days_per_turn = 2 }'),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    path = folder / "mini.toml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Scenario]:
    coarse = load_scenario(write_version(tmp_path_factory.mktemp("coarse"), 10.0, 2, 6))
    fine = load_scenario(write_version(tmp_path_factory.mktemp("fine"), 5.0, 1, 12))
    return coarse, fine


def days_between(scenario: Scenario, unit_id: str, start: str, end: str) -> float:
    """Days a unit of this kind needs from one town to another on frozen ground, nobody about
    (the planning distance of the movement rules, in turns of its allowance, times days)."""
    u = scenario.units.index(unit_id)
    klass = int(movement.MOVEMENT_CLASS[scenario.units.kind[u]])
    a, b = scenario.map.city_by_id(start), scenario.map.city_by_id(end)
    assert a is not None and b is not None
    state = new_state(scenario, seed=1)
    field = movement.movement_field(
        scenario, state, None, [a.hex], klass, Weather.FROZEN, rules=engine.movement_rules(scenario)
    )
    turns = float(field[b.hex]) / float(scenario.units.allowance[u])
    return turns * scenario.scale.days_per_turn


@pytest.mark.parametrize("unit_id", ["das_reich", "rifle_19"])
@pytest.mark.parametrize(
    "start, end", [("kharkov", "belgorod"), ("kharkov", "chuguev"), ("belgorod", "chuguev")]
)
def test_units_take_as_many_days_between_towns_at_either_scale(
    versions: tuple[Scenario, Scenario], unit_id: str, start: str, end: str
) -> None:
    """By road (Kharkov-Belgorod) and across country and the Donets (Belgorod-Chuguev), tanks and
    foot need about as many days at 10 km / 2 days as at 5 km / 1 day (within the 15 % that
    drawing roads and rivers on hexes of either size allows)."""
    coarse, fine = versions
    u = coarse.units.index(unit_id)
    assert coarse.units.allowance[u] == fine.units.allowance[u]  # MP written for 10 km / 2 days
    assert days_between(coarse, unit_id, start, end) == pytest.approx(
        days_between(fine, unit_id, start, end), rel=0.15
    )


def test_supply_reaches_as_far_in_km_at_either_scale(versions: tuple[Scenario, Scenario]) -> None:
    coarse, fine = versions
    for side, km in ((AXIS, 80), (SOVIET, 60)):
        reach_coarse = supply.effective_reach(coarse, side, 1) * coarse.scale.hex_km
        reach_fine = supply.effective_reach(fine, side, 1) * fine.scale.hex_km
        assert reach_coarse == reach_fine == km
    # the thaw (13 March, turn 4 coarse, turn 7 fine) takes a quarter off at both scales
    assert coarse.weather[4] == fine.weather[7] == Weather.THAW
    assert supply.effective_reach(coarse, SOVIET, 4) * 10 == pytest.approx(
        supply.effective_reach(fine, SOVIET, 7) * 5, abs=5
    )


def test_being_cut_off_weakens_and_wears_down_on_the_same_days(
    versions: tuple[Scenario, Scenario],
) -> None:
    coarse, fine = versions
    for days in range(0, 13, 2):  # whole coarse turns
        stages = [int(supply.supply_stage(s, days // s.scale.days_per_turn)) for s in (coarse, fine)]
        assert stages[0] == stages[1], f"{days} days out of supply"
    # the chance of an attrition step over two days is about a third at both scales
    two_days = [
        1 - (1 - supply.attrition_face(s) / supply.DIE_FACES) ** (2 // s.scale.days_per_turn)
        for s in (coarse, fine)
    ]
    assert two_days[0] == pytest.approx(1 / 3) and two_days[1] == pytest.approx(1 / 3, abs=0.04)


def test_fatigue_wears_off_at_the_same_rate_per_day(versions: tuple[Scenario, Scenario]) -> None:
    """A tired division left alone for four days sheds the same fatigue either way: one level
    each 2-day turn, one level every other 1-day turn."""
    after: list[int] = []
    for scenario in versions:
        game = Game(scenario, seed=3)
        u = scenario.units.index("das_reich")
        game.state.fatigue[u] = 3
        start_day = scenario.date_of_turn(game.state.turn)
        while (scenario.date_of_turn(game.state.turn) - start_day).days < 4:
            game.apply(EndPhase())
        assert game.state.supply[u] == 0 and game.state.status[u] == UnitStatus.ACTIVE
        after.append(int(game.state.fatigue[u]))
    assert after == [1, 1]


def test_reconnaissance_sees_as_far_in_km(versions: tuple[Scenario, Scenario]) -> None:
    seen_km = []
    for scenario in versions:
        state = new_state(scenario, seed=1)
        u = scenario.units.index("das_reich")
        others = np.arange(scenario.units.count) != u
        state.status[others] = UnitStatus.WAITING
        seen = observed_hexes(scenario, state, AXIS)
        grid = scenario.map
        here = grid.hex_of(int(state.hex[u]))
        edge = max(
            hexgrid.distance(here, grid.hex_of(h))
            for h in np.flatnonzero(seen).tolist()
        )
        seen_km.append(edge * grid.hex_km)
    assert seen_km[0] == seen_km[1] == RECON_KM


def test_a_whole_game_at_the_fine_scale_ends_on_the_same_day(
    versions: tuple[Scenario, Scenario],
) -> None:
    coarse, fine = versions
    assert coarse.calendar.last_day == fine.calendar.last_day
    record = play_game(fine, seed=2)
    state = record.game.state
    assert state.over and state.turn == fine.turns
    assert fine.date_of_turn(state.turn) == coarse.date_of_turn(coarse.turns) + dt.timedelta(days=1)
