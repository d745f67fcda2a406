"""The static scenario: everything fixed for a game, as arrays, built from a checked file.

`load_scenario` reads and cross-checks a scenario file against its map; `Scenario.with_knobs`
rebuilds it with counterfactual knob values, so a variant is just another static scenario.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from game.enums import Side, Terrain, UnitKind, UnitSize, Weather, parse_enum
from game.geo import HexMap
from game.scenario.errors import FileProblemError, Problem
from game.scenario.loader import (
    Reporter,
    check_model,
    file_hash,
    load_map,
    read_toml,
    resolve_points,
)
from game.scenario.schema import HoldOrder, ScenarioFile, UnitSpec

KnobValue = int | float | bool
STATS = ("kind", "size", "steps", "attack", "defence", "movement", "men", "tanks")


@dataclass(frozen=True)
class UnitTable:
    """Every unit of the scenario, reinforcements included; one array per attribute."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    labels: tuple[str, ...]
    formations: tuple[str, ...]  # distinct formation names; `formation` indexes into it
    formation: npt.NDArray[np.int16]
    side: npt.NDArray[np.uint8]
    kind: npt.NDArray[np.uint8]
    size: npt.NDArray[np.uint8]
    max_steps: npt.NDArray[np.int8]
    attack: npt.NDArray[np.int16]
    defence: npt.NDArray[np.int16]
    movement: npt.NDArray[np.int8]
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
class Scenario:
    path: Path
    source_hash: str
    spec: ScenarioFile
    map: HexMap
    units: UnitTable
    control: npt.NDArray[np.uint8]  # initial owner of each hex (Side)
    weather: npt.NDArray[np.uint8]  # Weather per turn, index 1..turns (index 0 unused)
    vp: npt.NDArray[np.int16]  # victory points per hex
    supply_reach: dict[Side, int]
    holds: dict[Side, tuple[HoldOrder, ...]]
    knobs: dict[str, KnobValue] = field(default_factory=dict)

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
    def sides(self) -> tuple[Side, ...]:
        return tuple(parse_enum(Side, s) for s in self.spec.scenario.sides)

    def date_of_turn(self, turn: int) -> dt.date:
        return self.spec.scenario.start + dt.timedelta(
            days=(turn - 1) * self.spec.scenario.days_per_turn
        )

    def turn_of_date(self, date: dt.date) -> int:
        """The first turn whose date is on or after `date` (1 for dates up to the start)."""
        days = (date - self.spec.scenario.start).days
        per = self.spec.scenario.days_per_turn
        return 1 if days <= 0 else 1 + -(-days // per)

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
        built = build(self.path, self.source_hash, self.spec, self.map, merged, reporter)
        reporter.raise_if_any()
        assert built is not None
        return built


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
    map_path = path.parent / "maps" / f"{spec.scenario.map}.toml"
    if not map_path.exists():
        reporter.add(("scenario", "map"), f"map file {map_path} not found")
        reporter.raise_if_any()
    grid = load_map(map_path.resolve())
    values = {name: k.default for name, k in spec.knobs.items()}
    scenario = build(path, file_hash(path), spec, grid, values, reporter)
    reporter.raise_if_any()
    assert scenario is not None
    return scenario.with_knobs(knobs) if knobs else scenario


# --- building and cross-checking -----------------------------------------------------------------


def build(
    path: Path,
    source_hash: str,
    spec: ScenarioFile,
    grid: HexMap,
    knobs: dict[str, KnobValue],
    reporter: Reporter,
) -> Scenario | None:
    """Cross-check a schema-valid scenario against its map and turn it into arrays."""
    head = spec.scenario
    places = {c.id: (c.lat, c.lon) for c in grid.cities}
    side_names = set(head.sides)
    start = head.start
    last_day = start + dt.timedelta(days=head.turns * head.days_per_turn - 1)

    def turn_of(date: dt.date) -> int:
        days = (date - start).days
        return 1 if days <= 0 else 1 + -(-days // head.days_per_turn)

    def known_place(value: str, where: tuple[str | int, ...]) -> bool:
        if value not in places:
            reporter.add(where, f"unknown place {value!r}")
            return False
        return True

    for side in head.sides:
        if side not in spec.sides:
            reporter.add(
                ("sides",), f"side {side!r} is in scenario.sides but has no [sides.{side}] table"
            )
    for side in spec.sides:
        if side not in side_names:
            reporter.add(("sides", side), f"side {side!r} is not one of scenario.sides")

    # knob effects that change the data
    weather_shift = 0
    delays: dict[str, int] = {}
    formation_delays: dict[str, int] = {}
    strength: list[tuple[float, set[str], set[str], str | None]] = []
    reach_percent: dict[str, float] = {}
    hold_switch: dict[tuple[str, str], bool] = {}
    unit_ids = {u.id for u in spec.units}
    formation_names = {u.formation for u in spec.units}
    for name, knob in spec.knobs.items():
        where: tuple[str | int, ...] = ("knobs", name)
        for uid in knob.units:
            if uid not in unit_ids:
                reporter.add((*where, "units"), f"unknown unit {uid!r}")
        for f in knob.formations:
            if f not in formation_names:
                reporter.add((*where, "formations"), f"unknown formation {f!r}")
        if knob.city is not None:
            known_place(knob.city, (*where, "city"))
        if knob.side is not None and knob.side not in side_names:
            reporter.add((*where, "side"), f"side {knob.side!r} is not in this scenario")
        value = knobs.get(name, knob.default)
        if knob.effect == "weather_shift_days":
            weather_shift += int(value)
        elif knob.effect == "arrival_delay_days":
            if not knob.units and not knob.formations:
                reporter.add(where, "an arrival_delay_days knob needs units or formations")
            for uid in knob.units:
                delays[uid] = delays.get(uid, 0) + int(value)
            for f in knob.formations:
                formation_delays[f] = formation_delays.get(f, 0) + int(value)
        elif knob.effect == "strength_percent":
            if not (knob.units or knob.formations or knob.side):
                reporter.add(where, "a strength_percent knob needs units, formations or side")
            strength.append((float(value), set(knob.units), set(knob.formations), knob.side))
        elif knob.effect == "supply_reach_percent":
            if knob.side is None:
                reporter.add(where, "a supply_reach_percent knob needs side")
            else:
                reach_percent[knob.side] = (
                    reach_percent.get(knob.side, 100.0) * float(value) / 100.0
                )
        elif knob.effect == "hold_order":
            if knob.side is None or knob.city is None:
                reporter.add(where, "a hold_order knob needs side and city")
            else:
                hold_switch[(knob.side, knob.city)] = bool(value)

    # units
    ids: list[str] = []
    rows: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    formations: list[str] = []
    for i, unit in enumerate(spec.units):
        where = ("units", i)
        if unit.id in seen_ids:
            reporter.add(
                (*where, "id"),
                f"duplicate unit id {unit.id!r} (first at units.{seen_ids[unit.id]})",
            )
        seen_ids.setdefault(unit.id, i)
        if unit.side not in side_names:
            reporter.add((*where, "side"), f"side {unit.side!r} is not in this scenario")
        stats = _unit_stats(unit, spec, where, reporter)
        hex_index = _unit_hex(unit, grid, places, where, reporter)
        arrive = unit.arrive
        delay = delays.get(unit.id, 0) + formation_delays.get(unit.formation, 0)
        if delay:
            arrive = (arrive or start) + dt.timedelta(days=delay)
        if unit.arrive is not None and unit.arrive > last_day:
            reporter.add(
                (*where, "arrive"),
                f"arrives on {unit.arrive}, after the scenario ends on {last_day}",
            )
        if unit.withdraw is not None and unit.withdraw <= (unit.arrive or start):
            reporter.add(
                (*where, "withdraw"), "withdraw date must come after the unit is on the map"
            )
        if stats is None or hex_index is None:
            continue
        if grid.terrain[hex_index] == Terrain.WATER:
            reporter.add(
                where, f"unit {unit.id!r} is placed on water at hex {tuple(grid.hex_of(hex_index))}"
            )
        for percent, unit_set, forms, strength_side in strength:
            if (
                unit.id in unit_set
                or unit.formation in forms
                or (strength_side is not None and unit.side == strength_side)
            ):
                stats["attack"] = min(99, round(stats["attack"] * percent / 100.0))
                stats["defence"] = min(99, round(stats["defence"] * percent / 100.0))
        if unit.formation not in formations:
            formations.append(unit.formation)
        arrive_turn = turn_of(arrive) if arrive is not None else 1
        withdraw_turn = turn_of(unit.withdraw) if unit.withdraw is not None else 0
        ids.append(unit.id)
        rows.append(
            {
                **stats,
                "unit": unit,
                "hex": hex_index,
                "arrive_turn": min(arrive_turn, head.turns + 1),
                "withdraw_turn": withdraw_turn,
                "formation": formations.index(unit.formation),
            }
        )

    # control: default, zones in order, then every starting unit claims its own hex
    control = np.full(grid.size, parse_enum(Side, spec.control.default), dtype=np.uint8)
    for z, zone in enumerate(spec.control.zone):
        pts = resolve_points(zone.polygon, places, ("control", "zone", z, "polygon"), reporter)
        if pts:
            from game.geo import points_in_polygon

            hx, hy = grid.layout.hex_to_pixel_array(grid.q, grid.r)
            px, py = grid.projection.project(*pts)
            control[points_in_polygon(hx, hy, px, py)] = parse_enum(Side, zone.side)
    control[grid.terrain == Terrain.WATER] = Side.NONE

    # stacking and opposing units at the start
    occupants: dict[int, list[int]] = {}
    for k, row in enumerate(rows):
        if row["arrive_turn"] == 1:
            occupants.setdefault(row["hex"], []).append(k)
    for h, members in occupants.items():
        sides = {rows[k]["unit"].side for k in members}
        first = spec.units.index(rows[members[0]]["unit"])
        hex_label = tuple(grid.hex_of(h))
        if len(sides) > 1:
            names = ", ".join(repr(rows[k]["unit"].id) for k in members)
            reporter.add(
                ("units", first), f"units of opposing sides share hex {hex_label}: {names}"
            )
        elif len(members) > head.stacking_limit:
            over = spec.units.index(rows[members[head.stacking_limit]]["unit"])
            reporter.add(
                ("units", over),
                f"hex {hex_label} holds {len(members)} units, more than the stacking limit of {head.stacking_limit}",
            )
        else:
            control[h] = parse_enum(Side, rows[members[0]]["unit"].side)

    # weather
    periods = spec.weather
    for w in range(1, len(periods)):
        if periods[w].start <= periods[w - 1].start:
            reporter.add(("weather", w, "start"), "weather periods must be in date order")
    if periods[0].start > start:
        reporter.add(
            ("weather", 0, "start"),
            f"the first weather period starts after the scenario start {start}",
        )
    weather = np.zeros(head.turns + 1, dtype=np.uint8)
    shift = dt.timedelta(days=weather_shift)
    for turn in range(1, head.turns + 1):
        date = start + dt.timedelta(days=(turn - 1) * head.days_per_turn)
        state = periods[0].state
        for period in periods:
            if period.start + shift <= date:
                state = period.state
        weather[turn] = parse_enum(Weather, state)

    # victory points per hex: the map's values unless the scenario names its own
    vp = np.zeros(grid.size, dtype=np.int16)
    for city in grid.cities:
        vp[city.hex] = city.vp
    if spec.victory.vp:
        vp[:] = 0
        for city_id, points in spec.victory.vp.items():
            if known_place(city_id, ("victory", "vp", city_id)):
                c = grid.city_by_id(city_id)
                assert c is not None
                vp[c.hex] = points
    if spec.victory.scoring_side not in side_names:
        reporter.add(
            ("victory", "scoring_side"),
            f"side {spec.victory.scoring_side!r} is not in this scenario",
        )
    for s, sd in enumerate(spec.victory.sudden_death):
        for c_i, city_id in enumerate(sd.holds):
            known_place(city_id, ("victory", "sudden_death", s, "holds", c_i))
        if sd.from_date and sd.until and sd.until < sd.from_date:
            reporter.add(("victory", "sudden_death", s, "until"), "until comes before from")

    # plans
    holds: dict[Side, tuple[HoldOrder, ...]] = {}
    for side_name, plan in spec.plans.items():
        if side_name not in side_names:
            reporter.add(("plans", side_name), f"side {side_name!r} is not in this scenario")
        phase_ids = {p.id for p in plan.phases}
        for p, phase in enumerate(plan.phases):
            phase_where: tuple[str | int, ...] = ("plans", side_name, "phases", p)
            if phase.start and phase.end and phase.end < phase.start:
                reporter.add((*phase_where, "end"), "phase ends before it starts")
            for t, task in enumerate(phase.tasks):
                for f_i, f in enumerate(task.formations):
                    if f not in formation_names:
                        reporter.add(
                            (*phase_where, "tasks", t, "formations", f_i),
                            f"unknown formation {f!r}",
                        )
                for o_i, obj in enumerate(task.objectives):
                    if isinstance(obj, str):
                        known_place(obj, (*phase_where, "tasks", t, "objectives", o_i))
                resolve_points(task.axis, places, (*phase_where, "tasks", t, "axis"), reporter)
            for g, trig in enumerate(phase.triggers):
                if trig.then not in phase_ids:
                    reporter.add(
                        (*phase_where, "triggers", g, "then"), f"unknown phase {trig.then!r}"
                    )
                if trig.city is not None:
                    known_place(trig.city, (*phase_where, "triggers", g, "city"))
        orders = []
        for h_i, hold in enumerate(plan.hold):
            known_place(hold.city, ("plans", side_name, "hold", h_i, "city"))
            for f in hold.formations:
                if f not in formation_names:
                    reporter.add(
                        ("plans", side_name, "hold", h_i, "formations"), f"unknown formation {f!r}"
                    )
            if hold_switch.get((side_name, hold.city), True):
                orders.append(hold)
        for (knob_side, city_id), on in hold_switch.items():
            if knob_side == side_name and on and all(o.city != city_id for o in orders):
                orders.append(HoldOrder(city=city_id))
        holds[parse_enum(Side, side_name)] = tuple(orders)

    if spec.historical is not None:
        for city_id in spec.historical.cities:
            known_place(city_id, ("historical", "cities", city_id))

    if reporter.problems:
        return None
    reach = {
        parse_enum(Side, name): max(
            1, round(s.supply_reach * reach_percent.get(name, 100.0) / 100.0)
        )
        for name, s in spec.sides.items()
    }
    units = UnitTable(
        ids=tuple(ids),
        names=tuple(r["unit"].name for r in rows),
        labels=tuple(r["unit"].short or r["unit"].name[:12] for r in rows),
        formations=tuple(formations),
        formation=np.array([r["formation"] for r in rows], dtype=np.int16),
        side=np.array([parse_enum(Side, r["unit"].side) for r in rows], dtype=np.uint8),
        kind=np.array([parse_enum(UnitKind, r["kind"]) for r in rows], dtype=np.uint8),
        size=np.array([parse_enum(UnitSize, r["size"]) for r in rows], dtype=np.uint8),
        max_steps=np.array([r["steps"] for r in rows], dtype=np.int8),
        attack=np.array([r["attack"] for r in rows], dtype=np.int16),
        defence=np.array([r["defence"] for r in rows], dtype=np.int16),
        movement=np.array([r["movement"] for r in rows], dtype=np.int8),
        men=np.array([r["men"] for r in rows], dtype=np.int32),
        tanks=np.array([r["tanks"] for r in rows], dtype=np.int32),
        start_hex=np.array([r["hex"] for r in rows], dtype=np.int32),
        arrive_turn=np.array([r["arrive_turn"] for r in rows], dtype=np.int16),
        withdraw_turn=np.array([r["withdraw_turn"] for r in rows], dtype=np.int16),
    )
    return Scenario(
        path=path,
        source_hash=source_hash,
        spec=spec,
        map=grid,
        units=units,
        control=control,
        weather=weather,
        vp=vp,
        supply_reach=reach,
        holds=holds,
        knobs=dict(knobs),
    )


def _unit_stats(
    unit: UnitSpec, spec: ScenarioFile, where: tuple[str | int, ...], reporter: Reporter
) -> dict[str, Any] | None:
    """Template values overridden by the unit's own; reports what is still missing."""
    stats: dict[str, Any] = {}
    if unit.template is not None:
        template = spec.templates.get(unit.template)
        if template is None:
            reporter.add((*where, "template"), f"unknown template {unit.template!r}")
            return None
        stats = template.model_dump()
    for name in STATS:
        value = getattr(unit, name)
        if value is not None:
            stats[name] = value
    stats.setdefault("tanks", 0)
    missing = [name for name in STATS if name not in stats]
    if missing:
        reporter.add(where, f"no template and no {', '.join(missing)} given")
        return None
    return stats


def _unit_hex(
    unit: UnitSpec,
    grid: HexMap,
    places: dict[str, tuple[float, float]],
    where: tuple[str | int, ...],
    reporter: Reporter,
) -> int | None:
    if unit.at is not None:
        if unit.at not in places:
            reporter.add((*where, "at"), f"unknown place {unit.at!r}")
            return None
        lat, lon = places[unit.at]
        return int(grid.hex_of_latlon(lat, lon))
    if unit.hex is not None:
        flat = int(grid.index(unit.hex[0], unit.hex[1]))
        if flat < 0:
            reporter.add((*where, "hex"), f"hex {tuple(unit.hex)} is off the map")
            return None
        return flat
    assert unit.lat is not None and unit.lon is not None
    h = int(grid.hex_of_latlon(unit.lat, unit.lon))
    if h < 0:
        reporter.add((*where, "lat"), f"position ({unit.lat}, {unit.lon}) is off the map")
        return None
    return h
