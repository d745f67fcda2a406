"""Many games in lockstep: one combat-core call for a whole batch of games' combat phases gives
exactly what each game gets on its own."""

from __future__ import annotations

import numpy as np

from game.actions import Attack, EndPhase, Move
from game.rules import combat_phase
from game.scenario.model import load_scenario
from game.session import Game
from game.state import Phase
from tests.conftest import DATA


def game_with_declared_attacks(seed: int) -> Game | None:
    """Play a mini game randomly until a combat phase with declared attacks, or give up."""
    scenario = load_scenario(DATA / "mini.toml")
    game = Game(scenario, seed)
    rng = np.random.default_rng(seed)
    for _ in range(300):
        if game.state.over:
            return None
        actions = game.legal_actions()
        attacks = [a for a in actions if isinstance(a, Attack)]
        if game.state.phase == Phase.COMBAT and attacks:
            for attack in attacks:
                game.apply(attack)
            return game
        moves = [a for a in actions if isinstance(a, Move)]
        if moves and rng.random() < 0.8:
            game.apply(moves[int(rng.integers(len(moves)))])
        else:
            game.apply(EndPhase())
    return None


def test_lockstep_combat_phases_equal_one_game_at_a_time() -> None:
    games = [g for g in (game_with_declared_attacks(seed) for seed in range(40)) if g is not None]
    assert len(games) >= 5, "enough games reach a combat to compare"
    scenario = games[0].scenario
    together = [g.state.clone() for g in games]
    alone = [g.state.clone() for g in games]
    batch_events = combat_phase.resolve_phases(scenario, together)
    for state, events in zip(alone, batch_events, strict=True):
        assert combat_phase.resolve_declared(scenario, state) == events
    assert [s.state_hash() for s in together] == [s.state_hash() for s in alone]
    assert sum(len(e) for e in batch_events) >= len(games)  # every game fought
