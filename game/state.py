"""What changes during a game: unit and hex arrays, the clock, losses and the random generator.

A `GameState` is a struct of numpy arrays (one per unit attribute, one per hex layer) plus a few
scalars, so rules are array operations and a batch of games can later stack the same arrays on a
leading axis. The static facts (map, order of battle, calendar) live in `Scenario`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from game.actions import Attack
from game.enums import NO_SIDE
from game.scenario.model import Scenario


class Phase(IntEnum):
    """The phases of one side's part of a game turn, in order."""

    REINFORCEMENT = 0  # arrivals and withdrawals (automatic)
    SUPPLY = 1  # supply traced, out-of-supply effects (automatic)
    MOVEMENT = 2
    COMBAT = 3
    EXPLOITATION = 4  # second movement for mechanised units
    END = 5  # control, victory check, hand-over (automatic)


class UnitStatus(IntEnum):
    WAITING = 0  # reinforcement not yet arrived
    ACTIVE = 1  # on the map
    ELIMINATED = 2  # destroyed in combat or by attrition
    WITHDRAWN = 3  # taken off the map by the scenario
    SURRENDERED = 4  # isolated and gave up


_ACTIVE = int(UnitStatus.ACTIVE)  # a plain int: read on every move


@dataclass
class GameState:
    """Everything that changes. Arrays are owned by the state: `clone` copies them."""

    # units, indexed like scenario.units
    hex: npt.NDArray[np.int32]  # flat hex index, -1 when not on the map
    steps: npt.NDArray[np.int8]
    status: npt.NDArray[np.uint8]  # UnitStatus
    movement_left: npt.NDArray[np.int16]  # movement points left this phase, in cost units
    supply: npt.NDArray[np.uint8]  # 0 in supply, n = turns out of supply so far
    fatigue: npt.NDArray[np.uint8]
    attacked: npt.NDArray[np.bool_]  # took part in an attack this combat phase
    men_lost: npt.NDArray[np.int32]  # per unit, counted when steps are lost
    tanks_lost: npt.NDArray[np.int32]
    # hexes
    control: npt.NDArray[np.uint8]  # side holding each hex (NO_SIDE: nobody)
    control_changed: npt.NDArray[np.int16]  # turn a hex last changed hands, 0 never
    # what each side has seen of each enemy unit: turn last seen, 0 never (fog of war)
    seen_turn: npt.NDArray[np.int16]  # [sides, units]
    seen_hex: npt.NDArray[np.int32]  # [sides, units] where it was last seen, -1 never
    # clock
    turn: int
    side_index: int  # index into scenario.sides of the side now moving
    phase: Phase
    rng: np.random.Generator
    declared: tuple[Attack, ...] = ()  # attacks declared this combat phase, resolved at its end
    winner: int = NO_SIDE  # the winning team, or NO_SIDE while the game goes on / for a draw
    level: str = ""  # "decisive", "marginal", "draw" once over
    over: bool = False
    # (side, turn) of each breakout a side has ordered (`game.rules.breakout`), in order given
    breakouts: tuple[tuple[int, int], ...] = ()

    ARRAY_FIELDS = (
        "hex",
        "steps",
        "status",
        "movement_left",
        "supply",
        "fatigue",
        "attacked",
        "men_lost",
        "tanks_lost",
        "control",
        "control_changed",
        "seen_turn",
        "seen_hex",
    )

    @property
    def active(self) -> npt.NDArray[np.bool_]:
        on_map: npt.NDArray[np.bool_] = self.status == _ACTIVE
        return on_map

    def side(self, scenario: Scenario) -> int:
        """The side now moving."""
        return scenario.sides[self.side_index]

    def clone(self) -> GameState:
        copy = GameState(
            **{name: getattr(self, name).copy() for name in self.ARRAY_FIELDS},
            turn=self.turn,
            side_index=self.side_index,
            phase=self.phase,
            rng=np.random.Generator(np.random.PCG64()),
            declared=self.declared,
            winner=self.winner,
            level=self.level,
            over=self.over,
            breakouts=self.breakouts,
        )
        copy.rng.bit_generator.state = self.rng.bit_generator.state
        return copy

    def state_hash(self) -> str:
        """A stable digest of everything that decides the rest of the game."""
        digest = hashlib.sha256()
        for name in self.ARRAY_FIELDS:
            array = np.ascontiguousarray(getattr(self, name))
            digest.update(name.encode())
            digest.update(str(array.dtype).encode())
            digest.update(str(array.shape).encode())
            digest.update(array.tobytes())
        rng_state: Any = self.rng.bit_generator.state
        digest.update(repr(sorted(_flatten(rng_state))).encode())
        digest.update(
            f"{self.turn}|{self.side_index}|{int(self.phase)}|{self.winner}|{self.level}|{self.over}".encode()
        )
        digest.update(repr(self.declared).encode())
        if self.breakouts:  # only games that ordered one: older games keep their hashes
            digest.update(f"breakouts{self.breakouts!r}".encode())
        return digest.hexdigest()


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        out: list[tuple[str, str]] = []
        for key, item in value.items():
            out.extend(_flatten(item, f"{prefix}.{key}"))
        return out
    return [(prefix, str(value))]


def new_state(scenario: Scenario, seed: int) -> GameState:
    """The position at the start of turn 1, before the first side's reinforcement phase."""
    units = scenario.units
    n_units = units.count
    at_start = units.arrive_turn == 1
    hexes = np.where(at_start, units.start_hex, -1).astype(np.int32)
    control_changed = np.zeros(scenario.map.size, dtype=np.int16)
    return GameState(
        hex=hexes,
        steps=units.max_steps.copy(),
        status=np.where(at_start, UnitStatus.ACTIVE, UnitStatus.WAITING).astype(np.uint8),
        movement_left=np.zeros(n_units, dtype=np.int16),
        supply=np.zeros(n_units, dtype=np.uint8),
        fatigue=np.zeros(n_units, dtype=np.uint8),
        attacked=np.zeros(n_units, dtype=np.bool_),
        men_lost=np.zeros(n_units, dtype=np.int32),
        tanks_lost=np.zeros(n_units, dtype=np.int32),
        control=scenario.control.copy(),
        control_changed=control_changed,
        seen_turn=np.zeros((len(scenario.sides), n_units), dtype=np.int16),
        seen_hex=np.full((len(scenario.sides), n_units), -1, dtype=np.int32),
        turn=1,
        side_index=0,
        phase=Phase.REINFORCEMENT,
        rng=np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed))),
    )


def state_fields() -> list[str]:
    return [f.name for f in fields(GameState)]
