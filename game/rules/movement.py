"""Movement and zones of control: where a unit may go this phase, at what cost and by which path.

Costs are integers so that replays are exact: one movement point (MP) is 2 cost units, which lets
a road hexside cost half an MP. A unit's allowance for a phase is its MP in cost units at the
scenario's scale (`UnitTable.allowance`: the file's MP, converted when the file writes them for
another hex size or turn length), halved for mechanised units in the exploitation phase
(`movement_allowance`).

Movement classes
----------------
mechanised (armour, mechanised): wheels and tracks, fast on firm ground, helpless in mud;
foot (infantry, artillery): slow but goes almost anywhere; cavalry: horses and sledges, foot costs
that hold up better in snow and mud (the Soviet cavalry corps' deep winter raids of 1942-43).

Cost of entering a hex, in cost units (2 = 1 MP), by the weather and the hex entered
-------------------------------------------------------------------------------------
                 mechanised            foot                  cavalry
  weather   clr for mar hil urb   clr for mar hil urb   clr for mar hil urb
  clear      2   4   6   4   2     2   4   4   4   2     2   4   4   4   2
  frozen     2   4   4   4   2     2   4   2   4   2     2   4   2   4   2
  snow       3   6   4   6   2     3   5   3   5   2     2   4   2   4   2
  thaw       4   6   8   6   2     3   5   6   5   2     3   5   6   5   2
  mud        6   8   -   8   2     4   6   8   6   2     4   6   6   6   2
  rain       3   5   8   5   2     3   4   6   5   2     3   4   6   4   2
  (the sea is never enterable; "-" = impassable)

Ice: water the map says freezes (`HexMap.freezes`: lakes by default, a strait that iced over where
the map says so) carries foot and cavalry in frozen weather: frozen 3 (foot and cavalry), snow 4
(foot) or 3 (cavalry: sledges); in any other weather the ice is gone or unsafe, and it never
carries mechanised units (their columns broke through; Ladoga's ice road carried lorries of
supply, not armour). Units cross ice but never end a move on it (`Reach.cost` is -1 there).

Why: frost makes the steppe and even the floodplain bogs hard going (frozen marsh costs foot no
more than open ground); snowfall slows everyone but horses and sledges; in the thaw and the mud
(rasputitsa) the black-earth steppe turns to glue, and wheeled and tracked columns cannot leave
the roads at all in a bog. The 1943 spring rasputitsa is what stopped Manstein's counterstroke
after Belgorod (18 March 1943, "then the thaw stops everything"): with these numbers a panzer
division (10 MP = 20 units) crosses 10 hexes of open ground in frost but 3 in mud. Built-up areas
cost 1 MP in any weather (paved streets); the fighting in them is the combat rules' business.

Extra cost of crossing a river hexside (added to the cost of the hex entered)
-----------------------------------------------------------------------------
  weather           minor river      major river
  clear             +2 (1 MP)        +4 (2 MP); mechanised +6 (3 MP): bridging columns
  rain              +3               as clear
  frozen, snow       0 (ice)         +2 (1 MP): ice carries men, horses and, picking
                                     the crossings, tanks (the Donets was crossed on
                                     the ice in Feb 1943)
  thaw, mud         +4 (2 MP)        +6 (3 MP) foot and cavalry (boats, ferries);
                                     mechanised: impassable (ice gone, spring flood, Feb-Apr)

Roads and railways
------------------
Moving along a road or railway hexside costs the road rate whatever the terrain entered and any
river crossed (the road has its bridge): 1 unit (half an MP) in clear, rain and frost; 2 units
(1 MP) in snow, thaw and mud. In mud the road is the only practical way for armour (road 2 units
against 6 or more off the road). A railway counts as a road for tactical movement (the embankment,
its service track and its bridges); moving units by train is a separate rule. Water stays
impassable even where a road crosses it, unless frozen ice carries the unit (an ice road).

Weather by region
-----------------
Where the scenario gives regions their own weather, each step pays the weather of the hex it
enters: its terrain, the river crossed into it and the road into it (`game.rules.weather`).

Zones of control
----------------
An active unit with steps left exerts a zone of control (ZOC) over its own hex and the six around
it, but not across an unfrozen major river hexside (frozen = frozen or snow weather) and not into
water (`game.rules.zoc`). For a moving unit, the sides of every other team are enemies; its
teammates' units are friends. The movement rules:

1. Never into a hex holding an enemy unit.
2. Entering an enemy ZOC hex ends the unit's movement there (it may enter if it has the points).
3. Leaving a hex in enemy ZOC costs +2 units (1 MP) extra.
4. No move directly from one enemy ZOC hex into another.
5. A friendly unit (of the mover's team, other than the mover) in a hex negates enemy ZOC
   there for movement: entering it does not stop, leaving it costs nothing extra, and it is not a
   ZOC hex for rule 4. So units can slide along their own line behind friends.
6. Minimum move: a unit that starts in enemy ZOC (not negated) with any allowance left may always
   move one hex, if that hex is otherwise legal (passable, not enemy-held, not ZOC-to-ZOC), even
   when the cost exceeds its allowance; such a move costs the whole allowance.

Because entering a ZOC hex ends movement, only the start hex is ever left while in (un-negated)
enemy ZOC, so rules 3, 4 and 6 apply to the first step only, and a plain Dijkstra over hexes is
exact. A unit stops for the phase when it enters enemy ZOC: `Reach.left_after` gives 0 there,
and the engine must set `movement_left` accordingly.

Stacking: a unit may pass through a full friendly stack but may not end its move where its team
would then have more than `stacking_limit` units (`game.rules.stacking`). Such hexes are reachable (`Reach.through`) but
not destinations (`Reach.cost` is -1 there).

Worked example (clear weather, panzer division with 10 MP = 20 units, starting in enemy ZOC):
step off into a clear hex out of ZOC: 2 (clear) + 2 (leaving ZOC) = 4; then five hexes along a
road: 5 * 1 = 5, total 9; then across a minor river into forest: 4 + 2 = 6, total 15; one more
clear hex next to an enemy unit: 2, total 17, and the division stops there, 3 units unused.

Distance fields for the AI (`movement_field`) use the same hexside costs from many sources at
once, vectorised over the whole map; they block enemy-held hexes but ignore ZOC and stacking.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from game.enums import River, Terrain, UnitKind, Weather
from game.geo import HexMap
from game.kept import Kept
from game.rules import fortification, kernels, stacking
from game.rules.weather import (
    FROZEN_WEATHER,
    HexWeather,
    local_weather,
    per_hex,
    weather_key,
)
from game.rules.zoc import enemy_zone_of_control, occupied_by
from game.scenario.model import Scenario
from game.state import GameState, UnitStatus

IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]
CostTable = npt.NDArray[np.int16]

COST_PER_MP: Final = 2
IMPASSABLE: Final = -1  # in the cost tables and in edge-cost arrays
LEAVE_ZOC_COST: Final = 2  # 1 MP to break contact

_NO_BELTS: Final = np.zeros(0, dtype=np.bool_)  # `kernels.unit_reach`: no belt stops anyone
_FIELD_INFINITY: Final = 1 << 29  # "not reached yet" in distance fields, far above any cost
_ACTIVE: Final = int(UnitStatus.ACTIVE)  # a plain int: enum lookups cost in hot loops
# Hexside cost arrays (and distance-field grounds) kept per MovementRules: one per (class,
# weather) and per (class, weather by hex) met; weather by hex takes one array per distinct
# pattern of the calendar, so a bound of 64 keeps every pattern of a long scenario with several
# regions, the least recently used dropped.
_EDGES_KEPT: Final = 64


class MovementClass(IntEnum):
    """How a unit moves: decides which row of the cost tables it pays."""

    MECHANISED = 0
    FOOT = 1
    CAVALRY = 2


# Indexed by UnitKind code.
MOVEMENT_CLASS: Final = np.array(
    [
        MovementClass.MECHANISED,  # ARMOUR
        MovementClass.MECHANISED,  # MECHANISED
        MovementClass.FOOT,  # INFANTRY
        MovementClass.CAVALRY,  # CAVALRY
        MovementClass.FOOT,  # ARTILLERY
    ],
    dtype=np.uint8,
)
assert len(MOVEMENT_CLASS) == len(UnitKind)
_MECHANISED_KIND: Final = MOVEMENT_CLASS == MovementClass.MECHANISED  # by UnitKind code

_X = IMPASSABLE

# [class, weather, terrain]; weather in Weather code order (clear, frozen, snow, thaw, mud, rain),
# terrain in Terrain code order (clear, forest, marsh, hills, urban, water, lake). The lake column
# is what ice costs: water that freezes is costed in it, water that never does in the water column
# (see `MovementRules.going`). See the docstring.
TERRAIN_COST: Final = np.array(
    [
        [  # mechanised
            [2, 4, 6, 4, 2, _X, _X],  # clear
            [2, 4, 4, 4, 2, _X, _X],  # frozen
            [3, 6, 4, 6, 2, _X, _X],  # snow
            [4, 6, 8, 6, 2, _X, _X],  # thaw
            [6, 8, _X, 8, 2, _X, _X],  # mud
            [3, 5, 8, 5, 2, _X, _X],  # rain
        ],
        [  # foot
            [2, 4, 4, 4, 2, _X, _X],
            [2, 4, 2, 4, 2, _X, 3],
            [3, 5, 3, 5, 2, _X, 4],
            [3, 5, 6, 5, 2, _X, _X],
            [4, 6, 8, 6, 2, _X, _X],
            [3, 4, 6, 5, 2, _X, _X],
        ],
        [  # cavalry
            [2, 4, 4, 4, 2, _X, _X],
            [2, 4, 2, 4, 2, _X, 3],
            [2, 4, 2, 4, 2, _X, 3],
            [3, 5, 6, 5, 2, _X, _X],
            [4, 6, 6, 6, 2, _X, _X],
            [3, 4, 6, 4, 2, _X, _X],
        ],
    ],
    dtype=np.int16,
)

# [class, weather, river] extra cost of crossing the hexside; river in River code order.
RIVER_COST: Final = np.array(
    [
        [[0, 2, 6], [0, 0, 2], [0, 0, 2], [0, 4, _X], [0, 4, _X], [0, 3, 6]],  # mechanised
        [[0, 2, 4], [0, 0, 2], [0, 0, 2], [0, 4, 6], [0, 4, 6], [0, 3, 4]],  # foot
        [[0, 2, 4], [0, 0, 2], [0, 0, 2], [0, 4, 6], [0, 4, 6], [0, 3, 4]],  # cavalry
    ],
    dtype=np.int16,
)

# [class, weather] cost of a road or railway hexside, whatever the terrain and river.
ROAD_COST: Final = np.array(
    [
        [1, 1, 2, 2, 2, 1],
        [1, 1, 2, 2, 2, 1],
        [1, 1, 2, 2, 2, 1],
    ],
    dtype=np.int16,
)

_OPPOSITE: Final = np.array([(d + 3) % 6 for d in range(6)], dtype=np.intp)


def movement_class(kind: int) -> MovementClass:
    """The movement class of a UnitKind code."""
    return MovementClass(int(MOVEMENT_CLASS[kind]))


def is_mechanised(scenario: Scenario, unit: int) -> bool:
    """Armour and motorised units: they move by the mechanised table and exploit."""
    return bool(_MECHANISED_KIND[scenario.units.kind[unit]])


def movement_allowance(
    scenario: Scenario, units: npt.ArrayLike, exploitation: bool = False
) -> IntArray:
    """Cost units each unit may spend in a movement phase (2 per MP).

    In the exploitation phase mechanised units get half (their MP in units) and others none.
    """
    idx = np.asarray(units, dtype=np.intp)
    full = scenario.units.allowance[idx].astype(np.int32)
    if not exploitation:
        return full
    mechanised = MOVEMENT_CLASS[scenario.units.kind[idx]] == MovementClass.MECHANISED
    return np.where(mechanised, full // 2, 0).astype(np.int32)


class MovementRules:
    """The cost tables and the per-(class, weather) hexside cost arrays of one map.

    Build once per scenario (`MovementRules.build`) and pass it to the functions below as
    `rules=`; they build a fresh one when none is given, which is correct but slower. The tables
    default to the module's and may be replaced (counterfactual knobs, tests).
    """

    def __init__(
        self,
        grid: HexMap,
        terrain_cost: CostTable | None = None,
        river_cost: CostTable | None = None,
        road_cost: CostTable | None = None,
    ) -> None:
        self.grid = grid
        self.terrain_cost: CostTable = TERRAIN_COST if terrain_cost is None else terrain_cost
        self.river_cost: CostTable = RIVER_COST if river_cost is None else river_cost
        self.road_cost: CostTable = ROAD_COST if road_cost is None else road_cost
        classes, weathers = len(MovementClass), len(Weather)
        if self.terrain_cost.shape != (classes, weathers, len(Terrain)):
            raise ValueError(f"terrain_cost must have shape {(classes, weathers, len(Terrain))}")
        if self.river_cost.shape != (classes, weathers, len(River)):
            raise ValueError(f"river_cost must have shape {(classes, weathers, len(River))}")
        if self.road_cost.shape != (classes, weathers):
            raise ValueError(f"road_cost must have shape {(classes, weathers)}")
        if np.any(self.terrain_cost[..., Terrain.WATER] != IMPASSABLE):
            raise ValueError("water must be impassable")
        thawed = [w for w in Weather if w not in FROZEN_WEATHER]
        if np.any(self.terrain_cost[:, thawed, Terrain.LAKE] != IMPASSABLE):
            raise ValueError("ice carries nobody outside frozen weather")
        passable = self.terrain_cost[self.terrain_cost != IMPASSABLE]
        if np.any(passable < 1) or np.any(self.road_cost < 1):
            raise ValueError("every hex and road costs at least 1 unit")
        if np.any((self.river_cost < 0) & (self.river_cost != IMPASSABLE)):
            raise ValueError("river costs are >= 0 or IMPASSABLE")
        self._edges: Kept[tuple[int, int | str], IntArray] = Kept(_EDGES_KEPT)
        self._field_grounds: Kept[
            tuple[int, int | str, bool],
            tuple[npt.NDArray[np.intp], IntArray, BoolArray, BoolArray],
        ] = Kept(_EDGES_KEPT)
        water = grid.water
        # [N] the column of the cost tables each hex is costed in: its terrain; LAKE for water
        # whose ice carries men, WATER for water that never does (a lake the map says stays open)
        self.going = np.where(
            water, np.where(grid.freezes, Terrain.LAKE, Terrain.WATER), grid.terrain
        ).astype(np.intp)

    @classmethod
    def build(cls, scenario: Scenario) -> MovementRules:
        return cls(scenario.map)

    def _key(self, klass: int, weather: HexWeather) -> tuple[int, int | str]:
        return int(klass), weather_key(weather)

    def edge_cost(self, klass: int, weather: HexWeather) -> IntArray:
        """[N, 6] int32: cost from h across side d into its neighbour, -1 where impossible.

        `weather` is one code or [N] codes; a step pays the weather of the hex it enters.
        """
        key = self._key(klass, weather)
        cached = self._edges.get(key)
        if cached is not None:
            return cached
        grid = self.grid
        neighbor = grid.neighbor
        on_map = neighbor >= 0
        into = np.where(on_map, neighbor, 0)
        k = key[0]
        codes = per_hex(weather, grid.size)[into]  # [N, 6] weather of the hex entered
        enter = self.terrain_cost[k][codes, self.going[into]].astype(np.int32)
        cross = self.river_cost[k][codes, grid.river].astype(np.int32)
        off_road = np.where((enter < 0) | (cross < 0), IMPASSABLE, enter + cross)
        along = grid.road | grid.rail
        cost = np.where(along, self.road_cost[k][codes].astype(np.int32), off_road)
        cost = cost.astype(np.int32)
        cost[~on_map | (grid.water[into] & (enter < 0))] = IMPASSABLE
        cost.flags.writeable = False
        return self._edges.put(key, cost)

    def field_ground(
        self, klass: int, weather: HexWeather, toward: bool
    ) -> tuple[npt.NDArray[np.intp], IntArray, BoolArray, BoolArray]:
        """(neighbours with N for off the map, push, water nobody sets out from, usable steps)
        of a distance field no unit blocks (`movement_field`): the same for every field of one
        class, weather and direction (the AI's goal fields ask for many), so kept (read-only)."""
        key = (*self._key(klass, weather), toward)
        found = self._field_grounds.get(key)
        if found is not None:
            return found
        grid = self.grid
        n = grid.size
        edge = self.edge_cost(klass, weather)
        neighbor = np.where(grid.neighbor < 0, n, grid.neighbor).astype(np.intp)
        # push[h, d]: cost of the search's step from h to its neighbour on side d. Moving away
        # from the sources that is the move itself; toward them it is the move from the
        # neighbour into h, i.e. the neighbour's cost across the opposite side.
        if toward:
            push = np.where(grid.neighbor >= 0, edge[neighbor.clip(max=n - 1), _OPPOSITE], -1)
        else:
            push = edge
        push = np.ascontiguousarray(push, dtype=np.int32)
        # nobody sets out from water the class cannot enter (ice it can cross is crossed)
        entered = np.zeros(n + 1, dtype=np.bool_)
        entered[neighbor[edge >= 0]] = True
        blocked = grid.water & ~entered[:n]
        usable = np.ascontiguousarray((push >= 0) & ~np.append(blocked, True)[neighbor])
        for layer in (neighbor, push, blocked, usable):
            layer.flags.writeable = False
        return self._field_grounds.put(key, (neighbor, push, blocked, usable))


# --- one unit's moves ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """Everything one unit can reach this phase: costs and cheapest paths from its hex.

    `cost[h]` is the cost of a move ending at h (-1 where the unit may not end: unreachable, or
    over the stacking limit). `through[h]` is the cost of reaching h at all, passing through full
    stacks included. `came_from[h]` is the previous hex on the cheapest path (-1 at the start and
    where unreached). `stops[h]` marks hexes where arriving ends the unit's movement (enemy ZOC).
    Equal-cost paths are broken deterministically: the hex index order of the Dijkstra queue.
    """

    unit: int
    start: int
    allowance: int
    cost: IntArray
    through: IntArray
    came_from: IntArray
    stops: BoolArray
    found: IntArray  # `destinations()`, found with the rest

    def destinations(self) -> IntArray:
        """Hexes where the unit may end its move, the start hex included, in index order
        (read-only)."""
        return self.found

    def can_end(self, h: int) -> bool:
        return bool(self.cost[h] >= 0)

    def path_to(self, h: int) -> list[int]:
        """The cheapest path from the start to h, both ends included."""
        if self.through[h] < 0:
            raise ValueError(f"hex {h} is not reachable by unit {self.unit}")
        path = [h]
        while path[-1] != self.start:
            path.append(int(self.came_from[path[-1]]))
        path.reverse()
        return path

    def left_after(self, h: int) -> int:
        """Cost units the unit keeps after moving to h (0 if h is in enemy ZOC)."""
        if self.cost[h] < 0:
            raise ValueError(f"unit {self.unit} may not end its move at hex {h}")
        return 0 if self.stops[h] else self.allowance - int(self.cost[h])

    def as_dict(self) -> dict[int, tuple[int, list[int]]]:
        """{destination: (cost, path)} for every legal destination."""
        return {int(h): (int(self.cost[h]), self.path_to(int(h))) for h in self.destinations()}


_MoveArgs = tuple[
    int, int, IntArray, npt.NDArray[np.uint8], BoolArray, BoolArray, BoolArray, BoolArray,
    BoolArray, int, int, IntArray, IntArray, int,
]  # fmt: skip


def _move_args(
    scenario: Scenario,
    state: GameState,
    unit: int,
    allowance: int | None,
    rules: MovementRules | None,
    enemy_zone: BoolArray | None = None,
) -> _MoveArgs:
    """What one unit's move depends on, as the compiled search and path check take it: the unit,
    its allowance, where every unit stands, who is hostile and friendly to it, the enemies' zone of
    control, standing enemy belts, water (units cross ice but never end a move on it), the
    stacking limit and the hexside costs of its class in the turn's weather."""
    if rules is None:
        rules = MovementRules.build(scenario)
    if state.status[unit] != _ACTIVE or state.hex[unit] < 0:
        raise ValueError(f"unit {unit} is not on the map")
    units = scenario.units
    side = int(units.side[unit])
    turn = _turn_ground(rules, scenario, int(state.turn))
    if allowance is None:
        allowance = int(state.movement_left[unit])
    if enemy_zone is None:
        enemy_zone = enemy_zone_of_control(scenario, state, side, turn.weather)
    belts = fortification.enemy_belts(scenario, state, side) if turn.belts else None
    return (
        unit,
        max(0, int(allowance)),
        state.hex,
        state.status,
        scenario.unit_hostile[side],
        scenario.unit_friendly[side],
        enemy_zone,
        _NO_BELTS if belts is None else belts,
        turn.water,
        turn.limit,
        _ACTIVE,
        scenario.map.neighbor,
        turn.edges[int(MOVEMENT_CLASS[units.kind[unit]])],
        LEAVE_ZOC_COST,
    )


@dataclass(frozen=True, eq=False)
class _TurnGround:
    """What every move of a turn shares: the weather, water, the stacking limit, whether belts
    can stop anyone, and the hexside costs of each movement class."""

    weather: HexWeather
    water: BoolArray
    limit: int
    belts: bool
    edges: tuple[IntArray, ...]


@lru_cache(maxsize=64)
def _turn_ground(rules: MovementRules, scenario: Scenario, turn: int) -> _TurnGround:
    """Kept by cost tables, scenario and turn: every move searched or checked asks for it."""
    weather = local_weather(scenario, turn)
    return _TurnGround(
        weather=weather,
        water=scenario.map.water,
        limit=stacking.limit(scenario),
        belts=fortification.switched_on(scenario),
        edges=tuple(rules.edge_cost(k, weather) for k in range(len(rules.terrain_cost))),
    )


def legal_moves(
    scenario: Scenario,
    state: GameState,
    unit: int,
    allowance: int | None = None,
    *,
    rules: MovementRules | None = None,
    enemy_zone: BoolArray | None = None,
) -> Reach:
    """Every hex `unit` can reach with `allowance` cost units (default: its `movement_left`).

    Dijkstra from the unit's hex over the hexside costs of its class and the turn's weather (hex
    by hex where regions have their own), with the ZOC, enemy and stacking rules of the module
    docstring (`kernels.unit_reach` runs it). The start hex is a destination at cost 0.
    `enemy_zone`: the unit's enemies' `zoc.enemy_zone_of_control` in `state`, when the caller
    keeps it (a side's phase moves only its own units).
    """
    args = _move_args(scenario, state, unit, allowance, rules, enemy_zone)
    cost, through, came_from, stops, found = kernels.unit_reach(*args)
    found.flags.writeable = False
    return Reach(
        unit=unit,
        start=int(state.hex[unit]),
        allowance=int(args[1]),
        cost=cost,
        through=through,
        came_from=came_from,
        stops=stops,
        found=found,
    )


def move_path_cost(
    scenario: Scenario,
    state: GameState,
    unit: int,
    path: list[int] | tuple[int, ...] | IntArray,
    allowance: int | None = None,
    *,
    rules: MovementRules | None = None,
) -> int | None:
    """The cost of moving `unit` along `path` (start hex first), or None if the move is illegal.

    The same rules as `legal_moves`: a legal path need not be the cheapest, but the cheapest
    path `legal_moves` returns costs exactly `Reach.cost` here.
    """
    checked = check_move(scenario, state, unit, path, allowance, rules=rules)
    return None if checked is None else checked[0]


def check_move(
    scenario: Scenario,
    state: GameState,
    unit: int,
    path: list[int] | tuple[int, ...] | IntArray,
    allowance: int | None = None,
    *,
    rules: MovementRules | None = None,
) -> tuple[int, bool] | None:
    """`move_path_cost` and whether the move ends in enemy ZOC (the unit stops for the phase),
    or None if the move is illegal. One compiled pass over the path's hexes (`kernels.path_cost`):
    the engine checks every move."""
    args = _move_args(scenario, state, unit, allowance, rules)
    cost, stops = kernels.path_cost(*args, np.asarray(path, dtype=np.int64))
    return None if cost < 0 else (int(cost), bool(stops))


def legal_prefix(
    scenario: Scenario,
    state: GameState,
    unit: int,
    path: list[int] | tuple[int, ...],
    allowance: int | None = None,
    *,
    rules: MovementRules | None = None,
) -> int:
    """How many hexes of `path` (start hex excluded) the unit may move along: the longest legal
    part of a move ordered on what its side could see."""
    args = _move_args(scenario, state, unit, allowance, rules)
    hexes = np.array([state.hex[unit], *path], dtype=np.int64)
    for k in range(len(hexes) - 1, 0, -1):
        if kernels.path_cost(*args, hexes[: k + 1])[0] >= 0:
            return k
    return 0



# --- distance fields -----------------------------------------------------------------------------


def movement_field(
    scenario: Scenario,
    state: GameState,
    side: int | None,
    sources: npt.ArrayLike,
    klass: int,
    weather: HexWeather,
    *,
    toward: bool = False,
    rules: MovementRules | None = None,
) -> IntArray:
    """[N] int32 cost-distance field from the nearest source (-1 where unreachable).

    `toward=False`: cost of moving from a source to each hex. `toward=True`: cost of moving from
    each hex to the nearest source (hexside costs are not symmetric: they depend on the hex
    entered), which is what an AI wants as a field toward its objectives.

    Water the class cannot cross in this weather and hexes holding units of a side other than
    `side` are blocked (neither entered, left nor passed), except the sources themselves, so an
    enemy-held objective still has a field (`side=None` blocks only water). `weather` is one
    code or [N] codes (`weather.local_weather`): each step pays the weather of the hex entered. ZOC, stacking and the allowance are ignored: this is a
    planning distance, not a legal move (`kernels.field` runs the search).
    """
    if rules is None:
        rules = MovementRules.build(scenario)
    grid = scenario.map
    neighbor, push, water_blocked, usable = rules.field_ground(klass, weather, toward)
    source_index = np.asarray(sources, dtype=np.intp).ravel()
    if side is not None or water_blocked[source_index].any():
        blocked = water_blocked.copy()
        if side is not None:
            blocked |= occupied_by(scenario, state, scenario.unit_hostile[side])
        blocked[source_index] = False
        usable = (push >= 0) & ~np.append(blocked, True)[neighbor]
    dist = kernels.field(
        source_index.astype(np.int64), grid.neighbor, push, usable, _FIELD_INFINITY
    )
    result: IntArray = np.where(dist >= _FIELD_INFINITY, -1, dist).astype(np.int32)
    return result
