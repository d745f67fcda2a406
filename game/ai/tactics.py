"""The tactical layer's picture of one phase, and the scoring of one unit's candidate moves.

At the start of each of its phases the AI builds a `PhaseContext` from its belief: enemy stacks
and their strength, a threat map (how much enemy attack could reach each hex next turn), the
front band (hexes within two of a known enemy), supply, the column shifts of attacking each hex,
and the value of each hex to the side. Units then choose their moves one at a time: every
destination a unit can reach is scored in one vectorised pass (progress toward its goals along a
shared distance field, attack opportunities, front coverage, exposure, supply, capture), and the
running arrays (own zone-of-control coverage, attack strength gathered next to each enemy hex)
are updated after each move so that later units fill gaps instead of piling up.

Weights are in "steps": a score of 1 is worth about one step of a division. Distances are in km
and turned into hexes by the scenario's scale (`Scale.hexes`), so the AI keeps the same sense of
near and far on any map; strengths are the combat rules' own (`combat_reference`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from game.ai import fields
from game.ai import kernels as ai_kernels
from game.ai.belief import Belief
from game.ai.plan import Order, Posture
from game.enums import MECHANISED_KINDS, River, Terrain, UnitKind, Weather
from game.kept import Kept
from game.rules import combat_phase, kernels, supply
from game.rules import combat_reference as combat_rules
from game.rules.losses import tank_loss_percent
from game.rules.movement import MOVEMENT_CLASS
from game.rules.weather import HexWeather, local_weather, per_hex, uniform
from game.rules.zoc import enemy_zone_of_control
from game.scenario.model import Scenario
from game.state import Phase, UnitStatus

F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
Bool = npt.NDArray[np.bool_]

MECHANISED = np.array([int(k) for k in MECHANISED_KINDS], dtype=np.uint8)

# Per posture: weight of progress toward goals (per full move), slack around objectives (cost
# units) within which a unit no longer needs to get closer, weight of attack opportunities, of
# exposure to enemy attack, of covering the front, and of staying in contact with the enemy.
GOAL_WEIGHT = {
    Posture.ATTACK: 3.0,
    Posture.HOLD: 2.0,
    Posture.DELAY: 1.5,
    Posture.WITHDRAW: 3.0,
    Posture.RESERVE: 1.5,
    Posture.BREAKOUT: 3.0,
}
GOAL_SLACK = {
    Posture.ATTACK: 0,
    Posture.HOLD: 6,
    Posture.DELAY: 8,
    Posture.WITHDRAW: 2,
    Posture.RESERVE: 8,
    Posture.BREAKOUT: 0,
}
ATTACK_WEIGHT = {
    Posture.ATTACK: 1.5,
    Posture.HOLD: 0.15,
    Posture.DELAY: 0.2,
    Posture.WITHDRAW: 0.0,
    Posture.RESERVE: 0.7,
    Posture.BREAKOUT: 1.5,
}
EXPOSURE_WEIGHT = {
    Posture.ATTACK: 0.6,
    Posture.HOLD: 1.0,
    Posture.DELAY: 2.0,
    Posture.WITHDRAW: 2.5,
    Posture.RESERVE: 1.5,
    Posture.BREAKOUT: 0.4,
}
FRONT_WEIGHT = {
    Posture.ATTACK: 0.05,
    Posture.HOLD: 0.25,
    Posture.DELAY: 0.15,
    Posture.WITHDRAW: 0.0,
    Posture.RESERVE: 0.05,
    Posture.BREAKOUT: 0.0,
}
CONTACT_WEIGHT = {
    Posture.ATTACK: 0.0,
    Posture.HOLD: 0.0,
    Posture.DELAY: -0.6,
    Posture.WITHDRAW: -1.5,
    Posture.RESERVE: -0.4,
    Posture.BREAKOUT: 0.0,
}
INERTIA = {
    Posture.ATTACK: 0.0,
    Posture.HOLD: 0.08,
    Posture.DELAY: 0.05,
    Posture.WITHDRAW: 0.0,
    Posture.RESERVE: 0.08,
    Posture.BREAKOUT: 0.0,
}
SUPPLY_WEIGHT = 4.0  # ending out of supply (doubled for a unit already cut off)
EXPOSED_SIDES = 3  # our ground on this many sides of an enemy tank stack: it ran out ahead
CAPTURE_WEIGHT = 0.5  # per victory point of an enemy-held city taken by moving in
NOISE = 1e-3  # tie-breaks from the AI's own generator
THREAT_KM_FOOT = 20.0  # how far an enemy unit's attack reaches by the next turn
THREAT_KM_MECHANISED = 30.0
FRONT_BAND_KM = 20.0  # hexes this close to a known enemy are the front to cover
# Outrunning support: per posture, the km beyond the ground the side held when its turn began
# that a unit may end in freely, and the cost of every 10 km deeper. An attacker may go a turn's
# march for foot soldiers ahead (they must follow to hold what is taken and bring supply up): a
# lone spearhead far ahead is cut off and lost, and the places it passed through change hands
# again behind it. The other postures keep to their own side of the line (their objectives
# excepted): a holding division that wanders into enemy ground is cut off and mopped up.
FREE_DEPTH_KM = {
    Posture.ATTACK: 50.0,
    Posture.HOLD: 0.0,
    Posture.DELAY: 0.0,
    Posture.WITHDRAW: 0.0,
    Posture.RESERVE: 0.0,
    Posture.BREAKOUT: 50.0,  # as an attack: through the enemy's ground toward the relief
}
OVERREACH_WEIGHT = 1.5  # per 10 km beyond the free depth
OVERREACH_KM = 10.0


_ARMOUR = int(UnitKind.ARMOUR)  # module names: enum class lookups are slow in Python 3.11
_ATTACK = Posture.ATTACK
_GOING_FORWARD = (Posture.ATTACK, Posture.BREAKOUT)  # postures that make for their goals
_EXPLOITATION = Phase.EXPLOITATION
_MECHANISED_KIND = np.isin(np.arange(len(UnitKind)), MECHANISED)  # by UnitKind code
_IS_ARMOUR = np.arange(len(UnitKind)) == UnitKind.ARMOUR  # by UnitKind code
_ACTIVE = int(UnitStatus.ACTIVE)
# kinds whose stack denies the armour shift (tanks or guns), by UnitKind code
_ANTI_ARMOUR_KIND = np.isin(np.arange(len(UnitKind)), [UnitKind.ARMOUR, UnitKind.ARTILLERY])


_CITY_VALUES_KEPT = 8
_city_values_kept: dict[tuple[str, bytes], F64] = {}


def _city_values(scenario: Scenario) -> F64:
    """[N] a tenth of each town's victory points (0 elsewhere): the fixed part of `take_value`,
    kept by map and points (at most _CITY_VALUES_KEPT)."""
    key = (scenario.map.fingerprint(), scenario.vp.tobytes())
    values = _city_values_kept.get(key)
    if values is None:
        values = np.zeros(scenario.map.size)
        for city in scenario.map.cities:
            values[city.hex] += 0.1 * float(scenario.vp[city.hex])
        values.flags.writeable = False
        if len(_city_values_kept) >= _CITY_VALUES_KEPT:
            _city_values_kept.pop(next(iter(_city_values_kept)))
        _city_values_kept[key] = values
    return values


@lru_cache(maxsize=64)
def free_depth(scenario: Scenario, posture: Posture) -> int:
    """FREE_DEPTH_KM of a posture in hexes of the scenario's map (every unit's move asks)."""
    return scenario.scale.hexes(FREE_DEPTH_KM[posture], minimum=0)


@cache
def _column_tables() -> tuple[F64, F64, F64]:
    """Mean defender steps lost, attacker steps lost and chance of a retreat per odds column."""
    defender = np.array(combat_rules.CRT_DEFENDER_LOSS, dtype=np.float64).mean(axis=1)
    attacker = np.array(combat_rules.CRT_ATTACKER_LOSS, dtype=np.float64).mean(axis=1)
    retreat = (np.array(combat_rules.CRT_RETREAT) > 0).mean(axis=1).astype(np.float64)
    return defender, attacker, retreat


_SIXTHS = np.array(combat_rules.COLUMN_SIXTHS, dtype=np.int64)


@cache
def _column_array() -> F64:
    """`_column_tables` as one [3, columns] array, for the compiled scoring."""
    return np.stack(_column_tables())


def ground_shift_table(weather: int) -> npt.NDArray[np.int8]:
    """[terrain, city code] column shift of the defender's ground in this weather."""
    table = np.zeros((len(Terrain), combat_rules.MAX_CITY + 1), dtype=np.int8)
    for t in range(len(Terrain)):
        for c in range(combat_rules.MAX_CITY + 1):
            table[t, c] = combat_rules.ground_shift(weather, t, c) + combat_rules.weather_shift(
                weather
            )
    return table


