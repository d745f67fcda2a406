"""The file schema of maps and scenarios: pydantic models that reject unknown keys.

These models check shape and local sense (types, ranges, one-of choices). Checks that need the
map or the whole file (places exist, units on land, stacking, dates in order) live in `loader`.
Coordinates are always `[latitude, longitude]` in decimal degrees.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import Strict as StrictType

# Scalars are strict: a TOML string, boolean or float is never taken for a number, a boolean or a
# date (`turns = "17"`, `turns = true` and `start = "1943-02-19"` are errors, not 17, 1 and a
# date); an integer is a number wherever a float is asked. Floats are finite (see `Strict`).
Int = Annotated[int, StrictType()]
Float = Annotated[float, StrictType()]
Bool = Annotated[bool, StrictType()]
# Dates leave room for the arithmetic on them (the turns of a scenario, knob shifts of a year)
# inside what Python's dates can hold (years 1 to 9999).
MIN_DATE = dt.date(100, 1, 1)
MAX_DATE = dt.date(9000, 12, 31)
Date = Annotated[dt.date, StrictType(), Field(ge=MIN_DATE, le=MAX_DATE)]
# Strings: a name or label, and prose (briefings, summaries, notes)
Name = Annotated[str, StrictType(), Field(max_length=200)]
Text = Annotated[str, StrictType(), Field(max_length=20_000)]
# How many of a kind one file may list: every table it becomes has room for them (a map's city
# and river indices are int16).
MANY = 10_000
# An axial hex coordinate: far beyond any map, well inside int32 arithmetic.
MAX_HEX_COORD = 1_000_000
HexCoord = Annotated[int, StrictType(), Field(ge=-MAX_HEX_COORD, le=MAX_HEX_COORD)]

TerrainName = Literal["clear", "forest", "marsh", "hills", "urban", "water", "sea", "lake"]
KindName = Literal["armour", "mechanised", "infantry", "cavalry", "artillery"]
SizeName = Literal["regiment", "brigade", "division", "corps", "army"]
WeatherName = Literal["clear", "frozen", "snow", "thaw", "mud", "rain"]
PostureName = Literal["attack", "hold", "delay", "withdraw", "reserve", "breakout"]
EdgeName = Literal["north", "south", "east", "west"]

Identifier = Annotated[str, StrictType(), Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# Sides and teams are whatever the scenario file names; the loader checks that each name used
# is one of `scenario.sides` (or, where a team may be meant, one of their teams).
SideName = Identifier
Color = Annotated[str, StrictType(), Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Latitude = Annotated[float, StrictType(), Field(ge=-90.0, le=90.0)]
Longitude = Annotated[float, StrictType(), Field(ge=-180.0, le=180.0)]
LatLon = tuple[Latitude, Longitude]
# A point on a river, road or zone outline: coordinates, or the id of a place on the map.
PathPoint = LatLon | Identifier
Points = Annotated[list[PathPoint], Field(max_length=MANY)]
T = TypeVar("T")
ManyOf = Annotated[list[T], Field(max_length=MANY)]


class Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


# --- maps --------------------------------------------------------------------------------------


class Bounds(Strict):
    south: Latitude
    north: Latitude
    west: Longitude
    east: Longitude

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.south >= self.north:
            raise ValueError("south must be less than north")
        if self.west >= self.east:
            raise ValueError("west must be less than east")
        return self


# What to do with a city whose point falls in a water hex: report it (the default), make its
# hex land ("land": the town stands on the shore the coarse coastline missed), or move the city
# to the nearest land hex next to it ("move").
OnWater = Literal["error", "land", "move"]


class MapHeader(Strict):
    id: Identifier
    name: Name
    hex_km: Annotated[Float, Field(gt=1.0, le=50.0)]
    center: LatLon
    bounds: Bounds
    default_terrain: TerrainName = "clear"
    description: Text = ""
    # "pointy": pointy-top hexes in odd-r offset rows; "flat": flat-top hexes in odd-q columns
    orientation: Literal["pointy", "flat"] = "pointy"
    city_on_water: OnWater = "error"  # the rule for every city that does not give its own


class TerrainRegion(Strict):
    """A polygon, or a band of `width_km` along a line, painted with one terrain (later wins)."""

    terrain: TerrainName
    name: Name
    polygon: Points | None = None
    line: Points | None = None
    width_km: Annotated[Float, Field(gt=0.0, le=200.0)] | None = None
    # water only: its ice carries men, horses and supply in frozen weather (default: lakes do,
    # the sea does not; a shallow strait that froze, like the Kerch strait, can say so)
    freezes: Bool | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> TerrainRegion:
        _check_shape(self.polygon, self.line, self.width_km, "region")
        if self.freezes is not None and self.terrain not in ("water", "sea", "lake"):
            raise ValueError("only water (sea or lake) freezes")
        return self


def _check_shape(
    polygon: list[PathPoint] | None, line: list[PathPoint] | None, width_km: float | None, what: str
) -> None:
    """A shape is a polygon of 3 or more points, or a line of 2 or more with a width."""
    if (polygon is None) == (line is None):
        raise ValueError("give exactly one of polygon or line")
    if polygon is not None and len(polygon) < 3:
        raise ValueError("a polygon needs at least 3 points")
    if line is not None:
        if len(line) < 2:
            raise ValueError("a line needs at least 2 points")
        if width_km is None:
            raise ValueError(f"a line {what} needs width_km")
    elif width_km is not None and what == "belt":
        raise ValueError("width_km is for a line belt")


class RiverSpec(Strict):
    id: Identifier
    name: Name
    size: Literal["minor", "major"]
    points: Annotated[Points, Field(min_length=2)]
    note: Text = ""


class RouteSpec(Strict):
    """A road or a railway: a polyline through places and waypoints."""

    name: Name
    points: Annotated[Points, Field(min_length=2)]


class CitySpec(Strict):
    id: Identifier
    name: Name
    lat: Latitude
    lon: Longitude
    size: Literal["village", "town", "city", "major"]
    vp: Annotated[Int, Field(ge=0, le=100)] = 0
    supply: Literal["none", "railhead", "depot"] = "none"
    port: Bool = False  # a harbour: supply for a side that rules the sea (`ports = true`)
    on_water: OnWater | None = None  # default: the map's `city_on_water`


class WeatherRegionSpec(Strict):
    """A named area with weather of its own: `[[weather]]` periods that name it apply inside."""

    id: Identifier
    name: Name
    polygon: Annotated[Points, Field(min_length=3)]
    note: Text = ""


class MapFile(Strict):
    map: MapHeader
    terrain: ManyOf[TerrainRegion] = []
    river: ManyOf[RiverSpec] = []
    road: ManyOf[RouteSpec] = []
    railway: ManyOf[RouteSpec] = []
    city: ManyOf[CitySpec] = []
    weather_region: ManyOf[WeatherRegionSpec] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> MapFile:
        _no_duplicates([c.id for c in self.city], "city")
        _no_duplicates([r.id for r in self.river], "river")
        _no_duplicates([r.id for r in self.weather_region], "weather region")
        return self


# --- scenarios ---------------------------------------------------------------------------------


class MovementScale(Strict):
    hex_km: Annotated[Float, Field(gt=1.0, le=50.0)]
    days_per_turn: Annotated[Int, Field(ge=1, le=31)]


class ScenarioHeader(Strict):
    id: Identifier
    title: Name
    map: Identifier
    start: Date
    days_per_turn: Annotated[Int, Field(ge=1, le=31)]
    turns: Annotated[Int, Field(ge=1, le=200)]
    sides: Annotated[list[SideName], Field(min_length=2, max_length=8)]
    briefing: Text
    stacking_limit: Annotated[Int, Field(ge=1, le=10)] = 3
    # The scale the units' movement points are written for; the loader converts them to this
    # scenario's hexes and turns. Default: the scenario's own scale (no conversion).
    movement_scale: MovementScale | None = None
    # Earlier versions of this file (sha256 of their bytes) that play exactly the same game:
    # saves made with them still replay, and every recorded state hash is checked as usual.
    same_game_as: ManyOf[Annotated[str, StrictType(), Field(pattern=r"^[0-9a-f]{64}$")]] = []

    @field_validator("sides")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        _no_duplicates(v, "side")
        return v


class AirSupplySpec(Strict):
    """Supply flown in (rules version 3 on; see `game.rules.airlift`): while the side's team
    holds one of `places` (an airfield with no enemy unit in it), each of its supply phases the
    tonnage delivered keeps `tons_per_day / tons_per_unit_day` of its out-of-supply units that
    can trace to the airfield in supply, the longest cut off first; in `bad_weather` only
    `bad_weather_percent` of the tonnage arrives. `hunger_days` (none: no hunger): each unit
    the tonnage could reach but does not feed loses a step, never its last, about once in that
    many days (hunger and cold: the shortfall costs men, not only fighting power)."""

    places: Annotated[Points, Field(min_length=1)]
    tons_per_day: Annotated[Float, Field(ge=0.0, le=100_000.0)]
    tons_per_unit_day: Annotated[Float, Field(gt=0.0, le=100_000.0)]
    bad_weather: ManyOf[WeatherName] = ["snow", "rain", "mud"]
    bad_weather_percent: Annotated[Int, Field(ge=0, le=100)] = 100
    hunger_days: Annotated[Float, Field(gt=0.0, le=10_000.0)] | None = None
    from_date: Date | None = Field(default=None, alias="from")
    until: Date | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BreakoutSpec(Strict):
    """A pocket that may break out (rules version 3 on; see `game.rules.breakout`): units of
    `formations` stand fast (no movement) until the breakout begins on `from_date` (none: it
    never does; a `breakout_day` knob sets it); on that side's first turn on or after the date
    each of them still on the map loses `steps_lost` steps (heavy weapons, the wounded and what
    cannot move are left behind; never its last step), then moves as usual. The scripted AI
    sends them toward the units of `toward`."""

    formations: Annotated[ManyOf[Name], Field(min_length=1)]
    toward: Annotated[ManyOf[Name], Field(min_length=1)]
    from_date: Date | None = Field(default=None, alias="from")
    steps_lost: Annotated[Int, Field(ge=0, le=12)] = 1
    stand_fast: Bool = True

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TankLossSpec(Strict):
    """Armour that loses tanks faster than men (knocked out, broken down, abandoned; see
    `game.rules.losses`): a step lost by one of the side's units of `formations` (every unit of
    the side when none are named) costs `percent` % of its even share of tanks, so its last tanks
    are gone before its last men. Without it tanks go with the men (100)."""

    percent: Annotated[Int, Field(ge=100, le=1000)]
    formations: ManyOf[Name] = []


class SideSpec(Strict):
    name: Name
    short: Annotated[Name, Field(max_length=24)] = ""  # "Soviet": for labels and the log
    commander: Text = ""
    team: Identifier | None = None  # sides on one team share supply and ground, never fight
    color: Color | None = None  # counters, control and the log; default: a palette by order
    supply_edges: list[EdgeName] = []
    # other sources of this side's supply: places or [lat, lon] points, while its team holds them
    supply_sources: Points = []
    ports: Bool = False  # the side rules the sea: ports its team holds are supply sources
    supply_reach_km: Annotated[Float, Field(ge=1.0, le=1000.0)] = 80.0
    # column shifts this side's artillery and air power add to its attacks (net of the enemy's)
    artillery_support: Annotated[Int, Field(ge=0, le=2)] = 0
    air_support: Annotated[Int, Field(ge=0, le=2)] = 0
    air_supply: AirSupplySpec | None = None  # a pocket fed by air (rules version 3 on)
    breakout: BreakoutSpec | None = None  # a pocket that stands fast until it breaks out
    tank_losses: TankLossSpec | None = None  # armour losing tanks faster than men


class TeamSpec(Strict):
    name: Name


class ControlZone(Strict):
    side: SideName
    name: Name
    polygon: Annotated[Points, Field(min_length=3)]


class ControlSpec(Strict):
    default: SideName
    zone: ManyOf[ControlZone] = []


class UnitTemplate(Strict):
    kind: KindName
    size: SizeName
    steps: Annotated[Int, Field(ge=1, le=12)]
    attack: Annotated[Int, Field(ge=0, le=99)]
    defence: Annotated[Int, Field(ge=0, le=99)]
    movement: Annotated[Int, Field(ge=1, le=40)]
    men: Annotated[Int, Field(ge=0, le=500_000)]
    tanks: Annotated[Int, Field(ge=0, le=5_000)] = 0


class UnitSpec(Strict):
    """One unit. Stats come from `template` unless given here; place by `at`, `lat`/`lon` or `hex`."""

    id: Identifier
    name: Name
    short: Annotated[Name, Field(max_length=12)] = ""
    side: SideName
    template: Identifier | None = None
    kind: KindName | None = None
    size: SizeName | None = None
    steps: Annotated[Int, Field(ge=1, le=12)] | None = None
    attack: Annotated[Int, Field(ge=0, le=99)] | None = None
    defence: Annotated[Int, Field(ge=0, le=99)] | None = None
    movement: Annotated[Int, Field(ge=1, le=40)] | None = None
    men: Annotated[Int, Field(ge=0, le=500_000)] | None = None
    tanks: Annotated[Int, Field(ge=0, le=5_000)] | None = None
    formation: Name
    at: Identifier | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    hex: tuple[HexCoord, HexCoord] | None = None
    arrive: Date | None = None
    withdraw: Date | None = None
    note: Text = ""

    @model_validator(mode="after")
    def _one_place(self) -> UnitSpec:
        ways = (
            (self.at is not None)
            + (self.lat is not None or self.lon is not None)
            + (self.hex is not None)
        )
        if ways != 1:
            raise ValueError("give exactly one of at, lat/lon or hex")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        return self


class WeatherPeriod(Strict):
    """Weather from `start` until the next period starts (or the scenario ends); with `region`,
    only inside that weather region (of the map or the scenario file), which follows the
    map-wide periods until its own first period starts."""

    start: Date
    state: WeatherName
    region: Identifier | None = None
    note: Text = ""


class VictoryLevel(Strict):
    """A result band on the scoring team's victory points at the end of the game; `winner` is a
    side (meaning its team) or a team."""

    min_vp: Annotated[Int, Field(ge=-1_000_000, le=1_000_000)]
    winner: SideName | Literal["draw"]
    level: Literal["decisive", "marginal", "draw"]


class SuddenDeath(Strict):
    """`side` (a side, meaning its team, or a team) wins at once (decisively) when its team holds
    every city in `holds` on or after `from_date`, each for at least `for_days` (counted from
    the turn it last changed hands; rules version 3 on)."""

    side: SideName
    holds: Annotated[list[Identifier], Field(min_length=1)]
    from_date: Date | None = Field(default=None, alias="from")
    until: Date | None = None
    for_days: Annotated[Int, Field(ge=0, le=366)] = 0
    note: Text = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class JoinedVictory(Strict):
    """Points for units that end the game joined to their own side's lines: in its supply
    (the overland trace, not the air supply), or within `within_km` of a unit of the `to`
    formations (the force they broke out toward, or that came to relieve them). The scoring team
    gains `vp_per_step` for every step on the map of the units of `formations` so joined that
    its own sides have, loses it for an enemy's. A pocket relieved, or broken out to its
    relief, counts; one still cut off does not (see `game.rules.victory`)."""

    formations: Annotated[ManyOf[Name], Field(min_length=1)]
    vp_per_step: Annotated[Float, Field(gt=0.0, le=100.0)]
    to: ManyOf[Name] = []
    within_km: Annotated[Float, Field(ge=0.0, le=500.0)] = 10.0
    note: Text = ""


class VictorySpec(Strict):
    scoring_side: SideName  # a side or a team: the team whose points decide the levels
    vp: dict[Identifier, Annotated[Int, Field(ge=0, le=100)]] = {}
    vp_per_enemy_step: Annotated[Float, Field(ge=0.0, le=10.0)] = 0.0
    levels: Annotated[list[VictoryLevel], Field(min_length=1)]
    sudden_death: ManyOf[SuddenDeath] = []
    joined: ManyOf[JoinedVictory] = []  # units brought out of a pocket (or relieved) score

    @field_validator("levels")
    @classmethod
    def _descending(cls, v: list[VictoryLevel]) -> list[VictoryLevel]:
        if any(a.min_vp <= b.min_vp for a, b in itertools.pairwise(v)):
            raise ValueError("levels must be listed from the highest min_vp down")
        return v


class Trigger(Strict):
    """Switch to phase `then` when the event happens."""

    when: Literal["city_taken", "city_lost", "date", "losses_exceed", "pocket_formed"]
    city: Identifier | None = None
    date: Date | None = None
    share: Annotated[Float, Field(gt=0.0, le=1.0)] | None = None
    then: Identifier

    @model_validator(mode="after")
    def _needs(self) -> Trigger:
        need = {"city_taken": "city", "city_lost": "city", "date": "date", "losses_exceed": "share"}
        field = need.get(self.when)
        if field is not None and getattr(self, field) is None:
            raise ValueError(f"a {self.when} trigger needs {field}")
        return self


class PlanTask(Strict):
    """What a group of formations does during a phase."""

    formations: Annotated[ManyOf[Name], Field(min_length=1)]
    posture: PostureName
    objectives: ManyOf[Identifier | LatLon] = []
    axis: Points = []
    # posture "breakout": the formations whose units the task's units make for (its goals)
    toward: ManyOf[Name] = []
    # what a step of their own lost weighs against one of the enemy's when the task's units pick
    # attacks (none: their posture's, `game.ai.attacks.OWN_LOSS_WEIGHT`): below 1, orders to
    # attack whatever it costs
    own_loss_weight: Annotated[Float, Field(gt=0.0, le=10.0)] | None = None
    note: Text = ""

    @model_validator(mode="after")
    def _toward(self) -> PlanTask:
        if (self.posture == "breakout") != bool(self.toward):
            raise ValueError("a breakout task names formations in toward, and only it does")
        return self


class PlanPhase(Strict):
    id: Identifier
    name: Name
    start: Date | None = None
    end: Date | None = None
    tasks: Annotated[list[PlanTask], Field(min_length=1)]
    triggers: ManyOf[Trigger] = []


class HoldOrder(Strict):
    """Keep a garrison in `city`, or in the hex of `point` (a position that is no town: a
    ridge, a bridge, a strongpoint), while the side holds it: a unit of `units` or of
    `formations` (none given: any unit). The scripted AI keeps a unit already there (a named
    one first, else any), or sends the nearest named unit; while none of the named units is
    left to take (not arrived, gone, or garrisoning elsewhere) it sends the nearest unit of any
    formation. Calibrated scenarios lean on this: a hold order naming late arrivals garrisons
    with whoever is at hand until they come. An order with `from` starts that day: a base a
    formation arrives at, empty before it comes, is not garrisoned with whoever is at hand. An
    order with `until` and `while_enemy_within_km` stays in force past `until` while the side
    knows of an enemy unit that near the place (seen now, or remembered where last seen): a base
    is not left empty beside enemy units that would walk in, and is let go once they are gone."""

    city: Identifier | None = None
    point: LatLon | None = None
    formations: ManyOf[Name] = []
    units: ManyOf[Identifier] = []
    from_date: Date | None = Field(default=None, alias="from")
    until: Date | None = None
    while_enemy_within_km: Annotated[Float, Field(gt=0.0, le=500.0)] | None = None
    note: Text = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_place(self) -> HoldOrder:
        if (self.city is None) == (self.point is None):
            raise ValueError("a hold order names exactly one of city or point")
        if self.while_enemy_within_km is not None and self.until is None:
            raise ValueError("while_enemy_within_km keeps an order past its until: give until")
        return self


class PlanSpec(Strict):
    name: Name
    summary: Text = ""
    phases: Annotated[list[PlanPhase], Field(min_length=1)]
    hold: ManyOf[HoldOrder] = []


KnobEffect = Literal[
    "weather_shift_days",  # move every weather period by this many days
    "arrival_delay_days",  # delay the arrival of `units` / `formations`
    "strength_percent",  # scale attack and defence of `units` / `formations` / `side`
    "hold_order",  # switch a plan's hold order on `city` for `side` on or off
    "supply_reach_percent",  # scale a side's supply reach
    "withdrawal_delay_days",  # delay the withdrawal of `units` / `formations` (past the end: never)
    # an event later: the dated arrivals and withdrawals of `units` / `formations` come later
    "schedule_delay_days",
    "phase_shift_days",  # move the start and end of plan phase `phase` of `side`
    "phase_start_day",  # plan phase `phase` of `side` begins this many days after the start,
    # whatever phase the side is in (past the last day: it never begins that way)
    "breakout_day",  # `side`'s breakout begins this many days after the start (past the end: never)
    "air_supply_tons",  # tons a day `side`'s air supply delivers
    "fortification_change",  # add this to the level of every fortified belt (of `side` if given)
    # move the date of every dated fortified belt (of `side` if given) by this many days
    "fortification_date_shift_days",
]


# The widest range a knob of each numeric effect may declare, so that every value in range plays:
# a shift or delay of at most a year (dates stay dates), at most ten times a strength or a
# supply reach (attack and defence are capped at 99 anyway, a reach of 0 is one hex).
KNOB_LIMITS: dict[str, tuple[float, float]] = {
    "weather_shift_days": (-366.0, 366.0),
    "arrival_delay_days": (-366.0, 366.0),
    "strength_percent": (0.0, 1000.0),
    "supply_reach_percent": (0.0, 1000.0),
    "withdrawal_delay_days": (-366.0, 366.0),
    "schedule_delay_days": (-366.0, 366.0),
    "phase_shift_days": (-366.0, 366.0),
    "phase_start_day": (0.0, 366.0),
    "breakout_day": (0.0, 366.0),
    "air_supply_tons": (0.0, 100_000.0),  # as `AirSupplySpec.tons_per_day`
    "fortification_change": (-3.0, 3.0),  # levels run 0-3
    "fortification_date_shift_days": (-366.0, 366.0),
}


class KnobSpec(Strict):
    type: Literal["int", "float", "bool"]
    default: Int | Float | Bool
    min: Float | None = None
    max: Float | None = None
    description: Text
    effect: KnobEffect
    side: SideName | None = None
    units: ManyOf[Identifier] = []
    formations: ManyOf[Name] = []
    city: Identifier | None = None
    phase: Identifier | None = None  # phase_shift_days, phase_start_day: a phase of side's plan

    @model_validator(mode="after")
    def _typed(self) -> KnobSpec:
        if self.type == "bool":
            if self.effect != "hold_order":
                raise ValueError(f"a {self.effect} knob is a number: type int or float")
            if not isinstance(self.default, bool):
                raise ValueError("default must be true or false for a bool knob")
            return self
        if self.effect == "hold_order":
            raise ValueError('a hold_order knob is switched on or off: type = "bool"')
        if isinstance(self.default, bool):
            raise ValueError(f"default must be a number for a {self.type} knob")
        if self.type == "int" and not isinstance(self.default, int):
            raise ValueError("default must be a whole number for an int knob")
        if self.min is None or self.max is None:
            raise ValueError(f"a {self.type} knob needs min and max")
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        low, high = KNOB_LIMITS[self.effect]
        if self.min < low or self.max > high:
            raise ValueError(
                f"range {self.min:g}..{self.max:g} goes beyond {low:g}..{high:g}, "
                f"the widest range for {self.effect}"
            )
        if not self.min <= self.default <= self.max:
            raise ValueError(f"default {self.default} is outside {self.min}..{self.max}")
        return self


class HistoricalCity(Strict):
    owner: SideName
    taken: Date | None = None


class HistoricalOutcome(Strict):
    winner: SideName | Literal["draw"]
    level: Literal["decisive", "marginal", "draw"]
    summary: Text
    men_lost: dict[SideName, Annotated[Int, Field(ge=0, le=100_000_000)]] = {}
    tanks_lost: dict[SideName, Annotated[Int, Field(ge=0, le=100_000_000)]] = {}
    cities: dict[Identifier, HistoricalCity] = {}


class UnitGroup(Strict):
    """Units picked for a measure: every unit listed in `units`, of a formation in `formations`,
    or of `side` (a side, or a team meaning all its sides). At least one must be given."""

    units: ManyOf[Identifier] = []
    formations: ManyOf[Name] = []
    side: SideName | None = None

    @model_validator(mode="after")
    def _some(self) -> UnitGroup:
        if not self.units and not self.formations and self.side is None:
            raise ValueError("give units, formations or side")
        return self


class MeasureArea(UnitGroup):
    """A set of hexes, taken afresh at every sample: the hexes of `places` (place ids or
    [lat, lon] points) and those of the picked units on the map, widened to every hex within
    `within_km` of them (rounded to whole hexes; 0: those hexes alone). Give places, units,
    formations or side."""

    places: Points = []
    within_km: Annotated[Float, Field(ge=0.0, le=1000.0)] = 0.0

    @model_validator(mode="after")
    def _some(self) -> MeasureArea:
        if not self.places and not self.units and not self.formations and self.side is None:
            raise ValueError("give places, units, formations or side")
        return self


MeasureKind = Literal["distance", "advance", "men"]
MeasureReduce = Literal["min", "max", "end"]
DEFAULT_REDUCE: dict[str, MeasureReduce] = {"distance": "min", "advance": "max", "men": "end"}


class MeasureSpec(Strict):
    """A `runs.csv` column the scenario declares, measured by the batch runner on the true state.

    The quantity is sampled at the start and after every side's turn, and the samples are
    reduced to one value by `reduce` ("min" or "max" over the game, "end": the last sample);
    a quantity with no value (its group never on the map, or, for "end", not at the end) is
    left blank.
    Distances are hex steps times the map's `hex_km`, so a unit in the next hex is one hex away.

    kind = "distance": km from the nearest unit of `group` on the map to the nearest hex of
        `target`; with `gap = true` only the hexes between count, so units side by side (or
        in one hex) are 0 km apart: they have joined. Default reduce: "min" (closest approach).
    kind = "advance": km from a unit of `group` to the nearest hex its team held at the start
        (0 inside that ground), the deepest over the group; `south_of` / `north_of` (a latitude
        or a place) keep only units whose hex centre lies south / north of it. Default: "max".
    kind = "men": men (by steps left) of `group`'s units on the map inside `target`, plus,
        with `withdrawn = true`, those taken off the map alive (withdrawn or evacuated); with
        neither, all of the group's men on the map. Default reduce: "end".

    Example (the closest the relief came to the pocket):
        [[measures]]
        id = "relief_gap_km"
        kind = "distance"
        description = "Closest approach of LVII Panzer Corps to 6th Army; 0 if they joined."
        group = { formations = ["LVII Panzer Corps"] }
        target = { formations = ["6th Army"] }
        gap = true
    """

    id: Identifier
    kind: MeasureKind
    description: Text
    group: UnitGroup
    target: MeasureArea | None = None
    reduce: MeasureReduce | None = None
    gap: Bool = False
    south_of: Latitude | Identifier | None = None
    north_of: Latitude | Identifier | None = None
    withdrawn: Bool = False

    @model_validator(mode="after")
    def _fits_kind(self) -> MeasureSpec:
        if self.kind == "distance" and self.target is None:
            raise ValueError("a distance measure needs a target")
        if self.kind == "advance" and self.target is not None:
            raise ValueError("an advance measure has no target (it counts from the start line)")
        if self.gap and self.kind != "distance":
            raise ValueError("gap is for distance measures")
        if (self.south_of is not None or self.north_of is not None) and self.kind != "advance":
            raise ValueError("south_of and north_of are for advance measures")
        if self.withdrawn and self.kind != "men":
            raise ValueError("withdrawn is for men measures")
        return self

    @property
    def reduction(self) -> MeasureReduce:
        return self.reduce or DEFAULT_REDUCE[self.kind]


class FortifiedBelt(Strict):
    """Prepared positions of `side`: a polygon, or a band `width_km` deep along a line, whose
    hexes give that side's team's defenders `level` (0-3 column shifts) while the team holds
    them and has never lost them (`[rules] fortified_belts` switches the rule on). With `from`
    the belt stands only from that date (a line still being dug); before it, it gives nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    side: SideName
    name: Name
    level: Annotated[Int, Field(ge=0, le=3)]
    # the date the belt is ready (none: it stands from the start); a date past the scenario's
    # end is allowed, for a knob (`fortification_date_shift_days`) to bring it forward
    from_date: Date | None = Field(default=None, alias="from")
    polygon: Points | None = None
    line: Points | None = None
    width_km: Annotated[Float, Field(gt=0.0, le=200.0)] | None = None
    note: Text = ""

    @model_validator(mode="after")
    def _one_shape(self) -> FortifiedBelt:
        _check_shape(self.polygon, self.line, self.width_km, "belt")
        return self


