"""Sweeps and sensitivity: the main outcomes against one knob, and every knob to its ends.

Every arm of a sweep or a sensitivity study plays the same game seeds (common random numbers),
so the arms differ by the knob and by the dice the knob changes, never by a fresh draw of games.
A sweep (`sweep`) plays one arm per value of a knob and plots each main outcome against it with
its 95 % interval; a sensitivity study (`sensitivity`) plays the historical settings once and
then each knob at the low and the high end of its range (false and true for a switch), one at a
time, and draws a tornado chart per main outcome: the paired change from the historical settings,
with its interval, knobs ranked by the larger of their two effects. That ranking is the answer
to "what decided this battle?" within the scenario's knobs, the AI's play and the games afforded.

Each arm's games are in `ARM/runs.csv` under the output folder as they finish; `sweep.json` or
`sensitivity.json`, the plots and `report.html`/`report.md` are written at the end.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from game.files import write_atomic
from game.scenario.model import KnobValue, Scenario
from game.sim.headlines import (
    Outcome,
    RowLike,
    change,
    estimate,
    main_outcomes,
    scoring_holders,
)
from game.sim.runner import LOCAL, Row, Tls, open_pool, run_games
from game.sim.stats import Estimate
from game.sim.stream import Progress, RunsFile
from game.sim.summary import columns

MAX_POINTS = 41  # values in one sweep: a finer one is several sweeps


@dataclass(frozen=True)
class Arm:
    """One batch of a study: its folder name under the output folder and its knob settings."""

    name: str
    knobs: tuple[tuple[str, KnobValue], ...]


@dataclass(frozen=True)
class Batches:
    """Where and how the games of a study are played (as `simulate` takes it)."""

    scenario_path: Path
    runs: int
    seed: int
    workers: int = 1
    scheduler: str = LOCAL
    connect_timeout: float | None = None
    tls: Tls | None = None


def play_arms(
    scenario: Scenario, arms: Sequence[Arm], batches: Batches, out: Path
) -> dict[str, list[Row]]:
    """Play every arm on the same seeds through one pool, each arm's rows streamed into
    `out/ARM/runs.csv`; the rows of each arm in run order. On Ctrl-C the arms played so far
    (and the finished games of the one in progress) stay on disk."""
    played: dict[str, list[Row]] = {}
    progress = Progress(len(arms) * batches.runs)
    try:
        size = max(1, min(batches.workers, batches.runs))
        with open_pool(
            batches.scheduler, size, connect_timeout=batches.connect_timeout, tls=batches.tls
        ) as pool:
            for arm in arms:
                knobs = dict(arm.knobs)
                arm_scenario = scenario.with_knobs(knobs) if knobs else scenario
                runs_file = RunsFile(out / arm.name / "runs.csv", columns(arm_scenario))
                with runs_file:

                    def finished(row: Row, into: RunsFile = runs_file) -> None:
                        into.add(row)
                        progress.step()

                    run_games(
                        batches.scenario_path,
                        batches.runs,
                        batches.seed,
                        knobs,
                        pool=pool,
                        on_row=finished,
                    )
                played[arm.name] = runs_file.in_run_order()
    finally:
        progress.close()
    return played


def knob_values(low: float, high: float, step: float, integer: bool) -> list[KnobValue]:
    """The values of a sweep from `low` to `high` (inclusive, within a rounding) by `step`."""
    count = int(np.floor((high - low) / step + 1e-9)) + 1
    values = [low + k * step for k in range(count)]
    if integer:
        return [round(v) for v in values]
    return [round(v, 9) for v in values]


def value_label(value: KnobValue) -> str:
    return str(value).lower()


def historical_value(scenario: Scenario, outcome: Outcome) -> float | None:
    """What history gives for an outcome (1 or 0 for a share), or None when the file does not
    say."""
    spec = scenario.spec.historical
    if spec is None:
        return None
    kind, _, rest = outcome.id.partition("_")
    if outcome.id.startswith("holds_"):
        city = outcome.id.removeprefix("holds_")
        record = spec.cities.get(city)
        return None if record is None else float(record.owner in scoring_holders(scenario)[1])
    if outcome.id.startswith("wins_"):
        return float(spec.winner == outcome.id.removeprefix("wins_"))
    if outcome.id.startswith(("men_lost_", "tanks_lost_")):
        what, side = outcome.id.split("_lost_", 1)
        lost = spec.men_lost if what == "men" else spec.tanks_lost
        return float(lost[side]) if side in lost else None
    if kind == "taken":
        record = spec.cities.get(rest)
        if record is None or record.taken is None:
            return None
        return float((record.taken - scenario.spec.scenario.start).days)
    return None


def _dump(value: Estimate | None) -> dict[str, float] | None:
    return None if value is None else value.as_dict()


# --- sweep ---------------------------------------------------------------------------------------


def sweep(
    scenario: Scenario,
    knob: str,
    values: Sequence[KnobValue],
    batches: Batches,
    out: Path,
    plots: bool = True,
    command: str = "",
) -> dict[str, Any]:
    """Play one arm per value of `knob` and write `sweep.json`, `plot_sweep.png` and the report."""
    played = play_arms(scenario, sweep_arms(knob, values), batches, out)
    return write_sweep(
        scenario, knob, values, batches.runs, batches.seed, played, out, plots, command
    )


def sweep_arms(knob: str, values: Sequence[KnobValue]) -> list[Arm]:
    """The arms of a sweep, one per value, in order."""
    return [Arm(f"{knob}={value_label(v)}", ((knob, v),)) for v in values]


def write_sweep(
    scenario: Scenario,
    knob: str,
    values: Sequence[KnobValue],
    runs: int,
    seed: int,
    played: Mapping[str, Sequence[RowLike]],
    out: Path,
    plots: bool = True,
    command: str = "",
) -> dict[str, Any]:
    """From each arm's games (as played, or read back from `ARM/runs.csv`): `sweep.json`, the
    plot and the report under `out`; returns what `sweep.json` holds."""
    arms = sweep_arms(knob, values)
    outcomes = main_outcomes(scenario)
    points: list[dict[str, Any]] = []
    for arm, value in zip(arms, values, strict=True):
        rows = played[arm.name]
        points.append(
            {
                "value": value,
                "runs_csv": f"{arm.name}/runs.csv",
                "games": len(rows),
                "outcomes": {o.id: _dump(estimate(o, rows, arm.name)) for o in outcomes},
            }
        )
    default = scenario.spec.knobs[knob].default
    result: dict[str, Any] = {
        "scenario": scenario.id,
        "knob": knob,
        "default": default,
        "runs": runs,
        "seed": seed,
        "points": points,
        "historical": {o.id: historical_value(scenario, o) for o in outcomes},
        "sentences": sweep_sentences(scenario, knob, values, outcomes, played, arms),
    }
    written: list[Path] = []
    if plots:
        written.append(
            _save(sweep_figure(scenario, knob, result, outcomes), out / "plot_sweep.png")
        )
    result["plots"] = [str(p.relative_to(out)) for p in written]
    write_atomic(out / "sweep.json", json.dumps(result, indent=2) + "\n")
    from game.sim.report import Report, write_report

    table = [["outcome", *(value_label(v) for v in values)]]
    for o in outcomes:
        table.append([o.id, *(_cell(o, p["outcomes"][o.id]) for p in points)])
    write_report(
        out,
        Report(
            title=f"Sweep of {knob}: {scenario.title}",
            scenario=scenario,
            command=command or f"sweep {scenario.id} {knob}",
            runs=runs,
            seeds=f"{seed}-{seed + runs - 1}, the same at every value",
            knobs={knob: ", ".join(value_label(v) for v in values)},
            sentences=result["sentences"],
            table=table,
            plots=result["plots"],
            runs_files=[p["runs_csv"] for p in points],
        ),
    )
    return result


def _cell(outcome: Outcome, value: dict[str, float] | None) -> str:
    if value is None:
        return "-"
    if outcome.kind == "share":
        return f"{100 * value['value']:.0f} % ({100 * value['low']:.0f}-{100 * value['high']:.0f})"
    return f"{value['value']:,.0f} ({value['low']:,.0f}-{value['high']:,.0f})"


def sweep_sentences(
    scenario: Scenario,
    knob: str,
    values: Sequence[KnobValue],
    outcomes: Sequence[Outcome],
    played: Mapping[str, Sequence[RowLike]],
    arms: Sequence[Arm],
) -> list[str]:
    """Per main outcome, the change from the sweep's first value to its last (paired), in words."""
    from game.sim.headlines import change_text, value_text

    if len(arms) < 2:
        return []
    first, last = played[arms[0].name], played[arms[-1].name]
    out = []
    for outcome in outcomes:
        delta = change(outcome, first, last)
        a = value_text(outcome, estimate(outcome, first, arms[0].name), scenario)
        b = value_text(outcome, estimate(outcome, last, arms[-1].name), scenario)
        what = f"{outcome.text}" if outcome.kind == "share" else f"{outcome.text} (median)"
        head = (
            f"From {knob}={value_label(values[0])} to {value_label(values[-1])}, {what}: {a} -> {b}"
        )
        if delta is None:
            out.append(f"{head}.")
        elif delta.clear:
            out.append(f"{head}, a change of {change_text(outcome, delta)}.")
        else:
            out.append(f"{head}: no clear difference ({change_text(outcome, delta)}).")
    return out