def _ground_rule(rule: Callable[[int, int, int], bool], weather: int) -> npt.NDArray[np.bool_]:
    """[terrain, city code] where a combat rule about the ground holds in this weather."""
    table = np.zeros((len(Terrain), combat_rules.MAX_CITY + 1), dtype=np.bool_)
    for t in range(len(Terrain)):
        for c in range(combat_rules.MAX_CITY + 1):
            table[t, c] = rule(weather, t, c)
    return table


@cache
def open_ground_table(weather: int) -> npt.NDArray[np.bool_]:
    """[terrain, city code] ground where attacking armour gets its shift, by the combat rules."""
    return _ground_rule(combat_rules.open_ground, weather)


@cache
def _closed_table(weather: int) -> npt.NDArray[np.bool_]:
    """[terrain, city code] ground where attacking armour is halved, by the combat rules."""
    return _ground_rule(combat_rules.closed_ground, weather)


def _ground(scenario: Scenario, weather: HexWeather) -> tuple[npt.NDArray[Any], Bool]:
    """[N] the ground's column shift for an attacker, and where armour gets its shift, in each
    hex's weather; kept by scenario while the whole map shares one weather."""
    single = uniform(weather)
    if single is not None:
        return _ground_in(scenario, single)
    codes = city_codes(scenario)
    return (
        by_weather(weather, ground_shift_table, scenario.map.terrain, codes),
        by_weather(weather, open_ground_table, scenario.map.terrain, codes),
    )


