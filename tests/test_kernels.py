"""The compiled graph searches (`game.rules.kernels`) give exactly what the plain forms give: the
pure-Python Dijkstra the movement rules were written with, the array forms of zones of control,
supply and distance fields that batches of games still use, on Third Kharkov with its units
scattered at random, in every weather.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from game import engine
from game.enums import Weather
from game.rules import fortification, movement, stacking, supply, zoc
from game.rules.movement import LEAVE_ZOC_COST, MovementRules
from game.rules.weather import hex_weather
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


@dataclass(frozen=True)
class Ground:
    """What one unit's move depends on, worked out hex by hex in plain Python (the movement
    rules as first written): the reference the compiled search and path check are held to."""

    start: int
    allowance: int
    neighbor: list[list[int]]
    edge: list[list[int]]
    enemy: list[bool]  # an enemy unit is in the hex
    zoc: list[bool]  # enemy ZOC no friend stands in: entering stops
    stop: list[bool]  # `zoc`, and standing enemy belts
    can_end: list[bool]  # room in the stack for one more, not water (its own hex always)
    start_in_zoc: bool


def reference_ground(
    scenario: Scenario, state: GameState, unit: int, allowance: int, rules: MovementRules
) -> Ground:
    n = scenario.map.size
    side = int(scenario.units.side[unit])
    weather = hex_weather(scenario, state)
    zone = zoc.enemy_zone_of_control(scenario, state, side, weather).tolist()
    enemy, friends = [False] * n, [0] * n
    for u in range(scenario.units.count):
        h = int(state.hex[u])
        if state.status[u] != UnitStatus.ACTIVE or h < 0 or u == unit:
            continue
        if scenario.unit_hostile[side][u]:
            enemy[h] = True
        elif scenario.unit_friendly[side][u]:
            friends[h] += 1
    in_zoc = [zone[h] and friends[h] == 0 for h in range(n)]
    belts = fortification.enemy_belts(scenario, state, side)
    stop = [in_zoc[h] or (belts is not None and bool(belts[h])) for h in range(n)]
    limit = stacking.limit(scenario)
    water = scenario.map.water.tolist()
    can_end = [friends[h] + 1 <= limit and not water[h] for h in range(n)]
    start = int(state.hex[unit])
    can_end[start] = True
    klass = int(movement.MOVEMENT_CLASS[scenario.units.kind[unit]])
    return Ground(
        start=start,
        allowance=max(0, allowance),
        neighbor=scenario.map.neighbor.tolist(),
        edge=rules.edge_cost(klass, weather).tolist(),
        enemy=enemy,
        zoc=in_zoc,
        stop=stop,
        can_end=can_end,
        start_in_zoc=in_zoc[start],
    )


def reference_moves(ground: Ground) -> tuple[list[int], list[int]]:
    """The movement rules' Dijkstra as first written, one hex at a time with `heapq`."""
    neighbor, edge, enemy, zone = ground.neighbor, ground.edge, ground.enemy, ground.zoc
    start, budget = ground.start, ground.allowance
    n = len(neighbor)
    dist, came = [-1] * n, [-1] * n
    dist[start] = 0
    queue = [(0, start)]
    while queue:
        cost, h = heapq.heappop(queue)
        if cost != dist[h]:
            continue
        leaving = ground.start_in_zoc if h == start else False
        if h != start and ground.stop[h]:
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


def reference_path_cost(ground: Ground, hexes: list[int]) -> tuple[int, bool] | None:
    """`movement.check_move` as first written: step by step along the path."""
    if not hexes or hexes[0] != ground.start:
        return None
    total = 0
    for i in range(1, len(hexes)):
        a, b = hexes[i - 1], hexes[i]
        if i > 1 and ground.stop[a]:
            return None  # movement ended on entering enemy ZOC or an enemy belt
        around = ground.neighbor[a]
        if b < 0 or b not in around:
            return None
        step = ground.edge[a][around.index(b)]
        if step < 0 or ground.enemy[b]:
            return None
        leaving = i == 1 and ground.start_in_zoc
        if leaving:
            if ground.zoc[b]:
                return None  # ZOC to ZOC
            step += LEAVE_ZOC_COST
        total += step
        if total > ground.allowance:
            if len(hexes) == 2 and leaving and ground.allowance > 0:
                total = ground.allowance  # minimum move
            else:
                return None
    if not ground.can_end[hexes[-1]]:
        return None
    return total, ground.stop[hexes[-1]] and len(hexes) > 1


