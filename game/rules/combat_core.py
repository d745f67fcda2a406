"""The vectorised combat core: whole arrays of combats resolved with array operations only.

It follows the rules of `combat_reference` exactly: their multipliers, shifts and the result of
every table cell are tabulated at import, so the core is broadcasting, gathers and sums over
slots. There is no Python loop over combats or units (only over the few slots of a side when
losses are shared out); a batch is cut into blocks of tens of thousands of combats, which keeps
temporaries in cache and lets large batches use every core.

Layout contract. Each side of a `CombatBatch` is a `Stack` of `[slots, combats]` arrays whose
filled slots come first and in loss order (`loss_order_key`), empty slots neutral.
`combat.batch_from_arrays` and `combat.build_batch` make such batches; the core relies on the
order (it is what lets losses be shared out slot by slot), the reference does not. Values must
lie in their documented ranges (`combat.check_batch`).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from game.enums import River, UnitKind
from game.machine import available_cores
from game.rules.combat_reference import (
    COLUMN_SIXTHS,
    CRT_ATTACKER_LOSS,
    CRT_DEFENDER_LOSS,
    CRT_RETREAT,
    DIE_FACES,
    FLYING_WEATHER,
    I8,
    I16,
    I32,
    I64,
    MAX_AIR_SHIFT,
    MAX_AIR_SHIFT_BAD_WEATHER,
    MAX_ARTILLERY_SHIFT,
    MAX_CITY,
    MAX_FORTIFICATION,
    N_COLUMNS,
    N_TERRAIN,
    N_WEATHER,
    TOP_COLUMN,
    U8,
    Bool,
    CombatBatch,
    CombatResult,
    Odds,
    Outcome,
    Stack,
    closed_ground,
    fatigue_class,
    fortification_shift,
    ground_shift,
    odds_column,
    open_ground,
    strength_multiplier,
    supply_class,
    table_result,
    weather_shift,
)

# --- tables for the core ------------------------------------------------------------------------

# Combats per block, measured on the 2-core bench machine: small enough to keep temporaries in
# cache when one thread works through the blocks, larger when threads share them out (a block
# per thread must outweigh the GIL hand-offs between numpy calls; below that, threads lose).
BLOCK_COMBATS = 32768
THREAD_BLOCK_COMBATS = 65536
MIN_THREAD_BLOCK_COMBATS = 32768
MAX_WORKERS = 8

# An attacker's code packs everything its strength multiplier depends on: kind * 3 + river in
# bits 0-3, supply class * 3 + fatigue class in bits 4-7, closed ground in bit 8 and weather in
# bits 9-11. A defender's multiplier depends on its supply and fatigue classes alone.
_CODE_SIZE = 1 << 12
_CLOSED_CODE = 1 << 8
_WEATHER_CODE_SHIFT = 9
_CONDITIONS = 9  # supply class * 3 + fatigue class


def attacker_code(
    kind: int, river: int, weather: int, closed: bool, supply: int, fatigue: int
) -> int:
    """The row of the core's attack table for one unit (the core builds it with array ops)."""
    conditions = supply_class(supply) * 3 + fatigue_class(fatigue)
    return (
        (kind * 3 + river)
        | conditions << 4
        | int(closed) * _CLOSED_CODE
        | weather << _WEATHER_CODE_SHIFT
    )


MAX_SIDE_STEPS = 4095  # steps of one side of one combat; side totals are summed in int16
_CLASSES = list(itertools.product((0, 1, 3), (0, 2, 3)))  # one (supply, fatigue) of each class


def _build_attack_table() -> I32:
    table = np.zeros(_CODE_SIZE, dtype=np.int32)
    for weather, closed, kind, river in itertools.product(
        range(N_WEATHER), (False, True), UnitKind, River
    ):
        for supply, fatigue in _CLASSES:
            code = attacker_code(kind, river, weather, closed, supply, fatigue)
            table[code] = strength_multiplier(
                True, kind, river, weather, closed, supply_class(supply), fatigue_class(fatigue)
            )
    return table


def _build_defence_table() -> I32:
    table = np.zeros(_CONDITIONS, dtype=np.int32)
    for supply, fatigue in _CLASSES:
        table[supply_class(supply) * 3 + fatigue_class(fatigue)] = strength_multiplier(
            False,
            UnitKind.INFANTRY,
            River.NONE,
            0,
            False,
            supply_class(supply),
            fatigue_class(fatigue),
        )
    return table