@lru_cache(maxsize=32)
def _ground_in(scenario: Scenario, weather: int) -> tuple[npt.NDArray[Any], Bool]:
    codes = city_codes(scenario)
    ground = by_weather(weather, ground_shift_table, scenario.map.terrain, codes)
    open_ground = by_weather(weather, open_ground_table, scenario.map.terrain, codes)
    ground.flags.writeable = False
    open_ground.flags.writeable = False
    return ground, open_ground


def city_codes(scenario: Scenario) -> npt.NDArray[np.int8]:
    codes = np.zeros(scenario.map.size, dtype=np.int8)
    for city in scenario.map.cities:
        codes[city.hex] = combat_phase.CITY_CODE[city.size]
    return codes


@cache
def _attack_factors() -> F64:
    """[weather, kind, supply class, fatigue class] the rules' attack multiplier on open ground
    with no river (the ground is the odds shift's business in `attack_shift`)."""
    table = np.zeros((len(Weather), len(UnitKind), 3, 3))
    for w in range(len(Weather)):
        for kind in range(len(UnitKind)):
            for s in range(3):
                for f in range(3):
                    factor = combat_rules.attack_factor(kind, 0, w, False, s, f)
                    table[w, kind, s, f] = float(factor)
    return table


@cache
def _crossing_factors() -> F64:
    """[weather, kind, river, closed] what crossing a river and going into closed ground leave
    of an attacker's open-ground strength, by the combat rules."""
    table = np.ones((len(Weather), len(UnitKind), len(River), 2))
    for w in range(len(Weather)):
        for kind in range(len(UnitKind)):
            base = combat_rules.attack_factor(kind, 0, w, False, 0, 0)
            for r in range(len(River)):
                for closed in (False, True):
                    factor = combat_rules.attack_factor(kind, r, w, closed, 0, 0) / base
                    table[w, kind, r, int(closed)] = float(factor)
    return table


def _into(scenario: Scenario, weather: HexWeather) -> F64:
    """[kind, N, 6] the share of its attack a unit of each kind standing in a hex brings against
    each neighbour: rivers on the hexside and closed ground in the target, in the target's
    weather. Kept by scenario while the whole map shares one weather."""
    single = uniform(weather)
    if single is not None:
        return _into_in(scenario, single)
    return _into_of(scenario, per_hex(weather, scenario.map.size))


@lru_cache(maxsize=32)
def _into_in(scenario: Scenario, weather: int) -> F64:
    found = _into_of(scenario, np.full(scenario.map.size, weather, dtype=np.uint8))
    found.flags.writeable = False
    return found


def _into_of(scenario: Scenario, weather: npt.NDArray[np.uint8]) -> F64:
    grid = scenario.map
    closed = by_weather(weather, _closed_table, grid.terrain, city_codes(scenario))
    codes = weather.astype(np.int64)
    target = np.maximum(grid.neighbor, 0)
    table = _crossing_factors()
    into = table[
        codes[target][None, :, :],
        np.arange(len(UnitKind))[:, None, None],
        grid.river[None, :, :],
        closed[target].astype(np.int64)[None, :, :],
    ]
    into[:, grid.neighbor < 0] = 1.0
    return np.ascontiguousarray(into)


def by_weather(
    weather: HexWeather, table: Callable[[int], npt.NDArray[Any]], *index: npt.NDArray[Any]
) -> npt.NDArray[Any]:
    """`table(w)[index]` with each hex's own weather: one table per weather present."""
    single = uniform(weather)
    if single is not None:
        found: npt.NDArray[Any] = table(single)[index]
        return found
    codes = np.asarray(weather)
    out: npt.NDArray[Any] = np.zeros(codes.shape, dtype=table(int(codes[0])).dtype)
    for w in np.unique(codes).tolist():
        here = codes == w
        out[here] = table(int(w))[tuple(i[here] for i in index)]
    return out