@pytest.mark.parametrize("seed", SEEDS)
def test_compiled_move_search_equals_the_reference_dijkstra(kharkov: Scenario, seed: int) -> None:
    state = scattered(kharkov, seed)
    rules = engine.movement_rules(kharkov)
    rng = np.random.default_rng(seed)
    movers = rng.choice(np.flatnonzero(state.hex >= 0), size=8, replace=False)
    for u in movers.tolist():
        allowance = int(rng.integers(1, 30))
        ground = reference_ground(kharkov, state, u, allowance, rules)
        reach = movement.legal_moves(kharkov, state, u, allowance, rules=rules)
        dist, came = reference_moves(ground)
        assert reach.through.tolist() == dist
        assert reach.came_from.tolist() == came
        ends = [h for h in range(len(dist)) if dist[h] >= 0 and ground.can_end[h]]
        assert reach.destinations().tolist() == ends
        assert reach.cost.tolist() == [dist[h] if ground.can_end[h] else -1 for h in range(len(dist))]
        stops = [dist[h] >= 0 and ground.stop[h] and h != ground.start for h in range(len(dist))]
        assert reach.stops.tolist() == stops


@pytest.mark.parametrize("seed", SEEDS)
def test_compiled_path_check_equals_the_reference(kharkov: Scenario, seed: int) -> None:
    """Random walks from the unit's hex (now and then a step to a hex that is no neighbour, or
    off the map), cut at every length: the compiled check and the step-by-step one agree on
    every prefix, legal or not, and on where the move stops."""
    state = scattered(kharkov, seed)
    rules = engine.movement_rules(kharkov)
    rng = np.random.default_rng(1000 + seed)
    neighbor = kharkov.map.neighbor
    movers = rng.choice(np.flatnonzero(state.hex >= 0), size=8, replace=False)
    legal = 0
    for u in movers.tolist():
        allowance = int(rng.integers(0, 30))
        ground = reference_ground(kharkov, state, u, allowance, rules)
        for _ in range(20):
            path = [ground.start]
            for _ in range(int(rng.integers(1, 9))):
                roll = rng.random()
                if roll < 0.05:
                    path.append(int(rng.integers(-1, kharkov.map.size)))
                else:
                    around = neighbor[path[-1]] if path[-1] >= 0 else np.array([-1])
                    path.append(int(rng.choice(around)))
            for k in range(1, len(path) + 1):
                want = reference_path_cost(ground, path[:k])
                got = movement.check_move(kharkov, state, u, path[:k], allowance, rules=rules)
                assert got == want, (u, path[:k])
                legal += want is not None and k > 1
    assert legal > 50


def plain_dijkstra(
    sources: np.ndarray, neighbor: np.ndarray, step: Callable[[int, int, int], int]
) -> list[int]:
    """Costs from the nearest source by a plain `heapq` Dijkstra (-1 unreached); `step(h, d,
    nb)` is the cost of stepping from h to its neighbour nb on side d (< 0: not allowed)."""
    dist = [-1] * neighbor.shape[0]
    queue = [(0, int(s)) for s in sources]
    for _, s in queue:
        dist[s] = 0
    heapq.heapify(queue)
    while queue:
        cost, h = heapq.heappop(queue)
        if cost != dist[h]:
            continue
        for d in range(6):
            nb = int(neighbor[h, d])
            if nb < 0:
                continue
            paid = step(h, d, nb)
            if paid < 0:
                continue
            if dist[nb] < 0 or cost + paid < dist[nb]:
                dist[nb] = cost + paid
                heapq.heappush(queue, (cost + paid, nb))
    return dist


def dial_field(
    scenario: Scenario, sources: np.ndarray, klass: int, weather: int, toward: bool
) -> list[int]:
    """The planning distance as a plain Dijkstra over the same hexside costs (no units)."""
    edge = engine.movement_rules(scenario).edge_cost(klass, weather)

    def step(h: int, d: int, nb: int) -> int:
        return int(edge[nb, (d + 3) % 6]) if toward else int(edge[h, d])

    return plain_dijkstra(sources, scenario.map.neighbor, step)


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


