"""Saves and replays: JSON with a format version, the rules version, the scenario's id and hash,
seed, knobs, every action, and checkpoints that let a replay be checked phase by phase.

A save is the recipe for a game, not a memory dump: loading replays the actions on the scenario
and checks every recorded hash, always (`replay --check` only says more), so an edited or damaged
file can never produce a silently different game. Files are written atomically (`game.files`). No
pickle anywhere.

Format 3 (written now) records a checkpoint whenever the phase, the side to move, the turn or the
game's end changes: the action count, the state hash there, and a running digest of every action
before it (`action_chain`). The state hash catches a different game; the digest catches actions
that were reordered or replaced and still led to the same state (two moves of different units
swapped). `final` holds the action count, state and digest at the end, so a dropped last action is
caught too, and `result` must be what the replay reaches. Formats 1 and 2 (turn hashes only) still
load, checked with the hashes they carry.

A save is untrusted input. The file is read only when it is a regular file under `MAX_SAVE_BYTES`,
its nesting depth is checked before parsing, numbers are bounded (a bool is never a number),
unknown keys are refused, and the scenario is named by id alone and looked up in the catalogue
(the installed scenarios, then a file `<id>.toml` beside the save): no path from a save is opened.

Rules versions. A save records the rules version it was played under (`engine.RULES_VERSION`;
format 1 saves were all made under rules version 1). A save from an older version is replayed and
checked like any other: when the game never met a rule that changed, every hash matches and it
loads; when it did, the first hash that differs is reported with both rules versions named. A
scenario file may list earlier versions of itself that play the same game (`same_game_as`), so a
change of words or of file layout does not orphan saves; a version that plays a different game is
kept verbatim in `earlier/` beside the file, and a save made with it replays on it
(`game.scenario.model.load_version`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game import actions as act
from game.engine import RULES_VERSION, IllegalActionError
from game.files import ReadError, read_bounded
from game.files import write_atomic as write_atomic  # re-exported: saves have always offered it
from game.scenario.errors import FileProblemError, PathPart, Problem
from game.scenario.loader import list_scenarios
from game.scenario.model import EARLIER, KnobValue, Scenario, load_scenario, load_version
from game.session import Game, PhaseHash, TurnHash

FORMAT = "eastfront-save"
VERSION = 3
READABLE_VERSIONS = (1, 2, 3)  # format 1: no "rules" key, rules version 1; 1 and 2: turn hashes

MAX_SAVE_BYTES = 16 * 1024 * 1024  # a whole game of Third Kharkov is about 90 kB
MAX_DEPTH = 32  # a save nests 5 deep (the file, actions, an action, its path, a hex)
MAX_ACTIONS = 200_000  # far above any game (the batch runner stops one at 20,000)
MAX_SEED = 2**63 - 1
MAX_TURN = 100_000
MAX_INT_DIGITS = 20  # longer numbers are refused before Python converts them
SCENARIO_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # the scenario schema's identifier
HASH = re.compile(r"^[0-9a-f]{64}$")
CHAIN_START = hashlib.sha256(b"eastfront action chain").hexdigest()

KEYS = {
    1: (
        "format",
        "version",
        "scenario",
        "seed",
        "knobs",
        "turn_hashes",
        "final_hash",
        "result",
        "actions",
    ),
    2: (
        "format",
        "version",
        "rules",
        "scenario",
        "seed",
        "knobs",
        "turn_hashes",
        "final_hash",
        "result",
        "actions",
    ),
    3: (
        "format",
        "version",
        "rules",
        "scenario",
        "seed",
        "knobs",
        "checkpoints",
        "final",
        "result",
        "actions",
    ),
}


def action_chain(previous: str, scenario: Scenario, action: act.Action) -> str:
    """The running digest after one more action: sha256 of the previous digest and the action's
    canonical JSON (so the digest depends on the actions alone, not on how a file spells them)."""
    text = json.dumps(act.to_json(scenario, action), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{previous}|{text}".encode()).hexdigest()


def save_game(game: Game, path: Path) -> None:
    """Write a save atomically; one action (and one checkpoint) per line keeps files diffable."""
    if not game.checkpoints:
        raise ValueError("a game played without checkpoints cannot be saved")  # a caller's bug
    scenario = game.scenario
    chains = [CHAIN_START]
    for action in game.actions:
        chains.append(action_chain(chains[-1], scenario, action))
    state = game.state
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
    }
    final = {"actions": len(game.actions), "state": state.state_hash(), "chain": chains[-1]}
    result = {"over": state.over, "turn": state.turn, "winner": state.winner, "level": state.level}
    lines = ["{"]
    for key, value in header.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value)},")
    lines.append('  "checkpoints": [')
    points = [
        json.dumps(
            {
                "actions": p.action_count,
                "turn": p.turn,
                "state": p.hash,
                "chain": chains[p.action_count],
            }
        )
        for p in game.phase_hashes
    ]
    lines.extend(f"    {text}," for text in points[:-1])
    lines.append(f"    {points[-1]}")
    lines.append("  ],")
    lines.append(f'  "final": {json.dumps(final)},')
    lines.append(f'  "result": {json.dumps(result)},')
    lines.append('  "actions": [')
    encoded = [json.dumps(act.to_json(scenario, a)) for a in game.actions]
    for i, text in enumerate(encoded):
        lines.append(f"    {text}" + ("," if i < len(encoded) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    write_atomic(path, "\n".join(lines) + "\n")


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
        if line is None and not where:
            line = 1
        return FileProblemError([Problem(str(self.path), line, tuple(where), message)])


class _BadNumberError(ValueError):
    def __init__(self, text: str, message: str) -> None:
        super().__init__(message)
        self.text = text


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _BadNumberError(text, f"a number of {len(text.lstrip('-')):,} digits is out of range")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumberError(text, f"the number {text[:24]} is out of range")
    return value


def _parse_constant(text: str) -> float:
    raise _BadNumberError(text, f"{text} is not a number a save may hold")


def _problem(path: Path, line: int | None, message: str) -> FileProblemError:
    return FileProblemError([Problem(str(path), line, (), message)])


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1


def nesting_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of arrays and objects in JSON text (strings skipped) and the line where
    it first goes deeper than `MAX_DEPTH` (0 if it never does); counted with numpy, so a file of
    a million brackets costs milliseconds and no recursion. (JSON strings hold no raw line
    breaks, so lines counted without them are the file's lines.)"""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text).encode("utf-8")
    codes = np.frombuffer(bare, dtype=np.uint8)
    if not len(codes):
        return 0, 0
    steps = np.zeros(len(codes), dtype=np.int64)
    steps[(codes == ord("[")) | (codes == ord("{"))] = 1
    steps[(codes == ord("]")) | (codes == ord("}"))] = -1
    depth = np.cumsum(steps)
    deepest = int(depth.max())
    if deepest <= MAX_DEPTH:
        return deepest, 0
    first = int(np.argmax(depth > MAX_DEPTH))
    return deepest, bare.count(b"\n", 0, first) + 1


