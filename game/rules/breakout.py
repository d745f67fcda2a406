"""A pocket that stands fast until it breaks out (a side's `breakout`, rules version 3 on).

Units of the breakout's `formations` have no movement while they stand fast (their orders, and,
as in December 1942, no fuel to go anywhere): they hold where they are, fight from there and
retreat when beaten. The breakout begins on the side's first turn on or after its date (the
file's `from`, or a `breakout_day` knob: days after the start; none, or past the last day: it
never does), or earlier when the side orders it (`OrderBreakout`, in its movement phase; the
turn is kept in `GameState.breakouts`). At the start of the dated turn, before supply, or at
once when ordered, every unit of the formations still on the map loses `steps_lost` steps
(never its last: heavy weapons, the wounded and whatever cannot move are left behind), with the
men and tanks of those steps; from then on they move as usual (an ordered breakout moves in the
phase it was ordered in). It is paid once, whichever comes first. Where they go is the player's
business; the scripted AI sends them toward the units of `toward`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from game.rules.losses import lose_steps, men_present, tanks_present
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


def ordered_turn(state: GameState, side: int) -> int:
    """The turn `side` ordered its breakout; 0 if it has not."""
    return next((turn for who, turn in state.breakouts if who == side), 0)


def begun_turn(scenario: Scenario, side: int, turn: int, ordered: int = 0) -> int:
    """The turn the side's breakout began, as seen on `turn` (its date's turn, or the turn it
    was `ordered`, whichever came first); 0 if it has not begun by then."""
    dated = breakout_turn(scenario, side)
    first = min((t for t in (dated, ordered) if 0 < t <= turn), default=0)
    return first if breakout_spec(scenario, side) is not None else 0


def breaking_out(scenario: Scenario, side: int, turn: int, ordered: int = 0) -> bool:
    """The side's breakout has begun by `turn` (by its date, or `ordered` on that turn)."""
    return begun_turn(scenario, side, turn, ordered) > 0


def why_not_order(scenario: Scenario, state: GameState, side: int) -> str | None:
    """Why `side` may not order its breakout now (None: it may): words for the player."""
    spec = breakout_spec(scenario, side)
    if spec is None:
        return "this side has no pocket that may break out"
    if breaking_out(scenario, side, state.turn, ordered_turn(state, side)):
        return "the breakout has already begun"
    if not (members(scenario, side, spec.formations) & state.active & (state.hex >= 0)).any():
        return "no unit of the pocket is left on the map"
    return None


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
    if (
        spec is None
        or not spec.stand_fast
        or breaking_out(scenario, side, state.turn, ordered_turn(state, side))
    ):
        return np.zeros(scenario.units.count, dtype=np.bool_)
    return members(scenario, side, spec.formations)


def begin_breakout(scenario: Scenario, state: GameState, side: int) -> Bool:
    """On the side's dated breakout turn, take what the breakout costs from its units on the map,
    in place; returns [U] the units that broke out (none on any other turn, or when the side
    ordered it earlier: it has paid)."""
    spec = breakout_spec(scenario, side)
    if spec is None or breakout_turn(scenario, side) != state.turn or ordered_turn(state, side):
        return np.zeros(scenario.units.count, dtype=np.bool_)
    return _pay(scenario, state, side, spec)


def order_breakout(scenario: Scenario, state: GameState, side: int) -> Bool:
    """The side orders its breakout now: record the turn and take what it costs, in place;
    returns [U] the units that broke out. Check `why_not_order` first."""
    spec = breakout_spec(scenario, side)
    assert spec is not None, "why_not_order says when a side may order a breakout"
    state.breakouts = (*state.breakouts, (side, state.turn))
    return _pay(scenario, state, side, spec)


def cost(scenario: Scenario, state: GameState, side: int) -> tuple[Bool, int, int]:
    """What ordering the side's breakout now would cost: ([U] the units that would go, men
    lost, tanks lost); nothing when the side has no breakout."""
    spec = breakout_spec(scenario, side)
    if spec is None:
        return np.zeros(scenario.units.count, dtype=np.bool_), 0, 0
    out, steps, left = _steps_left(scenario, state, side, spec)
    every = np.arange(scenario.units.count)
    men = men_present(scenario, steps, every) - men_present(scenario, left, every)
    tanks = tanks_present(scenario, steps, every) - tanks_present(scenario, left, every)
    return out, int(men.sum()), int(tanks.sum())


def _steps_left(
    scenario: Scenario, state: GameState, side: int, spec: BreakoutSpec
) -> tuple[Bool, npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """[U] the units that go, [U] steps now, [U] steps after paying."""
    out: Bool = members(scenario, side, spec.formations) & state.active & (state.hex >= 0)
    steps = state.steps.astype(np.int32)
    left = np.where(out, np.maximum(steps - spec.steps_lost, np.minimum(steps, 1)), steps)
    return out, steps, left.astype(np.int32)


def _pay(scenario: Scenario, state: GameState, side: int, spec: BreakoutSpec) -> Bool:
    out, steps, left = _steps_left(scenario, state, side, spec)
    # never a unit's last step, so nobody is eliminated by it
    lose_steps(scenario, state, np.arange(scenario.units.count), steps - left)
    return out
