"""Cross-checking a schema-valid scenario file against its map and turning it into tables.

One function per concern (sides, knob effects, units, starting control, weather, victory, plans);
each reports its problems with the field path and goes on, so a broken file lists every problem
at once. `build` returns None when anything was reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from game.enums import NO_SIDE, UnitKind, UnitSize, Weather, parse_enum
from game.geo import HexMap, points_in_polygon
from game.scenario.errors import PathPart
from game.scenario.fortification import DatedLayers, belt_levels
from game.scenario.loader import Reporter, resolve_points, weather_regions
from game.scenario.measures import check_measures
from game.scenario.schema import HoldOrder, ScenarioFile, UnitSpec, WeatherPeriod
from game.scenario.tables import (
    DEFAULT_COLORS,
    Calendar,
    KnobValue,
    Scale,
    SideTable,
    UnitTable,
    WeatherZones,
    parse_color,
)

STATS = ("kind", "size", "steps", "attack", "defence", "movement", "men", "tanks")
RESERVED_NAMES = frozenset({"draw", "none", "nobody"})  # mean "no side" in files and columns
Where = tuple[PathPart, ...]
Places = dict[str, tuple[float, float]]


@dataclass(frozen=True)
class Built:
    """Everything `build` makes; `Scenario` adds the file it came from."""

    sides: SideTable
    scale: Scale
    calendar: Calendar
    units: UnitTable
    control: npt.NDArray[np.uint8]
    weather: npt.NDArray[np.uint8]
    vp: npt.NDArray[np.int16]
    supply_reach: dict[int, int]
    holds: dict[int, tuple[HoldOrder, ...]]
    weather_zones: WeatherZones | None = None  # None: one weather for the whole map
    # [sides, N] level of each side's fortified belts (`game.scenario.fortification`)
    fortification: npt.NDArray[np.uint8] | None = None
    # dated belts: (first turn they stand, [sides, N] levels), by turn
    fortification_dated: DatedLayers = ()


@dataclass
class KnobEffects:
    """What the knob values change in the data, gathered before the data is built."""

    weather_shift_days: int = 0
    unit_delay_days: dict[str, int] = field(default_factory=dict)
    formation_delay_days: dict[str, int] = field(default_factory=dict)
    strength: list[tuple[float, set[str], set[str], str | None]] = field(default_factory=list)
    reach_percent: dict[str, float] = field(default_factory=dict)
    unit_withdraw_delay: dict[str, int] = field(default_factory=dict)
    formation_withdraw_delay: dict[str, int] = field(default_factory=dict)
    # schedule_delay_days: only units with a date of their own move
    unit_schedule_delay: dict[str, int] = field(default_factory=dict)
    formation_schedule_delay: dict[str, int] = field(default_factory=dict)
    hold_switch: dict[tuple[str, str], bool] = field(default_factory=dict)
    # levels added to fortified belts, per side id (None: every side's)
    fortification_change: dict[str | None, int] = field(default_factory=dict)
    # days the dated fortified belts' dates move, per side id (None: every side's)
    fortification_date_shift: dict[str | None, int] = field(default_factory=dict)


class Checker:
    """The reporter and the names a file may refer to."""

    def __init__(self, spec: ScenarioFile, grid: HexMap, reporter: Reporter) -> None:
        self.spec = spec
        self.grid = grid
        self.reporter = reporter
        self.places: Places = {c.id: (c.lat, c.lon) for c in grid.cities}
        self.side_ids = tuple(spec.scenario.sides)
        self.team_ids = {s.team or name for name, s in spec.sides.items()} | set(spec.teams)
        self.unit_ids = {u.id for u in spec.units}
        self.formations = {u.formation for u in spec.units}

    def add(self, where: Sequence[PathPart], message: str) -> None:
        self.reporter.add(where, message)

    def place(self, value: str, where: Where) -> bool:
        if value not in self.places:
            self.add(where, f"unknown place {value!r}")
            return False
        return True

    def side(self, value: str, where: Where, team_ok: bool = False) -> bool:
        if value in self.side_ids or (team_ok and value in self.team_ids):
            return True
        what = "a side or team" if team_ok else "a side"
        self.add(where, f"{value!r} is not {what} of this scenario")
        return False

    def formation(self, value: str, where: Where) -> None:
        if value not in self.formations:
            self.add(where, f"unknown formation {value!r}")


def build(
    spec: ScenarioFile, grid: HexMap, knobs: dict[str, KnobValue], reporter: Reporter
) -> Built | None:
    """Cross-check a schema-valid scenario against its map and turn it into tables."""
    head = spec.scenario
    check = Checker(spec, grid, reporter)
    calendar = Calendar(head.start, head.days_per_turn, head.turns)
    scale = Scale(grid.hex_km, head.days_per_turn)
    sides = side_table(spec, check)
    effects = knob_effects(spec, knobs, check)
    rows = unit_rows(spec, calendar, effects, check)
    control = starting_control(spec, rows, check)
    weather = weather_by_turn(spec, calendar, effects.weather_shift_days, check)
    zones = weather_zones(spec, calendar, weather, effects.weather_shift_days, check)
    check_supply_sources(spec, check)
    check_pockets(spec, check)
    vp = victory_points(spec, check)
    holds = plan_holds(spec, effects.hold_switch, check)
    check_measures(spec.measures, check)
    belts, dated_belts = belt_levels(
        spec,
        grid,
        check.places,
        effects.fortification_change,
        reporter,
        calendar,
        effects.fortification_date_shift,
    )
    if spec.historical is not None:
        for city_id in spec.historical.cities:
            check.place(city_id, ("historical", "cities", city_id))
        for name in list(spec.historical.men_lost) + list(spec.historical.tanks_lost):
            check.side(name, ("historical", "men_lost", name))
    if reporter.problems or sides is None:
        return None
    movement_factor = 1.0
    if head.movement_scale is not None:
        movement_factor = (head.days_per_turn / head.movement_scale.days_per_turn) * (
            head.movement_scale.hex_km / grid.hex_km
        )
    reach = {
        s: scale.hexes(
            spec.sides[name].supply_reach_km * effects.reach_percent.get(name, 100.0) / 100.0
        )
        for s, name in enumerate(sides.ids)
    }
    return Built(
        sides=sides,
        scale=scale,
        calendar=calendar,
        units=unit_table(rows, sides, movement_factor),
        control=control,
        weather=weather,
        vp=vp,
        supply_reach=reach,
        holds={sides.index(name): orders for name, orders in holds.items()},
        weather_zones=zones,
        fortification=belts,
        fortification_dated=dated_belts,
    )


# --- sides ---------------------------------------------------------------------------------------


def side_table(spec: ScenarioFile, check: Checker) -> SideTable | None:
    head = spec.scenario
    ok = True
    for name in head.sides:
        if name in RESERVED_NAMES:
            check.add(("scenario", "sides"), f"{name!r} cannot name a side")
            ok = False
        if name not in spec.sides:
            check.add(("sides",), f"side {name!r} is in scenario.sides but has no [sides.{name}] table")
            ok = False
    for name in spec.sides:
        if name not in head.sides:
            check.add(("sides", name), f"side {name!r} is not one of scenario.sides")
            ok = False
    teams = {name: (spec.sides[name].team or name) for name in head.sides if name in spec.sides}
    for name, team in teams.items():
        if team in RESERVED_NAMES:
            check.add(("sides", name, "team"), f"{team!r} cannot name a team")
            ok = False
        if team in teams and teams[team] != team:
            check.add(("sides", name, "team"), f"team {team!r} has the name of side {team!r}, which is on another team")
            ok = False
    for team in spec.teams:
        if team not in teams.values():
            check.add(("teams", team), f"no side is on team {team!r}")
            ok = False
    if len(set(teams.values())) < 2 and len(teams) == len(head.sides):
        check.add(("scenario", "sides"), "every side is on one team: nobody to fight")
        ok = False
    if not ok:
        return None
    ids = tuple(head.sides)
    return SideTable.build(
        ids=ids,
        names=tuple(spec.sides[s].name for s in ids),
        short=tuple(spec.sides[s].short or s.replace("_", " ").capitalize() for s in ids),
        colors=tuple(_color(spec.sides[s].color, i) for i, s in enumerate(ids)),
        teams=tuple(teams[s] for s in ids),
        team_names={t: spec.teams[t].name for t in spec.teams},
    )


def _color(given: str | None, index: int) -> tuple[int, int, int]:
    return parse_color(given) if given else DEFAULT_COLORS[index % len(DEFAULT_COLORS)]


# --- knobs ---------------------------------------------------------------------------------------


def knob_effects(spec: ScenarioFile, values: dict[str, KnobValue], check: Checker) -> KnobEffects:
    """Check what each knob refers to and gather what the chosen values change."""
    effects = KnobEffects()
    for name, knob in spec.knobs.items():
        where: Where = ("knobs", name)
        for uid in knob.units:
            if uid not in check.unit_ids:
                check.add((*where, "units"), f"unknown unit {uid!r}")
        for f in knob.formations:
            check.formation(f, (*where, "formations"))
        if knob.city is not None:
            check.place(knob.city, (*where, "city"))
        if knob.side is not None:
            check.side(knob.side, (*where, "side"))
        value = values.get(name, knob.default)
        if knob.effect == "weather_shift_days":
            effects.weather_shift_days += int(value)
        elif knob.effect == "arrival_delay_days":
            if not knob.units and not knob.formations:
                check.add(where, "an arrival_delay_days knob needs units or formations")
            for uid in knob.units:
                effects.unit_delay_days[uid] = effects.unit_delay_days.get(uid, 0) + int(value)
            for f in knob.formations:
                delays = effects.formation_delay_days
                delays[f] = delays.get(f, 0) + int(value)
        elif knob.effect == "strength_percent":
            if not (knob.units or knob.formations or knob.side):
                check.add(where, "a strength_percent knob needs units, formations or side")
            effects.strength.append(
                (float(value), set(knob.units), set(knob.formations), knob.side)
            )
        elif knob.effect == "supply_reach_percent":
            if knob.side is None:
                check.add(where, "a supply_reach_percent knob needs side")
            else:
                before = effects.reach_percent.get(knob.side, 100.0)
                effects.reach_percent[knob.side] = before * float(value) / 100.0
        elif knob.effect == "hold_order":
            if knob.side is None or knob.city is None:
                check.add(where, "a hold_order knob needs side and city")
            else:
                effects.hold_switch[(knob.side, knob.city)] = bool(value)
        elif knob.effect in ("withdrawal_delay_days", "schedule_delay_days"):
            if not knob.units and not knob.formations:
                check.add(where, f"a {knob.effect} knob needs units or formations")
            withdrawal = knob.effect == "withdrawal_delay_days"
            by_unit = effects.unit_withdraw_delay if withdrawal else effects.unit_schedule_delay
            by_formation = (
                effects.formation_withdraw_delay if withdrawal else effects.formation_schedule_delay
            )
            for uid in knob.units:
                by_unit[uid] = by_unit.get(uid, 0) + int(value)
            for f in knob.formations:
                by_formation[f] = by_formation.get(f, 0) + int(value)
        elif knob.effect == "fortification_change":
            change = effects.fortification_change
            change[knob.side] = change.get(knob.side, 0) + int(value)
        elif knob.effect == "fortification_date_shift_days":
            if not any(
                b.from_date is not None and knob.side in (None, b.side) for b in spec.fortified_belt
            ):
                who = "" if knob.side is None else f" of side {knob.side!r}"
                check.add(where, f"no [[fortified_belt]]{who} has a date (from) for it to move")
            shift = effects.fortification_date_shift
            shift[knob.side] = shift.get(knob.side, 0) + int(value)
        else:
            _check_game_time_knob(spec, name, check)
    return effects


def _check_game_time_knob(spec: ScenarioFile, name: str, check: Checker) -> None:
    """Knobs read as the game is played (`game.scenario.knob_effects`): what they name exists."""
    knob = spec.knobs[name]
    where: Where = ("knobs", name)
    side = spec.sides.get(knob.side) if knob.side is not None else None
    if knob.side is None or side is None:
        check.add(where, f"a {knob.effect} knob needs a side of this scenario")
        return
    if knob.effect in ("phase_shift_days", "phase_start_day"):
        plan = spec.plans.get(knob.side)
        if knob.phase is None:
            check.add(where, f"a {knob.effect} knob needs phase")
        elif plan is None or all(p.id != knob.phase for p in plan.phases):
            check.add((*where, "phase"), f"side {knob.side!r} has no plan phase {knob.phase!r}")
    elif knob.effect == "breakout_day" and side.breakout is None:
        check.add((*where, "side"), f"side {knob.side!r} has no breakout")
    elif knob.effect == "air_supply_tons" and side.air_supply is None:
        check.add((*where, "side"), f"side {knob.side!r} has no air_supply")


# --- units ---------------------------------------------------------------------------------------


def unit_rows(
    spec: ScenarioFile, calendar: Calendar, effects: KnobEffects, check: Checker
) -> list[dict[str, Any]]:
    """Each unit's stats (templates, knobs applied), hex and turns on and off the map."""
    rows: list[dict[str, Any]] = []
    first_at: dict[str, int] = {}
    formations: list[str] = []
    for i, unit in enumerate(spec.units):
        where: Where = ("units", i)
        if unit.id in first_at:
            check.add((*where, "id"), f"duplicate unit id {unit.id!r} (first at units.{first_at[unit.id]})")
        first_at.setdefault(unit.id, i)
        check.side(unit.side, (*where, "side"))
        stats = _unit_stats(unit, spec, where, check)
        hex_index = _unit_hex(unit, check, where)
        arrive_turn, withdraw_turn = _unit_dates(unit, calendar, effects, where, check)
        if stats is None or hex_index is None:
            continue
        if check.grid.water[hex_index]:
            place = tuple(check.grid.hex_of(hex_index))
            check.add(where, f"unit {unit.id!r} is placed on water at hex {place}")
        for percent, unit_set, forms, strength_side in effects.strength:
            if unit.id in unit_set or unit.formation in forms or unit.side == strength_side:
                stats["attack"] = min(99, round(stats["attack"] * percent / 100.0))
                stats["defence"] = min(99, round(stats["defence"] * percent / 100.0))
        if unit.formation not in formations:
            formations.append(unit.formation)
        rows.append(
            {
                **stats,
                "unit": unit,
                "hex": hex_index,
                "arrive_turn": arrive_turn,
                "withdraw_turn": withdraw_turn,
                "formation": formations.index(unit.formation),
                "formations": formations,
            }
        )
    return rows


