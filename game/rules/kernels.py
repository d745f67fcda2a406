"""Compiled graph searches over the hex map: the inner loops of movement, zones of control, supply
and the AI's distance fields, written once in plain loops and compiled with numba.

Each kernel is the loop form of a rule whose meaning lives in its rules module (movement, zoc,
supply); they take and return plain arrays (the `[N, 6]` neighbour table, `[N]` layers) and no
Python objects, so they compile once (`cache=True` keeps the machine code in `__pycache__`) and
run at C speed. Results are identical to the array forms they replace, tie-breaks included: the
tests hold them equal on random worlds.

A binary heap keyed by `cost * (N + 1) + hex` pops the lowest cost first and, among equal costs,
the lowest hex index, exactly as Python's `heapq` does with `(cost, hex)` tuples.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]


@njit(cache=True, nogil=True)
def _push(heap: I64, size: int, key: int) -> int:
    i = size
    heap[i] = key
    while i > 0:
        parent = (i - 1) >> 1
        if heap[parent] <= heap[i]:
            break
        heap[parent], heap[i] = heap[i], heap[parent]
        i = parent
    return size + 1


@njit(cache=True, nogil=True)
def _pop(heap: I64, size: int) -> tuple[int, int]:
    top = heap[0]
    size -= 1
    heap[0] = heap[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and heap[left + 1] < heap[left]:
            child = left + 1
        if heap[i] <= heap[child]:
            break
        heap[i], heap[child] = heap[child], heap[i]
        i = child
    return top, size


@njit(cache=True, nogil=True)
def _pop_hex(heap: I64, size: int, stride: int) -> tuple[int, int, int]:
    """The cheapest (cost, hex) of a heap keyed `cost * stride + hex`, and the heap's new size."""
    key, size = _pop(heap, size)
    cost = key // stride
    return cost, key - cost * stride, size


@njit(cache=True, nogil=True)
def _ends_move(zone: Bool, belts: Bool, h: int, friends_here: int) -> bool:
    """Entering hex h ends a move: enemy ZOC no friend stands in, or a standing enemy belt
    (`belts` is empty while none stands). One rule for the search and the path check."""
    return bool((zone[h] and friends_here == 0) or (len(belts) > 0 and belts[h]))


@njit(cache=True, nogil=True)
def unit_reach(
    unit: int,
    budget: int,
    hexes: I32,
    status: npt.NDArray[np.uint8],
    hostile: Bool,
    friendly: Bool,
    zone: Bool,
    belts: Bool,
    water: Bool,
    limit: int,
    active: int,
    neighbor: I32,
    edge: I32,
    leave_zoc_cost: int,
) -> tuple[I32, I32, I32, Bool, I32]:
    """One unit's Dijkstra under the movement rules (see `movement.legal_moves`), with what
    `movement.Reach` keeps: (cost where the unit may end, -1 elsewhere; cost of reaching, -1
    unreached; previous hex on the cheapest path; stops; destinations in index order).

    Hexes holding an enemy stop the search; entering enemy ZOC no friend stands in (`zone`), or
    a standing enemy belt (`belts`, empty while none stands), ends the move; the unit may end
    where its side's stack has room and not on water (its own hex always). ZOC, stops and room
    are read for the hexes the search touches only: the AI asks for this at every unit it moves.
    Equal costs are broken by hex index (the queue is keyed cost * stride + hex).
    """
    n = neighbor.shape[0]
    enemy = np.zeros(n, dtype=np.bool_)
    friends = np.zeros(n, dtype=np.int32)
    for u in range(len(hexes)):
        h = hexes[u]
        if status[u] != active or h < 0 or u == unit:
            continue
        if hostile[u]:
            enemy[h] = True
        elif friendly[u]:
            friends[h] += 1
    start = hexes[unit]
    start_in_zoc = zone[start] and friends[start] == 0
    dist = np.full(n, -1, dtype=np.int32)
    came = np.full(n, -1, dtype=np.int32)
    heap = np.empty(6 * n + 1, dtype=np.int64)
    reached = np.empty(n, dtype=np.int32)  # every hex given a cost, in the order first reached
    count = 0
    stride = n + 1
    dist[start] = 0
    reached[0] = start
    count = 1
    size = _push(heap, 0, start)
    while size > 0:
        cost, h, size = _pop_hex(heap, size, stride)
        if cost != dist[h]:
            continue  # a stale queue entry
        leaving = False
        if h == start:
            leaving = start_in_zoc
        elif _ends_move(zone, belts, h, friends[h]):
            continue  # entering enemy ZOC (or a standing belt) ended the move
        extra = leave_zoc_cost if leaving else 0
        for d in range(6):
            step = edge[h, d]
            if step < 0:
                continue
            nb = neighbor[h, d]
            if enemy[nb] or (leaving and zone[nb] and friends[nb] == 0):
                continue
            new = cost + step + extra
            if new > budget:
                if not (leaving and budget > 0):
                    continue
                new = budget  # minimum move: one hex for the whole allowance
            old = dist[nb]
            if old < 0 or new < old:
                if old < 0:
                    reached[count] = nb
                    count += 1
                dist[nb] = new
                came[nb] = h
                size = _push(heap, size, new * stride + nb)
    cost_at = np.full(n, -1, dtype=np.int32)
    stops = np.zeros(n, dtype=np.bool_)
    ends = 0
    for i in range(count):
        h = reached[i]
        stops[h] = _ends_move(zone, belts, h, friends[h])
        if h == start or (friends[h] + 1 <= limit and not water[h]):
            cost_at[h] = dist[h]
            ends += 1
    stops[start] = False
    found = np.empty(ends, dtype=np.int32)
    k = 0
    for i in range(count):
        h = reached[i]
        if cost_at[h] >= 0:
            found[k] = h
            k += 1
    found.sort()
    return cost_at, dist, came, stops, found


