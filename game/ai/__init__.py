"""Computer players. Every player, human UI or AI, drives a `Game` through the same actions.

A `Player` is asked for one action at a time while it is its side's turn; it must decide from its
own side's `observe(...)` view only (fog of war), and draw any randomness from its own seeded
generator so that AI-vs-AI runs are reproducible.
"""

from __future__ import annotations

from typing import Protocol

from game.actions import Action, EndPhase
from game.enums import Side
from game.session import Game


class Player(Protocol):
    side: Side

    def next_action(self, game: Game) -> Action:
        """The next action for `self.side`; only called while that side is moving."""
        ...


class PassivePlayer:
    """Ends every phase at once: a baseline opponent and a stand-in for tests."""

    def __init__(self, side: Side) -> None:
        self.side = side

    def next_action(self, game: Game) -> Action:
        return EndPhase()


def make_player(game: Game, side: Side, seed: int) -> Player:
    """The scenario's computer player for `side`: the scripted historical AI (`game.ai.scripted`),
    which follows the side's plan in the scenario file; its own randomness comes from `seed`."""
    from game.ai.scripted import HistoricalAI

    return HistoricalAI(game.scenario, side, seed)
