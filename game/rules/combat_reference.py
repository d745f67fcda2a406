"""The rules of combat, written plainly, and a scalar resolver that follows them one combat at a time.

This module is the specification. Everything that decides a combat is here as a table or a small
function of plain integers: the combat results table, the column shifts, the strength
multipliers, what a table result becomes when the defender cannot retreat or is surrounded, and
who takes the losses. `resolve_reference` applies them with plain loops, for reading and for
tests; the vectorised core (`combat_core`) tabulates the same functions at import, so the two can
only disagree through the core's array mechanics, which the tests hold equal draw for draw.
The model and a worked example are in `combat.md`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from fractions import Fraction
from functools import cache
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from game.enums import WATER_TERRAIN, River, Terrain, UnitKind, Weather

Bool = npt.NDArray[np.bool_]
U8 = npt.NDArray[np.uint8]
I8 = npt.NDArray[np.int8]
I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]

# --- the combat results table ------------------------------------------------------------------

DIE_FACES = 6
DRAWS_PER_COMBAT = 2  # the combat die, then the surrender die; both always drawn
ODDS_LABELS = ("<1:3", "1:3", "1:2", "1:1", "3:2", "2:1", "3:1", "4:1", "5:1", "6:1", "7:1+")
N_COLUMNS = len(ODDS_LABELS)
TOP_COLUMN = N_COLUMNS - 1
# Column c needs attack * 6 >= COLUMN_SIXTHS[c] * defence: odds in sixths keep it integer.
COLUMN_SIXTHS = (0, 2, 3, 6, 9, 12, 18, 24, 30, 36, 42)

# One row per odds column, one entry per die face 1..6 (high is good for the attacker). Every
# table is monotone both ways: one column right or one pip more never hurts the attacker.
CRT_ATTACKER_LOSS: tuple[tuple[int, ...], ...] = (
    (2, 2, 2, 2, 1, 1),  # <1:3
    (2, 2, 2, 1, 1, 1),  # 1:3
    (2, 2, 1, 1, 1, 0),  # 1:2
    (2, 1, 1, 1, 1, 0),  # 1:1
    (2, 1, 1, 0, 0, 0),  # 3:2
    (1, 1, 1, 0, 0, 0),  # 2:1
    (1, 1, 0, 0, 0, 0),  # 3:1
    (1, 0, 0, 0, 0, 0),  # 4:1
    (1, 0, 0, 0, 0, 0),  # 5:1
    (1, 0, 0, 0, 0, 0),  # 6:1
    (0, 0, 0, 0, 0, 0),  # 7:1+
)
CRT_DEFENDER_LOSS: tuple[tuple[int, ...], ...] = (
    (0, 0, 0, 0, 0, 0),
    (0, 0, 0, 0, 0, 1),
    (0, 0, 0, 0, 1, 1),
    (0, 0, 0, 1, 1, 1),
    (0, 0, 1, 1, 1, 1),
    (0, 1, 1, 1, 1, 2),
    (1, 1, 1, 1, 2, 2),
    (1, 1, 1, 2, 2, 2),
    (1, 1, 2, 2, 2, 3),
    (1, 2, 2, 2, 3, 3),
    (2, 2, 2, 3, 3, 3),
)
CRT_RETREAT: tuple[tuple[int, ...], ...] = (
    (0, 0, 0, 0, 0, 0),
    (0, 0, 0, 0, 0, 0),
    (0, 0, 0, 0, 0, 0),
    (0, 0, 0, 0, 0, 1),
    (0, 0, 0, 0, 1, 1),
    (0, 0, 0, 1, 1, 1),
    (0, 0, 1, 1, 1, 2),
    (0, 1, 1, 1, 2, 2),
    (0, 1, 1, 2, 2, 2),
    (1, 1, 2, 2, 2, 2),
    (1, 2, 2, 2, 2, 2),
)
MAX_RETREAT = 2
# A surrounded stack told to retreat r hexes surrenders when the surrender die is at most this.
SURRENDER_AT_MOST = (0, 2, 3)


class Outcome(IntEnum):
    """What became of the defending hex; the UI and the log name results by these."""

    VOID = 0  # no attacking strength: nothing happens
    HELD = 1  # the defender stays (perhaps with losses, perhaps instead of retreating)
    RETREATED = 2
    ELIMINATED = 3  # every defending step lost to the table or to a blocked retreat
    SURRENDERED = 4  # surrounded, beaten and unable to hold: the whole stack is gone
    UNOPPOSED = 5  # no defending steps in the hex: the attacker walks in


# --- modifiers, written plainly (the reference calls these; the core tabulates them) ----------

STRENGTH_SCALE = 768  # fixed point: 2**8 * 3 keeps halvings, three-quarters and two-thirds exact
FROZEN_WEATHER = frozenset({Weather.FROZEN, Weather.SNOW})
SOFT_WEATHER = frozenset({Weather.THAW, Weather.MUD})  # tanks bog down
FLYING_WEATHER = frozenset({Weather.CLEAR, Weather.FROZEN})
MAX_ARTILLERY_SHIFT = 2
MAX_AIR_SHIFT = 2
MAX_AIR_SHIFT_BAD_WEATHER = 1
MAX_FORTIFICATION = 3
MAX_CITY = 3
CITY_SHIFT = (0, -1, -2, -3)  # none, town, city, major city
N_WEATHER = len(Weather)
N_TERRAIN = len(Terrain)


def terrain_shift(weather: int, terrain: int) -> int:
    """Column shift of the defender's ground; frozen marsh is as good as open ground."""
    if terrain == Terrain.URBAN or terrain in WATER_TERRAIN:
        return -2
    if terrain == Terrain.MARSH:
        return 0 if weather in FROZEN_WEATHER else -1
    if terrain in (Terrain.FOREST, Terrain.HILLS):
        return -1
    return 0