# Multipliers in 1/STRENGTH_SCALE: attackers' by attacker_code, defenders' by conditions.
_ATTACK = _build_attack_table()
_DEFENCE = _build_defence_table()


def _hex_table(rule: Callable[[int, int, int, int], int | bool], dtype: type[np.generic]) -> Any:
    """A rule of (weather, terrain, city, fortification), tabulated by the core's hex key."""
    table = np.zeros((N_WEATHER, N_TERRAIN, MAX_CITY + 1, MAX_FORTIFICATION + 1), dtype=dtype)
    for index in np.ndindex(table.shape):
        table[index] = rule(*index)
    return table.reshape(-1)


_HEX_SHIFT = _hex_table(
    lambda w, t, c, f: ground_shift(w, t, c) + fortification_shift(f) + weather_shift(w), np.int8
)
_HEX_GROUND = _hex_table(lambda w, t, c, f: ground_shift(w, t, c), np.int8)
_HEX_FORTIFICATION = _hex_table(lambda w, t, c, f: fortification_shift(f), np.int8)
_HEX_WEATHER = _hex_table(lambda w, t, c, f: weather_shift(w), np.int8)
_HEX_CODE = _hex_table(
    lambda w, t, c, f: w << _WEATHER_CODE_SHIFT | int(closed_ground(w, t, c)) * _CLOSED_CODE,
    np.intp,
)
_HEX_OPEN = _hex_table(lambda w, t, c, f: open_ground(w, t, c), np.bool_)
_HEX_AIR_CAP = _hex_table(
    lambda w, t, c, f: MAX_AIR_SHIFT if w in FLYING_WEATHER else MAX_AIR_SHIFT_BAD_WEATHER, np.int8
)
_COLUMN_OF_SIXTHS = np.array(
    [odds_column(q, 6) for q in range(COLUMN_SIXTHS[-1] + 1)], dtype=np.int8
)  # 6 * attack // defence -> column

# table_result for every column, die, surrender die, surrounded, can_retreat and side steps. Steps
# past the caps cannot change a result (no loss reaches them), so they are clamped to the caps.
_ATTACKER_CAP = max(map(max, CRT_ATTACKER_LOSS)) + 1
_DEFENDER_CAP = 1 + max(
    d + r
    for d_row, r_row in zip(CRT_DEFENDER_LOSS, CRT_RETREAT, strict=True)
    for d, r in zip(d_row, r_row, strict=True)
)
_ALL_STEPS = 1 << 5  # the defender loses every step it has (surrender)


def _build_result_table() -> npt.NDArray[np.uint16]:
    shape = (N_COLUMNS, DIE_FACES, DIE_FACES, 2, 2, _DEFENDER_CAP + 1, _ATTACKER_CAP + 1)
    table = np.zeros(shape, dtype=np.uint16)
    for column, die, surrender_die, surrounded, can_retreat, defenders, attackers in np.ndindex(
        shape
    ):
        r = table_result(
            column,
            die + 1,
            surrender_die + 1,
            bool(surrounded),
            bool(can_retreat),
            attackers,
            defenders,
        )
        everything = r.outcome == Outcome.SURRENDERED
        table[column, die, surrender_die, surrounded, can_retreat, defenders, attackers] = (
            r.attacker_loss
            | (0 if everything else r.defender_loss) << 2
            | (_ALL_STEPS if everything else 0)
            | r.retreat << 6
            | r.outcome << 8
            | r.advance << 11
        )
    return table.reshape(-1)


_RESULT = _build_result_table()
_STEP_COMBINATIONS = (_DEFENDER_CAP + 1) * (_ATTACKER_CAP + 1)
_RESULT_ROW = DIE_FACES * DIE_FACES * 4 * _STEP_COMBINATIONS  # one odds column of the table


# --- the core -----------------------------------------------------------------------------------