def read_save(path: Path) -> tuple[dict[str, Any], _Report]:
    """A save file's JSON object, its format and version checked and no unknown top-level key;
    every limit is checked before the work it protects."""
    try:
        raw = read_bounded(path, MAX_SAVE_BYTES)
    except ReadError as exc:
        raise _problem(path, None, str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _problem(
            path, raw[: exc.start].count(b"\n") + 1, "file is not valid UTF-8 text"
        ) from None
    deepest, line = nesting_depth(text)
    if deepest > MAX_DEPTH:
        raise _problem(
            path, line, f"not a save: nested {deepest} deep (a save nests {MAX_DEPTH} at most)"
        )
    try:
        data = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
        )
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        what = "the file is cut short" if cut else exc.msg
        raise _problem(path, exc.lineno, f"not valid JSON: {what}") from None
    except _BadNumberError as exc:
        raise _problem(path, _line_of(text, exc.text), str(exc)) from None
    except (ValueError, RecursionError) as exc:  # pragma: no cover - the checks above come first
        raise _problem(path, None, f"not valid JSON: {exc}") from None
    report = _Report(path, text)
    if not isinstance(data, dict):
        raise report.error((), "not a save: expected a JSON object")
    if data.get("format") != FORMAT:
        shown = repr(data.get("format"))[:40]
        raise report.error(("format",), f"not an Eastfront save (format is {shown})")
    version = data.get("version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise report.error(
            ("version",),
            f"save format version {repr(version)[:24]} is not supported (this is version {VERSION})",
        )
    allowed = KEYS[version]
    for key in data:
        if key not in allowed:
            raise report.error((key,), "unknown key")
    for key in allowed:
        if key not in data:
            raise report.error((key,), "required field is missing")
    return data, report


