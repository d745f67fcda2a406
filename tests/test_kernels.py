"""The compiled graph searches (`game.rules.kernels`) give exactly what the plain forms give: the
pure-Python Dijkstra the movement rules were written with, the array forms of zones of control,
supply and distance fields that batches of games still use, on Third Kharkov with its units
scattered at random, in every weather.
"""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from game import engine
from game.enums import Weather
from game.rules import movement, supply, zoc
from game.rules.movement import LEAVE_ZOC_COST
from game.scenario.model import Scenario, load_scenario
from game.state import GameState, Phase, UnitStatus, new_state
from tests.conftest import KHARKOV

SEEDS = range(12)


@pytest.fixture(scope="module")
def kharkov() -> Scenario:
    return load_scenario(KHARKOV)


def scattered(scenario: Scenario, seed: int) -> GameState:
    """Every unit of the scenario on a random land hex (a few off the map), a random weather."""
    rng = np.random.default_rng(seed)
    state = new_state(scenario, seed)
    land = np.flatnonzero(~scenario.map.water)
    n = scenario.units.count
    state.hex[:] = rng.choice(land, size=n, replace=False)
    state.status[:] = UnitStatus.ACTIVE
    gone = rng.random(n) < 0.1
    state.status[gone] = UnitStatus.ELIMINATED
    state.hex[gone] = -1
    state.turn = int(rng.integers(1, scenario.turns + 1))
    return state


def reference_moves(
    start: int, budget: int, ground: movement._MoveGround
) -> tuple[list[int], list[int]]:
    """The movement rules' Dijkstra as first written, one hex at a time with `heapq`."""
    neighbor, edge = ground.neighbor.tolist(), ground.edge.tolist()
    enemy, zone = ground.enemy.tolist(), ground.zoc.tolist()
    n = len(neighbor)
    dist, came = [-1] * n, [-1] * n
    dist[start] = 0
    queue = [(0, start)]
    while queue:
        cost, h = heapq.heappop(queue)
        if cost != dist[h]:
            continue
        leaving = ground.start_in_zoc if h == start else False
        if h != start and zone[h]:
            continue
        extra = LEAVE_ZOC_COST if leaving else 0
        for d in range(6):
            step = edge[h][d]
            if step < 0:
                continue
            nb = neighbor[h][d]
            if enemy[nb] or (leaving and zone[nb]):
                continue
            new = cost + step + extra
            if new > budget:
                if not (leaving and budget > 0):
                    continue
                new = budget
            if dist[nb] < 0 or new < dist[nb]:
                dist[nb] = new
                came[nb] = h
                heapq.heappush(queue, (new, nb))
    return dist, came


@pytest.mark.parametrize("seed", SEEDS)
def test_compiled_move_search_equals_the_reference_dijkstra(kharkov: Scenario, seed: int) -> None:
    state = scattered(kharkov, seed)
    rules = engine.movement_rules(kharkov)
    rng = np.random.default_rng(seed)
    movers = rng.choice(np.flatnonzero(state.hex >= 0), size=8, replace=False)
    for u in movers.tolist():
        allowance = int(rng.integers(1, 30))
        ground = movement._move_ground(kharkov, state, u, allowance, rules)
        reach = movement.legal_moves(kharkov, state, u, allowance, rules=rules)
        dist, came = reference_moves(ground.start, ground.allowance, ground)
        assert reach.through.tolist() == dist
        assert reach.came_from.tolist() == came


def dial_field(
    scenario: Scenario, sources: np.ndarray, klass: int, weather: int, toward: bool
) -> list[int]:
    """The planning distance as a plain Dijkstra over the same hexside costs (no units)."""
    grid = scenario.map
    edge = engine.movement_rules(scenario).edge_cost(klass, weather)
    n = grid.size
    dist = [-1] * n
    queue = [(0, int(s)) for s in sources]
    for _, s in queue:
        dist[s] = 0
    heapq.heapify(queue)
    while queue:
        cost, h = heapq.heappop(queue)
        if cost != dist[h]:
            continue
        for d in range(6):
            nb = int(grid.neighbor[h, d])
            if nb < 0:
                continue
            step = int(edge[nb, (d + 3) % 6]) if toward else int(edge[h, d])
            if step < 0:
                continue
            if dist[nb] < 0 or cost + step < dist[nb]:
                dist[nb] = cost + step
                heapq.heappush(queue, (cost + step, nb))
    return dist


