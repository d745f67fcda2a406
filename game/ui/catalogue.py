"""The scenarios the menus offer: headers read quickly for the list, full scenarios loaded once.

Reading only a file's `[scenario]` table keeps the main menu's start well under a second; the full
scenario (map and order of battle) loads when a player looks at it or starts it.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from game.scenario.errors import FileProblemError
from game.scenario.loader import find_scenario, list_scenarios
from game.scenario.model import Scenario, load_scenario


@dataclass(frozen=True)
class Entry:
    id: str
    path: Path
    title: str
    start: dt.date
    end: dt.date
    turns: int
    days_per_turn: int
    sides: tuple[str, ...]
    briefing: str

    @property
    def dates(self) -> str:
        return f"{self.start:%d %b %Y} - {self.end:%d %b %Y}"


def entries() -> list[Entry]:
    """Every installed scenario whose header reads; broken files are left out of the menu."""
    out = []
    for path in list_scenarios():
        try:
            with path.open("rb") as handle:
                head = tomllib.load(handle)["scenario"]
            start = head["start"]
            turns = int(head["turns"])
            per = int(head["days_per_turn"])
            out.append(
                Entry(
                    id=str(head["id"]),
                    path=path,
                    title=str(head["title"]),
                    start=start,
                    end=start + dt.timedelta(days=(turns - 1) * per),
                    turns=turns,
                    days_per_turn=per,
                    sides=tuple(head["sides"]),
                    briefing=str(head.get("briefing", "")).strip(),
                )
            )
        except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError):
            continue
    return out


_loaded: dict[Path, Scenario] = {}


def scenario(name_or_path: str | Path) -> Scenario:
    """The full scenario, loaded once per program run (raises FileProblemError when broken)."""
    path = Path(name_or_path) if isinstance(name_or_path, Path) else find_scenario(name_or_path)
    path = path.resolve()
    cached = _loaded.get(path)
    if cached is None:
        cached = load_scenario(path)
        _loaded[path] = cached
    return cached


__all__ = ["Entry", "FileProblemError", "entries", "scenario"]
