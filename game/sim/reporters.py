"""The columns of `runs.csv`: reporters read off a finished game, observers sampled while it plays.

As in Mesa's `batch_run`, a column is a name and a function: a `Reporter` is a function of the
finished game (its true state and its event log), an `Observer` a quantity sampled at the start
and after every side's turn, reduced to one value at the end. `scenario_columns` lists the
built-in ones for the scenario's own sides and cities, then the measures its file declares, so a
new scenario adds columns without code:

    run, seed, winner (team id or "draw"), victory_level, victory_points, turns,
    men_lost_<side> and tanks_lost_<side> for every side,
    owner_<city> (side id or "none") and taken_<city> (the date it last changed hands, or blank)
    for every reported city (`report_cities`),
    advance_km_<side> for every side (`measures.ground_advance_km`),
    <measure id> for every [[measures]] of the file (`schema.MeasureSpec`),
    first_taken_<city> (the date it first changed hands; in the row, not in runs.csv, and only
    when it did).

A side-turn ends with an `EndPhase`, which also runs the next side's automatic phases, so a sample
is the position as the next side starts to move (its arrivals and supply losses included).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from game.ai.plan import plan_cities
from game.rules.victory import victory_points
from game.scenario.model import Scenario
from game.session import Game
from game.sim.measures import Sample, ground_advance_km, measure_sample

Row = dict[str, Any]
Value = int | float | str
# what a column holds, for whoever aggregates it: "id" (run, seed), "number", "team" (winner),
# "level", "owner" (a side id) and "date" (ISO, or blank) of a city
ColumnKind = Literal["id", "number", "team", "level", "owner", "date"]
Reduce = Literal["min", "max", "end"]


class Finished:
    """A finished game as reporters see it: the run index, the game, and its captures."""

    def __init__(self, run: int, game: Game) -> None:
        self.run = run
        self.game = game

    @cached_property
    def captures(self) -> dict[str, list[int]]:
        """The turns each city was captured on, in order, from the `capture` events."""
        turns: dict[str, list[int]] = {}
        for event in self.game.log:
            if event.kind == "capture":
                turns.setdefault(str(event.data["city"]), []).append(event.turn)
        return turns


@dataclass(frozen=True)
class Reporter:
    """A column read off the finished game; a None value leaves the column out of that row."""

    column: str
    kind: ColumnKind
    report: Callable[[Finished], Value | None]
    written: bool = True  # False: in the row (for tests) but not in runs.csv
    city: str = ""  # the city of an owner or date column


@dataclass(frozen=True)
class Observer:
    """A column measured during the game: samples reduced by `reduce` ("min" or "max" of the
    samples that had a value, "end": the last sample), rounded to `digits` (whole numbers at 0);
    blank when there is no value (none at all, or none at the end for "end")."""

    column: str
    sample: Sample
    reduce: Reduce
    digits: int = 1
    description: str = ""
    kind: ColumnKind = "number"
    written: bool = True
    city: str = ""

    def combine(self, samples: Sequence[float | None]) -> Value:
        if self.reduce == "end":
            last = samples[-1] if samples else None
            values = [] if last is None else [last]
        else:
            values = [s for s in samples if s is not None]
        if not values:
            return ""
        value = min(values) if self.reduce == "min" else max(values)
        return round(value) if self.digits == 0 else round(value, self.digits)


Column = Reporter | Observer


def losses_column(what: str, side_id: str) -> str:
    """`men_lost_<side>` or `tanks_lost_<side>`."""
    return f"{what}_lost_{side_id}"


def report_cities(scenario: Scenario) -> list[str]:
    """Cities reported per game: every one with victory points or named in a plan."""
    names = [c.id for c in scenario.map.cities if scenario.vp[c.hex] > 0]
    for city in plan_cities(scenario):
        if city not in names:
            names.append(city)
    return names


def scenario_columns(scenario: Scenario) -> list[Column]:
    """Every column of the scenario's rows, in `runs.csv` order (unwritten ones last)."""
    return [
        *_game_columns(scenario),
        *_loss_columns(scenario),
        *_city_columns(scenario),
        *measure_columns(scenario),
        *_first_taken_columns(scenario),
    ]


