"""Work done for the window in a worker process, followed without blocking the window.

The worker answers through a queue with ("kind", value) messages and ends with ("done", ...) or
("error", line). The window asks `next_answer` every frame; a worker that dies without a last
word becomes an error, and `cancel` ends it.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass
from typing import Any


@dataclass
class WorkerJob:
    """A worker process and the queue it answers on."""

    process: Any
    answers: Any
    error: str = ""
    finished: bool = False

    def next_answer(self) -> tuple[str, Any] | None:
        """The next message, or None while none has come (and, once the worker has died without
        its last word, for good: `error` says so and the job is finished)."""
        if self.finished:
            return None
        try:
            answer: tuple[str, Any] = self.answers.get_nowait()
            return answer
        except queue.Empty:
            if self.process.is_alive():
                return None
        try:  # the answer may have arrived just as the process ended
            answer = self.answers.get(timeout=0.5)
            return answer
        except queue.Empty:
            self.error = f"the games stopped without an answer (exit code {self.process.exitcode})"
            self.finished = True
            return None

    def finish(self, error: str = "") -> None:
        """The worker gave its last word."""
        self.error = error
        self.finished = True
        self.process.join(timeout=2)

    def cancel(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)
        self.finished = True
