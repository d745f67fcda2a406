"""A pocket that stands fast until it breaks out (a side's `breakout`, rules version 3 on).

Units of the breakout's `formations` have no movement while they stand fast (their orders, and,
as in December 1942, no fuel to go anywhere): they hold where they are, fight from there and
retreat when beaten. The breakout begins on the side's first turn on or after its date (the
file's `from`, or a `breakout_day` knob: days after the start; none, or past the last day: it
never does). At the start of that turn, before supply, every unit of the formations still on the
map loses `steps_lost` steps (never its last: heavy weapons, the wounded and whatever cannot
move are left behind), with the men and tanks of those steps; from then on they move as usual.
Where they go is the player's business; the scripted AI sends them toward the units of `toward`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from game.rules.supply import strength_at
from game.scenario.knob_effects import day_after_start, knob_values
from game.scenario.model import Scenario
from game.scenario.schema import BreakoutSpec
from game.state import GameState

Bool = npt.NDArray[np.bool_]


def breakout_spec(scenario: Scenario, side: int) -> BreakoutSpec | None:
    """The side's breakout, if its file gives one and the game's rules version has it."""
    if scenario.rules_version < 3:
        return None
    return scenario.spec.sides[scenario.side_table.ids[side]].breakout


def breakout_date(scenario: Scenario, side: int) -> dt.date | None:
    """The day the side's breakout begins (a `breakout_day` knob, else the file's `from`);
    None: it never does within the scenario."""
    spec = breakout_spec(scenario, side)
    if spec is None:
        return None
    set_by_knob = knob_values(scenario, "breakout_day", scenario.side_table.ids[side])
    if set_by_knob:
        return day_after_start(scenario, set_by_knob[-1])
    date = spec.from_date
    return None if date is None or date > scenario.calendar.last_day else date


def breakout_turn(scenario: Scenario, side: int) -> int:
    """The turn the side's breakout begins; 0 if it never does."""
    date = breakout_date(scenario, side)
    return 0 if date is None else scenario.turn_of_date(date)


def breaking_out(scenario: Scenario, side: int, turn: int) -> bool:
    """The side's breakout has begun by `turn`."""
    first = breakout_turn(scenario, side)
    return 0 < first <= turn


def members(scenario: Scenario, side: int, formations: list[str]) -> Bool:
    """[U] the side's units of `formations`."""
    units = scenario.units
    wanted = np.array([name in formations for name in units.formations], dtype=np.bool_)
    found: Bool = wanted[units.formation] & (units.side == side)
    return found


def standing_fast(scenario: Scenario, state: GameState, side: int) -> Bool:
    """[U] the side's units that may not move this turn: the breakout's formations until it
    begins (none when the side has no breakout, or it does not stand fast)."""
    spec = breakout_spec(scenario, side)
    if spec is None or not spec.stand_fast or breaking_out(scenario, side, state.turn):
        return np.zeros(scenario.units.count, dtype=np.bool_)
    return members(scenario, side, spec.formations)


def begin_breakout(scenario: Scenario, state: GameState, side: int) -> Bool:
    """On the side's breakout turn, take what the breakout costs from its units on the map, in
    place; returns [U] the units that broke out (none on any other turn)."""
    spec = breakout_spec(scenario, side)
    out = np.zeros(scenario.units.count, dtype=np.bool_)
    if spec is None or breakout_turn(scenario, side) != state.turn:
        return out
    units = scenario.units
    out = members(scenario, side, spec.formations) & state.active & (state.hex >= 0)
    steps = state.steps.astype(np.int32)
    left = np.where(out, np.maximum(steps - spec.steps_lost, np.minimum(steps, 1)), steps)
    state.men_lost += strength_at(units.men, steps, units.max_steps) - strength_at(
        units.men, left, units.max_steps
    )
    state.tanks_lost += strength_at(units.tanks, steps, units.max_steps) - strength_at(
        units.tanks, left, units.max_steps
    )
    state.steps[:] = left.astype(np.int8)
    return out
