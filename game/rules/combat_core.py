"""The vectorised combat core: whole arrays of combats resolved with array operations only.

It follows the rules of `combat_reference` exactly: their multipliers, shifts and the result of
every table cell are tabulated at import, so the core is indexing and prefix sums. There is no
Python loop over combats or units; a batch is cut into blocks of tens of thousands of combats,
which keeps temporaries in cache and lets large batches use every core.

Layout contract. A `CombatBatch` is canonical when its participant rows are grouped by combat in
increasing combat order, attackers before defenders inside a combat, and each side's rows in loss
order (`loss_order_key`). `combat.batch_from_arrays` and `combat.build_batch` make canonical
batches; the core relies on that order (it is what lets losses be shared out with one prefix sum),
the reference does not. Values must lie in their documented ranges (`combat.check_batch`).
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
from game.rules.combat_reference import (
    COLUMN_SIXTHS,
    CRT_ATTACKER_LOSS,
    CRT_DEFENDER_LOSS,
    CRT_RETREAT,
    DIE_FACES,
    FLYING_WEATHER,
    I8,
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
    armour_counts,
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

BLOCK_COMBATS = 32768  # combats per block: bounds the temporaries, and gives threads work
MAX_WORKERS = 8

# A participant's code packs everything its strength multiplier depends on: kind * 3 + river in
# bits 0-3, supply class * 3 + fatigue class in bits 4-7, attacking in bit 8, closed ground in
# bit 9 and weather in bits 10-12.
_CODE_SIZE = 1 << 13
_ATTACKING_CODE = 1 << 8
_CLOSED_CODE = 1 << 9
_WEATHER_CODE_SHIFT = 10


def participant_code(
    attacking: bool, kind: int, river: int, weather: int, closed: bool, supply: int, fatigue: int
) -> int:
    """The row of the core's strength table for one unit (the core builds it with array ops)."""
    conditions = supply_class(supply) * 3 + fatigue_class(fatigue)
    return (
        (kind * 3 + river)
        | conditions << 4
        | int(attacking) * _ATTACKING_CODE
        | int(closed) * _CLOSED_CODE
        | weather << _WEATHER_CODE_SHIFT
    )


# Each participant row becomes one int64 word: its effective strength in bits 0-39, its steps if
# it counts as armour (armour_counts) in bits 40-50, and its steps in bits 51-62. One prefix sum
# over the words gives every side's strength, armour and steps, and also the steps of the rows
# before each row, which is what sharing out losses needs. The fields hold while a side has
# fewer than 2**11 steps (check_batch); the running sum may wrap around, differences of it do not.
_ARMOUR_FIELD = 40
_STEPS_FIELD = 51
_STRENGTH_MASK = (1 << _ARMOUR_FIELD) - 1
_ARMOUR_BITS = ((1 << (_STEPS_FIELD - _ARMOUR_FIELD)) - 1) << _ARMOUR_FIELD
MAX_SIDE_STEPS = (1 << (_STEPS_FIELD - _ARMOUR_FIELD)) - 1


def _build_strength_tables() -> tuple[I32, I64]:
    table = np.zeros(_CODE_SIZE, dtype=np.int32)
    step_word = np.zeros(_CODE_SIZE, dtype=np.int64)
    for weather, closed, attacking, kind, river in itertools.product(
        range(N_WEATHER), (False, True), (False, True), UnitKind, River
    ):
        for supply, fatigue in itertools.product((0, 1, 3), (0, 2, 3)):  # one of each class
            code = participant_code(attacking, kind, river, weather, closed, supply, fatigue)
            table[code] = strength_multiplier(
                attacking,
                kind,
                river,
                weather,
                closed,
                supply_class(supply),
                fatigue_class(fatigue),
            )
            step_word[code] = (
                1 << _STEPS_FIELD | int(armour_counts(attacking, kind)) << _ARMOUR_FIELD
            )
    return table, step_word


_STRENGTH, _STEP_WORD = _build_strength_tables()  # multiplier; steps word per step


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
_MAX_BLOCK_COMBATS = 1 << 16
_STEP_CAPS = np.tile(np.array([_ATTACKER_CAP, _DEFENDER_CAP], dtype=np.int64), _MAX_BLOCK_COMBATS)


# --- the core -----------------------------------------------------------------------------------


