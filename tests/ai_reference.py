"""The AI's move scoring written as array operations, as it was before it was compiled
(`game.ai.kernels.score_moves`): the reference the compiled form is held equal to."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from game.ai import fields
from game.ai import kernels as ai_kernels
from game.ai.belief import Belief
from game.ai.plan import Order, Posture
from game.ai.tactics import (
    ATTACK_WEIGHT,
    CAPTURE_WEIGHT,
    CONTACT_WEIGHT,
    EXPOSURE_WEIGHT,
    F64,
    FRONT_BAND_KM,
    FRONT_WEIGHT,
    GOAL_SLACK,
    GOAL_WEIGHT,
    I32,
    INERTIA,
    NOISE,
    OVERREACH_KM,
    OVERREACH_WEIGHT,
    SUPPLY_WEIGHT,
    THREAT_KM_FOOT,
    THREAT_KM_MECHANISED,
    PhaseContext,
    _column_tables,
    _weather_shifts,
    free_depth,
    step_value,
    unit_defence,
)
from game.enums import MECHANISED_KINDS, UnitKind
from game.rules import combat_reference as combat_rules
from game.rules.movement import MOVEMENT_CLASS
from game.rules.weather import per_hex
from game.scenario.model import Scenario
from game.state import Phase


def odds_column(attack: F64, defence: F64, shift: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """Estimated column (after shifts) of attacks with these strengths."""
    ratio = np.where(defence > 0, 6.0 * attack / np.maximum(defence, 1e-9), 1e9)
    raw = np.searchsorted(np.array(combat_rules.COLUMN_SIXTHS), ratio, side="right") - 1
    column: npt.NDArray[np.intp] = np.clip(raw + np.asarray(shift), 0, combat_rules.TOP_COLUMN)
    return np.where(attack > 0, column, -1)


def attack_value(attack: F64, defence: F64, shift: npt.ArrayLike, take: F64) -> F64:
    """The array form of the compiled `ai.kernels._attack_value`: rough worth of attacking with
    `attack` against `defence`; 0 where there is no attack."""
    defender, attacker, retreat = _column_tables()
    column = odds_column(attack, defence, shift)
    safe = np.maximum(column, 0)
    value = defender[safe] - attacker[safe] + retreat[safe] * take
    result: F64 = np.where(column >= 0, value, 0.0)
    return result


def reference_scores(
    self: PhaseContext,
    u: int,
    destinations: I32,
    order: Order,
    allowance: int,
    rng: np.random.Generator,
) -> F64:
    """Score of ending unit u's move at each destination (its own hex included)."""
    scenario = self.scenario
    grid = scenario.map
    units = scenario.units
    state = self.belief.state
    start = int(state.hex[u])
    posture = order.posture
    klass = int(MOVEMENT_CLASS[units.kind[u]])
    d = destinations
    score = np.zeros(len(d))
    scale = max(int(units.allowance[u]), 2)

    # progress toward goals
    goals = order.goals if order.goals else order.objectives
    if order.garrison >= 0:
        goals = (order.garrison,)
    if goals:
        goal_field = fields.goal_field(scenario, state, goals, klass, self.weather)
        slack = 0 if order.garrison >= 0 else GOAL_SLACK[posture]
        here = np.maximum(goal_field[d] - slack, 0).astype(np.float64)
        now = max(int(goal_field[start]) - slack, 0)
        weight = GOAL_WEIGHT[posture] * (4.0 if order.garrison >= 0 else 1.0)
        score += weight * (now - np.minimum(here, now + scale)) / scale
        if posture == Posture.ATTACK and order.garrison < 0:
            # don't stop short: the nearest goal is worth reaching
            score += 1.0 * (goal_field[d] == 0)

    # neighbours of each destination
    around = grid.neighbor[d]
    valid = around >= 0
    safe = np.where(valid, around, 0)

    # attack opportunities next to enemy stacks (not in exploitation: no combat follows)
    exploiting = self.phase == Phase.EXPLOITATION
    own_attack = float(self.attack_of[u])
    contact = valid & (self.enemy_defence[safe] > 0)
    if ATTACK_WEIGHT[posture] > 0 and own_attack > 0 and not exploiting and contact.any():
        defence = self.enemy_defence[safe]
        shift = self.attack_shift[safe].astype(np.intp)
        armour = units.kind[u] == UnitKind.ARMOUR
        bonus = (
            (armour | self.gathered_armour[safe])
            & self.open_ground[safe]
            & ~self.enemy_anti_armour[safe]
        )
        with_me = attack_value(
            self.gathered[safe] + own_attack * self.into[units.kind[u]][d],
            defence,
            shift + bonus,
            self.take_value[safe],
        )
        bonus_before = (
            self.gathered_armour[safe] & self.open_ground[safe] & ~self.enemy_anti_armour[safe]
        )
        without = attack_value(
            self.gathered[safe], defence, shift + bonus_before, self.take_value[safe]
        )
        gain = np.where(contact, with_me - without, 0.0)
        # standing next to a stack we cannot hurt is pointless
        score += ATTACK_WEIGHT[posture] * np.maximum(gain, -0.5).max(axis=1)

    # keeping in touch with the enemy or out of it
    in_contact = contact.any(axis=1)
    score += CONTACT_WEIGHT[posture] * in_contact

    # exposure: enemy attack that can reach the hex against what would stand in it
    my_defence = float(self.defence_of[u])
    weather_shift = _weather_shifts()[per_hex(self.weather, grid.size)[d]]
    ground = self.attack_shift[d].astype(np.float64) - weather_shift
    stand = (my_defence + self.friends_defence[d]) * np.power(1.5, -np.minimum(ground, 0))
    ratio = self.threat[d] / np.maximum(stand, 0.5)
    risk = np.clip((ratio - 1.5) / 3.0, 0.0, 1.0)
    value = float(step_value(scenario, np.array([u], dtype=np.intp))[0]) * float(state.steps[u])
    score -= (
        EXPOSURE_WEIGHT[posture]
        * risk
        * min(value, 4.0)
        * (0.5 if order.garrison >= 0 else 1.0)
    )

    # covering the front with our zone of control; a stack the enemy can overrun covers
    # nothing for long (a line of lone weak divisions before a panzer corps is a line of
    # lost divisions), so the cover counts only as far as the stack is likely to stand
    if FRONT_WEIGHT[posture] > 0:
        gap = self.band & (self.covered <= 0)
        gaps = gap[d].astype(np.float64) + (valid & gap[safe]).sum(axis=1)
        score += FRONT_WEIGHT[posture] * gaps * (1.0 - risk)

    # supply
    out_now = state.supply[u] > 0
    score -= SUPPLY_WEIGHT * (2.0 if out_now else 1.0) * ~self.supplied[d]

    # not ahead of support: see FREE_DEPTH
    beyond = np.maximum(self.depth[d] - free_depth(scenario, posture), 0)
    beyond[np.isin(d, np.array(order.objectives, dtype=np.int64))] = 0
    score -= OVERREACH_WEIGHT * beyond * (scenario.scale.hex_km / OVERREACH_KM)

    # taking enemy-held places by moving in, where the task wants them: a place it names, or
    # for an attacker one on the way to its goals; an empty town grabbed on a detour is
    # left behind at once and changes hands back
    control = state.control
    enemy_held = scenario.side_table.hostile_ground[self.side][control[d]]
    wanted = np.isin(d, np.array(order.goals + order.objectives, dtype=np.int64))
    if posture == Posture.ATTACK and goals:
        wanted |= goal_field[d] <= goal_field[start]
    taking = enemy_held & wanted
    score += CAPTURE_WEIGHT * taking * scenario.vp[d]
    score += 0.3 * taking * (self.take_value[d] > 1.0)

    # don't crowd: a second or third unit in a hex is worth less than a new hex
    score -= 0.1 * self.friends_count[d]

    # holding units stay put unless a move is clearly better (no shuffling along the line)
    score += INERTIA[posture] * (d == start)

    score += NOISE * rng.random(len(d))
    return score


