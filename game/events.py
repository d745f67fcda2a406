"""What happened: the engine's report of each action, for the log, the UI, the AI and statistics."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    """One thing that happened. `kind` is a fixed vocabulary; `text` is the log line.

    Kinds: arrival, withdrawal, move, capture, attack_declared, combat, retreat, advance,
    eliminated, surrender, supply, pocket, phase, turn, game_over.
    """

    kind: str
    turn: int
    side: int
    text: str
    units: tuple[int, ...] = ()
    hex: int = -1
    data: dict[str, int | str] = field(default_factory=dict)