@njit(cache=True, nogil=True)
def path_cost(
    unit: int,
    budget: int,
    hexes: I32,
    status: npt.NDArray[np.uint8],
    hostile: Bool,
    friendly: Bool,
    zone: Bool,
    belts: Bool,
    water: Bool,
    limit: int,
    active: int,
    neighbor: I32,
    edge: I32,
    leave_zoc_cost: int,
    path: I64,
) -> tuple[int, bool]:
    """(cost, ends in a stop hex) of moving `unit` along `path` (its hex first), cost -1 when
    the move is illegal: `movement.check_move` under the rules `unit_reach` searches, looking at
    the path's hexes only (the engine checks every move it is given)."""
    length = len(path)
    if length == 0 or path[0] != hexes[unit]:
        return -1, False
    enemy = np.zeros(length, dtype=np.bool_)
    friends = np.zeros(length, dtype=np.int32)
    for u in range(len(hexes)):
        h = hexes[u]
        if status[u] != active or h < 0 or u == unit:
            continue
        for i in range(length):
            if path[i] == h:
                if hostile[u]:
                    enemy[i] = True
                elif friendly[u]:
                    friends[i] += 1
    total = 0
    for i in range(1, length):
        a = path[i - 1]
        b = path[i]
        if i > 1 and _ends_move(zone, belts, a, friends[i - 1]):
            return -1, False  # movement ended on entering enemy ZOC or an enemy belt
        side = -1
        if b >= 0:
            for d in range(6):
                if neighbor[a, d] == b:
                    side = d
                    break
        if side < 0:
            return -1, False
        step = edge[a, side]
        if step < 0 or enemy[i]:
            return -1, False
        leaving = i == 1 and zone[path[0]] and friends[0] == 0
        if leaving:
            if zone[b] and friends[i] == 0:
                return -1, False  # ZOC to ZOC
            step += leave_zoc_cost
        total += step
        if total > budget:
            if length == 2 and leaving and budget > 0:
                total = budget  # minimum move
            else:
                return -1, False
    last = length - 1
    if last > 0 and path[last] != path[0] and (friends[last] + 1 > limit or water[path[last]]):
        return -1, False
    return total, _ends_move(zone, belts, path[last], friends[last]) and length > 1


