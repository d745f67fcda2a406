"""Combat: the public face of the combat rules, and the helpers that build batches of combats.

The model (odds columns, shifts, the table, retreats, surrender, who takes the losses) and a
worked example are in `combat.md` beside this file. The modules behind this one:
`combat_reference` (the rules as plain functions and tables, the data types, the scalar
resolver), `combat_core` (the vectorised resolver), `combat_preview` (exact odds of a proposal).

- `CombatBatch`: struct of arrays. Per combat (`COMBAT_FIELDS`): game, terrain, city,
  fortification, weather, artillery, air, can_retreat, surrounded. Per side, `attackers` and
  `defenders`: a `Stack` of `[slots, combat]` arrays (`STACK_FIELDS`: unit, kind, steps,
  max_steps, value, supply, fatigue, river), units in loss order, empty slots last. Make one
  with `build_batch(units, specs: Sequence[CombatSpec])` (the engine: a phase's attacks) or
  `batch_from_arrays(*, terrain, unit, combat, attacking, kind, steps, max_steps, attack,
  defence, ...)` (bulk, one row per participant in any order). `batch.participants()` lists
  the units flat; `check_batch(batch) -> list[str]` finds broken batches.
- `draw(rng, n) -> uint8[2, n]`: every die a phase needs, in one call on the game's Generator
  (`draw_games(rngs, batch.game)` for a batch that mixes games). Faces 1..6; row 0 holds the
  combat dice, row 1 the surrender dice. Both are always drawn, so replays stay in step.
- `resolve(batch, draws, workers=None) -> CombatResult`: the vectorised core. Per combat:
  column, outcome (`Outcome`), attacker_steps_lost, defender_steps_lost, retreat, advance,
  defender_surrendered, defender_eliminated, attacker_may_advance; per slot: attacker_losses,
  defender_losses (`result.steps_lost(batch)` gives them flat, per participant).
- `resolve_reference(batch, draws) -> CombatResult`: the same rules, one combat at a time.
- `odds(batch) -> Odds`: strengths (in 1/STRENGTH_SCALE), raw column, every shift, column.
- `preview(batch) -> Preview`: exact chances of every outcome and loss, expected losses per
  side and per slot, chances of retreat, elimination, surrender and advance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from game.enums import River, Terrain, UnitKind, Weather
from game.rules import batch_kernels
from game.rules.combat_core import MAX_SIDE_STEPS, odds, resolve
from game.rules.combat_preview import Preview, preview
from game.rules.combat_reference import (
    COMBAT_FIELDS,
    CRT_ATTACKER_LOSS,
    CRT_DEFENDER_LOSS,
    CRT_RETREAT,
    DIE_FACES,
    DRAWS_PER_COMBAT,
    EMPTY_SLOT,
    I32,
    N_COLUMNS,
    ODDS_LABELS,
    STACK_FIELDS,
    STRENGTH_SCALE,
    U8,
    CombatBatch,
    CombatResult,
    Odds,
    Outcome,
    Participants,
    Stack,
    draw,
    draws_needed,
    resolve_reference,
)

__all__ = [
    "COMBAT_FIELDS",
    "CRT_ATTACKER_LOSS",
    "CRT_DEFENDER_LOSS",
    "CRT_RETREAT",
    "DIE_FACES",
    "DRAWS_PER_COMBAT",
    "N_COLUMNS",
    "ODDS_LABELS",
    "STACK_FIELDS",
    "STRENGTH_SCALE",
    "CombatBatch",
    "CombatResult",
    "CombatSpec",
    "Odds",
    "Outcome",
    "Participants",
    "Preview",
    "Stack",
    "UnitArrays",
    "batch_from_arrays",
    "build_batch",
    "canonical_order",
    "check_batch",
    "draw",
    "draw_games",
    "draws_needed",
    "odds",
    "preview",
    "resolve",
    "resolve_reference",
]

ArrayLike = npt.ArrayLike


class UnitArrays(Protocol):
    """The unit arrays a batch is built from: `GameState` has them, indexed by unit id.

    Arrays are 1-D `[unit]` for one game, or 2-D `[game, unit]` for games stepped in lockstep.
    """

    @property
    def kind(self) -> npt.NDArray[Any]: ...
    @property
    def steps(self) -> npt.NDArray[Any]: ...
    @property
    def max_steps(self) -> npt.NDArray[Any]: ...
    @property
    def attack(self) -> npt.NDArray[Any]: ...
    @property
    def defence(self) -> npt.NDArray[Any]: ...
    @property
    def supply(self) -> npt.NDArray[Any]: ...
    @property
    def fatigue(self) -> npt.NDArray[Any]: ...


@dataclass(frozen=True)
class CombatSpec:
    """One proposed attack: who attacks, who holds the hex, and what the hex is like.

    `rivers` gives the River each attacker crosses, in the order of `attackers` (empty: none).
    The engine works out `can_retreat` (a legal retreat hex exists) and `surrounded` (no supply
    path from the defender's hex); `artillery` and `air` are net column shifts for the attacker.
    """

    attackers: Sequence[int]
    defenders: Sequence[int]
    terrain: int = Terrain.CLEAR
    rivers: Sequence[int] = ()
    city: int = 0
    fortification: int = 0
    weather: int = Weather.CLEAR
    artillery: int = 0
    air: int = 0
    can_retreat: bool = True
    surrounded: bool = False
    game: int = 0


def canonical_order(
    combat: ArrayLike, attacking: ArrayLike, kind: ArrayLike, steps: ArrayLike, unit: ArrayLike
) -> npt.NDArray[np.intp]:
    """The permutation that sorts participant rows by combat, side (attackers first) and loss
    order (`loss_order_key`): the order of `CombatBatch.participants` and of a side's slots."""
    kind_ = np.asarray(kind)
    attacking_ = np.asarray(attacking, dtype=np.bool_)
    return np.lexsort(
        (
            np.asarray(unit, dtype=np.int64),
            -np.asarray(steps, dtype=np.int64),
            _loss_class(attacking_, kind_),
            ~attacking_,
            np.asarray(combat, dtype=np.int64),
        )
    )


def _loss_class(attacking: npt.NDArray[np.bool_], kind: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """`loss_order_key`'s class, for arrays: attacking armour 0, artillery 2, the rest 1."""
    klass = np.where(kind == UnitKind.ARTILLERY, 2, 1)
    klass[attacking & (kind == UnitKind.ARMOUR)] = 0
    return klass


def _per_combat(values: ArrayLike | None, n: int, dtype: type[np.generic]) -> npt.NDArray[Any]:
    """`values` as a fresh 1-D array of `dtype` with n rows (zeros when omitted)."""
    if values is None:
        return np.zeros(n, dtype=dtype)
    array = np.asarray(values).astype(dtype, copy=True).reshape(-1)
    if array.shape[0] != n:
        raise ValueError(f"expected {n} combat rows, got {array.shape[0]}")
    return array


def batch_from_arrays(
    *,
    terrain: ArrayLike,
    unit: ArrayLike,
    combat: ArrayLike,
    attacking: ArrayLike,
    kind: ArrayLike,
    steps: ArrayLike,
    max_steps: ArrayLike,
    attack: ArrayLike,
    defence: ArrayLike,
    supply: ArrayLike | None = None,
    fatigue: ArrayLike | None = None,
    river: ArrayLike | None = None,
    game: ArrayLike | None = None,
    city: ArrayLike | None = None,
    fortification: ArrayLike | None = None,
    weather: ArrayLike | None = None,
    artillery: ArrayLike | None = None,
    air: ArrayLike | None = None,
    can_retreat: ArrayLike | None = None,
    surrounded: ArrayLike | None = None,
) -> CombatBatch:
    """A batch from per-combat arrays and one row per participant, rows in any order.

    Omitted per-combat arrays default to 0 / False (`can_retreat` to True); omitted supply,
    fatigue and river to 0. Defenders' river is forced to 0. Each side's units go into slots
    in loss order; attackers bring their `attack`, defenders their `defence`.
    """
    n = int(np.asarray(terrain).reshape(-1).shape[0])
    m = int(np.asarray(unit).reshape(-1).shape[0])
    combat_, attacking_ = _per_combat(combat, m, np.intp), _per_combat(attacking, m, np.bool_)
    if m and (combat_.min() < 0 or combat_.max() >= n):
        raise ValueError(f"combat: rows must name combats 0..{n - 1}")
    return assemble_batch(
        game=_per_combat(game, n, np.int32),
        terrain=_per_combat(terrain, n, np.uint8),
        city=_per_combat(city, n, np.uint8),
        fortification=_per_combat(fortification, n, np.uint8),
        weather=_per_combat(weather, n, np.uint8),
        artillery=_per_combat(artillery, n, np.int8),
        air=_per_combat(air, n, np.int8),
        can_retreat=(
            np.ones(n, dtype=np.bool_)
            if can_retreat is None
            else _per_combat(can_retreat, n, np.bool_)
        ),
        surrounded=_per_combat(surrounded, n, np.bool_),
        combat=combat_,
        attacking=attacking_,
        unit=_per_combat(unit, m, np.int32),
        kind=_per_combat(kind, m, np.uint8),
        steps=_per_combat(steps, m, np.int8),
        max_steps=_per_combat(max_steps, m, np.int8),
        value=np.where(
            attacking_, _per_combat(attack, m, np.int16), _per_combat(defence, m, np.int16)
        ),
        supply=_per_combat(supply, m, np.uint8),
        fatigue=_per_combat(fatigue, m, np.uint8),
        river=_per_combat(river, m, np.uint8),
    )


def assemble_batch(
    *,
    game: npt.NDArray[np.int32],
    terrain: npt.NDArray[np.uint8],
    city: npt.NDArray[np.uint8],
    fortification: npt.NDArray[np.uint8],
    weather: npt.NDArray[np.uint8],
    artillery: npt.NDArray[np.int8],
    air: npt.NDArray[np.int8],
    can_retreat: npt.NDArray[np.bool_],
    surrounded: npt.NDArray[np.bool_],
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
) -> CombatBatch:
    """`batch_from_arrays` for callers whose arrays are already 1-D, checked and in the batch's
    dtypes (the engine's and the AI's builders): no conversion, straight to the compiled
    stacking. Rows are as there, `value` being each row's attack or defence. The per-combat
    arrays become the batch's own (not copied)."""
    stacks = batch_kernels.stack_rows(
        terrain.shape[0],
        combat,
        attacking,
        unit,
        kind,
        steps,
        max_steps,
        value,
        supply,
        fatigue,
        river,
        EMPTY_SLOT,
    )
    return CombatBatch(
        game=game,
        terrain=terrain,
        city=city,
        fortification=fortification,
        weather=weather,
        artillery=artillery,
        air=air,
        can_retreat=can_retreat,
        surrounded=surrounded,
        attackers=Stack(*stacks[:8]),
        defenders=Stack(*stacks[8:]),
    )


def build_batch(units: UnitArrays, specs: Sequence[CombatSpec]) -> CombatBatch:
    """The batch for a phase's attacks; unit attributes are read from `units`.

    With 2-D `[game, unit]` arrays each spec's units are looked up in the row of its `game`.
    """
    # rows: each combat's attackers, then its defenders
    unit_ids: list[int] = []
    combat_rows: list[int] = []
    attacking: list[bool] = []
    river: list[int] = []
    for c, spec in enumerate(specs):
        rivers = list(spec.rivers) or [0] * len(spec.attackers)
        if len(rivers) != len(spec.attackers):
            raise ValueError(
                f"combat {c}: {len(rivers)} rivers for {len(spec.attackers)} attackers"
            )
        for ids, is_attacker, crossed in (
            (spec.attackers, True, rivers),
            (spec.defenders, False, [0] * len(spec.defenders)),
        ):
            unit_ids.extend(int(u) for u in ids)
            combat_rows.extend([c] * len(ids))
            attacking.extend([is_attacker] * len(ids))
            river.extend(int(r) for r in crossed)
    rows = np.array(unit_ids, dtype=np.intp)
    facts = np.array(
        [[getattr(s, name) for name in COMBAT_FIELDS] for s in specs], dtype=np.int64
    ).reshape(len(specs), len(COMBAT_FIELDS))
    game, terrain, city, fortification, weather, artillery, air, can_retreat, surrounded = facts.T
    row_games = game[np.array(combat_rows, dtype=np.intp)]

    def attribute(values: npt.NDArray[Any], dtype: type[np.generic]) -> npt.NDArray[Any]:
        picked = values[row_games, rows] if values.ndim == 2 else values[rows]
        return picked.astype(dtype, copy=False)

    attacking_ = np.array(attacking, dtype=np.bool_)
    return assemble_batch(
        game=game.astype(np.int32),
        terrain=terrain.astype(np.uint8),
        city=city.astype(np.uint8),
        fortification=fortification.astype(np.uint8),
        weather=weather.astype(np.uint8),
        artillery=artillery.astype(np.int8),
        air=air.astype(np.int8),
        can_retreat=can_retreat.astype(np.bool_),
        surrounded=surrounded.astype(np.bool_),
        combat=np.array(combat_rows, dtype=np.intp),
        attacking=attacking_,
        unit=rows.astype(np.int32),
        kind=attribute(units.kind, np.uint8),
        steps=attribute(units.steps, np.int8),
        max_steps=attribute(units.max_steps, np.int8),
        value=np.where(
            attacking_, attribute(units.attack, np.int16), attribute(units.defence, np.int16)
        ),
        supply=attribute(units.supply, np.uint8),
        fatigue=attribute(units.fatigue, np.uint8),
        river=np.array(river, dtype=np.uint8),
    )


def check_batch(batch: CombatBatch) -> list[str]:
    """What would make `resolve` wrong, as readable problems (empty when the batch is sound).

    Not called by `resolve` (it costs more than resolving); the builders' output always passes.
    """
    n = batch.n_combats
    problems = [
        f"{name}: shape {getattr(batch, name).shape}, expected ({n},)"
        for name in COMBAT_FIELDS
        if getattr(batch, name).shape != (n,)
    ]
    for side_name, stack in (("attackers", batch.attackers), ("defenders", batch.defenders)):
        shape = (stack.slots, n)
        problems += [
            f"{side_name}.{name}: shape {getattr(stack, name).shape}, expected {shape}"
            for name in STACK_FIELDS
            if getattr(stack, name).shape != shape
        ]
    if problems:
        return problems
    if np.any(batch.weather >= len(Weather)) or np.any(batch.terrain >= len(Terrain)):
        problems.append("weather, terrain: unknown code")
    for side_name, stack, attacking in (
        ("attackers", batch.attackers, True),
        ("defenders", batch.defenders, False),
    ):
        problems += [f"{side_name}: {p}" for p in _stack_problems(stack, attacking)]
    return problems


def _stack_problems(stack: Stack, attacking: bool) -> list[str]:
    problems = []
    filled = stack.filled
    if np.any(filled[1:] & ~filled[:-1]):
        problems.append("slots: a unit follows an empty slot (fill slots from 0)")
    neutral = {"max_steps": 1}
    if any(
        np.any(getattr(stack, name)[~filled] != neutral.get(name, 0))
        for name in STACK_FIELDS
        if name != "unit"
    ):
        problems.append("slots: an empty slot holds values (max_steps 1, everything else 0)")
    steps, max_steps = stack.steps, stack.max_steps
    if np.any(max_steps < 1) or np.any(steps < 0) or np.any(steps > max_steps):
        problems.append("steps: need 0 <= steps <= max_steps and max_steps >= 1")
    if np.any(stack.value < 0):
        problems.append("value: need values >= 0")
    if np.any(stack.kind >= len(UnitKind)) or np.any(stack.river >= len(River)):
        problems.append("kind, river: unknown code")
    if not attacking and np.any(stack.river != 0):
        problems.append("river: defenders cross no river")
    if np.any(steps.sum(axis=0, dtype=np.int64) > MAX_SIDE_STEPS):
        problems.append(f"steps: a side of a combat has more than {MAX_SIDE_STEPS} steps")
    key = np.stack(
        [
            _loss_class(np.full(stack.kind.shape, attacking), stack.kind),
            -steps.astype(np.int64),
            stack.unit.astype(np.int64),
        ]
    )
    later = np.zeros(filled[1:].shape, dtype=np.bool_)  # slot k + 1 sorts before slot k
    same = np.ones(filled[1:].shape, dtype=np.bool_)
    for field in key:
        later |= same & (field[1:] < field[:-1])
        same &= field[1:] == field[:-1]
    if np.any(filled[1:] & (later | same)):
        problems.append("slots: units not in loss order (use batch_from_arrays)")
    return problems


def draw_games(rngs: Sequence[np.random.Generator], game: I32) -> U8:
    """Dice for a batch mixing games: each game's combats, in row order, from its own stream.

    Game g draws exactly what `draw(rngs[g], n_g)` would, so one game's dice do not depend on
    which other games share the batch.
    """
    draws = np.empty((DRAWS_PER_COMBAT, game.shape[0]), dtype=np.uint8)
    for g in np.unique(game).tolist():
        rows = np.flatnonzero(game == g)
        draws[:, rows] = draw(rngs[g], rows.shape[0])
    return draws