@cache
def _defence_factors() -> F64:
    table = np.zeros((3, 3))
    for s in range(3):
        for f in range(3):
            table[s, f] = float(combat_rules.defence_factor(s, f))
    return table


# the combat rules' supply class of every supply stage, and fatigue class of every fatigue level
_SUPPLY_CLASS = np.array([combat_rules.supply_class(s) for s in range(256)], dtype=np.int32)
_FATIGUE_CLASS = np.array([combat_rules.fatigue_class(f) for f in range(256)], dtype=np.int32)


def _classes(scenario: Scenario, belief: Belief, units: npt.NDArray[np.intp]) -> tuple[I32, I32]:
    state = belief.state
    stage = supply.supply_stage(scenario, state.supply[units])
    return _SUPPLY_CLASS[stage], _FATIGUE_CLASS[state.fatigue[units]]


def unit_attack(
    scenario: Scenario, belief: Belief, units: npt.NDArray[np.intp], weather: HexWeather
) -> F64:
    """Attack strength as the combat rules count it (steps, supply and fatigue, and the weather
    of the unit's hex)."""
    u = scenario.units
    if len(units) == 0:
        return np.zeros(0)
    state = belief.state
    base = combat_rules.current_strength_array(
        u.attack[units], state.steps[units], u.max_steps[units]
    )
    supply_cls, fatigue_cls = _classes(scenario, belief, units)
    codes = per_hex(weather, scenario.map.size)[np.maximum(state.hex[units], 0)]
    result: F64 = base * _attack_factors()[codes, u.kind[units], supply_cls, fatigue_cls]
    return result


def unit_defence(scenario: Scenario, belief: Belief, units: npt.NDArray[np.intp]) -> F64:
    """Defence strength as the combat rules count it (steps, supply and fatigue)."""
    u = scenario.units
    if len(units) == 0:
        return np.zeros(0)
    base = combat_rules.current_strength_array(
        u.defence[units], belief.state.steps[units], u.max_steps[units]
    )
    supply_cls, fatigue_cls = _classes(scenario, belief, units)
    result: F64 = base * _defence_factors()[supply_cls, fatigue_cls]
    return result


def step_value(scenario: Scenario, units: npt.NDArray[np.intp], tank_rate: bool = False) -> F64:
    """What losing one step of each unit costs, in 'steps' (about 1 for a 2,000-man step).

    Tanks count at their even share of a step, or with `tank_rate` as many as a first step
    lost costs under the side's `tank_losses` (`game.rules.losses`): all of a two-step tank
    corps' at 230 %, not half. The AI prices the enemy's steps it may destroy that way; its
    own stay at the even share, since what it may risk is its plan's (`own_loss_weight`)."""
    u = scenario.units
    steps = np.maximum(u.max_steps[units], 1)
    tanks = u.tanks[units] / steps
    if tank_rate:
        tanks = np.minimum(tanks * (tank_loss_percent(scenario)[units] / 100.0), u.tanks[units])
    result: F64 = 0.5 + u.men[units] / steps / 4000.0 + tanks / 20.0
    return result


@lru_cache(maxsize=8)
def step_values(scenario: Scenario, tank_rate: bool = False) -> F64:
    """`step_value` of every unit, kept by scenario: it is asked for at every move and every
    attack scored."""
    values = step_value(scenario, np.arange(scenario.units.count, dtype=np.intp), tank_rate)
    values.flags.writeable = False
    return values


@dataclass(frozen=True, eq=False)
class EnemyPicture:
    """The known enemy: stacks, their defence, anti-armour, threat and the front band."""

    hexes: I32
    defence: F64
    anti_armour: Bool
    threat: F64
    band: Bool

    @classmethod
    def of(cls, scenario: Scenario, side: int, belief: Belief) -> EnemyPicture:
        """Threat counts visible enemies and ghosts, by the hexes they could attack next turn;
        the band is the ground within FRONT_BAND_KM of a known stack, not its own hexes."""
        state = belief.state
        grid = scenario.map
        units = scenario.units
        scale = scenario.scale
        enemy = np.nonzero(state.active & (state.hex >= 0) & scenario.unit_hostile[side])[0]
        stacks, defence, anti, threat, band = ai_kernels.enemy_picture(
            enemy,
            state.hex,
            unit_defence(scenario, belief, enemy),
            _ANTI_ARMOUR_KIND,
            np.nonzero(belief.ghosts >= 0)[0],
            belief.ghosts,
            units.attack,
            state.steps,
            units.max_steps,
            _MECHANISED_KIND,
            units.kind,
            scale.hexes(THREAT_KM_MECHANISED),
            scale.hexes(THREAT_KM_FOOT),
            scale.hexes(FRONT_BAND_KM),
            grid.water,
            grid.q,
            grid.r,
            grid.cols,
            grid.rows,
            grid.orientation == "flat",
        )
        return cls(stacks, defence, anti, threat, band)


