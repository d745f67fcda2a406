"""The actions players (human, AI, replay) send to the engine, and their JSON form for saves.

Hexes travel as flat indices inside the engine and as [q, r] axial pairs in files, units as their
scenario ids in files, so a save stays readable and survives a reordering of the scenario's units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.hexgrid import Hex
from game.scenario.model import Scenario


@dataclass(frozen=True)
class Move:
    """Move one unit along `path` (flat hex indices, not including its current hex)."""

    unit: int
    path: tuple[int, ...]


@dataclass(frozen=True)
class Attack:
    """Declare an attack by `attackers` (all adjacent) on the enemy stack in hex `target`.

    Attacks of a combat phase are declared first and resolved together when the phase ends, so
    that every combat of the phase goes to the combat core in one call. `advance`: whether the
    attackers may move into the hex if the defenders leave it.
    """

    attackers: tuple[int, ...]
    target: int
    advance: bool = True


@dataclass(frozen=True)
class CancelAttack:
    """Withdraw a declared attack on `target` before the phase ends."""

    target: int


@dataclass(frozen=True)
class EndPhase:
    """Finish the current phase; automatic phases that follow run at once."""


@dataclass(frozen=True)
class OrderBreakout:
    """Order the moving side's pocket to break out now (its `breakout` formations,
    `game.rules.breakout`): they pay what leaving costs and may move from this phase on."""


Action = Move | Attack | CancelAttack | EndPhase | OrderBreakout


HEX_LIMIT = 1 << 20  # far beyond any map; larger numbers in a file never reach the arrays


class ActionFormatError(ValueError):
    """An action read from a file does not make sense for this scenario."""


def _hex_json(scenario: Scenario, h: int) -> list[int]:
    q, r = scenario.map.hex_of(h)
    return [q, r]


def _hex_from(scenario: Scenario, value: Any) -> int:
    if not (
        isinstance(value, list)
        and len(value) == 2
        and all(type(v) is int and -HEX_LIMIT < v < HEX_LIMIT for v in value)  # no bools
    ):
        raise ActionFormatError(f"expected a hex as [q, r], got {repr(value)[:40]}")
    h = scenario.map.index_of(Hex(value[0], value[1]))
    if h < 0:
        raise ActionFormatError(f"hex {value} is off the map")
    return h


def _unit_from(scenario: Scenario, value: Any) -> int:
    if not isinstance(value, str) or value not in scenario.units.ids:
        raise ActionFormatError(f"unknown unit {repr(value)[:40]}")
    return scenario.units.index(value)


def to_json(scenario: Scenario, action: Action) -> dict[str, Any]:
    ids = scenario.units.ids
    if isinstance(action, Move):
        return {
            "type": "move",
            "unit": ids[action.unit],
            "path": [_hex_json(scenario, h) for h in action.path],
        }
    if isinstance(action, Attack):
        return {
            "type": "attack",
            "attackers": [ids[u] for u in action.attackers],
            "target": _hex_json(scenario, action.target),
            "advance": action.advance,
        }
    if isinstance(action, CancelAttack):
        return {"type": "cancel_attack", "target": _hex_json(scenario, action.target)}
    if isinstance(action, OrderBreakout):
        return {"type": "order_breakout"}
    return {"type": "end_phase"}


def from_json(scenario: Scenario, data: Any) -> Action:
    """Parse one action; raises ActionFormatError with what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ActionFormatError("an action must be an object with a string 'type'")
    kind = data["type"]
    allowed = {
        "move": {"type", "unit", "path"},
        "attack": {"type", "attackers", "target", "advance"},
        "cancel_attack": {"type", "target"},
        "end_phase": {"type"},
        "order_breakout": {"type"},
    }
    if kind not in allowed:
        raise ActionFormatError(f"unknown action type {kind[:40]!r}")
    extra = set(data) - allowed[kind]
    if extra:
        raise ActionFormatError(f"unknown key {sorted(extra)[0][:40]!r} in a {kind} action")
    if kind == "move":
        path = data.get("path")
        if not isinstance(path, list) or not path:
            raise ActionFormatError("a move needs a non-empty path")
        return Move(
            _unit_from(scenario, data.get("unit")), tuple(_hex_from(scenario, h) for h in path)
        )
    if kind == "attack":
        attackers = data.get("attackers")
        if not isinstance(attackers, list) or not attackers:
            raise ActionFormatError("an attack needs a non-empty list of attackers")
        advance = data.get("advance", True)
        if not isinstance(advance, bool):
            raise ActionFormatError("advance must be true or false")
        return Attack(
            tuple(_unit_from(scenario, u) for u in attackers),
            _hex_from(scenario, data.get("target")),
            advance,
        )
    if kind == "cancel_attack":
        return CancelAttack(_hex_from(scenario, data.get("target")))
    if kind == "order_breakout":
        return OrderBreakout()
    return EndPhase()
