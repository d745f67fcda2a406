"""What the supply overlay shows: how far a side's supply reaches, in stages, and where it comes from.

Pure (numpy and the supply rules, no pygame). Everything is the rules' own trace
(`game.rules.supply`) on the state given, which for a player is their belief: the overlay shows
what the player can know. The reach is cut into three stages by the half-hex distance the trace
counts (a road halves it), so a player sees where a unit stays fed and where it is at the end of
the line:

    stage 1  within the first third of this turn's reach from a source
    stage 2  within two thirds
    stage 3  up to the reach itself
    stage 0  the side's own ground beyond it (out of supply)

Worked example: reach 8 hexes (16 half-hexes): a hex 5 clear hexes from a railway (10 half-hexes)
is stage 2 (10 * 3 / 16 = 1.9, rounded up); the same hex 5 hexes along a road (5) is stage 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from game.rules import control, supply
from game.scenario.model import Scenario
from game.state import GameState

STAGES = 3
OUT = 0  # own ground beyond supply
NOT_SHOWN = -1  # anyone else's ground, water


@dataclass(frozen=True, eq=False)
class SupplyPicture:
    """One side's supply as the overlay draws it (all [N] unless said)."""

    side: int
    stage: npt.NDArray[np.int8]  # 1..STAGES in supply, OUT beyond it on own ground, else NOT_SHOWN
    rail: npt.NDArray[np.bool_]  # hexes of the railway the supply runs along from the entries
    entries: npt.NDArray[np.bool_]  # held gateways: edges, ports, named sources
    railheads: npt.NDArray[np.int32]  # hexes of railhead cities the railway feeds now
    depots: npt.NDArray[np.int32]  # hexes of held depot cities
    cut_railheads: npt.NDArray[np.int32]  # railhead cities of the side's ground not fed now


def supply_picture(scenario: Scenario, state: GameState, side: int) -> SupplyPicture:
    """The overlay's picture of `side`'s supply on `state`."""
    grid = scenario.map
    ground = supply.supply_ground(scenario, state, side)
    distance = supply.supply_distance(scenario, state, side)
    reach = np.asarray(supply.hex_reach(scenario, side, state.turn), dtype=np.int32)
    limit = np.maximum(1, supply.STEP_COST * reach)
    own = control.friendly_ground(scenario, state.control, side) & ~grid.water
    stage = np.full(grid.size, NOT_SHOWN, dtype=np.int8)
    stage[own] = OUT
    fed = distance >= 0
    banded = np.clip(-(-distance * STAGES // limit), 1, STAGES)
    stage[fed] = banded[fed].astype(np.int8)
    entries = supply.gateways(scenario, side) & ground.passable & own
    on_rail = grid.rail.any(axis=1)
    rail = ground.sources & on_rail
    railhead_hexes = np.array(
        [c.hex for c in grid.cities if c.supply == "railhead"], dtype=np.int32
    )
    depot_hexes = np.array([c.hex for c in grid.cities if c.supply == "depot"], dtype=np.int32)
    fed_heads = railhead_hexes[ground.sources[railhead_hexes]]
    cut_heads = railhead_hexes[~ground.sources[railhead_hexes] & own[railhead_hexes]]
    depots = depot_hexes[ground.sources[depot_hexes]]
    return SupplyPicture(side, stage, rail, entries, fed_heads, depots, cut_heads)


__all__ = ["NOT_SHOWN", "OUT", "STAGES", "SupplyPicture", "supply_picture"]
