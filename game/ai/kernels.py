"""The AI's move scoring as one compiled loop over a unit's destinations.

`tactics.PhaseContext.score_moves` says what each term means and gathers the arrays; this is its
arithmetic, term by term in the same order, so the scores are the ones the array form gave (the
test holds them equal) at a few microseconds a unit instead of a few hundred.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I8 = npt.NDArray[np.int8]
Bool = npt.NDArray[np.bool_]


@njit(cache=True, nogil=True)
def _attack_value(
    attack: float,
    defence: float,
    shift: int,
    take: float,
    sixths: I64,
    defender: F64,
    attacker: F64,
    retreat: F64,
) -> float:
    """Rough worth of attacking with `attack` against `defence`: steps won minus steps lost plus
    the chance of taking the hex times its value (the table's means by column); 0 without an
    attack."""
    if attack <= 0:
        return 0.0
    ratio = 6.0 * attack / max(defence, 1e-9) if defence > 0 else 1e9
    raw = int(np.searchsorted(sixths, ratio, side="right")) - 1
    column = min(max(raw + shift, 0), len(sixths) - 1)
    value: float = defender[column] - attacker[column] + retreat[column] * take
    return value


@njit(cache=True, nogil=True)
def score_moves(
    d: I64,
    start: int,
    neighbor: I32,
    goal_field: I32,
    goal: F64,  # has goals, slack, weight, scale, reach the nearest goal (0/1)
    attacking: F64,  # weight (0: no attacks scored), own attack, armour (0/1)
    into: F64,  # [N, 6] share of its attack the unit brings from a hex against each neighbour
    enemy_defence: F64,
    attack_shift: I8,
    gathered: F64,
    gathered_armour: Bool,
    open_ground: Bool,
    enemy_anti_armour: Bool,
    take_value: F64,
    tables: F64,  # [3, columns]: mean defender steps, attacker steps, chance of a retreat
    sixths: I64,
    contact_weight: float,
    exposure: F64,  # weight, own defence, min(step value, 4), garrison factor
    weather_shift: F64,  # [N]
    friends_defence: F64,
    threat: F64,
    front_weight: float,
    band: Bool,  # front hexes; a gap is one no own unit covers (`covered` <= 0)
    covered: I32,
    supply_penalty: float,
    supplied: Bool,
    overreach: F64,  # free depth, weight, km factor
    depth: I32,
    objectives: I64,
    wanted_list: I64,
    taking_rule: F64,  # attack posture with goals (0/1), capture weight
    hostile_table: Bool,  # [256] a control code is an enemy's
    control: npt.NDArray[np.uint8],  # [N]
    vp: npt.NDArray[np.int16],
    friends_count: I32,
    inertia: float,
    noise: F64,
    choose: bool,
) -> tuple[F64, int]:
    """(scores, best) of ending the unit's move at each destination. With `choose` the unit is
    first taken off its hex in the running arrays (`place`, with its attack and armour from
    `attacking` and its defence from `exposure`), and put where it scores best (the first best:
    `np.argmax`); without, the arrays are not touched and best is -1."""
    if choose:
        place(
            start, -1, neighbor, attacking[1], into, exposure[1], False,
            covered, gathered, gathered_armour, friends_defence, friends_count,
        )  # fmt: skip
    k = len(d)
    score = np.zeros(k)
    has_goals, slack, goal_weight, scale, reach_goal = goal[0], goal[1], goal[2], goal[3], goal[4]
    now = max(float(goal_field[start]) - slack, 0.0) if has_goals else 0.0
    for i in range(k):
        h = d[i]
        s = 0.0
        if has_goals:
            here = max(float(goal_field[h]) - slack, 0.0)
            s += goal_weight * (now - min(here, now + scale)) / scale
            if reach_goal > 0:
                s += 1.0 * (goal_field[h] == 0)
        # neighbours: attack opportunities and contact
        any_contact = False
        for j in range(6):
            nb = neighbor[h, j]
            if nb >= 0 and enemy_defence[nb] > 0:
                any_contact = True
        if attacking[0] > 0 and any_contact:
            best = -np.inf
            for j in range(6):
                nb = neighbor[h, j]
                g = 0.0
                if nb >= 0 and enemy_defence[nb] > 0:
                    base_bonus = gathered_armour[nb] and open_ground[nb] and not enemy_anti_armour[nb]
                    bonus = (
                        (attacking[2] > 0 or gathered_armour[nb])
                        and open_ground[nb]
                        and not enemy_anti_armour[nb]
                    )
                    with_me = _attack_value(
                        gathered[nb] + attacking[1] * into[h, j],
                        enemy_defence[nb],
                        int(attack_shift[nb]) + int(bonus),
                        take_value[nb],
                        sixths,
                        tables[0],
                        tables[1],
                        tables[2],
                    )
                    without = _attack_value(
                        gathered[nb],
                        enemy_defence[nb],
                        int(attack_shift[nb]) + int(base_bonus),
                        take_value[nb],
                        sixths,
                        tables[0],
                        tables[1],
                        tables[2],
                    )
                    g = with_me - without
                g = max(g, -0.5)
                best = max(best, g)
            s += attacking[0] * best
        s += contact_weight * any_contact
        # exposure
        ground = float(attack_shift[h]) - weather_shift[h]
        stand = (exposure[1] + friends_defence[h]) * 1.5 ** (-min(ground, 0.0))
        ratio = threat[h] / max(stand, 0.5)
        risk = min(max((ratio - 1.5) / 3.0, 0.0), 1.0)
        s -= exposure[0] * risk * exposure[2] * exposure[3]
        # front cover
        if front_weight > 0:
            gaps = 1.0 if band[h] and covered[h] <= 0 else 0.0
            for j in range(6):
                nb = neighbor[h, j]
                if nb >= 0 and band[nb] and covered[nb] <= 0:
                    gaps += 1.0
            s += front_weight * gaps * (1.0 - risk)
        # supply
        s -= supply_penalty * (not supplied[h])
        # ahead of support
        beyond = max(float(depth[h]) - overreach[0], 0.0)
        for o in objectives:
            if o == h:
                beyond = 0.0
        s -= overreach[1] * beyond * overreach[2]
        # taking enemy-held places the task wants
        wanted = False
        for o in wanted_list:
            if o == h:
                wanted = True
        if taking_rule[0] > 0 and goal_field[h] <= goal_field[start]:
            wanted = True
        taking = hostile_table[control[h]] and wanted
        s += taking_rule[1] * taking * vp[h]
        s += 0.3 * taking * (take_value[h] > 1.0)
        s -= 0.1 * friends_count[h]
        s += inertia * (h == start)
        s += noise[i]
        score[i] = s
    best = -1
    if choose:
        best = 0
        for i in range(1, k):
            if score[i] > score[best]:
                best = i
        place(
            d[best], 1, neighbor, attacking[1], into, exposure[1], attacking[2] > 0,
            covered, gathered, gathered_armour, friends_defence, friends_count,
        )  # fmt: skip
    return score, best


@njit(cache=True, nogil=True)
def ball_sums(
    hexes: I32, radius: I64, weight: F64, q: I32, r: I32, cols: int, rows: int, flat: bool
) -> F64:
    """[N] the sum of `weight[i]` over every i whose hex lies within `radius[i]` hexes (hex
    distance, as the crow flies) of each hex; units added in order, as the array form does."""
    n = cols * rows
    total = np.zeros(n)
    for i in range(len(hexes)):
        h = hexes[i]
        if h < 0:
            continue
        q0, r0, reach = q[h], r[h], radius[i]
        for dq in range(-reach, reach + 1):
            low = max(-reach, -dq - reach)
            high = min(reach, -dq + reach)
            for dr in range(low, high + 1):
                aq, ar = q0 + dq, r0 + dr
                if flat:
                    col, row = aq, ar + (aq - (aq & 1)) // 2
                else:
                    col, row = aq + (ar - (ar & 1)) // 2, ar
                if 0 <= col < cols and 0 <= row < rows:
                    total[row * cols + col] += weight[i]
    return total


@njit(cache=True, nogil=True)
def enemy_picture(
    enemy: npt.NDArray[np.intp],
    hexes: I32,
    defence_of: F64,
    anti_armour_kind: Bool,
    ghost_units: npt.NDArray[np.intp],
    ghost_hexes: I32,
    attack: npt.NDArray[np.int16],
    steps: I8,
    max_steps: I8,
    mechanised_kind: Bool,
    kinds: npt.NDArray[np.uint8],
    mechanised_reach: int,
    foot_reach: int,
    band_reach: int,
    water: Bool,
    q: I32,
    r: I32,
    cols: int,
    rows: int,
    flat: bool,
) -> tuple[I32, F64, Bool, F64, Bool]:
    """`tactics.EnemyPicture.of` in one call (it says what each array means): the sums are
    added unit by unit in the same order as its array form, so the values are the same."""
    n = cols * rows
    defence = np.zeros(n)
    anti = np.zeros(n, dtype=np.bool_)
    occupied = np.zeros(n, dtype=np.bool_)
    for i in range(len(enemy)):
        h = hexes[enemy[i]]
        defence[h] += defence_of[i]
        if anti_armour_kind[kinds[enemy[i]]]:
            anti[h] = True
        occupied[h] = True
    count = len(enemy) + len(ghost_units)
    threat = np.zeros(n)
    if count:
        where = np.empty(count, dtype=np.int32)
        reach = np.empty(count, dtype=np.int64)
        strength = np.empty(count)
        for i in range(count):
            if i < len(enemy):
                u = enemy[i]
                where[i] = hexes[u]
            else:
                u = ghost_units[i - len(enemy)]
                where[i] = ghost_hexes[u]
            s = steps[u] if steps[u] > 0 else max_steps[u]
            strength[i] = (attack[u] * s) / max(max_steps[u], 1)
            reach[i] = mechanised_reach if mechanised_kind[kinds[u]] else foot_reach
        threat = ball_sums(where, reach, strength, q, r, cols, rows, flat)
    stacks = np.flatnonzero(occupied).astype(np.int32)
    band = np.zeros(n, dtype=np.bool_)
    if len(stacks):
        near = ball_sums(
            stacks, np.full(len(stacks), band_reach, dtype=np.int64), np.ones(len(stacks)),
            q, r, cols, rows, flat,
        )  # fmt: skip
        for h in range(n):
            band[h] = near[h] > 0 and defence[h] == 0 and not water[h]
    return stacks, defence, anti, threat, band


@njit(cache=True, nogil=True)
def armour_contact(
    hexes: I32,
    status: npt.NDArray[np.uint8],
    hostile: Bool,
    armour: Bool,
    neighbor: I32,
    control: npt.NDArray[np.uint8],
    ours: Bool,
    active: int,
) -> I32:
    """`tactics.armour_contact` in one call: for each hex holding a known enemy armour unit, how
    many of its six neighbours are the side's ground (`ours` by control code); 0 elsewhere."""
    n = neighbor.shape[0]
    out = np.zeros(n, dtype=np.int32)
    for u in range(len(hexes)):
        h = hexes[u]
        if status[u] != active or h < 0 or not hostile[u] or not armour[u]:
            continue
        count = 0
        for d in range(6):
            nb = neighbor[h, d]
            if nb >= 0 and ours[control[nb]]:
                count += 1
        out[h] = count
    return out


@njit(cache=True, nogil=True)
def place(
    h: int,
    sign: int,
    neighbor: I32,
    attack: float,
    into: F64,
    defence: float,
    armour: bool,
    covered: I32,
    gathered: F64,
    gathered_armour: Bool,
    friends_defence: F64,
    friends_count: I32,
) -> None:
    """Add (+1) or take away (-1) a unit at h in a phase's running arrays (`PhaseContext.place`)."""
    covered[h] += sign
    for d in range(6):
        nb = neighbor[h, d]
        if nb < 0:
            continue
        covered[nb] += sign
        gathered[nb] += sign * attack * into[h, d]
        if armour:
            gathered_armour[nb] = True
    friends_defence[h] += sign * defence
    friends_count[h] += sign


@njit(cache=True, nogil=True)
def belief_units(
    own: npt.NDArray[np.bool_],
    friendly: npt.NDArray[np.bool_],
    visible: npt.NDArray[np.bool_],
    own_status: npt.NDArray[np.uint8],
    seen_status: npt.NDArray[np.uint8],
    seen_hex: npt.NDArray[np.int32],
    seen_steps: npt.NDArray[np.int8],
    max_steps: npt.NDArray[np.int8],
    last_seen_hex: npt.NDArray[np.int32],
    last_seen_turn: npt.NDArray[np.int16],
    turn: int,
    ghost_turns: int,
    active: int,
    side: int,
    sides: int,
) -> tuple[
    npt.NDArray[np.int32],
    npt.NDArray[np.int8],
    npt.NDArray[np.uint8],
    npt.NDArray[np.bool_],
    npt.NDArray[np.int32],
    npt.NDArray[np.int16],
    npt.NDArray[np.int32],
    npt.NDArray[np.int32],
]:
    """The unit arrays of a belief (see `belief.belief_from_observation`): hex, steps and status
    as the side takes them, enemies visible now, where recently seen enemies were last seen, and
    the [sides, U] record of sightings (the side's own row only) and a zero for the books."""
    n = len(own)
    seen_turn = np.zeros((sides, n), dtype=np.int16)
    seen_turn[side] = last_seen_turn
    seen_where = np.full((sides, n), -1, dtype=np.int32)
    seen_where[side] = last_seen_hex
    zeros = np.zeros(n, dtype=np.int32)
    hexes = np.empty(n, dtype=np.int32)
    steps = np.empty(n, dtype=np.int8)
    status = np.empty(n, dtype=np.uint8)
    enemy_visible = np.zeros(n, dtype=np.bool_)
    ghosts = np.full(n, -1, dtype=np.int32)
    for u in range(n):
        status[u] = own_status[u] if own[u] else seen_status[u]
        hexes[u] = seen_hex[u] if status[u] == active else -1
        steps[u] = seen_steps[u] if seen_steps[u] >= 0 else max_steps[u]
        enemy_visible[u] = visible[u] and not friendly[u]
        if (
            not friendly[u]
            and not enemy_visible[u]
            and last_seen_turn[u] > 0
            and turn - np.int32(last_seen_turn[u]) <= ghost_turns
        ):
            ghosts[u] = last_seen_hex[u]
    return hexes, steps, status, enemy_visible, ghosts, seen_turn, seen_where, zeros