def ground_shift(weather: int, terrain: int, city: int) -> int:
    """The better of terrain and city for the defender: they do not add up."""
    return min(terrain_shift(weather, terrain), CITY_SHIFT[min(city, MAX_CITY)])


def closed_ground(weather: int, terrain: int, city: int) -> bool:
    """Ground where tanks fight at half strength: woods, unfrozen marsh, built-up cities."""
    if city >= 2 or terrain in (Terrain.FOREST, Terrain.URBAN):
        return True
    return terrain == Terrain.MARSH and weather not in FROZEN_WEATHER


def open_ground(weather: int, terrain: int, city: int) -> bool:
    """Steppe in going weather: the only ground that gives the armour shift."""
    return terrain == Terrain.CLEAR and city <= 1 and weather not in SOFT_WEATHER


def weather_shift(weather: int) -> int:
    """Snow, thaw and mud slow every attack; the last two also halve tanks (below)."""
    return -1 if weather in (Weather.SNOW, Weather.THAW, Weather.MUD) else 0


def fortification_shift(fortification: int) -> int:
    return -min(fortification, MAX_FORTIFICATION)


def support_shift(artillery: int, air: int, weather: int) -> int:
    """Net artillery and air shifts (attacker minus defender), capped; bad weather grounds air."""
    air_cap = MAX_AIR_SHIFT if weather in FLYING_WEATHER else MAX_AIR_SHIFT_BAD_WEATHER
    artillery = max(-MAX_ARTILLERY_SHIFT, min(MAX_ARTILLERY_SHIFT, artillery))
    return artillery + max(-air_cap, min(air_cap, air))


def supply_class(supply: int) -> int:
    """0 in supply, 1 weakened or without replacements, 2 in attrition or worse: `supply` is the
    unit's stage out of supply (`supply.supply_stage`), which on 2-day turns is its turns out."""
    return 0 if supply == 0 else (1 if supply < 3 else 2)


