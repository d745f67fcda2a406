"""Hostile saves: whatever a save file holds, loading answers in bounded time with one clear line
(file, line, field) and exit code 2, or replays exactly the game that was saved. Nothing in a save
names a path we open, and every load checks every checkpoint, not only `replay --check`."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import game.saves as saves
from game.actions import Move
from game.cli import MAX_SEED, main
from game.saves import load_game, save_game
from game.scenario.errors import Problem, format_path
from game.scenario.model import load_scenario
from game.session import Game
from tests.conftest import DATA
from tests.test_engine import play_randomly

Edit = Callable[[dict[str, Any]], None]


def make_saved_game(folder: Path, seed: int = 2024) -> tuple[Game, Path]:
    """A mini game of random legal play, saved beside a copy of its scenario and map."""
    (folder / "maps").mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "maps" / "donets_test.toml", folder / "maps")
    shutil.copy(DATA / "mini.toml", folder / "mini.toml")
    game = Game(load_scenario(folder / "mini.toml"), seed=seed)
    play_randomly(game, seed=77, max_actions=120)
    path = folder / "game.json"
    save_game(game, path)
    return game, path


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Game, Path]:
    return make_saved_game(tmp_path)


def refusal(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """Run `eastfront replay` (no --check: loading alone must check) and return its one line."""
    capsys.readouterr()
    assert main(["replay", str(path), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    return captured.err.strip()


def rewrite(path: Path, edit: Edit) -> None:
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data, indent=1))


# --- the scenario a save names -------------------------------------------------------------------


@pytest.mark.parametrize(
    "scenario_id",
    [
        "/etc",
        "/proc/1/mem",
        "/dev/zero",
        "/etc/passwd",
        "../x",
        "mini/../../etc/passwd",
        "Mini",
        "",
    ],
)
def test_a_scenario_id_that_is_a_path_is_refused_without_opening_it(
    saved: tuple[Game, Path], capsys: pytest.CaptureFixture[str], scenario_id: str
) -> None:
    _, path = saved
    rewrite(path, lambda d: d["scenario"].update(id=scenario_id))
    line = refusal(path, capsys)
    assert line.startswith(f"{path}:")
    assert f"scenario.id: {scenario_id!r} is not a scenario id" in line


def test_a_scenario_id_not_in_the_catalogue_is_refused(
    saved: tuple[Game, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = saved
    rewrite(path, lambda d: d["scenario"].update(id="passwd"))
    assert "no scenario 'passwd' among the installed scenarios or beside the save" in refusal(
        path, capsys
    )


def test_the_file_named_in_a_save_is_never_opened(saved: tuple[Game, Path]) -> None:
    game, path = saved
    rewrite(path, lambda d: d["scenario"].update(file="/dev/zero"))
    assert load_game(path).state.state_hash() == game.state.state_hash()


# --- the save file itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/dev/zero", "is not a regular file"),
        ("/etc", "is a folder, not a file"),
        ("/no/such/save.json", "cannot read file: No such file or directory"),
    ],
)
def test_a_save_that_is_not_a_regular_file(
    capsys: pytest.CaptureFixture[str], target: str, message: str
) -> None:
    assert message in refusal(Path(target), capsys)


def test_a_pipe_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "save.json"
    os.mkfifo(fifo)  # nobody writes: a plain open would wait for ever
    assert "is not a regular file" in refusal(fifo, capsys)


def test_a_save_over_the_size_limit_is_refused_before_parsing(
    saved: tuple[Game, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = saved
    monkeypatch.setattr(saves, "MAX_SAVE_BYTES", 1000)
    assert "file is larger than the limit of 1,000 bytes" in refusal(path, capsys)


def test_deep_nesting_is_refused_before_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.json"
    depth = 200_000
    path.write_text('{"format": "eastfront-save",\n"x": ' + "[" * depth + "]" * depth + "}")
    line = refusal(path, capsys)
    assert (
        line == f"{path}:2: (file): not a save: nested {depth + 1} deep (a save nests 32 at most)"
    )


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert saves.nesting_depth('{"a": "[[[[{{{{\\"[[[["}') == (1, 0)


def test_a_5001_digit_seed_is_refused_before_conversion(
    saved: tuple[Game, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = saved
    text = path.read_text()
    path.write_text(text.replace('"seed": 2024', '"seed": ' + "9" * 5001, 1))
    assert "a number of 5,001 digits is out of range" in refusal(path, capsys)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(seed=-1), "seed: expected a whole number from 0 to"),
        (lambda d: d.update(seed=2**64), "seed: expected a whole number from 0 to"),
        (lambda d: d.update(seed=True), "seed: expected a whole number"),
        (lambda d: d.update(seed=2024.0), "seed: expected a whole number"),
        (lambda d: d.update(seed="2024"), "seed: expected a whole number"),
        (lambda d: d.update(version=True), "version: save format version True is not supported"),
        (lambda d: d.update(version="3"), "version: save format version '3' is not supported"),
        (lambda d: d.update(version=3.0), "version: save format version 3.0 is not supported"),
        (lambda d: d.update(rules=True), "rules: expected a rules version"),
        (lambda d: d.update(rules=99), "rules: the save was made under rules version 99"),
        (lambda d: d.update(cheat=1), "cheat: unknown key"),
        (lambda d: d["scenario"].update(path="/etc/passwd"), "scenario.path: unknown key"),
        (lambda d: d["result"].update(note="x"), "result.note: unknown key"),
        (lambda d: d["final"].update(note="x"), "final.note: unknown key"),
        (lambda d: d["checkpoints"][1].update(note="x"), "checkpoints.1.note: unknown key"),
        (lambda d: d["actions"][0].update(note="x"), "actions.0: unknown key 'note'"),
        (lambda d: d.pop("final"), "final: required field is missing"),
        (lambda d: d.update(checkpoints=[]), "checkpoints: expected a non-empty list"),
        (lambda d: d["final"].update(actions=True), "final.actions: expected a whole number"),
        (
            lambda d: d["checkpoints"][0].update(actions=False),
            "checkpoints.0: expected whole numbers",
        ),
    ],
)
def test_wrong_types_and_unknown_keys_are_refused(
    saved: tuple[Game, Path], capsys: pytest.CaptureFixture[str], edit: Edit, message: str
) -> None:
    _, path = saved
    rewrite(path, edit)
    assert message in refusal(path, capsys)


def test_a_huge_path_step_is_refused_as_a_bad_hex(
    saved: tuple[Game, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = saved
    data = json.loads(path.read_text())
    i = next(i for i, a in enumerate(data["actions"]) if a["type"] == "move")
    data["actions"][i]["path"][0] = [2**40, 0]
    path.write_text(json.dumps(data, indent=1))
    assert f"actions.{i}: expected a hex as [q, r]" in refusal(path, capsys)
    data["actions"][i]["path"][0] = [True, 0]
    path.write_text(json.dumps(data, indent=1))
    assert f"actions.{i}: expected a hex as [q, r]" in refusal(path, capsys)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3", "expected a whole number"),
        (True, "expected a whole number"),
        (10**9, "1000000000 is out of the knob's range -6..6"),
    ],
)
def test_knob_values_in_a_save_keep_their_type_and_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: object, message: str
) -> None:
    scenario = load_scenario(DATA / "mini.toml")
    name = next(n for n, k in scenario.spec.knobs.items() if k.type == "int")
    _, path = make_saved_game(tmp_path)
    rewrite(path, lambda d: d["knobs"].update({name: value}))
    assert f"knobs.{name}: {message}" in refusal(path, capsys)


# --- hashes: every load checks every checkpoint --------------------------------------------------


def test_a_save_replays_with_a_checkpoint_per_phase(saved: tuple[Game, Path]) -> None:
    game, path = saved
    data = json.loads(path.read_text())
    assert data["version"] == 3
    assert len(data["checkpoints"]) == len(game.phase_hashes) > len(game.turn_hashes)
    assert data["final"]["actions"] == len(data["actions"])
    assert load_game(path).state.state_hash() == game.state.state_hash()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["checkpoints"][2].update(state="0" * 64),
            "checkpoints.2: replay differs from the save after action",
        ),
        (
            lambda d: d["checkpoints"][2].update(chain="0" * 64),
            "checkpoints.2: the actions before action",
        ),
        (lambda d: d["final"].update(state="0" * 64), "final.state: the replayed game ends"),
        (lambda d: d["final"].update(chain="0" * 64), "final.chain: the actions differ"),
        (lambda d: d["actions"].pop(), "the file was edited or is damaged"),
        (lambda d: d["result"].update(winner=0), "result.winner: the save says 0"),
        (lambda d: d["result"].update(over=not d["result"]["over"]), "result.over: the save says"),
        (lambda d: d["result"].update(turn=1), "result.turn: the save says 1"),
        (lambda d: d["result"].update(level="decisive"), "result.level: the save says"),
    ],
)
def test_edited_hashes_dropped_actions_and_results_are_refused_on_every_load(
    saved: tuple[Game, Path], capsys: pytest.CaptureFixture[str], edit: Edit, message: str
) -> None:
    _, path = saved
    rewrite(path, edit)
    line = refusal(path, capsys)
    assert message in line
    assert refusal(path, capsys, "--check") == line
    capsys.readouterr()
    assert main(["validate", str(path)]) == 2


def test_swapped_moves_that_reach_the_same_state_are_caught_by_the_action_digest(
    saved: tuple[Game, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Two moves of different units swapped: the same state at the phase's end (a state hash
    alone would pass it), but not the game that was saved."""
    game, path = saved
    for i in range(len(game.actions) - 1):
        a, b = game.actions[i], game.actions[i + 1]
        if not (isinstance(a, Move) and isinstance(b, Move) and a.unit != b.unit):
            continue
        swapped = [*game.actions[:i], b, a, *game.actions[i + 2 :]]
        replay = Game(game.scenario, game.seed)
        try:
            for action in swapped:
                replay.apply(action)
        except Exception:
            continue
        if replay.state.state_hash() == game.state.state_hash():
            break
    else:
        pytest.fail("test bug: no pair of moves that commutes")
    data = json.loads(path.read_text())
    data["actions"][i], data["actions"][i + 1] = data["actions"][i + 1], data["actions"][i]
    path.write_text(json.dumps(data, indent=1))
    line = refusal(path, capsys)
    assert "the actions before action" in line and "differ from the save's" in line