# Numpy notes for the hot paths below (measured on the 2-core bench machine): gather with
# np.take on intp indices (other index types are converted first, slowly), bound with np.clip or
# against arrays, avoid np.where, boolean-mask assignment and float64 -> int64 casts, and do
# every slot of a side in one call on its [slots, combats] block rather than slot by slot.
#
# Two divisions run in floating point because integer division is several times slower; both
# are exact. IEEE division is correctly rounded on every machine, and the operands are small
# enough that rounding never carries a quotient across an integer. Unit strength: float32 holds
# x = value * steps + max_steps - 1 < 2**24 exactly, and a quotient that is not an integer lies at
# least 1/max_steps from one while the rounding error is below x / max_steps * 2**-24. Odds:
# 6 * attack < 2**53 fits float64, quotients above 42 are clamped, and the error stays below
# 42 * 2**-53, far inside the gap of 1 / defence. Tests hold both to the integer forms.


def _take(table: npt.NDArray[Any], index: npt.NDArray[np.intp]) -> npt.NDArray[Any]:
    return np.take(table, index, mode="clip")


def _hex_key(batch: CombatBatch, c: slice) -> npt.NDArray[np.intp]:
    key = batch.weather[c].astype(np.intp)
    key *= N_TERRAIN
    key += batch.terrain[c]
    key *= MAX_CITY + 1
    key += np.clip(batch.city[c], 0, MAX_CITY)
    key *= MAX_FORTIFICATION + 1
    key += np.clip(batch.fortification[c], 0, MAX_FORTIFICATION)
    return key


@dataclass(frozen=True, eq=False)
class _Side:
    """One side of a block of combats, summed over its slots."""

    strength: I64  # in 1/STRENGTH_SCALE
    steps: I16
    armour: Bool  # attackers: tanks with steps; defenders: tanks or guns with steps


def _side(stack: Stack, c: slice, hex_code: npt.NDArray[np.intp] | None) -> _Side:
    """Every slot of one side at once: each unit's strength multiplier is one gather.

    `hex_code` (the hex's weather and ground) for the attackers; None for the defenders,
    whose multiplier does not depend on the hex or their kind.
    """
    kind, steps = stack.kind[:, c], stack.steps[:, c]
    supply, fatigue = stack.supply[:, c], stack.fatigue[:, c]
    conditions = np.add((supply > 0).view(np.uint8), (supply > 2).view(np.uint8))
    conditions *= 3
    conditions += (fatigue > 1).view(np.uint8)
    conditions += (fatigue > 2).view(np.uint8)
    if hex_code is not None:
        conditions *= 16
        conditions += kind * np.uint8(3)
        conditions += stack.river[:, c]
    code = conditions.astype(np.intp)
    if hex_code is not None:
        code += hex_code  # the same for every slot of a combat

    # ceil(value * steps / max_steps): the float32 quotient is never rounded across an integer
    quotient = np.multiply(stack.value[:, c], steps, dtype=np.float32)  # below 2**24: exact
    quotient /= stack.max_steps[:, c]
    np.ceil(quotient, out=quotient)
    strength = quotient.astype(np.int32)
    strength *= _take(_DEFENCE if hex_code is None else _ATTACK, code)

    armour = kind == np.uint8(UnitKind.ARMOUR)
    if hex_code is None:
        armour |= kind == np.uint8(UnitKind.ARTILLERY)
    armour &= steps > 0
    return _Side(
        strength=strength.sum(axis=0, dtype=np.int64),
        steps=steps.sum(axis=0, dtype=np.int16),
        armour=armour.any(axis=0),
    )


@dataclass(frozen=True, eq=False)
class _Odds:
    """What the odds of one block leave for resolving it."""

    attackers: _Side
    defenders: _Side
    raw_column: I8
    armour_shift: Bool
    support: I8  # artillery and air shift
    column: I8


def _support(batch: CombatBatch, c: slice, hex_key: npt.NDArray[np.intp]) -> I8:
    air_cap = _take(_HEX_AIR_CAP, hex_key)
    air = np.minimum(batch.air[c], air_cap)
    np.negative(air_cap, out=air_cap)
    np.maximum(air, air_cap, out=air)
    air += np.clip(batch.artillery[c], -MAX_ARTILLERY_SHIFT, MAX_ARTILLERY_SHIFT)
    support: I8 = air
    return support


