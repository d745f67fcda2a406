"""The file schema of maps and scenarios: pydantic models that reject unknown keys.

These models check shape and local sense (types, ranges, one-of choices). Checks that need the
map or the whole file (places exist, units on land, stacking, dates in order) live in `loader`.
Coordinates are always `[latitude, longitude]` in decimal degrees.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TerrainName = Literal["clear", "forest", "marsh", "hills", "urban", "water", "sea", "lake"]
KindName = Literal["armour", "mechanised", "infantry", "cavalry", "artillery"]
SizeName = Literal["regiment", "brigade", "division", "corps", "army"]
WeatherName = Literal["clear", "frozen", "snow", "thaw", "mud", "rain"]
PostureName = Literal["attack", "hold", "delay", "withdraw", "reserve", "breakout"]
EdgeName = Literal["north", "south", "east", "west"]

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# Sides and teams are whatever the scenario file names; the loader checks that each name used
# is one of `scenario.sides` (or, where a team may be meant, one of their teams).
SideName = Identifier
Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0)]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0)]
LatLon = tuple[Latitude, Longitude]
# A point on a river, road or zone outline: coordinates, or the id of a place on the map.
PathPoint = LatLon | Identifier


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


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
    name: str
    hex_km: Annotated[float, Field(gt=1.0, le=50.0)]
    center: LatLon
    bounds: Bounds
    default_terrain: TerrainName = "clear"
    description: str = ""
    # "pointy": pointy-top hexes in odd-r offset rows; "flat": flat-top hexes in odd-q columns
    orientation: Literal["pointy", "flat"] = "pointy"
    city_on_water: OnWater = "error"  # the rule for every city that does not give its own


class TerrainRegion(Strict):
    """A polygon, or a band of `width_km` along a line, painted with one terrain (later wins)."""

    terrain: TerrainName
    name: str
    polygon: list[PathPoint] | None = None
    line: list[PathPoint] | None = None
    width_km: Annotated[float, Field(gt=0.0, le=200.0)] | None = None
    # water only: its ice carries men, horses and supply in frozen weather (default: lakes do,
    # the sea does not; a shallow strait that froze, like the Kerch strait, can say so)
    freezes: bool | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> TerrainRegion:
        if (self.polygon is None) == (self.line is None):
            raise ValueError("give exactly one of polygon or line")
        if self.freezes is not None and self.terrain not in ("water", "sea", "lake"):
            raise ValueError("only water (sea or lake) freezes")
        if self.polygon is not None and len(self.polygon) < 3:
            raise ValueError("a polygon needs at least 3 points")
        if self.line is not None:
            if len(self.line) < 2:
                raise ValueError("a line needs at least 2 points")
            if self.width_km is None:
                raise ValueError("a line region needs width_km")
        return self


class RiverSpec(Strict):
    id: Identifier
    name: str
    size: Literal["minor", "major"]
    points: Annotated[list[PathPoint], Field(min_length=2)]
    note: str = ""


class RouteSpec(Strict):
    """A road or a railway: a polyline through places and waypoints."""

    name: str
    points: Annotated[list[PathPoint], Field(min_length=2)]


class CitySpec(Strict):
    id: Identifier
    name: str
    lat: Latitude
    lon: Longitude
    size: Literal["village", "town", "city", "major"]
    vp: Annotated[int, Field(ge=0, le=100)] = 0
    supply: Literal["none", "railhead", "depot"] = "none"
    port: bool = False  # a harbour: supply for a side that rules the sea (`ports = true`)
    on_water: OnWater | None = None  # default: the map's `city_on_water`


class WeatherRegionSpec(Strict):
    """A named area with weather of its own: `[[weather]]` periods that name it apply inside."""

    id: Identifier
    name: str
    polygon: Annotated[list[PathPoint], Field(min_length=3)]
    note: str = ""


class MapFile(Strict):
    map: MapHeader
    terrain: list[TerrainRegion] = []
    river: list[RiverSpec] = []
    road: list[RouteSpec] = []
    railway: list[RouteSpec] = []
    city: list[CitySpec] = []
    weather_region: list[WeatherRegionSpec] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> MapFile:
        _no_duplicates([c.id for c in self.city], "city")
        _no_duplicates([r.id for r in self.river], "river")
        _no_duplicates([r.id for r in self.weather_region], "weather region")
        return self


# --- scenarios ---------------------------------------------------------------------------------


class MovementScale(Strict):
    hex_km: Annotated[float, Field(gt=1.0, le=50.0)]
    days_per_turn: Annotated[int, Field(ge=1, le=31)]


class ScenarioHeader(Strict):
    id: Identifier
    title: str
    map: Identifier
    start: dt.date
    days_per_turn: Annotated[int, Field(ge=1, le=31)]
    turns: Annotated[int, Field(ge=1, le=200)]
    sides: Annotated[list[SideName], Field(min_length=2, max_length=8)]
    briefing: str
    stacking_limit: Annotated[int, Field(ge=1, le=10)] = 3
    # The scale the units' movement points are written for; the loader converts them to this
    # scenario's hexes and turns. Default: the scenario's own scale (no conversion).
    movement_scale: MovementScale | None = None
    # Earlier versions of this file (sha256 of their bytes) that play exactly the same game:
    # saves made with them still replay, and every recorded state hash is checked as usual.
    same_game_as: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = []

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
    `bad_weather_percent` of the tonnage arrives."""

    places: Annotated[list[PathPoint], Field(min_length=1)]
    tons_per_day: Annotated[float, Field(ge=0.0, le=100_000.0)]
    tons_per_unit_day: Annotated[float, Field(gt=0.0, le=100_000.0)]
    bad_weather: list[WeatherName] = ["snow", "rain", "mud"]
    bad_weather_percent: Annotated[int, Field(ge=0, le=100)] = 100
    from_date: dt.date | None = Field(default=None, alias="from")
    until: dt.date | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BreakoutSpec(Strict):
    """A pocket that may break out (rules version 3 on; see `game.rules.breakout`): units of
    `formations` stand fast (no movement) until the breakout begins on `from_date` (none: it
    never does; a `breakout_day` knob sets it); on that side's first turn on or after the date
    each of them still on the map loses `steps_lost` steps (heavy weapons, the wounded and what
    cannot move are left behind; never its last step), then moves as usual. The scripted AI
    sends them toward the units of `toward`."""

    formations: Annotated[list[str], Field(min_length=1)]
    toward: Annotated[list[str], Field(min_length=1)]
    from_date: dt.date | None = Field(default=None, alias="from")
    steps_lost: Annotated[int, Field(ge=0, le=12)] = 1
    stand_fast: bool = True

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SideSpec(Strict):
    name: str
    short: Annotated[str, Field(max_length=24)] = ""  # "Soviet": for labels and the log
    commander: str = ""
    team: Identifier | None = None  # sides on one team share supply and ground, never fight
    color: Color | None = None  # counters, control and the log; default: a palette by order
    supply_edges: list[EdgeName] = []
    # other sources of this side's supply: places or [lat, lon] points, while its team holds them
    supply_sources: list[PathPoint] = []
    ports: bool = False  # the side rules the sea: ports its team holds are supply sources
    supply_reach_km: Annotated[float, Field(ge=1.0, le=1000.0)] = 80.0
    # column shifts this side's artillery and air power add to its attacks (net of the enemy's)
    artillery_support: Annotated[int, Field(ge=0, le=2)] = 0
    air_support: Annotated[int, Field(ge=0, le=2)] = 0
    air_supply: AirSupplySpec | None = None  # a pocket fed by air (rules version 3 on)
    breakout: BreakoutSpec | None = None  # a pocket that stands fast until it breaks out


