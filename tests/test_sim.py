"""The batch runner and `eastfront simulate`: rows, summaries, seeds, workers, schedulers,
knobs, saves and plots."""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.kept import Kept
from game.saves import load_game
from game.scenario.model import KnobValue, Scenario, load_scenario
from game.sim import runner
from game.sim.plots import Arm, city_figure, losses_figure, result_figure, write_plots
from game.sim.runner import Batch, Row, SchedulerError, open_pool, report_cities, run_games
from game.sim.summary import columns, read_runs_csv, summarise, write_runs_csv
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
                "--no-plots",
            ]
        )
        assert code == 0
        assert not list(out.glob("*.png"))
    one = (tmp_path / "w1" / "runs.csv").read_text()
    two = (tmp_path / "w2" / "runs.csv").read_text()
    assert one == two and one.count("\n") == 4


def test_a_run_is_the_same_game_whatever_the_batch(mini_path: Path) -> None:
    alone = run_games(mini_path, runs=1, seed=7)
    batch = run_games(mini_path, runs=3, seed=5)
    assert {**alone[0], "run": 2} == batch[2]


def test_simulate_sets_knobs_and_reports_them(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
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
    assert "median" in summary["victory_points"]
    # the single-batch plots, each path printed
    printed = capsys.readouterr().out
    for name in ("plot_result.png", "plot_losses_men.png", "plot_cities.png"):
        assert f"wrote {out / name}" in printed and png_size(out / name) == (1000, 600)


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
            *("--out", str(out), "--save-games", "--no-plots"),
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
    assert {"baseline", "variant", "change", "change_95"} <= set(report["losses"]["men_lost_axis"])
    base = read_runs_csv(out / "baseline" / "runs.csv")
    variant = read_runs_csv(out / "variant" / "runs.csv")
    assert [r["seed"] for r in base] == [r["seed"] for r in variant] == ["3", "4"]
    # the plots come with it, listed in the report
    assert {"plot_result.png", "plot_losses_men.png", "plot_cities.png"} <= set(report["plots"])
    for name in report["plots"]:
        assert png_size(out / name) == (1000, 600)


# --- schedulers ----------------------------------------------------------------------------------


def test_dask_plays_the_same_games_as_local_processes(mini_path: Path, tmp_path: Path) -> None:
    """Rows and saves are the same bit for bit whether one process or a Dask cluster plays."""
    for scheduler, workers in (("local", "1"), ("dask", "2")):
        code = main(
            [
                *("simulate", str(mini_path), "--runs", "3", "--seed", "5"),
                *("--out", str(tmp_path / scheduler), "--save-games", "--no-plots"),
                *("--scheduler", scheduler, "--workers", workers),
            ]
        )
        assert code == 0
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert (local / "runs.csv").read_text() == (dask / "runs.csv").read_text()
    saves = sorted(p.name for p in (local / "games").iterdir())
    assert saves == ["run_0000.json", "run_0001.json", "run_0002.json"]
    assert saves == sorted(p.name for p in (dask / "games").iterdir())
    for name in saves:
        assert (local / "games" / name).read_bytes() == (dask / "games" / name).read_bytes()


def test_one_dask_cluster_keeps_batches_with_different_knobs_apart(mini_path: Path) -> None:
    thaw: dict[str, KnobValue] = {"thaw_shift_days": -6}
    with open_pool("dask", workers=2) as pool:
        shared = [run_games(mini_path, 3, 8, knobs, pool=pool) for knobs in (None, thaw, None)]
    alone = [run_games(mini_path, 3, 8, knobs) for knobs in (None, thaw)]
    assert shared[0] == shared[2] == alone[0]  # whole rows, first changes of hands included
    assert shared[1] == alone[1]
    assert [r["run"] for r in shared[1]] == [0, 1, 2]


def test_an_unreachable_scheduler_is_one_line_and_exit_2(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import dask

    for address in ("tcp://127.0.0.1:1", "no-port-here", "http//host"):
        with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
            code = main(
                [
                    *("simulate", str(mini_path), "--runs", "2", "--seed", "1"),
                    *("--out", str(tmp_path / "out"), "--scheduler", address),
                ]
            )
        assert code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "error: " in err and address in err
    assert not (tmp_path / "out" / "runs.csv").exists()


def test_a_worker_loads_each_scenario_once(
    mini_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[Path] = []

    def counting_load(path: Path, knobs: dict[str, KnobValue] | None = None) -> Scenario:
        loads.append(path)
        return load_scenario(path, knobs)

    monkeypatch.setattr(runner, "_scenarios", Kept(runner.SCENARIOS_PER_WORKER))
    monkeypatch.setattr(runner, "load_scenario", counting_load)
    run_games(mini_path, runs=3, seed=1)
    run_games(mini_path, runs=2, seed=9)
    assert len(loads) == 1
    run_games(mini_path, runs=2, seed=1, knobs={"thaw_shift_days": 2})
    assert len(loads) == 2
    # a worker whose copy of the file differs from the one the batch was started with refuses
    stale = Batch(str(mini_path.resolve()), "0" * 64, (), None)
    with pytest.raises(SchedulerError, match="differs"):
        runner.play_run(stale, 0, 1)


# --- plots ---------------------------------------------------------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header, which also proves the file is a PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def synthetic_rows(scenario: Scenario, runs: int, seed: int, retake_day: int) -> list[Row]:
    """`runs.csv` rows shaped like Third Kharkov batches: Kharkov retaken around `retake_day`."""
    rng = np.random.default_rng(seed)
    rows: list[Row] = []
    for run in range(runs):
        points = float(rng.normal(70, 12))
        level = next(v for v in scenario.spec.victory.levels if points >= v.min_vp)
        row: Row = {
            "run": run,
            "seed": seed + run,
            "winner": level.winner,
            "victory_level": level.level,
            "victory_points": round(points * 2) / 2,
            "turns": 17,
            "men_lost_axis": int(rng.normal(24_000, 4_000)),
            "men_lost_soviet": int(rng.normal(95_000, 15_000)),
            "tanks_lost_axis": int(rng.normal(90, 20)),
            "tanks_lost_soviet": int(rng.normal(300, 60)),
        }
        for city in report_cities(scenario):
            place = scenario.map.city_by_id(city)
            assert place is not None
            row[f"owner_{city}"] = "axis" if scenario.control[place.hex] == 0 else "soviet"
            row[f"taken_{city}"] = ""
        if rng.random() < 0.8:
            day = int(np.clip(rng.normal(retake_day, 3), 1, 32))
            row["owner_kharkov"] = "axis"
            row["taken_kharkov"] = (dt.date(1943, 2, 19) + dt.timedelta(days=day)).isoformat()
        rows.append(row)
    return rows


def test_plots_are_pngs_of_the_documented_size(tmp_path: Path) -> None:
    scenario = load_scenario(KHARKOV)
    arms = [
        Arm("baseline", synthetic_rows(scenario, 12, seed=1, retake_day=24)),
        Arm("variant (thaw_shift_days=-6)", synthetic_rows(scenario, 12, seed=1, retake_day=18)),
    ]
    paths = write_plots(tmp_path, scenario, arms, "synthetic rows")
    names = {p.name for p in paths}
    assert {
        "plot_result.png",
        "plot_losses_men.png",
        "plot_losses_tanks.png",
        "plot_cities.png",
        "plot_city_kharkov.png",  # changed hands in the games
        "plot_city_belgorod.png",  # did not, but did in history
    } <= names
    assert "plot_city_kupiansk.png" not in names  # changed hands neither in the games nor in 1943
    for path in paths:
        assert path.parent == tmp_path and png_size(path) == (1000, 600)
    # rows read back from runs.csv (all strings) draw the very same plots
    for arm in arms:
        write_runs_csv(tmp_path / arm.label / "runs.csv", scenario, list(arm.rows))
    again = [Arm(a.label, read_runs_csv(tmp_path / a.label / "runs.csv")) for a in arms]
    for draw in (
        lambda a: result_figure(scenario, a, "synthetic rows"),
        lambda a: losses_figure(scenario, a, "men", "synthetic rows"),
        lambda a: city_figure(scenario, a, "kharkov", "synthetic rows"),
    ):
        images = []
        for rows in (arms, again):
            buffer = io.BytesIO()
            draw(rows).savefig(buffer, format="png")
            images.append(buffer.getvalue())
        assert images[0] == images[1]
    assert write_plots(tmp_path / "none", scenario, [Arm("empty", [])]) == []
