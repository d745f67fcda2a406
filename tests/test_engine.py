"""The engine: turn sequence, the single action path, determinism, undo, fog of war and invariants
under random legal play."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game import engine
from game.actions import Action, Attack, EndPhase, Move
from game.narrate import event_text
from game.observation import observe
from game.rules.losses import accounting
from game.rules.visibility import RECON_KM
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.state import Phase, UnitStatus
from tests.conftest import DATA, MiniWriter

AXIS, SOVIET = 0, 1  # side numbers of the test scenarios (their move order)

MINI = DATA / "mini.toml"


@pytest.fixture(scope="module")
def mini_scenario() -> Scenario:
    return load_scenario(MINI)


def play_randomly(game: Game, seed: int, max_actions: int = 400) -> list[Action]:
    """Random legal play: attacks when possible, moves often, phases end now and then."""
    rng = np.random.default_rng(seed)
    chosen: list[Action] = []
    while not game.state.over and len(chosen) < max_actions:
        actions = game.legal_actions()
        attacks = [a for a in actions if isinstance(a, Attack)]
        moves = [a for a in actions if isinstance(a, Move)]
        if attacks and rng.random() < 0.8:
            action: Action = attacks[int(rng.integers(len(attacks)))]
        elif moves and rng.random() < 0.75:
            action = moves[int(rng.integers(len(moves)))]
        else:
            action = EndPhase()
        game.apply(action)
        chosen.append(action)
        check_invariants(game)
    return chosen


def check_invariants(game: Game) -> None:
    scenario, state = game.scenario, game.state
    units = scenario.units
    assert (state.steps >= 0).all() and (state.steps <= units.max_steps).all()
    on_map = state.hex >= 0
    assert (on_map == (state.status == UnitStatus.ACTIVE)).all(), "on the map exactly when active"
    assert (state.steps[state.status == UnitStatus.ACTIVE] > 0).all()
    limit = scenario.spec.scenario.stacking_limit
    for h in np.unique(state.hex[on_map]):
        here = units.side[state.hex == h]
        assert len(set(here.tolist())) == 1, f"enemy units share hex {h}"
        assert len(here) <= limit, f"stacking limit broken in hex {h}"
        assert state.control[h] == here[0], "a unit's hex is controlled by its side"
    for side in scenario.sides:
        books = accounting(scenario, state, side)
        assert (
            books["start"] + books["arrived"] - books["lost"] - books["withdrawn"]
            == books["present"]
        )


def test_a_new_game_opens_with_the_first_side_moving(mini_scenario: Scenario) -> None:
    game = Game(mini_scenario, seed=1)
    assert game.state.turn == 1 and game.state.phase == Phase.MOVEMENT
    assert engine.moving_side(mini_scenario, game.state) == AXIS
    das_reich = mini_scenario.units.index("das_reich")
    assert game.state.movement_left[das_reich] == 20  # 10 MP in half-MP cost units
    assert game.state.status[mini_scenario.units.index("rifle_62gd")] == UnitStatus.WAITING


def test_same_seed_and_actions_give_the_same_game(mini_scenario: Scenario) -> None:
    first = Game(mini_scenario, seed=11)
    actions = play_randomly(first, seed=5)
    second = Game(mini_scenario, seed=11)
    for action in actions:
        second.apply(action)
    assert first.state.state_hash() == second.state.state_hash()
    assert first.log == second.log


def test_random_legal_play_reaches_the_end_without_breaking_invariants(
    mini_scenario: Scenario,
) -> None:
    game = Game(mini_scenario, seed=3)
    play_randomly(game, seed=9, max_actions=2000)
    assert game.state.over
    assert game.state.level in ("decisive", "marginal", "draw")
    assert any(e.kind == "combat" for e in game.log)
    assert any(e.kind == "game_over" for e in game.log)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(game_seed=st.integers(0, 2**32 - 1), play_seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_under_any_random_legal_play(game_seed: int, play_seed: int) -> None:
    game = Game(load_scenario(MINI), seed=game_seed)
    play_randomly(game, seed=play_seed, max_actions=150)


def test_a_move_takes_control_and_costs_movement(mini_scenario: Scenario) -> None:
    game = Game(mini_scenario, seed=1)
    u = mini_scenario.units.index("das_reich")
    reach = engine.unit_moves(mini_scenario, game.state, u)
    target = int(reach.destinations()[np.argmax(reach.cost[reach.destinations()])])
    path = reach.path_to(target)[1:]
    game.apply(Move(u, tuple(path)))
    assert game.state.hex[u] == target
    assert (game.state.control[path] == AXIS).all()
    assert (
        game.state.movement_left[u] == 20 - reach.cost[target] or game.state.movement_left[u] == 0
    )


def test_illegal_actions_are_refused_and_change_nothing(mini_scenario: Scenario) -> None:
    game = Game(mini_scenario, seed=1)
    before = game.state.state_hash()
    soviet = mini_scenario.units.index("rifle_19")
    axis = mini_scenario.units.index("das_reich")
    with pytest.raises(engine.IllegalActionError, match="not yours"):
        game.apply(Move(soviet, (int(mini_scenario.map.neighbor[game.state.hex[soviet], 0]),)))
    with pytest.raises(engine.IllegalActionError, match="combat phase"):
        game.apply(Attack((axis,), int(game.state.hex[soviet])))
    far = int(game.state.hex[soviet])
    with pytest.raises(engine.IllegalActionError, match="cannot move along that path"):
        game.apply(Move(axis, (far,)))
    assert game.state.state_hash() == before and game.actions == []


def test_undo_restores_a_move_exactly(mini_scenario: Scenario) -> None:
    game = Game(mini_scenario, seed=1)
    before = game.state.state_hash()
    u = mini_scenario.units.index("lssah")
    step = int(mini_scenario.map.neighbor[game.state.hex[u], 3])  # west, away from the enemy
    game.apply(Move(u, (step,)))
    assert game.can_undo()
    assert game.undo()
    assert game.state.state_hash() == before and game.actions == []


def test_no_undo_past_a_phase_end_or_a_die_roll(mini_scenario: Scenario) -> None:
    game = Game(mini_scenario, seed=1)
    game.apply(EndPhase())
    assert not game.can_undo() and not game.undo()


def test_attacks_are_declared_then_resolved_together(mini_scenario: Scenario) -> None:
    game = Game(mini_scenario, seed=4)
    units = mini_scenario.units
    grid = mini_scenario.map
    kharkov = grid.city_by_id("kharkov")
    assert kharkov is not None
    das_reich, lssah = units.index("das_reich"), units.index("lssah")
    # march both panzer divisions next to Kharkov, then attack it
    for u in (das_reich, lssah):
        reach = engine.unit_moves(mini_scenario, game.state, u)
        options = [int(h) for h in reach.destinations() if kharkov.hex in grid.neighbor[h]]
        assert options, "the panzer divisions can reach Kharkov's outskirts"
        game.apply(Move(u, tuple(reach.path_to(options[0])[1:])))
    game.apply(EndPhase())
    rng_before = game.state.rng.bit_generator.state
    game.apply(Attack((das_reich, lssah), kharkov.hex))
    assert game.state.rng.bit_generator.state == rng_before  # declaring draws nothing
    assert game.can_undo()
    events = game.apply(EndPhase())
    assert game.state.phase == Phase.EXPLOITATION
    combat = [e for e in events if e.kind == "combat"]
    assert len(combat) == 1 and "Kharkov" in event_text(mini_scenario, combat[0])
    assert game.state.fatigue[das_reich] == 1 and game.state.attacked[das_reich]


def test_exploitation_moves_only_mechanised_units(mini_writer_scenario: Scenario) -> None:
    scenario = mini_writer_scenario
    game = Game(scenario, seed=2)
    game.apply(EndPhase())
    game.apply(EndPhase())
    assert game.state.phase == Phase.EXPLOITATION
    movable = engine.movable_units(scenario, game.state).tolist()
    names = {scenario.units.ids[u] for u in movable}
    assert names == {"das_reich", "lssah"}
    assert game.state.movement_left[scenario.units.index("das_reich")] == 10  # half of 10 MP


@pytest.fixture
def mini_writer_scenario(mini: MiniWriter) -> Scenario:
    return load_scenario(mini())


def test_reinforcements_arrive_on_their_turn(mini_scenario: Scenario) -> None:
    game = Game(mini_scenario, seed=1)
    u = mini_scenario.units.index("rifle_62gd")
    for _ in range(3):  # axis movement, combat, exploitation: soviet turn 1 begins
        game.apply(EndPhase())
    assert game.state.status[u] == UnitStatus.WAITING
    for _ in range(6):  # the rest of turn 1 and the axis half of turn 2
        game.apply(EndPhase())
    assert game.state.turn == 2 and engine.moving_side(mini_scenario, game.state) == SOVIET
    assert game.state.status[u] == UnitStatus.ACTIVE
    assert any(e.kind == "arrival" and u in e.units for e in game.log)


def test_a_game_nobody_plays_ends_by_points_after_the_last_turn(mini_scenario: Scenario) -> None:
    game = Game(mini_scenario, seed=1)
    while not game.state.over:
        game.apply(EndPhase())
    assert game.state.turn == mini_scenario.turns
    # nobody moved: the Soviets keep Kharkov and Belgorod, the Germans score 0 < 10
    assert game.state.winner == SOVIET and game.state.level == "marginal"
    with pytest.raises(engine.IllegalActionError, match="over"):
        game.apply(EndPhase())


def test_fog_of_war_hides_distant_enemies(mini_scenario: Scenario) -> None:
    game = Game(mini_scenario, seed=1)
    view = observe(mini_scenario, game.state, AXIS)
    rifle = mini_scenario.units.index("rifle_19")
    das_reich = mini_scenario.units.index("das_reich")
    distance = engine.hexgrid.distance(
        mini_scenario.map.hex_of(int(game.state.hex[rifle])),
        mini_scenario.map.hex_of(int(game.state.hex[das_reich])),
    )
    assert view.visible[das_reich] and view.hex[das_reich] == game.state.hex[das_reich]
    assert view.visible[rifle] == (distance <= mini_scenario.scale.hexes(RECON_KM))
    if not view.visible[rifle]:
        assert view.hex[rifle] == -1 and view.steps[rifle] == -1
    assert view.movement_left[rifle] == 0 and view.supply[rifle] == 0  # no peeking at enemy state


def test_state_clone_is_independent_and_hash_stable(mini_scenario: Scenario) -> None:
    game = Game(mini_scenario, seed=8)
    copy = game.state.clone()
    assert copy.state_hash() == game.state.state_hash()
    copy.steps[0] -= 1
    copy.rng.integers(6)
    assert copy.state_hash() != game.state.state_hash()


def test_the_real_scenario_plays_a_full_turn(tmp_path: Path) -> None:
    scenario = load_scenario(Path(__file__).parent.parent / "scenarios" / "kharkov_1943.toml")
    game = Game(scenario, seed=1943)
    for _ in range(6):
        game.apply(EndPhase())
    assert game.state.turn == 2
    check_invariants(game)
    # Totenkopf is due on 21 February (turn 2)
    if "totenkopf" in scenario.units.ids:
        assert game.state.status[scenario.units.index("totenkopf")] == UnitStatus.ACTIVE


def test_an_enemy_that_moves_out_of_view_is_hidden_where_it_went(mini_scenario: Scenario) -> None:
    """A German division drives into the Soviets' sight and out of it again in one move phase:
    their observation loses it and keeps only where it was last seen (it used to stay in view at
    its true position for the rest of the turn, because it had been seen that turn)."""
    game = Game(mini_scenario, seed=1)
    grid = mini_scenario.map
    soviet_hexes = game.state.hex[game.state.active & (mini_scenario.units.side == SOVIET)]
    recon = mini_scenario.scale.hexes(RECON_KM)

    def nearest_soviet(h: int) -> int:
        here = grid.hex_of(h)
        return min(engine.hexgrid.distance(here, grid.hex_of(int(s))) for s in soviet_hexes)

    u = mini_scenario.units.index("das_reich")
    reach = engine.unit_moves(mini_scenario, game.state, u)
    in_sight = [
        h
        for h in reach.destinations().tolist()
        if nearest_soviet(h) == recon and reach.left_after(h) >= reach.allowance // 2
    ]
    assert in_sight, "Das Reich can drive into view without stopping in a zone of control"
    game.apply(Move(u, tuple(reach.path_to(in_sight[0])[1:])))
    seen_at = int(game.state.hex[u])
    assert observe(mini_scenario, game.state, SOVIET).visible[u]
    reach = engine.unit_moves(mini_scenario, game.state, u)
    away = [h for h in reach.destinations().tolist() if nearest_soviet(h) > recon]
    assert away, "and out of it again"
    game.apply(Move(u, tuple(reach.path_to(away[0])[1:])))
    after = observe(mini_scenario, game.state, SOVIET)
    assert game.state.seen_turn[SOVIET, u] == game.state.turn  # seen earlier this turn
    assert not after.visible[u] and after.hex[u] == -1 and after.steps[u] == -1
    assert after.last_seen_hex[u] == seen_at != int(game.state.hex[u])