class TeamSpec(Strict):
    name: str


class ControlZone(Strict):
    side: SideName
    name: str
    polygon: Annotated[list[PathPoint], Field(min_length=3)]


class ControlSpec(Strict):
    default: SideName
    zone: list[ControlZone] = []


class UnitTemplate(Strict):
    kind: KindName
    size: SizeName
    steps: Annotated[int, Field(ge=1, le=12)]
    attack: Annotated[int, Field(ge=0, le=99)]
    defence: Annotated[int, Field(ge=0, le=99)]
    movement: Annotated[int, Field(ge=1, le=40)]
    men: Annotated[int, Field(ge=0, le=500_000)]
    tanks: Annotated[int, Field(ge=0, le=5_000)] = 0


class UnitSpec(Strict):
    """One unit. Stats come from `template` unless given here; place by `at`, `lat`/`lon` or `hex`."""

    id: Identifier
    name: str
    short: Annotated[str, Field(max_length=12)] = ""
    side: SideName
    template: Identifier | None = None
    kind: KindName | None = None
    size: SizeName | None = None
    steps: Annotated[int, Field(ge=1, le=12)] | None = None
    attack: Annotated[int, Field(ge=0, le=99)] | None = None
    defence: Annotated[int, Field(ge=0, le=99)] | None = None
    movement: Annotated[int, Field(ge=1, le=40)] | None = None
    men: Annotated[int, Field(ge=0, le=500_000)] | None = None
    tanks: Annotated[int, Field(ge=0, le=5_000)] | None = None
    formation: str
    at: Identifier | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    hex: tuple[int, int] | None = None
    arrive: dt.date | None = None
    withdraw: dt.date | None = None
    note: str = ""

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

    start: dt.date
    state: WeatherName
    region: Identifier | None = None
    note: str = ""