def _unit_dates(
    unit: UnitSpec, calendar: Calendar, effects: KnobEffects, where: Where, check: Checker
) -> tuple[int, int]:
    arrive = unit.arrive
    delay = effects.unit_delay_days.get(unit.id, 0) + effects.formation_delay_days.get(
        unit.formation, 0
    )
    if delay:
        arrive = (arrive or calendar.start) + dt.timedelta(days=delay)
    scheduled = effects.unit_schedule_delay.get(unit.id, 0) + effects.formation_schedule_delay.get(
        unit.formation, 0
    )
    if arrive is not None and unit.arrive is not None and scheduled:
        arrive += dt.timedelta(days=scheduled)
    if unit.arrive is not None and unit.arrive > calendar.last_day:
        check.add(
            (*where, "arrive"),
            f"arrives on {unit.arrive}, after the scenario ends on {calendar.last_day}",
        )
    if unit.withdraw is not None and unit.withdraw <= (unit.arrive or calendar.start):
        check.add((*where, "withdraw"), "withdraw date must come after the unit is on the map")
    withdraw = unit.withdraw
    later = (
        effects.unit_withdraw_delay.get(unit.id, 0)
        + effects.formation_withdraw_delay.get(unit.formation, 0)
        + scheduled
    )
    if withdraw is not None and later:
        withdraw += dt.timedelta(days=later)
        if withdraw > calendar.last_day:
            withdraw = None  # held back past the end: it stays
    arrive_turn = calendar.turn_of_date(arrive) if arrive is not None else 1
    withdraw_turn = calendar.turn_of_date(withdraw) if withdraw is not None else 0
    # after the last turn is never in this game (and a date centuries on would not fit int16)
    return min(arrive_turn, calendar.turns + 1), min(withdraw_turn, calendar.turns + 1)