@pytest.mark.parametrize("weather", list(Weather))
@pytest.mark.parametrize("toward", [False, True])
def test_compiled_distance_field_equals_a_plain_dijkstra(
    kharkov: Scenario, weather: Weather, toward: bool
) -> None:
    state = new_state(kharkov, 1)
    sources = np.array([c.hex for c in kharkov.map.cities[:3]])
    for klass in range(len(movement.MovementClass)):
        found = movement.movement_field(
            kharkov, state, None, sources, klass, int(weather), toward=toward
        )
        expected = dial_field(kharkov, sources, klass, int(weather), toward)
        land_or_reached = (~kharkov.map.water) | (found >= 0)
        assert found[land_or_reached].tolist() == np.array(expected)[land_or_reached].tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_compiled_zone_of_control_equals_the_array_form(kharkov: Scenario, seed: int) -> None:
    state = scattered(kharkov, seed)
    grid = kharkov.map
    for weather in Weather:
        for side in kharkov.sides:
            exerting = kharkov.unit_hostile[side] & (state.steps > 0)
            occupied = zoc.occupied_by(kharkov, state, exerting)
            one = zoc.spread_zone(grid, occupied, int(weather))
            batch = zoc.spread_zone(grid, occupied[None, :], int(weather))[0]
            assert np.array_equal(one, batch)


@pytest.mark.parametrize("seed", SEEDS)
def test_compiled_supply_trace_equals_the_array_form(kharkov: Scenario, seed: int) -> None:
    """Distances, components (with and without the railway) and the pockets they make."""
    state = scattered(kharkov, seed)
    grid = kharkov.map
    for side in kharkov.sides:
        ground = supply.supply_ground(kharkov, state, side)
        for hexside in (None, grid.rail):
            one = supply._components(grid.neighbor, ground.passable, hexside)
            batch = supply._components(grid.neighbor, ground.passable[None, :], hexside)[0]
            assert np.array_equal(one, batch)
        step = supply._step_cost(kharkov)
        for limit in (2, 9, 16):
            args = (grid.neighbor, step, ground.sources, ground.passable, ground.enterable)
            one = supply._distance(*args, limit)
            batch_args = [a[None, :] for a in args[2:]]
            batch = supply._distance(grid.neighbor, step, *batch_args, limit)[0]
            assert np.array_equal(one, batch)


def test_compiled_move_scores_equal_the_array_form(kharkov: Scenario) -> None:
    """Through a whole game, at every unit the German and Soviet AIs move, the compiled scores of
    its destinations are the array form's, to the last bit."""
    from game.ai.players import play_one
    from game.ai.scripted import NO_ORDER, HistoricalAI
    from game.session import Game
    from game.sim.runner import ai_seed
    from tests.ai_reference import reference_scores

    game = Game(kharkov, seed=4)
    players = {s: HistoricalAI(kharkov, s, ai_seed(4, s)) for s in kharkov.sides}
    compared = 0
    while not game.state.over and game.state.turn <= 6:
        player = players[kharkov.sides[game.state.side_index]]
        play_one(game, player)
        context = player._context
        if context is None or context.phase not in (Phase.MOVEMENT, Phase.EXPLOITATION):
            continue
        state = context.belief.state
        for u in np.flatnonzero(state.active & (kharkov.units.side == player.side))[:3].tolist():
            if state.movement_left[u] <= 0:
                continue
            reach = movement.legal_moves(kharkov, state, u, rules=engine.movement_rules(kharkov))
            order = player.orders.get(u, NO_ORDER)
            allowance = int(state.movement_left[u])
            got = context.score_moves(
                u, reach.destinations(), order, allowance, np.random.default_rng(u)
            )
            want = reference_scores(
                context, u, reach.destinations(), order, allowance, np.random.default_rng(u)
            )
            assert got.tolist() == want.tolist()
            compared += 1
    assert compared > 100
