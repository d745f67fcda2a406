"""The combat core's mechanics as compiled loops: a preview's 36 draws of a few combats in one call.

`combat_core` resolves large arrays of combats with numpy. The AI previews a handful of candidate
attacks at a time, 36 draws each, where numpy's cost per call is all the cost (~0.5 ms a
preview). These kernels walk the combats and draws in plain loops over the core's own tables:
the rules (multipliers, shifts, odds columns, every table cell) stay tabulated in one place, and
only the core's array mechanics (table keys, sums over slots, decoding a table entry, sharing
losses out in slot order) are written here a second time. The tests hold `resolve` equal to the
core's draw for draw and the preview equal to the one built from the core.

Every rule-made number reaches the kernels as an argument (`TABLES`), never as a global: numba's
disk cache (`cache=True`) notices edits to this file only, so a table compiled in as a constant
would outlive a change to the rules.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from game.enums import UnitKind
from game.rules import combat_core as core
from game.rules.combat_reference import (
    COLUMN_SIXTHS,
    DIE_FACES,
    MAX_ARTILLERY_SHIFT,
    MAX_CITY,
    MAX_FORTIFICATION,
    N_TERRAIN,
    TOP_COLUMN,
    U8,
    CombatBatch,
    CombatResult,
    Odds,
    Outcome,
    Stack,
    armour_counts,
    fatigue_class,
    supply_class,
)

I8 = npt.NDArray[np.int8]
I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
# A side's slots as the kernels take them: kind, steps, max_steps, value, supply, fatigue, river.
StackFields = tuple[U8, I8, I8, I16, U8, U8, U8]
# The fields of `Odds`, in order.
OddsFields = tuple[I64, I64, I32, I32, I8, I8, I8, I8, Bool, I8, I8]

# Rows of the hex table: the core's per-hex tables, by its hex key.
_SHIFT, _GROUND, _FORTIFICATION, _WEATHER, _CODE, _OPEN, _AIR_CAP = range(7)
# Entries of the constants array.
(
    _RESULT_ROW,
    _STEP_COMBINATIONS,
    _ATTACKER_CAP,
    _DEFENDER_CAP,
    _ALL_STEPS,
    _TOP_COLUMN,
    _TOP_SIXTHS,
    _MAX_CITY,
    _MAX_FORTIFICATION,
    _N_TERRAIN,
    _MAX_ARTILLERY,
    _DIE_FACES,
) = range(12)
# Rows of the outcome flags.
_RETREATED, _ELIMINATED, _SURRENDERED = range(3)


class Tables(NamedTuple):
    """What the kernels read of the rules, in the order they take it."""

    attack: I32  # the core's attack multipliers, by attacker code
    defence: I32  # its defence multipliers, by supply class * 3 + fatigue class
    hexes: I64  # [7, hex key]: shift, ground, fortification, weather, code, open, air cap
    column_of_sixths: I8  # min(6 * attack // defence, top) -> raw odds column
    result: npt.NDArray[np.uint16]  # the core's packed table results
    classes: U8  # [2, 256]: supply class, fatigue class of each raw value
    armour: Bool  # [2, kind]: counts as armour when defending, when attacking
    outcome_flags: Bool  # [3, Outcome]: retreated, eliminated, surrendered
    constants: I64


def _tables() -> Tables:
    values = range(256)
    return Tables(
        attack=core._ATTACK,
        defence=core._DEFENCE,
        hexes=np.stack(
            [
                core._HEX_SHIFT.astype(np.int64),
                core._HEX_GROUND.astype(np.int64),
                core._HEX_FORTIFICATION.astype(np.int64),
                core._HEX_WEATHER.astype(np.int64),
                core._HEX_CODE.astype(np.int64),
                core._HEX_OPEN.astype(np.int64),
                core._HEX_AIR_CAP.astype(np.int64),
            ]
        ),
        column_of_sixths=core._COLUMN_OF_SIXTHS,
        result=core._RESULT,
        classes=np.array(
            [[supply_class(v) for v in values], [fatigue_class(v) for v in values]],
            dtype=np.uint8,
        ),
        armour=np.array(
            [[armour_counts(attacking, k) for k in UnitKind] for attacking in (False, True)],
            dtype=np.bool_,
        ),
        outcome_flags=np.array(
            [
                [o == Outcome.RETREATED for o in Outcome],
                [o in (Outcome.ELIMINATED, Outcome.SURRENDERED) for o in Outcome],
                [o == Outcome.SURRENDERED for o in Outcome],
            ],
            dtype=np.bool_,
        ),
        constants=np.array(
            [
                core._RESULT_ROW,
                core._STEP_COMBINATIONS,
                core._ATTACKER_CAP,
                core._DEFENDER_CAP,
                core._ALL_STEPS,
                TOP_COLUMN,
                COLUMN_SIXTHS[-1],
                MAX_CITY,
                MAX_FORTIFICATION,
                N_TERRAIN,
                MAX_ARTILLERY_SHIFT,
                DIE_FACES,
            ],
            dtype=np.int64,
        ),
    )


TABLES = _tables()


# --- kernels ------------------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _clip(index: int, size: int) -> int:
    """An index into a table of `size`, clipped as the core's `np.take(mode="clip")` does."""
    return min(max(index, 0), size - 1)