def _unit_stats(
    unit: UnitSpec, spec: ScenarioFile, where: Where, check: Checker
) -> dict[str, Any] | None:
    """Template values overridden by the unit's own; reports what is still missing."""
    stats: dict[str, Any] = {}
    if unit.template is not None:
        template = spec.templates.get(unit.template)
        if template is None:
            check.add((*where, "template"), f"unknown template {unit.template!r}")
            return None
        stats = template.model_dump()
    for name in STATS:
        value = getattr(unit, name)
        if value is not None:
            stats[name] = value
    stats.setdefault("tanks", 0)
    missing = [name for name in STATS if name not in stats]
    if missing:
        check.add(where, f"no template and no {', '.join(missing)} given")
        return None
    return stats


def _unit_hex(unit: UnitSpec, check: Checker, where: Where) -> int | None:
    grid = check.grid
    if unit.at is not None:
        if not check.place(unit.at, (*where, "at")):
            return None
        return grid.hex_of_point(unit.at)
    if unit.hex is not None:
        flat = int(grid.index(unit.hex[0], unit.hex[1]))
        if flat < 0:
            check.add((*where, "hex"), f"hex {tuple(unit.hex)} is off the map")
            return None
        return flat
    assert unit.lat is not None and unit.lon is not None
    h = int(grid.hex_of_latlon(unit.lat, unit.lon))
    if h < 0:
        check.add((*where, "lat"), f"position ({unit.lat}, {unit.lon}) is off the map")
        return None
    return h


