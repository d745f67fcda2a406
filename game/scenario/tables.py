"""The static tables a scenario is built into: sides and teams, units, and the scale.

Sides are numbered in the file's move order (0, 1, ...); hot arrays hold those numbers and
`NO_SIDE` (255) for unclaimed ground. Nothing in the rules knows a side by name: who is friend and
who is foe comes from the teams in `SideTable`. Rule constants are kilometres and days, turned into
hexes and turns by `Scale` once per scenario.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from game.enums import NO_SIDE

KnobValue = int | float | bool
Rgb = tuple[int, int, int]

# Colours of sides whose file gives none, by move order: muted so that map colours stay readable.
DEFAULT_COLORS: tuple[Rgb, ...] = (
    (152, 164, 176),
    (196, 92, 70),
    (120, 150, 90),
    (190, 160, 80),
    (120, 110, 170),
    (80, 150, 160),
    (170, 110, 140),
    (140, 130, 110),
)


def parse_color(text: str) -> Rgb:
    """`#rrggbb` -> (r, g, b)."""
    return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))


@dataclass(frozen=True)
class Scale:
    """How long a hex and a turn are: the one place where km and days become hexes and turns."""

    hex_km: float
    days_per_turn: int

    def hexes(self, km: float, minimum: int = 1) -> int:
        """Whole hexes nearest to `km` (halves round up), at least `minimum`."""
        return max(minimum, math.floor(km / self.hex_km + 0.5))

    def turns(self, days: float, minimum: int = 1) -> int:
        """Turns it takes for `days` to pass (rounded up), at least `minimum`."""
        return max(minimum, math.ceil(days / self.days_per_turn - 1e-9))

    def per_turn(self, days_each: float, turn: int) -> int:
        """How many times something that happens every `days_each` days happens on `turn`
        (turn 1 is the first): e.g. every 2 days is once a turn on 2-day turns, on every other
        turn on 1-day turns, twice a turn on 4-day turns."""
        before = (turn - 1) * self.days_per_turn // days_each
        return int(turn * self.days_per_turn // days_each - before)


@dataclass(frozen=True)
class SideTable:
    """The sides of a scenario in move order, their teams, names and colours.

    `friendly_ground[s, c]`: ground held by `c` (a side number or NO_SIDE) is ground of side s's
    team; `hostile_ground[s, c]`: it is held by a side of another team. Both are [sides, 256]
    lookup tables, so `table[s][control]` turns a control layer into a mask in one gather.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    short: tuple[str, ...]
    colors: tuple[Rgb, ...]
    team: npt.NDArray[np.uint8]  # [sides] team number
    team_ids: tuple[str, ...]
    team_names: tuple[str, ...]
    friendly_ground: npt.NDArray[np.bool_]  # [sides, 256]
    hostile_ground: npt.NDArray[np.bool_]  # [sides, 256]
    holder_team: npt.NDArray[np.uint8]  # [256] the team of a hex's holder (NO_SIDE: nobody)

    @classmethod
    def build(
        cls,
        ids: tuple[str, ...],
        names: tuple[str, ...],
        short: tuple[str, ...],
        colors: tuple[Rgb, ...],
        teams: tuple[str, ...],
        team_names: dict[str, str],
    ) -> SideTable:
        team_ids: list[str] = []
        for t in teams:
            if t not in team_ids:
                team_ids.append(t)
        team = np.array([team_ids.index(t) for t in teams], dtype=np.uint8)
        n = len(ids)
        friendly = np.zeros((n, 256), dtype=np.bool_)
        hostile = np.zeros((n, 256), dtype=np.bool_)
        for s in range(n):
            for c in range(n):
                friendly[s, c] = team[s] == team[c]
                hostile[s, c] = team[s] != team[c]
        holder_team = np.full(256, NO_SIDE, dtype=np.uint8)
        holder_team[:n] = team
        for table in (friendly, hostile, team, holder_team):
            table.flags.writeable = False
        default_names = {
            t: " and ".join(names[s] for s in range(n) if teams[s] == t) for t in team_ids
        }
        return cls(
            ids=ids,
            names=names,
            short=short,
            colors=colors,
            team=team,
            team_ids=tuple(team_ids),
            team_names=tuple(team_names.get(t, default_names[t]) for t in team_ids),
            friendly_ground=friendly,
            hostile_ground=hostile,
            holder_team=holder_team,
        )

    @property
    def count(self) -> int:
        return len(self.ids)

    def index(self, side_id: str) -> int:
        """The number of a side id; ValueError if the scenario has no such side."""
        return self.ids.index(side_id)

    def team_of_name(self, name: str) -> int:
        """The team a file means by `name`: a team id, or a side id standing for its team;
        ValueError if it is neither."""
        if name in self.team_ids:
            return self.team_ids.index(name)
        return int(self.team[self.ids.index(name)])

    def allied(self, a: int, b: int) -> bool:
        """Sides on one team (a side is its own ally); NO_SIDE is nobody's ally."""
        if a == NO_SIDE or b == NO_SIDE:
            return False
        return bool(self.team[a] == self.team[b])

    def members(self, team: int) -> tuple[int, ...]:
        return tuple(s for s in range(self.count) if int(self.team[s]) == team)

    def label(self, side: int) -> str:
        """What a player calls a side in one word or two ("Soviet"); "Nobody" for NO_SIDE."""
        return "Nobody" if side == NO_SIDE else self.short[side]

    def team_label(self, team: int) -> str:
        """A team's name; for a team of one side, that side's short name."""
        if team == NO_SIDE:
            return "Nobody"
        members = self.members(team)
        if len(members) == 1:
            return self.short[members[0]]
        return self.team_names[team]