def _odds(batch: CombatBatch, c: slice, hex_key: npt.NDArray[np.intp]) -> _Odds:
    """Strengths, steps and odds column of the combats c of a batch."""
    attackers = _side(batch.attackers, c, _take(_HEX_CODE, hex_key))
    defenders = _side(batch.defenders, c, None)

    tanks = _take(_HEX_OPEN, hex_key)  # armour shift: tanks attack, no tanks or guns defend
    tanks &= attackers.armour
    tanks &= ~defenders.armour
    undefended = defenders.strength == 0
    sixths = np.multiply(attackers.strength, 6, dtype=np.float64)
    sixths /= np.clip(defenders.strength, 1, None)
    sixths[undefended] = COLUMN_SIXTHS[-1]
    np.clip(sixths, 0, COLUMN_SIXTHS[-1], out=sixths)
    raw_column = _take(_COLUMN_OF_SIXTHS, sixths.astype(np.int32).astype(np.intp))
    column = raw_column + _take(_HEX_SHIFT, hex_key)
    column += tanks.view(np.int8)
    support = _support(batch, c, hex_key)
    column += support
    np.clip(column, 0, TOP_COLUMN, out=column)
    return _Odds(attackers, defenders, raw_column, tanks, support, column)


def _odds_block(batch: CombatBatch, c: slice, out: Odds) -> None:
    hex_key = _hex_key(batch, c)
    o = _odds(batch, c, hex_key)
    out.attack_strength[c] = o.attackers.strength
    out.defence_strength[c] = o.defenders.strength
    out.attacker_steps[c] = o.attackers.steps
    out.defender_steps[c] = o.defenders.steps
    out.ground_shift[c] = _take(_HEX_GROUND, hex_key)
    out.fortification_shift[c] = _take(_HEX_FORTIFICATION, hex_key)
    out.weather_shift[c] = _take(_HEX_WEATHER, hex_key)
    out.support_shift[c] = o.support
    out.raw_column[c] = o.raw_column
    out.armour_shift[c] = o.armour_shift
    out.column[c] = o.column


def _share_out(steps: I8, loss: I16, out: I8) -> None:
    """Slot 0 absorbs what it can of the side's loss, then slot 1, and so on (loss order).

    A loop over the few slots, each pass over every combat at once: numpy's cumsum along the
    slot axis would run combat by combat (its inner loop follows the summed axis), 30x slower.
    """
    left = loss.copy()
    taken = np.empty_like(left)
    for k in range(steps.shape[0]):
        np.minimum(steps[k], left, out=taken)
        out[k] = taken
        if k + 1 < steps.shape[0]:
            left -= taken


def _resolve_block(batch: CombatBatch, draws: U8, c: slice, out: CombatResult) -> None:
    """Resolve the combats c into `out`: one gather from the result table, then share out losses."""
    o = _odds(batch, c, _hex_key(batch, c))
    attacker_steps, defender_steps = o.attackers.steps, o.defenders.steps
    # Result table row: column, then both dice and the two hex flags (one byte), then the steps.
    dice = draws[0, c] * np.uint8(DIE_FACES)
    dice += draws[1, c]
    dice <<= 2
    dice += batch.surrounded[c].view(np.uint8) * np.uint8(2)
    dice += batch.can_retreat[c].view(np.uint8)
    dice -= np.uint8((DIE_FACES + 1) * 4)  # both dice count from 1
    key = o.column.astype(np.intp)
    key *= _RESULT_ROW
    key += np.minimum(defender_steps, np.int16(_DEFENDER_CAP)) * np.int16(_ATTACKER_CAP + 1)
    key += np.minimum(attacker_steps, np.int16(_ATTACKER_CAP))
    key += dice.astype(np.intp) * _STEP_COMBINATIONS
    entry = _take(_RESULT, key)
    entry *= (o.attackers.strength != 0).view(np.uint8)  # no attacking strength: VOID, all zero

    attacker_loss = (entry & 3).astype(np.int16)
    defender_loss = ((entry >> 2) & 7).astype(np.int16)
    defender_loss += (entry & _ALL_STEPS).astype(np.bool_) * defender_steps
    outcome = ((entry >> 8) & 7).astype(np.uint8)
    advance = (entry >> 11).astype(np.int8)
    out.column[c] = o.column
    out.outcome[c] = outcome
    out.attacker_steps_lost[c] = attacker_loss
    out.defender_steps_lost[c] = defender_loss
    out.retreat[c] = (entry >> 6) & 3
    np.equal(outcome, Outcome.SURRENDERED, out=out.defender_surrendered[c])
    outcome -= np.uint8(Outcome.ELIMINATED)  # ELIMINATED, SURRENDERED: 0, 1; the rest > 1
    np.less_equal(outcome, 1, out=out.defender_eliminated[c])
    np.greater(advance, 0, out=out.attacker_may_advance[c])
    out.advance[c] = advance
    _share_out(batch.attackers.steps[:, c], attacker_loss, out.attacker_losses[:, c])
    _share_out(batch.defenders.steps[:, c], defender_loss, out.defender_losses[:, c])


