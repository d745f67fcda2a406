"""The scripted historical AI: the scenario's operational plan on top of the tactical layer.

`HistoricalAI.next_action(game)` answers one action at a time, as the UI wants it, but thinks a
phase at a time: on the first call of each of its phases it reads its side's observation, moves
the plan on (triggers), gives every unit its order and assigns hold-order garrisons; then each
call moves one unit (scoring every hex the unit can reach on the belief state) or declares one
of the attacks chosen for the combat phase, and finally ends the phase.

Fog of war: decisions come from `observe(...)` only (see `belief`). Moves are searched on the
belief, so a hidden enemy can make a chosen path illegal; the AI then asks the engine's own path
check and takes the longest legal part of the path (as a player told "you can't go there" would),
so it never sends an action the engine refuses.
"""

from __future__ import annotations

import time

import numpy as np

from game import engine
from game.actions import Action, Attack, EndPhase, Move
from game.ai import fields
from game.ai.attacks import choose_attacks
from game.ai.belief import Belief, build_belief
from game.ai.plan import Order, PlanTracker, Posture
from game.ai.tactics import PhaseContext
from game.enums import Side, UnitKind
from game.hexgrid import distance as hex_distance
from game.rules import movement, supply
from game.rules.movement import MOVEMENT_CLASS, is_mechanised
from game.scenario.model import Scenario
from game.session import Game
from game.state import GameState, Phase, UnitStatus

NO_ORDER = Order(Posture.HOLD, (), (), -1)
POSTURE_ORDER = {
    Posture.ATTACK: 0,
    Posture.HOLD: 1,
    Posture.DELAY: 2,
    Posture.RESERVE: 3,
    Posture.WITHDRAW: 4,
}


