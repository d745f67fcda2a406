"""Fortified belts (`game.rules.fortification`): levels in combat for the belt side's team until
the enemy takes the hex, a move that ends on entering an enemy belt, the knob that changes the
levels, belts dated to stand from a turn (and the knob that moves the date), and nothing at all
for a file that does not switch the rule on."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from game.actions import Attack
from game.rules import fortification, movement
from game.rules.combat_phase import CombatGround, combat_spec
from game.rules.control import take_control
from game.scenario.build import build
from game.scenario.loader import Reporter
from game.scenario.model import Scenario, load_scenario
from game.scenario.schema import RulesSpec
from game.state import GameState
from tests.conftest import MiniWriter
from tests.test_scenario_validation import problems_of
from tests.worlds import AXIS, SOVIET, at, blank_grid, world

KURSK = Path(__file__).resolve().parent.parent / "scenarios" / "kursk_1943.toml"
COLS, ROWS = 10, 3
BELT_COLS = (4, 5)  # a band two hexes deep across the whole map, level 2, Soviet


def belt_world(switched_on: bool = True) -> tuple[Scenario, GameState]:
    """A panzer division (side axis) at the west end, a rifle unit in the belt; the Soviets hold
    everything from the belt east."""
    grid = blank_grid(COLS, ROWS)
    control = np.full(grid.size, AXIS, dtype=np.uint8)
    levels = np.zeros((2, grid.size), dtype=np.uint8)
    for row in range(ROWS):
        for col in range(4, COLS):
            control[at(grid, col, row)] = SOVIET
        for col in BELT_COLS:
            levels[SOVIET, at(grid, col, row)] = 2
    scenario, state = world(
        grid,
        [(AXIS, at(grid, 0, 1)), (SOVIET, at(grid, 5, 0)), (AXIS, at(grid, 4, 1))],
        control=control,
    )
    state.hex[2] = -1  # the attacker, placed when needed
    state.status[2] = 0
    rules = RulesSpec(fortified_belts=switched_on)
    scenario = dataclasses.replace(
        scenario, spec=scenario.spec.model_copy(update={"rules": rules}), fortification=levels
    )
    return scenario, state


def test_defenders_in_a_belt_hex_get_its_level_in_the_combat_the_ai_and_preview_see() -> None:
    scenario, state = belt_world()
    target = at(scenario.map, 5, 0)
    state.hex[0] = at(scenario.map, 4, 0)  # next to the belt hex, on ground the axis took
    state.control[state.hex[0]] = AXIS
    attack = Attack((0,), target)
    ground = CombatGround.of(scenario, state, AXIS, [SOVIET])
    assert combat_spec(scenario, state, attack, ground).fortification == 2
    assert int(fortification.levels(scenario, state, SOVIET)[target]) == 2
    assert int(fortification.levels(scenario, state, AXIS)[target]) == 0


def test_a_belt_hex_the_enemy_took_stays_unfortified_when_retaken() -> None:
    scenario, state = belt_world()
    h = at(scenario.map, 5, 1)
    state.turn = 2
    take_control(scenario, state, AXIS, np.array([h], dtype=np.int32))
    assert fortification.levels(scenario, state, SOVIET)[h] == 0
    take_control(scenario, state, SOVIET, np.array([h], dtype=np.int32))
    assert fortification.levels(scenario, state, SOVIET)[h] == 0
    assert fortification.levels(scenario, state, SOVIET)[at(scenario.map, 5, 2)] == 2


def test_entering_an_enemy_belt_hex_ends_the_move() -> None:
    scenario, state = belt_world()
    grid = scenario.map
    reach = movement.legal_moves(scenario, state, 0, allowance=40)
    first = at(grid, 4, 1)
    assert reach.cost[first] == 2 * 4  # four clear hexes: the belt does not cost more to enter
    assert reach.stops[first] and reach.left_after(first) == 0
    for col in range(6, COLS):  # nothing beyond the belt is reached through it
        assert reach.cost[at(grid, col, 1)] == -1
    path = reach.path_to(first)
    assert movement.check_move(scenario, state, 0, path, 40) == (8, True)
    assert movement.check_move(scenario, state, 0, [*path, at(grid, 5, 1)], 40) is None


def test_a_belt_the_mover_holds_does_not_stop_it() -> None:
    scenario, state = belt_world()
    state.hex[1] = at(scenario.map, 9, 2)  # the Soviet unit moves along its own belt
    reach = movement.legal_moves(scenario, state, 1, allowance=8)
    assert not reach.stops.any()


def test_without_the_switch_belts_change_nothing() -> None:
    on, state_on = belt_world(True)
    off, state_off = belt_world(False)
    assert not fortification.levels(off, state_off, SOVIET).any()
    assert fortification.enemy_belts(off, state_off, AXIS) is None
    reach = movement.legal_moves(off, state_off, 0, allowance=40)
    assert reach.cost[at(off.map, 7, 1)] > 0
    assert movement.legal_moves(on, state_on, 0, allowance=40).cost[at(on.map, 7, 1)] == -1


@pytest.fixture(scope="module")
def kursk() -> Scenario:
    return load_scenario(KURSK)


def test_the_belt_knob_lowers_every_level_and_clips_at_zero(kursk: Scenario) -> None:
    assert kursk.fortification is not None
    base = kursk.fortification.astype(int)
    may = kursk.with_knobs({"belt_levels_change": -1}).fortification
    assert may is not None
    assert base.max() == 3 and may.max() == 2
    assert np.array_equal(may.astype(int), np.clip(base - 1, 0, 3))
    none = kursk.with_knobs({"belt_levels_change": -2}).fortification
    assert none is not None and none.max() == 1


def test_belts_without_the_rule_switched_on_are_refused(kursk: Scenario) -> None:
    spec = kursk.spec.model_copy(update={"rules": RulesSpec()})
    reporter = Reporter(KURSK, "")
    assert build(spec, kursk.map, kursk.default_knobs(), reporter) is None
    assert any(p.path == ("rules", "fortified_belts") for p in reporter.problems)


def test_old_rules_versions_play_without_belts(kursk: Scenario) -> None:
    from game.state import new_state

    state = new_state(kursk, seed=1)
    assert fortification.levels(kursk, state, SOVIET).max() == 3
    assert not fortification.levels(kursk.under_rules(2), state, SOVIET).any()


# --- dated belts (`from`) ---------------------------------------------------------------------


def dated_world(ready_turn: int) -> tuple[Scenario, GameState]:
    """`belt_world` with its belt dated: it stands from `ready_turn` and gives nothing before."""
    scenario, state = belt_world()
    assert scenario.fortification is not None
    layer = scenario.fortification
    none = np.zeros_like(layer)
    return dataclasses.replace(
        scenario, fortification=none, fortification_dated=((ready_turn, layer),)
    ), state


def test_a_dated_belt_gives_nothing_before_its_turn_and_its_level_from_it() -> None:
    scenario, state = dated_world(ready_turn=3)
    grid = scenario.map
    belt_hex = at(grid, 5, 0)
    control = state.control.copy()
    changed = state.control_changed.copy()
    state.turn = 2
    assert int(fortification.levels(scenario, state, SOVIET)[belt_hex]) == 0
    belts = fortification.enemy_belts(scenario, state, AXIS)
    assert belts is not None and not belts.any()
    beyond = at(grid, 7, 1)  # past the belt: reached through it while it is not yet dug
    assert movement.legal_moves(scenario, state, 0, allowance=40).cost[beyond] > 0
    assert not fortification.standing(scenario, control, changed, turn=2)[0].any()
    state.turn = 3
    assert int(fortification.levels(scenario, state, SOVIET)[belt_hex]) == 2
    assert movement.legal_moves(scenario, state, 0, allowance=40).cost[beyond] == -1
    level, owner = fortification.standing(scenario, control, changed, turn=3)
    assert level[belt_hex] == 2 and owner[belt_hex] == SOVIET


def test_ground_lost_before_a_dated_belt_stands_never_gets_it() -> None:
    scenario, state = dated_world(ready_turn=3)
    h = at(scenario.map, 5, 1)
    state.turn = 2
    take_control(scenario, state, AXIS, np.array([h], dtype=np.int32))
    take_control(scenario, state, SOVIET, np.array([h], dtype=np.int32))
    state.turn = 3
    assert fortification.levels(scenario, state, SOVIET)[h] == 0
    assert fortification.levels(scenario, state, SOVIET)[at(scenario.map, 5, 2)] == 2


DATED_BELT = """
[rules]
fortified_belts = true

