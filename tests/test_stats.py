"""Intervals of the what-if lab against published values, and the sentences made from them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.scenario.model import load_scenario
from game.sim import stats
from game.sim.headlines import Outcome, comparison_sentence, main_outcomes
from game.sim.stats import (
    Estimate,
    bootstrap_median,
    median_difference,
    paired_median_difference,
    paired_share_difference,
    points_text,
    share_text,
    wilson,
)
from game.sim.summary import read_runs_csv
from tests.conftest import KHARKOV, MiniWriter
from tests.test_ai import MINI_PLANS


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    [
        (0, 12, 0.0, 0.2425),  # none of 12 games: still up to a quarter
        (11, 12, 0.6461, 0.9851),
        (50, 100, 0.4038, 0.5962),
        (81, 263, 0.2553, 0.3662),  # Newcombe 1998 (Stat Med 17:857), example (a)
        (15, 148, 0.0624, 0.1605),  # Newcombe 1998, example (b)
        (0, 20, 0.0, 0.1611),  # Newcombe 1998, example (c)
        (1, 29, 0.0061, 0.1718),  # Newcombe 1998, example (d)
    ],
)
def test_wilson_intervals_match_published_values(
    count: int, n: int, low: float, high: float
) -> None:
    share = wilson(count, n)
    assert share.value == count / n
    assert share.low == pytest.approx(low, abs=1e-4)
    assert share.high == pytest.approx(high, abs=1e-4)


def test_wilson_refuses_counts_that_are_not_shares() -> None:
    for count, n in ((1, 0), (-1, 5), (6, 5)):
        with pytest.raises(ValueError):
            wilson(count, n)


def pairs(
    both: int, only_base: int, only_variant: int, neither: int
) -> tuple[list[bool], list[bool]]:
    baseline = [True] * both + [True] * only_base + [False] * only_variant + [False] * neither
    variant = [True] * both + [False] * only_base + [True] * only_variant + [False] * neither
    return baseline, variant


def test_paired_difference_matches_newcombes_worked_example() -> None:
    # Newcombe 1998 (Stat Med 17:2635), worked example a, b, c, d = 12, 9, 2, 21: his method 10
    # gives a lower end of 0.0112 for (b - c) / n; the upper end is pinned as we compute it.
    # Here b counts the games only the variant wins.
    baseline, variant = pairs(12, 2, 9, 21)
    change = paired_share_difference(baseline, variant)
    assert change.value == pytest.approx(7 / 44)
    assert change.low == pytest.approx(0.0112, abs=1e-4)
    assert change.high == pytest.approx(0.2954, abs=1e-4)
    assert change.clear


def test_a_knob_that_changes_nothing_gives_no_clear_difference() -> None:
    baseline, variant = pairs(12, 0, 0, 20)
    change = paired_share_difference(baseline, variant)
    assert change.value == 0.0 and change.low < 0 < change.high and not change.clear
    # a flip of every game is as clear as it gets, and the interval stays within -1..1
    change = paired_share_difference([True] * 12, [False] * 12)
    assert change.value == -1.0 and change.low == -1.0 and change.high < -0.5


def test_pairing_narrows_the_interval_of_correlated_games() -> None:
    # the same shares (20 then 26 of 40): six games moving one way is clear when the rest agree
    agree = paired_share_difference(*pairs(20, 0, 6, 14))
    disagree = paired_share_difference(*pairs(6, 14, 20, 0))
    assert agree.value == pytest.approx(0.15) and disagree.value == pytest.approx(0.15)
    assert agree.clear and not disagree.clear


def test_bootstrap_median_is_reproducible_and_brackets_the_median() -> None:
    values = [10.0, 12.0, 13.0, 15.0, 30.0, 31.0, 33.0, 40.0, 41.0]
    first = bootstrap_median(values, np.random.default_rng(7))
    again = bootstrap_median(values, np.random.default_rng(7))
    assert first == again
    assert first.value == 30.0 and first.low <= 30.0 <= first.high
    assert first.low >= 12.0 and first.high <= 40.0
    same = bootstrap_median([5.0] * 6, np.random.default_rng(1))
    assert (same.low, same.value, same.high) == (5.0, 5.0, 5.0)


def test_bootstraps_draw_in_blocks_what_one_draw_of_every_resample_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bootstrap draws its game indices a block at a time, so that 10,000 games no longer
    take ~500 MB at once: the intervals are the ones drawing every resample at once gives,
    whatever the block (one resample, a few, an uneven last one) and for odd and even counts."""
    data = np.random.default_rng(11).gamma(2.0, 150.0, size=(2, 301))

    def at_once(seed: int, resamples: int) -> tuple[float, ...]:
        rng = np.random.default_rng(seed)
        a, b = data[0], data[1][:300]
        picks = rng.integers(0, a.size, size=(resamples, a.size))
        single = np.percentile(np.median(a[picks], axis=1), [2.5, 97.5])
        picks_a = rng.integers(0, a[:300].size, size=(resamples, 300))
        picks_b = rng.integers(0, b.size, size=(resamples, 300))
        apart = np.median(b[picks_b], axis=1) - np.median(a[:300][picks_a], axis=1)
        picks = rng.integers(0, 300, size=(resamples, 300))
        paired = np.median(b[picks], axis=1) - np.median(a[:300][picks], axis=1)
        ends = (*single, *np.percentile(apart, [2.5, 97.5]), *np.percentile(paired, [2.5, 97.5]))
        return tuple(float(x) for x in ends)

    def blocked(seed: int, resamples: int) -> tuple[float, ...]:
        rng = np.random.default_rng(seed)
        a, b = data[0], data[1][:300]
        single = bootstrap_median(a, rng, resamples)
        apart = median_difference(a[:300], b, rng, resamples)
        paired = paired_median_difference(a[:300], b, rng, resamples)
        return (single.low, single.high, apart.low, apart.high, paired.low, paired.high)

    for block_picks in (1, 301 * 3, 300 * 7 + 5, stats.BLOCK_PICKS):
        monkeypatch.setattr(stats, "BLOCK_PICKS", block_picks)
        for seed, resamples in ((5, 50), (6, 53)):
            assert blocked(seed, resamples) == at_once(seed, resamples), block_picks


