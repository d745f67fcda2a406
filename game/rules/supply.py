"""Supply and encirclement: sources, the supply trace, out-of-supply effects and pockets.

Sources (for side S; teammates share everything here: S's team is meant by "S" below)
    * gateways, where supply comes in from outside the map, each while the team holds it:
      - hexes on the `supply_edges` map edges of S's team's sides;
      - ports (`port` cities), when a side of the team has `ports = true` (it rules the sea):
        ships land supply there;
      - the `supply_sources` places and points of S's team's sides;
    * the railway network: from the gateways supply floods along `rail` hexsides through
      team-held hexes, and every rail hex it reaches is a source (trains bring supply forward);
      with `[rules] rail_repair_days`, only through hexes held since the start or taken at least
      that long ago (`rail_repaired`: a captured line is relaid before trains run on it);
      a `railhead` city is a source exactly when this flood reaches it, so a railhead cut off from
      the gateways by the enemy feeds nothing;
    * team-held `depot` cities: stocked, they supply on their own (but feed no railway).
    Every source hex, and every hex the rail flood passes, must also be *passable* (below).

The trace
    Supply runs overland from the sources up to `effective_reach` hexes. A hex passes supply on
    when it is *passable*: ground a unit can be on (`weather.passable_ground`: land, and ice that
    the weather freezes), no enemy unit in it, and not in enemy zone of control unless
    a friendly unit stands there (a contested hex). Enemy ZOC is the movement rules' own
    (`game.rules.zoc`: it does not cross an unfrozen major river). A hex that is enterable (that ground, no enemy
    unit) but lies in uncontested enemy ZOC receives supply as the last step of a trace and passes
    none on: a unit that moves there contests it and is in supply.
    Distances are counted in half-hexes: a step across a road hexside costs 1, any other step 2,
    so a road doubles the reach along it. Reach is the side's `supply_reach_km` (knobs applied) in
    hexes of the map (`Scenario.supply_reach`), shortened by the weather of the turn
    (`WEATHER_REACH`, integer rounding):

        clear, frozen  full reach
        snow, rain     reach - 10 km   (drifts; summer downpours turn the tracks to mud for a day)
        thaw           reach * 3/4     (-25 %, rounded half up: 8 -> 6, 6 -> 5)
        mud            reach / 2       (rounded up: 8 -> 4, 6 -> 3, 5 -> 3)

    never below 1. (On 10 km hexes 80 km is 8 hexes and snow takes one.) Where regions have
    weather of their own, a hex is in supply when its distance is within the reach of its own
    hex's weather, and the trace passes on only through hexes it reached: supply crosses a
    region in mud no farther than the mud allows. A hex is *isolated* when no source can be
    reached from it at any range: a pocket truly cut off, as opposed to a unit merely beyond its
    reach.

Out of supply (`GameState.supply[u]` counts whole turns out of supply; 0 = in supply). The stages
are set in days (`STAGE_DAYS`) and counted in turns by the scenario's scale (`stage_turns`); on
2-day turns stage n begins with the n-th turn out of supply:
    1 (2 days)  weakened: the combat core halves attack (`combat_reference.supply_class` 1 for
                stages 1-2; the core is handed the stage, `supply_stage`, not the counter)
    2 (4 days)  no replacements
    3 (6 days)  attrition: each supply phase the unit loses one step when its die shows
                <= `attrition_face` (a 1 in 3 chance on a d6 every 2 days: 2 on 2-day turns, 1 on
                1-day turns); the combat core also cuts its defence to 2/3 (`supply_class` 2).
                A unit whose last step goes is ELIMINATED.
    4 (8 days)  and isolated: the unit surrenders (SURRENDERED, off the map, every step it has
                left is lost). A surrendering unit does not roll for attrition in the same phase.
    A unit back in supply resets to 0 at once. A side with `air_supply` keeps some of its
    out-of-supply units that can reach a held airfield in supply (`game.rules.airlift`); with
    its `hunger_days`, those it reaches but cannot feed may lose a step on their die (hunger).

Losses. A unit of `men` and `max_steps` steps has `men * steps // max_steps` men while it has
`steps` steps (`strength_at`); a step lost costs the difference, so for every unit
men at the start = men present + `men_lost`, exactly, whatever the rounding. Tanks likewise.

Randomness. `update_supply` takes one die per unit of the scenario (all of them, in unit order,
whether or not they roll), drawn up front by the caller from the game's Generator:
``draws = rng.integers(1, DIE_FACES + 1, size=draws_needed(scenario))``.

Array form. Everything is whole-map array work over the `[N, 6]` neighbour table, written for
arrays with any leading axes (`[..., N]`) so that a batch of games in lockstep is the same code:
the reach trace is a Bellman-Ford relaxation (one round = every hex takes its neighbours' best
offer), connectivity (railway network, isolation, pockets) is min-label propagation with pointer
jumping. The only Python loops run over rounds, sides, cities and pockets, never over hexes.
Every side of another team counts as S's enemy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from game import hexgrid
from game.enums import Weather
from game.kept import KeptFor
from game.rules import airlift, kernels
from game.rules.control import friendly_ground
from game.rules.losses import tanks_present
from game.rules.weather import (
    hex_weather,
    local_weather,
    passable_ground,
    uniform,
    weather_of_turn,
)
from game.rules.zoc import enemy_zone_of_control
from game.scenario.model import Scenario
from game.scenario.schema import SideSpec
from game.state import GameState, UnitStatus

Bool = npt.NDArray[np.bool_]
I32 = npt.NDArray[np.int32]

DIE_FACES: Final = 6
# Days out of supply at which each stage begins: weakened, no replacements, attrition, surrender.
STAGE_DAYS: Final = (2, 4, 6, 8)
WEAKENED, NO_REPLACEMENTS, ATTRITION, SURRENDER = 1, 2, 3, 4
ATTRITION_CHANCE: Final = 1 / 3  # of losing a step, every ATTRITION_DAYS days in attrition
ATTRITION_DAYS: Final = 2
SNOW_REACH_KM: Final = 10.0  # what drifts and downpours take off the reach

# Half-hexes per step: a road hexside halves the cost of the step.
STEP_COST = 2
ROAD_STEP_COST = 1
_FAR = np.int32(1 << 24)  # "not reached"; far above any reach, far below int32 overflow

# (numerator, denominator, minus km) per weather: reach * num / den rounded half up, then less
# the minus in hexes of the map.
WEATHER_REACH: dict[Weather, tuple[int, int, float]] = {
    Weather.CLEAR: (1, 1, 0.0),
    Weather.FROZEN: (1, 1, 0.0),
    Weather.SNOW: (1, 1, SNOW_REACH_KM),
    Weather.RAIN: (1, 1, SNOW_REACH_KM),
    Weather.THAW: (3, 4, 0.0),
    Weather.MUD: (1, 2, 0.0),
}

_SUPPLY_ROLES = {"none": 0, "railhead": 1, "depot": 2}
RAILHEAD = 1
DEPOT = 2
_ACTIVE = int(UnitStatus.ACTIVE)
_NO_HEXSIDE = np.zeros((1, 6), dtype=np.bool_)  # the hexside layer of a flood that takes none


# --- reach and stages ----------------------------------------------------------------------------


def weather_reach(reach: int, weather: int, minus_hexes: int = 1) -> int:
    """Supply reach in hexes under `weather` (see the module docstring), at least 1;
    `minus_hexes` is what snow and rain take off, in hexes (one on 10 km hexes)."""
    numerator, denominator, minus = WEATHER_REACH[Weather(weather)]
    scaled = (2 * reach * numerator + denominator) // (2 * denominator)  # round half up
    return max(1, scaled - (minus_hexes if minus else 0))


@lru_cache(maxsize=32)
def reach_by_weather(scenario: Scenario, side: int) -> I32:
    """[weather code] the side's supply reach in hexes under each weather (kept by scenario and
    side, read-only: every supply trace asks for it)."""
    minus = scenario.scale.hexes(SNOW_REACH_KM, minimum=0)
    reach = scenario.supply_reach.get(side, 1)
    table = np.array([weather_reach(reach, int(w), minus) for w in Weather], dtype=np.int32)
    table.flags.writeable = False
    return table


def effective_reach(scenario: Scenario, side: int, turn: int) -> int:
    """The side's supply reach in hexes on `turn`, under the map-wide weather."""
    weather = weather_of_turn(scenario, min(max(turn, 1), scenario.turns))
    return int(reach_by_weather(scenario, side)[weather])


