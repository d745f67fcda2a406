"""The one error type for bad user files: every problem carries file, line and field path."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PathPart = str | int


_LONGEST_PART = 64  # a key of a hostile file can be megabytes long; the line stays a line


def format_path(path: Sequence[PathPart]) -> str:
    """`units.3.at` style: the path a user can follow through their file."""
    if not path:
        return "(file)"
    parts = [_shown(str(p)) for p in path]
    return ".".join(p if len(p) <= _LONGEST_PART else p[: _LONGEST_PART - 3] + "..." for p in parts)


def _shown(part: str) -> str:
    """A key as the line shows it: quoted with escapes when it holds a newline or another
    character that cannot be printed (the error stays one line)."""
    return part if part.isprintable() else json.dumps(part)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: tuple[PathPart, ...]
    message: str

    def __str__(self) -> str:
        line = "?" if self.line is None else str(self.line)
        return f"{self.file}:{line}: {format_path(self.path)}: {self.message}"


class FileProblemError(Exception):
    """A scenario, map or save file is broken; holds every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(
            problems, key=lambda p: (p.file, p.line if p.line is not None else 0)
        )
        super().__init__("\n".join(str(p) for p in self.problems))
