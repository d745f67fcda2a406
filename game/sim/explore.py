"""What-if comparison: the same seeds played on the historical scenario and on a variant.

Both batches use the same game seeds, so the difference between them is the knob's effect plus
the dice the knob changes, not a different draw of games. The report gives, for each headline
figure, the baseline, the variant and the change; the plots show the two distributions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from game.scenario.model import KnobValue, Scenario
from game.sim.headlines import RowLike, bootstrap_rng, paired
from game.sim.headlines import compare as compare_headlines
from game.sim.runner import LOCAL, Row, Tls, open_pool, run_games
from game.sim.stats import (
    Estimate,
    bootstrap_median,
    paired_median_difference,
    paired_share_difference,
    wilson,
)
from game.sim.stream import Progress, RunsFile
from game.sim.summary import columns, summarise, write_summary


def compare(baseline: dict[str, Any], variant: dict[str, Any]) -> dict[str, Any]:
    """Headline figures of two summaries side by side, with the change: who won, the scoring
    team's points, the median of every numeric column (losses and turns under "losses", advances
    and declared measures under "measures"), and per city who held it at the end and when it
    last changed hands."""

    def pair(a: float | None, b: float | None) -> dict[str, float | None]:
        change = None if a is None or b is None else round(b - a, 4)
        return {"baseline": a, "variant": b, "change": change}

    out: dict[str, Any] = {"winner": {}, "losses": {}, "measures": {}, "cities": {}}
    for team in sorted(set(baseline["winner"]) | set(variant["winner"])):
        out["winner"][team] = pair(
            baseline["winner"].get(team, 0.0), variant["winner"].get(team, 0.0)
        )
    out["victory_points"] = pair(
        baseline.get("victory_points", {}).get("median"),
        variant.get("victory_points", {}).get("median"),
    )
    for key in dict.fromkeys([*_numeric(baseline), *_numeric(variant)]):
        if key == "victory_points":
            continue
        section = "losses" if key == "turns" or key.startswith(LOSS_PREFIXES) else "measures"
        out[section][key] = pair(
            baseline.get(key, {}).get("median"), variant.get(key, {}).get("median")
        )
    for city, data in baseline["cities"].items():
        other = variant["cities"].get(city, {})
        owners = sorted(set(data["owner"]) | set(other.get("owner", {})))
        out["cities"][city] = {
            "held_at_end": {
                owner: pair(data["owner"].get(owner, 0.0), other.get("owner", {}).get(owner, 0.0))
                for owner in owners
            },
            "median_taken": {
                "baseline": data["median_taken"],
                "variant": other.get("median_taken"),
            },
        }
    return out


LOSS_PREFIXES = ("men_lost_", "tanks_lost_")  # losses per side and the ratios between teams


def add_intervals(
    report: dict[str, Any],
    scenario: Scenario,
    baseline: Sequence[RowLike],
    variant: Sequence[RowLike],
) -> None:
    """Put a 95 % interval beside every figure of a `compare` report, from the games themselves:
    `baseline_95`, `variant_95` and `change_95` as [low, high] (Wilson for shares, bootstrap for
    medians and dates, paired over the common seeds for the change; see `stats`)."""
    first, second = paired(baseline, variant)

    def share_pair(into: dict[str, Any], hit: Callable[[RowLike], bool], name: str) -> None:
        for arm, rows in (("baseline", baseline), ("variant", variant)):
            if rows:
                into[f"{arm}_95"] = _ends(wilson(sum(1 for r in rows if hit(r)), len(rows)))
        if first:
            delta = paired_share_difference([hit(r) for r in first], [hit(r) for r in second])
            into["change_95"] = _ends(delta)

    def number_pair(
        into: dict[str, Any], read: Callable[[RowLike], float | None], name: str
    ) -> None:
        for arm, rows in (("baseline", baseline), ("variant", variant)):
            values = [v for v in map(read, rows) if v is not None]
            if values:
                into[f"{arm}_95"] = _ends(bootstrap_median(values, bootstrap_rng(name, arm)), 3)
        both = [(read(a), read(b)) for a, b in zip(first, second, strict=True)]
        kept = [(a, b) for a, b in both if a is not None and b is not None]
        if kept:
            rng = bootstrap_rng(name, "change")
            delta = paired_median_difference([a for a, _ in kept], [b for _, b in kept], rng)
            into["change_95"] = _ends(delta, 3)

    for team, into in report["winner"].items():
        share_pair(into, _equals("winner", team), f"winner {team}")
    for section in ("losses", "measures"):
        for key, into in report[section].items():
            number_pair(into, _reader(key, scenario), key)
    number_pair(report["victory_points"], _reader("victory_points", scenario), "victory_points")
    start = scenario.spec.scenario.start
    for city, data in report["cities"].items():
        for owner, into in data["held_at_end"].items():
            share_pair(into, _equals(f"owner_{city}", owner), city)
        for arm, rows in (("baseline", baseline), ("variant", variant)):
            days = [_day(r.get(f"taken_{city}"), start) for r in rows]
            known = [d for d in days if d is not None]
            if known:
                middle = bootstrap_median(known, bootstrap_rng("taken", city, arm))
                data["median_taken"][f"{arm}_95"] = [
                    (start + dt.timedelta(days=round(x))).isoformat()
                    for x in (middle.low, middle.high)
                ]


def _equals(column: str, value: str) -> Callable[[RowLike], bool]:
    return lambda row: str(row[column]) == value


def _ends(value: Estimate, digits: int = 4) -> list[float]:
    return [round(value.low, digits), round(value.high, digits)]


def _day(value: Any, start: dt.date) -> float | None:
    return None if not value else float((dt.date.fromisoformat(str(value)) - start).days)


def _reader(key: str, scenario: Scenario) -> Callable[[RowLike], float | None]:
    """A numeric column of a row, or a loss ratio computed game by game (as `summary` does)."""
    if key.startswith("men_lost_ratio_"):
        from game.sim.summary import ratio_of

        return lambda row: ratio_of(scenario, row, key)

    def read(row: RowLike) -> float | None:
        value = row.get(key)
        return None if value in (None, "") else float(value)

    return read


def _numeric(summary: dict[str, Any]) -> list[str]:
    """The keys of a summary that hold a numeric column's statistics, in the summary's order."""
    return [key for key, value in summary.items() if isinstance(value, dict) and "median" in value]


def knob_text(knobs: dict[str, KnobValue]) -> str:
    """`name=value` pairs as typed on the command line, for labels."""
    return ", ".join(f"{name}={str(value).lower()}" for name, value in knobs.items())


def explore(
    scenario: Scenario,
    scenario_path: Path,
    knobs: dict[str, KnobValue],
    runs: int,
    seed: int,
    out: Path,
    workers: int = 1,
    scheduler: str = LOCAL,
    plots: bool = True,
    connect_timeout: float | None = None,
    tls: Tls | None = None,
    command: str = "",
) -> dict[str, Any]:
    """Play baseline and variant, write both batches, `comparison.json` and the plots under `out`.

    One pool serves both batches, so a Dask cluster starts once and each worker keeps both
    scenarios loaded. The report lists the plot files written (`plots`, relative to `out`).
    """
    arms: dict[str, tuple[Scenario, list[Row], dict[str, Any]]] = {}
    progress = Progress(2 * runs)
    try:
        size = max(1, min(workers, runs))
        with open_pool(scheduler, size, connect_timeout=connect_timeout, tls=tls) as pool:
            for name, values in (("baseline", {}), ("variant", knobs)):
                arm_scenario = scenario.with_knobs(values) if values else scenario
                runs_file = RunsFile(out / name / "runs.csv", columns(arm_scenario))
                try:
                    with runs_file:

                        def finished(row: Row, into: RunsFile = runs_file) -> None:
                            into.add(row)
                            progress.step()

                        run_games(scenario_path, runs, seed, values, pool=pool, on_row=finished)
                finally:  # finished rows are summed up even when the batch is stopped
                    rows = runs_file.in_run_order()
                    summary = summarise(arm_scenario, rows, values)
                    write_summary(out / name / "summary.json", summary)
                arms[name] = (arm_scenario, rows, summary)
    finally:
        progress.close()
    return write_comparison(
        scenario,
        knobs,
        runs,
        seed,
        arms["baseline"][1],
        arms["variant"][1],
        out,
        plots=plots,
        command=command,
        summaries={name: arm[2] for name, arm in arms.items()},
    )


def write_comparison(
    scenario: Scenario,
    knobs: dict[str, KnobValue],
    runs: int,
    seed: int,
    baseline: Sequence[RowLike],
    variant: Sequence[RowLike],
    out: Path,
    plots: bool = True,
    command: str = "",
    summaries: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """From the games of both arms (as played, or as read back from their `runs.csv` files):
    `comparison.json`, the plots and the report under `out`; returns the comparison.
    `summaries`: each arm's `summary.json`, when the caller has them."""
    if summaries is None:
        summaries = {
            name: summarise(scenario.with_knobs(values) if values else scenario, rows, values)
            for name, rows, values in (
                ("baseline", [dict(r) for r in baseline], {}),
                ("variant", [dict(r) for r in variant], knobs),
            )
        }
    report = {
        "knobs": dict(knobs),
        "runs": runs,
        "seed": seed,
        **compare(summaries["baseline"], summaries["variant"]),
    }
    add_intervals(report, scenario, baseline, variant)
    report["headlines"] = compare_headlines(
        scenario, baseline, variant, f"with {knob_text(knobs)}"
    )
    written: list[Path] = []
    if plots:
        from game.sim.plots import Arm, write_plots

        last = seed + runs - 1
        written = write_plots(
            out,
            scenario,
            [Arm("baseline", baseline), Arm(f"variant ({knob_text(knobs)})", variant)],
            f"baseline against {knob_text(knobs)}: {runs} games each on game seeds {seed}-{last}",
        )
    report["plots"] = [str(path.relative_to(out)) for path in written]
    write_summary(out / "comparison.json", report)
    from game.sim.report import Report, headline_table, write_report

    write_report(
        out,
        Report(
            title=f"What if {knob_text(knobs)}? {scenario.title}",
            scenario=scenario,
            command=command or f"explore {scenario.id} {knob_text(knobs)}",
            runs=runs,
            seeds=f"{seed}-{seed + runs - 1}, the same in both arms",
            knobs=dict(knobs),
            sentences=[h["sentence"] for h in report["headlines"]],
            table=headline_table(report["headlines"], ["baseline", "variant"]),
            plots=report["plots"],
            runs_files=["baseline/runs.csv", "variant/runs.csv"],
        ),
    )
    return report