def _whole(value: Any, low: int, high: int) -> bool:
    """A JSON whole number in range; true and false are not numbers here."""
    return type(value) is int and low <= value <= high


def _object(
    raw: Any, where: tuple[PathPart, ...], keys: Sequence[str], report: _Report
) -> dict[str, Any]:
    """A JSON object with exactly these keys."""
    if not isinstance(raw, dict):
        raise report.error(where, f"expected an object with {', '.join(keys)}")
    for key in raw:
        if key not in keys:
            raise report.error((*where, key), "unknown key")
    for key in keys:
        if key not in raw:
            raise report.error((*where, key), "required field is missing")
    return raw


def load_game(path: Path, check: bool = True, scenario_path: Path | None = None) -> Game:
    """Rebuild a game from a save by replaying it, checking every recorded hash on the way.

    `check` is kept for callers of the old signature: a save is always checked. `scenario_path`
    is a scenario file the caller chose (tests, tools); without it the save's scenario id is
    looked up in the catalogue.
    """
    del check  # every load checks: an unchecked replay could be a silently different game
    data, report = read_save(path)
    version: int = data["version"]
    meta = _object(data["scenario"], ("scenario",), ("id", "file", "sha256"), report)
    for key in ("id", "file", "sha256"):
        if not isinstance(meta[key], str):
            raise report.error(("scenario", key), "expected a string")
    if len(meta["file"]) > 255:
        raise report.error(("scenario", "file"), "expected a file name")
    if not HASH.match(meta["sha256"]):
        raise report.error(("scenario", "sha256"), "expected 64 hex digits")
    seed = data["seed"]
    if not _whole(seed, 0, MAX_SEED):
        raise report.error(("seed",), f"expected a whole number from 0 to {MAX_SEED}")
    rules = _rules_version(data, report)
    source = scenario_path or catalogue_scenario(path, meta["id"], report)
    current = load_scenario(source)
    if current.id != meta["id"]:
        raise report.error(
            ("scenario", "id"), f"save is for scenario {meta['id']!r}, not {current.id!r}"
        )
    scenario = load_version(source, meta["sha256"], current)
    if scenario is None:
        raise report.error(
            ("scenario", "sha256"),
            f"the save was made with another version of {source.name} "
            f"(sha256 {meta['sha256'][:12]}…), neither this one nor one kept in "
            f"{EARLIER}/ beside it; it cannot be replayed exactly",
        )
    report.rules = rules
    scenario = scenario.under_rules(rules)  # a game made under older rules replays under them
    knobs = _knobs(scenario, data["knobs"], report)
    game = Game(scenario.with_knobs(knobs) if knobs else scenario, seed)
    raw_actions = data["actions"]
    if not isinstance(raw_actions, list):
        raise report.error(("actions",), "expected a list of actions")
    if len(raw_actions) > MAX_ACTIONS:
        raise report.error(("actions",), f"more than {MAX_ACTIONS:,} actions")
    if version >= 3:
        _replay_checkpoints(game, data, raw_actions, report)
    else:
        _replay_turn_hashes(game, data, raw_actions, report)
    _check_result(game, data["result"], report)
    return game


def _apply(game: Game, i: int, raw: Any, report: _Report) -> act.Action:
    try:
        action = act.from_json(game.scenario, raw)
    except act.ActionFormatError as exc:
        raise report.error(("actions", i), str(exc)) from None
    try:
        game.apply(action)
    except IllegalActionError as exc:
        raise report.error(("actions", i), f"illegal action on replay: {exc}") from None
    return action


@dataclass(frozen=True)
class _Checkpoint:
    actions: int
    turn: int
    state: str
    chain: str


