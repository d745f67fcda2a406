"""Victory: points for cities held and for the loss exchange, levels, and sudden death.

The scenario's scoring side earns each city's points while it controls the city, plus
`vp_per_enemy_step` for every step its enemies have lost, minus the same for every step it has
lost. At the end, the first level (highest first) whose `min_vp` the score reaches decides the
winner and level. Sudden death: a side that holds all the named cities inside the date window
wins decisively at once, checked at the end of every side's turn.
"""

from __future__ import annotations

import numpy as np

from game.enums import Side, parse_enum
from game.events import Event
from game.rules.losses import steps_lost
from game.scenario.model import Scenario
from game.state import GameState


def victory_points(scenario: Scenario, state: GameState) -> float:
    spec = scenario.spec.victory
    scorer = parse_enum(Side, spec.scoring_side)
    cities = int(scenario.vp[state.control == scorer].sum())
    lost = steps_lost(scenario, state)
    mine = scenario.units.side == scorer
    exchange = float(lost[~mine].sum() - lost[mine].sum())
    return cities + spec.vp_per_enemy_step * exchange


def city_owner(scenario: Scenario, state: GameState, city_id: str) -> Side:
    city = scenario.map.city_by_id(city_id)
    assert city is not None, f"unknown city {city_id}"
    return Side(int(state.control[city.hex]))


def check_sudden_death(scenario: Scenario, state: GameState) -> list[Event]:
    date = scenario.date_of_turn(state.turn)
    for rule in scenario.spec.victory.sudden_death:
        if rule.from_date is not None and date < rule.from_date:
            continue
        if rule.until is not None and date > rule.until:
            continue
        side = parse_enum(Side, rule.side)
        if all(city_owner(scenario, state, c) == side for c in rule.holds):
            return _finish(
                scenario,
                state,
                int(side),
                "decisive",
                f"sudden death: {side.name.lower()} holds {', '.join(rule.holds)}",
            )
    return []


def final_result(scenario: Scenario, state: GameState) -> list[Event]:
    points = victory_points(scenario, state)
    for level in scenario.spec.victory.levels:
        if points >= level.min_vp:
            winner = (
                int(Side.NONE) if level.winner == "draw" else int(parse_enum(Side, level.winner))
            )
            return _finish(scenario, state, winner, level.level, f"{points:g} victory points")
    # below every band: the lowest band's winner
    last = scenario.spec.victory.levels[-1]
    winner = int(Side.NONE) if last.winner == "draw" else int(parse_enum(Side, last.winner))
    return _finish(scenario, state, winner, last.level, f"{points:g} victory points")


def _finish(scenario: Scenario, state: GameState, winner: int, level: str, why: str) -> list[Event]:
    state.over = True
    state.winner = winner
    state.level = level
    name = "nobody" if winner == Side.NONE else Side(winner).name.lower()
    text = f"Game over on turn {state.turn}: {level} victory for {name} ({why})"
    if level == "draw":
        text = f"Game over on turn {state.turn}: a draw ({why})"
    return [Event("game_over", state.turn, winner, text, data={"level": level})]


def vp_breakdown(scenario: Scenario, state: GameState) -> dict[str, float]:
    """Points per city held by the scoring side and the exchange term, for the UI and reports."""
    scorer = parse_enum(Side, scenario.spec.victory.scoring_side)
    out: dict[str, float] = {}
    for city in scenario.map.cities:
        if scenario.vp[city.hex] and state.control[city.hex] == scorer:
            out[city.id] = float(scenario.vp[city.hex])
    out["exchange"] = victory_points(scenario, state) - float(sum(out.values()))
    out["total"] = float(np.round(victory_points(scenario, state), 3))
    return out