def _balls(scenario: Scenario, hexes: I32, radius: npt.NDArray[np.int64], weight: F64) -> F64:
    """[N] the sum of each hex's `weight` over the hexes within its `radius` (hex distance)."""
    grid = scenario.map
    return ai_kernels.ball_sums(
        hexes, radius, weight, grid.q, grid.r, grid.cols, grid.rows, grid.orientation == "flat"
    )


def reference_enemy_picture(
    scenario: Scenario, side: int, belief: Belief
) -> tuple[I32, F64, npt.NDArray[np.bool_], F64, npt.NDArray[np.bool_]]:
    """`EnemyPicture.of` as array operations, as it was before it was compiled: (stacks,
    defence, anti-armour, threat, band)."""
    state = belief.state
    grid = scenario.map
    units = scenario.units
    n = grid.size
    enemy = np.nonzero(state.active & (state.hex >= 0) & scenario.unit_hostile[side])[0]
    defence = np.zeros(n)
    np.add.at(defence, state.hex[enemy], unit_defence(scenario, belief, enemy))
    anti = np.zeros(n, dtype=np.bool_)
    anti_kind = (units.kind[enemy] == UnitKind.ARMOUR) | (units.kind[enemy] == UnitKind.ARTILLERY)
    anti[state.hex[enemy[anti_kind]]] = True
    ghost_units = np.nonzero(belief.ghosts >= 0)[0]
    threat_units = np.concatenate([enemy, ghost_units])
    threat_hexes = np.concatenate([state.hex[enemy], belief.ghosts[ghost_units]]).astype(np.int32)
    threat = np.zeros(n)
    if len(threat_units):
        strength = (
            units.attack[threat_units]
            * np.where(
                state.steps[threat_units] > 0,
                state.steps[threat_units],
                units.max_steps[threat_units],
            )
            / np.maximum(units.max_steps[threat_units], 1)
        )
        mechanised = np.isin(units.kind[threat_units], list(MECHANISED_KINDS))
        radius = np.where(
            mechanised,
            scenario.scale.hexes(THREAT_KM_MECHANISED),
            scenario.scale.hexes(THREAT_KM_FOOT),
        ).astype(np.int64)
        threat = _balls(scenario, threat_hexes, radius, strength.astype(np.float64))
    hexes = np.unique(state.hex[enemy]).astype(np.int32)
    near = np.zeros(n, dtype=np.bool_)
    if len(hexes):
        band = np.full(len(hexes), scenario.scale.hexes(FRONT_BAND_KM), dtype=np.int64)
        near = _balls(scenario, hexes, band, np.ones(len(hexes))) > 0
    return hexes, defence, anti, threat, near & (defence == 0) & ~grid.water


def reference_armour_contact(scenario: Scenario, side: int, belief: Belief) -> I32:
    """`armour_contact` as array operations, as it was before it was compiled."""
    state = belief.state
    units = scenario.units
    out: I32 = np.zeros(scenario.map.size, dtype=np.int32)
    seen = np.nonzero(
        state.active
        & (state.hex >= 0)
        & scenario.unit_hostile[side]
        & (units.kind == UnitKind.ARMOUR)
    )[0]
    if len(seen) == 0:
        return out
    hexes = np.unique(state.hex[seen])
    around = scenario.map.neighbor[hexes]
    ours = scenario.side_table.friendly_ground[side][state.control]
    out[hexes] = np.where(around >= 0, ours[np.maximum(around, 0)], False).sum(axis=1)
    return out