def sweep_figure(
    scenario: Scenario, knob: str, result: dict[str, Any], outcomes: Sequence[Outcome]
) -> Figure:
    """Each main outcome against the knob: dots with 95 % bars, history as a dashed line, the
    historical setting of the knob as a dotted one."""
    from game.sim.plots import HISTORY, _figure

    runs, seed = result["runs"], result["seed"]
    figure = _figure(
        f"{knob} — {scenario.title}",
        f"{runs} games per value on game seeds {seed}-{seed + runs - 1} (the same at every value)\n"
        "dots: share (Wilson 95 %) or median (bootstrap 95 %); dashed: history; "
        "dotted: the knob's historical setting",
    )
    across = 4
    grid = figure.add_gridspec(-(-len(outcomes) // across), across)
    xs = [float(p["value"]) for p in result["points"]]
    for k, outcome in enumerate(outcomes):
        axes = figure.add_subplot(grid[k // across, k % across])
        scale = 100.0 if outcome.kind == "share" else 1.0
        shown = [
            (x, p["outcomes"][outcome.id])
            for x, p in zip(xs, result["points"], strict=True)
            if p["outcomes"][outcome.id] is not None
        ]
        if shown:
            mid = np.array([scale * v["value"] for _, v in shown])
            low = np.array([scale * v["low"] for _, v in shown])
            high = np.array([scale * v["high"] for _, v in shown])
            axes.errorbar(
                [x for x, _ in shown],
                mid,
                yerr=[mid - low, high - mid],
                fmt="o-",
                color="tab:blue",
                capsize=3,
                markersize=4,
            )
        history = result["historical"].get(outcome.id)
        if history is not None:
            axes.axhline(scale * history, color=HISTORY, linestyle="--", linewidth=1.2)
        axes.axvline(float(result["default"]), color="grey", linestyle=":", linewidth=1)
        if outcome.kind == "share":
            axes.set_ylim(-3, 103)
            axes.yaxis.set_major_formatter(PercentFormatter(100))
        if outcome.kind == "date":
            axes.set_ylabel("days from the start", fontsize=7)
        axes.set_title(outcome.text, fontsize=8)
        axes.tick_params(labelsize=7)
        axes.set_xlabel(knob, fontsize=7)
    return figure


def _save(figure: Figure, path: Path) -> Path:
    from game.sim.plots import _save as save

    return save(figure, path)


# --- sensitivity ---------------------------------------------------------------------------------


def knob_ends(scenario: Scenario) -> list[tuple[str, KnobValue, KnobValue]]:
    """Every knob with the low and the high end of its range (false, true for a switch)."""
    ends: list[tuple[str, KnobValue, KnobValue]] = []
    for name, knob in scenario.spec.knobs.items():
        if knob.type == "bool":
            ends.append((name, False, True))
        elif knob.min is not None and knob.max is not None:
            cast: Callable[[float], KnobValue] = int if knob.type == "int" else float
            ends.append((name, cast(knob.min), cast(knob.max)))
    return ends


def sensitivity_outcomes(scenario: Scenario) -> list[Outcome]:
    """The outcomes a tornado chart is drawn for: who holds the key city, whether the scoring
    team wins, and each side's men lost."""
    scoring_team = scenario.spec.victory.scoring_side
    table = scenario.side_table
    team_id = table.team_ids[table.team_of_name(scoring_team)]
    keep = []
    for outcome in main_outcomes(scenario):
        if outcome.id.startswith(("holds_", "men_lost_")) or outcome.id == f"wins_{team_id}":
            keep.append(outcome)
    return keep


def sensitivity(
    scenario: Scenario,
    batches: Batches,
    out: Path,
    plots: bool = True,
    command: str = "",
) -> dict[str, Any]:
    """Play the historical settings and each knob at each end; write `sensitivity.json`, a
    tornado chart per main outcome and the report."""
    played = play_arms(scenario, sensitivity_arms(scenario), batches, out)
    return write_sensitivity(scenario, batches.runs, batches.seed, played, out, plots, command)


def sensitivity_arms(scenario: Scenario) -> list[Arm]:
    """The historical settings, then each knob at each end of its range that is not its
    historical setting (that end is the baseline's games)."""
    arms = [Arm("baseline", ())]
    defaults = scenario.default_knobs()
    for name, low, high in knob_ends(scenario):
        arms += [
            Arm(f"{name}={value_label(v)}", ((name, v),))
            for v in (low, high)
            if v != defaults[name]
        ]
    return arms


def write_sensitivity(
    scenario: Scenario,
    runs: int,
    seed: int,
    games: Mapping[str, Sequence[RowLike]],
    out: Path,
    plots: bool = True,
    command: str = "",
) -> dict[str, Any]:
    """From each arm's games (as played, or read back from `ARM/runs.csv`):
    `sensitivity.json`, the tornado charts and the report under `out`."""
    ends = knob_ends(scenario)
    arms = sensitivity_arms(scenario)
    played = dict(games)
    base = played["baseline"]
    for name, low, high in ends:
        for v in (low, high):
            played.setdefault(f"{name}={value_label(v)}", base)
    outcomes = sensitivity_outcomes(scenario)
    effects: dict[str, list[dict[str, Any]]] = {}
    for outcome in outcomes:
        rows: list[dict[str, Any]] = []
        for name, low, high in ends:
            low_change = change(outcome, base, played[f"{name}={value_label(low)}"])
            high_change = change(outcome, base, played[f"{name}={value_label(high)}"])
            size = max(
                (abs(c.value) for c in (low_change, high_change) if c is not None), default=0.0
            )
            rows.append(
                {
                    "knob": name,
                    "low": low,
                    "high": high,
                    "low_change": _dump(low_change),
                    "high_change": _dump(high_change),
                    "size": round(size, 4),
                    "clear": any(c is not None and c.clear for c in (low_change, high_change)),
                }
            )
        rows.sort(key=lambda r: (-r["size"], r["knob"]))
        effects[outcome.id] = rows
    result: dict[str, Any] = {
        "scenario": scenario.id,
        "runs": runs,
        "seed": seed,
        "baseline": {o.id: _dump(estimate(o, base, "baseline")) for o in outcomes},
        "historical": {o.id: historical_value(scenario, o) for o in outcomes},
        "effects": effects,
        "sentences": sensitivity_sentences(scenario, outcomes, effects),
    }
    written: list[Path] = []
    if plots:
        for outcome in outcomes:
            figure = tornado_figure(scenario, outcome, result)
            written.append(_save(figure, out / f"plot_tornado_{outcome.id}.png"))
    result["plots"] = [str(p.relative_to(out)) for p in written]
    write_atomic(out / "sensitivity.json", json.dumps(result, indent=2) + "\n")
    from game.sim.report import Report, write_report

    table = [["outcome", "rank", "knob", "low end: change", "high end: change"]]
    for outcome in outcomes:
        for rank, row in enumerate(effects[outcome.id], start=1):
            table.append(
                [
                    outcome.id,
                    str(rank),
                    row["knob"],
                    f"{value_label(row['low'])}: {_change_cell(outcome, row['low_change'])}",
                    f"{value_label(row['high'])}: {_change_cell(outcome, row['high_change'])}",
                ]
            )
    write_report(
        out,
        Report(
            title=f"What decided it? Sensitivity of {scenario.title}",
            scenario=scenario,
            command=command or f"sensitivity {scenario.id}",
            runs=runs,
            seeds=f"{seed}-{seed + runs - 1}, the same in every arm",
            knobs={name: f"{value_label(low)} / {value_label(high)}" for name, low, high in ends},
            sentences=result["sentences"],
            table=table,
            plots=result["plots"],
            runs_files=[f"{arm.name}/runs.csv" for arm in arms],
        ),
    )
    return result


def _change_cell(outcome: Outcome, value: dict[str, float] | None) -> str:
    if value is None:
        return "-"
    scale, unit = (100.0, " pts") if outcome.kind == "share" else (1.0, "")
    return (
        f"{scale * value['value']:+,.0f}{unit} "
        f"({scale * value['low']:+,.0f} to {scale * value['high']:+,.0f})"
    )


def sensitivity_sentences(
    scenario: Scenario, outcomes: Sequence[Outcome], effects: dict[str, list[dict[str, Any]]]
) -> list[str]:
    """Per outcome, the knobs whose change is clear, largest first, or that none is."""
    out = []
    for outcome in outcomes:
        clear = [r for r in effects[outcome.id] if r["clear"]]
        if not clear:
            out.append(
                f"No knob clearly moved {_what(outcome)} at the ends of its range "
                "(every interval holds zero at this number of games)."
            )
            continue
        parts = []
        for r in clear[:3]:
            ends = [
                f"{value_label(r[end])}: {_change_cell(outcome, r[f'{end}_change'])}"
                for end in ("low", "high")
                if r[f"{end}_change"] is not None
            ]
            parts.append(f"{r['knob']} ({'; '.join(ends)})")
        out.append(f"What moved {_what(outcome)} most: " + ", then ".join(parts) + ".")
    return out


def _what(outcome: Outcome) -> str:
    return f"whether {outcome.text}" if outcome.kind == "share" else outcome.text


def tornado_figure(scenario: Scenario, outcome: Outcome, result: dict[str, Any]) -> Figure:
    """The tornado chart of one outcome: per knob, the paired change from the historical
    settings at its low end and at its high end, with 95 % bars; the largest effect on top."""
    from game.sim.plots import HISTORY, _figure

    runs, seed = result["runs"], result["seed"]
    base = result["baseline"].get(outcome.id)
    history = result["historical"].get(outcome.id)
    scale = 100.0 if outcome.kind == "share" else 1.0
    unit = " (percentage points)" if outcome.kind == "share" else ""

    def shown(value: float | None) -> str:
        if value is None:
            return "?"
        return f"{scale * value:,.0f}{' %' if outcome.kind == 'share' else ''}"

    figure = _figure(
        f"What moved it: {outcome.text} — {scenario.title}",
        f"historical settings: {shown(base['value'] if base else None)} "
        f"(history: {shown(history)}); {runs} games per arm on game seeds "
        f"{seed}-{seed + runs - 1}",
    )
    axes = figure.add_subplot()
    rows = result["effects"][outcome.id]
    positions = np.arange(len(rows), dtype=np.float64)
    for end, colour, offset in (("low", "tab:blue", -0.2), ("high", "tab:orange", 0.2)):
        xs, lows, highs, ys = [], [], [], []
        for y, row in zip(positions, rows, strict=True):
            value = row[f"{end}_change"]
            if value is None:
                continue
            xs.append(scale * value["value"])
            lows.append(scale * (value["value"] - value["low"]))
            highs.append(scale * (value["high"] - value["value"]))
            ys.append(y + offset)
        axes.barh(
            ys,
            xs,
            0.38,
            color=colour,
            xerr=[lows, highs],
            error_kw={"ecolor": "0.25", "capsize": 2, "linewidth": 1},
            label=f"knob at the {end} end of its range",
        )
    if history is not None and base is not None:
        gap = scale * (history - base["value"])
        axes.axvline(
            gap,
            color=HISTORY,
            linestyle="--",
            linewidth=1.2,
            label="history minus the historical settings' games",
        )
    axes.axvline(0.0, color="0.3", linewidth=0.8)
    labels = [f"{r['knob']} ({value_label(r['low'])} / {value_label(r['high'])})" for r in rows]
    axes.set_yticks(positions, labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(f"change from the historical settings{unit}, paired over the same seeds")
    axes.grid(axis="x", color="0.9")
    axes.set_axisbelow(True)
    axes.legend(loc="lower right", fontsize=8)
    return figure
