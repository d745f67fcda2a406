"""A pocket's breakout ordered in the middle of a game (`OrderBreakout`): one action through the
one `apply` path, so undo, saves and replays carry it; the scripted AI orders it when its plan
says so. Winter Storm's 6th Army is the pocket."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from game import engine
from game.actions import EndPhase, Move, OrderBreakout, from_json, to_json
from game.ai.players import make_player, play_one
from game.ai.scripted import HistoricalAI
from game.cli import main
from game.observation import observe
from game.rules import breakout
from game.saves import load_game, save_game
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.sim.runner import ai_seed
from game.state import Phase

ROOT = Path(__file__).resolve().parent.parent
WINTER_STORM = ROOT / "scenarios" / "winter_storm_1942.toml"


@pytest.fixture(scope="module")
def winter_storm() -> Scenario:
    return load_scenario(WINTER_STORM)


def sixth_army(scenario: Scenario) -> np.ndarray:
    units = scenario.units
    picked: np.ndarray = np.array(units.formations)[units.formation] == "6th Army"
    return picked


def test_ordering_the_breakout_pays_once_and_frees_the_pocket_to_move(
    winter_storm: Scenario,
) -> None:
    game = Game(winter_storm, seed=5)
    axis = winter_storm.side_table.index("axis")
    pocket = sixth_army(winter_storm)
    units = winter_storm.units
    assert (game.state.movement_left[pocket] == 0).all()  # standing fast
    assert OrderBreakout() in list(engine.legal_actions(winter_storm, game.state))
    steps = game.state.steps.copy()
    events = game.apply(OrderBreakout())
    state = game.state
    assert state.breakouts == ((axis, 1),)
    assert (state.steps[pocket] == steps[pocket] - 1).all()
    assert (state.steps[~pocket] == steps[~pocket]).all()
    assert (state.movement_left[pocket] > 0).all()
    [ordered] = [e for e in events if e.kind == "breakout"]
    assert set(ordered.units) == set(np.nonzero(pocket)[0].tolist())
    [paid] = [e for e in events if e.kind == "losses"]
    lost = units.men[pocket] // units.max_steps[pocket]
    assert paid.data == {"men": int(lost.sum()), "tanks": paid.data["tanks"], "steps": 9, "cause": "breakout"}
    assert OrderBreakout() not in list(engine.legal_actions(winter_storm, state))
    with pytest.raises(engine.IllegalActionError, match="already begun"):
        game.apply(OrderBreakout())
    # the dated breakout (a knob) does not charge a pocket that has already paid
    assert not breakout.begin_breakout(winter_storm, state, axis).any()


def test_the_order_is_given_in_ones_own_movement_phase_only(winter_storm: Scenario) -> None:
    game = Game(winter_storm, seed=5)
    game.apply(EndPhase())
    assert game.state.phase == Phase.COMBAT
    with pytest.raises(engine.IllegalActionError, match="movement phase"):
        game.apply(OrderBreakout())
    while game.state.side_index == 0:
        game.apply(EndPhase())
    assert game.state.phase == Phase.MOVEMENT  # the Soviets' turn: they have no pocket
    with pytest.raises(engine.IllegalActionError, match="no pocket"):
        game.apply(OrderBreakout())
    assert OrderBreakout() not in list(engine.legal_actions(winter_storm, game.state))


def test_the_order_can_be_taken_back(winter_storm: Scenario) -> None:
    game = Game(winter_storm, seed=5)
    before = game.state.state_hash()
    game.apply(OrderBreakout())
    assert game.state.state_hash() != before
    assert game.undo()
    assert game.state.state_hash() == before and game.state.breakouts == ()
    assert not game.actions


def test_a_game_with_the_order_saves_and_replays_exactly(
    winter_storm: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    game = Game(winter_storm, seed=8)
    game.apply(OrderBreakout())
    pocket = np.nonzero(sixth_army(winter_storm))[0]
    u = int(pocket[0])
    reach = engine.unit_moves(winter_storm, game.state, u)
    far = [h for h in reach.destinations().tolist() if h != game.state.hex[u]]
    game.apply(Move(u, tuple(reach.path_to(far[0])[1:])))
    for _ in range(6):  # into the Soviet turn and back: the next German turn moves freely
        game.apply(EndPhase())
    assert game.state.turn == 2 and game.state.phase == Phase.MOVEMENT
    assert (game.state.movement_left[pocket] > 0).all()
    assert to_json(winter_storm, OrderBreakout()) == {"type": "order_breakout"}
    assert from_json(winter_storm, {"type": "order_breakout"}) == OrderBreakout()
    path = tmp_path / "breakout.json"
    save_game(game, path)
    assert '"order_breakout"' in path.read_text(encoding="utf-8")
    loaded = load_game(path, check=True)
    assert loaded.state.state_hash() == game.state.state_hash()
    assert loaded.state.breakouts == game.state.breakouts
    assert main(["replay", str(path), "--check"]) == 0
    assert "replay matches every recorded state hash" in capsys.readouterr().out


def test_a_game_without_the_order_hashes_as_before(winter_storm: Scenario) -> None:
    """The order's record enters the state hash only once given: older saves keep their hashes."""
    state = Game(winter_storm, seed=5, undo=False).state
    plain = state.state_hash()
    ordered = dataclasses.replace(state.clone(), breakouts=((0, 1),))
    assert ordered.state_hash() != plain
    assert dataclasses.replace(state.clone(), breakouts=()).state_hash() == plain