def unit_table(rows: list[dict[str, Any]], sides: SideTable, movement_factor: float) -> UnitTable:
    """The unit rows as arrays; movement points become cost units at this scenario's scale."""
    formations = tuple(rows[-1]["formations"]) if rows else ()

    def column(name: str, dtype: type[np.generic]) -> npt.NDArray[Any]:
        return np.array([r[name] for r in rows], dtype=dtype)

    movement = column("movement", np.int8)
    # 2 cost units per movement point (see rules.movement); halves round up
    allowance = np.floor(2 * movement.astype(np.float64) * movement_factor + 0.5)
    return UnitTable(
        ids=tuple(r["unit"].id for r in rows),
        names=tuple(r["unit"].name for r in rows),
        labels=tuple(r["unit"].short or r["unit"].name[:12] for r in rows),
        formations=formations,
        formation=column("formation", np.int16),
        side=np.array([sides.index(r["unit"].side) for r in rows], dtype=np.uint8),
        kind=np.array([parse_enum(UnitKind, r["kind"]) for r in rows], dtype=np.uint8),
        size=np.array([parse_enum(UnitSize, r["size"]) for r in rows], dtype=np.uint8),
        max_steps=column("steps", np.int8),
        attack=column("attack", np.int16),
        defence=column("defence", np.int16),
        movement=movement,
        allowance=np.maximum(allowance, 1).astype(np.int16),
        men=column("men", np.int32),
        tanks=column("tanks", np.int32),
        start_hex=column("hex", np.int32),
        arrive_turn=column("arrive_turn", np.int16),
        withdraw_turn=column("withdraw_turn", np.int16),
    )