@njit(cache=True, nogil=True)
def field(sources: I64, neighbor: I32, push: I32, usable: Bool, infinity: int) -> I32:
    """Multi-source Dijkstra: the cost from the nearest source to every hex, stepping from h to
    its neighbour on side d for `push[h, d]` where `usable[h, d]`; `infinity` where unreached.

    Dial's buckets in a ring, one per cost up to the dearest step (every usable step costs at
    least 1, so the bucket in hand is complete): the same distances a heap gives (and a heap
    where a step costs nothing)."""
    n = neighbor.shape[0]
    dist = np.full(n, infinity, dtype=np.int32)
    dearest = 1
    for h in range(n):
        for d in range(6):
            if usable[h, d]:
                if push[h, d] < 1:
                    return _field_heap(sources, neighbor, push, usable, dist)
                dearest = max(dearest, push[h, d])
    ring = dearest + 1
    head = np.full(ring, -1, dtype=np.int32)
    # every hex settles once and pushes at most six: 6n entries and the sources at most
    nxt = np.empty(6 * n + len(sources) + 1, dtype=np.int32)
    val = np.empty(6 * n + len(sources) + 1, dtype=np.int32)
    used = 0
    pending = 0
    for s in sources:
        if dist[s] != 0:
            dist[s] = 0
            nxt[used] = head[0]
            val[used] = s
            head[0] = used
            used += 1
            pending += 1
    cost = 0
    while pending > 0:
        slot = cost % ring
        e = head[slot]
        head[slot] = -1
        while e >= 0:
            h = val[e]
            e = nxt[e]
            pending -= 1
            if dist[h] != cost:
                continue  # a stale entry
            for d in range(6):
                if not usable[h, d]:
                    continue
                nb = neighbor[h, d]
                new = cost + push[h, d]
                if new < dist[nb]:
                    dist[nb] = new
                    k = new % ring
                    nxt[used] = head[k]
                    val[used] = nb
                    head[k] = used
                    used += 1
                    pending += 1
        cost += 1
    return dist


@njit(cache=True, nogil=True)
def _field_heap(sources: I64, neighbor: I32, push: I32, usable: Bool, dist: I32) -> I32:
    """`field` with a binary heap, for steps that cost nothing (no bucket order holds then)."""
    n = neighbor.shape[0]
    heap = np.empty(6 * n + len(sources) + 1, dtype=np.int64)
    stride = n + 1
    size = 0
    for s in sources:
        if dist[s] != 0:
            dist[s] = 0
            size = _push(heap, size, s)
    while size > 0:
        cost, h, size = _pop_hex(heap, size, stride)
        if cost != dist[h]:
            continue
        for d in range(6):
            if not usable[h, d]:
                continue
            nb = neighbor[h, d]
            new = cost + push[h, d]
            if new < dist[nb]:
                dist[nb] = new
                size = _push(heap, size, new * stride + nb)
    return dist


@njit(cache=True, nogil=True)
def capped_distance(
    neighbor: I32,
    step_cost: I32,
    sources: Bool,
    spread: Bool,
    enterable: Bool,
    cap: I32,
    far: int,
) -> I32:
    """The supply trace (see `supply._distance`): the distance from the nearest source, passing
    only through `spread` hexes and entering only `enterable` ones, each within its own `cap`;
    `step_cost[h, d]` is the cost of entering h across its side d; `far` where unreached.

    Dial's buckets, one per cost up to the largest cap: every step costs at least 1, so a
    bucket is complete when its turn comes (a heap, for caps beyond a few times the map)."""
    n = neighbor.shape[0]
    dist = np.full(n, far, dtype=np.int32)
    top = 0
    for h in range(n):
        top = max(top, cap[h])
    if top > 4 * n:
        return _capped_distance_heap(neighbor, step_cost, sources, spread, enterable, cap, dist)
    head = np.full(top + 1, -1, dtype=np.int32)
    # every hex settles once and pushes at most six: 7n entries at most
    nxt = np.empty(7 * n + 1, dtype=np.int32)
    val = np.empty(7 * n + 1, dtype=np.int32)
    used = 0
    for h in range(n):
        if sources[h]:
            dist[h] = 0
            nxt[used] = head[0]
            val[used] = h
            head[0] = used
            used += 1
    for c in range(top + 1):
        e = head[c]
        while e >= 0:
            h = val[e]
            e = nxt[e]
            if dist[h] != c or not spread[h]:
                continue  # a stale entry, or a hex that passes nothing on
            for d in range(6):
                nb = neighbor[h, d]
                if nb < 0 or not enterable[nb]:
                    continue
                # entering nb from h crosses nb's side facing h: the opposite side of d
                new = c + step_cost[nb, (d + 3) % 6]
                if new <= cap[nb] and new < dist[nb]:
                    dist[nb] = new
                    nxt[used] = head[new]
                    val[used] = nb
                    head[new] = used
                    used += 1
    return dist


