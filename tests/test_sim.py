"""The batch runner and `eastfront simulate`: rows, summaries, seeds, workers, knobs and saves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.cli import main
from game.saves import load_game
from game.scenario.model import load_scenario
from game.sim.runner import report_cities, run_games
from game.sim.summary import columns, read_runs_csv, summarise
from tests.conftest import KHARKOV, MiniWriter
from tests.test_ai import MINI_PLANS


@pytest.fixture
def mini_path(mini: MiniWriter) -> Path:
    return mini(append=MINI_PLANS)


def test_rows_have_the_documented_columns(mini_path: Path) -> None:
    rows = run_games(mini_path, runs=2, seed=10)
    scenario = load_scenario(mini_path)
    assert [r["run"] for r in rows] == [0, 1]
    assert [r["seed"] for r in rows] == [10, 11]
    for row in rows:
        assert set(columns(scenario)) <= set(row)
        assert row["winner"] in ("axis", "soviet", "draw")
        assert row["owner_kharkov"] in ("axis", "soviet")
    assert "kharkov" in report_cities(scenario) and "belgorod" in report_cities(scenario)


def test_results_do_not_depend_on_the_worker_count(mini_path: Path, tmp_path: Path) -> None:
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        code = main(
            [
                "simulate",
                str(mini_path),
                "--runs",
                "3",
                "--seed",
                "5",
                "--out",
                str(out),
                "--workers",
                str(workers),
            ]
        )
        assert code == 0
    one = (tmp_path / "w1" / "runs.csv").read_text()
    two = (tmp_path / "w2" / "runs.csv").read_text()
    assert one == two and one.count("\n") == 4


def test_a_run_is_the_same_game_whatever_the_batch(mini_path: Path) -> None:
    alone = run_games(mini_path, runs=1, seed=7)
    batch = run_games(mini_path, runs=3, seed=5)
    assert {**alone[0], "run": 2} == batch[2]


def test_simulate_sets_knobs_and_reports_them(mini_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "thaw"
    code = main(
        [
            "simulate",
            str(mini_path),
            "--runs",
            "2",
            "--seed",
            "1",
            "--out",
            str(out),
            "--set",
            "thaw_shift_days=-4",
        ]
    )
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["knobs"] == {"thaw_shift_days": -4}
    assert summary["runs"] == 2 and abs(sum(summary["winner"].values()) - 1.0) < 1e-9
    assert "kharkov" in summary["cities"]


def test_simulate_refuses_an_unknown_knob(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            *("simulate", str(mini_path), "--runs", "1", "--seed", "1"),
            *("--out", str(tmp_path), "--set", "no_such_knob=3"),
        ]
    )
    assert code == 2
    assert "no_such_knob" in capsys.readouterr().err


def test_summary_sits_beside_the_historical_outcome(tmp_path: Path) -> None:
    out = tmp_path / "kharkov"
    code = main(
        [
            *("simulate", str(KHARKOV), "--runs", "1", "--seed", "3"),
            *("--out", str(out), "--save-games"),
        ]
    )
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["historical"]["winner"] == "axis"
    assert summary["historical"]["cities"]["kharkov"]["taken"] == "1943-03-15"
    rows = read_runs_csv(out / "runs.csv")
    assert len(rows) == 1 and rows[0]["seed"] == "3"
    for city in ("kharkov", "belgorod", "pavlograd", "lozovaya", "krasnograd"):
        assert f"owner_{city}" in rows[0] and f"taken_{city}" in rows[0]
    # --save-games keeps a save that replays to the same end, hash for hash
    save = out / "games" / "run_0000.json"
    game = load_game(save, check=True)
    assert game.state.over
    assert main(["replay", str(save), "--check"]) == 0
    again = summarise(load_scenario(KHARKOV), [dict(r) for r in rows])
    assert again["runs"] == 1


def test_explore_compares_a_variant_on_the_same_seeds(mini_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "explore"
    code = main(
        [
            *("explore", str(mini_path), "--set", "thaw_shift_days=-6"),
            *("--runs", "2", "--seed", "3", "--out", str(out)),
        ]
    )
    assert code == 0
    report = json.loads((out / "comparison.json").read_text())
    assert report["knobs"] == {"thaw_shift_days": -6}
    assert set(report["losses"]["men_lost_axis"]) == {"baseline", "variant", "change"}
    base = read_runs_csv(out / "baseline" / "runs.csv")
    variant = read_runs_csv(out / "variant" / "runs.csv")
    assert [r["seed"] for r in base] == [r["seed"] for r in variant] == ["3", "4"]
