"""Batch runs lose nothing and show progress: each finished game's row is on disk as it finishes,
the file is whole at every moment, a stopped batch keeps every finished row (in run order) and
its summary, and the progress line shows on a terminal only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import game.sim.runner as runner
from game.cli import main
from game.sim.stream import Progress, RunsFile
from tests.conftest import MiniWriter
from tests.test_ai import MINI_PLANS


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_rows_are_on_disk_as_games_finish_and_in_run_order_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "runs.csv"
    with RunsFile(path, ["run", "seed", "winner"]) as runs:
        assert not path.exists()  # nothing finished yet: no file
        runs.add({"run": 2, "seed": 12, "winner": "axis", "extra": 1})
        assert read(path) == [{"run": "2", "seed": "12", "winner": "axis"}]
        runs.add({"run": 0, "seed": 10, "winner": "soviet"})
        assert [r["run"] for r in read(path)] == ["2", "0"]  # as they finished
    assert [r["run"] for r in read(path)] == ["0", "2"]  # the batch done: run order
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.csv"]  # no temporary left


def test_a_stopped_batch_keeps_its_finished_rows_in_run_order(tmp_path: Path) -> None:
    path = tmp_path / "runs.csv"
    with pytest.raises(KeyboardInterrupt), RunsFile(path, ["run"]) as runs:
        runs.add({"run": 1})
        runs.add({"run": 0})
        raise KeyboardInterrupt
    assert [r["run"] for r in read(path)] == ["0", "1"]


def test_ctrl_c_in_simulate_keeps_every_finished_game_and_its_summary(
    mini: MiniWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The third game is interrupted: the two before it are in runs.csv and summary.json, and the
    command says so and exits 130."""
    played = runner.play_run

    def interrupted_on_the_third(batch: runner.Batch, run: int, seed: int) -> runner.Row:
        if run == 2:
            raise KeyboardInterrupt
        return played(batch, run, seed)

    monkeypatch.setattr(runner, "play_run", interrupted_on_the_third)
    out = tmp_path / "out"
    code = main(["simulate", str(mini(append=MINI_PLANS)), "--runs", "5", "--seed", "3",
                 "--out", str(out), "--no-plots"])  # fmt: skip
    assert code == 130
    assert [r["run"] for r in read(out / "runs.csv")] == ["0", "1"]
    assert json.loads((out / "summary.json").read_text())["runs"] == 2
    assert "interrupted after 2 of 5 games" in capsys.readouterr().err


def test_rows_come_back_in_run_order_from_two_workers(mini: MiniWriter) -> None:
    heard: list[int] = []
    rows = runner.run_games(
        mini(append=MINI_PLANS), 6, 7, workers=2, on_row=lambda row: heard.append(int(row["run"]))
    )
    assert [int(r["run"]) for r in rows] == list(range(6))
    assert sorted(heard) == list(range(6))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_and_nowhere_else() -> None:
    quiet = io.StringIO()
    progress = Progress(4, stream=quiet)
    for _ in range(4):
        progress.step()
    progress.close()
    assert quiet.getvalue() == ""
    shown = _Terminal()
    progress = Progress(4, stream=shown)
    for _ in range(4):
        progress.step()
    progress.close()
    assert "4/4 games" in shown.getvalue() and "games/s" in shown.getvalue()
    assert "0:00 left" in shown.getvalue()