def fatigue_class(fatigue: int) -> int:
    """0 fresh (a single combat is free), 1 tired, 2 exhausted."""
    return 0 if fatigue <= 1 else (1 if fatigue == 2 else 2)


def attack_factor(
    kind: int, river: int, weather: int, closed: bool, supply_cls: int, fatigue_cls: int
) -> Fraction:
    """How much of its current attack strength a unit brings; every condition halves or cuts."""
    factor = Fraction(1)
    if kind != UnitKind.ARTILLERY:  # guns fire across a river; men have to cross it
        if river == River.MINOR and weather not in FROZEN_WEATHER:
            factor /= 2
        elif river == River.MAJOR:
            factor /= 2 if weather in FROZEN_WEATHER else 4
    if kind in (UnitKind.ARMOUR, UnitKind.MECHANISED) and weather in SOFT_WEATHER:
        factor /= 2
    if kind == UnitKind.ARMOUR and closed:
        factor /= 2
    if supply_cls > 0:
        factor /= 2
    factor *= (Fraction(1), Fraction(3, 4), Fraction(1, 2))[fatigue_cls]
    return factor


def defence_factor(supply_cls: int, fatigue_cls: int) -> Fraction:
    """Defenders hold well: only a long encirclement or exhaustion wears them down."""
    factor = Fraction(2, 3) if supply_cls == 2 else Fraction(1)
    return factor * Fraction(3, 4) if fatigue_cls == 2 else factor


@cache
def strength_multiplier(
    attacking: bool,
    kind: int,
    river: int,
    weather: int,
    closed: bool,
    supply_cls: int,
    fatigue_cls: int,
) -> int:
    """A unit's multiplier in 1/STRENGTH_SCALE: exact, so odds are integer comparisons."""
    factor = (
        attack_factor(kind, river, weather, closed, supply_cls, fatigue_cls)
        if attacking
        else defence_factor(supply_cls, fatigue_cls)
    )
    scaled = factor * STRENGTH_SCALE
    assert scaled.denominator == 1, "STRENGTH_SCALE must keep every multiplier exact"
    return int(scaled)