def _checkpoints(raw: Any, count: int, report: _Report) -> list[_Checkpoint]:
    if not isinstance(raw, list) or not raw:
        raise report.error(("checkpoints",), "expected a non-empty list")
    if len(raw) > count + 1:
        raise report.error(("checkpoints",), f"{len(raw)} checkpoints for {count} actions")
    out = []
    for i, item in enumerate(raw):
        where = ("checkpoints", i)
        item = _object(item, where, ("actions", "turn", "state", "chain"), report)
        if not _whole(item["actions"], 0, MAX_ACTIONS) or not _whole(item["turn"], 0, MAX_TURN):
            raise report.error(where, "expected whole numbers of actions and turn in range")
        if not (isinstance(item["state"], str) and HASH.match(item["state"])):
            raise report.error((*where, "state"), "expected 64 hex digits")
        if not (isinstance(item["chain"], str) and HASH.match(item["chain"])):
            raise report.error((*where, "chain"), "expected 64 hex digits")
        out.append(_Checkpoint(item["actions"], item["turn"], item["state"], item["chain"]))
    return out


def _replay_checkpoints(
    game: Game, data: dict[str, Any], raw_actions: list[Any], report: _Report
) -> None:
    """Format 3: replay, comparing every checkpoint (state hash and action digest) as it comes."""
    recorded = _checkpoints(data["checkpoints"], len(raw_actions), report)
    final = _object(data["final"], ("final",), ("actions", "state", "chain"), report)
    if not _whole(final["actions"], 0, MAX_ACTIONS):
        raise report.error(("final", "actions"), "expected a whole number of actions")
    chain = CHAIN_START
    _compare_checkpoint(game, 0, recorded, chain, report)
    for i, raw in enumerate(raw_actions):
        action = _apply(game, i, raw, report)
        chain = action_chain(chain, game.scenario, action)
        if game.phase_hashes[-1].action_count == i + 1:
            _compare_checkpoint(game, len(game.phase_hashes) - 1, recorded, chain, report)
    if final["actions"] != len(raw_actions):
        raise report.error(
            ("final", "actions"),
            f"the save recorded {final['actions']} actions and holds {len(raw_actions)}: {_EDITED}",
        )
    if len(game.phase_hashes) != len(recorded):
        raise report.error(
            ("checkpoints",),
            f"{len(recorded)} checkpoints recorded, the replay passed {len(game.phase_hashes)}: "
            f"{_EDITED}",
        )
    if final["chain"] != chain:
        raise report.error(("final", "chain"), f"the actions differ from the save's: {_EDITED}")
    if final["state"] != game.state.state_hash():
        raise report.error(
            ("final", "state"), f"the replayed game ends in another state: {_why(report)}"
        )


_EDITED = "the file was edited or is damaged"


def _why(report: _Report) -> str:
    if report.rules != RULES_VERSION:
        return (
            f"the save was made under rules version {report.rules} and this is rules version "
            f"{RULES_VERSION}, whose changes this game met"
        )
    return _EDITED


def _compare_checkpoint(
    game: Game, index: int, recorded: list[_Checkpoint], chain: str, report: _Report
) -> None:
    actual: PhaseHash = game.phase_hashes[index]
    where = ("checkpoints", min(index, len(recorded) - 1))
    if index >= len(recorded):
        raise report.error(
            where, f"no checkpoint recorded after action {actual.action_count}: {_EDITED}"
        )
    expected = recorded[index]
    if expected.actions != actual.action_count:
        raise report.error(
            where,
            f"the save checks the game after action {expected.actions}, the replay changed phase "
            f"after action {actual.action_count}: {_why(report)}",
        )
    if expected.chain != chain:
        raise report.error(
            where,
            f"the actions before action {actual.action_count} differ from the save's: {_EDITED}",
        )
    if expected.state != actual.hash or expected.turn != actual.turn:
        raise report.error(
            where,
            f"replay differs from the save after action {actual.action_count} "
            f"(turn {actual.turn}): {_why(report)}",
        )


def _replay_turn_hashes(
    game: Game, data: dict[str, Any], raw_actions: list[Any], report: _Report
) -> None:
    """Formats 1 and 2: the state hash at the start of every turn and at the end."""
    recorded = _turn_hashes(data["turn_hashes"], report)
    final_hash = data["final_hash"]
    if not (isinstance(final_hash, str) and HASH.match(final_hash)):
        raise report.error(("final_hash",), "expected 64 hex digits")
    expected = {t.action_count: t for t in recorded}
    _check_hash(game, expected.get(0), report)
    for i, raw in enumerate(raw_actions):
        _apply(game, i, raw, report)
        if game.turn_hashes[-1].action_count == i + 1:
            _check_hash(game, expected.get(i + 1), report)
    if len(game.turn_hashes) != len(recorded):
        raise report.error(
            ("turn_hashes",),
            f"{len(recorded)} turn hashes recorded, the replay passed {len(game.turn_hashes)} turns",
        )
    if game.state.state_hash() != final_hash:
        raise report.error(
            ("final_hash",),
            "the replayed game ends in a different state than the save recorded",
        )