def _take_value(scenario: Scenario, orders: dict[int, Order]) -> F64:
    """[N] worth of taking each hex: a tenth of its points, 2 for a unit's next goal and 1/2 for
    each objective, added in the orders' order (np.add.at adds one at a time, in order)."""
    take_value = _city_values(scenario).copy()
    hexes: list[int] = []
    worth: list[float] = []
    for order in orders.values():
        for h in order.goals[:1]:
            hexes.append(h)
            worth.append(2.0)
        hexes.extend(order.objectives)
        worth.extend([0.5] * len(order.objectives))
    np.add.at(take_value, np.array(hexes, dtype=np.intp), np.array(worth))
    take_value += 0.5
    return take_value


@dataclass
class AttackContext:
    """What choosing the combat phase's attacks needs: the known enemy stacks, the worth of each
    hex and enemy armour that ran out ahead. The move-scoring arrays of `PhaseContext` are not
    built: the combat phase moves nobody (a third of the AI's phase set-up time went to them)."""

    scenario: Scenario
    side: int
    belief: Belief
    orders: dict[int, Order]
    weather: HexWeather
    enemy_hex: I32  # hexes holding known enemy units
    take_value: F64  # [N] as in `PhaseContext`
    exposed: Bool  # [N] enemy armour that ran out ahead of its line

    @classmethod
    def build(
        cls, scenario: Scenario, side: int, belief: Belief, orders: dict[int, Order]
    ) -> AttackContext:
        state = belief.state
        enemy = np.nonzero(state.active & (state.hex >= 0) & scenario.unit_hostile[side])[0]
        return cls(
            scenario=scenario,
            side=side,
            belief=belief,
            orders=orders,
            weather=local_weather(scenario, state.turn),
            enemy_hex=np.unique(state.hex[enemy]).astype(np.int32),
            take_value=_take_value(scenario, orders),
            exposed=armour_contact(scenario, side, belief) >= EXPOSED_SIDES,
        )


