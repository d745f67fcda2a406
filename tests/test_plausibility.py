"""Third Kharkov played by the historical AIs stays historically plausible over many seeded games.

The bands come from history.md (see the comment on each test). The default run plays
`EASTFRONT_PLAUSIBILITY_RUNS` games (48 unless set) on two processes, a few minutes at most; the
`soak` variant plays 120. A miss means the model, the data or the AI needs fixing, not the band.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import numpy as np
import pytest

from game.sim.runner import Row, run_games
from game.sim.summary import median_date
from tests.conftest import KHARKOV

pytestmark = pytest.mark.plausibility

RUNS = int(os.environ.get("EASTFRONT_PLAUSIBILITY_RUNS", "48"))
SOAK_RUNS = 120
SEED = 19430219
WORKERS = max(1, min(2, os.cpu_count() or 1))
# history.md: Soviet losses of 86,469 men (45,219 killed or missing, 41,250 wounded) are Soviet
# data for 4-25 March; for 19 Feb - 5 Mar it has only German claims, 23-35,000 dead and 9,000
# prisoners. The game (19 Feb - 23 Mar) covers both: at least the 86,469, at most about
# 86,469 + 44,000 killed or captured + their wounded at the Soviet ratio (41,250 / 45,219), some
# 170,000; claims run high, so the upper bound is kept at 150,000.
SOVIET_MEN_LOST = (86_469, 150_000)
# history.md: 322 Soviet tanks lost 4-25 Mar (Soviet data), on top of most of Mobile Group Popov's
# and 6th Army's ~145 in late February: ~440 (the file's [historical] block), of the 511 the
# scenario brings (2nd Guards Tank Corps' 201 arrive on 9 Mar). Those 322 were more than the ~315
# the fronts began with, for ~43 % of their men, so the file has Soviet armour lose tanks at
# 230 % of the men's rate (`tank_losses`), and the German AI prices a Soviet step it may destroy
# at the tanks that rule makes it lose.
# The band is on the mean, not the median: 2nd Guards Tank Corps loses a 154-tank step in about
# half the games, so the per-game figure has two humps and a median over a few dozen games jumps
# between them (the suite's first 24 games gave medians of 256 and 296 for a change that moved a
# 696-game mean by under 1 tank). Means: 343 over 300 games (seeds 5000-5299), 319 for the
# suite's 48; with the corps at Daines's 120 tanks they were 300 and 282. The floor is ~4
# standard errors of a 48-game mean (sd ~95) below 343.
# The rest of the gap to ~440: the corps loses its step in only half the games (ordered into its
# historical counter-attacks north of Kharkov it breaks the SS ring round the city and Kharkov
# stays Soviet too often: the scenario file's Soviet "hold_kharkov" phase has the figures), and
# the file brings no other replacements (none sourced in history.md).
SOVIET_TANKS_LOST_AT_LEAST = 290


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return run_games(KHARKOV, RUNS, SEED, workers=WORKERS)


def share(rows: list[Row], test: Any) -> float:
    return sum(1 for r in rows if test(r)) / len(rows)


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def check_bands(rows: list[Row]) -> list[str]:
    """Every band, as messages for the ones missed (empty when all hold)."""
    misses: list[str] = []

    def band(ok: bool, what: str) -> None:
        if not ok:
            misses.append(what)

    # history.md: Kharkov retaken 14-16 Mar
    retaken = [r for r in rows if r["owner_kharkov"] == "axis"]
    # (83-88 % of games on three seeds: this one, the soak's and 777)
    band(
        len(retaken) >= 0.7 * len(rows), f"Kharkov German at the end in {len(retaken)}/{len(rows)}"
    )
    median = median_date([date(r["taken_kharkov"]) for r in retaken])
    band(
        median is not None and "1943-03-10" <= median <= "1943-03-20",
        f"median date Kharkov retaken {median}",
    )
    early = share(rows, lambda r: r.get("first_taken_kharkov", "9999") < "1943-03-05")
    band(early <= 0.10, f"Kharkov German before 5 March in {early:.0%} of games")
    # history.md: Soviet 86,469 men (4-25 Mar) against a German estimate of ~20-25,000
    ratios = [r["men_lost_soviet"] / max(r["men_lost_axis"], 1) for r in rows]
    band(3.0 <= float(np.median(ratios)) <= 8.0, f"median loss ratio {np.median(ratios):.2f}")
    soviet = float(np.median([r["men_lost_soviet"] for r in rows]))
    axis = float(np.median([r["men_lost_axis"] for r in rows]))
    band(SOVIET_MEN_LOST[0] <= soviet <= SOVIET_MEN_LOST[1], f"median Soviet men lost {soviet:.0f}")
    band(10_000 <= axis <= 40_000, f"median German men lost {axis:.0f}")
    # history.md: 322 Soviet tanks (4-25 Mar) against far fewer German write-offs
    tanks = [r["tanks_lost_soviet"] / max(r["tanks_lost_axis"], 1) for r in rows]
    band(float(np.median(tanks)) >= 1.5, f"median tank loss ratio {np.median(tanks):.2f}")
    soviet_tanks = float(np.mean([r["tanks_lost_soviet"] for r in rows]))
    band(soviet_tanks >= SOVIET_TANKS_LOST_AT_LEAST, f"mean Soviet tanks lost {soviet_tanks:.0f}")
    # not decided on the first turns: nothing ends before 9 March (turn 10)
    band(min(int(r["turns"]) for r in rows) >= 10, "a game ended before turn 10")
    # history.md: Manstein wins; Pavlograd back ~22-24 Feb, Lozovaya 26-27 Feb, Belgorod 18 Mar
    band(share(rows, lambda r: r["winner"] == "axis") >= 0.6, "Germans win fewer than 60 %")
    for city, latest in (("pavlograd", "1943-03-05"), ("lozovaya", "1943-03-05")):
        held = share(rows, lambda r, c=city: r[f"owner_{c}"] == "axis")
        fell = median_date(
            [date(r[f"first_taken_{city}"]) for r in rows if r.get(f"first_taken_{city}")]
        )
        band(
            held >= 0.7 and fell is not None and fell <= latest,
            f"{city}: German at the end in {held:.0%}, first fell {fell} (median)",
        )
    belgorod = share(rows, lambda r: r["owner_belgorod"] == "axis")
    band(belgorod >= 0.6, f"Belgorod German at the end in {belgorod:.0%}")
    # the scenario's historical cities: Poltava, Kempf's base, held throughout (no raid reaches it)
    poltava = share(rows, lambda r: not r.get("first_taken_poltava"))
    band(poltava >= 0.9, f"Poltava never lost in {poltava:.0%}")
    # the Dnieper crossings were never lost
    for city in ("dnepropetrovsk", "zaporozhye"):
        band(share(rows, lambda r, c=city: r[f"owner_{c}"] == "axis") >= 0.95, f"{city} lost")
    return misses


def test_germans_retake_kharkov_in_most_games(rows: list[Row]) -> None:
    assert share(rows, lambda r: r["owner_kharkov"] == "axis") >= 0.6


def test_kharkov_is_retaken_in_mid_march(rows: list[Row]) -> None:
    dates = [date(r["taken_kharkov"]) for r in rows if r["owner_kharkov"] == "axis"]
    median = median_date(dates)
    assert median is not None and "1943-03-10" <= median <= "1943-03-20", median


def test_kharkov_rarely_falls_before_the_fifth_of_march(rows: list[Row]) -> None:
    early = share(rows, lambda r: r.get("first_taken_kharkov", "9999") < "1943-03-05")
    assert early <= 0.10


def test_soviet_men_lost_are_three_to_eight_times_german(rows: list[Row]) -> None:
    ratios = [r["men_lost_soviet"] / max(r["men_lost_axis"], 1) for r in rows]
    assert 3.0 <= float(np.median(ratios)) <= 8.0, np.median(ratios)


def test_the_game_is_not_decided_on_the_first_turns(rows: list[Row]) -> None:
    assert min(int(r["turns"]) for r in rows) >= 10


def test_every_historical_band_holds(rows: list[Row]) -> None:
    assert check_bands(rows) == []


def test_belgorod_is_german_at_the_end_in_most_games(rows: list[Row]) -> None:
    """history.md: Belgorod retaken 18 Mar, inside the game's 17 turns; German until 5 Aug."""
    assert share(rows, lambda r: r["owner_belgorod"] == "axis") >= 0.6