@njit(cache=True, nogil=True)
def _capped_distance_heap(
    neighbor: I32, step_cost: I32, sources: Bool, spread: Bool, enterable: Bool, cap: I32, dist: I32
) -> I32:
    """`capped_distance` with a binary heap, for caps too large for a bucket per cost."""
    n = neighbor.shape[0]
    heap = np.empty(6 * n + n + 1, dtype=np.int64)
    stride = n + 1
    size = 0
    for h in range(n):
        if sources[h]:
            dist[h] = 0
            size = _push(heap, size, h)
    while size > 0:
        cost, h, size = _pop_hex(heap, size, stride)
        if cost != dist[h] or not spread[h]:
            continue
        for d in range(6):
            nb = neighbor[h, d]
            if nb < 0 or not enterable[nb]:
                continue
            new = cost + step_cost[nb, (d + 3) % 6]
            if new <= cap[nb] and new < dist[nb]:
                dist[nb] = new
                size = _push(heap, size, new * stride + nb)
    return dist


@njit(cache=True, nogil=True)
def occupied_hexes(
    hexes: I32,
    status: npt.NDArray[np.uint8],
    steps: npt.NDArray[np.int8],
    units: npt.NDArray[np.intp],
    active: int,
    with_steps: bool = True,
) -> I64:
    """The hexes (sorted, each once) where one of `units` stands active (with steps left, or
    with none too when not `with_steps`). Asked for at every move: it looks at the units only,
    never at the whole map."""
    found = np.empty(len(units), dtype=np.int64)
    count = 0
    for u in units:
        h = hexes[u]
        if status[u] == active and h >= 0 and (steps[u] > 0 or not with_steps):
            found[count] = h
            count += 1
    ordered = np.sort(found[:count])
    kept = 0
    for i in range(count):
        if kept == 0 or ordered[i] != ordered[kept - 1]:
            ordered[kept] = ordered[i]
            kept += 1
    return ordered[:kept]


@njit(cache=True, nogil=True)
def _flood(
    neighbor: I32,
    nodes: Bool,
    hexside: Bool,
    use_hexside: bool,
    labels: I32,
    queue: I32,
    tail: int,
    label: int,
    unset: int,
) -> None:
    """Give `label` to every unlabelled (`unset`) node a chain of nodes joins to the first
    `tail` hexes of `queue` (labelled already), only across marked `hexside`s when
    `use_hexside`: the one flood of `components` and `joined`."""
    head = 0
    while head < tail:
        h = queue[head]
        head += 1
        for d in range(6):
            nb = neighbor[h, d]
            if nb < 0 or not nodes[nb] or labels[nb] != unset:
                continue
            if use_hexside and not hexside[h, d]:
                continue
            labels[nb] = label
            queue[tail] = nb
            tail += 1


@njit(cache=True, nogil=True)
def joined(neighbor: I32, nodes: Bool, seeds: Bool, hexside: Bool, use_hexside: bool) -> Bool:
    """`nodes` hexes a chain of nodes joins to a seed node (only across marked `hexside`s when
    `use_hexside`): the components of `components` that hold a seed, found by a flood from the
    seeds alone (hexside layers are symmetric, `geo.HexMap`)."""
    n = neighbor.shape[0]
    labels = np.full(n, n, dtype=np.int32)
    queue = np.empty(n, dtype=np.int32)
    tail = 0
    for h in range(n):
        if seeds[h] and nodes[h]:
            labels[h] = 0
            queue[tail] = h
            tail += 1
    _flood(neighbor, nodes, hexside, use_hexside, labels, queue, tail, 0, n)
    found: Bool = labels == 0
    return found


