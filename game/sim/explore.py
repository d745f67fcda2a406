"""What-if comparison: the same seeds played on the historical scenario and on a variant.

Both batches use the same game seeds, so the difference between them is the knob's effect plus
the dice the knob changes, not a different draw of games. The report gives, for each headline
figure, the baseline, the variant and the change; the plots show the two distributions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from game.scenario.model import KnobValue, Scenario
from game.sim.runner import LOCAL, Row, open_pool, run_games
from game.sim.summary import summarise, write_runs_csv, write_summary


def compare(baseline: dict[str, Any], variant: dict[str, Any]) -> dict[str, Any]:
    """Headline figures of two summaries side by side, with the change."""

    def pair(a: float | None, b: float | None) -> dict[str, float | None]:
        change = None if a is None or b is None else round(b - a, 4)
        return {"baseline": a, "variant": b, "change": change}

    out: dict[str, Any] = {"winner": {}, "losses": {}, "cities": {}}
    for side in sorted(set(baseline["winner"]) | set(variant["winner"])):
        out["winner"][side] = pair(
            baseline["winner"].get(side, 0.0), variant["winner"].get(side, 0.0)
        )
    out["victory_points"] = pair(
        baseline.get("victory_points", {}).get("median"),
        variant.get("victory_points", {}).get("median"),
    )
    for key in (
        "men_lost_axis",
        "men_lost_soviet",
        "tanks_lost_axis",
        "tanks_lost_soviet",
        "men_lost_ratio_soviet_to_axis",
        "turns",
    ):
        out["losses"][key] = pair(baseline[key].get("median"), variant[key].get("median"))
    for city, data in baseline["cities"].items():
        other = variant["cities"].get(city, {})
        out["cities"][city] = {
            "axis_at_end": pair(
                data["owner"].get("axis", 0.0), other.get("owner", {}).get("axis", 0.0)
            ),
            "median_taken": {
                "baseline": data["median_taken"],
                "variant": other.get("median_taken"),
            },
        }
    return out


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
) -> dict[str, Any]:
    """Play baseline and variant, write both batches, `comparison.json` and the plots under `out`.

    One pool serves both batches, so a Dask cluster starts once and each worker keeps both
    scenarios loaded. The report lists the plot files written (`plots`, relative to `out`).
    """
    arms: dict[str, tuple[Scenario, list[Row], dict[str, Any]]] = {}
    with open_pool(scheduler, workers) as pool:
        for name, values in (("baseline", {}), ("variant", knobs)):
            arm_scenario = scenario.with_knobs(values) if values else scenario
            rows = run_games(scenario_path, runs, seed, values, pool=pool)
            write_runs_csv(out / name / "runs.csv", arm_scenario, rows)
            summary = summarise(arm_scenario, rows, values)
            write_summary(out / name / "summary.json", summary)
            arms[name] = (arm_scenario, rows, summary)
    report = {
        "knobs": dict(knobs),
        "runs": runs,
        "seed": seed,
        **compare(arms["baseline"][2], arms["variant"][2]),
    }
    written: list[Path] = []
    if plots:
        from game.sim.plots import Arm, write_plots

        last = seed + runs - 1
        written = write_plots(
            out,
            scenario,
            [
                Arm("baseline", arms["baseline"][1]),
                Arm(f"variant ({knob_text(knobs)})", arms["variant"][1]),
            ],
            f"baseline against {knob_text(knobs)}: {runs} games each on game seeds {seed}-{last}",
        )
    report["plots"] = [str(path.relative_to(out)) for path in written]
    write_summary(out / "comparison.json", report)
    return report
