"""Step losses and the men and tanks they stand for, kept exact so every man is accounted for.

A unit of `men` men and `max_steps` steps holds `men * steps // max_steps` men with `steps` left;
losing steps loses exactly the difference, so start + arrived - lost - withdrawn = present holds
to the man whatever order losses come in. Tanks go the same way, unless the file says a unit
loses them faster than men (its side's `tank_losses`, p percent of the even share per step):
then a unit of T tanks in m steps holds T * (100m - p(m - s)) // 100m tanks with s steps left,
never fewer than none. Worked example, 6th Panzer (160 tanks, 5 steps) at p = 200: one step
lost leaves 96 tanks (64 lost against 32 at p = 100), two leave 32, three none. Still a
function of steps alone, so the tank books balance exactly like the men's.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from game.scenario.model import Scenario
from game.state import GameState, UnitStatus


def _share(
    totals: npt.NDArray[np.int32], scenario: Scenario, steps: npt.ArrayLike, units: npt.ArrayLike
) -> npt.NDArray[np.int64]:
    """The part of a full-strength total a unit still holds with `steps` steps left."""
    u = np.asarray(units, dtype=np.intp)
    s = np.asarray(steps, dtype=np.int64)
    share: npt.NDArray[np.int64] = totals[u].astype(np.int64) * s // scenario.units.max_steps[u]
    return share


def men_present(
    scenario: Scenario, steps: npt.ArrayLike, units: npt.ArrayLike
) -> npt.NDArray[np.int64]:
    return _share(scenario.units.men, scenario, steps, units)


def tanks_present(
    scenario: Scenario, steps: npt.ArrayLike, units: npt.ArrayLike
) -> npt.NDArray[np.int64]:
    """Tanks a unit still holds with `steps` steps left (at p = 100 exactly its even share)."""
    u = np.asarray(units, dtype=np.intp)
    most = scenario.units.max_steps[u].astype(np.int64)
    s = np.clip(np.asarray(steps, dtype=np.int64), 0, most)
    percent = tank_loss_percent(scenario)[u]
    left = scenario.units.tanks[u].astype(np.int64) * (100 * most - percent * (most - s))
    present: npt.NDArray[np.int64] = np.maximum(left // (100 * most), 0)
    return present


@lru_cache(maxsize=8)
def tank_loss_percent(scenario: Scenario) -> npt.NDArray[np.int64]:
    """[U] percent of its even share of tanks a step of each unit costs: its side's
    `tank_losses` for the units it names, else 100 (tanks go with the men). The rule came with
    rules version 3: a game made under an older one replays with tanks going with the men.
    Kept by scenario: every step lost asks for it."""
    units = scenario.units
    percent = np.full(units.count, 100, dtype=np.int64)
    for side in scenario.sides if scenario.rules_version >= 3 else ():
        spec = scenario.spec.sides[scenario.side_id(side)].tank_losses
        if spec is None:
            continue
        named = np.array(
            [not spec.formations or f in spec.formations for f in units.formations],
            dtype=np.bool_,
        )
        percent[named[units.formation] & (units.side == side)] = spec.percent
    percent.flags.writeable = False
    return percent


def lose_steps(
    scenario: Scenario, state: GameState, units: npt.ArrayLike, steps_lost: npt.ArrayLike
) -> npt.NDArray[np.intp]:
    """Take steps from units (repeated units add up); returns the units eliminated by it."""
    u = np.asarray(units, dtype=np.intp)
    lost = np.asarray(steps_lost, dtype=np.int64)
    total = np.zeros(scenario.units.count, dtype=np.int64)
    np.add.at(total, u, lost)
    hit = np.nonzero(total > 0)[0]
    if len(hit) == 0:
        return hit
    before = state.steps[hit].astype(np.int64)
    after = np.maximum(before - total[hit], 0)
    state.men_lost[hit] += (
        men_present(scenario, before, hit) - men_present(scenario, after, hit)
    ).astype(np.int32)
    state.tanks_lost[hit] += (
        tanks_present(scenario, before, hit) - tanks_present(scenario, after, hit)
    ).astype(np.int32)
    state.steps[hit] = after.astype(np.int8)
    dead: npt.NDArray[np.intp] = hit[after == 0]
    state.status[dead] = UnitStatus.ELIMINATED
    state.hex[dead] = -1
    return dead


def surrender(scenario: Scenario, state: GameState, units: npt.ArrayLike) -> None:
    """The whole unit is lost as prisoners: every man and tank left counts as lost."""
    u = np.asarray(units, dtype=np.intp)
    if len(u) == 0:
        return
    state.men_lost[u] += men_present(scenario, state.steps[u], u).astype(np.int32)
    state.tanks_lost[u] += tanks_present(scenario, state.steps[u], u).astype(np.int32)
    state.steps[u] = 0
    state.status[u] = UnitStatus.SURRENDERED
    state.hex[u] = -1


def steps_lost(scenario: Scenario, state: GameState) -> npt.NDArray[np.int64]:
    """Steps each unit has lost so far (0 for units not yet arrived)."""
    arrived = state.status != UnitStatus.WAITING
    lost: npt.NDArray[np.int64] = np.where(
        arrived, scenario.units.max_steps.astype(np.int64) - state.steps, 0
    )
    return lost


def accounting(
    scenario: Scenario, state: GameState, side: int, what: Literal["men", "tanks"] = "men"
) -> dict[str, int]:
    """Men (or tanks) of one side: start + arrived - lost - withdrawn = present, each term
    separately."""
    units = scenario.units
    total, lost, held = (
        (units.men, state.men_lost, men_present)
        if what == "men"
        else (units.tanks, state.tanks_lost, tanks_present)
    )
    mine = units.side == side
    idx = np.arange(units.count)
    at_start = mine & (units.arrive_turn == 1)
    arrived = mine & (units.arrive_turn > 1) & (state.status != UnitStatus.WAITING)
    withdrawn = mine & (state.status == UnitStatus.WITHDRAWN)
    present = mine & (state.status == UnitStatus.ACTIVE)
    return {
        "start": int(total[at_start].sum()),
        "arrived": int(total[arrived].sum()),
        "lost": int(lost[mine].sum()),
        "withdrawn": int(held(scenario, state.steps[withdrawn], idx[withdrawn]).sum()),
        "present": int(held(scenario, state.steps[present], idx[present]).sum()),
    }