def test_saves_get_ordinary_permissions(saved: tuple[Game, Path]) -> None:
    _, path = saved
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in path.parent.iterdir()) == ["game.json", "maps", "mini.toml"]


def test_the_largest_seed_of_the_cli_is_the_largest_a_save_takes() -> None:
    assert MAX_SEED == saves.MAX_SEED


def test_a_save_of_the_largest_seed_round_trips(tmp_path: Path) -> None:
    scenario = load_scenario(DATA / "mini.toml")
    game = Game(scenario, seed=MAX_SEED)
    play_randomly(game, seed=3, max_actions=20)
    path = tmp_path / "big.json"
    save_game(game, path)
    loaded = load_game(path, scenario_path=DATA / "mini.toml")
    assert loaded.seed == MAX_SEED and loaded.state.state_hash() == game.state.state_hash()


def test_replay_of_a_scenario_the_user_names(
    saved: tuple[Game, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A save away from its scenario replays on a scenario file the user gives (not the save)."""
    _, path = saved
    alone = tmp_path / "elsewhere" / "game.json"
    alone.parent.mkdir()
    shutil.copy(path, alone)
    assert "no scenario 'mini'" in refusal(alone, capsys)
    assert main(["replay", str(alone), "--scenario", str(path.parent / "mini.toml")]) == 0


def test_a_key_holding_a_newline_is_named_on_one_line() -> None:
    """Found by the long fuzz run: an unknown key "\\n" split the error over two lines."""
    problem = Problem("fuzz.json", 1, ("\n",), "unknown key")
    assert str(problem) == 'fuzz.json:1: "\\n": unknown key'
    assert format_path(("units", "a\tb", 3)) == 'units."a\\tb".3'
