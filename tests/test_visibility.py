"""Reconnaissance after a move: the engine marks only what the moved unit's team sees from its new
hex and whether the other teams see the moved unit, instead of every side's view of the whole
map. Both give the same record as looking at everything again, move by move, in whole games."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game import engine
from game.rules import kernels, visibility
from game.scenario.model import Scenario, load_scenario
from game.sim.runner import play_game
from game.state import GameState, UnitStatus
from tests.conftest import KHARKOV

THREE_SIDES = Path(__file__).resolve().parent / "data" / "three_sides.toml"


@pytest.mark.parametrize(
    ("source", "seed", "at_least"), [(KHARKOV, 3, 300), (KHARKOV, 8, 300), (THREE_SIDES, 2, 10)]
)
def test_a_move_marks_what_a_full_look_would(
    source: Path, seed: int, at_least: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = load_scenario(source)
    real = visibility.update_visibility
    moves = 0

    def checking(scenario: Scenario, state: GameState, moved: int | None = None) -> None:
        nonlocal moves
        if moved is None:
            real(scenario, state)
            return
        full = state.clone()
        real(scenario, full)
        real(scenario, state, moved=moved)
        assert np.array_equal(state.seen_turn, full.seen_turn)
        assert np.array_equal(state.seen_hex, full.seen_hex)
        moves += 1

    monkeypatch.setattr(engine, "update_visibility", checking)
    play_game(scenario, seed, checkpoints=False)
    assert moves >= at_least


def test_what_a_side_sees_follows_its_teams_units() -> None:
    """The hexes a side sees are the same for every side of a team, stay when an enemy moves,
    and are reconnaissance range around the team's units left when one leaves the map."""
    scenario = load_scenario(THREE_SIDES)
    state = play_game(scenario, 1, checkpoints=False, max_actions=60).game.state
    ids = list(scenario.side_table.ids)
    soviet, allies = ids.index("soviet"), ids.index("allies")
    before = visibility.observed_hexes(scenario, state, soviet).copy()
    assert np.array_equal(visibility.observed_hexes(scenario, state, allies), before)
    enemy = int(np.flatnonzero(state.active & scenario.unit_hostile[soviet])[0])
    moved = state.clone()
    moved.hex[enemy] = int(np.flatnonzero(~scenario.map.water & ~before)[0])
    assert np.array_equal(visibility.observed_hexes(scenario, moved, soviet), before)
    team = np.flatnonzero(state.active & scenario.unit_friendly[soviet] & (state.hex >= 0))
    gone = state.clone()
    gone.status[team[0]] = UnitStatus.ELIMINATED
    gone.hex[team[0]] = -1
    grid = scenario.map
    radius = scenario.scale.hexes(visibility.RECON_KM)
    left = state.hex[team[1:]].astype(np.int64)
    want = kernels.within(left, grid.neighbor, radius, grid.size)
    assert np.array_equal(visibility.observed_hexes(scenario, gone, soviet), want)
