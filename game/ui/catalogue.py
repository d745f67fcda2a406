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
    sides: tuple[str, ...]  # side ids, in move order
    side_names: tuple[str, ...]  # what players call them ("German", "Soviet")
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
                data = tomllib.load(handle)
            head = data["scenario"]
            sides = tuple(str(s) for s in head["sides"])
            tables = data.get("sides", {})
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
                    sides=sides,
                    side_names=tuple(_side_name(tables.get(s, {}), s) for s in sides),
                    briefing=str(head.get("briefing", "")).strip(),
                )
            )
        except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError):
            continue
    return out


def _side_name(table: object, side_id: str) -> str:
    """What players call a side, as the scenario builder names it (`SideTable.short`): the
    file's short name, else its id written as a word."""
    short = table.get("short") if isinstance(table, dict) else None
    if isinstance(short, str) and short:
        return short
    return side_id.replace("_", " ").capitalize()


def default_id() -> str | None:
    """The scenario the window opens when none is named: the catalogue's first."""
    found = entries()
    return found[0].id if found else None


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


__all__ = ["Entry", "FileProblemError", "default_id", "entries", "scenario"]