def measure_columns(scenario: Scenario) -> list[Column]:
    """The columns that measure ground and units: advances per side, then declared measures."""
    return [*_advance_columns(scenario), *declared_columns(scenario)]


def written_columns(scenario: Scenario) -> list[Column]:
    return [c for c in scenario_columns(scenario) if c.written]


def declared_columns(scenario: Scenario) -> list[Observer]:
    """The measures the scenario file declares."""
    return [
        Observer(
            measure.id,
            measure_sample(scenario, measure),
            measure.reduction,
            digits=0 if measure.kind == "men" else 1,
            description=measure.description,
        )
        for measure in scenario.spec.measures
    ]


def _game_columns(scenario: Scenario) -> list[Column]:
    def state_points(f: Finished) -> Value:
        return round(float(victory_points(scenario, f.game.state)), 3)

    return [
        Reporter("run", "id", lambda f: f.run),
        Reporter("seed", "id", lambda f: f.game.seed),
        Reporter("winner", "team", lambda f: scenario.team_id(f.game.state.winner)),
        Reporter("victory_level", "level", lambda f: f.game.state.level),
        Reporter("victory_points", "number", state_points),
        Reporter("turns", "number", lambda f: f.game.state.turn),
    ]


def _loss_columns(scenario: Scenario) -> list[Column]:
    units = scenario.units

    def lost(what: str, side: int) -> Callable[[Finished], Value]:
        mine = units.side == side
        return lambda f: int(getattr(f.game.state, f"{what}_lost")[mine].sum())

    return [
        Reporter(losses_column(what, scenario.side_id(side)), "number", lost(what, side))
        for what in ("men", "tanks")
        for side in scenario.sides
    ]


def _city_columns(scenario: Scenario) -> list[Column]:
    columns: list[Column] = []
    for city_id in report_cities(scenario):
        city = scenario.map.city_by_id(city_id)
        assert city is not None
        h = city.hex

        def owner(f: Finished, h: int = h) -> Value:
            return scenario.side_id(int(f.game.state.control[h]))

        def taken(f: Finished, city_id: str = city_id) -> Value:
            turns = f.captures.get(city_id)
            return scenario.date_of_turn(turns[-1]).isoformat() if turns else ""

        columns.append(Reporter(f"owner_{city_id}", "owner", owner, city=city_id))
        columns.append(Reporter(f"taken_{city_id}", "date", taken, city=city_id))
    return columns


def _advance_columns(scenario: Scenario) -> list[Column]:
    def advance(side: int) -> Callable[[Finished], Value]:
        return lambda f: round(ground_advance_km(scenario, side, f.game.state.control), 1)

    return [
        Reporter(f"advance_km_{scenario.side_id(side)}", "number", advance(side))
        for side in scenario.sides
    ]


def _first_taken_columns(scenario: Scenario) -> list[Column]:
    def first(city_id: str) -> Callable[[Finished], Value | None]:
        def report(f: Finished) -> Value | None:
            turns = f.captures.get(city_id)
            return scenario.date_of_turn(turns[0]).isoformat() if turns else None

        return report

    return [
        Reporter(f"first_taken_{c}", "date", first(c), written=False, city=c)
        for c in report_cities(scenario)
    ]


class Recording:
    """One game's columns at work: `observe` at the start and after every side's turn, then
    `row` once the game is over. Build it before the first move."""

    def __init__(self, scenario: Scenario, columns: Sequence[Column] | None = None) -> None:
        self.columns = list(scenario_columns(scenario) if columns is None else columns)
        self.samples: dict[str, list[float | None]] = {
            c.column: [] for c in self.columns if isinstance(c, Observer)
        }

    def observe(self, game: Game) -> None:
        for column in self.columns:
            if isinstance(column, Observer):
                self.samples[column.column].append(column.sample(game))

    def row(self, game: Game, run: int = 0) -> Row:
        finished = Finished(run, game)
        row: Row = {}
        for column in self.columns:
            if isinstance(column, Observer):
                row[column.column] = column.combine(self.samples[column.column])
                continue
            value = column.report(finished)
            if value is not None:
                row[column.column] = value
        return row