# --- the ground at the start ---------------------------------------------------------------------


def starting_control(
    spec: ScenarioFile, rows: list[dict[str, Any]], check: Checker
) -> npt.NDArray[np.uint8]:
    """Who holds each hex at the start: the default, zones in order, then every starting unit's
    own hex; checks that no hex starts with opposing or too many units."""
    grid = check.grid
    ids = check.side_ids

    def number(name: str) -> int:
        return ids.index(name) if name in ids else NO_SIDE

    check.side(spec.control.default, ("control", "default"))
    control = np.full(grid.size, number(spec.control.default), dtype=np.uint8)
    for z, zone in enumerate(spec.control.zone):
        check.side(zone.side, ("control", "zone", z, "side"))
        pts = resolve_points(zone.polygon, check.places, ("control", "zone", z, "polygon"), check.reporter)
        if pts:
            hx, hy = grid.layout.hex_to_pixel_array(grid.q, grid.r)
            px, py = grid.projection.project(*pts)
            control[points_in_polygon(hx, hy, px, py)] = number(zone.side)
    control[grid.water] = NO_SIDE
    occupants: dict[int, list[int]] = {}
    for k, row in enumerate(rows):
        if row["arrive_turn"] == 1:
            occupants.setdefault(row["hex"], []).append(k)
    limit = spec.scenario.stacking_limit
    for h, members in occupants.items():
        units = [rows[k]["unit"] for k in members]
        hex_label = tuple(grid.hex_of(h))
        if len({u.side for u in units}) > 1:
            names = ", ".join(repr(u.id) for u in units)
            check.add(("units", spec.units.index(units[0])), f"units of opposing sides share hex {hex_label}: {names}")
        elif len(members) > limit:
            check.add(
                ("units", spec.units.index(units[limit])),
                f"hex {hex_label} holds {len(members)} units, more than the stacking limit of {limit}",
            )
        else:
            control[h] = number(units[0].side)
    return control