[[fortified_belt]]
side = "soviet"
name = "Kharkov's outer line, being dug"
level = 2
from = 1943-03-11
polygon = [[50.1, 36.1], [50.1, 36.4], [49.9, 36.4], [49.9, 36.1]]
"""
BELT_DATE_KNOB = """
[knobs.line_ready_shift_days]
type = "int"
default = 0
min = -10
max = 10
description = "Days the outer line is ready earlier (less than 0) or later."
effect = "fortification_date_shift_days"
side = "soviet"
"""


def test_a_file_dates_a_belt_and_a_knob_moves_its_date(mini: MiniWriter) -> None:
    scenario = load_scenario(mini(append=DATED_BELT + BELT_DATE_KNOB))
    kharkov = scenario.map.city_by_id("kharkov")
    assert scenario.fortification is not None and kharkov is not None
    assert scenario.fortification[SOVIET, kharkov.hex] == 0  # not dug at the start (7 March)
    # 11 March is four days after the start: the third 2-day turn
    [(turn, layer)] = scenario.fortification_dated
    assert turn == 3 and layer[SOVIET, kharkov.hex] == 2
    later = scenario.with_knobs({"line_ready_shift_days": 4})
    assert [t for t, _ in later.fortification_dated] == [5]
    early = scenario.with_knobs({"line_ready_shift_days": -4})  # ready by the start: it stands
    assert early.fortification_dated == ()
    assert early.fortification is not None and early.fortification[SOVIET, kharkov.hex] == 2


def test_a_belt_date_must_be_a_date_and_its_knob_needs_a_dated_belt(mini: MiniWriter) -> None:
    text = DATED_BELT.replace("from = 1943-03-11", 'from = "1943-03-11"')
    [problem] = problems_of(mini(append=text))
    assert problem.endswith("fortified_belt.0.from: expected a date like 1943-02-19 (no quotes), got a string")
    undated = DATED_BELT.replace("from = 1943-03-11\n", "")
    [problem] = problems_of(mini(append=undated + BELT_DATE_KNOB))
    assert problem.endswith(
        "knobs.line_ready_shift_days: no [[fortified_belt]] of side 'soviet' has a date (from) "
        "for it to move"
    )