class HistoricalAI:
    """Plays one side of a scenario by its plan; see the module docstring."""

    def __init__(self, scenario: Scenario, side: Side, seed: int) -> None:
        self.scenario = scenario
        self.side = side
        self.seed = seed
        self.rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        self.plan = PlanTracker.for_side(scenario, side)
        self.rules = engine.movement_rules(scenario)
        self.orders: dict[int, Order] = {}
        self.garrisons: dict[int, int] = {}  # unit -> hold-order city hex it must stay in
        self.thinking_seconds = 0.0  # time spent deciding, for benchmarks
        self._phase_key: tuple[int, int, int] | None = None
        self._queue: list[int] = []
        self._attacks: list[Attack] = []
        self._context: PhaseContext | None = None
        self._visible: np.ndarray | None = None
        self._held: np.ndarray | None = None  # ground held when the side's turn began

    # --- the Player protocol -------------------------------------------------------------

    def next_action(self, game: Game) -> Action:
        started = time.perf_counter()
        try:
            return self._next(game)
        finally:
            self.thinking_seconds += time.perf_counter() - started

    def _next(self, game: Game) -> Action:
        state = game.state
        if state.over or engine.moving_side(self.scenario, state) != self.side:
            return EndPhase()
        key = (state.turn, state.side_index, int(state.phase))
        if key != self._phase_key:
            self._phase_key = key
            self._begin_phase(game)
        if state.phase in (Phase.MOVEMENT, Phase.EXPLOITATION):
            while self._queue:
                action = self._move(game, self._queue.pop(0))
                if action is not None:
                    return action
        elif state.phase == Phase.COMBAT:
            while self._attacks:
                attack = self._attacks.pop(0)
                if self._attack_still_valid(game.state, attack):
                    return attack
        return EndPhase()

    # --- phases --------------------------------------------------------------------------

    def _belief(self, game: Game) -> Belief:
        # the side's own unit status is its own business; everything else comes via observe()
        own_status = np.where(
            self.scenario.units.side == self.side, game.state.status, UnitStatus.WAITING
        ).astype(np.uint8)
        return build_belief(self.scenario, game.state, self.side, own_status)

    def _begin_phase(self, game: Game) -> None:
        belief = self._belief(game)
        state = belief.state
        scenario = self.scenario
        units = scenario.units
        own = np.nonzero(state.active & (units.side == self.side))[0]
        if state.phase == Phase.MOVEMENT or self._held is None:
            self._held = state.control == self.side
        if state.phase == Phase.MOVEMENT:
            self._update_plan(game, belief)
            self.orders = self.plan.orders(own, state.control)
            self._assign_garrisons(belief, own)
            for u, city in self.garrisons.items():
                base = self.orders.get(u, NO_ORDER)
                self.orders[u] = Order(Posture.HOLD, (city,), base.objectives, base.task, city)
        else:
            for u in own.tolist():  # arrivals mid-turn cannot happen, but be safe
                self.orders.setdefault(u, NO_ORDER)
        self._context = PhaseContext.build(scenario, self.side, belief, self.orders, self._held)
        self._visible = belief.enemy_visible.copy()
        self._queue = []
        self._attacks = []
        if state.phase in (Phase.MOVEMENT, Phase.EXPLOITATION):
            movable = [u for u in own.tolist() if state.movement_left[u] > 0]
            if state.phase == Phase.EXPLOITATION:
                # the second move is for breaking through, pulling out and getting back into
                # supply; holding formations stay where the first move put them
                movable = [
                    u
                    for u in movable
                    if is_mechanised(scenario, u)
                    and (
                        self.orders.get(u, NO_ORDER).posture in (Posture.ATTACK, Posture.WITHDRAW)
                        or state.supply[u] > 0
                    )
                    and self.orders.get(u, NO_ORDER).garrison < 0
                ]
            self._queue = self._move_order(belief, movable)
        elif state.phase == Phase.COMBAT:
            self._attacks = choose_attacks(self._context, set(self.garrisons), self.rng)

    def _update_plan(self, game: Game, belief: Belief) -> None:
        state = belief.state
        units = self.scenario.units
        own = units.side == self.side
        # own losses: the side's own books
        brought = own & (game.state.status != UnitStatus.WAITING)
        men = float(units.men[brought].sum())
        lost = float(game.state.men_lost[own].sum())
        share = lost / men if men > 0 else 0.0
        pocketed: set[int] = set()
        phase = self.plan.phase
        watching = phase is not None and any(t.when == "pocket_formed" for t in phase.triggers)
        for side in self.scenario.sides if watching else ():
            for pocket in supply.find_pockets(self.scenario, state, side):
                if len(pocket.units) >= 2:
                    pocketed.update(int(u) for u in pocket.units.tolist())
        self.plan.update(state.turn, state.control, share, frozenset(pocketed))

    def _assign_garrisons(self, belief: Belief, own: np.ndarray) -> None:
        """One unit per hold-order city we hold: the one already there, else the nearest."""
        state = belief.state
        units = self.scenario.units
        grid = self.scenario.map
        self.garrisons = {}
        taken: set[int] = set()
        for city, formations in self.plan.hold_orders(state.turn):
            if state.control[city] != self.side:
                continue
            pool = [int(u) for u in own.tolist() if int(u) not in taken]
            listed = [u for u in pool if not formations or int(units.formation[u]) in formations]
            present = [u for u in pool if state.hex[u] == city]
            if present:
                # prefer the listed formations, then foot soldiers (tanks are better used moving)
                present.sort(
                    key=lambda u: (
                        u not in listed,
                        units.kind[u] in (UnitKind.ARMOUR, UnitKind.MECHANISED),
                        u,
                    )
                )
                pick = present[0]
            else:
                choices = listed or pool
                if not choices:
                    continue
                target = grid.hex_of(city)
                pick = min(
                    choices,
                    key=lambda u: (
                        hex_distance(grid.hex_of(int(state.hex[u])), target),
                        units.kind[u] in (UnitKind.ARMOUR, UnitKind.MECHANISED),
                        u,
                    ),
                )
            taken.add(pick)
            self.garrisons[pick] = city

    def _move_order(self, belief: Belief, movable: list[int]) -> list[int]:
        """Garrisons first, then attackers (tanks first, the nearest their goal first), then the
        other postures."""
        state = belief.state
        units = self.scenario.units
        assert self._context is not None
        weather = self._context.weather

        def key(u: int) -> tuple[int, int, int, int]:
            order = self.orders.get(u, NO_ORDER)
            goals = order.goals or order.objectives
            distance = 0
            if goals:
                field = fields.goal_field(
                    self.scenario, state, goals, int(MOVEMENT_CLASS[units.kind[u]]), weather
                )
                distance = int(field[state.hex[u]])
            first = 0 if order.garrison >= 0 else 1 + POSTURE_ORDER[order.posture]
            return (first, 0 if is_mechanised(self.scenario, u) else 1, distance, u)

        return sorted(movable, key=key)

    # --- one unit's move -----------------------------------------------------------------

    def _move(self, game: Game, u: int) -> Move | None:
        context = self._context
        assert context is not None
        belief = self._belief(game)
        state = belief.state
        if state.status[u] != UnitStatus.ACTIVE or state.movement_left[u] <= 0:
            return None
        order = self.orders.get(u, NO_ORDER)
        start = int(state.hex[u])
        if order.garrison >= 0 and start == order.garrison:
            return None
        if self._visible is None or not np.array_equal(belief.enemy_visible, self._visible):
            # new enemies came into view (or vanished): redraw the enemy picture
            context.see_again(belief)
            self._visible = belief.enemy_visible.copy()
        else:
            context.belief = belief
        allowance = int(state.movement_left[u])
        reach = movement.legal_moves(self.scenario, state, u, allowance, rules=self.rules)
        destinations = reach.destinations()
        if len(destinations) <= 1:
            return None
        context.place(u, start, -1)
        scores = context.score_moves(u, destinations, order, allowance, self.rng)
        best = int(destinations[int(np.argmax(scores))])
        if best == start:
            context.place(u, start, +1)
            return None
        path = reach.path_to(best)[1:]
        if not self._surely_legal(belief, path):
            path = self._legal_prefix(game.state, u, start, path, allowance)
        end = path[-1] if path else start
        context.place(u, end, +1)
        return Move(u, tuple(path)) if path else None

    def _surely_legal(self, belief: Belief, path: list[int]) -> bool:
        """A path no hidden enemy can touch: every hex of it and around it is in view (a hidden
        unit is out of view, so it neither stands on the path nor casts ZOC over it)."""
        seen = engine.observed_hexes(self.scenario, belief.state, self.side)
        grid = self.scenario.map
        hexes = np.array(path, dtype=np.intp)
        around = grid.neighbor[hexes]
        return bool(seen[hexes].all() and seen[around[around >= 0]].all())

    def _legal_prefix(
        self, truth: GameState, u: int, start: int, path: list[int], allowance: int
    ) -> list[int]:
        """The longest part of `path` the engine accepts (hidden enemies may block the rest)."""
        for k in range(len(path), 0, -1):
            cost = movement.move_path_cost(
                self.scenario, truth, u, [start, *path[:k]], allowance, rules=self.rules
            )
            if cost is not None:
                return path[:k]
        return []

    def _attack_still_valid(self, truth: GameState, attack: Attack) -> bool:
        units = self.scenario.units
        grid = self.scenario.map
        if any(a.target == attack.target for a in truth.declared):
            return False
        busy = {u for a in truth.declared for u in a.attackers}
        for u in attack.attackers:
            if truth.status[u] != UnitStatus.ACTIVE or u in busy:
                return False
            if attack.target not in grid.neighbor[truth.hex[u]]:
                return False
        defenders = truth.active & (truth.hex == attack.target) & (units.side != self.side)
        return bool(np.any(defenders))