def weather_by_turn(
    spec: ScenarioFile, calendar: Calendar, shift_days: int, check: Checker
) -> npt.NDArray[np.uint8]:
    """The map-wide weather of each turn (index 1..turns; 0 unused): the periods that name no
    region, moved by `shift_days`."""
    _check_weather_order(spec, check)
    mapwide = [(w, p) for w, p in enumerate(spec.weather) if p.region is None]
    if not mapwide:
        check.add(("weather",), "no map-wide weather: give at least one period without a region")
        return np.zeros(calendar.turns + 1, dtype=np.uint8)
    first, period = mapwide[0]
    if period.start > calendar.start:
        check.add(
            ("weather", first, "start"),
            f"the first weather period starts after the scenario start {calendar.start}",
        )
    return _weather_of_periods([p for _, p in mapwide], calendar, shift_days, None)


def _check_weather_order(spec: ScenarioFile, check: Checker) -> None:
    """Each region's periods (and the map-wide ones) in date order."""
    last: dict[str | None, dt.date] = {}
    for w, period in enumerate(spec.weather):
        before = last.get(period.region)
        if before is not None and period.start <= before:
            check.add(("weather", w, "start"), "weather periods must be in date order")
        last[period.region] = period.start


def _weather_of_periods(
    periods: Sequence[WeatherPeriod],
    calendar: Calendar,
    shift_days: int,
    before: npt.NDArray[np.uint8] | None,
) -> npt.NDArray[np.uint8]:
    """Per turn, the state of the last period started (moved by `shift_days`); before the first
    one, `before`'s weather of that turn (None: the first period's state)."""
    weather = np.zeros(calendar.turns + 1, dtype=np.uint8)
    shift = dt.timedelta(days=shift_days)
    for turn in range(1, calendar.turns + 1):
        date = calendar.date_of_turn(turn)
        state = None
        for period in periods:
            if period.start + shift <= date:
                state = period.state
        if state is not None:
            weather[turn] = parse_enum(Weather, state)
        elif before is not None:
            weather[turn] = before[turn]
        else:
            weather[turn] = parse_enum(Weather, periods[0].state)
    return weather


