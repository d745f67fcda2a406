"""Step losses and the men and tanks they stand for, kept exact so every man is accounted for.

A unit of `men` men and `max_steps` steps holds `men * steps // max_steps` men with `steps` left;
losing steps loses exactly the difference, so start + arrived - lost - withdrawn = present holds
to the man whatever order losses come in.
"""

from __future__ import annotations

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
    return _share(scenario.units.tanks, scenario, steps, units)


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


def accounting(scenario: Scenario, state: GameState, side: int) -> dict[str, int]:
    """Men of one side: start + arrived - lost - withdrawn = present, each term separately."""
    units = scenario.units
    mine = units.side == side
    idx = np.arange(units.count)
    at_start = mine & (units.arrive_turn == 1)
    arrived = mine & (units.arrive_turn > 1) & (state.status != UnitStatus.WAITING)
    withdrawn = mine & (state.status == UnitStatus.WITHDRAWN)
    present = mine & (state.status == UnitStatus.ACTIVE)
    return {
        "start": int(units.men[at_start].sum()),
        "arrived": int(units.men[arrived].sum()),
        "lost": int(state.men_lost[mine].sum()),
        "withdrawn": int(men_present(scenario, state.steps[withdrawn], idx[withdrawn]).sum()),
        "present": int(men_present(scenario, state.steps[present], idx[present]).sum()),
    }