@njit(cache=True, nogil=True)
def supply_layers(
    unit_hex: I32,
    status: npt.NDArray[np.uint8],
    active: int,
    friendly_unit: Bool,
    hostile_unit: Bool,
    ground: Bool,
    enemy_zoc: Bool,
    held: Bool,
    repaired: Bool,
    gateway: Bool,
    rail: Bool,
    neighbor: I32,
    roles: npt.NDArray[np.uint8],
    depot: int,
) -> tuple[Bool, Bool, Bool, Bool, Bool]:
    """(friendly, enemy, enterable, passable, sources) of `supply.supply_ground` in one pass:
    `ground` is the turn's passable ground, `held` the side's team's ground, `repaired` the
    railway hexes that carry its holder's trains."""
    n = neighbor.shape[0]
    friendly = np.zeros(n, dtype=np.bool_)
    enemy = np.zeros(n, dtype=np.bool_)
    for u in range(len(unit_hex)):
        h = unit_hex[u]
        if status[u] != active or h < 0:
            continue
        if friendly_unit[u]:
            friendly[h] = True
        if hostile_unit[u]:
            enemy[h] = True
    enterable = np.empty(n, dtype=np.bool_)
    passable = np.empty(n, dtype=np.bool_)
    mine = np.empty(n, dtype=np.bool_)  # passable ground the team holds
    network_nodes = np.empty(n, dtype=np.bool_)
    entry = np.empty(n, dtype=np.bool_)
    for h in range(n):
        enterable[h] = ground[h] and not enemy[h]
        passable[h] = enterable[h] and (not enemy_zoc[h] or friendly[h])
        mine[h] = passable[h] and held[h]
        network_nodes[h] = mine[h] and repaired[h]
        entry[h] = gateway[h] and mine[h]
    network = joined(neighbor, network_nodes, entry, rail, True)
    sources = np.empty(n, dtype=np.bool_)
    for h in range(n):
        # railheads are hexes of the network already: they add nothing beyond it
        sources[h] = entry[h] or network[h] or (roles[h] == depot and mine[h])
    return friendly, enemy, enterable, passable, sources


@njit(cache=True, nogil=True)
def cut_off(neighbor: I32, passable: Bool, enterable: Bool, sources: Bool) -> Bool:
    """`supply._isolated`: hexes neither joined to a source over passable ground nor an
    enterable hex one step from such ground."""
    n = neighbor.shape[0]
    linked = joined(neighbor, passable, sources, np.zeros((1, 6), dtype=np.bool_), False)
    cut = np.empty(n, dtype=np.bool_)
    for h in range(n):
        if linked[h]:
            cut[h] = False
            continue
        near = False
        if enterable[h]:
            for d in range(6):
                nb = neighbor[h, d]
                if nb >= 0 and linked[nb]:
                    near = True
                    break
        cut[h] = not near
    return cut


@njit(cache=True, nogil=True)
def components(neighbor: I32, nodes: Bool, hexside: Bool, use_hexside: bool) -> I32:
    """Connected components of `nodes` over neighbour links (only across marked `hexside`s when
    `use_hexside`): each node gets the smallest hex index of its component, others N."""
    n = neighbor.shape[0]
    labels = np.full(n, n, dtype=np.int32)
    queue = np.empty(n, dtype=np.int32)
    for first in range(n):
        if not nodes[first] or labels[first] != n:
            continue
        labels[first] = first  # met in index order, so the smallest of its component
        queue[0] = first
        _flood(neighbor, nodes, hexside, use_hexside, labels, queue, 1, first, n)
    return labels


@njit(cache=True, nogil=True)
def zone(
    occupied: I64, neighbor: I32, major_river: Bool, frozen: Bool, passable: Bool, n: int
) -> Bool:
    """Zone of control of the hexes in `occupied` (see `zoc.spread_zone`): each occupied hex and
    its neighbours across hexsides that carry ZOC (not an unfrozen major river; the weather of
    the hex reached decides), on passable ground only."""
    found = np.zeros(n, dtype=np.bool_)
    for o in occupied:
        if passable[o]:
            found[o] = True
        for d in range(6):
            nb = neighbor[o, d]
            if nb < 0 or not passable[nb]:
                continue
            if major_river[o, d] and not frozen[nb]:
                continue
            found[nb] = True
    return found


