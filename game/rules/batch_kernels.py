"""The compiled assembly of a combat batch's stacks: `combat.batch_from_arrays`'s inner loop.

The AI builds a small batch for every attack it weighs and the engine one per combat phase, so
grouping rows by combat and side, putting each group in loss order and laying it into
`[slots, combat]` arrays ran as a dozen numpy calls per batch. Here it is one pass: count the
rows of each (combat, side) group, place them, sort each group (a few rows) by insertion, and
fill the slots. The order is `combat.canonical_order`'s exactly (class, more steps first, then
unit id; unit ids are unique within a group), so the batches are the same to the bit; the
tests hold the two equal. Rows come in, and slots go out, in the batch's own dtypes (one
compiled signature, and no conversions around the call: at a few rows a batch, those cost
more than the loop).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from game.enums import UnitKind

I32 = npt.NDArray[np.int32]
I16 = npt.NDArray[np.int16]
I8 = npt.NDArray[np.int8]
U8 = npt.NDArray[np.uint8]
# one side's unit, kind, steps, max_steps, value, supply, fatigue, river; then the other's
Stacks = tuple[I32, U8, I8, I8, I16, U8, U8, U8, I32, U8, I8, I8, I16, U8, U8, U8]

_ARMOUR = int(UnitKind.ARMOUR)
_ARTILLERY = int(UnitKind.ARTILLERY)


@njit(cache=True, nogil=True)
def _loss_class(attacking: bool, kind: int) -> int:
    """`combat._loss_class` for one row: attacking armour 0, artillery 2, the rest 1."""
    if kind == _ARTILLERY:
        return 2
    if attacking and kind == _ARMOUR:
        return 0
    return 1


@njit(cache=True, nogil=True)
def _before(klass: npt.NDArray[np.int64], steps: npt.NDArray[np.int8], unit: npt.NDArray[np.int32], r: int, s: int) -> bool:
    """Row r comes before row s in loss order."""
    if klass[r] != klass[s]:
        return bool(klass[r] < klass[s])
    if steps[r] != steps[s]:
        return bool(steps[r] > steps[s])
    return bool(unit[r] < unit[s])


@njit(cache=True, nogil=True)
def candidate_stacks(
    which: npt.NDArray[np.intp],
    sizes: npt.NDArray[np.intp],
    attackers: npt.NDArray[np.intp],
    targets: npt.NDArray[np.intp],
    hexes: npt.NDArray[np.int32],
    holds: npt.NDArray[np.bool_],
    neighbor: npt.NDArray[np.int32],
    rivers: npt.NDArray[np.uint8],
    kind: npt.NDArray[np.uint8],
    steps: npt.NDArray[np.int8],
    max_steps: npt.NDArray[np.int8],
    attack: npt.NDArray[np.int16],
    defence: npt.NDArray[np.int16],
    supply: npt.NDArray[np.uint8],
    fatigue: npt.NDArray[np.uint8],
    empty_unit: int,
) -> tuple[Stacks, npt.NDArray[np.int64], bool]:
    """`stack_rows` of n attacks straight from the unit arrays: attack c is `attackers`' next
    `sizes[c]` units against `targets[which[c]]`, held by every unit that `holds` standing
    there (ascending). Each attacker crosses the river of its hexside facing the target. Also
    each target's first defender (-1: nobody holds it) and whether every attacker stands next
    to its target."""
    n = which.shape[0]
    k = targets.shape[0]
    count = np.zeros(k, dtype=np.int64)
    for u in range(hexes.shape[0]):
        if holds[u]:
            for i in range(k):
                if hexes[u] == targets[i]:
                    count[i] += 1
    start = np.zeros(k + 1, dtype=np.int64)
    for i in range(k):
        start[i + 1] = start[i] + count[i]
    held = np.empty(start[k], dtype=np.int64)
    filled = start[:-1].copy()
    for u in range(hexes.shape[0]):
        if holds[u]:
            for i in range(k):
                if hexes[u] == targets[i]:
                    held[filled[i]] = u
                    filled[i] += 1
    first = np.full(k, -1, dtype=np.int64)
    for i in range(k):
        if count[i] > 0:
            first[i] = held[start[i]]
    m = attackers.shape[0]
    for c in range(n):
        m += count[which[c]]
    combat = np.empty(m, dtype=np.intp)
    attacking = np.zeros(m, dtype=np.bool_)
    unit = np.empty(m, dtype=np.int32)
    river = np.zeros(m, dtype=np.uint8)
    facing = True
    r = 0
    a = 0
    for c in range(n):
        target = targets[which[c]]
        for _ in range(sizes[c]):
            u = attackers[a]
            a += 1
            combat[r] = c
            attacking[r] = True
            unit[r] = u
            h = hexes[u]
            found = False
            for d in range(neighbor.shape[1]):
                if h >= 0 and neighbor[h, d] == target:
                    river[r] = rivers[h, d]
                    found = True
                    break
            facing = facing and found
            r += 1
        i = which[c]
        for j in range(start[i], start[i + 1]):
            combat[r] = c
            unit[r] = held[j]
            r += 1
    value = np.empty(m, dtype=np.int16)
    for r in range(m):
        value[r] = attack[unit[r]] if attacking[r] else defence[unit[r]]
    stacks = stack_rows(
        n,
        combat,
        attacking,
        unit,
        kind[unit],
        steps[unit],
        max_steps[unit],
        value,
        supply[unit],
        fatigue[unit],
        river,
        empty_unit,
    )
    return stacks, first, facing


@njit(cache=True, nogil=True)
def stack_rows(
    n: int,
    combat: npt.NDArray[np.intp],
    attacking: npt.NDArray[np.bool_],
    unit: npt.NDArray[np.int32],
    kind: npt.NDArray[np.uint8],
    steps: npt.NDArray[np.int8],
    max_steps: npt.NDArray[np.int8],
    value: npt.NDArray[np.int16],
    supply: npt.NDArray[np.uint8],
    fatigue: npt.NDArray[np.uint8],
    river: npt.NDArray[np.uint8],
    empty_unit: int,
) -> Stacks:
    """Both sides' stacks, as 16 `[slots, n]` arrays in `STACK_FIELDS` order and dtypes: the
    attackers' unit, kind, steps, max_steps, value, supply, fatigue, river, then the
    defenders' (their river 0). Empty slots hold `empty_unit`, max_steps 1 and zeros."""
    m = combat.shape[0]
    count = np.zeros(2 * n, dtype=np.int64)
    klass = np.empty(m, dtype=np.int64)
    for r in range(m):
        count[2 * combat[r] + (0 if attacking[r] else 1)] += 1
        klass[r] = _loss_class(attacking[r], kind[r])
    start = np.zeros(2 * n + 1, dtype=np.int64)
    for g in range(2 * n):
        start[g + 1] = start[g] + count[g]
    slots = np.zeros(2, dtype=np.int64)
    for g in range(2 * n):
        slots[g % 2] = max(slots[g % 2], count[g])
    order = np.empty(m, dtype=np.int64)
    filled = start[:-1].copy()
    for r in range(m):
        g = 2 * combat[r] + (0 if attacking[r] else 1)
        order[filled[g]] = r
        filled[g] += 1
    for g in range(2 * n):
        for i in range(start[g] + 1, start[g + 1]):
            row = order[i]
            j = i - 1
            while j >= start[g] and _before(klass, steps, unit, row, order[j]):
                order[j + 1] = order[j]
                j -= 1
            order[j + 1] = row
    a_unit, a_kind, a_steps, a_max, a_value, a_supply, a_fatigue, a_river = _side_slots(
        0, slots[0], n, start, order, unit, kind, steps, max_steps, value, supply, fatigue,
        river, empty_unit,
    )  # fmt: skip
    d_unit, d_kind, d_steps, d_max, d_value, d_supply, d_fatigue, d_river = _side_slots(
        1, slots[1], n, start, order, unit, kind, steps, max_steps, value, supply, fatigue,
        river, empty_unit,
    )  # fmt: skip
    return (
        a_unit, a_kind, a_steps, a_max, a_value, a_supply, a_fatigue, a_river,
        d_unit, d_kind, d_steps, d_max, d_value, d_supply, d_fatigue, d_river,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def _side_slots(
    side: int,
    k: int,
    n: int,
    start: npt.NDArray[np.int64],
    order: npt.NDArray[np.int64],
    unit: npt.NDArray[np.int32],
    kind: npt.NDArray[np.uint8],
    steps: npt.NDArray[np.int8],
    max_steps: npt.NDArray[np.int8],
    value: npt.NDArray[np.int16],
    supply: npt.NDArray[np.uint8],
    fatigue: npt.NDArray[np.uint8],
    river: npt.NDArray[np.uint8],
    empty_unit: int,
) -> tuple[
    npt.NDArray[np.int32], npt.NDArray[np.uint8], npt.NDArray[np.int8], npt.NDArray[np.int8],
    npt.NDArray[np.int16], npt.NDArray[np.uint8], npt.NDArray[np.uint8], npt.NDArray[np.uint8],
]:  # fmt: skip
    """One side's `[k, n]` slot arrays (side 0 attackers, 1 defenders, whose river is 0): the
    rows of group 2 * c + side, in `order`, laid into combat c's slots; empty slots neutral."""
    out_unit = np.full((k, n), empty_unit, dtype=np.int32)
    out_kind = np.zeros((k, n), dtype=np.uint8)
    out_steps = np.zeros((k, n), dtype=np.int8)
    out_max = np.ones((k, n), dtype=np.int8)
    out_value = np.zeros((k, n), dtype=np.int16)
    out_supply = np.zeros((k, n), dtype=np.uint8)
    out_fatigue = np.zeros((k, n), dtype=np.uint8)
    out_river = np.zeros((k, n), dtype=np.uint8)
    for c in range(n):
        g = 2 * c + side
        for slot in range(start[g + 1] - start[g]):
            r = order[start[g] + slot]
            out_unit[slot, c] = unit[r]
            out_kind[slot, c] = kind[r]
            out_steps[slot, c] = steps[r]
            out_max[slot, c] = max_steps[r]
            out_value[slot, c] = value[r]
            out_supply[slot, c] = supply[r]
            out_fatigue[slot, c] = fatigue[r]
            if side == 0:
                out_river[slot, c] = river[r]
    return (
        out_unit, out_kind, out_steps, out_max, out_value, out_supply, out_fatigue, out_river
    )  # fmt: skip