@dataclass
class PhaseContext:
    """What one side knows and intends at the start of one of its phases."""

    scenario: Scenario
    side: int
    belief: Belief
    orders: dict[int, Order]
    weather: HexWeather  # one code, or one per hex (`weather.local_weather`)
    phase: Phase
    enemy_hex: I32  # hexes holding known enemy units
    enemy_defence: F64  # [N] defence of the known enemy stack in each hex
    enemy_anti_armour: Bool  # [N] the stack has tanks or guns (denies the armour shift)
    threat: F64  # [N] enemy attack that could fall on a hex next turn
    attack_shift: npt.NDArray[
        np.int8
    ]  # [N] column shift of attacking a hex (ground, weather, support)
    open_ground: Bool  # [N] armour shift possible
    supplied: Bool  # [N] in own supply as far as the side can tell
    band: Bool  # [N] front hexes: within two of a known enemy, not enemy-held
    take_value: F64  # [N] worth of taking a hex (objectives, victory points)
    depth: I32  # [N] hexes from the nearest hex the side held when its turn began
    attack_of: F64  # [U] effective attack of each unit as the side sees it
    defence_of: F64  # [U]
    covered: I32 = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # own ZOC count
    gathered: F64 = field(default_factory=lambda: np.zeros(0))  # own attack next to each hex
    gathered_armour: Bool = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    friends_defence: F64 = field(default_factory=lambda: np.zeros(0))  # own defence per hex
    friends_count: I32 = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    weather_shift: F64 = field(default_factory=lambda: np.zeros(0))  # [N] the weather's own shift
    exposed: Bool = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))  # ran out ahead
    # [kind, N, 6] share of its attack a unit brings from a hex against each neighbour (`_into`)
    into: F64 = field(default_factory=lambda: np.ones((len(UnitKind), 0, 6)))
    _no_field: I32 = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # goal-less units
    # by the order's id (the order kept alongside, so the id stays its own): hashing a frozen
    # order at every unit's move cost more than the lookup saves
    _orders_seen: dict[int, tuple[Order, npt.NDArray[np.int64], npt.NDArray[np.int64]]] = field(
        default_factory=dict
    )
    # the enemies' zone of control as the side sees them: fixed while no enemy comes into view or
    # drops out of it (enemies do not move in the side's own phases), so kept until `see_again`
    enemy_zone: Bool = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    _fields: dict[tuple[tuple[int, ...], int], I32] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        scenario: Scenario,
        side: int,
        belief: Belief,
        orders: dict[int, Order],
        held: Bool | None = None,
    ) -> PhaseContext:
        """`held` is the ground the side held when its turn began (default: what it holds now),
        so that an exploitation move is measured from the same line as the movement phase's."""
        state = belief.state
        grid = scenario.map
        n = grid.size
        weather = local_weather(scenario, state.turn)
        units = scenario.units
        active = state.active & (state.hex >= 0)
        own = np.nonzero(active & (units.side == side))[0]

        support = support_by_hex(scenario, side, belief, weather)
        ground, open_ground = _ground(scenario, weather)
        attack_shift = (ground + support).astype(np.int8)

        # the combat phase scores no moves, so it needs no supply trace
        supplied = (
            np.ones(n, dtype=np.bool_)
            if state.phase == Phase.COMBAT
            else supply.trace_supply(scenario, state, side)
        )

        picture = EnemyPicture.of(scenario, side, belief)

        take_value = _take_value(scenario, orders)
        everyone = np.arange(units.count, dtype=np.intp)
        context = cls(
            scenario=scenario,
            side=side,
            belief=belief,
            orders=orders,
            weather=weather,
            phase=state.phase,
            enemy_hex=picture.hexes,
            enemy_defence=picture.defence,
            enemy_anti_armour=picture.anti_armour,
            threat=picture.threat,
            attack_shift=attack_shift,
            open_ground=open_ground,
            supplied=supplied,
            band=picture.band,
            take_value=take_value,
            depth=depth_beyond(
                scenario,
                scenario.side_table.friendly_ground[side][state.control] if held is None else held,
            ),
            attack_of=unit_attack(scenario, belief, everyone, weather),
            defence_of=unit_defence(scenario, belief, everyone),
        )
        context._see_armour()
        context.enemy_zone = enemy_zone_of_control(scenario, state, side, weather)
        context.weather_shift = _weather_shifts()[per_hex(weather, n)]
        context.into = _into(scenario, weather)
        context._no_field = np.zeros(n, dtype=np.int32)
        context.covered = np.zeros(n, dtype=np.int32)
        context.gathered = np.zeros(n)
        context.gathered_armour = np.zeros(n, dtype=np.bool_)
        context.friends_defence = np.zeros(n)
        context.friends_count = np.zeros(n, dtype=np.int32)
        where = state.hex[own]
        np.add.at(context.covered, where, 1)
        np.add.at(context.friends_defence, where, context.defence_of[own])
        np.add.at(context.friends_count, where, 1)
        around = grid.neighbor[where]
        valid = around >= 0
        np.add.at(context.covered, around[valid], 1)
        attack_rows = context.attack_of[own][:, None] * context.into[units.kind[own], where]
        np.add.at(context.gathered, around[valid], attack_rows[valid])
        armour = np.repeat((units.kind[own] == _ARMOUR)[:, None], 6, axis=1)
        context.gathered_armour[around[valid & armour]] = True
        return context

    def see_again(self, belief: Belief) -> None:
        """Take in newly seen (or vanished) enemy units; our own running arrays stay."""
        self.belief = belief
        picture = EnemyPicture.of(self.scenario, self.side, belief)
        self.enemy_hex = picture.hexes
        self.enemy_defence = picture.defence
        self.enemy_anti_armour = picture.anti_armour
        self.threat = picture.threat
        self.band = picture.band
        self._see_armour()
        self.enemy_zone = enemy_zone_of_control(
            self.scenario, belief.state, self.side, self.weather
        )

    def _see_armour(self) -> None:
        self.exposed = armour_contact(self.scenario, self.side, self.belief) >= EXPOSED_SIDES

    # --- running arrays -------------------------------------------------------------------

    def place(self, u: int, h: int, sign: int) -> None:
        """Add (+1) or remove (-1) unit u standing at h from the running arrays."""
        if h < 0:
            return
        ai_kernels.place(
            h,
            sign,
            self.scenario.map.neighbor,
            float(self.attack_of[u]),
            self.into[int(self.scenario.units.kind[u])],
            float(self.defence_of[u]),
            sign > 0 and int(self.scenario.units.kind[u]) == _ARMOUR,
            self.covered,
            self.gathered,
            self.gathered_armour,
            self.friends_defence,
            self.friends_count,
        )

    # --- scoring ---------------------------------------------------------------------------

    def _order_arrays(self, order: Order) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """An order's objectives, and its goals and objectives, as the move scoring takes them
        (kept for the phase: many units share an order)."""
        found = self._orders_seen.get(id(order))
        if found is None:
            found = (
                order,
                np.array(order.objectives, dtype=np.int64),
                np.array(order.goals + order.objectives, dtype=np.int64),
            )
            self._orders_seen[id(order)] = found
        return found[1], found[2]

    def goal_field(self, goals: tuple[int, ...], klass: int) -> I32:
        """`fields.goal_field` toward `goals` in the phase's weather, kept for the phase: every
        unit of an order asks for it when the phase's moves are ordered and again when it moves."""
        key = (goals, klass)
        found = self._fields.get(key)
        if found is None:
            state = self.belief.state
            found = fields.goal_field(self.scenario, state, goals, klass, self.weather)
            self._fields[key] = found
        return found

    def score_moves(
        self,
        u: int,
        destinations: I32,
        order: Order,
        allowance: int,
        rng: np.random.Generator,
    ) -> F64:
        """Score of ending unit u's move at each destination (its own hex included), `_scores`
        without moving the unit in the running arrays."""
        return self._scores(u, destinations, order, rng, choose=False)[0]

    def choose_move(
        self, u: int, destinations: I32, order: Order, rng: np.random.Generator
    ) -> int:
        """The destination where unit u scores best (the first best), with the unit moved there
        in the running arrays: taken off its hex before the scoring, as `score_moves` wants its
        caller to do, and put where it goes (back on its hex when it stays)."""
        best = self._scores(u, destinations, order, rng, choose=True)[1]
        return int(destinations[best])

    def _scores(
        self,
        u: int,
        destinations: I32,
        order: Order,
        rng: np.random.Generator,
        choose: bool,
    ) -> tuple[F64, int]:
        """Score of ending unit u's move at each destination (its own hex included).

        The terms, in the order they are added (`ai.kernels.score_moves` does the arithmetic):
        progress toward the goals along the distance field (a garrison's own city counts four
        times, an attacker gets a bonus for reaching its next goal); the best attack the move
        would add to next to a known enemy stack, with what the river on that hexside and closed
        ground in the target leave of the unit's attack (not in exploitation: no combat follows);
        keeping in contact or out of it; exposure: enemy attack that can reach the hex against
        what would stand in it; covering the front with the zone of control, counted only as far
        as the stack is likely to stand (a line of lone weak divisions before a panzer corps is a
        line of lost divisions); ending out of supply; going deeper than FREE_DEPTH_KM beyond the
        line (objectives excepted); taking enemy-held places the task wants (a place it names, or
        for an attacker one on the way to its goals: an empty town grabbed on a detour changes
        hands back at once); crowding; inertia for units that hold; a tie-break from the AI's own
        generator.
        """
        scenario = self.scenario
        units = scenario.units
        state = self.belief.state
        start = int(state.hex[u])
        posture = order.posture
        d = destinations.astype(np.int64)
        goals = order.goals if order.goals else order.objectives
        garrison = order.garrison >= 0
        if garrison:
            goals = (order.garrison,)
        if goals:
            goal_field = self.goal_field(goals, _movement_classes(scenario)[u])
        else:
            goal_field = self._no_field
        own_attack = float(self.attack_of[u])
        attack_weight = ATTACK_WEIGHT[posture]
        if own_attack <= 0 or self.phase == _EXPLOITATION:
            attack_weight = 0.0
        value = float(step_values(scenario)[u]) * float(state.steps[u])
        forward = posture in _GOING_FORWARD
        # the unit's and its order's numbers in one array, handed to the kernel in parts
        terms = np.array(
            [
                1.0 if goals else 0.0,  # goal: has goals, slack, weight, scale, reach the next
                0.0 if garrison else float(GOAL_SLACK[posture]),
                GOAL_WEIGHT[posture] * (4.0 if garrison else 1.0),
                float(max(int(units.allowance[u]), 2)),
                1.0 if forward and not garrison else 0.0,
                attack_weight,  # attacking: weight, own attack, armour
                own_attack,
                1.0 if units.kind[u] == _ARMOUR else 0.0,
                EXPOSURE_WEIGHT[posture],  # exposure: weight, own defence, value, garrison
                float(self.defence_of[u]),
                min(value, 4.0),
                0.5 if garrison else 1.0,
                float(free_depth(scenario, posture)),  # overreach: free depth, weight, km
                OVERREACH_WEIGHT,
                scenario.scale.hex_km / OVERREACH_KM,
                1.0 if forward and goals else 0.0,  # taking: attack with goals, weight
                CAPTURE_WEIGHT,
            ]
        )
        return ai_kernels.score_moves(
            d,
            start,
            scenario.map.neighbor,
            goal_field,
            terms[0:5],
            terms[5:8],
            self.into[int(units.kind[u])],
            self.enemy_defence,
            self.attack_shift,
            self.gathered,
            self.gathered_armour,
            self.open_ground,
            self.enemy_anti_armour,
            self.take_value,
            _column_array(),
            _SIXTHS,
            CONTACT_WEIGHT[posture],
            terms[8:12],
            self.weather_shift,
            self.friends_defence,
            self.threat,
            FRONT_WEIGHT[posture],
            self.band,
            self.covered,
            SUPPLY_WEIGHT * (2.0 if state.supply[u] > 0 else 1.0),
            self.supplied,
            terms[12:15],
            self.depth,
            *self._order_arrays(order),
            terms[15:17],
            scenario.side_table.hostile_ground[self.side],
            state.control,
            scenario.vp,
            self.friends_count,
            INERTIA[posture],
            NOISE * rng.random(len(d)),
            choose,
        )