@njit(cache=True, nogil=True)
def within(hexes: I64, neighbor: I32, radius: int, n: int) -> Bool:
    """[N] hexes at most `radius` steps from any of `hexes` (a breadth-first flood; each hex
    queued once, with its depth beside it)."""
    found = np.zeros(n, dtype=np.bool_)
    queue = np.empty(n, dtype=np.int32)
    depth = np.empty(n, dtype=np.int32)
    tail = 0
    for h in hexes:
        if h >= 0 and not found[h]:
            found[h] = True
            queue[tail] = h
            depth[tail] = 0
            tail += 1
    head = 0
    while head < tail:
        h = queue[head]
        level = depth[head]
        head += 1
        if level >= radius:
            continue
        for d in range(6):
            nb = neighbor[h, d]
            if nb >= 0 and not found[nb]:
                found[nb] = True
                queue[tail] = nb
                depth[tail] = level + 1
                tail += 1
    return found


@njit(cache=True, nogil=True)
def mark_seen_from(
    h: int,
    radius: int,
    neighbor: I32,
    hexes: I32,
    status: npt.NDArray[np.uint8],
    hostile: Bool,
    active: int,
    turn: int,
    seen_turn: npt.NDArray[np.int16],
    seen_hex: I32,
) -> None:
    """Record every `hostile` unit on the map within `radius` steps of hex h as seen now, where
    it stands (`visibility.update_visibility` after a move: what the moved unit sees)."""
    near = within(np.array([h], dtype=np.int64), neighbor, radius, neighbor.shape[0])
    for u in range(len(hexes)):
        at = hexes[u]
        if status[u] == active and hostile[u] and near[max(at, 0)]:
            seen_turn[u] = turn
            seen_hex[u] = at


@njit(cache=True, nogil=True)
def take_hexes(
    hexes: I32,
    water: Bool,
    friendly: Bool,
    side: int,
    turn: int,
    control: npt.NDArray[np.uint8],
    control_changed: npt.NDArray[np.int16],
) -> tuple[I32, npt.NDArray[np.uint8]]:
    """`control.take_control`'s change of hands: the hexes of `hexes` (in order) not on water
    whose holder is not `friendly` (by control code) pass to `side` on `turn`; returns them
    and who held each before."""
    taken = np.empty(len(hexes), dtype=np.int32)
    before = np.empty(len(hexes), dtype=np.uint8)
    k = 0
    for i in range(len(hexes)):
        h = hexes[i]
        if water[h] or friendly[control[h]]:
            continue
        taken[k] = h
        before[k] = control[h]
        k += 1
    for i in range(k):
        control[taken[i]] = side
        control_changed[taken[i]] = turn
    return taken[:k], before[:k]


@njit(cache=True, nogil=True)
def steps_from(neighbor: I32, held: Bool, cap: int) -> I32:
    """Hex steps from each hex to the nearest `held` hex (0 inside), at most `cap`."""
    n = neighbor.shape[0]
    depth = np.full(n, cap, dtype=np.int32)
    queue = np.empty(n, dtype=np.int32)
    tail = 0
    for h in range(n):
        if held[h]:
            depth[h] = 0
            queue[tail] = h
            tail += 1
    head = 0
    while head < tail:
        h = queue[head]
        head += 1
        if depth[h] + 1 >= cap:
            continue
        for d in range(6):
            nb = neighbor[h, d]
            if nb >= 0 and depth[nb] > depth[h] + 1:
                depth[nb] = depth[h] + 1
                queue[tail] = nb
                tail += 1
    return depth


