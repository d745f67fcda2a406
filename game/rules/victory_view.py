"""Victory as a player needs to see it: the objectives and who holds them, the result levels and
where the score stands among them, and which sudden-death conditions could end the game soon.

Read-only: nothing here changes a game or decides one (`game.rules.victory` does). Everything is
numbers and ids; the screens make the words (names from the scenario file).

A sudden-death condition is checked at the end of every side's turn (`victory.check_sudden_death`).
"Threatened" means: at the next check after one of the winning team's sides has moved, the date
window is open, and every city of the condition is either held by that team already or within one
movement phase's move of one of its units that the viewer knows of, to the city or next to it (to
attack it and advance in): a planning distance over the ground that ignores zones of control, so
it errs on the side of warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from game.enums import NO_SIDE
from game.rules import movement, victory
from game.rules.weather import local_weather
from game.scenario.model import Scenario
from game.state import GameState, Phase


@dataclass(frozen=True)
class Objective:
    """A city worth points: who holds it now and what it is worth to the scoring team."""

    city: int  # index into scenario.map.cities
    hex: int
    points: int
    holder: int  # the side that holds it (NO_SIDE: nobody)
    scoring: bool  # held by the scoring team (its points count now)


@dataclass(frozen=True)
class Band:
    """A result level: `winner` (a team, NO_SIDE for a draw) at `level` when the final score is
    at least `min_vp` (and below `below`, the next band up; None for the top band)."""

    min_vp: float
    below: float | None
    winner: int
    level: str
    current: bool  # the score now falls in this band


@dataclass(frozen=True)
class SuddenDeathStatus:
    """One sudden-death condition of the file, as things stand."""

    index: int  # in scenario.spec.victory.sudden_death
    team: int  # the team it makes the winner
    cities: tuple[int, ...]  # indices into scenario.map.cities
    held: tuple[bool, ...]  # each held by `team` now
    reachable: tuple[bool, ...]  # each held, or within a turn's move of a known unit of `team`
    opens: dt.date | None
    closes: dt.date | None
    open_now: bool  # the window covers today's date
    check_turn: int | None  # the turn of the first check after `team` has moved (None: no more)
    open_at_check: bool  # the window covers that check's date
    expired: bool  # the window has closed for good, or no check is left
    hold_days: int = 0  # each city must have been held this long (`for_days`; 0: at once)
    # the first turn whose checks see the hold long enough, while the team holds every city
    # (None: not held); the rules count whole turns since each city last changed hands
    ends_turn: int | None = None
    turn: int = 0  # the turn the status was taken on

    @property
    def met(self) -> bool:
        """Every city is held by the team now."""
        return all(self.held)

    @property
    def threatened(self) -> bool:
        """The team could meet it at its next check."""
        return self.open_at_check and all(self.reachable)

    @property
    def imminent(self) -> bool:
        """Met already (long enough), and the check at the end of the turn now being played
        will see it."""
        return (
            self.met and self.open_now and (self.ends_turn is None or self.ends_turn <= self.turn)
        )


@dataclass(frozen=True)
class VictoryView:
    scoring_team: int
    points: float
    city_points: float
    exchange: float
    vp_per_enemy_step: float
    objectives: tuple[Objective, ...]  # by points, highest first
    bands: tuple[Band, ...]  # highest first, as in the file
    sudden_death: tuple[SuddenDeathStatus, ...]
    turn: int
    turns: int
    over: bool
    joined: float = 0.0  # the `victory.joined` term: units brought out or relieved

    @property
    def turns_left(self) -> int:
        """Turns still to play after this one."""
        return max(0, self.turns - self.turn)

    @property
    def band(self) -> Band | None:
        return next((b for b in self.bands if b.current), None)


def in_window(rule_from: dt.date | None, rule_until: dt.date | None, date: dt.date) -> bool:
    return (rule_from is None or date >= rule_from) and (rule_until is None or date <= rule_until)


def next_check_turn(scenario: Scenario, state: GameState, team: int) -> int | None:
    """The turn of the first sudden-death check that comes after a side of `team` has moved
    (the end of that side's turn): this turn if such a side is moving now or moves later in the
    turn, else the next turn (None after the last turn, or when the game is over)."""
    if state.over:
        return None
    table = scenario.side_table
    sides = scenario.sides
    start = state.side_index if state.phase != Phase.END else state.side_index + 1
    for i in range(start, len(sides)):
        if int(table.team[sides[i]]) == team:
            return state.turn
    nxt = state.turn + 1
    if nxt > scenario.turns:
        return None
    return nxt if any(int(table.team[s]) == team for s in sides) else None


def within_reach(
    scenario: Scenario,
    state: GameState,
    city_hex: int,
    units: npt.NDArray[np.intp],
    unit_hex: npt.NDArray[np.int32],
    turn: int,
    rules: movement.MovementRules | None = None,
) -> bool:
    """Some unit of `units` (standing at `unit_hex[u]`, all of one team) could reach the city's
    hex, or a hex next to it to attack from, in one movement phase (a planning distance: water,
    weather and the hexes other teams' units stand in count, zones of control do not)."""
    if len(units) == 0:
        return False
    grid = scenario.map
    here = unit_hex[units]
    on_map = here >= 0
    units, here = units[on_map], here[on_map]
    if len(units) == 0:
        return False
    targets = [city_hex] + [int(n) for n in grid.neighbor[city_hex] if n >= 0]
    if np.isin(here, targets).any():
        return True
    weather = local_weather(scenario, turn)
    budget = movement.movement_allowance(scenario, units)
    side = int(scenario.units.side[units[0]])
    klass = movement.MOVEMENT_CLASS[scenario.units.kind[units]]
    if rules is None:
        rules = movement.MovementRules.build(scenario)
    for k in np.unique(klass).tolist():
        mine = klass == k
        field = movement.movement_field(
            scenario,
            state,
            side,
            np.array(targets, dtype=np.intp),
            int(k),
            weather,
            toward=True,
            rules=rules,
        )
        cost = field[here[mine]]
        if bool(np.any((cost >= 0) & (cost <= budget[mine]))):
            return True
    return False


def sudden_death_status(
    scenario: Scenario,
    state: GameState,
    unit_hex: npt.NDArray[np.int32] | None = None,
    rules: movement.MovementRules | None = None,
) -> tuple[SuddenDeathStatus, ...]:
    """Every sudden-death condition of the file as things stand. `unit_hex` is where each unit
    is as the viewer knows it (-1: not known or not on the map); default: the truth. `rules`:
    the map's movement tables when the caller keeps them (`engine.movement_rules`)."""
    if unit_hex is None:
        unit_hex = np.where(state.active, state.hex, -1).astype(np.int32)
    grid = scenario.map
    table = scenario.side_table
    today = scenario.date_of_turn(state.turn)
    out = []
    unit_team = table.team[scenario.units.side]
    for i, rule in enumerate(scenario.spec.victory.sudden_death):
        team = victory.team_of_name(scenario, rule.side)
        cities = tuple(k for c in rule.holds for k, city in enumerate(grid.cities) if city.id == c)
        held = tuple(
            victory.holder_team(scenario, state.control, grid.cities[k].hex) == team for k in cities
        )
        check = next_check_turn(scenario, state, team)
        units = np.flatnonzero((unit_team == team) & (unit_hex >= 0)).astype(np.intp)
        reachable = tuple(
            h
            or (
                check is not None
                and within_reach(scenario, state, grid.cities[k].hex, units, unit_hex, check, rules)
            )
            for k, h in zip(cities, held, strict=True)
        )
        out.append(
            SuddenDeathStatus(
                index=i,
                team=team,
                cities=cities,
                held=held,
                reachable=reachable,
                opens=rule.from_date,
                closes=rule.until,
                open_now=in_window(rule.from_date, rule.until, today) and not state.over,
                check_turn=check,
                open_at_check=check is not None
                and in_window(rule.from_date, rule.until, scenario.date_of_turn(check)),
                expired=check is None or (rule.until is not None and today > rule.until),
                hold_days=rule.for_days if scenario.rules_version >= 3 else 0,
                ends_turn=(
                    max(
                        victory.hold_ends(
                            scenario, rule, int(state.control_changed[grid.cities[k].hex])
                        )
                        for k in cities
                    )
                    if all(held) and cities and scenario.rules_version >= 3
                    else None
                ),
                turn=state.turn,
            )
        )
    return tuple(out)


def threats_to(
    scenario: Scenario,
    state: GameState,
    side: int,
    unit_hex: npt.NDArray[np.int32] | None = None,
    rules: movement.MovementRules | None = None,
) -> list[SuddenDeathStatus]:
    """The sudden-death conditions a team hostile to `side` could meet at its next check (or
    has met, to be seen at the end of this turn): what `side` must be warned of."""
    table = scenario.side_table
    mine = int(table.team[side])
    return [
        s
        for s in sudden_death_status(scenario, state, unit_hex, rules)
        if s.team != mine and s.team != NO_SIDE and (s.threatened or s.imminent)
    ]


def victory_view(
    scenario: Scenario,
    state: GameState,
    unit_hex: npt.NDArray[np.int32] | None = None,
    rules: movement.MovementRules | None = None,
) -> VictoryView:
    """The whole picture for the victory panel and the briefing."""
    spec = scenario.spec.victory
    grid = scenario.map
    team = victory.scoring_team(scenario)
    objectives = []
    for k, city in enumerate(grid.cities):
        worth = int(scenario.vp[city.hex])
        if worth <= 0:
            continue
        holder = int(state.control[city.hex])
        objectives.append(
            Objective(
                city=k,
                hex=int(city.hex),
                points=worth,
                holder=holder,
                scoring=victory.holder_team(scenario, state.control, city.hex) == team,
            )
        )
    objectives.sort(key=lambda o: (-o.points, grid.cities[o.city].name))
    points = victory.victory_points(scenario, state)
    joined = victory.joined_points(scenario, state)
    city_points = float(sum(o.points for o in objectives if o.scoring))
    levels = spec.levels
    current = next((i for i, lv in enumerate(levels) if points >= lv.min_vp), len(levels) - 1)
    bands = tuple(
        Band(
            min_vp=float(lv.min_vp),
            below=float(levels[i - 1].min_vp) if i > 0 else None,
            winner=victory.team_of_name(scenario, lv.winner),
            level=lv.level,
            current=i == current,
        )
        for i, lv in enumerate(levels)
    )
    return VictoryView(
        scoring_team=team,
        points=points,
        city_points=city_points,
        exchange=points - city_points - joined,
        vp_per_enemy_step=float(spec.vp_per_enemy_step),
        objectives=tuple(objectives),
        bands=bands,
        sudden_death=sudden_death_status(scenario, state, unit_hex, rules),
        turn=state.turn,
        turns=scenario.turns,
        over=state.over,
        joined=joined,
    )
