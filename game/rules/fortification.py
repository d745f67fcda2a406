"""Fortified belts: prepared positions that help their side's team defend and stop enemy columns.

A scenario file lists `[[fortified_belt]]` tables (side, level 0-3, polygon or band) and switches
the rule on with `[rules] fortified_belts = true`; otherwise (and under rules versions before 3)
nothing here changes a game. A belt hex counts while the belt side's team holds it and has never
lost it (`control_changed == 0`): ground the enemy took has its trenches filled in and its mines
lifted, whoever holds it later. A dated belt (`from`) counts from the first turn on or after its
date; before it, it gives nothing (the Hagen line still being dug).

- Combat: defenders of the belt side's team in a belt hex get its level as the combat core's
  fortification (one column shift per level, `combat_reference.fortification_shift`).
- Movement: an enemy unit entering a belt hex ends its move there, as on entering a zone of
  control (minefields, anti-tank ditches, strongpoints to clear); it takes the hex, so the belt
  is gone there for the units behind it.

Worked example: a rifle corps in a level-2 belt hex attacked at 3:1 is fought at 1.5:1 (two
columns left); a panzer division that drives into an empty belt hex stops there, and the next
day's move starts from it, the hex now its own.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from game.rules.control import friendly_ground, hostile_ground
from game.scenario.model import Scenario
from game.state import GameState

Levels = npt.NDArray[np.uint8]


def switched_on(scenario: Scenario) -> bool:
    """The file has belts and switches the rule on (rules version 3 on)."""
    return scenario.rules.fortified_belts and scenario.fortification is not None


@lru_cache(maxsize=64)
def belts_at(scenario: Scenario, turn: int) -> Levels:
    """[sides, N] the level of each side's belts that stand on `turn` (dated ones from theirs).
    Kept by scenario and turn, read-only: every move checked or searched asks for it."""
    assert scenario.fortification is not None
    out: Levels = scenario.fortification
    for ready, layer in scenario.fortification_dated:
        if ready <= turn:
            out = np.maximum(out, layer)
    if out is not scenario.fortification:
        out.flags.writeable = False
    return out


@lru_cache(maxsize=64)
def _team_levels(scenario: Scenario, side: int, turn: int) -> Levels:
    """[N] the level the belts of `side`'s team (teammates' included) give each hex (kept,
    read-only)."""
    team = scenario.side_table.team
    levels: Levels = belts_at(scenario, turn)[team == team[side]].max(axis=0)
    levels.flags.writeable = False
    return levels


@lru_cache(maxsize=64)
def _enemy_belt_hexes(scenario: Scenario, side: int, turn: int) -> npt.NDArray[np.intp]:
    """The hexes with a belt of another team than `side`'s on `turn`, held or not (kept,
    read-only: every unit's move searched or checked asks, and belts are a few hexes of the
    map)."""
    team = scenario.side_table.team
    found = np.flatnonzero(belts_at(scenario, turn)[team != team[side]].max(axis=0, initial=0))
    found.flags.writeable = False
    return found


def intact(scenario: Scenario, state: GameState, side: int) -> npt.NDArray[np.bool_]:
    """[N] hexes `side`'s team holds and has held since the start (its belts stand there)."""
    held = friendly_ground(scenario, state.control, side)
    kept: npt.NDArray[np.bool_] = held & (state.control_changed == 0)
    return kept


def levels(scenario: Scenario, state: GameState, side: int) -> Levels:
    """[N] the fortification level defenders of `side` have in each hex (0 where none, and
    everywhere while the rule is off)."""
    if not switched_on(scenario):
        return np.zeros(scenario.map.size, dtype=np.uint8)
    here = _team_levels(scenario, side, int(state.turn))
    out: Levels = np.where(intact(scenario, state, side), here, 0).astype(np.uint8)
    return out


def enemy_belts(scenario: Scenario, state: GameState, side: int) -> npt.NDArray[np.bool_] | None:
    """[N] hexes where a standing belt of another team stops `side`'s moving units; None while
    the rule is off (nothing stops them)."""
    if not switched_on(scenario):
        return None
    belts = _enemy_belt_hexes(scenario, side, int(state.turn))
    held = hostile_ground(scenario, state.control[belts], side) & (state.control_changed[belts] == 0)
    standing = np.zeros(scenario.map.size, dtype=np.bool_)
    standing[belts[held]] = True
    return standing


def standing(
    scenario: Scenario,
    control: Levels,
    control_changed: npt.NDArray[np.int16],
    turn: int = 1,
) -> tuple[Levels, Levels]:
    """([N] level, [N] side) of the belt standing in each hex on `turn`, for the map: the
    highest level of a side whose team holds the hex and has held it since the start (level 0
    elsewhere, and everywhere while the rule is off)."""
    n = scenario.map.size
    level = np.zeros(n, dtype=np.uint8)
    owner = np.zeros(n, dtype=np.uint8)
    if not switched_on(scenario):
        return level, owner
    belts = belts_at(scenario, turn)
    unchanged = control_changed == 0
    for side in scenario.sides:
        held = friendly_ground(scenario, control, side) & unchanged
        here = np.where(held, belts[side], 0).astype(np.uint8)
        higher = here > level
        level[higher] = here[higher]
        owner[higher] = side
    return level, owner