@njit(cache=True, nogil=True)
def observe_units(
    hexes: I32,
    steps: npt.NDArray[np.int8],
    status: npt.NDArray[np.uint8],
    supply: npt.NDArray[np.uint8],
    fatigue: npt.NDArray[np.uint8],
    movement_left: npt.NDArray[np.int16],
    men_lost: I32,
    attacked: Bool,
    seen_turn: npt.NDArray[np.int16],
    seen_hex: I32,
    turn: int,
    own: Bool,
    friendly: Bool,
    seen: Bool,
    active: int,
    waiting: int,
) -> tuple[
    I32,
    Bool,
    npt.NDArray[np.int8],
    I32,
    npt.NDArray[np.uint8],
    npt.NDArray[np.uint8],
    npt.NDArray[np.int16],
    npt.NDArray[np.uint8],
    I32,
    Bool,
]:
    """What one side sees of every unit (see `observation.observe` for the rules)."""
    n = len(hexes)
    hex_out = np.full(n, -1, dtype=np.int32)
    visible = np.zeros(n, dtype=np.bool_)
    steps_out = np.full(n, -1, dtype=np.int8)
    last_hex = np.empty(n, dtype=np.int32)
    supply_out = np.zeros(n, dtype=np.uint8)
    fatigue_out = np.zeros(n, dtype=np.uint8)
    movement_out = np.zeros(n, dtype=np.int16)
    status_out = np.empty(n, dtype=np.uint8)
    lost_out = np.zeros(n, dtype=np.int32)
    attacked_out = np.zeros(n, dtype=np.bool_)
    for u in range(n):
        on_map = status[u] == active
        h = hexes[u]
        if friendly[u]:
            visible[u] = on_map
            last_hex[u] = h
            supply_out[u] = supply[u]
            fatigue_out[u] = fatigue[u]
            status_out[u] = status[u]
            lost_out[u] = men_lost[u]
        else:
            seen_now = seen[h] if h >= 0 else seen[0]
            fought_here = seen_turn[u] == turn and seen_hex[u] == h
            visible[u] = on_map and (seen_now or fought_here)
            last_hex[u] = seen_hex[u]
            status_out[u] = active if visible[u] else waiting
        if visible[u]:
            hex_out[u] = h
            steps_out[u] = steps[u]
        if own[u]:
            movement_out[u] = movement_left[u]
            attacked_out[u] = attacked[u]
    return (
        hex_out,
        visible,
        steps_out,
        last_hex,
        supply_out,
        fatigue_out,
        movement_out,
        status_out,
        lost_out,
        attacked_out,
    )


@njit(cache=True, nogil=True)
def bypassed_ground(
    neighbor: I32,
    water: Bool,
    control: npt.NDArray[np.uint8],
    holder_team: npt.NDArray[np.uint8],
    gateway: Bool,
    unit_hex: I32,
    unit_team: npt.NDArray[np.uint8],
    on_map: Bool,
    n_sides: int,
    no_side: int,
) -> npt.NDArray[np.uint8]:
    """The control layer after bypassed ground returns (see `bypass.settle_bypassed`): each
    patch (connected land of one team) that holds none of that team's `gateway` hexes
    ([teams, N]) and whose land neighbours all belong to one other team goes to the side of that
    team holding most of its border, except the hexes with a unit of its own team in or next to
    them."""
    n = neighbor.shape[0]
    n_teams = gateway.shape[0]
    near = np.zeros((n_teams, n), dtype=np.bool_)
    for u in range(len(unit_hex)):
        h = unit_hex[u]
        if not on_map[u] or h < 0:
            continue
        t = unit_team[u]
        near[t, h] = True
        for d in range(6):
            nb = neighbor[h, d]
            if nb >= 0:
                near[t, nb] = True
    out = control.copy()
    seen = np.zeros(n, dtype=np.bool_)
    members = np.empty(n, dtype=np.int32)
    border = np.zeros(n_sides, dtype=np.int32)
    for first in range(n):
        if seen[first] or water[first] or control[first] == no_side:
            continue
        team = holder_team[control[first]]
        seen[first] = True
        members[0] = first
        head, tail = 0, 1
        while head < tail:
            h = members[head]
            head += 1
            for d in range(6):
                nb = neighbor[h, d]
                if nb < 0 or seen[nb] or water[nb] or control[nb] == no_side:
                    continue
                if holder_team[control[nb]] != team:
                    continue
                seen[nb] = True
                members[tail] = nb
                tail += 1
        enclosed = True
        other = -1
        border[:] = 0
        for k in range(tail):
            h = members[k]
            if gateway[team, h]:
                enclosed = False
                break
            for d in range(6):
                nb = neighbor[h, d]
                if nb < 0 or water[nb]:
                    continue
                holder = control[nb]
                if holder == no_side:
                    enclosed = False
                    break
                t = holder_team[holder]
                if t == team:
                    continue
                if other < 0:
                    other = t
                elif other != t:
                    enclosed = False
                    break
                border[holder] += 1
            if not enclosed:
                break
        if not enclosed or other < 0:
            continue
        taker = 0
        for s in range(n_sides):
            if border[s] > border[taker]:
                taker = s
        for k in range(tail):
            h = members[k]
            if not near[team, h]:
                out[h] = taker
    return out