# Numpy notes for the hot paths below (measured on the 2-core bench machine): gather with
# np.take(mode="clip") on intp indices, bound with np.clip or against arrays (np.minimum with a
# Python scalar takes a slow path), avoid np.where, boolean-mask assignment and float64 -> int64
# casts, and prefer contiguous arrays.
#
# Two divisions run in floating point because integer division is several times slower; both
# are exact. IEEE division is correctly rounded on every machine, and the operands are small
# enough that rounding never carries a quotient across an integer. Unit strength: float32 holds
# x = value * steps + max_steps - 1 < 2**24 exactly, and a quotient that is not an integer lies at
# least 1/max_steps from one while the rounding error is below x / max_steps * 2**-24. Odds:
# 6 * attack < 2**43 fits float64, quotients above 42 are clamped, and the error stays below
# 42 * 2**-53, far inside the 2**-40 gap. Tests hold both to the integer forms.


def _take(table: npt.NDArray[Any], index: npt.NDArray[np.intp]) -> npt.NDArray[Any]:
    return np.take(table, index, mode="clip")


@dataclass(frozen=True, eq=False)
class _Block:
    """Combats c0:c1 of a batch and their participant rows p0:p1."""

    c0: int
    c1: int
    p0: int
    p1: int


def _blocks(batch: CombatBatch, block_combats: int) -> list[_Block]:
    n = batch.n_combats
    edges = [*range(0, n, min(block_combats, _MAX_BLOCK_COMBATS)), n]
    rows = np.searchsorted(batch.combat, edges).tolist()
    rows[-1] = batch.n_participants
    if n == 0:
        return [_Block(0, 0, 0, batch.n_participants)]
    return [_Block(edges[i], edges[i + 1], rows[i], rows[i + 1]) for i in range(len(edges) - 1)]


@dataclass(frozen=True, eq=False)
class _Sides:
    """What the odds of one block leave for resolving it. Group 2k holds the attacking rows of
    the block's combat k, group 2k + 1 its defending rows."""

    group: npt.NDArray[np.intp]  # per row
    prefix: I64  # running total of the packed words, with a leading zero
    group_start: I64  # prefix at each group's first row
    strength: I64  # per group, in 1/STRENGTH_SCALE
    steps: I64  # per group
    raw_column: I8
    armour_shift: Bool
    column: I8


def _group_offsets(group: npt.NDArray[np.intp], n_groups: int) -> npt.NDArray[np.intp]:
    """Rows of group g are offsets[g]:offsets[g + 1] (`group` is sorted)."""
    m = group.shape[0]
    if m and group[0] == 0 and group[-1] == n_groups - 1:
        changes = np.flatnonzero(group[1:] != group[:-1])
        if changes.shape[0] == n_groups - 1:  # no group is empty: the changes are the boundaries
            offsets = np.empty(n_groups + 1, dtype=np.intp)
            offsets[0], offsets[-1] = 0, m
            np.add(changes, 1, out=offsets[1:-1])
            return offsets
    offsets = np.zeros(n_groups + 1, dtype=np.intp)
    np.cumsum(np.bincount(group, minlength=n_groups), out=offsets[1:])
    return offsets


def _hex_key(batch: CombatBatch, c: slice) -> npt.NDArray[np.intp]:
    key = batch.weather[c].astype(np.intp)
    key *= N_TERRAIN
    key += batch.terrain[c]
    key *= MAX_CITY + 1
    key += np.clip(batch.city[c], 0, MAX_CITY)
    key *= MAX_FORTIFICATION + 1
    key += np.clip(batch.fortification[c], 0, MAX_FORTIFICATION)
    return key


