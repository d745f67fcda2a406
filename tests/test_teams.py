"""Sides and teams come from the scenario file: teammates share ground and supply, never fight,
win together; a three-side game plays to the end between computer players, saves and replays.

tests/data/three_sides.toml: the axis against the Soviets and an allied corps on one team.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from game import engine
from game.actions import Attack, EndPhase, Move
from game.enums import NO_SIDE
from game.rules import supply
from game.rules.control import take_control
from game.saves import load_game, save_game
from game.scenario.errors import FileProblemError
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.sim.runner import play_game
from game.state import Phase
from tests.conftest import DATA

AXIS, SOVIET, ALLIES = 0, 1, 2


@pytest.fixture(scope="module")
def three() -> Scenario:
    return load_scenario(DATA / "three_sides.toml")


def test_sides_and_teams_are_read_from_the_file(three: Scenario) -> None:
    table = three.side_table
    assert table.ids == ("axis", "soviet", "allies") and three.sides == (0, 1, 2)
    assert table.team_ids == ("axis", "allied")
    assert table.team.tolist() == [0, 1, 1]
    assert table.allied(SOVIET, ALLIES) and not table.allied(AXIS, ALLIES)
    assert table.team_label(1) == "Soviets and Allies" and table.label(ALLIES) == "Allied"
    assert table.colors[ALLIES] == (0x5F, 0x7F, 0xA8)
    allies = three.units.side == ALLIES
    assert three.unit_hostile[AXIS][allies].all() and not three.unit_hostile[SOVIET][allies].any()


def test_teammates_never_attack_each_other(three: Scenario) -> None:
    game = Game(three, seed=1)
    state = game.state
    soviet = int(np.flatnonzero(three.units.side == SOVIET)[0])
    allied = int(np.flatnonzero(three.units.side == ALLIES)[0])
    # put the allied corps next to the Soviet division, then let the Soviets attack
    state.hex[allied] = int(three.map.neighbor[state.hex[soviet]][3])
    state.side_index, state.phase = SOVIET, Phase.COMBAT
    assert int(state.hex[allied]) not in engine.attack_targets(three, state)
    with pytest.raises(engine.IllegalActionError, match="no enemy unit"):
        game.apply(Attack((soviet,), int(state.hex[allied])))


def test_teammates_share_ground_and_only_enemies_take_it(three: Scenario) -> None:
    state = Game(three, seed=1).state
    kharkov = three.map.city_by_id("kharkov")
    assert kharkov is not None and state.control[kharkov.hex] == SOVIET
    hexes = np.array([kharkov.hex], dtype=np.int32)
    assert take_control(three, state, ALLIES, hexes) == []  # a teammate's city stays his
    assert state.control[kharkov.hex] == SOVIET
    [event] = take_control(three, state, AXIS, hexes)
    assert event.kind == "capture" and event.data == {"city": "kharkov", "previous": SOVIET}
    assert state.control[kharkov.hex] == AXIS


def test_a_side_without_a_supply_edge_of_its_own_draws_on_its_teammates(
    three: Scenario, tmp_path: Path
) -> None:
    """Cut the allied corps' own east edge: it still traces supply to the Soviets' north edge
    through Soviet-held ground, and loses it when the Soviets are taken off its team."""
    (tmp_path / "maps").mkdir()
    shutil.copy(DATA / "maps" / "donets_test.toml", tmp_path / "maps")
    text = (DATA / "three_sides.toml").read_text()
    no_edge = text.replace(
        'short = "Allied"\nteam = "allied"\ncolor = "#5f7fa8"\nsupply_edges = ["east"]',
        'short = "Allied"\nteam = "allied"\ncolor = "#5f7fa8"\nsupply_edges = []',
    )
    assert no_edge != text
    (tmp_path / "shared.toml").write_text(no_edge)
    shared = load_scenario(tmp_path / "shared.toml")
    alone_text = no_edge.replace('short = "Soviet"\nteam = "allied"', 'short = "Soviet"')
    (tmp_path / "alone.toml").write_text(
        alone_text.replace('[teams.allied]\nname = "Soviets and Allies"\n', "")
    )
    alone = load_scenario(tmp_path / "alone.toml")
    allied = np.flatnonzero(shared.units.side == ALLIES)
    state = Game(shared, seed=1).state
    assert supply.unit_supply(shared, state)[allied].all()
    state = Game(alone, seed=1).state
    assert not supply.unit_supply(alone, state)[allied].any()


def test_the_winner_is_a_team(three: Scenario) -> None:
    game = Game(three, seed=1)
    while not game.state.over:
        game.apply(EndPhase())
    # nobody moved: the Soviets keep Kharkov and Belgorod, so the team below the axis bands wins
    assert game.state.winner == three.side_table.team_of_name("allied") == 1
    assert three.team_id(game.state.winner) == "allied"
    [over] = [e for e in game.log if e.kind == "game_over"]
    assert over.side == 1 and over.data["level"] == "marginal"


def test_a_three_side_game_plays_to_the_end_saves_and_replays(
    three: Scenario, tmp_path: Path
) -> None:
    record = play_game(three, seed=5)
    game = record.game
    assert game.state.over and game.state.winner in (0, 1, NO_SIDE)
    moved = {int(three.units.side[a.unit]) for a in game.actions if isinstance(a, Move)}
    assert moved == {AXIS, SOVIET, ALLIES}  # every side's computer player moved
    assert set(record.thinking) == {AXIS, SOVIET, ALLIES}
    (tmp_path / "maps").mkdir()
    shutil.copy(DATA / "maps" / "donets_test.toml", tmp_path / "maps")
    shutil.copy(DATA / "three_sides.toml", tmp_path / "three_sides.toml")
    path = tmp_path / "game.json"
    save_game(game, path)
    loaded = load_game(path, check=True, scenario_path=tmp_path / "three_sides.toml")
    assert loaded.state.state_hash() == game.state.state_hash()
    assert loaded.log == game.log


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'short = "Allied"\nteam = "allied"',
            'short = "Allied"\nteam = "soviet"',
            "team 'soviet' has the name of side 'soviet', which is on another team",
        ),
        (
            'sides = ["axis", "soviet", "allies"]',
            'sides = ["axis", "soviet", "draw"]',
            "'draw' cannot name a side",
        ),
        (
            'scoring_side = "axis"',
            'scoring_side = "hungary"',
            "'hungary' is not a side or team of this scenario",
        ),
    ],
)
def test_sides_and_teams_that_make_no_sense_are_refused(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    (tmp_path / "maps").mkdir()
    shutil.copy(DATA / "maps" / "donets_test.toml", tmp_path / "maps")
    text = (DATA / "three_sides.toml").read_text()
    assert old in text
    (tmp_path / "bad.toml").write_text(text.replace(old, new, 1))
    with pytest.raises(FileProblemError) as info:
        load_scenario(tmp_path / "bad.toml")
    assert any(message in str(p) for p in info.value.problems), info.value