def current_strength(value: int, steps: int, max_steps: int) -> int:
    """ceil(value * steps / max_steps): a unit keeps its full value until it loses a step."""
    if steps <= 0 or value <= 0:
        return 0
    return -(-value * steps // max_steps)


def current_strength_array(
    value: npt.ArrayLike, steps: npt.ArrayLike, max_steps: npt.ArrayLike
) -> I64:
    """`current_strength` over arrays (for estimates; the core has its own exact form)."""
    v = np.asarray(value, dtype=np.int64)
    s = np.asarray(steps, dtype=np.int64)
    m = np.maximum(np.asarray(max_steps, dtype=np.int64), 1)
    result: I64 = -(-(v * s) // m)
    return result


def odds_column(attack: int, defence: int) -> int:
    """The odds column before shifts; no defending strength counts as the top column."""
    if defence <= 0:
        return TOP_COLUMN
    column = 0
    for c, sixths in enumerate(COLUMN_SIXTHS):
        if 6 * attack >= sixths * defence:
            column = c
    return column


def armour_counts(attacking: bool, kind: int) -> bool:
    """Attacking tanks earn the armour shift; defending tanks or guns deny it."""
    if attacking:
        return kind == UnitKind.ARMOUR
    return kind in (UnitKind.ARMOUR, UnitKind.ARTILLERY)


def armour_shift(open_hex: bool, attacking_armour: bool, defending_anti_armour: bool) -> int:
    """+1 for tanks on open ground, unless the defence has tanks or guns of its own."""
    return 1 if open_hex and attacking_armour and not defending_anti_armour else 0


def loss_order_key(attacking: bool, kind: int, steps: int, unit: int) -> tuple[int, int, int]:
    """Who takes a side's losses first: sorted ascending, the first unit absorbs the first steps.

    Attacking armour leads the assault and pays first; guns stand back and pay last. Within a
    class the unit with the most steps goes first, so losses wear down the big formation before
    they finish off a weak one; the unit id breaks ties.
    """
    if kind == UnitKind.ARTILLERY:
        klass = 2
    elif attacking and kind == UnitKind.ARMOUR:
        klass = 0
    else:
        klass = 1
    return (klass, -steps, unit)


class TableResult(NamedTuple):
    """A fought combat's result once dice, retreat room and encirclement are known."""

    attacker_loss: int
    defender_loss: int
    retreat: int  # hexes the defender falls back
    outcome: Outcome
    advance: int  # hexes the attacker may advance


def table_result(
    column: int,
    die: int,
    surrender_die: int,
    surrounded: bool,
    can_retreat: bool,
    attacker_steps: int,
    defender_steps: int,
) -> TableResult:
    """Read the table, then apply retreat, blocked retreat, surrender and advance.

    Only for combats with some attacking strength (the others are VOID). A defender told to
    retreat that is surrounded surrenders on a low surrender die; one that cannot retreat loses
    a step for every hex it would have given up instead.
    """
    if defender_steps == 0:
        return TableResult(0, 0, 0, Outcome.UNOPPOSED, 1 if attacker_steps > 0 else 0)
    attacker_loss = min(CRT_ATTACKER_LOSS[column][die - 1], attacker_steps)
    defender_loss = CRT_DEFENDER_LOSS[column][die - 1]
    table_retreat = CRT_RETREAT[column][die - 1]
    outcome = Outcome.HELD
    retreat = 0
    if table_retreat > 0 and defender_loss < defender_steps:
        if surrounded and surrender_die <= SURRENDER_AT_MOST[table_retreat]:
            outcome = Outcome.SURRENDERED
            defender_loss = defender_steps
        elif can_retreat:
            outcome = Outcome.RETREATED
            retreat = table_retreat
        else:
            defender_loss += table_retreat
    defender_loss = min(defender_loss, defender_steps)
    if defender_loss == defender_steps and outcome != Outcome.SURRENDERED:
        outcome = Outcome.ELIMINATED
    vacated = outcome in (Outcome.RETREATED, Outcome.ELIMINATED, Outcome.SURRENDERED)
    advance = max(table_retreat, 1) if vacated and attacker_loss < attacker_steps else 0
    return TableResult(attacker_loss, defender_loss, retreat, outcome, advance)


# --- data types ---------------------------------------------------------------------------------

EMPTY_SLOT = -1  # the unit id of an empty slot
# The CombatBatch fields with one row per combat (each side's Stack has STACK_FIELDS).
COMBAT_FIELDS = (
    "game", "terrain", "city", "fortification", "weather", "artillery", "air", "can_retreat",
    "surrounded",
)  # fmt: skip
# The fields of a Stack, in order; an empty slot holds EMPTY_SLOT, max_steps 1 and 0 elsewhere.
STACK_FIELDS = ("unit", "kind", "steps", "max_steps", "value", "supply", "fatigue", "river")


@dataclass(frozen=True, eq=False)
class Stack:
    """One side of every combat of a batch, in slots: each array is `[slots, n_combats]`.

    Slot k of combat c holds the side's k-th unit in loss order (`loss_order_key`), so slot 0
    pays a loss first. Combats with fewer units leave their last slots empty (`unit` is
    EMPTY_SLOT, `max_steps` 1, everything else 0): an empty slot adds no strength and no steps
    and takes no loss. Slot-major arrays make a side's totals a sum over a short first axis and
    let the core share out losses slot by slot, with no sorting or prefix sums over units.

    `value` is the unit's full-strength attack factor on the attacking side and its defence
    factor on the defending side; `river` (River) is the hexside an attacker crosses and is
    always 0 for defenders.
    """

    unit: I32
    kind: U8
    steps: I8
    max_steps: I8
    value: I16
    supply: U8
    fatigue: U8
    river: U8

    @property
    def slots(self) -> int:
        return int(self.unit.shape[0])

    @property
    def filled(self) -> Bool:
        filled: Bool = self.unit != EMPTY_SLOT
        return filled

    def select(self, combats: npt.NDArray[np.intp]) -> Stack:
        """The slots of the given combats, in that order (repeats allowed)."""
        return Stack(*(np.take(getattr(self, f), combats, axis=1) for f in STACK_FIELDS))


@dataclass(frozen=True, eq=False)
class Participants:
    """Every unit of a batch once, flat and in canonical order: by combat, attackers before
    defenders, each side in loss order. `slot` is the unit's slot in its side's `Stack`."""

    unit: I32
    combat: I32
    attacking: Bool
    slot: I32

    def __len__(self) -> int:
        return int(self.unit.shape[0])


@dataclass(frozen=True, eq=False)
class CombatBatch:
    """Combats as a struct of arrays: one row per combat, and each side's units in slots.

    Per combat: `game` (which game of a batch run), the defender hex's `terrain` (Terrain),
    `city` (0 none, 1 town, 2 city, 3 major city), `fortification` (0..3), `weather` (Weather),
    `artillery` and `air` (net column shifts, attacker minus defender; capped by the rules),
    `can_retreat` (a legal retreat hex exists) and `surrounded` (no supply path from the hex).
    `attackers` and `defenders` are the two sides' units (`Stack`, `[slots, n_combats]`).
    Build batches with `combat.batch_from_arrays` or `combat.build_batch`; `combat.check_batch`
    says what is wrong with a hand-made one.
    """

    game: I32
    terrain: U8
    city: U8
    fortification: U8
    weather: U8
    artillery: I8
    air: I8
    can_retreat: Bool
    surrounded: Bool
    attackers: Stack
    defenders: Stack

    @property
    def n_combats(self) -> int:
        return int(self.terrain.shape[0])

    @property
    def n_participants(self) -> int:
        return int(
            np.count_nonzero(self.attackers.filled) + np.count_nonzero(self.defenders.filled)
        )

    def select(self, combats: npt.ArrayLike) -> CombatBatch:
        """A batch of the given combats, in that order: a subset, a reordering or copies."""
        index = np.asarray(combats, dtype=np.intp).reshape(-1)
        per_combat = {name: getattr(self, name)[index] for name in COMBAT_FIELDS}
        return CombatBatch(
            **per_combat,
            attackers=self.attackers.select(index),
            defenders=self.defenders.select(index),
        )

    def participants(self) -> Participants:
        """Who takes part, flat (see `Participants`); `flatten` lays slot values out alike."""
        slots = self.attackers.slots
        filled = np.concatenate([self.attackers.filled, self.defenders.filled]).T
        combat, slot = np.nonzero(filled)
        attacking = slot < slots
        unit = np.concatenate([self.attackers.unit, self.defenders.unit]).T[combat, slot]
        return Participants(
            unit=unit.astype(np.int32),
            combat=combat.astype(np.int32),
            attacking=attacking,
            slot=np.where(attacking, slot, slot - slots).astype(np.int32),
        )

    def flatten(
        self, attacker_values: npt.NDArray[Any], defender_values: npt.NDArray[Any]
    ) -> npt.NDArray[Any]:
        """Per-slot values of both sides (`[slots, n_combats]` each) in `participants` order."""
        filled = np.concatenate([self.attackers.filled, self.defenders.filled]).T
        values: npt.NDArray[Any] = np.concatenate([attacker_values, defender_values]).T[filled]
        return values


@dataclass(frozen=True, eq=False)
class Odds:
    """Strengths and column shifts of each combat: what the UI shows before the die is cast."""

    attack_strength: I64  # in 1/STRENGTH_SCALE
    defence_strength: I64
    attacker_steps: I32
    defender_steps: I32
    raw_column: I8
    ground_shift: I8  # terrain or city, whichever is better for the defender
    fortification_shift: I8
    weather_shift: I8
    armour_shift: Bool
    support_shift: I8  # artillery and air
    column: I8  # after all shifts, clamped to the table


@dataclass(frozen=True, eq=False)
class CombatResult:
    """What happened: per combat (rows of the batch), and each unit's steps lost by slot."""

    column: I8
    outcome: U8  # Outcome
    attacker_steps_lost: I16
    defender_steps_lost: I16
    retreat: I8  # hexes the defender retreats (0 when it held, died or surrendered)
    defender_surrendered: Bool
    defender_eliminated: Bool  # every defending step lost, surrender included
    attacker_may_advance: Bool
    advance: I8  # hexes the attacker may advance into the vacated ground
    attacker_losses: I8  # [slots, combat] like `batch.attackers`; never more than a unit has
    defender_losses: I8  # [slots, combat] like `batch.defenders`

    def steps_lost(self, batch: CombatBatch) -> I8:
        """Each participant's steps lost, in `batch.participants()` order."""
        lost: I8 = batch.flatten(self.attacker_losses, self.defender_losses)
        return lost


def draw(rng: np.random.Generator, n_combats: int) -> U8:
    """All dice for `n_combats` combats in one call: shape (2, n), faces 1..6.

    Row 0 holds the combat dice, row 1 the surrender dice (rolled whether needed or not, so the
    generator always advances by the same amount).
    """
    return rng.integers(1, DIE_FACES + 1, size=(DRAWS_PER_COMBAT, n_combats), dtype=np.uint8)


def draws_needed(n_combats: int) -> int:
    return n_combats * DRAWS_PER_COMBAT


# --- the scalar resolver ------------------------------------------------------------------------


@dataclass
class _Unit:
    slot: int
    unit: int
    attacking: bool
    kind: int
    steps: int
    strength: int  # effective, in 1/STRENGTH_SCALE


class _Hex(NamedTuple):
    """The defender's hex and the conditions of one combat."""

    terrain: int
    city: int
    fortification: int
    weather: int
    artillery: int
    air: int
    can_retreat: bool
    surrounded: bool


@dataclass
class _Combat:
    column: int
    outcome: Outcome
    attacker_steps_lost: int
    defender_steps_lost: int
    retreat: int
    surrendered: bool
    eliminated: bool
    may_advance: bool
    advance: int


def _take_losses(units: list[_Unit], loss: int, steps_lost: list[int]) -> None:
    """The first unit in loss order absorbs what it can, then the next, and so on."""
    for u in sorted(units, key=lambda u: loss_order_key(u.attacking, u.kind, u.steps, u.unit)):
        taken = min(loss, u.steps)
        steps_lost[u.slot] = taken
        loss -= taken


def _resolve_one(
    where: _Hex, attackers: list[_Unit], defenders: list[_Unit], die: int, surrender_die: int
) -> _Combat:
    weather, terrain, city = where.weather, where.terrain, where.city
    attack = sum(u.strength for u in attackers)
    defence = sum(u.strength for u in defenders)
    attacker_steps = sum(u.steps for u in attackers)
    defender_steps = sum(u.steps for u in defenders)

    tanks = any(armour_counts(True, u.kind) and u.steps > 0 for u in attackers)
    anti_tank = any(armour_counts(False, u.kind) and u.steps > 0 for u in defenders)
    column = (
        odds_column(attack, defence)
        + ground_shift(weather, terrain, city)
        + fortification_shift(where.fortification)
        + weather_shift(weather)
        + armour_shift(open_ground(weather, terrain, city), tanks, anti_tank)
        + support_shift(where.artillery, where.air, weather)
    )
    column = max(0, min(TOP_COLUMN, column))

    if attack == 0:
        return _Combat(column, Outcome.VOID, 0, 0, 0, False, False, False, 0)
    r = table_result(
        column,
        die,
        surrender_die,
        where.surrounded,
        where.can_retreat,
        attacker_steps,
        defender_steps,
    )
    return _Combat(
        column,
        r.outcome,
        r.attacker_loss,
        r.defender_loss,
        r.retreat,
        r.outcome == Outcome.SURRENDERED,
        r.outcome in (Outcome.ELIMINATED, Outcome.SURRENDERED),
        r.advance > 0,
        r.advance,
    )


class _Slot(NamedTuple):
    """One slot of one side of one combat, as plain Python values."""

    unit: int
    kind: int
    steps: int
    max_steps: int
    value: int
    supply: int
    fatigue: int
    river: int


def _slots(stack: Stack) -> list[list[_Slot]]:
    """Per combat, the side's slots as plain values (one conversion, not one per element)."""
    fields = [getattr(stack, name).T.tolist() for name in STACK_FIELDS]
    return [
        [_Slot(*slot) for slot in zip(*combat, strict=True)] for combat in zip(*fields, strict=True)
    ]


def _units(slots: list[_Slot], attacking: bool, where: _Hex) -> list[_Unit]:
    """The units in one side's slots of a combat, with their effective strengths."""
    closed = closed_ground(where.weather, where.terrain, where.city)
    units = []
    for k, s in enumerate(slots):
        if s.unit == EMPTY_SLOT:
            continue
        multiplier = strength_multiplier(
            attacking,
            s.kind,
            s.river if attacking else 0,
            where.weather,
            closed,
            supply_class(s.supply),
            fatigue_class(s.fatigue),
        )
        strength = current_strength(s.value, s.steps, s.max_steps) * multiplier
        units.append(_Unit(k, s.unit, attacking, s.kind, s.steps, strength))
    return units


def resolve_reference(batch: CombatBatch, draws: U8) -> CombatResult:
    """Resolve every combat with the same dice as `resolve`; a plain loop, for tests."""
    n = batch.n_combats
    hexes = [
        _Hex._make(fields)
        for fields in zip(*(getattr(batch, name).tolist() for name in _Hex._fields), strict=True)
    ]
    combats: list[_Combat] = []
    attacker_losses = np.zeros((batch.attackers.slots, n), dtype=np.int8)
    defender_losses = np.zeros((batch.defenders.slots, n), dtype=np.int8)
    dice, surrender_dice = draws[0].tolist(), draws[1].tolist()
    attacker_slots, defender_slots = _slots(batch.attackers), _slots(batch.defenders)
    for c in range(n):
        attackers = _units(attacker_slots[c], True, hexes[c])
        defenders = _units(defender_slots[c], False, hexes[c])
        result = _resolve_one(hexes[c], attackers, defenders, dice[c], surrender_dice[c])
        for units, loss, out in (
            (attackers, result.attacker_steps_lost, attacker_losses),
            (defenders, result.defender_steps_lost, defender_losses),
        ):
            lost = [0] * out.shape[0]
            _take_losses(units, loss, lost)
            out[:, c] = lost
        combats.append(result)

    def column_of(name: str, dtype: type[np.generic]) -> npt.NDArray[Any]:
        return np.array([getattr(r, name) for r in combats], dtype=dtype).reshape(n)

    return CombatResult(
        column=column_of("column", np.int8),
        outcome=column_of("outcome", np.uint8),
        attacker_steps_lost=column_of("attacker_steps_lost", np.int16),
        defender_steps_lost=column_of("defender_steps_lost", np.int16),
        retreat=column_of("retreat", np.int8),
        defender_surrendered=column_of("surrendered", np.bool_),
        defender_eliminated=column_of("eliminated", np.bool_),
        attacker_may_advance=column_of("may_advance", np.bool_),
        advance=column_of("advance", np.int8),
        attacker_losses=attacker_losses,
        defender_losses=defender_losses,
    )