def _sides(batch: CombatBatch, b: _Block, hex_key: npt.NDArray[np.intp]) -> _Sides:
    """Strengths, steps and odds column of the combats in block b."""
    c, p, n = slice(b.c0, b.c1), slice(b.p0, b.p1), b.c1 - b.c0
    attacking = batch.attacking[p]
    combat = batch.combat[p]
    group = np.add(combat, combat, dtype=np.intp)
    group -= 2 * b.c0
    group += (~attacking).view(np.uint8)
    offsets = _group_offsets(group, 2 * n)

    # The strength multiplier of each row: one gather from its code.
    hex_code = _take(_HEX_CODE, hex_key)
    side_code = np.empty(2 * n, dtype=np.intp)
    side_code[1::2] = hex_code
    side_code[0::2] = hex_code
    side_code[0::2] += _ATTACKING_CODE
    supply, fatigue = batch.supply[p], batch.fatigue[p]
    conditions = np.add((supply > 0).view(np.uint8), (supply > 2).view(np.uint8))
    conditions *= 3
    conditions += (fatigue > 1).view(np.uint8)
    conditions += (fatigue > 2).view(np.uint8)
    conditions *= 16
    kind = batch.kind[p]
    conditions += kind * np.uint8(3)
    conditions += batch.river[p]
    code = _take(side_code, group)
    code += conditions

    steps, max_steps, defence = batch.steps[p], batch.max_steps[p], batch.defence[p]
    value = batch.attack[p] - defence
    value *= attacking.view(np.uint8).astype(np.int16)
    value += defence
    divisor = max_steps.astype(np.float32)
    quotient = np.multiply(value, steps, dtype=np.float32)  # integers below 2**24: exact
    quotient += divisor
    quotient -= 1
    quotient /= divisor
    strength = quotient.astype(np.int32)  # floor((x + max_steps - 1) / max_steps) = ceil(x / ms)
    strength *= _take(_STRENGTH, code)

    packed = _take(_STEP_WORD, code)
    packed *= steps
    packed += strength
    prefix = np.empty(b.p1 - b.p0 + 1, dtype=np.int64)
    prefix[0] = 0
    np.cumsum(packed, out=prefix[1:])

    at_offsets = _take(prefix, offsets)
    words = at_offsets[1:] - at_offsets[:-1]
    side_steps = words >> _STEPS_FIELD
    tanks = _take(_HEX_OPEN, hex_key)  # armour shift: tanks attack, no tanks or guns defend
    tanks &= (words[0::2] & _ARMOUR_BITS) != 0
    tanks &= (words[1::2] & _ARMOUR_BITS) == 0
    words &= _STRENGTH_MASK
    attack_strength, defence_strength = words[0::2], words[1::2]

    undefended = defence_strength == 0
    sixths = np.multiply(attack_strength, 6, dtype=np.float64)
    sixths /= np.clip(defence_strength, 1, None)
    sixths[undefended] = COLUMN_SIXTHS[-1]
    np.clip(sixths, 0, COLUMN_SIXTHS[-1], out=sixths)
    raw_column = _take(_COLUMN_OF_SIXTHS, sixths.astype(np.int32).astype(np.intp))
    column = raw_column + _take(_HEX_SHIFT, hex_key)
    column += tanks.view(np.int8)
    column += _support(batch, c, hex_key)
    np.clip(column, 0, TOP_COLUMN, out=column)
    return _Sides(
        group=group,
        prefix=prefix,
        group_start=at_offsets[:-1],
        strength=words,
        steps=side_steps,
        raw_column=raw_column,
        armour_shift=tanks,
        column=column,
    )


def _support(batch: CombatBatch, c: slice, hex_key: npt.NDArray[np.intp]) -> I8:
    air_cap = _take(_HEX_AIR_CAP, hex_key)
    air = np.minimum(batch.air[c], air_cap)
    np.negative(air_cap, out=air_cap)
    np.maximum(air, air_cap, out=air)
    air += np.clip(batch.artillery[c], -MAX_ARTILLERY_SHIFT, MAX_ARTILLERY_SHIFT)
    support: I8 = air
    return support


def _odds_block(batch: CombatBatch, b: _Block, out: Odds) -> None:
    c = slice(b.c0, b.c1)
    hex_key = _hex_key(batch, c)
    sides = _sides(batch, b, hex_key)
    out.attack_strength[c] = sides.strength[0::2]
    out.defence_strength[c] = sides.strength[1::2]
    out.attacker_steps[c] = sides.steps[0::2]
    out.defender_steps[c] = sides.steps[1::2]
    out.ground_shift[c] = _take(_HEX_GROUND, hex_key)
    out.fortification_shift[c] = _take(_HEX_FORTIFICATION, hex_key)
    out.weather_shift[c] = _take(_HEX_WEATHER, hex_key)
    out.support_shift[c] = _support(batch, c, hex_key)
    out.raw_column[c] = sides.raw_column
    out.armour_shift[c] = sides.armour_shift
    out.column[c] = sides.column


