"""The main outcomes of a batch with their intervals, and sentences that say them plainly.

The main outcomes are the same for every scenario, read from its file: each team's share of wins,
the share of games the scoring team holds the key city (the objective worth most) at the end,
each side's men and tanks lost (medians), and the date the key city last changed hands (median,
over the games in which it did). `describe` gives one batch; `compare` gives a baseline against a
variant played on the same seeds, with the paired change and a sentence per outcome that says
"no clear difference" when the change's interval holds zero.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from game.scenario.model import Scenario
from game.sim.reporters import losses_column, report_cities
from game.sim.stats import (
    Estimate,
    bootstrap_median,
    median_difference,
    paired_median_difference,
    paired_share_difference,
    points_text,
    share_difference,
    share_text,
    wilson,
)

RowLike = Mapping[str, Any]
Kind = Literal["share", "number", "date"]


@dataclass(frozen=True)
class Outcome:
    """One main outcome: an id (for files), what it says (`text`, a phrase that follows "in how
    many games ..." for a share), and its value in a row (None: the row has none)."""

    id: str
    kind: Kind
    text: str
    value: Callable[[RowLike], float | None]


def key_city(scenario: Scenario) -> str | None:
    """The objective city worth the most victory points (ties by id), or None."""
    best: tuple[int, str] | None = None
    for city in report_cities(scenario):
        place = scenario.map.city_by_id(city)
        points = int(scenario.vp[place.hex]) if place is not None else 0
        if points > 0 and (best is None or (-points, city) < (-best[0], best[1])):
            best = (points, city)
    return None if best is None else best[1]


def city_name(scenario: Scenario, city: str) -> str:
    place = scenario.map.city_by_id(city)
    return place.name if place is not None else city


def scoring_holders(scenario: Scenario) -> tuple[str, set[str]]:
    """The scoring team's label and its sides' ids."""
    table = scenario.side_table
    team = table.team_of_name(scenario.spec.victory.scoring_side)
    return table.team_label(team), {table.ids[s] for s in table.members(team)}


def main_outcomes(scenario: Scenario) -> list[Outcome]:
    """The headline outcomes of the scenario (see the module docstring), in report order."""
    table = scenario.side_table
    out: list[Outcome] = []
    city = key_city(scenario)
    if city is not None:
        label, holders = scoring_holders(scenario)
        out.append(
            Outcome(
                f"holds_{city}",
                "share",
                f"the {label} side holds {city_name(scenario, city)} at the end",
                _holds(city, frozenset(holders)),
            )
        )
    for team, team_id in enumerate(table.team_ids):
        out.append(
            Outcome(
                f"wins_{team_id}",
                "share",
                f"the {table.team_label(team)} side wins",
                _wins(team_id),
            )
        )
    for what in ("men", "tanks"):
        for side in scenario.sides:
            column = losses_column(what, scenario.side_id(side))
            out.append(
                Outcome(column, "number", f"{table.label(side)} {what} lost", _number(column))
            )
    if city is not None:
        start = scenario.spec.scenario.start
        out.append(
            Outcome(
                f"taken_{city}",
                "date",
                f"the date {city_name(scenario, city)} last changed hands",
                _taken(city, start),
            )
        )
    return out


def _holds(city: str, holders: frozenset[str]) -> Callable[[RowLike], float | None]:
    return lambda row: float(str(row.get(f"owner_{city}")) in holders)


def _wins(team: str) -> Callable[[RowLike], float | None]:
    return lambda row: float(str(row.get("winner")) == team)


def _taken(city: str, start: dt.date) -> Callable[[RowLike], float | None]:
    return lambda row: _days(row.get(f"taken_{city}"), start)


def _number(column: str) -> Callable[[RowLike], float | None]:
    def read(row: RowLike) -> float | None:
        value = row.get(column)
        return None if value in (None, "") else float(value)

    return read


def _days(value: Any, start: dt.date) -> float | None:
    if not value:
        return None
    return float((dt.date.fromisoformat(str(value)) - start).days)


def bootstrap_rng(*names: object) -> np.random.Generator:
    """The bootstrap's generator for one figure, seeded by what it describes: the same report
    twice has the same intervals, and no two figures share their draws."""
    key = zlib.crc32(repr(names).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([key]))


def estimate(outcome: Outcome, rows: Sequence[RowLike], *tag: object) -> Estimate | None:
    """One arm's value of an outcome with its interval; None when no game has a value."""
    values = [v for v in (outcome.value(r) for r in rows) if v is not None]
    if not values:
        return None
    if outcome.kind == "share":
        return wilson(int(sum(values)), len(values))
    return bootstrap_median(values, bootstrap_rng(outcome.id, *tag))


def paired(
    baseline: Sequence[RowLike], variant: Sequence[RowLike]
) -> tuple[list[RowLike], list[RowLike]]:
    """The games of both arms played on the same seeds, in seed order (an interrupted arm may
    lack some)."""
    by_seed = {str(r["seed"]): r for r in variant}
    pairs = [(r, by_seed[str(r["seed"])]) for r in baseline if str(r["seed"]) in by_seed]
    pairs.sort(key=lambda pair: int(pair[0]["seed"]))
    return [a for a, _ in pairs], [b for _, b in pairs]


def change(
    outcome: Outcome, baseline: Sequence[RowLike], variant: Sequence[RowLike]
) -> Estimate | None:
    """The paired change variant - baseline of an outcome, or None (dates: only the games in
    which the city changed hands in both arms are paired)."""
    first, second = paired(baseline, variant)
    values = [(outcome.value(a), outcome.value(b)) for a, b in zip(first, second, strict=True)]
    kept = [(a, b) for a, b in values if a is not None and b is not None]
    if not kept:
        return None
    if outcome.kind == "share":
        return paired_share_difference([a > 0 for a, _ in kept], [b > 0 for _, b in kept])
    rng = bootstrap_rng(outcome.id, "change")
    return paired_median_difference([a for a, _ in kept], [b for _, b in kept], rng)


def unpaired_change(
    outcome: Outcome, baseline: Sequence[RowLike], variant: Sequence[RowLike]
) -> Estimate | None:
    """The change variant - baseline of an outcome between batches not played on the same
    seeds: every game of each batch counts, and the interval is for independent samples."""
    first = [v for v in (outcome.value(r) for r in baseline) if v is not None]
    second = [v for v in (outcome.value(r) for r in variant) if v is not None]
    if not first or not second:
        return None
    if outcome.kind == "share":
        hits_a = sum(1 for v in first if v > 0)
        hits_b = sum(1 for v in second if v > 0)
        return share_difference(hits_a, len(first), hits_b, len(second))
    return median_difference(first, second, bootstrap_rng(outcome.id, "unpaired change"))


def value_text(outcome: Outcome, value: Estimate | None, scenario: Scenario) -> str:
    """An arm's value in words: `78 % (66-87 %)`, `23,400 (21,000-26,100)`, `12 Mar (9-15 Mar)`."""
    if value is None:
        return "none (it never did)" if outcome.kind == "date" else "no games"
    if outcome.kind == "share":
        return share_text(value)
    if outcome.kind == "date":
        start = scenario.spec.scenario.start

        def day(x: float) -> str:
            return f"{(start + dt.timedelta(days=round(x))):%d %b}".lstrip("0")

        return f"{day(value.value)} ({day(value.low)} to {day(value.high)})"
    return f"{value.value:,.0f} ({value.low:,.0f}-{value.high:,.0f})"


def change_text(outcome: Outcome, value: Estimate) -> str:
    if outcome.kind == "share":
        return points_text(value)
    unit = " days" if outcome.kind == "date" else ""
    return f"{value.value:+,.0f}{unit} ({value.low:+,.0f} to {value.high:+,.0f})"


def describe(scenario: Scenario, rows: Sequence[RowLike], tag: str = "") -> list[dict[str, Any]]:
    """Each main outcome of one batch: its value and interval, and a sentence."""
    out = []
    for outcome in main_outcomes(scenario):
        value = estimate(outcome, rows, tag)
        out.append(
            {
                "outcome": outcome.id,
                "kind": outcome.kind,
                "value": None if value is None else value.as_dict(),
                "sentence": _single_sentence(outcome, value, len(rows), scenario),
            }
        )
    return out


def _single_sentence(
    outcome: Outcome, value: Estimate | None, games: int, scenario: Scenario
) -> str:
    words = value_text(outcome, value, scenario)
    if outcome.kind == "share":
        return f"In {words} of {games} games {outcome.text}."
    return f"{outcome.text.capitalize()} (median of {games} games): {words}."


def compare(
    scenario: Scenario,
    baseline: Sequence[RowLike],
    variant: Sequence[RowLike],
    setting: str,
    paired: bool = True,
) -> list[dict[str, Any]]:
    """Each main outcome in both arms with its change and a sentence (`setting` names the
    variant: "with thaw_shift_days=-10"). The change is paired over the common seeds unless
    `paired` is False (batches played on other seeds or from other positions)."""
    out = []
    for outcome in main_outcomes(scenario):
        first = estimate(outcome, baseline, "baseline")
        second = estimate(outcome, variant, "variant")
        delta = (change if paired else unpaired_change)(outcome, baseline, variant)
        out.append(
            {
                "outcome": outcome.id,
                "kind": outcome.kind,
                "baseline": None if first is None else first.as_dict(),
                "variant": None if second is None else second.as_dict(),
                "change": None if delta is None else delta.as_dict(),
                "clear": bool(delta is not None and delta.clear),
                "sentence": comparison_sentence(scenario, outcome, first, second, delta, setting),
            }
        )
    return out


def comparison_sentence(
    scenario: Scenario,
    outcome: Outcome,
    first: Estimate | None,
    second: Estimate | None,
    delta: Estimate | None,
    setting: str,
) -> str:
    """ "With thaw_shift_days=-10 the Axis side holds Kharkov at the end in 3 % of games (0-11 %)
    instead of 78 % (66-87 %): -75 points (-88 to -60)." and "... : no clear difference"."""
    before = value_text(outcome, first, scenario)
    after = value_text(outcome, second, scenario)
    if outcome.kind == "share":
        head = f"{setting.capitalize()} {outcome.text} in {after.replace(' (', ' of games (', 1)} instead of {before}"
    else:
        head = f"{setting.capitalize()}, {outcome.text} (median) is {after} instead of {before}"
    if delta is None:
        return f"{head}."
    if not delta.clear:
        return f"{head}: no clear difference ({change_text(outcome, delta)})."
    return f"{head}: {change_text(outcome, delta)}."