def weather_zones(
    spec: ScenarioFile,
    calendar: Calendar,
    mapwide: npt.NDArray[np.uint8],
    shift_days: int,
    check: Checker,
) -> WeatherZones | None:
    """Weather regions of the map and the scenario file, each hex in the last region listed
    that holds it; None when there are none (one weather for the whole map)."""
    grid = check.grid
    regions = list(grid.weather_regions)
    for region in weather_regions(grid, spec.weather_region, check.places, (), check.reporter):
        if any(r.id == region.id for r in regions):
            i = next(k for k, r in enumerate(spec.weather_region) if r.id == region.id)
            check.add(("weather_region", i, "id"), f"weather region {region.id!r} is defined twice")
            continue
        regions.append(region)
    ids = [r.id for r in regions]
    for w, period in enumerate(spec.weather):
        if period.region is not None and period.region not in ids:
            check.add(("weather", w, "region"), f"unknown weather region {period.region!r}")
    if not regions:
        return None
    zone = np.zeros(grid.size, dtype=np.uint8)
    table = np.zeros((calendar.turns + 1, len(regions)), dtype=np.uint8)
    for k, region in enumerate(regions):
        zone[region.hexes] = k + 1
        own = [p for p in spec.weather if p.region == region.id]
        table[:, k] = _weather_of_periods(own, calendar, shift_days, mapwide) if own else mapwide
    return WeatherZones(tuple(ids), tuple(r.name for r in regions), zone, table)


def check_supply_sources(spec: ScenarioFile, check: Checker) -> None:
    """Every side's `supply_sources` is a place or a point on the map's land."""
    grid = check.grid
    for name, side in spec.sides.items():
        for k, point in enumerate(side.supply_sources):
            where: Where = ("sides", name, "supply_sources", k)
            if isinstance(point, str) and not check.place(point, where):
                continue
            h = grid.hex_of_point(point)
            if h < 0:
                check.add(where, f"supply source {point!r} is off the map")
            elif grid.water[h]:
                check.add(where, f"supply source {point!r} is on water")


def check_pockets(spec: ScenarioFile, check: Checker) -> None:
    """Every side's `air_supply` airfields are places or points on land; its `breakout`, its
    `tank_losses` and `victory.joined` name formations of the file."""
    grid = check.grid
    for name, side in spec.sides.items():
        if side.air_supply is not None:
            air = side.air_supply
            for k, point in enumerate(air.places):
                where: Where = ("sides", name, "air_supply", "places", k)
                if isinstance(point, str) and not check.place(point, where):
                    continue
                h = grid.hex_of_point(point)
                if h < 0 or grid.water[h]:
                    check.add(where, f"airfield {point!r} is off the map or on water")
            if air.from_date and air.until and air.until < air.from_date:
                check.add(("sides", name, "air_supply", "until"), "until comes before from")
        if side.breakout is not None:
            for k, f in enumerate(side.breakout.formations):
                check.formation(f, ("sides", name, "breakout", "formations", k))
            for k, f in enumerate(side.breakout.toward):
                check.formation(f, ("sides", name, "breakout", "toward", k))
        if side.tank_losses is not None:
            for k, f in enumerate(side.tank_losses.formations):
                check.formation(f, ("sides", name, "tank_losses", "formations", k))
    for i, rule in enumerate(spec.victory.joined):
        for k, f in enumerate(rule.formations):
            check.formation(f, ("victory", "joined", i, "formations", k))
        for k, f in enumerate(rule.to):
            check.formation(f, ("victory", "joined", i, "to", k))


# --- victory and plans ---------------------------------------------------------------------------