def _resolve_block(batch: CombatBatch, draws: U8, b: _Block, out: CombatResult) -> None:
    """Resolve block b into `out`: one gather from the result table, then share out losses."""
    c = slice(b.c0, b.c1)
    sides = _sides(batch, b, _hex_key(batch, c))
    defender_steps = sides.steps[1::2]
    # Result table row: column, then both dice and the two hex flags (one byte), then the steps.
    dice = draws[0, c] * np.uint8(DIE_FACES)
    dice += draws[1, c]
    dice <<= 2
    dice += batch.surrounded[c].view(np.uint8) * np.uint8(2)
    dice += batch.can_retreat[c].view(np.uint8)
    dice -= np.uint8((DIE_FACES + 1) * 4)  # both dice count from 1
    capped = np.minimum(sides.steps, _STEP_CAPS[: sides.steps.shape[0]])
    key = sides.column.astype(np.intp)
    key *= _RESULT_ROW
    key += capped[1::2] * (_ATTACKER_CAP + 1)
    key += capped[0::2]
    key += dice.astype(np.intp) * _STEP_COMBINATIONS
    entry = _take(_RESULT, key)
    entry *= (sides.strength[0::2] != 0).view(np.uint8)  # no attacking strength: VOID, all zero

    attacker_loss = (entry & 3).astype(np.int16)
    defender_loss = ((entry >> 2) & 7).astype(np.int16)
    defender_loss += (entry & _ALL_STEPS).astype(np.bool_) * defender_steps.astype(np.int16)
    outcome = ((entry >> 8) & 7).astype(np.uint8)
    advance = (entry >> 11).astype(np.int8)
    out.column[c] = sides.column
    out.outcome[c] = outcome
    out.attacker_steps_lost[c] = attacker_loss
    out.defender_steps_lost[c] = defender_loss
    out.retreat[c] = (entry >> 6) & 3
    np.equal(outcome, Outcome.SURRENDERED, out=out.defender_surrendered[c])
    outcome -= np.uint8(Outcome.ELIMINATED)  # ELIMINATED, SURRENDERED: 0, 1; the rest > 1
    np.less_equal(outcome, 1, out=out.defender_eliminated[c])
    np.greater(advance, 0, out=out.attacker_may_advance[c])
    out.advance[c] = advance

    # Share each side's loss out in loss order: a unit loses what is left of the side's loss
    # after the units before it, up to its own steps. The prefix's top field holds the steps of
    # the rows before each row, so for a group starting at row s, ((loss << field) + prefix[s]
    # + 2**field - 1 - prefix[row]) >> field is exactly loss - (steps before row in the group).
    side_loss = np.empty(2 * (b.c1 - b.c0), dtype=np.int64)
    side_loss[0::2] = attacker_loss
    side_loss[1::2] = defender_loss
    side_loss <<= _STEPS_FIELD
    side_loss += sides.group_start
    side_loss += (1 << _STEPS_FIELD) - 1
    left = _take(side_loss, sides.group)
    left -= sides.prefix[:-1]
    left >>= _STEPS_FIELD
    lost = np.clip(left.astype(np.int16), 0, np.iinfo(np.int8).max).astype(np.int8)
    np.minimum(lost, batch.steps[b.p0 : b.p1], out=out.steps_lost[b.p0 : b.p1])


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


def _empty_result(n: int, m: int) -> CombatResult:
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
        steps_lost=np.empty(m, dtype=np.int8),
    )


def _cpus() -> int:
    """CPUs this process may run on (a container may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _run_blocks(batch: CombatBatch, work: Callable[[_Block], None], workers: int | None) -> None:
    blocks = _blocks(batch, BLOCK_COMBATS)
    if workers is None:
        workers = min(len(blocks), _cpus(), MAX_WORKERS)
    if workers <= 1 or len(blocks) <= 1:
        for b in blocks:
            work(b)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(work, blocks):
            pass


def odds(batch: CombatBatch, workers: int | None = None) -> Odds:
    """Strengths, odds and every column shift of each combat of a canonical batch (no dice)."""
    out = _empty_odds(batch.n_combats)
    _run_blocks(batch, lambda b: _odds_block(batch, b, out), workers)
    return out


def resolve(batch: CombatBatch, draws: U8, workers: int | None = None) -> CombatResult:
    """Resolve every combat of a canonical batch with the dice `draws` (from `draw`).

    Large batches are cut into blocks of combats that run on threads (numpy releases the GIL
    inside its loops); the result does not depend on `workers`.
    """
    out = _empty_result(batch.n_combats, batch.n_participants)
    _run_blocks(batch, lambda b: _resolve_block(batch, draws, b, out), workers)
    return out
