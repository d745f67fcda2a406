"""Fuzzing Third Kharkov's scenario and map files: whatever the damage, `eastfront validate`
answers in bounded time with exit code 0 or 2 and only `FILE:LINE: field.path: problem` lines;
a damaged file it accepts must load and let the AI play a side-turn.

Mutations: a value replaced by another type or a hostile number, a line deleted, a table
duplicated, the file cut short, random bytes or brackets inserted, deep nesting. The default run
is short and derandomized (the same examples every time); `-m soak` runs many more.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import main
from game.scenario.errors import FileProblemError
from game.scenario.model import load_scenario
from tests.conftest import KHARKOV
from tests.test_hostile_files import MAP, play_side_turns

TIMEOUT_S = 120.0  # a validate takes well under a second; only a hang reaches this
SHORT = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
LONG = settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TEXTS = {"scenario": KHARKOV.read_text(encoding="utf-8"), "map": MAP.read_text(encoding="utf-8")}
PROBLEM_LINE = re.compile(r"^.+:(\d+|\?): \S+: .+$")
VALUE_LINE = re.compile(r"^(\s*[A-Za-z0-9_.\"-]+\s*=\s*)(.+)$")

HOSTILE_VALUES = [
    '"17"',
    '""',
    '"x" ',
    "true",
    "false",
    "0",
    "-1",
    "1.5",
    "-0.0",
    str(2**31),
    str(2**63),
    str(-(2**40)),
    "1e308",
    "-1e308",
    "inf",
    "-inf",
    "nan",
    "1943-02-19",
    "9999-12-31",
    "0001-01-01",
    "1943-02-19T12:00:00",
    "12:00:00",
    "[]",
    "[1, 2]",
    '["kharkov", "kharkov"]',
    "{}",
    "{ a = 1 }",
    "[ } ]",
    "9" * 5000,
    '"' + "x" * 30_000 + '"',
]
JUNK = ["[", "]", "{", "}", "[[", "]]", "=", '"', "'''", "\\", "#", ",", "\x00", "\ufeff", "\u0663"]


@dataclass(frozen=True)
class Mutation:
    """One piece of damage to one of the two files, with a few numbers to place it."""

    file: str
    kind: str
    where: float  # 0..1: which line, or where in the text
    value: str  # "bytes": its characters are the bytes inserted, UTF-8 or not


mutations = st.builds(
    Mutation,
    file=st.sampled_from(["scenario", "map"]),
    kind=st.sampled_from(
        ["replace", "replace", "replace", "delete", "duplicate", "truncate", "insert", "bytes", "nest"]
    ),
    where=st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    value=st.one_of(
        st.sampled_from(HOSTILE_VALUES),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        # values near the ones in the files, so that many damaged files still validate and play
        st.integers(min_value=-5, max_value=500).map(str),
        st.floats(min_value=-200.0, max_value=200.0).map(lambda f: f"{f:.3f}"),
        st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
        st.floats().map(lambda f: repr(f).replace("e+", "e")),
        st.lists(st.sampled_from(JUNK), min_size=1, max_size=6).map("".join),
        st.binary(min_size=1, max_size=8).map(lambda b: b.decode("latin-1")),
    ),
)


def mutate(text: str, mutation: Mutation) -> str:
    lines = text.split("\n")
    at = min(int(mutation.where * len(lines)), len(lines) - 1)
    if mutation.kind == "replace":
        valued = [i for i, line in enumerate(lines) if VALUE_LINE.match(line)]
        i = valued[min(int(mutation.where * len(valued)), len(valued) - 1)]
        match = VALUE_LINE.match(lines[i])
        assert match is not None
        lines[i] = match.group(1) + mutation.value
    elif mutation.kind == "delete":
        del lines[at]
    elif mutation.kind == "duplicate":
        headers = [i for i, line in enumerate(lines) if line.startswith("[")]
        start = headers[min(int(mutation.where * len(headers)), len(headers) - 1)]
        end = next((i for i in headers if i > start), len(lines))
        lines[end:end] = lines[start:end]
    elif mutation.kind == "truncate":
        return text[: int(mutation.where * len(text))]
    elif mutation.kind == "insert":
        pos = int(mutation.where * len(text))
        return text[:pos] + mutation.value + text[pos:]
    elif mutation.kind == "bytes":  # marked here, turned into raw bytes by `damaged_bytes`
        pos = int(mutation.where * len(text))
        return text[:pos] + "\x00BYTES\x00" + text[pos:]
    elif mutation.kind == "nest":
        depth = 10 + int(mutation.where * 5000)
        lines.insert(at, "deep = " + "[" * depth + "]" * depth)
    return "\n".join(lines)


def damaged_bytes(text: str, mutation: Mutation) -> bytes:
    data = text.encode("utf-8")
    if mutation.kind == "bytes":
        value = mutation.value
        raw = value.encode("latin-1") if max(map(ord, value)) < 256 else value.encode("utf-8")
        data = data.replace(b"\x00BYTES\x00", raw, 1)
    return data


def validate_within_timeout(paths: list[Path]) -> tuple[int, str]:
    """`eastfront validate` in-process, watched: a hang fails the test instead of the run."""
    codes: list[int] = []
    escaped: list[BaseException] = []
    err = io.StringIO()

    def run() -> None:
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                codes.append(main(["validate", *map(str, paths)]))
        except BaseException as exc:  # the test reports any escape, SystemExit included
            escaped.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(TIMEOUT_S)
    assert not worker.is_alive(), f"validate hung for {TIMEOUT_S} s"
    if escaped:
        raise AssertionError(f"validate raised {escaped[0]!r}") from escaped[0]
    return codes[0], err.getvalue()


def check_mutation(mutation: Mutation) -> None:
    texts = dict(TEXTS)
    texts[mutation.file] = mutate(texts[mutation.file], mutation)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "maps").mkdir()
        scenario_path = root / KHARKOV.name
        map_path = root / "maps" / MAP.name
        scenario_path.write_bytes(damaged_bytes(texts["scenario"], mutation))
        map_path.write_bytes(damaged_bytes(texts["map"], mutation))
        code, err = validate_within_timeout([scenario_path, map_path])
        assert code in (0, 2), err
        for line in err.splitlines():
            assert PROBLEM_LINE.match(line), f"not a problem line: {line!r}"
        if code == 2:
            assert err, "exit code 2 without a word"
            return
        try:
            scenario = load_scenario(scenario_path)
        except FileProblemError as exc:  # validate accepted what load refuses
            raise AssertionError(f"validated but does not load: {exc}") from exc
        play_side_turns(scenario)


@SHORT
@given(mutation=mutations)
def test_a_damaged_file_is_refused_in_one_line_or_plays(mutation: Mutation) -> None:
    check_mutation(mutation)


@pytest.mark.soak
@LONG
@given(mutation=mutations)
def test_many_damaged_files_are_refused_in_one_line_or_play(mutation: Mutation) -> None:
    check_mutation(mutation)
