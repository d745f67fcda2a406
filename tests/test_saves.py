"""Saves: JSON with a version, replayed and hash-checked on load; broken saves give one clear line."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from game.cli import main
from game.engine import RULES_VERSION
from game.saves import load_game, save_game
from game.scenario.errors import FileProblemError
from game.scenario.model import load_scenario
from game.session import Game
from tests.conftest import DATA
from tests.test_engine import play_randomly


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Game, Path]:
    """A mini game played with random legal actions, saved beside a copy of its scenario."""
    (tmp_path / "maps").mkdir()
    shutil.copy(DATA / "maps" / "donets_test.toml", tmp_path / "maps")
    shutil.copy(DATA / "mini.toml", tmp_path / "mini.toml")
    game = Game(load_scenario(tmp_path / "mini.toml"), seed=2024)
    play_randomly(game, seed=77, max_actions=120)
    path = tmp_path / "game.json"
    save_game(game, path)
    return game, path


def first_error(path: Path) -> str:
    with pytest.raises(FileProblemError) as info:
        load_game(path)
    [problem] = info.value.problems
    return str(problem).removeprefix(f"{path}:")


def test_save_load_round_trip_replays_to_the_same_state(saved: tuple[Game, Path]) -> None:
    game, path = saved
    loaded = load_game(path, check=True)
    assert loaded.state.state_hash() == game.state.state_hash()
    assert len(loaded.actions) == len(game.actions) > 50
    assert loaded.log == game.log
    data = json.loads(path.read_text())
    assert data["format"] == "eastfront-save" and data["version"] == 3 and data["rules"] == RULES_VERSION
    assert data["scenario"]["id"] == "mini" and len(data["scenario"]["sha256"]) == 64
    turns = [t["turn"] for t in data["checkpoints"]]
    assert turns[0] == 1 and turns == sorted(turns) and turns[-1] == game.state.turn


def test_saving_leaves_no_temporary_files_and_replaces_atomically(saved: tuple[Game, Path]) -> None:
    game, path = saved
    save_game(game, path)  # overwrite
    assert sorted(p.name for p in path.parent.iterdir() if p.is_file()) == [
        "game.json",
        "mini.toml",
    ]


def test_replay_check_and_validate_accept_a_good_save(
    saved: tuple[Game, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = saved
    assert main(["replay", str(path), "--check"]) == 0
    assert "replay matches every recorded state hash" in capsys.readouterr().out
    assert main(["validate", str(path)]) == 0
    assert "every hash matches" in capsys.readouterr().out


def test_a_truncated_save(saved: tuple[Game, Path]) -> None:
    _, path = saved
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    assert "not valid JSON: the file is cut short" in first_error(path)


def test_a_file_that_is_not_json(
    saved: tuple[Game, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = saved
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert first_error(path) == "1: (file): file is not valid UTF-8 text"
    path.write_text("[scenario]\nid = 'mini'\n")
    assert first_error(path).startswith("1: (file): not valid JSON")
    assert main(["replay", str(path), "--check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_an_edited_action_is_caught_where_it_stands(saved: tuple[Game, Path]) -> None:
    _, path = saved
    data = json.loads(path.read_text())
    moves = [i for i, a in enumerate(data["actions"]) if a["type"] == "move"]
    i = moves[0]
    data["actions"][i]["path"] = [[99, 99]]
    path.write_text(json.dumps(data, indent=1))
    assert first_error(path).endswith(f"actions.{i}: hex [99, 99] is off the map")


def test_an_edited_action_that_is_still_legal_breaks_the_hash_chain(
    saved: tuple[Game, Path],
) -> None:
    _, path = saved
    data = json.loads(path.read_text())
    first_move = next(i for i, a in enumerate(data["actions"]) if a["type"] == "move")
    del data["actions"][first_move]  # the unit stays put: a legal, different game
    path.write_text(json.dumps(data))
    message = first_error(path)
    assert (
        "illegal action on replay" in message
        or "the file was edited or is damaged" in message
        or "ends in a different state" in message
    )


def test_a_save_from_another_version_of_the_scenario(saved: tuple[Game, Path]) -> None:
    _, path = saved
    scenario = path.parent / "mini.toml"
    made_with = hashlib.sha256(scenario.read_bytes()).hexdigest()
    scenario.write_text(scenario.read_text().replace("turns = 6", "turns = 7"))
    message = first_error(path)
    assert "the save was made with another version of mini.toml" in message
    assert made_with[:12] in message and "earlier/" in message


def test_a_save_replays_on_the_version_kept_in_earlier_after_the_file_changed(
    saved: tuple[Game, Path],
) -> None:
    """Recalibrating a scenario must not orphan saves: the version a save was made with, kept
    verbatim in earlier/, replays it, maps read from the scenario folder."""
    game, path = saved
    scenario = path.parent / "mini.toml"
    made_with = scenario.read_bytes()
    digest = hashlib.sha256(made_with).hexdigest()
    (path.parent / "earlier").mkdir()
    (path.parent / "earlier" / f"mini-{digest[:12]}.toml").write_bytes(made_with)
    scenario.write_text(scenario.read_text().replace("turns = 6", "turns = 7"))
    loaded = load_game(path, check=True)
    assert loaded.scenario.source_hash == digest and loaded.scenario.path.parent.name == "earlier"
    assert loaded.state.state_hash() == game.state.state_hash()
    # the kept file is found by its hash, not its name
    (path.parent / "earlier" / f"mini-{digest[:12]}.toml").rename(path.parent / "earlier" / "mini-x.toml")
    assert load_game(path).scenario.source_hash == digest


def test_kept_earlier_versions_of_installed_scenarios_are_verbatim_and_load() -> None:
    """A kept version is named by its own hash and loads with today's code and maps; it is one
    of an installed scenario and plays another game than the current file (else it would be
    listed in the file's same_game_as instead)."""
    from game.scenario.loader import SCENARIO_DIR, list_scenarios
    from game.scenario.model import earlier_versions

    installed = {p.stem: p for p in list_scenarios()}
    kept = sorted((SCENARIO_DIR / "earlier").glob("*.toml"))
    assert kept
    for old in kept:
        stem, _, prefix = old.stem.rpartition("-")
        assert stem in installed and old in earlier_versions(installed[stem])
        assert hashlib.sha256(old.read_bytes()).hexdigest().startswith(prefix)
        current = load_scenario(installed[stem])
        scenario = load_scenario(old)
        assert scenario.id == current.id and scenario.map.size == current.map.size
        assert scenario.source_hash not in current.spec.scenario.same_game_as


def test_an_unknown_format_version(saved: tuple[Game, Path]) -> None:
    _, path = saved
    data = json.loads(path.read_text())
    data["version"] = 99
    path.write_text(json.dumps(data))
    assert (
        first_error(path)
        == "1: version: save format version 99 is not supported (this is version 3)"
    )


def test_unknown_keys_in_a_save(saved: tuple[Game, Path]) -> None:
    _, path = saved
    data = json.loads(path.read_text())
    data["cheat"] = True
    path.write_text(json.dumps(data, indent=2))
    assert first_error(path).endswith("cheat: unknown key")


def test_a_whole_third_kharkov_game_saves_loads_undoes_and_replays_exactly(tmp_path: Path) -> None:
    """Two scripted players (the historical AI) play Third Kharkov to the end through the engine's
    actions; the save replays to the same state, hash for hash, and a loaded game can undo."""
    from game.actions import Move
    from game.sim.runner import play_game
    from tests.conftest import KHARKOV

    scenario = load_scenario(KHARKOV)
    record = play_game(scenario, seed=1943)
    game = record.game
    assert game.state.over and len(game.turn_hashes) >= 10
    path = tmp_path / "kharkov.json"
    save_game(game, path)
    loaded = load_game(path, check=True)
    assert loaded.state.state_hash() == game.state.state_hash()

    # replay the actions again and, past halfway, take back a move that revealed nothing
    replay = Game(scenario, seed=1943)
    undone = False
    for i, action in enumerate(game.actions):
        before = replay.state.state_hash()
        replay.apply(action)
        if (
            not undone
            and i > len(game.actions) // 2
            and isinstance(action, Move)
            and replay.can_undo()
        ):
            assert replay.undo() and replay.state.state_hash() == before
            replay.apply(action)
            undone = True
    assert undone
    assert replay.state.state_hash() == game.state.state_hash()


SAVES_FROM_MAIN_4FEB351 = sorted((DATA / "saves").glob("kharkov_*_4feb351.json"))


@pytest.mark.parametrize("path", SAVES_FROM_MAIN_4FEB351, ids=lambda p: p.stem)
def test_third_kharkov_saves_written_by_an_earlier_main_replay_hash_for_hash(path: Path) -> None:
    """Whole AI-vs-AI games saved by main at commit 4feb351 (before sides became data and rule
    constants km and days) still replay and match every recorded hash: the rules of Third
    Kharkov did not change. The file has changed since, so they replay on a version kept in
    earlier/ that plays their game."""
    game = load_game(path, check=True)
    assert game.scenario.path.parent.name == "earlier"
    data = json.loads(path.read_text())
    assert game.state.over and len(game.actions) == len(data["actions"]) > 500
    assert game.state.state_hash() == data["final_hash"]
    assert game.state.winner == data["result"]["winner"]