class VictoryLevel(Strict):
    """A result band on the scoring team's victory points at the end of the game; `winner` is a
    side (meaning its team) or a team."""

    min_vp: int
    winner: SideName | Literal["draw"]
    level: Literal["decisive", "marginal", "draw"]


class SuddenDeath(Strict):
    """`side` (a side, meaning its team, or a team) wins at once (decisively) when its team holds
    every city in `holds` on or after `from_date`, each for at least `for_days` (counted from
    the turn it last changed hands; rules version 3 on)."""

    side: SideName
    holds: Annotated[list[Identifier], Field(min_length=1)]
    from_date: dt.date | None = Field(default=None, alias="from")
    until: dt.date | None = None
    for_days: Annotated[int, Field(ge=0, le=366)] = 0
    note: str = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class VictorySpec(Strict):
    scoring_side: SideName  # a side or a team: the team whose points decide the levels
    vp: dict[Identifier, Annotated[int, Field(ge=0, le=100)]] = {}
    vp_per_enemy_step: Annotated[float, Field(ge=0.0, le=10.0)] = 0.0
    levels: Annotated[list[VictoryLevel], Field(min_length=1)]
    sudden_death: list[SuddenDeath] = []

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
    date: dt.date | None = None
    share: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
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

    formations: Annotated[list[str], Field(min_length=1)]
    posture: PostureName
    objectives: list[Identifier | LatLon] = []
    axis: list[PathPoint] = []
    # posture "breakout": the formations whose units the task's units make for (its goals)
    toward: list[str] = []
    note: str = ""

    @model_validator(mode="after")
    def _toward(self) -> PlanTask:
        if (self.posture == "breakout") != bool(self.toward):
            raise ValueError("a breakout task names formations in toward, and only it does")
        return self


class PlanPhase(Strict):
    id: Identifier
    name: str
    start: dt.date | None = None
    end: dt.date | None = None
    tasks: Annotated[list[PlanTask], Field(min_length=1)]
    triggers: list[Trigger] = []


class HoldOrder(Strict):
    """Keep a garrison in `city` while the side holds it: a unit of `units` or of `formations`
    (none given: any unit), the one already there first."""

    city: Identifier
    formations: list[str] = []
    units: list[Identifier] = []
    until: dt.date | None = None
    note: str = ""


class PlanSpec(Strict):
    name: str
    summary: str = ""
    phases: Annotated[list[PlanPhase], Field(min_length=1)]
    hold: list[HoldOrder] = []


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
]


class KnobSpec(Strict):
    type: Literal["int", "float", "bool"]
    default: int | float | bool
    min: float | None = None
    max: float | None = None
    description: str
    effect: KnobEffect
    side: SideName | None = None
    units: list[Identifier] = []
    formations: list[str] = []
    city: Identifier | None = None
    phase: Identifier | None = None  # phase_shift_days, phase_start_day: a phase of side's plan

    @model_validator(mode="after")
    def _typed(self) -> KnobSpec:
        if self.type == "bool":
            if not isinstance(self.default, bool):
                raise ValueError("default must be true or false for a bool knob")
            return self
        if isinstance(self.default, bool):
            raise ValueError(f"default must be a number for a {self.type} knob")
        if self.type == "int" and not isinstance(self.default, int):
            raise ValueError("default must be a whole number for an int knob")
        if self.min is None or self.max is None:
            raise ValueError(f"a {self.type} knob needs min and max")
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        if not self.min <= self.default <= self.max:
            raise ValueError(f"default {self.default} is outside {self.min}..{self.max}")
        return self


