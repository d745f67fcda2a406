"""The results store: every batch recorded, `eastfront experiments list|show|compare|report`,
and a store that is damaged, foreign, newer, locked or interrupted costs one line, never a batch."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import game.sim.runner
import game.sim.store
from game.cli import main
from game.scenario.model import load_scenario
from game.sim.headlines import describe
from game.sim.stats import median_difference, share_difference
from game.sim.store import SCHEMA, default_path, open_store
from game.sim.summary import read_runs_csv
from tests.conftest import MiniWriter
from tests.test_ai import MINI_PLANS


@pytest.fixture
def mini_path(mini: MiniWriter) -> Path:
    return mini(append=MINI_PLANS)


def simulate(path: Path, out: Path, *more: str, runs: int = 2, seed: int = 1) -> int:
    args = ["simulate", str(path), "--runs", str(runs), "--seed", str(seed)]
    return main([*args, "--out", str(out), "--no-plots", *more])


def stored() -> list[Any]:
    with open_store() as store:
        return [store.get(e.id) for e in store.experiments()]


def test_the_tests_store_lives_in_a_temporary_data_folder(
    _results_store_in_a_temporary_folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = _results_store_in_a_temporary_folder
    assert default_path() == data / "eastfront" / "experiments.sqlite"
    assert not str(default_path()).startswith(str(Path.home() / ".local"))
    monkeypatch.setenv("EASTFRONT_EXPERIMENTS_DB", str(tmp_path / "chosen.sqlite"))
    assert default_path() == tmp_path / "chosen.sqlite"


def test_a_simulate_run_is_recorded_with_every_game_and_shown(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sim"
    assert simulate(mini_path, out, "--set", "thaw_shift_days=-6") == 0
    assert "recorded as experiment 1 in " in capsys.readouterr().out
    (experiment,) = stored()
    scenario = load_scenario(mini_path)
    assert experiment.kind == "simulate" and experiment.status == "complete"
    assert experiment.scenario_id == "mini" and experiment.scenario_hash == scenario.source_hash
    assert experiment.knobs == {"thaw_shift_days": -6}
    assert (experiment.seed, experiment.runs, experiment.out) == (1, 2, str(out.resolve()))
    assert experiment.rules_version == scenario.rules_version
    assert "simulate" in experiment.command and "--seed 1" in experiment.command
    (arm,) = experiment.arms
    assert arm.rows == read_runs_csv(out / "runs.csv")  # every game's row, as the file has it
    played = scenario.with_knobs({"thaw_shift_days": -6})
    assert experiment.headlines == describe(played, arm.rows)

    assert main(["experiments", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[1].split()[:4] == ["1", *experiment.started[:19].split("T"), "simulate"]
    assert "thaw_shift_days=-6" in listed[1] and "complete" in listed[1]
    assert main(["experiments", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert scenario.source_hash in shown and str(out.resolve() / "runs.csv") in shown
    assert experiment.headlines[0]["sentence"] in shown


def test_list_is_newest_first_and_filters_by_scenario(
    mini: MiniWriter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = mini(append=MINI_PLANS)
    assert simulate(first, tmp_path / "a", runs=1) == 0
    other = tmp_path / "other.toml"
    other.write_text(first.read_text().replace('id = "mini"', 'id = "mini_two"', 1))
    (tmp_path / "maps").exists()
    assert simulate(other, tmp_path / "b", runs=1) == 0
    capsys.readouterr()
    assert main(["experiments", "list"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [r.split()[0] for r in rows] == ["2", "1"]
    assert main(["experiments", "list", "--scenario", "mini"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [r.split()[0] for r in rows] == ["1"]
    assert main(["experiments", "list", "--scenario", "nothing"]) == 0
    assert capsys.readouterr().out.startswith("no experiments of nothing in ")


def test_reading_a_store_that_does_not_exist_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "none" / "x.sqlite"
    assert main(["experiments", "list", "--db", str(db)]) == 0
    assert capsys.readouterr().out == f"no experiments in {db}\n"
    assert main(["experiments", "show", "3", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no experiment 3" in err
    assert not db.parent.exists()


def test_explore_is_recorded_and_its_report_rewritten_from_runs_csv(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "exp"
    db = tmp_path / "mine.sqlite"
    args = ["--runs", "2", "--seed", "4", "--out", str(out), "--no-plots", "--db", str(db)]
    assert main(["explore", str(mini_path), "--set", "thaw_shift_days=-6", *args]) == 0
    with open_store(db) as store:
        experiment = store.get(1)
    assert [a.name for a in experiment.arms] == ["baseline", "variant"]
    assert experiment.arms[1].knobs == {"thaw_shift_days": -6}
    comparison = json.loads((out / "comparison.json").read_text())
    assert experiment.headlines == comparison["headlines"]
    before = (out / "report.md").read_text()
    (out / "report.md").unlink()
    (out / "report.html").unlink()
    (out / "comparison.json").unlink()
    capsys.readouterr()
    assert main(["experiments", "report", "1", "--no-plots", "--db", str(db)]) == 0
    assert "wrote " in capsys.readouterr().out
    after = (out / "report.md").read_text()

    def without_time(text: str) -> list[str]:
        return [line for line in text.splitlines() if "**written**" not in line]

    assert without_time(after) == without_time(before)  # same games, same numbers, same words
    assert json.loads((out / "comparison.json").read_text())["headlines"] == comparison["headlines"]
    # a runs.csv that is gone: the store's copy of its games
    (out / "variant" / "runs.csv").unlink()
    assert main(["experiments", "report", "1", "--no-plots", "--db", str(db)]) == 0
    said = capsys.readouterr().out
    assert "variant/runs.csv is gone: its games come from the store" in said
    assert without_time((out / "report.md").read_text()) == without_time(before)


def test_compare_pairs_runs_on_the_same_seeds_and_not_others(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert simulate(mini_path, tmp_path / "a", runs=3, seed=1) == 0
    assert simulate(mini_path, tmp_path / "b", "--set", "thaw_shift_days=-6", runs=3, seed=1) == 0
    assert simulate(mini_path, tmp_path / "c", runs=3, seed=20) == 0
    capsys.readouterr()
    assert main(["experiments", "compare", "1", "2"]) == 0
    text = capsys.readouterr().out
    assert "paired: both played the same 3 game seeds" in text and "change (paired)" in text
    assert "In experiment 2 the Axis side wins in " in text
    a, _, c = stored()[::-1]
    assert main(["experiments", "compare", "1", "3"]) == 0
    text = capsys.readouterr().out
    assert "unpaired:" in text and "change (unpaired)" in text
    # the unpaired interval is that of two independent batches
    wins_a = sum(r["winner"] == "axis" for r in a.arms[0].rows)
    wins_c = sum(r["winner"] == "axis" for r in c.arms[0].rows)
    delta = share_difference(wins_a, 3, wins_c, 3)
    assert f"{100 * delta.low:+.0f} to {100 * delta.high:+.0f}" in text.split("wins_axis")[1]


def test_compare_refuses_in_one_line(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert simulate(mini_path, tmp_path / "a", runs=1) == 0
    args = ["--runs", "1", "--seed", "1", "--out", str(tmp_path / "e"), "--no-plots"]
    assert main(["explore", str(mini_path), "--set", "thaw_shift_days=-6", *args]) == 0
    capsys.readouterr()
    for pair, problem in (
        (["1", "2"], "experiment 2 has 2 arms; name one as 2:ARM (its arms: baseline, variant)"),
        (["1", "2:nope"], "experiment 2 has no arm 'nope'"),
        (["1", "9"], "no experiment 9"),
        (["1", "x2"], "expected ID or ID:ARM"),
    ):
        assert main(["experiments", "compare", *pair]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and problem in err, err
    assert main(["experiments", "compare", "1", "2:variant"]) == 0


def test_sweep_sensitivity_and_continuations_are_recorded_and_reported(
    mini_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.saves import save_game
    from tests.test_continuation import game_in_progress

    common = ["--runs", "1", "--seed", "2", "--no-plots"]
    out = tmp_path / "sweep"
    knob = "thaw_shift_days=-6:6:6"
    assert main(["sweep", str(mini_path), "--knob", knob, *common, "--out", str(out)]) == 0
    assert main(["sensitivity", str(mini_path), *common, "--out", str(tmp_path / "sens")]) == 0
    save = tmp_path / "game.json"
    save_game(game_in_progress(mini_path, side_turns=3), save)
    assert main(["explore", "--from", str(save), *common, "--out", str(tmp_path / "now")]) == 0
    sweep_run, sensitivity_run, continuation = stored()[::-1]
    assert [a.name for a in sweep_run.arms] == [
        "thaw_shift_days=-6",
        "thaw_shift_days=0",
        "thaw_shift_days=6",
    ]
    assert sweep_run.extra == {"knob": "thaw_shift_days", "values": [-6, 0, 6]}
    sentences = json.loads((out / "sweep.json").read_text())["sentences"]
    assert [h["sentence"] for h in sweep_run.headlines] == sentences
    assert sensitivity_run.arms[0].name == "baseline" and len(sensitivity_run.arms) >= 2
    assert continuation.kind == "continuation" and continuation.extra["turn"] >= 1
    assert continuation.arms[0].rows == read_runs_csv(tmp_path / "now" / "runs.csv")
    for ident, written in ((1, "sweep.json"), (2, "sensitivity.json"), (3, "continuation.json")):
        folder = Path(stored()[::-1][ident - 1].out)
        before = json.loads((folder / written).read_text())
        (folder / "report.md").unlink()
        assert main(["experiments", "report", str(ident), "--no-plots"]) == 0
        assert (folder / "report.md").is_file()
        assert json.loads((folder / written).read_text()) == before


# --- a store that cannot be used ---------------------------------------------------------------


def newer_store(path: Path) -> None:
    with open_store(path, write=True):
        pass
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA + 1}")
    db.commit()
    db.close()


def foreign_store(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.commit()
    db.close()


def damaged_store(path: Path) -> None:
    path.write_bytes(b"this is not a database at all\n" * 200)


def half_store(path: Path) -> None:
    """Ours by its header, but its tables are gone (a damaged file)."""
    with open_store(path, write=True):
        pass
    db = sqlite3.connect(path)
    db.execute("DROP TABLE games")
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (newer_store, f"written by a newer eastfront (schema {SCHEMA + 1}"),
        (foreign_store, "is another program's SQLite database"),
        (damaged_store, "is damaged or not an experiments database"),
    ],
)
def test_a_store_we_cannot_read_is_one_line_and_a_batch_still_finishes(
    mini_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    spoil: Any,
    problem: str,
) -> None:
    db = tmp_path / "store.sqlite"
    spoil(db)
    before = db.read_bytes()
    for command in (["list"], ["show", "1"], ["compare", "1", "2"], ["report", "1"]):
        assert main(["experiments", *command, "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and problem in err and "Traceback" not in err, err
    out = tmp_path / "sim"
    assert simulate(mini_path, out, "--db", str(db)) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "not recorded in the results store" in captured.err
    assert problem in captured.err
    assert len(read_runs_csv(out / "runs.csv")) == 2  # the games are kept
    assert db.read_bytes() == before  # a file we do not understand is never written


def test_a_store_missing_its_tables_is_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "half.sqlite"
    half_store(db)
    assert main(["experiments", "show", "1", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is damaged" in err


def test_a_locked_store_is_one_line_and_a_batch_still_finishes(
    mini_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(game.sim.store, "BUSY_SECONDS", 0.0)
    db = tmp_path / "store.sqlite"
    assert simulate(mini_path, tmp_path / "first", "--db", str(db), runs=1) == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program writing
    try:
        capsys.readouterr()
        assert simulate(mini_path, tmp_path / "sim", "--db", str(db)) == 0
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "is locked by another program" in err
        assert len(read_runs_csv(tmp_path / "sim" / "runs.csv")) == 2
        assert main(["experiments", "list", "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "is locked by another program" in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with open_store(db) as store:
        assert [e.id for e in store.experiments()] == [1]


def test_a_crash_while_recording_leaves_no_half_record(
    mini_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert simulate(mini_path, tmp_path / "first", runs=1) == 0
    rows_seen = []
    real = game.sim.store._row

    def dies_on_the_second_game(row: dict[str, str]) -> str:
        rows_seen.append(row)
        if len(rows_seen) == 2:
            raise KeyboardInterrupt  # Ctrl-C, or the process killed, half-way through the games
        return real(row)

    monkeypatch.setattr(game.sim.store, "_row", dies_on_the_second_game)
    assert simulate(mini_path, tmp_path / "sim", runs=3) == 130
    assert len(rows_seen) == 2
    assert len(read_runs_csv(tmp_path / "sim" / "runs.csv")) == 3  # the batch's files are whole
    db = sqlite3.connect(default_path())
    counts = [
        db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("experiments", "arms", "games")
    ]
    db.close()
    assert counts == [1, 1, 1]  # only the first run's record: nothing of the second


def test_an_interrupted_batch_is_recorded_incomplete_with_its_finished_games(
    mini_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = game.sim.runner.run_games

    def stopped_after_one(path: Path, runs: int, seed: int, *rest: Any, **options: Any) -> Any:
        real(path, 1, seed, *rest, **options)
        raise KeyboardInterrupt

    monkeypatch.setattr(game.sim.runner, "run_games", stopped_after_one)
    out = tmp_path / "sim"
    assert simulate(mini_path, out, runs=4) == 130
    (experiment,) = stored()
    assert experiment.status == "incomplete" and experiment.runs == 4
    assert experiment.arms[0].rows == read_runs_csv(out / "runs.csv")
    assert len(experiment.arms[0].rows) == 1


def test_an_old_runs_csv_in_a_reused_folder_is_not_this_runs(tmp_path: Path) -> None:
    from game.sim.store import arms_from_folder

    old = tmp_path / "variant" / "runs.csv"
    old.parent.mkdir()
    old.write_text("run,seed,winner\n0,1,axis\n")
    import os

    os.utime(old, (1_000_000, 1_000_000))
    assert arms_from_folder(tmp_path, [("variant", {}, "variant/runs.csv")], since=2e9 - 1) == []
    (arm,) = arms_from_folder(tmp_path, [("variant", {}, "variant/runs.csv")], since=None)
    assert arm.rows == [{"run": "0", "seed": "1", "winner": "axis"}]


# --- unpaired intervals -------------------------------------------------------------------------


def test_the_unpaired_share_difference_matches_newcombes_worked_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, method 10: 56/70 - 48/80 = 0.2000,
    # 95 % interval 0.0524 to 0.3339
    delta = share_difference(48, 80, 56, 70)
    assert delta.value == pytest.approx(0.2)
    assert (round(delta.low, 4), round(delta.high, 4)) == (0.0524, 0.3339)
    assert delta.clear
    same = share_difference(3, 12, 3, 12)
    assert same.value == 0 and same.low < 0 < same.high and not same.clear


def test_the_unpaired_median_difference_sees_a_clear_shift_and_not_noise() -> None:
    import numpy as np

    rng = np.random.default_rng(7)
    low = list(rng.normal(100.0, 5.0, 40))
    high = list(rng.normal(130.0, 5.0, 40))
    shift = median_difference(low, high, np.random.default_rng(1))
    assert 20 < shift.low <= shift.value <= shift.high < 40
    noise = median_difference(low, list(rng.normal(100.0, 5.0, 40)), np.random.default_rng(1))
    assert noise.low < 0 < noise.high


def test_an_experiment_reads_its_scenario_from_the_version_kept_in_earlier(
    mini_path: Path, tmp_path: Path
) -> None:
    """After its scenario file is recalibrated, an experiment's own version, kept verbatim in
    earlier/, is the one it is read and continued on, with no note; without it, a note says
    the file changed (and continuing is refused)."""
    import hashlib

    from game.sim.experiments import StoreError, scenario_of

    assert simulate(mini_path, tmp_path / "out") == 0
    [e] = stored()
    made_with = mini_path.read_bytes()
    mini_path.write_text(mini_path.read_text().replace("turns = 6", "turns = 7"))
    scenario, note = scenario_of(e, need_same_file=False)
    assert note is not None and "has changed since" in note
    with pytest.raises(StoreError):
        scenario_of(e, need_same_file=True)
    (mini_path.parent / "earlier").mkdir()
    kept = mini_path.parent / "earlier" / f"mini-{hashlib.sha256(made_with).hexdigest()[:12]}.toml"
    kept.write_bytes(made_with)
    scenario, note = scenario_of(e, need_same_file=True)
    assert note is None and scenario.path == kept and scenario.source_hash == e.scenario_hash
