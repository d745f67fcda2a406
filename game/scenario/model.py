"""The static scenario: everything fixed for a game, as tables, built from a checked file.

`load_scenario` reads a scenario file and its map and builds them (`game.scenario.build`);
`Scenario.with_knobs` rebuilds it with counterfactual knob values, so a variant is just another
static scenario.

A scenario file changes as it is calibrated, and a save or an experiment names the version it was
played on by the file's hash. So that they outlive a change, earlier versions are kept verbatim in
`earlier/` beside the file, as `<id>-<first 12 hex digits of their hash>.toml`, and
`load_version` finds the one a hash names (its own hash, or one in its `same_game_as`). A kept
version reads its map from the scenario folder's `maps/`, like the current file. So before a
change to a scenario file that alters its games, copy the file as it is into `earlier/` under
that name; a change of words only goes into the new file's `same_game_as` instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from game.geo import HexMap
from game.scenario.build import Built, build
from game.scenario.errors import FileProblemError, PathPart, Problem
from game.scenario.loader import (
    Reporter,
    check_model,
    check_shapes_fit,
    file_hash,
    load_map,
    read_toml,
)
from game.scenario.schema import HoldOrder, RulesSpec, ScenarioFile
from game.scenario.tables import Calendar, KnobValue, Scale, SideTable, UnitTable, WeatherZones

__all__ = [
    "RULES_VERSION",
    "KnobValue",
    "Scenario",
    "UnitTable",
    "coerce_knob",
    "load_scenario",
    "load_version",
]

EARLIER = "earlier"  # the folder beside a scenario file that keeps its earlier versions

# The rules version this program plays (saves record it). 3 added the file's switchable rules
# (`[rules]`: bypassed ground, rail repair); a game made under 2 replays with them off.
RULES_VERSION = 3


@dataclass(frozen=True, eq=False)
class Scenario:
    """A scenario's static data. Sides are numbers in move order (`sides` is `range(n)` as a
    tuple); `side_table` has their ids, names, colours and teams."""

    path: Path
    source_hash: str
    spec: ScenarioFile
    map: HexMap
    side_table: SideTable
    scale: Scale
    calendar: Calendar
    units: UnitTable
    control: npt.NDArray[np.uint8]  # initial holder of each hex (side number or NO_SIDE)
    weather: npt.NDArray[np.uint8]  # Weather per turn, index 1..turns (index 0 unused)
    vp: npt.NDArray[np.int16]  # victory points per hex
    supply_reach: dict[int, int]  # hexes, per side, knobs applied
    holds: dict[int, tuple[HoldOrder, ...]]
    knobs: dict[str, KnobValue] = field(default_factory=dict)
    # weather by region (None: `weather` holds everywhere); read it through `rules.weather`
    weather_zones: WeatherZones | None = None
    # the rules version games of this scenario are played under (`under_rules`)
    rules_version: int = RULES_VERSION
    # [sides, N] level of each side's fortified belts standing from the start, and the dated
    # belts' layers by the turn they stand from; read them through `rules.fortification`
    fortification: npt.NDArray[np.uint8] | None = None
    fortification_dated: tuple[tuple[int, npt.NDArray[np.uint8]], ...] = ()

    @classmethod
    def from_built(
        cls,
        path: Path,
        source_hash: str,
        spec: ScenarioFile,
        grid: HexMap,
        built: Built,
        knobs: Mapping[str, KnobValue],
    ) -> Scenario:
        return cls(
            path=path,
            source_hash=source_hash,
            spec=spec,
            map=grid,
            side_table=built.sides,
            scale=built.scale,
            calendar=built.calendar,
            units=built.units,
            control=built.control,
            weather=built.weather,
            vp=built.vp,
            supply_reach=built.supply_reach,
            holds=built.holds,
            knobs=dict(knobs),
            weather_zones=built.weather_zones,
            fortification=built.fortification,
            fortification_dated=built.fortification_dated,
        )

    @property
    def id(self) -> str:
        return self.spec.scenario.id

    @property
    def title(self) -> str:
        return self.spec.scenario.title

    @property
    def turns(self) -> int:
        return self.spec.scenario.turns

    @property
    def rules(self) -> RulesSpec:
        """The file's switchable rules, as far as the rules version the game is played under
        knows them (all off before version 3)."""
        return self.spec.rules if self.rules_version >= 3 else _NO_RULES

    def under_rules(self, version: int) -> Scenario:
        """The same scenario played under an older rules version (to replay an old save)."""
        return self if version == self.rules_version else replace(self, rules_version=version)

    @cached_property
    def sides(self) -> tuple[int, ...]:
        """Side numbers in move order."""
        return tuple(range(self.side_table.count))

    @cached_property
    def unit_hostile(self) -> npt.NDArray[np.bool_]:
        """[sides, units]: the unit belongs to a side of another team."""
        team = self.side_table.team
        hostile: npt.NDArray[np.bool_] = team[:, None] != team[self.units.side][None, :]
        hostile.flags.writeable = False
        return hostile

    @cached_property
    def unit_own(self) -> npt.NDArray[np.bool_]:
        """[sides, units]: the unit belongs to the side itself."""
        own: npt.NDArray[np.bool_] = np.arange(self.side_table.count)[:, None] == self.units.side
        own.flags.writeable = False
        return own

    @cached_property
    def unit_friendly(self) -> npt.NDArray[np.bool_]:
        """[sides, units]: the unit belongs to the side or one of its teammates."""
        friendly: npt.NDArray[np.bool_] = ~self.unit_hostile
        friendly.flags.writeable = False
        return friendly

    def side_id(self, side: int) -> str:
        """The file's id of a side number ("none" for NO_SIDE): for columns and saves."""
        return self.side_table.ids[side] if 0 <= side < self.side_table.count else "none"

    def team_id(self, team: int) -> str:
        """The file's id of a team number ("draw" for none: who won when nobody did)."""
        return self.side_table.team_ids[team] if 0 <= team < len(self.side_table.team_ids) else "draw"

    def date_of_turn(self, turn: int) -> dt.date:
        return self.calendar.date_of_turn(turn)

    def turn_of_date(self, date: dt.date) -> int:
        """The first turn whose date is on or after `date` (1 for dates up to the start)."""
        return self.calendar.turn_of_date(date)

    def default_knobs(self) -> dict[str, KnobValue]:
        return {name: k.default for name, k in self.spec.knobs.items()}

    def with_knobs(self, values: Mapping[str, KnobValue]) -> Scenario:
        """The same scenario with some knobs set; unknown names or values out of range raise."""
        problems = []
        merged = dict(self.knobs)
        for name, value in values.items():
            knob = self.spec.knobs.get(name)
            if knob is None:
                problems.append(Problem(str(self.path), None, ("knobs", name), "unknown knob"))
                continue
            checked = coerce_knob(knob.type, value)
            if checked is None or (
                knob.type != "bool"
                and knob.min is not None
                and knob.max is not None
                and not knob.min <= float(checked) <= knob.max
            ):
                problems.append(
                    Problem(
                        str(self.path),
                        None,
                        ("knobs", name),
                        f"value {value!r} is not a {knob.type} in {knob.min}..{knob.max}",
                    )
                )
                continue
            merged[name] = checked
        if problems:
            raise FileProblemError(problems)
        reporter = Reporter(self.path, "")
        built = build(self.spec, self.map, merged, reporter)
        reporter.raise_if_any()
        assert built is not None
        rebuilt = Scenario.from_built(self.path, self.source_hash, self.spec, self.map, built, merged)
        return rebuilt.under_rules(self.rules_version)


