"""Bypassed ground: enemy-held patches left behind the front go back to the side around them.

Units take ground by entering it (`control.take_control`), so a column that drives through the
enemy's rear leaves a trail of its own ground there, and a pocket keeps the ground it held. With
`[rules] bypassed_ground` a scenario lets such ground settle, as maps of the war show it: at the
end of every side's turn, a patch of one team's ground (its connected land) that holds none of
the team's supply gateways (map edges, ports, named sources: where its supply comes from) and
whose land neighbours all belong to one other team returns to that team, to the side of it that
holds most of the patch's border, hex by hex wherever no unit of the patch's team stands in or
next to the hex. Water, the map edge and unclaimed ground are not borders; unclaimed ground next
to the patch means it is not enclosed. A pocket with units in it keeps the hexes around them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from game.enums import NO_SIDE
from game.events import Event
from game.rules import kernels
from game.rules.supply import gateways
from game.scenario.model import Scenario
from game.state import GameState, UnitStatus

_ACTIVE = int(UnitStatus.ACTIVE)


@lru_cache(maxsize=16)
def _team_gateways(scenario: Scenario) -> npt.NDArray[np.bool_]:
    """[teams, N] where each team's supply comes in (a scenario's own; kept per scenario)."""
    table = scenario.side_table
    found = np.zeros((len(table.team_ids), scenario.map.size), dtype=np.bool_)
    for side in scenario.sides:
        found[table.team[side]] |= gateways(scenario, side)
    found.flags.writeable = False
    return found


def settle_bypassed(scenario: Scenario, state: GameState) -> list[Event]:
    """Hand bypassed ground back (module docstring); a town that changes hands is a capture."""
    table = scenario.side_table
    grid = scenario.map
    settled = kernels.bypassed_ground(
        grid.neighbor,
        grid.water,
        state.control,
        table.holder_team,
        _team_gateways(scenario),
        state.hex,
        table.team[scenario.units.side].astype(np.uint8),
        state.status == _ACTIVE,
        len(scenario.sides),
        NO_SIDE,
    )
    changed = np.flatnonzero(settled != state.control)
    if len(changed) == 0:
        return []
    previous = state.control[changed].copy()
    state.control[changed] = settled[changed]
    state.control_changed[changed] = state.turn
    events = []
    for h, before in zip(changed.tolist(), previous.tolist(), strict=True):
        c = int(grid.city_at[h])
        if c >= 0:
            data: dict[str, int | str] = {"city": grid.cities[c].id, "previous": int(before)}
            events.append(Event("capture", state.turn, int(settled[h]), (), h, data))
    return events
