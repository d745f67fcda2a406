"""Who holds the ground: taking hexes by entering them, and each side's view of the map's owners.

A team's units take a hex by entering it (moves, retreats, advances) unless the team already
holds it; teammates never take ground from each other. Nobody holds water: a column that crosses
the ice takes no ground on it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from game.events import Event
from game.rules import kernels
from game.scenario.model import Scenario
from game.state import GameState


def friendly_ground(
    scenario: Scenario, control: npt.NDArray[np.uint8], side: int
) -> npt.NDArray[np.bool_]:
    """[N] held by `side` or a teammate."""
    held: npt.NDArray[np.bool_] = scenario.side_table.friendly_ground[side][control]
    return held


def hostile_ground(
    scenario: Scenario, control: npt.NDArray[np.uint8], side: int
) -> npt.NDArray[np.bool_]:
    """[N] held by a side of another team (not unclaimed ground)."""
    held: npt.NDArray[np.bool_] = scenario.side_table.hostile_ground[side][control]
    return held


def take_control(
    scenario: Scenario, state: GameState, side: int, hexes: npt.NDArray[np.int32]
) -> list[Event]:
    """`side` enters `hexes`: those its team does not hold change hands; a city that does is
    reported as a capture."""
    changed, previous = kernels.take_hexes(
        np.ascontiguousarray(hexes, dtype=np.int32),
        scenario.map.water,
        scenario.side_table.friendly_ground[side],
        side,
        state.turn,
        state.control,
        state.control_changed,
    )
    if len(changed) == 0:
        return []
    events = []
    for h, before in zip(changed.tolist(), previous.tolist(), strict=True):
        c = int(scenario.map.city_at[h])
        if c >= 0:
            city = scenario.map.cities[c]
            data: dict[str, int | str] = {"city": city.id, "previous": int(before)}
            events.append(Event("capture", state.turn, side, (), h, data))
    return events
