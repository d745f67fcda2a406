"""What happened: the engine's structured report of each action, for the log, the UI, the AI, the
batch runner's reporters and the after-action report.

Rules never write words: an event is a kind, a side, units, a hex and numbers, and
`game.narrate` turns it into a line for whoever shows it. Kinds and their data:

    turn             side to move
    withdrawal       units (one)
    arrival          units (one), hex; data blocked=1 when the entry area was held or full
    move             units (one), hex (where it ended); data start
    capture          side (taker), hex; data city, previous (side number that held it)
    attack_declared  units (attackers), hex (target)
    combat           units (attackers then defenders), hex; data attackers (how many of the
                     units attack), column, outcome, attacker_steps_lost, defender_steps_lost,
                     retreat
    retreat          units (one), hex (where it ended, -1 nowhere); data blocked (steps lost)
    advance          units, hex
    out_of_supply    units newly cut off
    attrition        units (one) that lost a step without supply
    eliminated       units (one); data cause ("supply")
    surrender        units (one)
    pocket           units, hex (first hex of the pocket); data men, tanks, city (hex of the
                     nearest city, -1 none)
    breakout         side, units (that broke out): the side ordered its pocket's breakout
    losses           side (that lost), units (that lost); data men, tanks, steps, cause
                     ("combat", "supply" or "breakout"): what one phase or order cost a side
    score            side (whose turn ended); data points (the scoring team's victory points
                     x 1000)
    game_over        side (winning team, NO_SIDE for none); data level, cause ("sudden_death" or
                     "points"), points (victory points x 1000), cities (comma-separated ids)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    """One thing that happened; see the module docstring for the vocabulary."""

    kind: str
    turn: int
    side: int
    units: tuple[int, ...] = ()
    hex: int = -1
    data: dict[str, int | str] = field(default_factory=dict)