def array_supply_ground(
    scenario: Scenario, state: GameState, side: int
) -> tuple[np.ndarray, ...]:
    """`supply.supply_ground` in whole-map array operations (the rule as first written): the
    reference the compiled pass is held to. (friendly, enemy, enterable, passable, sources)."""
    grid = scenario.map
    on_map = state.active & (state.hex >= 0)

    def occupied(mask: np.ndarray) -> np.ndarray:
        return np.bincount(state.hex[mask & on_map], minlength=grid.size) > 0

    friendly = occupied(scenario.unit_friendly[side])
    enemy = occupied(scenario.unit_hostile[side])
    weather = hex_weather(scenario, state)
    enemy_zoc = zoc.enemy_zone_of_control(scenario, state, side, weather)
    enterable = supply.passable_ground(grid, weather) & ~enemy
    passable = enterable & (~enemy_zoc | friendly)
    held = passable & scenario.side_table.friendly_ground[side][state.control]
    entry = supply.gateways(scenario, side) & held
    rail_nodes = held & supply.rail_repaired(scenario, state)
    labels = supply._components(grid.neighbor, rail_nodes[None, :], grid.rail)[0]
    network = np.isin(labels, labels[entry & rail_nodes]) & rail_nodes
    roles = supply._city_roles(scenario)
    sources = entry | network | ((roles == supply.RAILHEAD) & network)
    sources |= (roles == supply.DEPOT) & held
    return friendly, enemy, enterable, passable, sources


def shuffled_control(scenario: Scenario, state: GameState, seed: int) -> None:
    """A third of the hexes to a random side, some taken on recent turns (railways still being
    relaid), so that held ground, entries and repairs vary."""
    rng = np.random.default_rng(seed + 1000)
    n = scenario.map.size
    flip = rng.random(n) < 0.33
    state.control[flip] = rng.choice(np.array(scenario.sides, dtype=np.uint8), size=int(flip.sum()))
    state.control_changed[flip] = rng.integers(0, state.turn + 1, size=int(flip.sum()))


@pytest.mark.parametrize("seed", SEEDS)
def test_compiled_supply_ground_equals_the_array_form(kharkov: Scenario, seed: int) -> None:
    """Occupation, passability and sources (edges, the railway joined to them, depots) of the
    compiled pass are the array form's, for both sides, railways under repair included; so are
    the cut-off ground and the zone-of-control hexes it starts from."""
    from game.rules import kernels

    state = scattered(kharkov, seed)
    shuffled_control(kharkov, state, seed)
    for side in kharkov.sides:
        ground = supply.supply_ground(kharkov, state, side)
        got = (ground.friendly, ground.enemy, ground.enterable, ground.passable, ground.sources)
        for name, one, want in zip(
            ("friendly", "enemy", "enterable", "passable", "sources"),
            got,
            array_supply_ground(kharkov, state, side),
            strict=True,
        ):
            assert np.array_equal(one, want), name
        batch = supply._isolated(
            kharkov,
            supply.SupplyGround(
                side,
                *(layer[None, :] for layer in got[:2]),
                ground.enemy_zoc[None, :],
                *(layer[None, :] for layer in got[2:]),
            ),
        )[0]
        assert np.array_equal(supply._isolated(kharkov, ground), batch)
        units = np.flatnonzero(kharkov.unit_hostile[side])
        live = state.active[units] & (state.hex[units] >= 0) & (state.steps[units] > 0)
        occupied = kernels.occupied_hexes(
            state.hex, state.status, state.steps, units, int(UnitStatus.ACTIVE)
        )
        assert occupied.tolist() == np.unique(state.hex[units][live]).tolist()


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


def test_compiled_enemy_picture_equals_the_array_form(kharkov: Scenario) -> None:
    """Through a whole game, at every action of either AI, its picture of the known enemy
    (stacks, defence, anti-armour, threat of visible enemies and ghosts, front band) and of the
    enemy armour in contact with its ground are the array forms', to the last bit."""
    from game.ai.belief import belief_from_observation
    from game.ai.players import play_one
    from game.ai.scripted import HistoricalAI
    from game.ai.tactics import EnemyPicture, armour_contact
    from game.observation import observe
    from game.session import Game
    from game.sim.runner import ai_seed
    from tests.ai_reference import reference_armour_contact, reference_enemy_picture

    game = Game(kharkov, seed=6)
    players = {s: HistoricalAI(kharkov, s, ai_seed(6, s)) for s in kharkov.sides}
    compared = ghosts = touching = 0
    while not game.state.over:
        side = kharkov.sides[game.state.side_index]
        view = observe(kharkov, game.state, side)
        own_status = np.where(view.own, view.status, UnitStatus.WAITING).astype(np.uint8)
        belief = belief_from_observation(kharkov, view, own_status)
        got = EnemyPicture.of(kharkov, side, belief)
        want = reference_enemy_picture(kharkov, side, belief)
        mine = (got.hexes, got.defence, got.anti_armour, got.threat, got.band)
        for a, b in zip(mine, want, strict=True):
            assert a.dtype == b.dtype and a.tolist() == b.tolist()
        contact = armour_contact(kharkov, side, belief)
        assert contact.tolist() == reference_armour_contact(kharkov, side, belief).tolist()
        touching += int(contact.any())
        compared += 1
        ghosts += int((belief.ghosts >= 0).any())
        play_one(game, players[side])
    assert compared > 500 and ghosts > 100 and touching > 100


