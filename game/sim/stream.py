"""A batch's rows on disk as they come, and a progress line while they do.

`RunsFile` keeps `runs.csv` whole at every moment: it is created with its header by an atomic
write when the first game finishes, each finished game's row is appended with one `write` of the
complete line (and flushed to the disk), and when the batch ends, finished or stopped (Ctrl-C, an
error), the file is written again atomically with every finished row in run order. A crash loses
no finished game and never leaves half a line; a batch that fails before any game finishes
leaves no file.

`Progress` draws "37/100 games, 2.9 games/s, 0:22 left" on one line of a terminal, and nothing
when the output is not one (a log file, a pipe, a test).
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TextIO

from game.files import write_atomic
from game.sim.reporters import Row


def csv_text(columns: Sequence[str], rows: Sequence[Row], header: bool = True) -> str:
    """Rows as CSV text with these columns (extra keys left out, missing ones blank)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    if header:
        writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


class RunsFile:
    """`runs.csv` of one batch, appended to as games finish; see the module docstring."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.path = path
        self.columns = list(columns)
        self.rows: list[Row] = []
        self._fd = -1

    def __enter__(self) -> RunsFile:
        return self

    def add(self, row: Row) -> None:
        """A finished game: one complete line, flushed to the disk."""
        if self._fd < 0:
            write_atomic(self.path, csv_text(self.columns, []))
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self.rows.append(row)
        os.write(self._fd, csv_text(self.columns, [row], header=False).encode("utf-8"))
        os.fsync(self._fd)

    def in_run_order(self) -> list[Row]:
        return sorted(self.rows, key=lambda r: int(r["run"]))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self.rows or kind is None:
            write_atomic(self.path, csv_text(self.columns, self.in_run_order()))


class Progress:
    """One line of progress on a terminal; silent elsewhere."""

    def __init__(self, total: int, what: str = "games", stream: TextIO | None = None) -> None:
        self.total = total
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self.done = 0
        self._shown = 0.0

    def line(self) -> str:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        clock = "?" if left != left else f"{int(left) // 60}:{int(left) % 60:02d}"
        return (
            f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {self.what}, "
            f"{rate:.2f} {self.what}/s, {clock} left"
        )

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if self.live and (now - self._shown >= 0.2 or self.done >= self.total):
            self._shown = now
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
