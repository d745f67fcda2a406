"""Knob effects read while a game is played, not when the scenario is built.

Most knob effects change the data `build` makes (arrival turns, strengths, reach). A few set
values that rules and plans read as the game goes (the air supply's tonnage, a breakout's date,
a plan phase's dates); they are read here from the knob values the scenario was made with, so a
variant made by `Scenario.with_knobs` carries them like any other knob.
"""

from __future__ import annotations

import datetime as dt

from game.scenario.model import Scenario


def knob_values(
    scenario: Scenario, effect: str, side: str, phase: str | None = None
) -> list[float]:
    """The values of the knobs with `effect` on `side` (and `phase`), in file order."""
    found: list[float] = []
    for name, knob in scenario.spec.knobs.items():
        if knob.effect != effect or knob.side != side or knob.phase != phase:
            continue
        value = scenario.knobs.get(name, knob.default)
        found.append(float(value))
    return found


def day_after_start(scenario: Scenario, days: float) -> dt.date | None:
    """The date `days` after the scenario's start; None when that is past its last day."""
    date = scenario.calendar.start + dt.timedelta(days=int(days))
    return None if date > scenario.calendar.last_day else date
