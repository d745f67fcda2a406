"""Exact odds of a proposed attack, for the UI to show when a player hovers over a target.

Two dice decide a combat, so there are only 36 equally likely draws. The preview resolves every
combat once per draw and counts, so the numbers shown are exactly the chances of what `resolve`
will do. The AI previews its candidate attacks a few at a time (tens of calls a game), so
`preview` counts in compiled loops over the core's own tables (`preview_kernels`, ~40 µs a call);
`preview_by_core` builds the same preview from the vectorised core itself (all combats times 36
in one `resolve`, ~0.5 ms), and the tests hold the two equal field for field, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from game.rules import preview_kernels
from game.rules.combat_core import odds, resolve
from game.rules.combat_reference import (
    DIE_FACES,
    DRAWS_PER_COMBAT,
    I32,
    CombatBatch,
    Odds,
    Outcome,
)

F64 = npt.NDArray[np.float64]
DRAW_OUTCOMES = DIE_FACES**DRAWS_PER_COMBAT  # every (combat die, surrender die) pair
ALL_DRAWS = np.array(
    [(d, s) for d in range(1, DIE_FACES + 1) for s in range(1, DIE_FACES + 1)], dtype=np.uint8
).T.copy()  # shape (2, 36), as `draw` lays dice out


@dataclass(frozen=True, eq=False)
class Preview:
    """Chances per combat (rows of the batch) and expected losses per unit (by slot).

    `*_count` arrays are exact: how many of the 36 equally likely draws give that result.
    Loss distributions run from 0 to the largest stack in the batch: `[combat, steps lost]`.
    """

    odds: Odds
    outcome_count: I32  # [combat, Outcome]
    attacker_loss_count: I32  # [combat, steps lost]
    defender_loss_count: I32
    outcome_probability: F64
    attacker_loss_probability: F64
    defender_loss_probability: F64
    expected_attacker_steps_lost: F64
    expected_defender_steps_lost: F64
    retreat_probability: F64  # the defender falls back and lives
    elimination_probability: F64  # the defender loses every step, surrender included
    surrender_probability: F64
    advance_probability: F64
    expected_attacker_losses: F64  # [slot, combat], like batch.attackers
    expected_defender_losses: F64  # [slot, combat], like batch.defenders

    def expected_steps_lost(self, batch: CombatBatch) -> F64:
        """Each participant's expected steps lost, in `batch.participants()` order."""
        flat: F64 = batch.flatten(self.expected_attacker_losses, self.expected_defender_losses)
        return flat


def _histogram(values: npt.NDArray[np.integer], n: int, width: int) -> I32:
    """Counts of each value 0..width-1 per combat, from values laid out [combat, draw]."""
    rows = np.repeat(np.arange(n, dtype=np.int64), DRAW_OUTCOMES) * width
    return (
        np.bincount(rows + values.astype(np.int64), minlength=n * width)
        .reshape(n, width)
        .astype(np.int32)
    )


def preview(batch: CombatBatch) -> Preview:
    """Exact chances of every result of every combat in a batch.

    The compiled loops of `preview_kernels` count the 36 draws of each combat in one call; the
    probabilities are those counts divided by 36 (as exact as the means `preview_by_core` takes),
    and the expected steps lost are the same product, so every field equals it bit for bit.
    """
    counts = preview_kernels.preview_counts(batch)
    k = DRAW_OUTCOMES
    probability = counts.flags / k
    attacker_loss_probability = counts.attacker_loss / k
    defender_loss_probability = counts.defender_loss / k
    losses = np.arange(counts.attacker_loss.shape[1], dtype=np.float64)
    return Preview(
        odds=counts.odds,
        outcome_count=counts.outcome,
        attacker_loss_count=counts.attacker_loss,
        defender_loss_count=counts.defender_loss,
        outcome_probability=counts.outcome / k,
        attacker_loss_probability=attacker_loss_probability,
        defender_loss_probability=defender_loss_probability,
        expected_attacker_steps_lost=attacker_loss_probability @ losses,
        expected_defender_steps_lost=defender_loss_probability @ losses,
        retreat_probability=probability[0],
        elimination_probability=probability[1],
        surrender_probability=probability[2],
        advance_probability=probability[3],
        expected_attacker_losses=counts.attacker_lost / k,
        expected_defender_losses=counts.defender_lost / k,
    )


def preview_by_core(batch: CombatBatch) -> Preview:
    """The same preview built from the vectorised core: every combat resolved once per draw by
    `resolve` itself, then histogrammed. The definition `preview` is held to (tests)."""
    n, k = batch.n_combats, DRAW_OUTCOMES
    # every combat once per draw, the copies side by side: combat c becomes c*36 .. c*36 + 35
    expanded = batch.select(np.repeat(np.arange(n), k))
    result = resolve(expanded, np.tile(ALL_DRAWS, (1, n)))
    o = odds(batch)
    width = int(max(o.attacker_steps.max(initial=0), o.defender_steps.max(initial=0))) + 1

    outcome_count = _histogram(result.outcome, n, len(Outcome))
    attacker_loss_count = _histogram(result.attacker_steps_lost, n, width)
    defender_loss_count = _histogram(result.defender_steps_lost, n, width)

    def chance(flags: npt.NDArray[np.bool_]) -> F64:
        mean: F64 = flags.reshape(n, k).mean(axis=1, dtype=np.float64)
        return mean

    def expected(lost: npt.NDArray[np.int8]) -> F64:
        mean: F64 = lost.reshape(lost.shape[0], n, k).mean(axis=2, dtype=np.float64)
        return mean

    losses = np.arange(width, dtype=np.float64)
    return Preview(
        odds=o,
        outcome_count=outcome_count,
        attacker_loss_count=attacker_loss_count,
        defender_loss_count=defender_loss_count,
        outcome_probability=outcome_count / k,
        attacker_loss_probability=attacker_loss_count / k,
        defender_loss_probability=defender_loss_count / k,
        expected_attacker_steps_lost=(attacker_loss_count / k) @ losses,
        expected_defender_steps_lost=(defender_loss_count / k) @ losses,
        retreat_probability=chance(result.outcome == Outcome.RETREATED),
        elimination_probability=chance(result.defender_eliminated),
        surrender_probability=chance(result.defender_surrendered),
        advance_probability=chance(result.attacker_may_advance),
        expected_attacker_losses=expected(result.attacker_losses),
        expected_defender_losses=expected(result.defender_losses),
    )
