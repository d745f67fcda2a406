"""What-if comparison: the same seeds played on the historical scenario and on a variant.

Both batches use the same game seeds, so the difference between them is the knob's effect plus
the dice the knob changes, not a different draw of games. The report gives, for each headline
figure, the baseline, the variant and the change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from game.scenario.model import KnobValue, Scenario
from game.sim.runner import Row, run_games
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


def explore(
    scenario: Scenario,
    scenario_path: Path,
    knobs: dict[str, KnobValue],
    runs: int,
    seed: int,
    out: Path,
    workers: int = 1,
) -> dict[str, Any]:
    """Play baseline and variant, write both batches and `comparison.json` under `out`."""
    results: dict[str, tuple[Scenario, list[Row], dict[str, KnobValue]]] = {}
    for name, values in (("baseline", {}), ("variant", knobs)):
        variant = scenario.with_knobs(values) if values else scenario
        rows = run_games(scenario_path, runs, seed, values, workers=workers)
        write_runs_csv(out / name / "runs.csv", variant, rows)
        summary = summarise(variant, rows, values)
        write_summary(out / name / "summary.json", summary)
        results[name] = (variant, rows, values)
    baseline = summarise(results["baseline"][0], results["baseline"][1])
    changed = summarise(results["variant"][0], results["variant"][1], knobs)
    report = {"knobs": dict(knobs), "runs": runs, "seed": seed, **compare(baseline, changed)}
    write_summary(out / "comparison.json", report)
    return report