def _plan_with_thunderclap(scenario: Scenario) -> Scenario:
    """Winter Storm with the Germans' first plan phase telling 6th Army to break out."""
    plan = scenario.spec.plans["axis"]
    first = plan.phases[0]
    tasks = [
        t.model_copy(update={"posture": "breakout", "toward": ["LVII Panzer Corps"], "objectives": []})
        if t.formations == ["6th Army"]
        else t
        for t in first.tasks
    ]
    phases = [first.model_copy(update={"tasks": tasks}), *plan.phases[1:]]
    plans = {**scenario.spec.plans, "axis": plan.model_copy(update={"phases": phases})}
    return dataclasses.replace(scenario, spec=scenario.spec.model_copy(update={"plans": plans}))


def test_the_ai_orders_the_breakout_when_its_plan_says_so(winter_storm: Scenario) -> None:
    axis = winter_storm.side_table.index("axis")
    called = _plan_with_thunderclap(winter_storm)
    game = Game(called, seed=3, undo=False)
    player = make_player(called, axis, ai_seed(3, axis))
    assert isinstance(player, HistoricalAI)
    pocket = sixth_army(called)
    start = game.state.hex.copy()
    action, _ = play_one(game, player)
    assert action == OrderBreakout() and game.state.breakouts == ((axis, 1),)
    while game.state.side_index == 0 and not game.state.over:
        action, _ = play_one(game, player)
        assert not isinstance(action, OrderBreakout)
    assert (game.state.hex[pocket] != start[pocket]).any()  # the pocket moved on turn 1

    # the historical plan never calls for it: 6th Army stands fast through the first turn
    game = Game(winter_storm, seed=3, undo=False)
    player = make_player(winter_storm, axis, ai_seed(3, axis))
    while game.state.side_index == 0:
        action, _ = play_one(game, player)
        assert not isinstance(action, OrderBreakout)
    assert game.state.breakouts == ()
    assert observe(winter_storm, game.state, axis).breakout_ordered == 0


def test_pocket_units_that_join_the_relief_score_and_those_cut_off_do_not(
    winter_storm: Scenario,
) -> None:
    """`victory.joined`: points for each step of 6th Army next to a unit of LVII Panzer Corps
    (or in overland supply) at the end; none while the pocket is cut off."""
    from game.rules import victory

    state = Game(winter_storm, seed=5, undo=False).state
    assert victory.joined_points(winter_storm, state) == 0.0  # cut off, the relief far away
    units = winter_storm.units
    u, relief = int(np.nonzero(sixth_army(winter_storm))[0][0]), units.index("panzer_6")
    before = victory.victory_points(winter_storm, state)
    moved = state.clone()
    free = [
        int(n)
        for n in winter_storm.map.neighbor[state.hex[relief]].tolist()
        if n >= 0 and not (state.active & (state.hex == n)).any()
    ]
    moved.hex[u] = free[0]
    [rule] = winter_storm.spec.victory.joined
    worth = rule.vp_per_step * float(state.steps[u])
    assert victory.joined_points(winter_storm, moved) == worth
    assert victory.victory_points(winter_storm, moved) == before + worth
    assert victory.vp_breakdown(winter_storm, moved)["joined"] == worth
    kharkov = load_scenario(ROOT / "scenarios" / "kharkov_1943.toml")
    assert victory.joined_points(kharkov, Game(kharkov, seed=1, undo=False).state) == 0.0


def test_a_joined_rule_that_names_no_formation_of_the_file_is_one_clear_line(
    tmp_path: Path,
) -> None:
    from game.scenario.errors import FileProblemError

    text = WINTER_STORM.read_text(encoding="utf-8").replace(
        'to = ["LVII Panzer Corps"]', 'to = ["LVII Panzer Korps"]'
    )
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "don_volga.toml").write_text(
        (ROOT / "scenarios" / "maps" / "don_volga.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    path = tmp_path / "ws.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileProblemError) as info:
        load_scenario(path)
    [problem] = [str(p) for p in info.value.problems]
    assert "victory.joined.0.to.0" in problem and "LVII Panzer Korps" in problem
