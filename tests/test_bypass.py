"""Bypassed ground returns to the side around it; captured railways carry trains only once
repaired (`[rules] bypassed_ground`, `rail_repair_days`), and games made before these rules
replay without them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from game import engine, geo
from game.actions import EndPhase
from game.ai.players import make_player, play_one
from game.enums import NO_SIDE
from game.geo import HexMap
from game.rules import supply
from game.rules.bypass import settle_bypassed
from game.scenario.model import Scenario, load_scenario
from game.scenario.schema import RulesSpec
from game.session import Game
from game.state import GameState, Phase, UnitStatus
from tests import worlds
from tests.worlds import AXIS, SOVIET, add_city, at, blank_grid

ROOT = Path(__file__).resolve().parent.parent
KHARKOV = ROOT / "scenarios" / "kharkov_1943.toml"


def with_rules(scenario: Scenario, **rules: object) -> Scenario:
    spec = scenario.spec.model_copy(update={"rules": RulesSpec.model_validate(rules)})
    return dataclasses.replace(scenario, spec=spec)


REAR = at(blank_grid(14, 9), 1, 1)  # an Axis hex far from the trail


def trail_world(
    units: list[tuple[int, int]], trail_cols: range = range(4, 9)
) -> tuple[Scenario, GameState, HexMap, list[int]]:
    """Axis ground from edge to edge with a Soviet trail across its middle row (a raid's wake):
    the Axis is supplied from the west edge, the Soviets from the east."""
    grid = blank_grid(14, 9)
    trail = [at(grid, c, 4) for c in trail_cols]
    add_city(grid, "Krasnograd", trail[2])
    control = np.full(grid.size, AXIS, dtype=np.uint8)
    control[trail] = SOVIET
    scenario, state = worlds.world(
        grid, units, control=control, edges={AXIS: ["west"], SOVIET: ["east"]}
    )
    return with_rules(scenario, bypassed_ground=True), state, grid, trail


def test_a_raids_empty_trail_returns_to_the_side_around_it() -> None:
    scenario, state, _grid, trail = trail_world([(AXIS, REAR)])
    events = settle_bypassed(scenario, state)
    assert (state.control[trail] == AXIS).all()
    assert (state.control_changed[trail] == state.turn).all()
    assert [(e.kind, e.side, e.data["city"]) for e in events] == [("capture", AXIS, "krasnograd")]


def test_ground_in_or_next_to_a_unit_of_its_side_stays() -> None:
    raider = at(blank_grid(14, 9), 5, 4)  # the trail's second hex
    scenario, state, grid, trail = trail_world([(SOVIET, raider)])
    settle_bypassed(scenario, state)
    kept = [h for h in trail if state.control[h] == SOVIET]
    assert kept == [at(grid, 4, 4), at(grid, 5, 4), at(grid, 6, 4)]


def test_ground_joined_to_its_sides_supply_edge_is_not_bypassed() -> None:
    scenario, state, _grid, trail = trail_world([], trail_cols=range(4, 14))  # to the east edge
    assert settle_bypassed(scenario, state) == []
    assert (state.control[trail] == SOVIET).all()


def test_unclaimed_ground_on_the_border_means_the_patch_is_not_enclosed() -> None:
    scenario, state, grid, _trail = trail_world([])
    state.control[at(grid, 9, 4)] = NO_SIDE
    assert settle_bypassed(scenario, state) == []


def test_the_engine_settles_at_the_end_of_a_sides_turn_only_when_the_file_says_so() -> None:
    scenario, state, _grid, trail = trail_world([(AXIS, REAR)])
    off = with_rules(scenario)
    for rules, expected in ((off, SOVIET), (scenario, AXIS)):
        game_state = state.clone()
        game_state.phase = Phase.MOVEMENT  # the side's turn under way
        for _ in range(3):  # movement -> combat -> exploitation -> end of the side's turn
            engine.apply(rules, game_state, EndPhase())
        assert game_state.side_index == 1
        assert (game_state.control[trail] == expected).all()


def railway_world(repair_days: int) -> tuple[Scenario, GameState, int]:
    """An Axis railway from the west edge to a division far beyond overland reach; one rail hex
    on the way has just been taken back from the enemy."""
    grid = blank_grid(32, 5)
    geo.add_route(grid, grid.rail, [at(grid, c, 2) for c in range(26)])
    scenario, state = worlds.world(grid, [(AXIS, at(grid, 27, 2))], reach=2)
    taken = at(grid, 20, 2)
    state.control_changed[taken] = state.turn
    return with_rules(scenario, rail_repair_days=repair_days), state, taken


def test_a_retaken_railway_hex_carries_trains_only_after_its_repair_days() -> None:
    scenario, state, _ = railway_world(repair_days=4)  # two 2-day turns
    assert scenario.scale.days_per_turn == 2
    supplied = []
    for _ in range(3):
        supplied.append(bool(supply.unit_supply(scenario, state)[0]))
        state.turn += 1
    assert supplied == [False, False, True]
    instant, state, _ = railway_world(repair_days=0)
    assert supply.unit_supply(instant, state)[0]


def test_third_kharkov_switches_both_rules_on_and_old_saves_play_without_them() -> None:
    scenario = load_scenario(KHARKOV)
    assert scenario.rules.bypassed_ground and scenario.rules.rail_repair_days == 4
    old = scenario.under_rules(2)
    assert not old.rules.bypassed_ground and old.rules.rail_repair_days == 0
    assert old.with_knobs({}).rules_version == 2  # knobs keep the rules version
    assert scenario.rules_version == engine.RULES_VERSION == 3


def turn_ends(scenario: Scenario, seed: int, side: int) -> Iterator[GameState]:
    """The state at the end of each of `side`'s turns in an AI-vs-AI game (AI seeds seed * 10
    + side)."""
    game = Game(scenario, seed, undo=False)
    players = {s: make_player(scenario, s, seed * 10 + s) for s in scenario.sides}
    while not game.state.over:
        before = (game.state.turn, game.state.side_index)
        play_one(game, players[scenario.sides[game.state.side_index]])
        if (game.state.turn, game.state.side_index) != before and before[1] == side:
            yield game.state


def test_the_belgorod_hold_order_garrisons_the_city_once_taken() -> None:
    """A German-held Belgorod at the end of a German turn has a German unit in it (the hold
    order's garrison), so it is never bypassed ground; games are played until the Germans have
    held it at the end of five of their turns."""
    scenario = load_scenario(KHARKOV)
    belgorod = scenario.map.hex_of_point("belgorod")
    axis = scenario.side_table.index("axis")
    held = garrisoned = 0
    for seed in range(2, 12):
        if held >= 5:
            break
        for state in turn_ends(scenario, seed, axis):
            if state.control[belgorod] == axis:
                held += 1
                here = (state.hex == belgorod) & (state.status == UnitStatus.ACTIVE)
                garrisoned += bool((here & (scenario.units.side == axis)).any())
    assert held >= 5
    assert garrisoned == held


def test_german_sumy_is_supplied_over_the_north_edge_through_a_game() -> None:
    """Sumy stayed German to September (history.md), fed by its railway north to Vorozhba and
    Konotop. Without the north edge among the German supply edges, the town and LII Corps round
    it stood out of supply all game. At the end of every German turn of a played game in which
    Sumy is German, its hex is in German supply, and so is every German unit within 30 km."""
    scenario = load_scenario(KHARKOV)
    axis = scenario.side_table.index("axis")
    sumy = scenario.map.hex_of_point("sumy")
    x, y = scenario.map.center_km(np.arange(scenario.map.size))
    near = np.hypot(x - x[sumy], y - y[sumy]) <= 30.0
    turns = units_seen = 0
    for state in turn_ends(scenario, 5, axis):
        if state.control[sumy] != axis:
            continue
        turns += 1
        assert supply.trace_supply(scenario, state, axis)[sumy], state.turn
        german = (state.status == UnitStatus.ACTIVE) & (scenario.units.side == axis)
        german &= state.hex >= 0
        german[german] = near[state.hex[german]]
        supplied = supply.unit_supply(scenario, state)
        assert supplied[german].all(), (state.turn, np.nonzero(german & ~supplied)[0])
        units_seen = max(units_seen, int(german.sum()))
    assert turns >= 10
    assert units_seen >= 2