def victory_points(spec: ScenarioFile, check: Checker) -> npt.NDArray[np.int16]:
    """Points per hex (the map's unless the scenario names its own); checks the rest of
    [victory]."""
    grid = check.grid
    victory = spec.victory
    vp = np.zeros(grid.size, dtype=np.int16)
    for city in grid.cities:
        vp[city.hex] = city.vp
    if victory.vp:
        vp[:] = 0
        for city_id, points in victory.vp.items():
            named = grid.city_by_id(city_id)
            if check.place(city_id, ("victory", "vp", city_id)) and named is not None:
                vp[named.hex] = points
    check.side(victory.scoring_side, ("victory", "scoring_side"), team_ok=True)
    for i, level in enumerate(victory.levels):
        if level.winner != "draw":
            check.side(level.winner, ("victory", "levels", i, "winner"), team_ok=True)
    for s, rule in enumerate(victory.sudden_death):
        check.side(rule.side, ("victory", "sudden_death", s, "side"), team_ok=True)
        for c, city_id in enumerate(rule.holds):
            check.place(city_id, ("victory", "sudden_death", s, "holds", c))
        if rule.from_date and rule.until and rule.until < rule.from_date:
            check.add(("victory", "sudden_death", s, "until"), "until comes before from")
    if spec.historical is not None and spec.historical.winner != "draw":
        check.side(spec.historical.winner, ("historical", "winner"), team_ok=True)
    return vp


def plan_holds(
    spec: ScenarioFile, hold_switch: dict[tuple[str, str], bool], check: Checker
) -> dict[str, tuple[HoldOrder, ...]]:
    """Check every plan; returns each side's hold orders with the hold-order knobs applied."""
    holds: dict[str, tuple[HoldOrder, ...]] = {}
    for side_name, plan in spec.plans.items():
        check.side(side_name, ("plans", side_name))
        phase_ids = {p.id for p in plan.phases}
        for p, phase in enumerate(plan.phases):
            where: Where = ("plans", side_name, "phases", p)
            if phase.start and phase.end and phase.end < phase.start:
                check.add((*where, "end"), "phase ends before it starts")
            for t, task in enumerate(phase.tasks):
                for f_i, f in enumerate(task.formations):
                    check.formation(f, (*where, "tasks", t, "formations", f_i))
                for f_i, f in enumerate(task.toward):
                    check.formation(f, (*where, "tasks", t, "toward", f_i))
                for o_i, obj in enumerate(task.objectives):
                    if isinstance(obj, str):
                        check.place(obj, (*where, "tasks", t, "objectives", o_i))
                    else:
                        _check_point(obj, (*where, "tasks", t, "objectives", o_i), check)
                resolve_points(task.axis, check.places, (*where, "tasks", t, "axis"), check.reporter)
            for g, trig in enumerate(phase.triggers):
                if trig.then not in phase_ids:
                    check.add((*where, "triggers", g, "then"), f"unknown phase {trig.then!r}")
                if trig.city is not None:
                    check.place(trig.city, (*where, "triggers", g, "city"))
        orders = []
        for h_i, hold in enumerate(plan.hold):
            if hold.city is not None:
                check.place(hold.city, ("plans", side_name, "hold", h_i, "city"))
            if hold.point is not None:
                _check_point(hold.point, ("plans", side_name, "hold", h_i, "point"), check)
            for f in hold.formations:
                check.formation(f, ("plans", side_name, "hold", h_i, "formations"))
            for k, uid in enumerate(hold.units):
                if uid not in check.unit_ids:
                    check.add(("plans", side_name, "hold", h_i, "units", k), f"unknown unit {uid!r}")
            if hold.from_date and hold.until and hold.until < hold.from_date:
                check.add(("plans", side_name, "hold", h_i, "until"), "until comes before from")
            if hold.city is None or hold_switch.get((side_name, hold.city), True):
                orders.append(hold)
        for (knob_side, city_id), on in hold_switch.items():
            if knob_side == side_name and on and all(o.city != city_id for o in orders):
                orders.append(HoldOrder(city=city_id))
        holds[side_name] = tuple(orders)
    return {name: orders for name, orders in holds.items() if name in check.side_ids}


def _check_point(point: tuple[float, float], where: Where, check: Checker) -> None:
    """A plan's [lat, lon] point (an objective, a position to hold) lies on the map's land."""
    h = int(check.grid.hex_of_latlon(point[0], point[1]))
    if h < 0:
        check.add(where, f"[{point[0]}, {point[1]}] is off the map")
    elif check.grid.water[h]:
        check.add(where, f"[{point[0]}, {point[1]}] is in water")