def armour_contact(scenario: Scenario, side: int, belief: Belief) -> I32:
    """[N] for each hex with known enemy armour, how many of its six neighbours are `side`'s
    ground (0 elsewhere): EXPOSED_SIDES or more is armour that ran out ahead of its line."""
    state = belief.state
    units = scenario.units
    return ai_kernels.armour_contact(
        state.hex,
        state.status,
        scenario.unit_hostile[side],
        _IS_ARMOUR[units.kind],
        scenario.map.neighbor,
        state.control,
        scenario.side_table.friendly_ground[side],
        _ACTIVE,
    )


def depth_beyond(scenario: Scenario, held: Bool) -> I32:
    """[N] hex steps from each hex to the nearest `held` hex (0 inside; capped past any use).
    Kept by map and ground: a side's movement and exploitation phases measure from the same
    line (read-only)."""
    key = (scenario.map.fingerprint(), _depth_cap(scenario), held.tobytes())
    return _depths.get_or_make(key, lambda: _depth_beyond(scenario, held))


def _depth_beyond(scenario: Scenario, held: Bool) -> I32:
    depth = kernels.steps_from(
        scenario.map.neighbor, np.ascontiguousarray(held), _depth_cap(scenario)
    )
    depth.flags.writeable = False
    return depth


@lru_cache(maxsize=16)
def _depth_cap(scenario: Scenario) -> int:
    return max(free_depth(scenario, p) for p in Posture) + 16