@njit(cache=True, nogil=True)
def _side(
    c: int,
    kind: U8,
    steps: I8,
    max_steps: I8,
    value: I16,
    supply: U8,
    fatigue: U8,
    river: U8,
    hex_code: int,
    attacking: bool,
    multipliers: I32,
    classes: U8,
    armour: Bool,
) -> tuple[int, int, bool]:
    """Strength (in 1/STRENGTH_SCALE), steps and armour of one side of combat c (`core._side`)."""
    strength = 0
    total_steps = 0
    has_armour = False
    for k in range(kind.shape[0]):
        s = int(steps[k, c])
        conditions = int(classes[0, supply[k, c]]) * 3 + int(classes[1, fatigue[k, c]])
        if attacking:  # the core's attacker code: conditions << 4 | kind * 3 + river | hex
            code = conditions * 16 + int(kind[k, c]) * 3 + int(river[k, c]) + hex_code
        else:
            code = conditions
        # ceil(value * steps / max_steps): a unit keeps its full value until it loses a step
        current = -(-(int(value[k, c]) * s) // int(max_steps[k, c]))
        strength += current * int(multipliers[_clip(code, multipliers.shape[0])])
        total_steps += s
        if s > 0 and armour[int(attacking), _clip(int(kind[k, c]), armour.shape[1])]:
            has_armour = True
    return strength, total_steps, has_armour


@njit(cache=True, nogil=True)
def _odds_one(
    c: int,
    terrain: U8,
    city: U8,
    fortification: U8,
    weather: U8,
    artillery: I8,
    air: I8,
    attackers: StackFields,
    defenders: StackFields,
    attack: I32,
    defence: I32,
    hexes: I64,
    column_of_sixths: I8,
    classes: U8,
    armour: Bool,
    constants: I64,
    odds_out: OddsFields,
) -> None:
    """Odds of combat c into `odds_out` (the fields of `Odds`, in order), as `core._odds`."""
    key = int(weather[c]) * constants[_N_TERRAIN] + int(terrain[c])
    key = key * (constants[_MAX_CITY] + 1) + min(int(city[c]), constants[_MAX_CITY])
    key = key * (constants[_MAX_FORTIFICATION] + 1)
    key = _clip(key + min(int(fortification[c]), constants[_MAX_FORTIFICATION]), hexes.shape[1])
    a_kind, a_steps, a_max, a_value, a_supply, a_fatigue, a_river = attackers
    d_kind, d_steps, d_max, d_value, d_supply, d_fatigue, d_river = defenders
    attack_strength, attacker_steps, attacking_armour = _side(
        c, a_kind, a_steps, a_max, a_value, a_supply, a_fatigue, a_river,
        int(hexes[_CODE, key]), True, attack, classes, armour,
    )  # fmt: skip
    defence_strength, defender_steps, defending_armour = _side(
        c, d_kind, d_steps, d_max, d_value, d_supply, d_fatigue, d_river,
        0, False, defence, classes, armour,
    )  # fmt: skip
    tanks = hexes[_OPEN, key] != 0 and attacking_armour and not defending_armour
    top_sixths = constants[_TOP_SIXTHS]
    if defence_strength == 0:
        sixths = top_sixths
    else:
        sixths = min(max(6 * attack_strength // defence_strength, 0), top_sixths)
    raw_column = int(column_of_sixths[_clip(sixths, column_of_sixths.shape[0])])
    air_cap = int(hexes[_AIR_CAP, key])
    artillery_cap = constants[_MAX_ARTILLERY]
    support = max(min(int(air[c]), air_cap), -air_cap)
    support += max(min(int(artillery[c]), artillery_cap), -artillery_cap)
    column = raw_column + int(hexes[_SHIFT, key]) + int(tanks) + support
    column = min(max(column, 0), constants[_TOP_COLUMN])
    (
        attack_out, defence_out, attacker_steps_out, defender_steps_out, raw_column_out,
        ground_out, fortification_out, weather_out, armour_out, support_out, column_out,
    ) = odds_out  # fmt: skip
    attack_out[c] = attack_strength
    defence_out[c] = defence_strength
    attacker_steps_out[c] = attacker_steps
    defender_steps_out[c] = defender_steps
    raw_column_out[c] = raw_column
    ground_out[c] = hexes[_GROUND, key]
    fortification_out[c] = hexes[_FORTIFICATION, key]
    weather_out[c] = hexes[_WEATHER, key]
    armour_out[c] = tanks
    support_out[c] = support
    column_out[c] = column


@njit(cache=True, nogil=True)
def _first_key(
    column: int,
    attacker_steps: int,
    defender_steps: int,
    surrounded: bool,
    can_retreat: bool,
    constants: I64,
) -> int:
    """The core's result table key for one combat's first draw (both dice 1); draw d of the
    combat's 36 (`(die - 1) * 6 + surrender die - 1`) is `4 * d` rows further on."""
    key = column * constants[_RESULT_ROW]
    key += (int(surrounded) * 2 + int(can_retreat)) * constants[_STEP_COMBINATIONS]
    key += min(defender_steps, constants[_DEFENDER_CAP]) * (constants[_ATTACKER_CAP] + 1)
    key += min(attacker_steps, constants[_ATTACKER_CAP])
    return int(key)


@njit(cache=True, nogil=True)
def _entry(
    first_key: int,
    draw: int,
    attack_strength: int,
    result: npt.NDArray[np.uint16],
    constants: I64,
) -> int:
    """The core's packed table result of one draw (0, all fields, without attacking strength)."""
    if attack_strength == 0:
        return 0
    key = first_key + draw * 4 * constants[_STEP_COMBINATIONS]
    return int(result[_clip(key, result.shape[0])])


@njit(cache=True, nogil=True)
def _decode(entry: int, defender_steps: int, constants: I64) -> tuple[int, int, int, int, int]:
    """Attacker loss, defender loss, retreat, outcome and advance of a packed table result
    (the bit layout `core._build_result_table` writes)."""
    defender_loss = (entry >> 2) & 7
    if entry & constants[_ALL_STEPS]:
        defender_loss += defender_steps
    return entry & 3, defender_loss, (entry >> 6) & 3, (entry >> 8) & 7, entry >> 11


@njit(cache=True, nogil=True)
def _share_out(steps: I8, c: int, loss: int, times: int, out: Any, j: int) -> None:
    """Slot 0 absorbs what it can of a side's loss, then slot 1 ...: `times` times each slot's
    share added into `out[:, j]` (`core._share_out`)."""
    if times == 0:
        return
    left = loss
    for k in range(steps.shape[0]):
        taken = min(int(steps[k, c]), left)
        out[k, j] += times * taken
        left -= taken


@njit(cache=True, nogil=True)
def _empty_odds(n: int) -> OddsFields:
    return (
        np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.int32),
        np.empty(n, dtype=np.int32),
        np.empty(n, dtype=np.int8),
        np.empty(n, dtype=np.int8),
        np.empty(n, dtype=np.int8),
        np.empty(n, dtype=np.int8),
        np.empty(n, dtype=np.bool_),
        np.empty(n, dtype=np.int8),
        np.empty(n, dtype=np.int8),
    )


@njit(cache=True, nogil=True)
def resolve_loops(
    terrain: U8,
    city: U8,
    fortification: U8,
    weather: U8,
    artillery: I8,
    air: I8,
    can_retreat: Bool,
    surrounded: Bool,
    attackers: StackFields,
    defenders: StackFields,
    draws: U8,
    attack: I32,
    defence: I32,
    hexes: I64,
    column_of_sixths: I8,
    result: npt.NDArray[np.uint16],
    classes: U8,
    armour: Bool,
    outcome_flags: Bool,
    constants: I64,
) -> tuple[I8, U8, I16, I16, I8, Bool, Bool, Bool, I8, I8, I8]:
    """Every combat with the dice `draws`: the fields of `CombatResult`, as `core.resolve`."""
    n = terrain.shape[0]
    odds = _empty_odds(n)
    outcome = np.empty(n, dtype=np.uint8)
    attacker_steps_lost = np.empty(n, dtype=np.int16)
    defender_steps_lost = np.empty(n, dtype=np.int16)
    retreat = np.empty(n, dtype=np.int8)
    surrendered = np.empty(n, dtype=np.bool_)
    eliminated = np.empty(n, dtype=np.bool_)
    may_advance = np.empty(n, dtype=np.bool_)
    advance = np.empty(n, dtype=np.int8)
    attacker_losses = np.zeros((attackers[1].shape[0], n), dtype=np.int8)
    defender_losses = np.zeros((defenders[1].shape[0], n), dtype=np.int8)
    for c in range(n):
        _odds_one(
            c, terrain, city, fortification, weather, artillery, air, attackers, defenders,
            attack, defence, hexes, column_of_sixths, classes, armour, constants, odds,
        )  # fmt: skip
        defender_steps = int(odds[3][c])
        first = _first_key(
            odds[10][c], odds[2][c], defender_steps, surrounded[c], can_retreat[c], constants
        )
        draw = (int(draws[0, c]) - 1) * constants[_DIE_FACES] + int(draws[1, c]) - 1
        entry = _entry(first, draw, odds[0][c], result, constants)
        a_loss, d_loss, fall_back, o, forward = _decode(entry, defender_steps, constants)
        outcome[c] = o
        attacker_steps_lost[c] = a_loss
        defender_steps_lost[c] = d_loss
        retreat[c] = fall_back
        surrendered[c] = outcome_flags[_SURRENDERED, o]
        eliminated[c] = outcome_flags[_ELIMINATED, o]
        may_advance[c] = forward > 0
        advance[c] = forward
        _share_out(attackers[1], c, a_loss, 1, attacker_losses, c)
        _share_out(defenders[1], c, d_loss, 1, defender_losses, c)
    return (
        odds[10],
        outcome,
        attacker_steps_lost,
        defender_steps_lost,
        retreat,
        surrendered,
        eliminated,
        may_advance,
        advance,
        attacker_losses,
        defender_losses,
    )


@njit(cache=True, nogil=True)
def preview_loops(
    terrain: U8,
    city: U8,
    fortification: U8,
    weather: U8,
    artillery: I8,
    air: I8,
    can_retreat: Bool,
    surrounded: Bool,
    attackers: StackFields,
    defenders: StackFields,
    attack: I32,
    defence: I32,
    hexes: I64,
    column_of_sixths: I8,
    result: npt.NDArray[np.uint16],
    classes: U8,
    armour: Bool,
    outcome_flags: Bool,
    constants: I64,
    n_outcomes: int,
) -> tuple[OddsFields, I32, I32, I32, I32, I64, I64]:
    """Every combat once per each of the 36 draws, counted: odds (the fields of `Odds`), counts
    of outcomes, of attacker and of defender steps lost (0 .. the largest side + 1), of draws
    that retreat, eliminate, surrender or let the attacker advance `[4, combat]`, and the steps
    each slot loses summed over the draws (`[slot, combat]` per side)."""
    n = terrain.shape[0]
    odds = _empty_odds(n)
    width = 1
    for c in range(n):
        _odds_one(
            c, terrain, city, fortification, weather, artillery, air, attackers, defenders,
            attack, defence, hexes, column_of_sixths, classes, armour, constants, odds,
        )  # fmt: skip
        width = max(width, odds[2][c] + 1, odds[3][c] + 1)
    outcome_count = np.zeros((n, n_outcomes), dtype=np.int32)
    attacker_loss_count = np.zeros((n, width), dtype=np.int32)
    defender_loss_count = np.zeros((n, width), dtype=np.int32)
    flag_count = np.zeros((4, n), dtype=np.int32)
    attacker_lost = np.zeros((attackers[1].shape[0], n), dtype=np.int64)
    defender_lost = np.zeros((defenders[1].shape[0], n), dtype=np.int64)
    n_draws = constants[_DIE_FACES] * constants[_DIE_FACES]
    for c in range(n):
        defender_steps = int(odds[3][c])
        first = _first_key(
            odds[10][c], odds[2][c], defender_steps, surrounded[c], can_retreat[c], constants
        )
        strength = odds[0][c]
        for draw in range(n_draws):
            entry = _entry(first, draw, strength, result, constants)
            a_loss, d_loss, _, o, forward = _decode(entry, defender_steps, constants)
            outcome_count[c, o] += 1
            attacker_loss_count[c, a_loss] += 1
            defender_loss_count[c, d_loss] += 1
            flag_count[0, c] += outcome_flags[_RETREATED, o]
            flag_count[1, c] += outcome_flags[_ELIMINATED, o]
            flag_count[2, c] += outcome_flags[_SURRENDERED, o]
            flag_count[3, c] += forward > 0
        # the same loss is shared out the same way in every draw that gives it
        for loss in range(width):
            _share_out(attackers[1], c, loss, attacker_loss_count[c, loss], attacker_lost, c)
            _share_out(defenders[1], c, loss, defender_loss_count[c, loss], defender_lost, c)
    return (
        odds,
        outcome_count,
        attacker_loss_count,
        defender_loss_count,
        flag_count,
        attacker_lost,
        defender_lost,
    )


# --- the Python side ----------------------------------------------------------------------------


def _stack(stack: Stack) -> StackFields:
    return (
        stack.kind,
        stack.steps,
        stack.max_steps,
        stack.value,
        stack.supply,
        stack.fatigue,
        stack.river,
    )


BatchFields = tuple[U8, U8, U8, U8, I8, I8, Bool, Bool, StackFields, StackFields]


def batch_arguments(batch: CombatBatch) -> BatchFields:
    """A batch as the kernels take it: the per-combat fields, then each side's slots."""
    return (
        batch.terrain,
        batch.city,
        batch.fortification,
        batch.weather,
        batch.artillery,
        batch.air,
        batch.can_retreat,
        batch.surrounded,
        _stack(batch.attackers),
        _stack(batch.defenders),
    )


def resolve(batch: CombatBatch, draws: U8) -> CombatResult:
    """`combat_core.resolve` in loops, one combat after another (held equal to it by tests)."""
    return CombatResult(*resolve_loops(*batch_arguments(batch), draws, *TABLES))


class Counts(NamedTuple):
    """What `preview_loops` counts of a batch's 36 draws per combat (see there)."""

    odds: Odds
    outcome: I32  # [combat, Outcome]
    attacker_loss: I32  # [combat, steps lost]
    defender_loss: I32
    flags: I32  # [retreated, eliminated, surrendered, may advance; combat]
    attacker_lost: I64  # [slot, combat]: steps lost summed over the draws
    defender_lost: I64


def preview_counts(batch: CombatBatch) -> Counts:
    """Every combat of a batch once per each of the 36 draws, counted in one compiled call."""
    odds, outcome, attacker_loss, defender_loss, flags, attacker_lost, defender_lost = (
        preview_loops(*batch_arguments(batch), *TABLES, len(Outcome))
    )
    return Counts(
        Odds(*odds), outcome, attacker_loss, defender_loss, flags, attacker_lost, defender_lost
    )