@pytest.mark.parametrize("seed", SEEDS)
def test_supply_trace_buckets_equal_the_heap(kharkov: Scenario, seed: int) -> None:
    """The supply trace's bucket queue gives the binary heap's distances (the heap still serves
    caps too large for a bucket per cost), for every side of scattered positions and caps from
    a few hexes to the whole map, per hex or one for all."""
    from game.rules import kernels

    state = scattered(kharkov, seed)
    grid = kharkov.map
    rng = np.random.default_rng(seed)
    step = supply._step_cost(kharkov)
    for side in kharkov.sides:
        ground = supply.supply_ground(kharkov, state, side)
        for cap in (np.full(grid.size, 4), rng.integers(0, 40, grid.size), np.full(grid.size, 400)):
            args = (grid.neighbor, step, ground.sources, ground.passable, ground.enterable)
            caps = np.ascontiguousarray(cap, dtype=np.int32)
            far = np.iinfo(np.int32).max
            buckets = kernels.capped_distance(*args, caps, far)
            heap = kernels._capped_distance_heap(*args, caps, np.full(grid.size, far, np.int32))
            assert np.array_equal(buckets, heap)
    huge = np.full(grid.size, 10 * grid.size, dtype=np.int32)  # beyond the buckets: the heap
    whole = np.full(grid.size, 4 * grid.size, dtype=np.int32)  # the largest the buckets take
    ground = supply.supply_ground(kharkov, state, 0)
    args = (grid.neighbor, step, ground.sources, ground.passable, ground.enterable)
    far = np.iinfo(np.int32).max
    by_heap = kernels.capped_distance(*args, huge, far)
    assert np.array_equal(by_heap, kernels.capped_distance(*args, whole, far))
    assert (by_heap < far).sum() > 100


def test_distance_field_takes_free_steps_through_its_heap(kharkov: Scenario) -> None:
    """A field whose steps may cost nothing cannot take its buckets in cost order: it goes by
    the heap and still gives the plain Dijkstra's distances (and the buckets give the same as
    the heap wherever every step costs at least 1)."""
    from game.rules import kernels

    grid = kharkov.map
    rng = np.random.default_rng(7)
    neighbor = grid.neighbor
    usable = np.ascontiguousarray(neighbor >= 0)
    sources = rng.choice(grid.size, size=5, replace=False).astype(np.int64)
    for low in (0, 1):
        push = rng.integers(low, 4, size=neighbor.shape).astype(np.int32)
        got = kernels.field(sources, neighbor, push, usable, 1 << 20)

        def step(h: int, d: int, nb: int, push: np.ndarray = push) -> int:
            return int(push[h, d]) if usable[h, d] else -1

        want = plain_dijkstra(sources, neighbor, step)
        assert got.tolist() == [1 << 20 if w < 0 else w for w in want]


@pytest.mark.parametrize("seed", SEEDS)
def test_compiled_flood_within_a_radius_equals_a_plain_breadth_first_search(
    kharkov: Scenario, seed: int
) -> None:
    """Reconnaissance range: the hexes at most r neighbour steps from any source, as a plain
    breadth-first search finds them (sources repeated or off the map included)."""
    from collections import deque

    from game.rules import kernels

    grid = kharkov.map
    rng = np.random.default_rng(seed)
    sources = rng.integers(-1, grid.size, size=int(rng.integers(0, 40)))
    sources = np.concatenate([sources, sources[:3]]).astype(np.int64)
    for radius in (0, 1, 2, 5):
        depth = [-1] * grid.size
        queue: deque[int] = deque()
        for h in sources.tolist():
            if h >= 0 and depth[h] < 0:
                depth[h] = 0
                queue.append(h)
        while queue:
            h = queue.popleft()
            if depth[h] == radius:
                continue
            for nb in grid.neighbor[h].tolist():
                if nb >= 0 and depth[nb] < 0:
                    depth[nb] = depth[h] + 1
                    queue.append(nb)
        got = kernels.within(sources, grid.neighbor, radius, grid.size)
        assert got.tolist() == [d >= 0 for d in depth]