# `depth_beyond` by map, cap and held ground: each side's phases of a turn share one; at most
# _DEPTHS_KEPT.
_DEPTHS_KEPT = 8
_depths: Kept[tuple[str, int, bytes], I32] = Kept(_DEPTHS_KEPT)


def support_by_hex(scenario: Scenario, side: int, belief: Belief, weather: HexWeather) -> I32:
    """[N] the artillery and air column shift `side` gets attacking each hex (in the weather of
    the hex): against the side of the known enemy standing there, elsewhere against the first
    enemy side (move order)."""
    enemies, shift = _support_table(scenario, side)
    state = belief.state
    holder = np.full(scenario.map.size, enemies[0] if enemies else side, dtype=np.intp)
    seen = np.nonzero(state.active & (state.hex >= 0) & scenario.unit_hostile[side])[0]
    holder[state.hex[seen]] = scenario.units.side[seen]
    result: I32 = shift[per_hex(weather, scenario.map.size), holder]
    return result


@lru_cache(maxsize=16)
def _movement_classes(scenario: Scenario) -> list[int]:
    """Each unit's movement class, as a plain list (read for every unit's move)."""
    classes: list[int] = MOVEMENT_CLASS[scenario.units.kind].tolist()
    return classes


@lru_cache(maxsize=32)
def _support_table(scenario: Scenario, side: int) -> tuple[tuple[int, ...], I32]:
    """`side`'s enemies, and its support column shift [weather, enemy side] (fixed by the file:
    every phase of the side asks for it)."""
    enemies = tuple(s for s in scenario.sides if not scenario.side_table.allied(side, s))
    shift = np.zeros((len(Weather), len(scenario.sides)), dtype=np.int32)
    for enemy in enemies:
        artillery, air = combat_phase.support_shifts(scenario, side, enemy)
        for w in range(len(Weather)):
            shift[w, enemy] = combat_rules.support_shift(artillery, air, w)
    shift.flags.writeable = False
    return enemies, shift


@cache
def _weather_shifts() -> F64:
    """[weather] the column shift the weather itself gives the defender."""
    return np.array([float(combat_rules.weather_shift(w)) for w in range(len(Weather))])
