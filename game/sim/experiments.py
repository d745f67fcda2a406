"""What `eastfront experiments` says about the results store, and how a batch gets into it.

`record` builds a store record from a batch's output folder (each arm's `runs.csv`, read back so
the stored games are exactly the files') and adds it. `list_lines`, `show_lines` and
`compare_lines` answer from the store alone; `rewrite_report` writes a stored run's report again
from its `runs.csv` files (or, where one is gone, from the games the store kept).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from game.scenario.errors import FileProblemError
from game.scenario.model import KnobValue, Scenario
from game.sim.store import (
    ArmRecord,
    Experiment,
    StoreError,
    arms_from_folder,
    now,
    open_store,
    read_rows,
)

LIST_LIMIT = 50  # experiments `list` shows unless asked for more
SINCE_SLACK = 2.0  # seconds: file times on some file systems are that coarse


class Clock:
    """When a command began: the wall time for the record, and a floor for the `runs.csv` files
    that belong to this run (an older file in a reused folder is an earlier run's)."""

    def __init__(self) -> None:
        self.started = now()
        self.since = time.time() - SINCE_SLACK


def record(
    db: Path | None,
    kind: str,
    scenario: Scenario,
    knobs: Mapping[str, Any],
    seed: int,
    runs: int,
    command: str,
    out: Path,
    clock: Clock,
    complete: bool,
    arms: Sequence[tuple[str, Mapping[str, Any], str]],
    headlines: Sequence[Mapping[str, Any]] = (),
    extra: Mapping[str, Any] | None = None,
) -> tuple[int, Path]:
    """Add one batch to the store at `db` (None: the default); returns its id and the file."""
    from game.sim.report import program_version
    from game.sim.store import default_path

    path = default_path() if db is None else db
    experiment = Experiment(
        kind=kind,
        status="complete" if complete else "incomplete",
        scenario_id=scenario.id,
        scenario_path=str(Path(scenario.path).resolve()),
        scenario_hash=scenario.source_hash,
        knobs=dict(knobs),
        seed=seed,
        runs=runs,
        program=program_version(),
        rules_version=scenario.rules_version,
        command=command,
        started=clock.started,
        finished=now(),
        out=str(out.resolve()),
        headlines=[dict(h) for h in headlines],
        extra=dict(extra or {}),
        arms=arms_from_folder(out, [(n, dict(k), f) for n, k, f in arms], clock.since),
    )
    with open_store(path, write=True) as store:
        return store.add(experiment), path


# --- list and show -------------------------------------------------------------------------------


def knob_text(knobs: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={str(v).lower()}" for k, v in knobs.items()) or "historical settings"


def list_lines(db: Path | None, scenario: str | None, limit: int | None) -> list[str]:
    with open_store(db) as store:
        found = store.experiments(scenario, limit)
        where = store.path
    if not found:
        which = f" of {scenario}" if scenario else ""
        return [f"no experiments{which} in {where}"]
    lines = [f"{'id':>5}  {'started (UTC)':<19}  {'kind':<12}  {'scenario':<20}  games  status"]
    for e in found:
        games = int(e.extra.get("_games", 0))
        lines.append(
            f"{e.id:>5}  {e.started[:19].replace('T', ' '):<19}  {e.kind:<12}  "
            f"{e.scenario_id:<20}  {games:>5}  {e.status}  {knob_text(e.knobs)}"
        )
    return lines


def show_lines(db: Path | None, ident: int) -> list[str]:
    with open_store(db) as store:
        e = store.get(ident)
    out = Path(e.out)
    lines = [
        f"experiment {e.id}: {e.kind} of {e.scenario_id}, {e.status}",
        f"  scenario file: {e.scenario_path}",
        f"  file hash:     {e.scenario_hash}",
        f"  knobs:         {knob_text(e.knobs)}",
        f"  game seeds:    from {e.seed}, {e.runs} games per arm asked, {e.games} recorded",
        f"  program:       eastfront {e.program}, rules version {e.rules_version}",
        f"  command:       {e.command}",
        f"  when:          {e.started} to {e.finished}",
        f"  output folder: {out}{'' if out.is_dir() else ' (gone)'}",
    ]
    for key, value in e.extra.items():
        if not key.startswith("_"):
            lines.append(f"  {key + ':':<15}{value}")
    lines.append("arms:")
    for arm in e.arms:
        there = (out / arm.runs_csv).is_file()
        lines.append(
            f"  {arm.name or '(one batch)'}: {len(arm.rows)} games; {knob_text(arm.knobs)}; "
            f"{out / arm.runs_csv}{'' if there else ' (gone; the store keeps its games)'}"
        )
    report = out / "report.html"
    if report.is_file():
        lines.append(f"report: {report}")
    else:
        lines.append(f"report: none on disk (`eastfront experiments report {e.id}` writes one)")
    lines.append("headline results:")
    sentences = [str(h["sentence"]) for h in e.headlines if "sentence" in h]
    if not sentences and e.status == "incomplete":
        sentences = ["(stopped before the results were summed up; `report` sums up the games)"]
    lines += [f"  {s}" for s in sentences] or ["  (none)"]
    return lines


# --- compare -------------------------------------------------------------------------------------


def parse_reference(text: str) -> tuple[int, str | None]:
    """`ID` or `ID:ARM` (an arm of an experiment that has several)."""
    number, _, arm = text.partition(":")
    if not number.isascii() or not number.isdigit() or len(number) > 18:
        raise ValueError(f"expected ID or ID:ARM (an experiment number), got {text[:60]!r}")
    return int(number), (arm or None)


def pick_arm(e: Experiment, name: str | None) -> ArmRecord:
    names = [a.name for a in e.arms]
    if name is None:
        if len(e.arms) == 1:
            return e.arms[0]
        raise StoreError(
            f"experiment {e.id} has {len(e.arms)} arms; name one as {e.id}:ARM "
            f"(its arms: {', '.join(names) or 'none'})"
        )
    for arm in e.arms:
        if arm.name == name:
            return arm
    raise StoreError(f"experiment {e.id} has no arm {name!r} (its arms: {', '.join(names)})")


def scenario_of(e: Experiment, need_same_file: bool) -> tuple[Scenario, str | None]:
    """The scenario an experiment played, loaded from its file (else the installed one of its
    id) or from the version of it kept in `earlier/`, and a note when neither plays the game
    the experiment's games were played on."""
    from game.scenario.loader import find_scenario
    from game.scenario.model import load_scenario, load_version

    tried: list[Path] = [Path(e.scenario_path)]
    with contextlib.suppress(OSError, ValueError):
        tried.append(find_scenario(e.scenario_id))
    fallback: Scenario | None = None
    for path in tried:
        try:
            scenario = load_scenario(path)
        except (FileProblemError, OSError, ValueError):
            continue
        if scenario.id != e.scenario_id:
            continue
        with contextlib.suppress(FileProblemError, OSError, ValueError):
            same = load_version(path, e.scenario_hash, scenario)  # today's, or a kept version
            if same is not None:
                return same, None
        fallback = fallback or scenario
    if fallback is not None and not need_same_file:
        return fallback, (
            f"note: {e.scenario_id}'s file has changed since experiment {e.id} "
            f"(hash {e.scenario_hash[:12]}, now {fallback.source_hash[:12]})"
        )
    why = "has changed since" if fallback is not None else "cannot be found or read for"
    raise StoreError(
        f"the scenario file of experiment {e.id} ({e.scenario_path}) {why} its games; "
        "its outcomes cannot be read again"
    )


def _starting_point(e: Experiment) -> tuple[Any, ...]:
    """Games are paired only when they start from the same place: the scenario's start, or the
    same saved game's same turn."""
    if e.kind == "continuation":
        return ("save", e.extra.get("save_hash"), e.extra.get("turn"), e.extra.get("true_position"))
    return ("start", e.scenario_hash)


def compare_lines(db: Path | None, first: str, second: str) -> list[str]:
    from game.sim.headlines import compare
    from game.sim.report import headline_table

    (a_id, a_arm), (b_id, b_arm) = parse_reference(first), parse_reference(second)
    with open_store(db) as store:
        a, b = store.get(a_id), store.get(b_id)
    if a.scenario_id != b.scenario_id:
        raise StoreError(
            f"experiment {a.id} played {a.scenario_id} and {b.id} played {b.scenario_id}: "
            "compare runs of one scenario"
        )
    arm_a, arm_b = pick_arm(a, a_arm), pick_arm(b, b_arm)
    if not arm_a.rows or not arm_b.rows:
        empty = a.id if not arm_a.rows else b.id
        raise StoreError(f"experiment {empty} has no finished games in that arm to compare")
    scenario, note = scenario_of(b, need_same_file=False)
    seeds_a = {r["seed"] for r in arm_a.rows}
    seeds_b = {r["seed"] for r in arm_b.rows}
    paired = seeds_a == seeds_b and _starting_point(a) == _starting_point(b)
    label_a = _label(a, arm_a)
    label_b = _label(b, arm_b)
    lines = [f"A: {label_a}", f"B: {label_b}"]
    if note:
        lines.append(note)
    if paired:
        lines.append(
            f"paired: both played the same {len(seeds_a)} game seeds from the same start, so the "
            "change is taken game by game"
        )
    else:
        lines.append(
            "unpaired: the games were not played on the same seeds from the same start, so the "
            "change compares the two batches as independent samples (wider intervals)"
        )
    if a.scenario_hash != b.scenario_hash:
        lines.append(f"note: the two were played on different versions of {a.scenario_id}'s file")
    headlines = compare(scenario, arm_a.rows, arm_b.rows, f"in experiment {b.id}", paired=paired)
    table = headline_table(headlines, [f"A ({a.id})", f"B ({b.id})"])
    if not paired and table:
        table[0] = [c.replace("(paired)", "(unpaired)") for c in table[0]]
    lines.append("")
    lines += _text_table(table)
    lines.append("")
    lines += [str(h["sentence"]) for h in headlines]
    return lines


def _label(e: Experiment, arm: ArmRecord) -> str:
    which = f", arm {arm.name}" if arm.name else ""
    return (
        f"experiment {e.id} ({e.kind}{which}: {knob_text(arm.knobs)}; {len(arm.rows)} games "
        f"from seed {e.seed}; {e.started[:10]})"
    )


def _text_table(table: Sequence[Sequence[str]]) -> list[str]:
    if not table:
        return []
    widths = [max(len(row[k]) for row in table) for k in range(len(table[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]


# --- report --------------------------------------------------------------------------------------


def rewrite_report(db: Path | None, ident: int, plots: bool = True) -> tuple[Path, list[str]]:
    """Write the report of a stored run again into its output folder, from its `runs.csv` files
    (a file that is gone: the store's copy of its games, said in the notes returned)."""
    with open_store(db) as store:
        e = store.get(ident)
    out = Path(e.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"experiment {e.id}: cannot write into {out}: {exc.strerror}") from None
    scenario, _ = scenario_of(e, need_same_file=True)
    notes: list[str] = []
    played: dict[str, list[dict[str, str]]] = {}
    for arm in e.arms:
        rows = read_rows(out / arm.runs_csv)
        if rows is None:
            notes.append(f"{out / arm.runs_csv} is gone: its games come from the store")
            rows = arm.rows
        played[arm.name] = rows
    if not e.arms or not any(played.values()):
        raise StoreError(f"experiment {e.id} has no finished games to report")
    command = e.command
    if e.kind == "simulate":
        _simulate_report(scenario, e, played[e.arms[0].name], out, plots)
    elif e.kind == "explore":
        from game.sim.explore import write_comparison

        knobs: dict[str, KnobValue] = dict(e.knobs)
        write_comparison(
            scenario,
            knobs,
            e.runs,
            e.seed,
            played.get("baseline", []),
            played.get("variant", []),
            out,
            plots=plots,
            command=command,
        )
    elif e.kind == "sweep":
        from game.sim.sweep import write_sweep

        knob = str(e.extra["knob"])
        values: list[KnobValue] = list(e.extra["values"])
        write_sweep(scenario, knob, values, e.runs, e.seed, played, out, plots, command)
    elif e.kind == "sensitivity":
        from game.sim.sweep import knob_ends, value_label, write_sensitivity

        games: dict[str, Sequence[Mapping[str, Any]]] = dict(played)
        base = games.get("baseline", [])
        for name, low, high in knob_ends(scenario):
            for v in (low, high):
                games.setdefault(f"{name}={value_label(v)}", base)
        write_sensitivity(scenario, e.runs, e.seed, games, out, plots, command)
    elif e.kind == "continuation":
        from game.sim.continuation import write_continuation

        played_on = (
            scenario.with_knobs(dict(e.extra["all_knobs"]))
            if e.extra.get("all_knobs")
            else scenario
        )
        write_continuation(
            played_on,
            scenario.title,
            e.extra,
            dict(e.knobs),
            dict(e.extra.get("all_knobs", {})),
            e.seed,
            played[e.arms[0].name],
            out,
            plots=plots,
            command=command,
        )
    else:
        raise StoreError(f"experiment {e.id} is of a kind this eastfront does not know: {e.kind}")
    return out / "report.html", notes


def _simulate_report(
    scenario: Scenario,
    e: Experiment,
    rows: Sequence[Mapping[str, Any]],
    out: Path,
    plots: bool,
) -> None:
    from game.sim.headlines import describe
    from game.sim.report import Report, headline_table, write_report

    knobs: dict[str, KnobValue] = dict(e.knobs)
    played_on = scenario.with_knobs(knobs) if knobs else scenario
    headlines = describe(played_on, rows)
    seeds = f"{e.seed}-{e.seed + e.runs - 1}"
    drawn: list[str] = []
    if plots:
        from game.sim.plots import Arm, write_plots

        label = f"{len(rows)} games" + (f" ({knob_text(knobs)})" if knobs else "")
        written = write_plots(
            out, played_on, [Arm(label, rows)], f"{knob_text(knobs)}: game seeds {seeds}"
        )
        drawn = [str(p.relative_to(out)) for p in written]
    write_report(
        out,
        Report(
            title=f"{scenario.title}: {len(rows)} games",
            scenario=played_on,
            command=e.command,
            runs=len(rows),
            seeds=seeds,
            knobs=knobs,
            sentences=[h["sentence"] for h in headlines],
            table=headline_table(headlines, ["games"]),
            plots=drawn,
            runs_files=[e.arms[0].runs_csv],
        ),
    )
