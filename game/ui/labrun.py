"""A run of the what-if lab in its worker process: its folder, the games, and its record.

The window starts `play_lab` in a spawned process (a fresh interpreter, no pygame) and follows it
through `LabRun`: progress from the rows of the two `runs.csv` files as they grow, the answer
through a queue. A run that ends records itself in the results store as complete; one cancelled
from the window is recorded there as incomplete with the games it finished (`LabRun.stop`), as
an interrupted `eastfront explore` is.

Folders. Each run writes into its own folder under `lab/` beside the store (the user's data
folder). The store keeps every run for good (settings, games, sentences); on disk the folders of
the newest `KEEP_FOLDERS` runs are kept and older ones removed when a new run starts
(`clean_lab_folders`): `eastfront experiments report ID` draws a removed run's plots again.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.scenario.errors import FileProblemError
from game.scenario.model import KnobValue
from game.ui.jobs import WorkerJob

KEEP_FOLDERS = 20  # lab run folders kept on disk (their plots and reports); the store keeps all
RUN_FOLDER = re.compile(r"\d{8}-\d{6}(-[0-9a-f]{1,8})?")  # the names `lab_folder` gives


def clean_lab_folders(base: Path, keep: int = KEEP_FOLDERS) -> list[Path]:
    """Remove all but the newest `keep` run folders in the lab's folder `base`; the removed.

    Only what the lab made goes: a real folder directly in `base` named by its start time
    (`lab_folder`), never a link, a file, or a folder of another name; nothing outside `base`.
    The store's records stay whole (settings, games, sentences): `eastfront experiments report
    ID` writes a removed run's report and plots again."""
    try:
        made = sorted(
            (p for p in base.iterdir() if RUN_FOLDER.fullmatch(p.name)
             and p.is_dir() and not p.is_symlink()),
            key=lambda p: p.name,
        )  # fmt: skip
    except OSError:
        return []
    removed = []
    for folder in made[: max(0, len(made) - keep)]:
        try:
            shutil.rmtree(folder)
        except OSError:
            continue  # in use or not ours to remove: left for the next time
        removed.append(folder)
    return removed


def lab_folder(store_path: Path) -> Path:
    """A new output folder for one lab run, beside the results store (the user's data folder);
    the oldest run folders are cleaned away first (`clean_lab_folders`)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    base = store_path.parent / "lab"
    clean_lab_folders(base, KEEP_FOLDERS - 1)
    for n in range(1000):
        folder = base / (f"{stamp}" if n == 0 else f"{stamp}-{n}")
        if not folder.exists():
            return folder
    return base / f"{stamp}-{secrets.token_hex(4)}"


def lab_command(scenario_id: str, knobs: dict[str, KnobValue], runs: int, seed: int) -> str:
    """How the store names a lab run (the command a CLI run would be)."""
    from game.sim.experiments import knob_text

    return f"lab: explore {scenario_id} {knob_text(knobs)} --runs {runs} --seed {seed}"


def lab_arms(knobs: dict[str, KnobValue]) -> list[tuple[str, dict[str, Any], str]]:
    """A lab run's two arms as the store records them."""
    return [("baseline", {}, "baseline/runs.csv"), ("variant", dict(knobs), "variant/runs.csv")]


def play_lab(
    scenario_path: str,
    knobs: dict[str, KnobValue],
    runs: int,
    seed: int,
    out: str,
    db: str,
    answers: Any,
) -> None:
    """In the worker process: explore baseline against variant and record it in the store; puts
    ("done", result) or ("error", one line) on `answers`."""
    from game.scenario.model import load_scenario
    from game.sim.experiments import Clock, record
    from game.sim.explore import explore
    from game.sim.store import StoreError

    try:
        path = Path(scenario_path)
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        scenario = load_scenario(path)
        clock = Clock()
        command = lab_command(scenario.id, knobs, runs, seed)
        report = explore(scenario, path, knobs, runs, seed, folder, command=command)
        ident = 0
        problem = ""
        try:
            ident, _ = record(
                Path(db), "explore", scenario, knobs, seed, runs, command, folder, clock, True,
                lab_arms(knobs), report["headlines"],
            )  # fmt: skip
        except StoreError as exc:
            problem = str(exc)
        answers.put(
            (
                "done",
                {
                    "sentences": [str(h["sentence"]) for h in report["headlines"]],
                    "plots": [str(folder / p) for p in report["plots"]],
                    "id": ident,
                    "problem": problem,
                },
            )
        )
    except (FileProblemError, OSError, ValueError) as exc:
        answers.put(("error", " ".join(str(exc).split()) or type(exc).__name__))


def rows_written(path: Path) -> int:
    """Finished games in a `runs.csv` that is being written (its lines less the header)."""
    try:
        with path.open("rb") as handle:
            lines = handle.read().count(b"\n")
    except OSError:
        return 0
    return max(0, lines - 1)


@dataclass
class LabRun(WorkerJob):
    """One run of the lab in its worker process, as the screen follows it."""

    out: Path = Path()
    runs: int = 0
    seed: int = 0  # the first game's seed (run r plays seed + r, baseline and variant alike)
    done: int = 0
    result: dict[str, Any] | None = None
    scenario_path: Path = Path()
    knobs: dict[str, KnobValue] = field(default_factory=dict)
    db: Path = Path()
    clock: Any = None  # game.sim.experiments.Clock: when the run began, for the store

    def stop(self) -> str:
        """Cancel: end the worker and record the run in the store as incomplete with the games
        it finished (as an interrupted `eastfront explore` is); the problem in one line, or "".
        An answer that came in just before wins: the run was complete after all."""
        self.poll()
        if self.finished:
            return ""
        self.cancel()
        self.done = min(
            self.total,
            rows_written(self.out / "baseline" / "runs.csv")
            + rows_written(self.out / "variant" / "runs.csv"),
        )
        return record_stopped(self)

    @property
    def total(self) -> int:
        return 2 * self.runs

    def poll(self) -> None:
        """Games finished so far, and the answer once the worker has given it."""
        if self.finished:
            return
        self.done = min(
            self.total,
            rows_written(self.out / "baseline" / "runs.csv")
            + rows_written(self.out / "variant" / "runs.csv"),
        )
        answer = self.next_answer()
        if answer is None:
            return
        kind, value = answer
        if kind == "done":
            self.result = value
            self.done = self.total
            self.finish()
        else:
            self.finish(str(value))


def record_stopped(run: LabRun) -> str:
    """Put a cancelled run in the store, incomplete; "" or the one-line problem."""
    import sqlite3

    from game.scenario.model import load_scenario
    from game.sim.experiments import Clock, record
    from game.sim.store import StoreError

    try:
        scenario = load_scenario(run.scenario_path)
        command = lab_command(scenario.id, run.knobs, run.runs, run.seed)
        record(
            run.db, "explore", scenario, run.knobs, run.seed, run.runs, command, run.out,
            run.clock or Clock(), False, lab_arms(run.knobs),
        )  # fmt: skip
    except (FileProblemError, StoreError, OSError, ValueError, KeyError, sqlite3.Error) as exc:
        return f"not recorded in the results store: {' '.join(str(exc).split())}"
    return ""


def start_run(
    scenario_path: Path, knobs: dict[str, KnobValue], runs: int, seed: int, db: Path
) -> LabRun:
    """Start the worker process (a fresh interpreter: the window's pygame stays in the window)."""
    from game.sim.experiments import Clock

    context = multiprocessing.get_context("spawn")
    answers = context.Queue()
    out = lab_folder(db)
    out.mkdir(parents=True, exist_ok=True)
    clock = Clock()
    process = context.Process(
        target=play_lab,
        args=(str(scenario_path), dict(knobs), runs, seed, str(out), str(db), answers),
        daemon=True,
        name="eastfront-lab",
    )
    process.start()
    return LabRun(
        process, answers, out=out, runs=runs, seed=seed, scenario_path=scenario_path,
        knobs=dict(knobs), db=db, clock=clock,
    )  # fmt: skip
