"""The results store: every batch the `eastfront` command plays, kept in a local SQLite database.

One record per `simulate`, `explore`, `sweep`, `sensitivity` or `explore --from` run: what was run
(kind, scenario id, file and hash, knobs, first game seed, games per arm, program and rules
version, the command, when, the output folder), how it ended (`complete`, or `incomplete` when it
was stopped: the finished games are kept), its headline results with their intervals (as the
report says them), and every game's `runs.csv` row under the arm it belongs to. So `eastfront
experiments list|show|compare|report` answer from the store without playing a game again.

A record is written in one transaction after the batch has ended (finished or stopped): a crash
or a Ctrl-C while it is written leaves the database as it was, never half a record. The file is
ours when its SQLite `application_id` says so; its `user_version` is the schema. A file that is
not SQLite, is damaged, is another program's database or comes from a newer eastfront raises
`StoreError`, whose message is one line naming the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_VAR = "EASTFRONT_EXPERIMENTS_DB"
FILE_NAME = "experiments.sqlite"
APPLICATION_ID = 0x45465831  # "EFX1": marks the file as ours (`PRAGMA application_id`)
SCHEMA = 1  # `PRAGMA user_version`; a newer file is refused, never rewritten
BUSY_SECONDS = 5.0  # how long to wait for another process's write before saying "locked"
KINDS = ("simulate", "explore", "sweep", "sensitivity", "continuation")

_TABLES = """
CREATE TABLE experiments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    scenario_id TEXT NOT NULL,
    scenario_path TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    knobs TEXT NOT NULL,
    seed INTEGER NOT NULL,
    runs INTEGER NOT NULL,
    program TEXT NOT NULL,
    rules_version INTEGER NOT NULL,
    command TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    out TEXT NOT NULL,
    headlines TEXT NOT NULL,
    extra TEXT NOT NULL
);
CREATE INDEX experiments_by_scenario ON experiments (scenario_id, id);
CREATE TABLE arms (
    experiment INTEGER NOT NULL REFERENCES experiments (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    knobs TEXT NOT NULL,
    runs_csv TEXT NOT NULL,
    PRIMARY KEY (experiment, position)
);
CREATE TABLE games (
    experiment INTEGER NOT NULL,
    arm INTEGER NOT NULL,
    run INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    row TEXT NOT NULL,
    PRIMARY KEY (experiment, arm, run)
);
"""


class StoreError(Exception):
    """The store cannot be used as asked; the message is one line naming the file."""


@dataclass
class ArmRecord:
    """One batch of an experiment: its name ("" when it is the only one), its knob settings, its
    `runs.csv` relative to the output folder, and its games' rows as the file has them."""

    name: str
    knobs: dict[str, Any]
    runs_csv: str
    rows: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Experiment:
    """One recorded run of the `eastfront` command (see the module docstring)."""

    kind: str
    status: str  # "complete" or "incomplete"
    scenario_id: str
    scenario_path: str
    scenario_hash: str
    knobs: dict[str, Any]
    seed: int
    runs: int  # games asked per arm
    program: str
    rules_version: int
    command: str
    started: str  # ISO 8601, UTC
    finished: str
    out: str  # the output folder, absolute
    headlines: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    arms: list[ArmRecord] = field(default_factory=list)
    id: int = 0

    @property
    def games(self) -> int:
        return sum(len(arm.rows) for arm in self.arms)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def default_path() -> Path:
    """`$EASTFRONT_EXPERIMENTS_DB`, else `experiments.sqlite` in the user's data folder
    (`$XDG_DATA_HOME/eastfront`, else `~/.local/share/eastfront`)."""
    chosen = os.environ.get(ENV_VAR, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    data = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(data) if data and Path(data).is_absolute() else Path.home() / ".local" / "share"
    return base / "eastfront" / FILE_NAME


def _problem(path: Path, exc: BaseException) -> StoreError:
    text = " ".join(str(exc).split()) or type(exc).__name__
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        why = f"is locked by another program (waited {BUSY_SECONDS:g} s); try again when it is done"
    elif "not a database" in lowered or "malformed" in lowered or "no such" in lowered:
        why = f"is damaged or not an experiments database ({text}); move it aside to start anew"
    elif "unable to open" in lowered or "readonly" in lowered or "read-only" in lowered:
        why = f"cannot be opened for writing ({text})"
    else:
        why = f"cannot be used: {text}"
    return StoreError(f"experiments database {path}: {why}")


class Store:
    """An open experiments database; use `open_store` to get one."""

    def __init__(self, path: Path, connection: sqlite3.Connection | None) -> None:
        self.path = path
        self._db = connection

    # --- writing ---------------------------------------------------------------------------

    def add(self, experiment: Experiment) -> int:
        """Record an experiment with its arms and games in one transaction; returns its id."""
        db = self._need()
        try:
            with self._transaction(db):
                cursor = db.execute(
                    "INSERT INTO experiments (kind, status, scenario_id, scenario_path, "
                    "scenario_hash, knobs, seed, runs, program, rules_version, command, started, "
                    "finished, out, headlines, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        experiment.kind,
                        experiment.status,
                        experiment.scenario_id,
                        experiment.scenario_path,
                        experiment.scenario_hash,
                        json.dumps(experiment.knobs),
                        experiment.seed,
                        experiment.runs,
                        experiment.program,
                        experiment.rules_version,
                        experiment.command,
                        experiment.started,
                        experiment.finished,
                        experiment.out,
                        json.dumps(experiment.headlines),
                        json.dumps(experiment.extra),
                    ),
                )
                ident = int(cursor.lastrowid or 0)
                for position, arm in enumerate(experiment.arms):
                    db.execute(
                        "INSERT INTO arms (experiment, position, name, knobs, runs_csv) "
                        "VALUES (?,?,?,?,?)",
                        (ident, position, arm.name, json.dumps(arm.knobs), arm.runs_csv),
                    )
                    db.executemany(
                        "INSERT INTO games (experiment, arm, run, seed, row) VALUES (?,?,?,?,?)",
                        (
                            (ident, position, _whole(row, "run"), _whole(row, "seed"), _row(row))
                            for row in arm.rows
                        ),
                    )
        except sqlite3.Error as exc:
            raise _problem(self.path, exc) from None
        experiment.id = ident
        return ident

    @contextlib.contextmanager
    def _transaction(self, db: sqlite3.Connection) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT; anything raised (Ctrl-C too) rolls everything back."""
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # --- reading ---------------------------------------------------------------------------

    def experiments(
        self, scenario: str | None = None, limit: int | None = None
    ) -> list[Experiment]:
        """The experiments, newest first, without their games (arms carry no rows)."""
        if self._db is None:
            return []
        where, params = ("WHERE scenario_id = ?", [scenario]) if scenario else ("", [])
        tail = f" LIMIT {int(limit)}" if limit else ""
        try:
            found = self._db.execute(
                f"SELECT * FROM experiments {where} ORDER BY id DESC{tail}", params
            ).fetchall()
            out = [self._experiment(row) for row in found]
            for experiment in out:
                experiment.arms = self._arms(experiment.id, with_rows=False)
                counts = dict(
                    self._db.execute(
                        "SELECT arm, COUNT(*) FROM games WHERE experiment = ? GROUP BY arm",
                        (experiment.id,),
                    ).fetchall()
                )
                experiment.extra["_games"] = sum(int(n) for n in counts.values())
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            raise _problem(self.path, exc) from None
        return out

    def get(self, ident: int) -> Experiment:
        """One experiment with every game; StoreError when there is none of that id."""
        try:
            found = (
                None
                if self._db is None
                else self._db.execute("SELECT * FROM experiments WHERE id = ?", (ident,)).fetchone()
            )
            if found is None:
                raise StoreError(f"experiments database {self.path}: no experiment {ident}")
            experiment = self._experiment(found)
            experiment.arms = self._arms(ident, with_rows=True)
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            raise _problem(self.path, exc) from None
        return experiment

    def _experiment(self, row: sqlite3.Row) -> Experiment:
        return Experiment(
            id=int(row["id"]),
            kind=str(row["kind"]),
            status=str(row["status"]),
            scenario_id=str(row["scenario_id"]),
            scenario_path=str(row["scenario_path"]),
            scenario_hash=str(row["scenario_hash"]),
            knobs=dict(json.loads(row["knobs"])),
            seed=int(row["seed"]),
            runs=int(row["runs"]),
            program=str(row["program"]),
            rules_version=int(row["rules_version"]),
            command=str(row["command"]),
            started=str(row["started"]),
            finished=str(row["finished"]),
            out=str(row["out"]),
            headlines=list(json.loads(row["headlines"])),
            extra=dict(json.loads(row["extra"])),
        )

    def _arms(self, ident: int, with_rows: bool) -> list[ArmRecord]:
        assert self._db is not None
        arms = []
        for row in self._db.execute(
            "SELECT * FROM arms WHERE experiment = ? ORDER BY position", (ident,)
        ).fetchall():
            arm = ArmRecord(str(row["name"]), dict(json.loads(row["knobs"])), str(row["runs_csv"]))
            if with_rows:
                games = self._db.execute(
                    "SELECT row FROM games WHERE experiment = ? AND arm = ? ORDER BY run",
                    (ident, int(row["position"])),
                ).fetchall()
                arm.rows = [dict(json.loads(g["row"])) for g in games]
            arms.append(arm)
        return arms

    def _need(self) -> sqlite3.Connection:
        if self._db is None:  # pragma: no cover - open_store(write=True) always connects
            raise StoreError(f"experiments database {self.path}: opened to read only")
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _whole(row: dict[str, str], key: str) -> int:
    return int(str(row[key]))


def _row(row: dict[str, str]) -> str:
    return json.dumps({key: str(value) for key, value in row.items()})


@contextlib.contextmanager
def open_store(path: Path | None = None, write: bool = False) -> Iterator[Store]:
    """The store at `path` (default: `default_path()`). To read, a missing file is an empty
    store and nothing is created; to write, the file and its folder are made as needed."""
    path = default_path() if path is None else path
    if path.is_dir():
        raise StoreError(f"experiments database {path}: is a folder, not a file")
    if not write and not path.exists():
        yield Store(path, None)
        return
    try:
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
        uri = path.resolve().as_uri() + ("?mode=rwc" if write else "?mode=ro")
        db = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS, isolation_level=None)
    except OSError as exc:
        raise StoreError(
            f"experiments database {path}: cannot make its folder ({exc.strerror})"
        ) from None
    except sqlite3.Error as exc:
        raise _problem(path, exc) from None
    db.row_factory = sqlite3.Row
    store = Store(path, db)
    try:
        try:
            _check_schema(db, path, write)
        except sqlite3.Error as exc:
            raise _problem(path, exc) from None
        yield store
    finally:
        store.close()


def _check_schema(db: sqlite3.Connection, path: Path, write: bool) -> None:
    """Refuse a file that is not ours or is newer; make the tables in a new one."""

    def read() -> tuple[int, int, int]:
        application = int(db.execute("PRAGMA application_id").fetchone()[0])
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        tables = int(db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0])
        return application, version, tables

    application, version, tables = read()
    if application == 0 and tables == 0:
        if not write:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            application, version, tables = read()  # another process may have made it meanwhile
            if application == 0 and tables == 0:
                for statement in _TABLES.split(";"):  # not executescript: it commits first
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA}")
                application, version = APPLICATION_ID, SCHEMA
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
    if application != APPLICATION_ID:
        raise StoreError(
            f"experiments database {path}: is another program's SQLite database, not eastfront "
            "experiments; choose another file with --db"
        )
    if version > SCHEMA:
        raise StoreError(
            f"experiments database {path}: written by a newer eastfront (schema {version}; this "
            f"one reads up to {SCHEMA}); upgrade eastfront or choose another file with --db"
        )
    if version < 1:
        raise StoreError(f"experiments database {path}: is damaged (no schema version)")
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted({"experiments", "arms", "games"} - names)
    if missing:
        raise StoreError(
            f"experiments database {path}: is damaged (no {', '.join(missing)} table); "
            "move it aside to start anew"
        )


def read_rows(path: Path, since: float | None = None) -> list[dict[str, str]] | None:
    """A `runs.csv` as rows, or None when it is missing or older than `since` (a file left in
    the folder by an earlier run is not this run's)."""
    from game.sim.summary import read_runs_csv

    try:
        if since is not None and path.stat().st_mtime < since:
            return None
        return read_runs_csv(path)
    except (OSError, UnicodeDecodeError):
        return None


def arms_from_folder(
    out: Path, arms: Sequence[tuple[str, dict[str, Any], str]], since: float | None
) -> list[ArmRecord]:
    """The arms of a batch with the games their `runs.csv` files hold (arms never started,
    and files older than `since`, are left out)."""
    found = []
    for name, knobs, runs_csv in arms:
        rows = read_rows(out / runs_csv, since)
        if rows is not None:
            found.append(ArmRecord(name, dict(knobs), runs_csv, rows))
    return found