def test_paired_median_difference_sees_a_shift_of_every_game() -> None:
    rng = np.random.default_rng(3)
    baseline = rng.normal(1000.0, 300.0, size=12).tolist()
    variant = [v + 200.0 for v in baseline]  # every game 200 more: noisy arms, a sure shift
    change = paired_median_difference(baseline, variant, np.random.default_rng(4))
    assert change.value == pytest.approx(200.0)
    assert change.low == pytest.approx(200.0) and change.high == pytest.approx(200.0)
    assert change.clear


def test_texts_say_shares_and_points() -> None:
    assert share_text(wilson(0, 12)) == "0 % (0-24 %)"
    assert share_text(Estimate(0.78, 0.66, 0.87)) == "78 % (66-87 %)"
    assert points_text(Estimate(-0.75, -0.88, -0.6)) == "-75 points (-88 to -60)"
    assert points_text(Estimate(0.0, -0.2, 0.15)) == "0 points (-20 to +15)"


def test_sentences_say_no_clear_difference_when_the_interval_spans_zero() -> None:
    scenario = load_scenario(KHARKOV)
    holds = next(o for o in main_outcomes(scenario) if o.id == "holds_kharkov")
    clear = comparison_sentence(
        scenario,
        holds,
        Estimate(0.78, 0.66, 0.87),
        Estimate(0.03, 0.0, 0.11),
        Estimate(-0.75, -0.88, -0.6),
        "with thaw_shift_days=-10",
    )
    assert clear == (
        "With thaw_shift_days=-10 the German side holds Kharkov at the end in 3 % of games "
        "(0-11 %) instead of 78 % (66-87 %): -75 points (-88 to -60)."
    )
    unclear = comparison_sentence(
        scenario,
        holds,
        Estimate(0.5, 0.3, 0.7),
        Estimate(0.55, 0.35, 0.75),
        Estimate(0.05, -0.2, 0.3),
        "with thaw_shift_days=-10",
    )
    assert unclear.endswith(": no clear difference (+5 points (-20 to +30)).")