def _check_result(game: Game, raw: Any, report: _Report) -> None:
    result = _object(raw, ("result",), ("over", "turn", "winner", "level"), report)
    state = game.state
    actual = {"over": state.over, "turn": state.turn, "winner": state.winner, "level": state.level}
    for key, value in actual.items():
        recorded = result[key]
        if type(recorded) is not type(value) or recorded != value:
            raise report.error(
                ("result", key),
                f"the save says {json.dumps(recorded)[:40]}, the replay ends with {json.dumps(value)}",
            )


def catalogue_scenario(save_path: Path, scenario_id: str, report: _Report) -> Path:
    """The scenario file of this id: an installed one, else `<id>.toml` beside the save. The id
    must be a scenario identifier, so no path from the save is ever opened."""
    if not SCENARIO_ID.match(scenario_id):
        raise report.error(
            ("scenario", "id"),
            f"{scenario_id[:60]!r} is not a scenario id (lowercase letters, digits and _)",
        )
    for installed in list_scenarios():
        if installed.stem == scenario_id:
            return installed
    beside = save_path.parent / f"{scenario_id}.toml"
    with contextlib.suppress(OSError):
        if stat.S_ISREG(os.stat(beside).st_mode):
            return beside
    raise report.error(
        ("scenario", "id"),
        f"no scenario {scenario_id!r} among the installed scenarios or beside the save",
    )


def _rules_version(data: dict[str, Any], report: _Report) -> int:
    if data["version"] < 2:
        return 1
    rules = data["rules"]
    if not _whole(rules, 1, 1_000_000):
        raise report.error(("rules",), "expected a rules version, a whole number >= 1")
    if rules > RULES_VERSION:
        raise report.error(
            ("rules",),
            f"the save was made under rules version {rules}, newer than this program's "
            f"({RULES_VERSION}): update Eastfront to replay it",
        )
    return int(rules)


def _knobs(scenario: Scenario, raw: Any, report: _Report) -> dict[str, KnobValue]:
    """The save's knob values: of the knob's JSON type (no text, no true for 1) and in range."""
    if not isinstance(raw, dict):
        raise report.error(("knobs",), "expected an object of knob values")
    out: dict[str, KnobValue] = {}
    for name, value in raw.items():
        knob = scenario.spec.knobs.get(name)
        if knob is None:
            raise report.error(("knobs", name), "unknown knob")
        if knob.type == "bool":
            ok = type(value) is bool
        elif knob.type == "int":
            ok = type(value) is int
        else:
            ok = type(value) in (int, float)
        if not ok:
            kinds = {"bool": "true or false", "int": "a whole number", "float": "a number"}
            raise report.error(("knobs", name), f"expected {kinds.get(knob.type, knob.type)}")
        if knob.type != "bool" and (
            (knob.min is not None and value < knob.min)
            or (knob.max is not None and value > knob.max)
        ):
            raise report.error(
                ("knobs", name),
                f"{value} is out of the knob's range {_bound(knob.min)}..{_bound(knob.max)}",
            )
        out[name] = float(value) if knob.type == "float" else value
    return out


def _bound(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _turn_hashes(raw: Any, report: _Report) -> list[TurnHash]:
    if not isinstance(raw, list):
        raise report.error(("turn_hashes",), "expected a list")
    out = []
    for i, item in enumerate(raw):
        item = _object(item, ("turn_hashes", i), ("turn", "actions", "hash"), report)
        if not (
            _whole(item["turn"], 0, MAX_TURN)
            and _whole(item["actions"], 0, MAX_ACTIONS)
            and isinstance(item["hash"], str)
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
        raise report.error(
            ("turn_hashes", index),
            f"replay differs from the save at turn {actual.turn}: {_why(report)}",
        )


def validate_save(path: Path) -> str:
    game = load_game(path)
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
