"""What the map shows in one frame: the screen prepares a `Scene` from the game and the viewer,
the map view draws it and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from game.ui.counters import CounterLook
from game.ui.supplymap import SupplyPicture


@dataclass
class StackView:
    """One hex's counters as a side sees them, bottom first."""

    hex: int
    units: list[int]
    looks: list[CounterLook]


@dataclass
class Marker:
    """A combat result or event note pinned to a hex for a while."""

    hex: int
    text: str
    color: tuple[int, int, int]
    born: float
    life: float = 8.0


@dataclass
class Trail:
    """A move just made (by the other side, usually), drawn as a fading arrow."""

    path: list[int]
    side: int
    color: tuple[int, int, int]  # the side's
    born: float
    life: float = 4.0


@dataclass
class Scene:
    """Everything the map shows this frame, prepared by the screen from the game and the viewer."""

    control: npt.NDArray[np.uint8]
    veil: npt.NDArray[np.bool_] | None = None  # hexes the viewer cannot see now
    stacks: list[StackView] = field(default_factory=list)
    selected_unit: int = -1
    selected_hex: int = -1
    hover_hex: int = -1
    reach: npt.NDArray[np.int32] | None = None  # hexes the selected unit can end on
    stops: npt.NDArray[np.int32] | None = None  # ... of which in enemy ZOC (movement ends)
    path: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)  # attackable enemy hexes
    attackers: list[int] = field(default_factory=list)  # units chosen for the attack
    target: int = -1
    declared: list[tuple[list[int], int]] = field(default_factory=list)  # (attacker hexes, target)
    out_of_supply: npt.NDArray[np.bool_] | None = None  # supply overlay: hexes beyond supply
    supply: SupplyPicture | None = None  # supply overlay: reach in stages, railways, entries
    pockets: list[npt.NDArray[np.int32]] = field(default_factory=list)
    zoc: npt.NDArray[np.bool_] | None = None
    markers: list[Marker] = field(default_factory=list)
    trails: list[Trail] = field(default_factory=list)
    now: float = 0.0
    ice: npt.NDArray[np.bool_] | None = None  # water frozen hard this turn (`terrain.ice_hexes`)
    # fortified belts standing: ([N] level 0-3, [N] side whose belt), `fortification.standing`;
    # they change only with control, so the control layer's caches carry them
    belts: tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]] | None = None
