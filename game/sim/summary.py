"""Outcome tables: `runs.csv` rows aggregated into `summary.json`, beside the historical outcome.

The columns are the scenario's (`reporters.scenario_columns`), and each is aggregated by what it
holds: per numeric column (victory points, losses per side, advances, declared measures) mean,
median, 10th and 90th percentiles; per city, the share of games each side holds it at the end,
the share in which it changed hands at least once, and the median date it last changed hands
(over the games where it did). Loss ratios pair the scoring team with each team it fights
(`men_lost_ratio_<enemy team>_to_<scoring team>`, men lost by the enemy team per man lost by the
scoring team), taken game by game before their median, so one lopsided game does not dominate.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from game.files import write_atomic
from game.rules.victory import scoring_team
from game.scenario.model import Scenario
from game.sim.reporters import Row, losses_column, written_columns
from game.sim.stream import csv_text


def columns(scenario: Scenario) -> list[str]:
    """The header of the scenario's `runs.csv`."""
    return [c.column for c in written_columns(scenario)]


def write_runs_csv(path: Path, scenario: Scenario, rows: list[Row]) -> None:
    """The whole file at once, atomically (`stream.RunsFile` writes one as games finish)."""
    write_atomic(path, csv_text(columns(scenario), rows))


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


def _numbers(rows: Sequence[Mapping[str, Any]], column: str) -> list[float]:
    """The column's values as numbers, blanks (and rows without it) left out."""
    return [float(r[column]) for r in rows if r.get(column) not in (None, "")]


def summarise(
    scenario: Scenario, rows: list[Row], knobs: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The aggregate of a batch, with the scenario's historical outcome beside it."""
    n = len(rows)
    winners = Counter(str(r["winner"]) for r in rows)
    levels = Counter(f"{r['winner']} {r['victory_level']}" for r in rows)
    summary: dict[str, Any] = {
        "scenario": scenario.id,
        "runs": n,
        "knobs": dict(knobs or {}),
        "winner": {k: round(v / n, 4) for k, v in sorted(winners.items())} if n else {},
        "result": {k: round(v / n, 4) for k, v in sorted(levels.items())} if n else {},
    }
    written = written_columns(scenario)
    for column in written:
        if column.kind == "number":
            summary[column.column] = _stats(_numbers(rows, column.column))
    for name, ratios in loss_ratios(scenario, rows).items():
        summary[name] = _stats(ratios)
    summary["measures"] = {m.id: m.description for m in scenario.spec.measures}
    summary["cities"] = {}
    for city in dict.fromkeys(c.city for c in written if c.kind == "owner"):
        owners = Counter(str(r[f"owner_{city}"]) for r in rows)
        dates = [dt.date.fromisoformat(str(r[f"taken_{city}"])) for r in rows if r[f"taken_{city}"]]
        summary["cities"][city] = {
            "owner": {k: round(v / n, 4) for k, v in sorted(owners.items())} if n else {},
            "changed_hands": round(len(dates) / n, 4) if n else 0.0,
            "median_taken": median_date(dates),
        }
    summary["historical"] = historical(scenario)
    if n:
        from game.sim.headlines import describe

        summary["headlines"] = describe(scenario, rows)
    return summary


def _team_pairs(scenario: Scenario) -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    """(ratio name, enemy sides, scoring sides) for each team the scoring team fights."""
    table = scenario.side_table
    scoring = scoring_team(scenario)
    return [
        (
            f"men_lost_ratio_{table.team_ids[other]}_to_{table.team_ids[scoring]}",
            table.members(other),
            table.members(scoring),
        )
        for other in range(len(table.team_ids))
        if other != scoring
    ]


def loss_ratios(scenario: Scenario, rows: Sequence[Mapping[str, Any]]) -> dict[str, list[float]]:
    """Per enemy team of the scoring team, each game's men lost by that team per man lost by the
    scoring team (games where the scoring team lost nobody are left out)."""

    def team_men(row: Mapping[str, Any], sides: tuple[int, ...]) -> float:
        return sum(float(row[losses_column("men", scenario.side_id(s))]) for s in sides)

    out: dict[str, list[float]] = {}
    for name, enemy, scoring in _team_pairs(scenario):
        out[name] = [
            team_men(r, enemy) / team_men(r, scoring) for r in rows if team_men(r, scoring) > 0
        ]
    return out


def ratio_of(scenario: Scenario, row: Mapping[str, Any], name: str) -> float | None:
    """One game's loss ratio `name` (see `loss_ratios`), or None when the scoring team lost
    nobody or there is no such ratio."""
    for ratio, enemy, scoring in _team_pairs(scenario):
        if ratio == name:
            lost = sum(float(row[losses_column("men", scenario.side_id(s))]) for s in scoring)
            if lost <= 0:
                return None
            return sum(float(row[losses_column("men", scenario.side_id(s))]) for s in enemy) / lost
    return None


def historical(scenario: Scenario) -> dict[str, Any] | None:
    spec = scenario.spec.historical
    if spec is None:
        return None
    men = spec.men_lost
    outcome: dict[str, Any] = {
        "winner": spec.winner,
        "level": spec.level,
        "men_lost": dict(spec.men_lost),
        "tanks_lost": dict(spec.tanks_lost),
    }
    for name, enemy, scoring in _team_pairs(scenario):
        enemy_ids = [scenario.side_id(s) for s in enemy]
        scoring_ids = [scenario.side_id(s) for s in scoring]
        known = all(side in men for side in enemy_ids + scoring_ids)
        lost = sum(men[s] for s in scoring_ids) if known else 0
        ratio = sum(men[s] for s in enemy_ids) / lost if lost else None
        outcome[name] = round(ratio, 3) if ratio else None
    outcome["cities"] = {
        city: {"owner": c.owner, "taken": c.taken.isoformat() if c.taken else None}
        for city, c in spec.cities.items()
    }
    return outcome


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(summary, indent=2, sort_keys=False) + "\n")
