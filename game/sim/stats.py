"""Honest numbers for a handful of games: 95 % intervals for shares, medians and differences.

Twelve games per arm are what a player can afford, and "axis wins 92 % -> 100 %" from them says
little; these functions say how little. They are pure (numbers in, numbers out) and every random
draw comes from a numpy Generator seeded by the caller, so a report is the same on every run.

- A share (k of n games) gets the Wilson score interval: unlike the textbook `p +- 1.96 sd` it
  stays inside 0-1 and does not shrink to nothing at 0 of 12 (Wilson gives 0-24 %).
- A median (of losses, of a date as days since the start) gets a percentile bootstrap interval.
- Baseline and variant play the same game seeds (common random numbers), so their difference is
  taken game by game: Newcombe's paired interval (his method 10, built on the Wilson intervals of
  the two shares and the correlation of the pairs) for a share, a paired bootstrap (the same
  resampled games in both arms) for a median. Pairing removes the luck of the dice the knob did
  not touch, which is why a few paired games can show what many unpaired ones cannot.

A difference is "clear" when its interval leaves out zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal
RESAMPLES = 2000  # bootstrap resamples: the interval's ends move by well under a bin of games
# Game indices drawn at a time: the bootstrap's memory stays a few tens of MB however many games
# (all 2,000 resamples of 10,000 games at once took ~500 MB).
BLOCK_PICKS = 1 << 20


@dataclass(frozen=True)
class Estimate:
    """A value with its 95 % interval (`low` <= `value` <= `high` for shares and medians)."""

    value: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """The interval leaves out zero: for a difference, a clear effect."""
        return self.low > 0.0 or self.high < 0.0

    def as_dict(self, digits: int = 4) -> dict[str, float]:
        return {
            "value": round(self.value, digits),
            "low": round(self.low, digits),
            "high": round(self.high, digits),
        }


def wilson(count: int, n: int, z: float = Z95) -> Estimate:
    """The share `count / n` with its Wilson score interval (Wilson 1927; Newcombe 1998 #3):
    none of 12 games gives 0 to 24.2 %, so up to about a quarter is still plausible."""
    if n <= 0 or not 0 <= count <= n:
        raise ValueError(f"a share needs 0 <= count <= n and n > 0, got {count} of {n}")
    p = count / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # the ends are exact at 0 and n; rounding must not put them past the point estimate
    low = 0.0 if count == 0 else min(p, max(0.0, centre - half))
    high = 1.0 if count == n else max(p, min(1.0, centre + half))
    return Estimate(p, low, high)


def paired_share_difference(
    baseline: Sequence[bool], variant: Sequence[bool], z: float = Z95
) -> Estimate:
    """The change `share(variant) - share(baseline)` over paired games (game i of each arm played
    on the same seed), with Newcombe's method 10 interval for paired proportions (Newcombe 1998,
    Statistics in Medicine 17:2635), the phi correction as in his paper."""
    if len(baseline) != len(variant) or not baseline:
        raise ValueError("paired shares need the same, non-zero number of games in both arms")
    n = len(baseline)
    both = sum(1 for b, v in zip(baseline, variant, strict=True) if b and v)
    only_base = sum(1 for b, v in zip(baseline, variant, strict=True) if b and not v)
    only_variant = sum(1 for b, v in zip(baseline, variant, strict=True) if v and not b)
    neither = n - both - only_base - only_variant
    first = wilson(both + only_base, n, z)  # the baseline's share
    second = wilson(both + only_variant, n, z)  # the variant's share
    margins = (
        (both + only_base)
        * (only_variant + neither)
        * (both + only_variant)
        * (only_base + neither)
    )
    phi = 0.0
    if margins > 0:
        cross = both * neither - only_base * only_variant
        corrected = cross - n / 2 if cross > n / 2 else (cross if cross < 0 else 0.0)
        phi = corrected / math.sqrt(margins)
    change = second.value - first.value
    d1, u1 = first.value - first.low, first.high - first.value
    d2, u2 = second.value - second.low, second.high - second.value
    down = math.sqrt(max(0.0, d2 * d2 - 2 * phi * d2 * u1 + u1 * u1))
    up = math.sqrt(max(0.0, u2 * u2 - 2 * phi * u2 * d1 + d1 * d1))
    return Estimate(change, max(-1.0, change - down), min(1.0, change + up))


def share_difference(
    count_a: int, n_a: int, count_b: int, n_b: int, z: float = Z95
) -> Estimate:
    """The change `count_b / n_b - count_a / n_a` between two independent batches (games not
    played on the same seeds), with Newcombe's hybrid score interval for unpaired proportions
    (Newcombe 1998, Statistics in Medicine 17:873, method 10): 56 of 70 against a baseline of
    48 of 80 gives +0.200 (0.0524 to 0.3339), his worked example."""
    first, second = wilson(count_a, n_a, z), wilson(count_b, n_b, z)
    change = second.value - first.value
    down = math.sqrt((second.value - second.low) ** 2 + (first.high - first.value) ** 2)
    up = math.sqrt((second.high - second.value) ** 2 + (first.value - first.low) ** 2)
    return Estimate(change, max(-1.0, change - down), min(1.0, change + up))


def median_difference(
    baseline: Sequence[float],
    variant: Sequence[float],
    rng: np.random.Generator,
    resamples: int = RESAMPLES,
) -> Estimate:
    """`median(variant) - median(baseline)` between two independent batches, with a bootstrap
    interval that resamples each batch on its own."""
    first = np.asarray(baseline, dtype=np.float64)
    second = np.asarray(variant, dtype=np.float64)
    if first.size == 0 or second.size == 0:
        raise ValueError("a difference of medians needs games in both batches")
    [of_first] = _resampled_medians(rng, resamples, first)
    [of_second] = _resampled_medians(rng, resamples, second)
    changes = of_second - of_first
    change = float(np.median(second) - np.median(first))
    low, high = _percentiles(changes)
    return Estimate(change, min(low, change), max(high, change))


def _resampled_medians(
    rng: np.random.Generator, resamples: int, *samples: npt.NDArray[np.float64]
) -> list[npt.NDArray[np.float64]]:
    """The median of each sample (all of one size) in each of `resamples` resamples of its games,
    the same games for every sample. The picks are what `rng.integers(0, n, (resamples, n))`
    gives, drawn BLOCK_PICKS at a time (the same numbers as in one draw)."""
    n = samples[0].size
    medians = [np.empty(resamples) for _ in samples]
    block = max(1, BLOCK_PICKS // n)
    for start in range(0, resamples, block):
        stop = min(start + block, resamples)
        picks = rng.integers(0, n, size=(stop - start, n))
        for sample, out in zip(samples, medians, strict=True):
            out[start:stop] = np.median(sample[picks], axis=1)
    return medians


def _percentiles(samples: npt.NDArray[np.float64]) -> tuple[float, float]:
    low, high = np.percentile(samples, [2.5, 97.5])
    return float(low), float(high)


def bootstrap_median(
    values: Sequence[float], rng: np.random.Generator, resamples: int = RESAMPLES
) -> Estimate:
    """The median with a percentile bootstrap interval (resampling the games with replacement)."""
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        raise ValueError("a median needs at least one value")
    [medians] = _resampled_medians(rng, resamples, data)
    low, high = _percentiles(medians)
    middle = float(np.median(data))
    return Estimate(middle, min(low, middle), max(high, middle))


def paired_median_difference(
    baseline: Sequence[float],
    variant: Sequence[float],
    rng: np.random.Generator,
    resamples: int = RESAMPLES,
) -> Estimate:
    """`median(variant) - median(baseline)` over paired games, with a paired bootstrap interval:
    each resample draws the same games (seeds) for both arms."""
    first = np.asarray(baseline, dtype=np.float64)
    second = np.asarray(variant, dtype=np.float64)
    if first.size != second.size or first.size == 0:
        raise ValueError("paired medians need the same, non-zero number of games in both arms")
    of_first, of_second = _resampled_medians(rng, resamples, first, second)
    changes = of_second - of_first
    change = float(np.median(second) - np.median(first))
    low, high = _percentiles(changes)
    return Estimate(change, min(low, change), max(high, change))


def percent(value: float) -> str:
    """A share as a whole percentage ("3 %"); half a percent or more never shows as 0 or 100."""
    shown = round(100 * value)
    if shown == 0 and value > 0:
        shown = 1
    if shown == 100 and value < 1:
        shown = 99
    return f"{shown} %"


def share_text(estimate: Estimate) -> str:
    """`78 % (66-87 %)`."""
    low, high = percent(estimate.low)[:-2], percent(estimate.high)
    return f"{percent(estimate.value)} ({low}-{high})"


def points_text(estimate: Estimate) -> str:
    """A change of shares in percentage points with its interval: `-75 points (-88 to -60)`."""

    def signed(x: float) -> str:
        return f"{round(100 * x):+d}".replace("+0", "0").replace("-0", "0")

    return f"{signed(estimate.value)} points ({signed(estimate.low)} to {signed(estimate.high)})"
