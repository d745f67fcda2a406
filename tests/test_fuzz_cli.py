"""Fuzzing `eastfront` with hypothesis: mutated saves and random argument lists, each run through
the command (`game.cli.main`) under a deadline. A traceback, a hang or a damaged save that loads
as a different game fails the test; a refusal must be lines on stderr and exit code 2.

The default run is short and derandomized (the same examples every time); `pytest -m soak` runs
many more, drawn afresh."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import dask
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import main
from game.files import LOCK_NAME
from game.saves import load_game
from tests.conftest import DATA, KHARKOV, ROOT
from tests.test_ai import MINI_PLANS
from tests.test_hostile_saves import make_saved_game

HANG_SECONDS = 120  # far above any command here; only a hang reaches it


class HangError(BaseException):
    """A command ran past `HANG_SECONDS` (a BaseException, so no `except Exception` hides it)."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    def hang(signum: int, frame: FrameType | None) -> None:
        raise HangError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(argv: list[str]) -> tuple[int, str, str]:
    """`eastfront ARGV` in this process: exit code, stdout, stderr; no traceback may escape."""
    out, err = io.StringIO(), io.StringIO()
    with (
        deadline(HANG_SECONDS),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        dask.config.set({"distributed.comm.timeouts.connect": "0.5s"}),
    ):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def short(n: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def long(n: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- saves ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    folder: Path
    text: str
    actions: list[Any]
    final_hash: str


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    folder = tmp_path_factory.mktemp("fuzz_saves")
    game, path = make_saved_game(folder)
    text = path.read_text()
    return Base(folder, text, json.loads(text)["actions"], game.state.state_hash())


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2**31, 2**63, 10**400]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["/etc/passwd", "../x", "/dev/zero", "mini", "kharkov_1943", "end_phase"]),
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (the root excluded)."""
    out: list[tuple[Any, ...]] = []
    items: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, item in items:
        out.append((*prefix, key))
        out.extend(paths_in(item, (*prefix, key)))
    return out


def parent_of(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def mutate(text: str, draw: Callable[[st.SearchStrategy[Any]], Any]) -> str:
    """One damage a hostile or unlucky file could carry."""
    kind = draw(
        st.sampled_from(
            [
                "swap",
                "drop",
                "duplicate",
                "drop_last",
                "hash",
                "replace",
                "delete_key",
                "add_key",
                "truncate",
                "nest",
                "digits",
                "byte",
            ]
        )
    )
    data = json.loads(text)
    actions = data["actions"]
    n = len(actions)
    if kind == "swap":
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        actions[i], actions[j] = actions[j], actions[i]
    elif kind == "drop":
        del actions[draw(st.integers(0, n - 1))]
    elif kind == "duplicate":
        i = draw(st.integers(0, n - 1))
        actions.insert(i, actions[i])
    elif kind == "drop_last":
        actions.pop()
    elif kind == "hash":
        where = draw(st.sampled_from(["checkpoints", "final"]))
        target = (
            draw(st.sampled_from(data["checkpoints"])) if where == "checkpoints" else data["final"]
        )
        key = draw(st.sampled_from(["state", "chain"]))
        i = draw(st.integers(0, 63))
        old = target[key][i]
        target[key] = target[key][:i] + ("0" if old != "0" else "1") + target[key][i + 1 :]
    elif kind in ("replace", "delete_key", "add_key"):
        path = draw(st.sampled_from(paths_in(data)))
        parent = parent_of(data, path)
        if kind == "replace":
            parent[path[-1]] = draw(JSON_VALUE)
        elif kind == "delete_key":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(JSON_VALUE)
        else:
            parent.insert(path[-1], draw(JSON_VALUE))
    text = json.dumps(data, indent=draw(st.sampled_from([None, 1, 2])))
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text) - 1))]
    if kind in ("nest", "digits"):
        if kind == "nest":
            depth = draw(st.integers(1, 50_000))
            value = "[" * depth + "1" + "]" * depth
        else:
            value = "9" * draw(st.integers(15, 6000))
        changed = re.sub(r'"seed": -?[0-9]+', lambda _: f'"seed": {value}', text, count=1)
        return changed if changed != text else f"[{value}, {text}]"
    if kind == "byte":
        raw = bytearray(text.encode())
        raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return raw.decode("utf-8", errors="surrogateescape")
    return text


def check_save(base: Base, text: str) -> None:
    """Refused in one clear line, or loaded as exactly the saved game."""
    path = base.folder / "fuzz.json"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    for argv in (["replay", str(path)], ["validate", str(path)]):
        code, _, err = run(argv)
        assert "Traceback" not in err
        if code == 0:
            game = load_game(path)
            assert game.state.state_hash() == base.final_hash
            data = json.loads(text)
            assert len(data["actions"]) == len(base.actions)
        else:
            assert code == 2, (code, err)
            assert err.count("\n") == 1 and err.startswith(f"{path}:"), err


@short(40)
@given(data=st.data())
def test_mutated_saves_are_refused_or_replay_identically(base: Base, data: st.DataObject) -> None:
    check_save(base, mutate(base.text, data.draw))


@pytest.mark.soak
@long(1500)
@given(data=st.data())
def test_mutated_saves_soak(base: Base, data: st.DataObject) -> None:
    check_save(base, mutate(base.text, data.draw))


def test_the_base_save_replays(base: Base) -> None:
    check_save(base, base.text)


# --- argument lists ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ground:
    """A folder with a playable mini scenario, a save, a file and a folder to aim at."""

    folder: Path
    scenario: Path
    save: Path
    a_file: Path


@pytest.fixture(scope="module")
def ground(tmp_path_factory: pytest.TempPathFactory) -> Ground:
    folder = tmp_path_factory.mktemp("fuzz_cli")
    (folder / "maps").mkdir()
    shutil.copy(DATA / "maps" / "donets_test.toml", folder / "maps")
    scenario = folder / "mini.toml"
    scenario.write_text((DATA / "mini.toml").read_text() + MINI_PLANS)
    _, save = make_saved_game(folder / "saves")
    a_file = folder / "notes.txt"
    a_file.write_text("not a folder\n")
    return Ground(folder, scenario, save, a_file)


def values(g: Ground) -> dict[str, list[str]]:
    out = str(g.folder / "out")
    return {
        "--runs": ["1", "2", "0", "-1", "100000000", "٣", "", "1e3", " 1"],
        "--seed": ["0", "7", "-1", "9" * 30, "٣", "9223372036854775807", "0x10"],
        "--out": [out, out, "", "/dev/null", str(g.a_file), str(g.a_file / "x"), "/proc/x"],
        "--set": [
            "thaw_shift_days=1",
            "thaw_shift_days=٣",
            "nope=1",
            "x",
            "=",
            "thaw_shift_days=99",
        ],
        "--workers": ["1", "2", "0", "1000", "-3"],
        "--scheduler": ["local", "tcp://127.0.0.1:1", "tls://127.0.0.1:1", "bogus", "h:0"],
        "--connect-timeout": ["0.2", "0", "x", "1e9"],
        "--tls-ca-file": [str(g.a_file), "/no/such"],
        "--png": [str(g.folder / "map.png"), "/dev/null", str(g.a_file), "x.jpg", ""],
        "--hex-px": ["4", "8", "0", "1e9", "nan", "-1"],
        "--side": ["axis", "nobody", ""],
        "--frames": ["-1", "x"],
    }


COMMANDS = ["simulate", "explore", "describe", "validate", "map", "replay", "scenarios"]
FLAGS = ["--no-plots", "--save-games", "--json", "--check", "--no-units", "--help"]


def argument_lists(g: Ground) -> st.SearchStrategy[list[str]]:
    table = values(g)
    targets = [
        str(g.scenario),
        str(KHARKOV),
        "kharkov_1943",
        str(g.save),
        "/etc",
        "/dev/zero",
        "no_such",
        "",
        str(g.a_file),
    ]
    option = st.sampled_from(sorted(table)).flatmap(
        lambda name: st.tuples(st.just(name), st.sampled_from(table[name]))
    )
    token = st.one_of(
        option.map(list),
        st.sampled_from(FLAGS).map(lambda f: [f]),
        st.sampled_from(targets).map(lambda t: [t]),
        st.text(max_size=8).map(lambda t: [t]),
    )
    return st.tuples(st.sampled_from(COMMANDS), st.lists(token, max_size=9)).map(
        lambda pair: [pair[0], *[x for group in pair[1] for x in group]]
    )


def check_arguments(g: Ground, argv: list[str]) -> None:
    if "--scheduler" in argv and "--connect-timeout" not in argv:
        argv = [*argv, "--connect-timeout", "0.5"]
    code, _, err = run(argv)
    assert "Traceback" not in err, err
    assert code in (0, 2), (argv, code, err)
    if code == 2:
        assert err.strip(), argv
    assert not list(g.folder.rglob(LOCK_NAME)), "a run left its lock"
    assert not list(g.folder.rglob(".*.tmp*")), "a write left its temporary file"


@pytest.fixture(scope="module")
def argv_strategy(ground: Ground) -> st.SearchStrategy[list[str]]:
    return argument_lists(ground)


@short(60)
@given(data=st.data())
def test_random_argument_lists_exit_0_or_2_without_a_traceback(
    ground: Ground, argv_strategy: st.SearchStrategy[list[str]], data: st.DataObject
) -> None:
    check_arguments(ground, data.draw(argv_strategy))


@pytest.mark.soak
@long(2000)
@given(data=st.data())
def test_random_argument_lists_soak(
    ground: Ground, argv_strategy: st.SearchStrategy[list[str]], data: st.DataObject
) -> None:
    check_arguments(ground, data.draw(argv_strategy))


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", str(KHARKOV), "--runs", "100000000", "--seed", "1", "--out", "/tmp/x"],
        ["replay", "/dev/zero"],
        ["validate", "/etc", "/dev/zero", str(KHARKOV)],
        ["simulate", str(KHARKOV), "--runs", "1", "--seed", "1", "--out", "/dev/null"],
    ],
)
def test_the_installed_command_answers_hostile_arguments_in_one_process(argv: list[str]) -> None:
    """The real entry point (`python -m game` is `eastfront`), in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "game", *argv],
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr.strip() and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == (2 if argv[0] == "validate" else 1)
