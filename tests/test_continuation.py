"""`eastfront explore --from SAVE`: continuations of a game in progress, through the fog or not."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from game.ai.players import make_player, play_one
from game.cli import main
from game.saves import load_game, save_game
from game.scenario.model import load_scenario
from game.session import Game
from game.sim.continuation import ContinuationBatch, believed_position, continue_games
from game.sim.runner import ai_seed, worker_scenario
from game.sim.summary import read_runs_csv
from game.state import UnitStatus
from tests.conftest import MiniWriter
from tests.test_ai import MINI_PLANS


def game_in_progress(path: Path, side_turns: int, seed: int = 5) -> Game:
    """A game of the scenario played by the AIs for `side_turns` side-turns, then stopped."""
    scenario = load_scenario(path)
    game = Game(scenario, seed)
    players = {s: make_player(scenario, s, ai_seed(seed, s)) for s in scenario.sides}
    turns = 0
    while turns < side_turns and not game.state.over:
        stage = (game.state.turn, game.state.side_index)
        play_one(game, players[scenario.sides[game.state.side_index]])
        if (game.state.turn, game.state.side_index) != stage:
            turns += 1
    return game


@pytest.fixture
def save(mini: MiniWriter, tmp_path: Path) -> Path:
    game = game_in_progress(mini(append=MINI_PLANS), side_turns=3)
    assert not game.state.over
    path = tmp_path / "in_progress.json"
    save_game(game, path)
    return path


def test_the_believed_position_puts_unseen_enemies_where_they_were_last_seen(save: Path) -> None:
    game = load_game(save)
    scenario = game.scenario
    side = scenario.sides[game.state.side_index]
    truth = believed_position(game, side, true_position=True)
    assert truth.true_position and np.array_equal(truth.state.hex, game.state.hex)
    belief = believed_position(game, side)
    friendly = scenario.unit_friendly[side]
    # the player's own team is as it is; the truth in the game is untouched
    assert np.array_equal(belief.state.hex[friendly], game.state.hex[friendly])
    assert np.array_equal(belief.state.status, game.state.status)
    active = game.state.status == int(UnitStatus.ACTIVE)
    seen_turn = game.state.seen_turn[side]
    for u in np.flatnonzero(~friendly & active):
        if belief.state.hex[u] != game.state.hex[u]:  # moved to a believed hex
            expected = {int(game.state.seen_hex[side][u]), int(scenario.units.start_hex[u])}
            assert int(belief.state.hex[u]) in expected
            assert belief.state.steps[u] == scenario.units.max_steps[u]
    assert belief.moved + belief.true_hexes >= 0 and seen_turn.shape == game.state.hex.shape


def test_explore_from_a_save_reports_the_outcomes_of_its_continuations(
    save: Path, tmp_path: Path
) -> None:
    out = tmp_path / "what_now"
    code = main(["explore", "--from", str(save), "--runs", "3", "--seed", "50", "--out", str(out)])
    assert code == 0
    rows = read_runs_csv(out / "runs.csv")
    assert [r["seed"] for r in rows] == ["50", "51", "52"]
    result = json.loads((out / "continuation.json").read_text())
    assert result["true_position"] is False and " player knows it: " in result["position"]
    wins = next(h for h in result["headlines"] if h["outcome"] == "wins_axis")
    assert wins["value"]["value"] == pytest.approx(sum(r["winner"] == "axis" for r in rows) / 3)
    page = (out / "report.html").read_text()
    assert "What now?" in page and "data:image/png;base64," in page
    # seeing through the fog is an option, and says so
    fog = tmp_path / "fog"
    code = main(
        [
            "explore",
            "--from",
            str(save),
            "--true-position",
            "--runs",
            "1",
            "--seed",
            "50",
            "--out",
            str(fog),
            "--no-plots",
            "--set",
            "thaw_shift_days=-6",
        ]
    )
    assert code == 0
    result = json.loads((fog / "continuation.json").read_text())
    assert result["true_position"] is True and "seeing through the fog" in result["position"]
    assert result["knobs"] == {"thaw_shift_days": -6}


def test_explore_needs_a_scenario_or_a_save_not_both(
    save: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ["--runs", "1", "--seed", "1", "--out", str(tmp_path / "o")]
    assert main(["explore", *out]) == 2
    assert "give a scenario (with --set) or --from SAVE" in capsys.readouterr().err
    assert main(["explore", "kharkov_1943", "--from", str(save), *out]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["explore", "--from", str(save), "--side", "nobody", *out]) == 2
    err = capsys.readouterr().err
    assert "not nobody" in err and err.count("\n") == 1


def test_continuations_are_the_same_games_on_any_number_of_workers_and_on_dask(
    save: Path, tmp_path: Path
) -> None:
    """`explore --from` plays its continuations on `--workers` processes or a Dask cluster, the
    position and the knobs travelling with each game: the rows are identical everywhere."""
    common = ["--runs", "4", "--seed", "70", "--no-plots", "--set", "thaw_shift_days=-6"]
    runs = {}
    for name, where in (
        ("one", ["--workers", "1"]),
        ("two", ["--workers", "2"]),
        ("dask", ["--scheduler", "dask", "--workers", "2"]),
    ):
        out = tmp_path / name
        assert main(["explore", "--from", str(save), *common, *where, "--out", str(out)]) == 0
        runs[name] = (out / "runs.csv").read_text()
        result = json.loads((out / "continuation.json").read_text())
        assert result["runs"] == 4 and result["knobs"] == {"thaw_shift_days": -6}
    assert runs["one"] == runs["two"] == runs["dask"]
    rows = read_runs_csv(tmp_path / "one" / "runs.csv")
    assert [r["seed"] for r in rows] == ["70", "71", "72", "73"]


def test_the_knobs_and_the_position_reach_the_worker_processes(save: Path) -> None:
    """A continuation played in a worker process is the one played here, knob for knob."""
    game = load_game(save)
    scenario = game.scenario.with_knobs({"thaw_shift_days": -6})
    position = believed_position(game, scenario.sides[game.state.side_index])
    here = continue_games(scenario, position, 2, 9)
    there = continue_games(scenario, position, 2, 9, workers=2)
    assert here == there
    # what travels: the scenario file with the knobs, and the position itself
    batch = ContinuationBatch.starting(scenario, position)
    travelled = pickle.loads(pickle.dumps(batch))
    assert dict(travelled.knobs) == dict(scenario.knobs) and scenario.knobs["thaw_shift_days"] == -6
    loaded = worker_scenario(travelled)
    assert loaded.knobs == scenario.knobs
    assert Game(loaded, 3).state.state_hash() == Game(scenario, 3).state.state_hash()
    assert travelled._position().state.state_hash() == position.state.state_hash()


def test_explore_from_with_a_scheduler_nobody_answers_fails_in_one_line(
    save: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nowhere"
    args = ["--runs", "2", "--seed", "1", "--out", str(out), "--no-plots"]
    where = ["--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "1"]
    assert main(["explore", "--from", str(save), *args, *where]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler" in err and err.count("\n") == 1
    assert main(["explore", "--from", str(save), *args]) == 0  # the folder is not left locked