def test_soviet_men_lost_match_the_two_windows_history_gives(rows: list[Row]) -> None:
    soviet = float(np.median([r["men_lost_soviet"] for r in rows]))
    assert SOVIET_MEN_LOST[0] <= soviet <= SOVIET_MEN_LOST[1], soviet


def test_the_soviet_tank_corps_are_worn_down(rows: list[Row]) -> None:
    soviet = float(np.mean([r["tanks_lost_soviet"] for r in rows]))
    assert soviet >= SOVIET_TANKS_LOST_AT_LEAST, soviet


@pytest.mark.soak
def test_bands_hold_over_many_games() -> None:
    assert check_bands(run_games(KHARKOV, SOAK_RUNS, SEED + 100_000, workers=WORKERS)) == []


def test_no_first_turn_raid_takes_krasnograd_or_sumy(rows: list[Row]) -> None:
    """history.md: the SS Panzer Corps struck from Krasnograd on 19 Feb, its base; Sumy stayed
    German until September. Neither changes hands on 19-20 February (the first turn) in any
    game (they used to, to Soviet rifle divisions and tank brigades walking in)."""
    for city in ("krasnograd", "sumy"):
        first = [r.get(f"first_taken_{city}") for r in rows]
        assert all(not d or d > "1943-02-20" for d in first), (city, sorted(d for d in first if d))


def test_krasnograd_holds_while_the_ss_corps_is_away(rows: list[Row]) -> None:
    """Krasnograd, the SS corps' base, stayed German. Empty once the corps struck south, it fell
    to 3rd Tank Army's tank corps on 21 Feb in ~95 % of games; Totenkopf and then Kempf now hold
    it (the scenario file's hold orders). It still falls on 21 Feb when the tank corps beat
    Totenkopf in the town (~10 % of games). Kempf's order ends on 6 Mar, but not while Soviet
    units are about the town: cut-off units used to walk through it on their way east on 7-11
    Mar (~9 % of games, 4 of the suite's 48); now 3 of 468 games on five seed sets."""
    first = [r.get("first_taken_krasnograd") or "9999" for r in rows]
    assert sum(d < "1943-03-07" for d in first) <= 0.25 * len(rows), sorted(first)
    late = [d for d in first if "1943-03-07" <= d < "9999"]
    assert len(late) <= 0.05 * len(rows), late
    assert share(rows, lambda r: r["owner_krasnograd"] == "axis") >= 0.9


def test_sumy_stays_german(rows: list[Row]) -> None:
    """Sumy stayed German until September: 40th Army took Akhtyrka and Lebedin on 22-23 Feb and
    its right wing was only ordered on Sumy. It used to fall to 40th Army on 23 Feb in every game,
    while its German corps was still on the way; now in 3 of 120 (on 5 Mar)."""
    taken = share(rows, lambda r: bool(r.get("first_taken_sumy")))
    assert taken <= 0.10, taken
