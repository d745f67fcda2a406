"""Saves and replays: JSON with a format version, the rules version, the scenario's id and hash,
seed, knobs, every action, and the state hash at the start of every turn.

A save is the recipe for a game, not a memory dump: loading replays the actions on the scenario
and checks each recorded hash, so an edited or damaged file can never produce a silently different
game. Files are written atomically (temporary file, fsync, rename). No pickle anywhere.

Rules versions. A save records the rules version it was played under (`engine.RULES_VERSION`;
format 1 saves were all made under rules version 1). A save from an older version is replayed and
checked like any other: when the game never met a rule that changed, every hash matches and it
loads; when it did, the first hash that differs is reported with both rules versions named. A
scenario file may list earlier versions of itself that play the same game (`same_game_as`), so a
change of words or of file layout does not orphan saves.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game import actions as act
from game.engine import RULES_VERSION, IllegalActionError
from game.scenario.errors import FileProblemError, PathPart, Problem
from game.scenario.loader import find_scenario, read_text
from game.scenario.model import KnobValue, Scenario, coerce_knob, load_scenario
from game.session import Game, TurnHash

FORMAT = "eastfront-save"
VERSION = 2
READABLE_VERSIONS = (1, 2)  # format 1: no "rules" key, rules version 1


def save_game(game: Game, path: Path) -> None:
    """Write a save atomically; one action per line keeps files readable and diffable."""
    scenario = game.scenario
    header = {
        "format": FORMAT,
        "version": VERSION,
        "rules": scenario.rules_version,
        "scenario": {
            "id": scenario.id,
            "file": scenario.path.name,
            "sha256": scenario.source_hash,
        },
        "seed": game.seed,
        "knobs": dict(sorted(scenario.knobs.items())),
        "turn_hashes": [
            {"turn": t.turn, "actions": t.action_count, "hash": t.hash} for t in game.turn_hashes
        ],
        "final_hash": game.state.state_hash(),
        "result": {
            "over": game.state.over,
            "turn": game.state.turn,
            "winner": game.state.winner,
            "level": game.state.level,
        },
    }
    lines = ["{"]
    for key, value in header.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value)},")
    lines.append('  "actions": [')
    encoded = [json.dumps(act.to_json(scenario, a)) for a in game.actions]
    for i, text in enumerate(encoded):
        lines.append(f"    {text}" + ("," if i < len(encoded) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    write_atomic(path, "\n".join(lines) + "\n")


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class _Report:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _json_lines(text)
        self.rules = RULES_VERSION

    def error(self, where: Sequence[PathPart], message: str) -> FileProblemError:
        p = tuple(where)
        line = None
        while p and line is None:
            line = self.lines.get(p)
            p = p[:-1]
        return FileProblemError([Problem(str(self.path), line, tuple(where), message)])


def read_save(path: Path) -> tuple[dict[str, Any], _Report]:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        what = "the file is cut short" if exc.pos >= len(text.rstrip()) else exc.msg
        raise FileProblemError(
            [Problem(str(path), exc.lineno, (), f"not valid JSON: {what}")]
        ) from None
    report = _Report(path, text)
    if not isinstance(data, dict):
        raise report.error((), "not a save: expected a JSON object")
    if data.get("format") != FORMAT:
        raise report.error(("format",), f"not an Eastfront save (format is {data.get('format')!r})")
    version = data.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise report.error(
            ("version",),
            f"save format version {version!r} is not supported (this is version {VERSION})",
        )
    allowed = {
        "format",
        "version",
        *(("rules",) if version >= 2 else ()),
        "scenario",
        "seed",
        "knobs",
        "turn_hashes",
        "final_hash",
        "result",
        "actions",
    }
    for key in data:
        if key not in allowed:
            raise report.error((key,), "unknown key")
    for key in allowed:
        if key not in data:
            raise report.error((key,), "required field is missing")
    return data, report


def load_game(path: Path, check: bool = True, scenario_path: Path | None = None) -> Game:
    """Rebuild a game from a save by replaying it; with `check`, every recorded hash must match."""
    data, report = read_save(path)
    meta = data["scenario"]
    if not isinstance(meta, dict) or not all(
        isinstance(meta.get(k), str) for k in ("id", "file", "sha256")
    ):
        raise report.error(("scenario",), "expected id, file and sha256 strings")
    seed = data["seed"]
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise report.error(("seed",), "expected a whole number >= 0")
    rules = _rules_version(data, report)
    source = scenario_path or _scenario_file(path, meta)
    if not source.exists():
        raise report.error(
            ("scenario", "id"), f"scenario {meta['id']!r} not found (looked for {source})"
        )
    scenario = load_scenario(source)
    if scenario.id != meta["id"]:
        raise report.error(
            ("scenario", "id"), f"save is for scenario {meta['id']!r}, not {scenario.id!r}"
        )
    same_game = {scenario.source_hash, *scenario.spec.scenario.same_game_as}
    if meta["sha256"] not in same_game:
        raise report.error(
            ("scenario", "sha256"),
            f"the save was made with another version of {source.name}; it cannot be replayed exactly",
        )
    report.rules = rules
    scenario = scenario.under_rules(rules)  # a game made under older rules replays under them
    knobs = _knobs(scenario, data["knobs"], report)
    game = Game(scenario.with_knobs(knobs) if knobs else scenario, seed)
    recorded = _turn_hashes(data["turn_hashes"], report)
    raw_actions = data["actions"]
    if not isinstance(raw_actions, list):
        raise report.error(("actions",), "expected a list of actions")
    expected = {t.action_count: t for t in recorded}
    if check:
        _check_hash(game, expected.get(0), report)
    for i, raw in enumerate(raw_actions):
        try:
            action = act.from_json(game.scenario, raw)
        except act.ActionFormatError as exc:
            raise report.error(("actions", i), str(exc)) from None
        try:
            game.apply(action)
        except IllegalActionError as exc:
            raise report.error(("actions", i), f"illegal action on replay: {exc}") from None
        if check and game.turn_hashes[-1].action_count == i + 1:
            _check_hash(game, expected.get(i + 1), report)
    if check:
        if len(game.turn_hashes) != len(recorded):
            raise report.error(
                ("turn_hashes",),
                f"{len(recorded)} turn hashes recorded, the replay passed {len(game.turn_hashes)} turns",
            )
        if game.state.state_hash() != data["final_hash"]:
            raise report.error(
                ("final_hash",),
                "the replayed game ends in a different state than the save recorded",
            )
    return game


def _scenario_file(save_path: Path, meta: dict[str, Any]) -> Path:
    """The scenario a save names: the installed one with that id, else the file beside the save."""
    installed = find_scenario(str(meta["id"]))
    if installed.exists():
        return installed
    return save_path.parent / Path(str(meta["file"])).name


def _rules_version(data: dict[str, Any], report: _Report) -> int:
    if data["version"] < 2:
        return 1
    rules = data["rules"]
    if not isinstance(rules, int) or isinstance(rules, bool) or rules < 1:
        raise report.error(("rules",), "expected a rules version, a whole number >= 1")
    if rules > RULES_VERSION:
        raise report.error(
            ("rules",),
            f"the save was made under rules version {rules}, newer than this program's "
            f"({RULES_VERSION}): update Eastfront to replay it",
        )
    return rules


def _knobs(scenario: Scenario, raw: Any, report: _Report) -> dict[str, KnobValue]:
    if not isinstance(raw, dict):
        raise report.error(("knobs",), "expected an object of knob values")
    out: dict[str, KnobValue] = {}
    for name, value in raw.items():
        knob = scenario.spec.knobs.get(name)
        if knob is None:
            raise report.error(("knobs", name), "unknown knob")
        parsed = coerce_knob(knob.type, value)
        if parsed is None:
            raise report.error(("knobs", name), f"expected a {knob.type}")
        out[name] = parsed
    return out


def _turn_hashes(raw: Any, report: _Report) -> list[TurnHash]:
    if not isinstance(raw, list):
        raise report.error(("turn_hashes",), "expected a list")
    out = []
    for i, item in enumerate(raw):
        if not (
            isinstance(item, dict)
            and isinstance(item.get("turn"), int)
            and isinstance(item.get("actions"), int)
            and isinstance(item.get("hash"), str)
        ):
            raise report.error(("turn_hashes", i), "expected {turn, actions, hash}")
        out.append(TurnHash(item["turn"], item["actions"], item["hash"]))
    return out


def _check_hash(game: Game, expected: TurnHash | None, report: _Report) -> None:
    actual = game.turn_hashes[-1]
    if expected is None:
        raise report.error(
            ("turn_hashes",),
            f"no hash recorded for turn {actual.turn} (after {actual.action_count} actions)",
        )
    if expected.hash != actual.hash or expected.turn != actual.turn:
        index = game.turn_hashes.index(actual)
        why = "the file was edited or is damaged"
        if report.rules != RULES_VERSION:
            why = (
                f"the save was made under rules version {report.rules} and this is rules version "
                f"{RULES_VERSION}, whose changes this game met"
            )
        raise report.error(
            ("turn_hashes", index), f"replay differs from the save at turn {actual.turn}: {why}"
        )


def validate_save(path: Path) -> str:
    game = load_game(path, check=True)
    state = game.state
    status = f"over, {state.level} ({state.winner})" if state.over else f"turn {state.turn}"
    return f"save of {game.scenario.id}: {len(game.actions)} actions, {status}, every hash matches"


# --- a JSON line locator (paths -> first line of their value) ---------------------------------------


def _json_lines(text: str) -> dict[tuple[PathPart, ...], int]:
    """Line numbers of every object member and array element; best effort on broken text."""
    lines: dict[tuple[PathPart, ...], int] = {}
    pos = 0
    line = 1
    n = len(text)

    def skip() -> None:
        nonlocal pos, line
        while pos < n and text[pos] in " \t\r\n":
            if text[pos] == "\n":
                line += 1
            pos += 1

    def string() -> str:
        nonlocal pos
        start = pos
        pos += 1
        while pos < n and text[pos] != '"':
            pos += 2 if text[pos] == "\\" else 1
        pos += 1
        try:
            value = json.loads(text[start:pos])
        except json.JSONDecodeError:
            return ""
        return str(value)

    def value(path: tuple[PathPart, ...]) -> None:
        nonlocal pos
        skip()
        lines.setdefault(path, line)
        if pos >= n:
            return
        ch = text[pos]
        if ch == "{":
            pos += 1
            while True:
                skip()
                if pos >= n or text[pos] == "}":
                    pos += 1
                    return
                if text[pos] == ",":
                    pos += 1
                    continue
                key = string()
                skip()
                pos += 1  # ':'
                value((*path, key))
        elif ch == "[":
            pos += 1
            index = 0
            while True:
                skip()
                if pos >= n or text[pos] == "]":
                    pos += 1
                    return
                if text[pos] == ",":
                    pos += 1
                    index += 1
                    continue
                value((*path, index))
        elif ch == '"':
            string()
        else:
            while pos < n and text[pos] not in ",]}\n":
                pos += 1

    with contextlib.suppress(IndexError):
        value(())
    return lines