def test_main_outcomes_come_from_the_file() -> None:
    ids = [o.id for o in main_outcomes(load_scenario(KHARKOV))]
    assert ids == [
        "holds_kharkov",
        "wins_axis",
        "wins_soviet",
        "men_lost_axis",
        "men_lost_soviet",
        "tanks_lost_axis",
        "tanks_lost_soviet",
        "taken_kharkov",
    ]
    assert all(isinstance(o, Outcome) for o in main_outcomes(load_scenario(KHARKOV)))


def test_explore_puts_an_interval_on_every_share_and_a_sentence_per_headline(
    mini: MiniWriter, tmp_path: Path
) -> None:
    out = tmp_path / "explore"
    code = main(
        [
            *("explore", str(mini(append=MINI_PLANS)), "--set", "thaw_shift_days=-6"),
            *("--runs", "3", "--seed", "3", "--out", str(out), "--no-plots"),
        ]
    )
    assert code == 0
    report = json.loads((out / "comparison.json").read_text())
    base = read_runs_csv(out / "baseline" / "runs.csv")
    variant = read_runs_csv(out / "variant" / "runs.csv")
    assert [r["seed"] for r in base] == [r["seed"] for r in variant]  # common random numbers
    for team, row in report["winner"].items():
        wins = sum(r["winner"] == team for r in base)
        assert row["baseline_95"] == [round(wilson(wins, 3).low, 4), round(wilson(wins, 3).high, 4)]
        assert row["change_95"][0] <= row["change"] <= row["change_95"][1]
    for data in report["cities"].values():
        for row in data["held_at_end"].values():
            assert {"baseline_95", "variant_95", "change_95"} <= set(row)
    assert (
        report["losses"]["men_lost_axis"]["baseline_95"][0]
        <= report["losses"]["men_lost_axis"]["baseline"]
    )
    sentences = [h["sentence"] for h in report["headlines"]]
    assert sentences and all(s.startswith("With thaw_shift_days=-6") for s in sentences)
    for headline in report["headlines"]:
        if headline["change"] is not None and not headline["clear"]:
            assert "no clear difference" in headline["sentence"]


def test_explore_writes_a_self_contained_report_whose_numbers_are_the_games(
    mini: MiniWriter, tmp_path: Path
) -> None:
    import base64
    import re

    out = tmp_path / "explore"
    code = main(
        [
            *("explore", str(mini(append=MINI_PLANS)), "--set", "thaw_shift_days=-6"),
            *("--runs", "3", "--seed", "7", "--out", str(out)),
        ]
    )
    assert code == 0
    page = (out / "report.html").read_text()
    assert "<script" not in page and "http://" not in page and "https://" not in page
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    report = json.loads((out / "comparison.json").read_text())
    assert len(images) == len(report["plots"]) >= 4
    assert base64.b64decode(images[0]) == (out / report["plots"][0]).read_bytes()
    assert 'href="baseline/runs.csv"' in page and 'href="variant/runs.csv"' in page
    markdown = (out / "report.md").read_text()
    scenario = load_scenario(out.parent / "mini.toml")
    assert scenario.source_hash in markdown and scenario.source_hash in page
    assert "thaw_shift_days=-6" in markdown and "7-9, the same in both arms" in markdown
    # the headline numbers are those of runs.csv
    variant = read_runs_csv(out / "variant" / "runs.csv")
    wins = sum(r["winner"] == "axis" for r in variant)
    share = share_text(wilson(wins, len(variant)))
    expected = f"the Axis side wins in {share.replace(' (', ' of games (', 1)}"
    assert expected in markdown and expected in page
    assert "Historical outcome" in markdown
