"""Outcome tables: `runs.csv` rows aggregated into `summary.json`, beside the historical outcome.

Per numeric column (the scoring side's victory points at the end among them): mean, median, 10th
and 90th percentiles. Per city: the share of games each side holds it at the end, the share in
which it changed hands at least once, and the median date it last changed hands (over the games
where it did). Loss ratios are taken game by game (Soviet men lost / Axis men lost) before their
median, so one lopsided game does not dominate.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from game.saves import write_atomic
from game.scenario.model import Scenario
from game.sim.runner import Row, report_cities

BASE_COLUMNS = (
    "run",
    "seed",
    "winner",
    "victory_level",
    "victory_points",
    "turns",
    "men_lost_axis",
    "men_lost_soviet",
    "tanks_lost_axis",
    "tanks_lost_soviet",
)


def columns(scenario: Scenario) -> list[str]:
    cols = list(BASE_COLUMNS)
    for city in report_cities(scenario):
        cols += [f"owner_{city}", f"taken_{city}"]
    return cols


def write_runs_csv(path: Path, scenario: Scenario, rows: list[Row]) -> None:
    cols = columns(scenario)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def read_runs_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    array = np.array(values, dtype=np.float64)
    return {
        "mean": round(float(array.mean()), 3),
        "median": round(float(np.median(array)), 3),
        "p10": round(float(np.percentile(array, 10)), 3),
        "p90": round(float(np.percentile(array, 90)), 3),
    }


def median_date(dates: list[dt.date]) -> str | None:
    """The median of dates (the lower middle one for an even count), ISO, or None."""
    if not dates:
        return None
    ordered = sorted(dates)
    return ordered[(len(ordered) - 1) // 2].isoformat()


def summarise(
    scenario: Scenario, rows: list[Row], knobs: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The aggregate of a batch, with the scenario's historical outcome beside it."""
    n = len(rows)
    winners = Counter(str(r["winner"]) for r in rows)
    levels = Counter(f"{r['winner']} {r['victory_level']}" for r in rows)
    ratios = [
        float(r["men_lost_soviet"]) / float(r["men_lost_axis"])
        for r in rows
        if float(r["men_lost_axis"]) > 0
    ]
    summary: dict[str, Any] = {
        "scenario": scenario.id,
        "runs": n,
        "knobs": dict(knobs or {}),
        "winner": {k: round(v / n, 4) for k, v in sorted(winners.items())} if n else {},
        "result": {k: round(v / n, 4) for k, v in sorted(levels.items())} if n else {},
        "victory_points": _stats(
            [float(r["victory_points"]) for r in rows if r.get("victory_points") not in (None, "")]
        ),
        "turns": _stats([float(r["turns"]) for r in rows]),
        "men_lost_axis": _stats([float(r["men_lost_axis"]) for r in rows]),
        "men_lost_soviet": _stats([float(r["men_lost_soviet"]) for r in rows]),
        "tanks_lost_axis": _stats([float(r["tanks_lost_axis"]) for r in rows]),
        "tanks_lost_soviet": _stats([float(r["tanks_lost_soviet"]) for r in rows]),
        "men_lost_ratio_soviet_to_axis": _stats(ratios),
        "cities": {},
    }
    for city in report_cities(scenario):
        owners = Counter(str(r[f"owner_{city}"]) for r in rows)
        dates = [dt.date.fromisoformat(str(r[f"taken_{city}"])) for r in rows if r[f"taken_{city}"]]
        summary["cities"][city] = {
            "owner": {k: round(v / n, 4) for k, v in sorted(owners.items())} if n else {},
            "changed_hands": round(len(dates) / n, 4) if n else 0.0,
            "median_taken": median_date(dates),
        }
    summary["historical"] = historical(scenario)
    return summary


def historical(scenario: Scenario) -> dict[str, Any] | None:
    spec = scenario.spec.historical
    if spec is None:
        return None
    men = spec.men_lost
    ratio = men["soviet"] / men["axis"] if men.get("axis") and men.get("soviet") else None
    return {
        "winner": spec.winner,
        "level": spec.level,
        "men_lost": dict(spec.men_lost),
        "tanks_lost": dict(spec.tanks_lost),
        "men_lost_ratio_soviet_to_axis": round(ratio, 3) if ratio else None,
        "cities": {
            city: {"owner": c.owner, "taken": c.taken.isoformat() if c.taken else None}
            for city, c in spec.cities.items()
        },
    }


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(summary, indent=2, sort_keys=False) + "\n")