def hex_reach(scenario: Scenario, side: int, turn: int) -> int | I32:
    """The side's reach on `turn` under the weather of each hex: one number while every hex
    shares one weather, else [N] (see the module docstring; read-only)."""
    return _hex_reach(scenario, side, min(max(turn, 1), scenario.turns))


@lru_cache(maxsize=256)
def _hex_reach(scenario: Scenario, side: int, turn: int) -> int | I32:
    """Kept by scenario, side and turn: every supply trace asks for it."""
    table = reach_by_weather(scenario, side)
    weather = local_weather(scenario, turn)
    code = uniform(weather)
    if code is not None:
        return int(table[code])
    found: I32 = table[np.asarray(weather, dtype=np.intp)]
    found.flags.writeable = False
    return found


def stage_turns(scenario: Scenario) -> tuple[int, ...]:
    """Turns out of supply at which each stage of `STAGE_DAYS` begins on this scenario's turns."""
    return tuple(scenario.scale.turns(days) for days in STAGE_DAYS)


def supply_stage(scenario: Scenario, counter: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """The stage (0 in supply .. SURRENDER) of units `counter` turns out of supply: how many
    stages' first turns it has reached (they rise with STAGE_DAYS)."""
    count = np.asarray(counter, dtype=np.int32)
    stage: npt.NDArray[np.uint8] = np.searchsorted(
        _stage_starts(scenario), count, side="right"
    ).astype(np.uint8)
    return stage


@lru_cache(maxsize=16)
def _stage_starts(scenario: Scenario) -> npt.NDArray[np.int32]:
    """`stage_turns`, as the array `supply_stage` searches (asked for at every attack scored)."""
    turns = np.asarray(stage_turns(scenario), dtype=np.int32)
    assert (np.diff(turns) >= 0).all(), "STAGE_DAYS must rise"
    turns.flags.writeable = False
    return turns


def attrition_face(scenario: Scenario) -> int:
    """The highest die face (of DIE_FACES) that costs a step in one supply phase: the chance of
    ATTRITION_CHANCE every ATTRITION_DAYS days, spread over this scenario's turn length."""
    kept = (1.0 - ATTRITION_CHANCE) ** (scenario.scale.days_per_turn / ATTRITION_DAYS)
    face = math.floor(DIE_FACES * (1.0 - float(kept)) + 0.5)
    return min(DIE_FACES - 1, max(1, face))


def draws_needed(scenario: Scenario) -> int:
    """Dice `update_supply` takes: one per unit, ``rng.integers(1, DIE_FACES + 1, size=n)``."""
    return scenario.units.count


def strength_at(total: npt.ArrayLike, steps: npt.ArrayLike, max_steps: npt.ArrayLike) -> I32:
    """Men (or tanks) a unit has with `steps` of `max_steps` steps: total * steps // max_steps."""
    t = np.asarray(total, dtype=np.int64)
    s = np.clip(np.asarray(steps, dtype=np.int64), 0, None)
    m = np.maximum(np.asarray(max_steps, dtype=np.int64), 1)
    return (t * s // m).astype(np.int32)


# --- array kernels (any leading axes) ------------------------------------------------------------


def _links(neighbor: I32, hexside: Bool | None = None) -> npt.NDArray[np.intp]:
    """[6, N] source hex of each hex's six incoming links; N (a sentinel slot) where the
    neighbour is off the map or, when `hexside` ([N, 6]) is given, the hexside is not marked.

    Direction-major, so that a gather `layer[..., links]` is [..., 6, N] and reducing over the
    six directions is five elementwise passes over contiguous rows. A finished map's own links
    are kept (every supply trace asks for them).
    """
    if hexside is None and not neighbor.flags.writeable:
        return _map_links.get_or_make(neighbor, lambda: _make_links(neighbor, None))
    return _make_links(neighbor, hexside)


# `_links` of finished maps' neighbour tables, by identity. At most _MAP_LINKS_KEPT.
_MAP_LINKS_KEPT: Final = 8
_map_links: KeptFor[I32, npt.NDArray[np.intp]] = KeptFor(_MAP_LINKS_KEPT)


def _make_links(neighbor: I32, hexside: Bool | None) -> npt.NDArray[np.intp]:
    """`_links`, made (read-only: gathers read it, and a finished map's are shared)."""
    n = neighbor.shape[0]
    keep = neighbor >= 0 if hexside is None else (neighbor >= 0) & hexside
    links: npt.NDArray[np.intp] = np.ascontiguousarray(np.where(keep, neighbor, n).T, np.intp)
    links.flags.writeable = False
    return links


def _padded(layer: npt.NDArray[np.generic], fill: int | bool) -> npt.NDArray[np.generic]:
    """`layer` [..., N] with one sentinel slot N of `fill` appended."""
    pad = np.full((*layer.shape[:-1], 1), fill, dtype=layer.dtype)
    return np.concatenate([layer, pad], axis=-1)


def _any_neighbor(layer: Bool, links: npt.NDArray[np.intp]) -> Bool:
    """True where some linked neighbour is True in `layer` ([..., N])."""
    return np.asarray(_padded(layer, False)[..., links].any(axis=-2), dtype=np.bool_)


def _components(neighbor: I32, nodes: Bool, hexside: Bool | None = None) -> I32:
    """Connected components of `nodes` ([..., N]) over neighbour links (only across `hexside`
    ([N, 6]) when given): each node gets the smallest hex index of its component, others N.

    Min-label propagation with pointer jumping: a label is always a hex of the same component,
    so `labels[labels]` lets a small label jump along whole chains at once and the number of
    rounds grows with the log of a component's length rather than with its length.
    """
    if nodes.ndim == 1:  # one game: a compiled flood fill gives the same labels
        rail = hexside if hexside is not None else np.zeros((1, 6), dtype=np.bool_)
        return kernels.components(neighbor, nodes, rail, hexside is not None)
    links = _links(neighbor, hexside)
    n = neighbor.shape[0]
    none = np.int32(n)
    labels: I32 = np.where(nodes, np.arange(n, dtype=np.int32), none).astype(np.int32)
    buffer = np.full((*labels.shape[:-1], n + 1), none, dtype=np.int32)
    while True:
        buffer[..., :n] = labels
        offer = buffer[..., links].min(axis=-2)
        buffer[..., :n] = np.where(nodes, np.minimum(labels, offer), none)
        grown = np.take_along_axis(buffer, buffer[..., :n], axis=-1)  # jump to the label's label
        if np.array_equal(grown, labels):
            return labels
        labels = grown


def _connected(neighbor: I32, nodes: Bool, seeds: Bool, hexside: Bool | None = None) -> Bool:
    """`nodes` hexes in a component (see `_components`) that holds a seed."""
    n = neighbor.shape[0]
    if nodes.ndim == 1:  # one game: a compiled flood from the seeds finds the same hexes
        rail = hexside if hexside is not None else _NO_HEXSIDE
        found: Bool = kernels.joined(neighbor, nodes, seeds, rail, hexside is not None)
        return found
    labels = _components(neighbor, nodes, hexside)
    has_seed = np.zeros((*labels.shape[:-1], n + 1), dtype=np.bool_)
    np.put_along_axis(has_seed, np.where(seeds & nodes, labels, n), True, axis=-1)
    has_seed[..., n] = False
    connected: Bool = np.take_along_axis(has_seed, labels, axis=-1)
    return connected


def _distance(
    neighbor: I32,
    step_cost: I32,
    sources: Bool,
    spread: Bool,
    enterable: Bool,
    limit: npt.ArrayLike,
    per_hex: bool = False,
) -> I32:
    """Half-hex distance from the nearest source, `_FAR` beyond `limit` or unreachable.

    `limit` is one number, one per game ([...]), or with `per_hex` one per hex ([..., N]): a hex
    beyond its own limit is not reached and passes nothing on.
    `step_cost` is [N, 6]: the cost of entering h across its side d. Bellman-Ford relaxation over
    the neighbour table: every round each hex takes the best offer of its six neighbours. Costs
    are >= 1, so `limit` rounds always settle it; the loop stops at the first idle round.
    """
    n = neighbor.shape[0]
    if sources.ndim == 1:  # one game: a compiled Dijkstra under the same caps
        caps = np.broadcast_to(np.asarray(limit, dtype=np.int32), (n,))
        return kernels.capped_distance(
            neighbor,
            np.ascontiguousarray(step_cost, dtype=np.int32),
            sources,
            spread,
            enterable,
            np.ascontiguousarray(caps),
            int(_FAR),
        )
    links = _links(neighbor)
    cost = np.ascontiguousarray(step_cost.T, dtype=np.int32)
    cap = np.asarray(limit, dtype=np.int32)
    if cap.ndim and not per_hex:
        cap = cap[..., None]
    dist: I32 = np.where(sources, np.int32(0), _FAR).astype(np.int32)
    buffer = np.full((*dist.shape[:-1], n + 1), _FAR, dtype=np.int32)
    for _ in range(int(np.max(cap)) + 1):
        buffer[..., :n] = np.where(spread, dist, _FAR)
        offer = (buffer[..., links] + cost).min(axis=-2)
        best = np.where(enterable & (offer <= cap), np.minimum(dist, offer), dist)
        if np.array_equal(best, dist):
            break
        dist = best.astype(np.int32)
    return dist


# --- the ground as one side sees it ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SupplyGround:
    """The hex layers one side's supply trace runs over (all [N])."""

    side: int
    friendly: Bool  # a friendly active unit stands here
    enemy: Bool  # an enemy active unit stands here
    enemy_zoc: Bool  # in enemy zone of control (contested or not)
    enterable: Bool  # ground a unit can be on this turn (land, frozen ice), no enemy unit
    passable: Bool  # enterable and (not in enemy ZOC or contested): passes supply on
    sources: Bool  # gateways (edges, ports, named sources), the railway they feed, and depots


_ROLES_KEPT = 8
_roles: dict[str, npt.NDArray[np.uint8]] = {}


def _city_roles(scenario: Scenario) -> npt.NDArray[np.uint8]:
    """[N] each hex's supply role (railhead, depot): a map's own, kept by its fingerprint."""
    key = scenario.map.fingerprint()
    roles = _roles.get(key)
    if roles is None:
        roles = np.zeros(scenario.map.size, dtype=np.uint8)
        for city in scenario.map.cities:
            roles[city.hex] = max(roles[city.hex], _SUPPLY_ROLES[city.supply])
        roles.flags.writeable = False
        if len(_roles) >= _ROLES_KEPT:
            _roles.pop(next(iter(_roles)))
        _roles[key] = roles
    return roles


def _team_specs(scenario: Scenario, side: int) -> list[SideSpec]:
    """The file's entries of `side` and its teammates."""
    team = scenario.side_table.team
    return [
        scenario.spec.sides[name]
        for other, name in enumerate(scenario.side_table.ids)
        if team[other] == team[side]
    ]


@lru_cache(maxsize=32)
def gateways(scenario: Scenario, side: int) -> Bool:
    """[N] hexes where supply enters for `side`'s team while the team holds them: its sides'
    map edges, the ports when one of them rules the sea, and their `supply_sources` (kept by
    scenario and side, read-only: every supply trace asks for them)."""
    found = _gateways(scenario, side)
    found.flags.writeable = False
    return found


def _gateways(scenario: Scenario, side: int) -> Bool:
    grid = scenario.map
    found = np.zeros(grid.size, dtype=np.bool_)
    specs = _team_specs(scenario, side)
    for spec in specs:
        for edge_name in spec.supply_edges:
            found |= grid.edge[edge_name]
        for point in spec.supply_sources:
            h = grid.hex_of_point(point)
            if h >= 0:
                found[h] = True
    if any(spec.ports for spec in specs):
        for city in grid.cities:
            if city.port:
                found[city.hex] = True
    return found


def rail_repaired(scenario: Scenario, state: GameState) -> Bool:
    """[N] hexes whose railway carries its holder's trains: held since the start, or taken at
    least the file's `rail_repair_days` ago (every hex, with no repair delay)."""
    days = scenario.rules.rail_repair_days
    if days <= 0:
        return np.ones(scenario.map.size, dtype=np.bool_)
    since = state.turn - state.control_changed.astype(np.int32)
    repaired: Bool = (state.control_changed == 0) | (since >= scenario.scale.turns(days))
    return repaired


def supply_ground(
    scenario: Scenario, state: GameState, side: int, enemy_zoc: Bool | None = None
) -> SupplyGround:
    """Occupation, ZOC, passability and supply sources for `side`'s team (the sides of every
    other team are enemies). `enemy_zoc` defaults to the movement rules' ZOC of the enemy.

    Ground a unit can be on with no enemy unit in it is enterable, and passable unless enemy ZOC
    covers it with no friend standing there. The sources are the gateways the team holds on
    passable ground, the railway joined to them over held, repaired, passable railway hexes
    (railheads on it), and depots the team holds (`kernels.supply_layers`, one compiled pass:
    every supply trace starts here)."""
    grid = scenario.map
    weather = hex_weather(scenario, state)
    if enemy_zoc is None:
        enemy_zoc = enemy_zone_of_control(scenario, state, side, weather)
    friendly, enemy, enterable, passable, sources = kernels.supply_layers(
        state.hex,
        state.status,
        _ACTIVE,
        scenario.unit_friendly[side],
        scenario.unit_hostile[side],
        passable_ground(grid, weather),
        enemy_zoc,
        friendly_ground(scenario, state.control, side),
        rail_repaired(scenario, state),
        gateways(scenario, side),
        grid.rail,
        grid.neighbor,
        _city_roles(scenario),
        DEPOT,
    )
    return SupplyGround(side, friendly, enemy, enemy_zoc, enterable, passable, sources)


@lru_cache(maxsize=8)
def _step_cost(scenario: Scenario) -> I32:
    """[N, 6] half-hexes a trace pays across each hexside (kept by scenario)."""
    cost: I32 = np.where(scenario.map.road, ROAD_STEP_COST, STEP_COST).astype(np.int32)
    cost.flags.writeable = False
    return cost


def _supply_distance(scenario: Scenario, state: GameState, ground: SupplyGround) -> I32:
    reach = hex_reach(scenario, ground.side, state.turn)
    limit = STEP_COST * np.asarray(reach, dtype=np.int32)
    dist = _distance(
        scenario.map.neighbor,
        _step_cost(scenario),
        ground.sources,
        ground.passable,
        ground.enterable,
        limit,
        per_hex=limit.ndim > 0,
    )
    result: I32 = np.where(dist <= limit, dist, -1).astype(np.int32)
    return result


def supply_distance(
    scenario: Scenario, state: GameState, side: int, enemy_zoc: Bool | None = None
) -> I32:
    """Half-hex distance of every hex from `side`'s supply, within this turn's reach, else -1."""
    return _supply_distance(scenario, state, supply_ground(scenario, state, side, enemy_zoc))


def trace_supply(
    scenario: Scenario, state: GameState, side: int, enemy_zoc: Bool | None = None
) -> Bool:
    """Hexes in `side`'s supply this turn: bool[N]."""
    in_supply: Bool = supply_distance(scenario, state, side, enemy_zoc) >= 0
    return in_supply


def isolated(
    scenario: Scenario, state: GameState, side: int, enemy_zoc: Bool | None = None
) -> Bool:
    """Hexes from which no `side` source can be reached at any range: bool[N].

    Water and enemy-held hexes count as isolated too (nothing of `side` can stand there).
    """
    ground = supply_ground(scenario, state, side, enemy_zoc)
    return _isolated(scenario, ground)


def _isolated(scenario: Scenario, ground: SupplyGround) -> Bool:
    neighbor = scenario.map.neighbor
    if ground.passable.ndim == 1:  # one game: the compiled form of the lines below
        found: Bool = kernels.cut_off(neighbor, ground.passable, ground.enterable, ground.sources)
        return found
    linked = _connected(neighbor, ground.passable, ground.sources)
    # an enterable hex next to a linked passable hex is reached as the trace's last step
    last_step = _any_neighbor(linked, _links(neighbor))
    cut: Bool = ~(linked | (last_step & ground.enterable))
    return cut


def unit_supply(scenario: Scenario, state: GameState) -> Bool:
    """bool[U]: each active unit's hex is in its own side's supply; False off the map."""
    result = np.zeros(scenario.units.count, dtype=np.bool_)
    on_map = state.active & (state.hex >= 0)
    for side in scenario.sides:
        mine = on_map & (scenario.units.side == side)
        result[mine] = trace_supply(scenario, state, side)[state.hex[mine]]
    return result


# --- pockets -------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Pocket:
    """Isolated units of one side that share one cut-off area."""

    side: int
    hexes: I32  # hexes the pocket's units stand on, sorted
    units: I32  # unit ids, sorted
    men: int
    tanks: int
    city: int  # hex of the city nearest to the pocket's units (-1 on a map without cities)


def _pockets(
    scenario: Scenario, state: GameState, ground: SupplyGround, cut: Bool, in_supply: Bool
) -> list[Pocket]:
    """Group the side's isolated, out-of-supply units by the cut-off area they stand in.

    The area is every enterable isolated hex, so two divisions two hexes apart inside one ring
    are one pocket even when an empty enemy-ZOC hex lies between them.
    """
    units = scenario.units
    on_map = state.active & (state.hex >= 0) & (units.side == ground.side)
    hexes = np.where(on_map, state.hex, 0)
    trapped = on_map & cut[hexes] & ~in_supply[hexes]
    if not trapped.any():
        return []
    labels = _components(scenario.map.neighbor, cut & ground.enterable)
    members = np.nonzero(trapped)[0].astype(np.int32)
    groups, which = np.unique(labels[state.hex[members]], return_inverse=True)
    grid = scenario.map
    city_hex = np.array([c.hex for c in grid.cities], dtype=np.int32)
    men = strength_at(units.men, state.steps, units.max_steps)
    tanks = tanks_present(scenario, state.steps, np.arange(units.count))
    pockets: list[Pocket] = []
    for g in range(len(groups)):
        who = members[which == g]
        where = np.unique(state.hex[who]).astype(np.int32)
        city = -1
        if len(city_hex):
            d = hexgrid.distance_array(
                grid.q[where][:, None], grid.r[where][:, None], grid.q[city_hex], grid.r[city_hex]
            )
            city = int(city_hex[int(np.argmin(d.min(axis=0)))])
        pockets.append(
            Pocket(
                side=ground.side,
                hexes=where,
                units=who,
                men=int(men[who].sum()),
                tanks=int(tanks[who].sum()),
                city=city,
            )
        )
    pockets.sort(key=lambda p: (-p.men, int(p.hexes[0])))
    return pockets


def find_pockets(
    scenario: Scenario, state: GameState, side: int, enemy_zoc: Bool | None = None
) -> list[Pocket]:
    """The side's pockets: isolated out-of-supply units grouped by area, biggest first."""
    ground = supply_ground(scenario, state, side, enemy_zoc)
    cut = _isolated(scenario, ground)
    units = scenario.units
    mine = state.active & (state.hex >= 0) & (units.side == side)
    if not cut[state.hex[mine]].any():
        return []  # nobody stands on cut-off ground: no pocket, whatever the trace's reach
    in_supply = _supply_distance(scenario, state, ground) >= 0
    return _pockets(scenario, state, ground, cut, in_supply)


# --- the supply phase ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SupplyReport:
    """What one side's supply phase did; unit ids as int32 arrays, sorted."""

    side: int
    out_of_supply: I32  # every unit of the side out of supply this phase
    newly_out: I32  # ... of which cut off this phase (counter went 0 -> 1)
    step_losses: I32  # lost a step to attrition
    eliminated: I32  # lost its last step to attrition
    surrendered: I32
    men_lost: int  # to attrition and surrender, this phase
    tanks_lost: int
    pockets: list[Pocket]  # as traced at the start of the phase, before the losses
    airlifted: I32 = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # fed by air


def update_supply(
    scenario: Scenario,
    state: GameState,
    side: int,
    draws: npt.ArrayLike,
    enemy_zoc: Bool | None = None,
) -> SupplyReport:
    """Trace `side`'s supply and apply the out-of-supply effects to `state`, in place.

    `draws` holds one die (1..DIE_FACES) per unit of the scenario; see the module docstring.
    """
    units = scenario.units
    dice = np.asarray(draws)
    if dice.shape != (units.count,):
        raise ValueError(f"draws must have shape ({units.count},), got {dice.shape}")
    ground = supply_ground(scenario, state, side, enemy_zoc)
    supplied_hex = _supply_distance(scenario, state, ground) >= 0
    cut = _isolated(scenario, ground)
    pockets = _pockets(scenario, state, ground, cut, supplied_hex)

    mine = state.active & (state.hex >= 0) & (units.side == side)
    hexes = np.where(mine, state.hex, 0)
    in_supply = mine & supplied_hex[hexes]
    out = mine & ~supplied_hex[hexes]
    was = state.supply.astype(np.int32)
    fed, hungry = _air_supplied(scenario, state, ground, out, was)
    in_supply |= fed
    out &= ~fed
    counter = np.where(out, np.minimum(was + 1, 255), np.where(in_supply, 0, was))
    state.supply[:] = counter.astype(np.uint8)

    stage = supply_stage(scenario, counter)
    surrender = out & (stage >= SURRENDER) & cut[hexes]
    attrition = out & (stage >= ATTRITION) & ~surrender & (dice <= attrition_face(scenario))
    steps = state.steps.astype(np.int32)
    # hunger (`airlift`): the air supply's unfed lose a step on the same die, never their last
    starved = hungry & ~surrender & ~attrition & (steps > 1)
    starved &= dice <= airlift.hunger_face(scenario, side, DIE_FACES)
    attrition |= starved
    left = np.where(surrender, 0, steps - attrition.astype(np.int32))
    men_lost = strength_at(units.men, steps, units.max_steps) - strength_at(
        units.men, left, units.max_steps
    )
    every = np.arange(units.count)
    tanks_lost = (
        tanks_present(scenario, steps, every) - tanks_present(scenario, left, every)
    ).astype(np.int32)
    state.men_lost += men_lost
    state.tanks_lost += tanks_lost
    state.steps[:] = left.astype(np.int8)
    eliminated = attrition & (left <= 0)
    gone = eliminated | surrender
    state.status[eliminated] = UnitStatus.ELIMINATED
    state.status[surrender] = UnitStatus.SURRENDERED
    state.hex[gone] = -1

    def ids(mask: Bool) -> I32:
        found: I32 = np.nonzero(mask)[0].astype(np.int32)
        return found

    return SupplyReport(
        side=side,
        out_of_supply=ids(out),
        newly_out=ids(out & (was == 0)),
        step_losses=ids(attrition),
        eliminated=ids(eliminated),
        surrendered=ids(surrender),
        men_lost=int(men_lost.sum()),
        tanks_lost=int(tanks_lost.sum()),
        pockets=pockets,
        airlifted=ids(fed),
    )


def _air_supplied(
    scenario: Scenario, state: GameState, ground: SupplyGround, out: Bool, was: I32
) -> tuple[Bool, Bool]:
    """[U] the out-of-supply units the side's air supply feeds this phase (`airlift`), and [U]
    those it reaches but cannot feed (the hungry)."""
    fields = airlift.airfields(scenario, state, ground.side)
    capacity = airlift.units_fed(scenario, state, ground.side, fields)
    none = np.zeros(scenario.units.count, dtype=np.bool_)
    if not fields.any() or (capacity <= 0 and not airlift.has_hunger(scenario, ground.side)):
        return none, none
    reach = hex_reach(scenario, ground.side, state.turn)
    limit = STEP_COST * np.asarray(reach, dtype=np.int32)
    dist = _distance(
        scenario.map.neighbor,
        _step_cost(scenario),
        fields & ground.enterable,
        ground.passable,
        ground.enterable,
        limit,
        per_hex=limit.ndim > 0,
    )
    hexes = np.where(out, state.hex, 0)
    reached = out & (dist[hexes] <= limit if limit.ndim == 0 else dist[hexes] <= limit[hexes])
    fed = airlift.choose_fed(reached, was, capacity)
    return fed, reached & ~fed