class RulesSpec(Strict):
    """General rules a scenario file switches on. Each is off by default: a file without them
    plays as under rules version 2."""

    # Enemy ground left behind: at the end of every side's turn, a patch of one team's ground
    # that holds none of its supply gateways and is bordered on land by one other team only
    # returns to that team, hex by hex, wherever no unit of its own team stands in or next to it.
    bypassed_ground: Bool = False
    # Days a railway hex needs, after it changes hands, before trains carry its new holder's
    # supply through it (0: at once).
    rail_repair_days: Annotated[Int, Field(ge=0, le=60)] = 0
    # (Air supply and breakouts are switched on per side: `SideSpec.air_supply`, `.breakout`.)
    # Fortified belts (`[[fortified_belt]]`): their levels shift combat against their side's
    # team's defenders, and an enemy unit entering one of their hexes ends its move there.
    fortified_belts: Bool = False


class ScenarioFile(Strict):
    scenario: ScenarioHeader
    sides: dict[SideName, SideSpec]
    teams: dict[Identifier, TeamSpec] = {}
    control: ControlSpec
    templates: dict[Identifier, UnitTemplate] = {}
    units: Annotated[ManyOf[UnitSpec], Field(min_length=1)]
    weather: Annotated[ManyOf[WeatherPeriod], Field(min_length=1)]
    weather_region: ManyOf[WeatherRegionSpec] = []
    victory: VictorySpec
    plans: dict[SideName, PlanSpec] = {}
    knobs: dict[Identifier, KnobSpec] = {}
    historical: HistoricalOutcome | None = None
    measures: ManyOf[MeasureSpec] = []
    rules: RulesSpec = RulesSpec()
    fortified_belt: ManyOf[FortifiedBelt] = []


def _no_duplicates(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"duplicate {what} {v!r}")
        seen.add(v)