@dataclass(frozen=True)
class UnitTable:
    """Every unit of the scenario, reinforcements included; one array per attribute."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    labels: tuple[str, ...]
    formations: tuple[str, ...]  # distinct formation names; `formation` indexes into it
    formation: npt.NDArray[np.int16]
    side: npt.NDArray[np.uint8]  # side number (move order)
    kind: npt.NDArray[np.uint8]
    size: npt.NDArray[np.uint8]
    max_steps: npt.NDArray[np.int8]
    attack: npt.NDArray[np.int16]
    defence: npt.NDArray[np.int16]
    movement: npt.NDArray[np.int8]  # movement points as the file gives them (for display)
    allowance: npt.NDArray[np.int16]  # movement cost units a turn at this scenario's scale
    men: npt.NDArray[np.int32]
    tanks: npt.NDArray[np.int32]
    start_hex: npt.NDArray[np.int32]  # where it starts, or enters as a reinforcement
    arrive_turn: npt.NDArray[np.int16]  # 1 = on the map at the start
    withdraw_turn: npt.NDArray[np.int16]  # 0 = never withdrawn

    @property
    def count(self) -> int:
        return len(self.ids)

    def index(self, unit_id: str) -> int:
        return self.ids.index(unit_id)



@dataclass(frozen=True)
class Calendar:
    """Turns and their dates: turn 1 is the start date, each turn `days_per_turn` days long."""

    start: dt.date
    days_per_turn: int
    turns: int

    def date_of_turn(self, turn: int) -> dt.date:
        return self.start + dt.timedelta(days=(turn - 1) * self.days_per_turn)

    def turn_of_date(self, date: dt.date) -> int:
        """The first turn whose date is on or after `date` (1 for dates up to the start)."""
        days = (date - self.start).days
        return 1 if days <= 0 else 1 + -(-days // self.days_per_turn)

    @property
    def last_day(self) -> dt.date:
        """The last day the scenario covers (the day before a turn after the last would start)."""
        return self.start + dt.timedelta(days=self.turns * self.days_per_turn - 1)


@dataclass(frozen=True, eq=False)
class WeatherZones:
    """Weather by region: each hex's zone (0: the map-wide weather, r + 1: region r) and each
    region's weather per turn ([turns + 1, regions], index 0 unused like `Scenario.weather`).
    A region follows the map-wide weather until a period of its own starts."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    zone: npt.NDArray[np.uint8]  # [N]
    weather: npt.NDArray[np.uint8]  # [turns + 1, regions]
