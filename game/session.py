"""A game in progress: scenario, seed, state, the action list, the log, and undo.

This is the single object the UI, the AI runner, saves and replays hold. Every change goes through
`Game.apply`, which records the action; undo restores the snapshot taken before a move or attack
declaration that drew no random number and revealed no enemy unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game import engine
from game.actions import Action, Attack, CancelAttack, Move, OrderBreakout
from game.events import Event
from game.rules import movement
from game.scenario.model import KnobValue, Scenario
from game.state import GameState, Phase


@dataclass(frozen=True)
class TurnHash:
    """The state hash at the start of `turn` (after the first side's automatic phases)."""

    turn: int
    action_count: int
    hash: str


@dataclass(frozen=True)
class PhaseHash:
    """The state hash whenever the phase, the side to move, the turn or the game's end changes:
    the checkpoints a save records, so a replay is checked phase by phase (`saves`)."""

    action_count: int
    turn: int
    hash: str


class Game:
    """A game and its history. `undo=False` (batch runs: nobody takes a move back) skips the
    snapshot kept before every action; the engine changes nothing when it refuses an action, so
    a refusal still leaves the game as it was."""

    def __init__(
        self, scenario: Scenario, seed: int, undo: bool = True, checkpoints: bool = True
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.keeps_undo = undo
        self.checkpoints = checkpoints  # phase hashes for a save; a batch game not saved skips them
        self.state, events = engine.new_game(scenario, seed)
        self.log: list[Event] = list(events)
        self.actions: list[Action] = []
        start = self.state.state_hash()
        self.turn_hashes: list[TurnHash] = [TurnHash(self.state.turn, 0, start)]
        self.phase_hashes: list[PhaseHash] = [PhaseHash(0, self.state.turn, start)]
        self._undo: list[tuple[GameState, int]] = []

    @property
    def knobs(self) -> dict[str, KnobValue]:
        return dict(self.scenario.knobs)

    def legal_actions(self) -> list[Action]:
        return list(engine.legal_actions(self.scenario, self.state))

    def apply(self, action: Action) -> list[Event]:
        """Apply an action; an illegal one raises `engine.IllegalActionError` and changes nothing."""
        turn, over = self.state.turn, self.state.over
        stage = self._stage()
        if not self.keeps_undo:
            events = engine.apply(self.scenario, self.state, action)
        else:
            snapshot = self.state.clone()
            rng_before = self.state.rng.bit_generator.state
            try:
                events = engine.apply(self.scenario, self.state, action)
            except engine.IllegalActionError:
                self.state = snapshot
                raise
            if self._undoable(action, snapshot, rng_before):
                self._undo.append((snapshot, len(events)))
            else:
                self._undo.clear()
        self.actions.append(action)
        self.log.extend(events)
        if self._stage() != stage:
            new_turn = self.state.turn != turn or (self.state.over and not over)
            if self.checkpoints or new_turn:
                digest = self.state.state_hash()
                if self.checkpoints:
                    self.phase_hashes.append(PhaseHash(len(self.actions), self.state.turn, digest))
                if new_turn:
                    self.turn_hashes.append(TurnHash(self.state.turn, len(self.actions), digest))
        return events

    def _stage(self) -> tuple[int, int, int, bool]:
        state = self.state
        return (state.turn, state.side_index, int(state.phase), state.over)

    def apply_order(self, action: Action) -> list[Event]:
        """Apply an action given through the fog of war: a move planned on what its side could
        see goes as far along its path as the true position allows (a hidden enemy stops it at
        contact), then stops; everything else is `apply`. Raises like `apply` when even the first
        hex of a move is not allowed."""
        try:
            return self.apply(action)
        except engine.IllegalActionError:
            if not isinstance(action, Move) or not self._movable(action.unit):
                raise
            state, u = self.state, action.unit
            k = movement.legal_prefix(
                self.scenario,
                state,
                u,
                action.path,
                int(state.movement_left[u]),
                rules=engine.movement_rules(self.scenario),
            )
            if k == 0 or k == len(action.path):
                raise
            return self.apply(Move(u, action.path[:k]))

    def _movable(self, u: int) -> bool:
        """The unit is one the moving side may move now (else a move is refused outright)."""
        scenario, state = self.scenario, self.state
        return (
            0 <= u < scenario.units.count
            and state.hex[u] >= 0
            and int(scenario.units.side[u]) == engine.moving_side(scenario, state)
            and state.phase in (Phase.MOVEMENT, Phase.EXPLOITATION)
        )

    def _undoable(self, action: Action, before: GameState, rng_before: object) -> bool:
        if not isinstance(action, Move | Attack | CancelAttack | OrderBreakout):
            return False
        if self.state.rng.bit_generator.state != rng_before:
            return False
        newly_seen = (self.state.seen_turn == self.state.turn) & (
            before.seen_turn != self.state.turn
        )
        return not bool(np.any(newly_seen))

    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> bool:
        """Take back the last undoable action; False when there is none."""
        if not self._undo:
            return False
        snapshot, n_events = self._undo.pop()
        self.state = snapshot
        self.actions.pop()
        n = len(self.actions)
        self.phase_hashes = [p for p in self.phase_hashes if p.action_count <= n]
        self.turn_hashes = [t for t in self.turn_hashes if t.action_count <= n]
        if n_events:
            del self.log[-n_events:]
        return True
