"""The compiled assembly of a combat batch's stacks: `combat.batch_from_arrays`'s inner loop.

The AI builds a small batch for every attack it weighs and the engine one per combat phase, so
grouping rows by combat and side, putting each group in loss order and laying it into
`[slots, combat]` arrays ran as a dozen numpy calls per batch. Here it is one pass: count the
rows of each (combat, side) group, place them, sort each group (a few rows) by insertion, and
fill the slots. The order is `combat.canonical_order`'s exactly (class, more steps first, then
unit id; unit ids are unique within a group), so the batches are the same to the bit; the
tests hold the two equal.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

A = npt.NDArray[np.int64]


@njit(cache=True, nogil=True)
def _before(klass: A, steps: A, unit: A, r: int, s: int) -> bool:
    """Row r comes before row s in loss order."""
    if klass[r] != klass[s]:
        return bool(klass[r] < klass[s])
    if steps[r] != steps[s]:
        return bool(steps[r] > steps[s])
    return bool(unit[r] < unit[s])


@njit(cache=True, nogil=True)
def stack_rows(
    n: int,
    combat: A,
    attacking: npt.NDArray[np.bool_],
    klass: A,
    unit: A,
    kind: A,
    steps: A,
    max_steps: A,
    value: A,
    supply: A,
    fatigue: A,
    river: A,
    empty_unit: int,
) -> tuple[npt.NDArray[np.int64], ...]:
    """Both sides' stacks, as 16 `[slots, n]` int64 arrays: the attackers' unit, kind, steps,
    max_steps, value, supply, fatigue, river, then the defenders' (their river 0). Empty slots
    hold `empty_unit`, max_steps 1 and zeros."""
    m = combat.shape[0]
    count = np.zeros(2 * n, dtype=np.int64)
    for r in range(m):
        count[2 * combat[r] + (0 if attacking[r] else 1)] += 1
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
    out = []
    for side in range(2):
        k = slots[side]
        arrays = [np.zeros((k, n), dtype=np.int64) for _ in range(8)]
        arrays[0][:, :] = empty_unit
        arrays[3][:, :] = 1
        for c in range(n):
            g = 2 * c + side
            for slot in range(start[g + 1] - start[g]):
                r = order[start[g] + slot]
                arrays[0][slot, c] = unit[r]
                arrays[1][slot, c] = kind[r]
                arrays[2][slot, c] = steps[r]
                arrays[3][slot, c] = max_steps[r]
                arrays[4][slot, c] = value[r]
                arrays[5][slot, c] = supply[r]
                arrays[6][slot, c] = fatigue[r]
                arrays[7][slot, c] = river[r] if side == 0 else 0
        out.extend(arrays)
    return (
        out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7],
        out[8], out[9], out[10], out[11], out[12], out[13], out[14], out[15],
    )  # fmt: skip
