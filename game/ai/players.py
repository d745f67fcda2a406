"""Computer players: the interface, the scenario's AI for a side, and one step of a driver.

Every player, human UI or AI, drives a `Game` through the same actions.

A `Player` is asked for one action at a time while it is its side's turn. It is handed its side's
`Observation` and nothing else, so it cannot see through the fog of war; whoever drives it applies
its answer with `Game.apply_order` (a move planned through the fog stops at first contact). It
draws any randomness from its own seeded generator, so AI-vs-AI runs are reproducible.
"""

from __future__ import annotations

from typing import Protocol

from game.actions import Action, EndPhase, Move
from game.engine import IllegalActionError
from game.events import Event
from game.observation import Observation, observe
from game.scenario.model import Scenario
from game.session import Game


class Player(Protocol):
    side: int

    def next_action(self, view: Observation) -> Action:
        """The next action for `self.side`, decided from its own observation; only called while
        that side is moving."""
        ...


class PassivePlayer:
    """Ends every phase at once: a baseline opponent and a stand-in for tests."""

    def __init__(self, side: int) -> None:
        self.side = side

    def next_action(self, view: Observation) -> Action:
        return EndPhase()


def make_player(scenario: Scenario, side: int, seed: int) -> Player:
    """The scenario's computer player for `side`: the scripted historical AI (`game.ai.scripted`),
    which follows the side's plan in the scenario file; its own randomness comes from `seed`."""
    from game.ai.scripted import HistoricalAI

    return HistoricalAI(scenario, side, seed)


def play_one(game: Game, player: Player) -> tuple[Action, list[Event]]:
    """Ask `player` (whose side is moving) for one action from its own observation and apply it
    as an order through the fog (`Game.apply_order`). A move that a hidden enemy blocks at its
    very first hex changes nothing and returns no events; any other refusal is a bug and raises."""
    action = player.next_action(observe(game.scenario, game.state, player.side))
    try:
        return action, game.apply_order(action)
    except IllegalActionError:
        if isinstance(action, Move):
            return action, []
        raise
