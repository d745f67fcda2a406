"""`eastfront sweep` and `eastfront sensitivity`: arguments, common seeds, intervals, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.cli import main
from game.sim.stats import wilson
from game.sim.summary import read_runs_csv
from tests.conftest import MiniWriter
from tests.test_ai import MINI_PLANS

STRENGTH_KNOB = """
[knobs.soviet_strength_percent]
type = "int"
default = 100
min = 20
max = 100
description = "Attack and defence of every soviet unit."
effect = "strength_percent"
side = "soviet"
"""


@pytest.fixture
def mini_path(mini: MiniWriter) -> Path:
    return mini(append=MINI_PLANS)


def _refused(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], knob: str
) -> str:
    """Run `sweep --knob KNOB` into tmp_path/o; it must fail with one line, which is returned."""
    code = main(
        [
            "sweep",
            str(mini_path),
            "--knob",
            knob,
            "--runs",
            "1",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "o"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    return err


@pytest.mark.parametrize(
    ("knob", "problem"),
    [
        ("thaw_shift_days", "expected NAME=A:B:STEP"),
        ("thaw_shift_days=-6:6:0", "needs A <= B and a STEP above 0"),
        ("thaw_shift_days=6:-6:1", "needs A <= B and a STEP above 0"),
        ("thaw_shift_days=0:100:1", "more than 41 values"),
    ],
)
def test_sweep_refuses_a_bad_knob_range_in_one_line(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], knob: str, problem: str
) -> None:
    err = _refused(mini_path, tmp_path, capsys, knob)
    assert problem in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("knob", "problem"),
    [
        ("no_such=0:1:1", "has no knob 'no_such'"),
        ("thaw_shift_days=-8:0:4", "thaw_shift_days ranges from -6 to 6"),
        ("thaw_shift_days=0:1:0.5", "whole A, B and STEP"),
    ],
)
def test_sweep_checks_the_knob_against_the_scenario(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], knob: str, problem: str
) -> None:
    err = _refused(mini_path, tmp_path, capsys, knob)
    assert problem in err


def test_sweep_plays_every_value_on_the_same_seeds(mini_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    code = main(
        [
            "sweep",
            str(mini_path),
            "--knob",
            "thaw_shift_days=-6:6:6",
            "--runs",
            "2",
            "--seed",
            "4",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    result = json.loads((out / "sweep.json").read_text())
    assert [p["value"] for p in result["points"]] == [-6, 0, 6]
    for point in result["points"]:
        rows = read_runs_csv(out / point["runs_csv"])
        assert [r["seed"] for r in rows] == ["4", "5"]
        wins = sum(r["winner"] == "axis" for r in rows)
        share = point["outcomes"]["wins_axis"]
        assert share == {k: round(v, 4) for k, v in wilson(wins, 2).as_dict().items()}
    assert result["plots"] == ["plot_sweep.png"]
    page = (out / "report.html").read_text()
    assert "data:image/png;base64," in page and 'href="thaw_shift_days=-6/runs.csv"' in page
    assert "Sweep of thaw_shift_days" in (out / "report.md").read_text()


def test_sensitivity_ranks_a_knob_that_cripples_a_side_first(
    mini: MiniWriter, tmp_path: Path
) -> None:
    """Soviet units at a fifth of their strength lose more men in every game: the tornado puts
    the knob first for Soviet losses, with an interval that leaves out zero."""
    path = mini(append=MINI_PLANS + STRENGTH_KNOB)
    out = tmp_path / "sensitivity"
    code = main(["sensitivity", str(path), "--runs", "3", "--seed", "1", "--out", str(out)])
    assert code == 0
    result = json.loads((out / "sensitivity.json").read_text())
    # the end at the historical setting (100) is the baseline's games: not played again
    assert not (out / "soviet_strength_percent=100").exists()
    assert (out / "soviet_strength_percent=20" / "runs.csv").exists()
    ranked = result["effects"]["men_lost_soviet"]
    assert ranked[0]["knob"] == "soviet_strength_percent"
    weak = ranked[0]["low_change"]
    assert weak["low"] > 0 and ranked[0]["clear"]
    assert ranked[0]["high_change"] == {"value": 0.0, "low": 0.0, "high": 0.0}
    assert {f"plot_tornado_{o}.png" for o in result["effects"]} == set(result["plots"])
    assert "What decided it?" in (out / "report.md").read_text()
