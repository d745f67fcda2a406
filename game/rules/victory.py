"""Victory: points for cities held and for the loss exchange, levels, and sudden death, per team.

The scoring team (`victory.scoring_side`: a team, or a side meaning its team) earns each city's
points while one of its sides holds the city, plus `vp_per_enemy_step` for every step its enemies
have lost, minus the same for every step it has lost, plus (`victory.joined`) `vp_per_step`
for every step of the named formations in its own side's overland supply or next to the units
it was to join (minus for an enemy's): a pocket relieved or brought out to its relief scores,
one still cut off does not. At the end, the first level (highest first) whose `min_vp` the
score reaches decides the winning team and level. Sudden death: a team that holds all the named
cities inside the date window wins decisively at once, checked at the end of every side's turn. `GameState.winner` is a team number (NO_SIDE for nobody).
"""

from __future__ import annotations

import numpy as np

from game.enums import NO_SIDE
from game.events import Event
from game.hexgrid import distance_array
from game.rules.losses import steps_lost
from game.rules.supply import trace_supply
from game.scenario.model import Scenario
from game.scenario.schema import SuddenDeath
from game.state import GameState


def scoring_team(scenario: Scenario) -> int:
    return scenario.side_table.team_of_name(scenario.spec.victory.scoring_side)


def team_of_name(scenario: Scenario, name: str) -> int:
    """A winner named in the file: a team, a side (its team), or "draw" (NO_SIDE)."""
    return NO_SIDE if name == "draw" else scenario.side_table.team_of_name(name)


def holder_team(scenario: Scenario, control: np.ndarray, h: int) -> int:
    """The team that holds hex h (NO_SIDE if nobody does)."""
    holder = int(control[h])
    return NO_SIDE if holder == NO_SIDE else int(scenario.side_table.team[holder])


def victory_points(scenario: Scenario, state: GameState) -> float:
    spec = scenario.spec.victory
    team = scoring_team(scenario)
    table = scenario.side_table
    cities = int(scenario.vp[table.holder_team[state.control] == team].sum())
    lost = steps_lost(scenario, state)
    mine = table.team[scenario.units.side] == team
    exchange = float(lost[~mine].sum() - lost[mine].sum())
    return cities + spec.vp_per_enemy_step * exchange + joined_points(scenario, state)


def joined_points(scenario: Scenario, state: GameState) -> float:
    """The `victory.joined` term: `vp_per_step` for every step of the named formations on the
    map that its own side's overland supply reaches or that stands within `within_km` of a unit
    of the `to` formations, plus for the scoring team's units and minus for its enemies' (0
    when the file names none)."""
    rules = scenario.spec.victory.joined
    if not rules:
        return 0.0
    units = scenario.units
    grid = scenario.map
    team = scoring_team(scenario)
    on_map = state.active & (state.hex >= 0)
    names = np.array(units.formations)
    counted = on_map & np.isin(names, [f for rule in rules for f in rule.formations])[units.formation]
    supplied = np.zeros(units.count, dtype=np.bool_)
    for side in np.unique(units.side[counted]).tolist():  # trace only the sides that count
        mine = counted & (units.side == side)
        supplied[mine] = trace_supply(scenario, state, side)[state.hex[mine]]
    sign = np.where(scenario.side_table.team[units.side] == team, 1.0, -1.0)
    steps = state.steps.astype(np.float64) * sign
    total = 0.0
    for rule in rules:
        named = on_map & np.isin(names, rule.formations)[units.formation]
        joined = named & supplied
        near = on_map & np.isin(names, rule.to)[units.formation]
        if rule.to and near.any() and named.any():
            at, to = state.hex[named], state.hex[near]
            apart = distance_array(grid.q[at][:, None], grid.r[at][:, None], grid.q[to], grid.r[to])
            reach = scenario.scale.hexes(rule.within_km, minimum=0)
            joined[np.flatnonzero(named)[(apart <= reach).any(axis=1)]] = True
        total += rule.vp_per_step * float(steps[joined].sum())
    return total


def check_sudden_death(scenario: Scenario, state: GameState) -> list[Event]:
    date = scenario.date_of_turn(state.turn)
    for rule in scenario.spec.victory.sudden_death:
        if rule.from_date is not None and date < rule.from_date:
            continue
        if rule.until is not None and date > rule.until:
            continue
        team = team_of_name(scenario, rule.side)
        held = [scenario.map.city_by_id(c) for c in rule.holds]
        if all(
            c is not None
            and holder_team(scenario, state.control, c.hex) == team
            and state.turn >= hold_ends(scenario, rule, int(state.control_changed[c.hex]))
            for c in held
        ):
            data: dict[str, int | str] = {"cause": "sudden_death", "cities": ",".join(rule.holds)}
            return _finish(state, team, "decisive", data)
    return []


def hold_ends(scenario: Scenario, rule: SuddenDeath, changed: int) -> int:
    """The first turn whose checks count a city held since turn `changed` (0: the start) as held
    long enough for `rule`: `for_days` in whole turns, counted from when the city last changed
    hands or the rule came into force, whichever is later (games made under rules version 2
    knew no such wait)."""
    if scenario.rules_version < 3 or rule.for_days <= 0:
        return 0
    since = changed
    if rule.from_date is not None:
        since = max(since, scenario.turn_of_date(rule.from_date))
    return since + scenario.scale.turns(rule.for_days, minimum=0)


def score_event(scenario: Scenario, state: GameState, side: int) -> Event:
    """The standing when `side`'s turn ends: the scoring team's points (x 1000, an integer)."""
    points = round(victory_points(scenario, state) * 1000)
    return Event("score", state.turn, side, data={"points": points})


def final_result(scenario: Scenario, state: GameState) -> list[Event]:
    points = victory_points(scenario, state)
    data: dict[str, int | str] = {"cause": "points", "points": round(points * 1000)}
    levels = scenario.spec.victory.levels
    for level in levels:
        if points >= level.min_vp:
            return _finish(state, team_of_name(scenario, level.winner), level.level, data)
    # below every band: the lowest band's winner
    return _finish(state, team_of_name(scenario, levels[-1].winner), levels[-1].level, data)


def _finish(state: GameState, winner: int, level: str, data: dict[str, int | str]) -> list[Event]:
    state.over = True
    state.winner = winner
    state.level = level
    return [Event("game_over", state.turn, winner, data={"level": level, **data})]


def vp_breakdown(scenario: Scenario, state: GameState) -> dict[str, float]:
    """Points per city held by the scoring team and the exchange term, for the UI and reports."""
    team = scoring_team(scenario)
    out: dict[str, float] = {}
    for city in scenario.map.cities:
        if scenario.vp[city.hex] and holder_team(scenario, state.control, city.hex) == team:
            out[city.id] = float(scenario.vp[city.hex])
    total = victory_points(scenario, state)
    joined = joined_points(scenario, state)
    out["exchange"] = total - joined - float(sum(out.values()))
    if joined:
        out["joined"] = joined
    out["total"] = float(np.round(total, 3))
    return out