def _empty_odds(n: int) -> Odds:
    return Odds(
        attack_strength=np.empty(n, dtype=np.int64),
        defence_strength=np.empty(n, dtype=np.int64),
        attacker_steps=np.empty(n, dtype=np.int32),
        defender_steps=np.empty(n, dtype=np.int32),
        raw_column=np.empty(n, dtype=np.int8),
        ground_shift=np.empty(n, dtype=np.int8),
        fortification_shift=np.empty(n, dtype=np.int8),
        weather_shift=np.empty(n, dtype=np.int8),
        armour_shift=np.empty(n, dtype=np.bool_),
        support_shift=np.empty(n, dtype=np.int8),
        column=np.empty(n, dtype=np.int8),
    )


def _empty_result(batch: CombatBatch) -> CombatResult:
    n = batch.n_combats
    return CombatResult(
        column=np.empty(n, dtype=np.int8),
        outcome=np.empty(n, dtype=np.uint8),
        attacker_steps_lost=np.empty(n, dtype=np.int16),
        defender_steps_lost=np.empty(n, dtype=np.int16),
        retreat=np.empty(n, dtype=np.int8),
        defender_surrendered=np.empty(n, dtype=np.bool_),
        defender_eliminated=np.empty(n, dtype=np.bool_),
        attacker_may_advance=np.empty(n, dtype=np.bool_),
        advance=np.empty(n, dtype=np.int8),
        attacker_losses=np.empty((batch.attackers.slots, n), dtype=np.int8),
        defender_losses=np.empty((batch.defenders.slots, n), dtype=np.int8),
    )


_pools: dict[tuple[int, int], ThreadPoolExecutor] = {}  # by (process id, workers)


def _pool(workers: int) -> ThreadPoolExecutor:
    """A thread pool kept for the process: starting threads per call costs more than small
    batches take. Keyed by process id, so a forked worker process starts its own."""
    key = (os.getpid(), workers)
    pool = _pools.get(key)
    if pool is None:
        pool = _pools[key] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="combat")
    return pool


def _run_blocks(n: int, work: Callable[[slice], None], workers: int | None) -> None:
    """Run `work` over blocks of combats: in turn, or on threads for a large batch.

    Threads get blocks of up to THREAD_BLOCK_COMBATS in a multiple of the workers, so none is
    left with a short last block while the other works: each numpy call holds the GIL for a
    moment, so threads only pay off when every call does a lot of work.
    """
    if workers is None:
        workers = min(available_cores(), MAX_WORKERS)
    workers = max(1, min(workers, n // MIN_THREAD_BLOCK_COMBATS))
    if workers == 1:
        for c in range(0, n, BLOCK_COMBATS):
            work(slice(c, min(c + BLOCK_COMBATS, n)))
        if n == 0:
            work(slice(0, 0))
        return
    n_blocks = -(-n // THREAD_BLOCK_COMBATS)
    n_blocks = -(-n_blocks // workers) * workers
    size = -(-n // n_blocks)
    blocks = [slice(c, min(c + size, n)) for c in range(0, n, size)]
    for _ in _pool(workers).map(work, blocks):
        pass


def odds(batch: CombatBatch, workers: int | None = None) -> Odds:
    """Strengths, odds and every column shift of each combat of a batch (no dice)."""
    out = _empty_odds(batch.n_combats)
    _run_blocks(batch.n_combats, lambda c: _odds_block(batch, c, out), workers)
    return out


def resolve(batch: CombatBatch, draws: U8, workers: int | None = None) -> CombatResult:
    """Resolve every combat of a batch with the dice `draws` (from `draw`).

    Large batches are cut into blocks of combats that run on threads (numpy releases the GIL
    inside its loops); the result does not depend on `workers`.
    """
    out = _empty_result(batch)
    _run_blocks(batch.n_combats, lambda c: _resolve_block(batch, draws, c, out), workers)
    return out