class HistoricalCity(Strict):
    owner: SideName
    taken: dt.date | None = None


class HistoricalOutcome(Strict):
    winner: SideName | Literal["draw"]
    level: Literal["decisive", "marginal", "draw"]
    summary: str
    men_lost: dict[SideName, Annotated[int, Field(ge=0)]] = {}
    tanks_lost: dict[SideName, Annotated[int, Field(ge=0)]] = {}
    cities: dict[Identifier, HistoricalCity] = {}


class UnitGroup(Strict):
    """Units picked for a measure: every unit listed in `units`, of a formation in `formations`,
    or of `side` (a side, or a team meaning all its sides). At least one must be given."""

    units: list[Identifier] = []
    formations: list[str] = []
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

    places: list[PathPoint] = []
    within_km: Annotated[float, Field(ge=0.0, le=1000.0)] = 0.0

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
    description: str
    group: UnitGroup
    target: MeasureArea | None = None
    reduce: MeasureReduce | None = None
    gap: bool = False
    south_of: Latitude | Identifier | None = None
    north_of: Latitude | Identifier | None = None
    withdrawn: bool = False

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
    them and has never lost them (`[rules] fortified_belts` switches the rule on)."""

    side: SideName
    name: str
    level: Annotated[int, Field(ge=0, le=3)]
    polygon: list[PathPoint] | None = None
    line: list[PathPoint] | None = None
    width_km: Annotated[float, Field(gt=0.0, le=200.0)] | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one_shape(self) -> FortifiedBelt:
        if (self.polygon is None) == (self.line is None):
            raise ValueError("give exactly one of polygon or line")
        if self.polygon is not None and len(self.polygon) < 3:
            raise ValueError("a polygon needs at least 3 points")
        if self.line is not None:
            if len(self.line) < 2:
                raise ValueError("a line needs at least 2 points")
            if self.width_km is None:
                raise ValueError("a line belt needs width_km")
        elif self.width_km is not None:
            raise ValueError("width_km is for a line belt")
        return self


class RulesSpec(Strict):
    """General rules a scenario file switches on. Each is off by default: a file without them
    plays as under rules version 2."""

    # Enemy ground left behind: at the end of every side's turn, a patch of one team's ground
    # that holds none of its supply gateways and is bordered on land by one other team only
    # returns to that team, hex by hex, wherever no unit of its own team stands in or next to it.
    bypassed_ground: bool = False
    # Days a railway hex needs, after it changes hands, before trains carry its new holder's
    # supply through it (0: at once).
    rail_repair_days: Annotated[int, Field(ge=0, le=60)] = 0
    # (Air supply and breakouts are switched on per side: `SideSpec.air_supply`, `.breakout`.)
    # Fortified belts (`[[fortified_belt]]`): their levels shift combat against their side's
    # team's defenders, and an enemy unit entering one of their hexes ends its move there.
    fortified_belts: bool = False


class ScenarioFile(Strict):
    scenario: ScenarioHeader
    sides: dict[SideName, SideSpec]
    teams: dict[Identifier, TeamSpec] = {}
    control: ControlSpec
    templates: dict[Identifier, UnitTemplate] = {}
    units: Annotated[list[UnitSpec], Field(min_length=1)]
    weather: Annotated[list[WeatherPeriod], Field(min_length=1)]
    weather_region: list[WeatherRegionSpec] = []
    victory: VictorySpec
    plans: dict[SideName, PlanSpec] = {}
    knobs: dict[Identifier, KnobSpec] = {}
    historical: HistoricalOutcome | None = None
    measures: list[MeasureSpec] = []
    rules: RulesSpec = RulesSpec()
    fortified_belt: list[FortifiedBelt] = []


def _no_duplicates(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"duplicate {what} {v!r}")
        seen.add(v)