_NO_RULES = RulesSpec()


def coerce_knob(kind: str, value: Any) -> KnobValue | None:
    """Parse a knob value given on the command line or in a save; None if it does not fit."""
    if isinstance(value, str):
        text = value.strip().lower()
        if kind == "bool":
            return {
                "true": True,
                "1": True,
                "yes": True,
                "false": False,
                "0": False,
                "no": False,
            }.get(text)
        try:
            return int(text) if kind == "int" else float(text)
        except ValueError:
            return None
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if isinstance(value, bool):
        return None
    if kind == "int":
        return value if isinstance(value, int) else None
    return float(value) if isinstance(value, int | float) else None


def load_scenario(path: Path, knobs: Mapping[str, KnobValue] | None = None) -> Scenario:
    data, reporter = read_toml(path)
    spec = check_model(ScenarioFile, data, reporter)
    reporter.raise_if_any()
    assert spec is not None
    folder = path.parent.parent if path.parent.name == EARLIER else path.parent
    map_path = folder / "maps" / f"{spec.scenario.map}.toml"
    if not map_path.exists():
        reporter.add(("scenario", "map"), f"map file {map_path} not found")
        reporter.raise_if_any()
    grid = load_map(map_path.resolve())
    shapes: dict[tuple[PathPart, ...], int] = {
        ("control", "zone", i, "polygon"): len(z.polygon) for i, z in enumerate(spec.control.zone)
    }
    shapes.update(
        {("weather_region", i, "polygon"): len(w.polygon) for i, w in enumerate(spec.weather_region)}
    )
    if not check_shapes_fit(shapes, grid.size, reporter):
        reporter.raise_if_any()
    values = {name: k.default for name, k in spec.knobs.items()}
    built = build(spec, grid, values, reporter)
    reporter.raise_if_any()
    assert built is not None
    scenario = Scenario.from_built(path, file_hash(path), spec, grid, built, values)
    return scenario.with_knobs(knobs) if knobs else scenario


def earlier_versions(path: Path) -> list[Path]:
    """The kept earlier versions of the scenario file at `path`, oldest name first."""
    return sorted((path.parent / EARLIER).glob(f"{path.stem}-*.toml"))


def load_version(path: Path, sha256: str, current: Scenario | None = None) -> Scenario | None:
    """The scenario at `path` as it was when its file hashed to `sha256`: the file itself or a
    kept earlier version, whichever plays that version's game (its own hash, or one it lists in
    `same_game_as`); None when neither does. The current file is preferred, so a save made with a
    version that only changed words keeps playing on today's file (`current`: it, loaded)."""
    current = current or load_scenario(path)
    if sha256 in {current.source_hash, *current.spec.scenario.same_game_as}:
        return current
    kept = earlier_versions(path)
    named = [p for p in kept if p.stem.endswith(f"-{sha256[:12]}")]
    for old in named + [p for p in kept if p not in named]:
        scenario = load_scenario(old)
        if scenario.id == current.id and sha256 in {
            scenario.source_hash,
            *scenario.spec.scenario.same_game_as,
        }:
            return scenario
    return None
