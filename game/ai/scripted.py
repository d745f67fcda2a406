"""The scripted historical AI: the scenario's operational plan on top of the tactical layer.

`HistoricalAI.next_action(game)` answers one action at a time, as the UI wants it, but thinks a
phase at a time: on the first call of each of its phases it reads its side's observation, moves
the plan on (triggers), gives every unit its order and assigns hold-order garrisons; then each
call moves one unit (scoring every hex the unit can reach on the belief state) or declares one
of the attacks chosen for the combat phase, and finally ends the phase.

Fog of war: the AI is handed its side's observation and nothing else (see `belief`). Moves are
searched on the belief, so a hidden enemy can make a chosen path illegal; the driver applies the
move with `Game.apply_order`, which takes it as far as the true position allows (a unit told to go
somewhere stops at contact), and the AI reads where the unit really stopped from its next
observation.
"""

from __future__ import annotations

import time

import numpy as np

from game import engine
from game.actions import Action, Attack, EndPhase, Move, OrderBreakout
from game.ai.attacks import choose_attacks
from game.ai.belief import Belief, belief_from_observation
from game.ai.plan import Order, PlanTracker, Posture
from game.ai.tactics import AttackContext, PhaseContext
from game.hexgrid import distance_array
from game.observation import Observation
from game.rules import breakout, movement, supply
from game.rules.movement import MOVEMENT_CLASS, is_mechanised
from game.scenario.model import Scenario
from game.state import GameState, Phase, UnitStatus

NO_ORDER = Order(Posture.HOLD, (), (), -1)
# module names for what every call reads (attribute lookups on an enum class are slow in 3.11)
_MOVING_PHASES = (Phase.MOVEMENT, Phase.EXPLOITATION)
_COMBAT = Phase.COMBAT
# plain ints: numpy compares them without looking up dunders on the enum class
_ACTIVE = int(UnitStatus.ACTIVE)
POSTURE_ORDER = {
    Posture.ATTACK: 0,
    Posture.HOLD: 1,
    Posture.DELAY: 2,
    Posture.RESERVE: 3,
    Posture.WITHDRAW: 4,
    Posture.BREAKOUT: 0,
}


class HistoricalAI:
    """Plays one side of a scenario by its plan; see the module docstring."""

    def __init__(self, scenario: Scenario, side: int, seed: int) -> None:
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
        self._visible: bytes | None = None  # the enemy units in view when the picture was drawn
        self._held: np.ndarray | None = None  # ground held when the side's turn began
        self._planned: dict[int, int] = {}  # unit -> hex its last move was planned to end in
        self._hold_cities: set[int] = set()  # hexes of the hold orders in force this turn

    # --- the Player protocol -------------------------------------------------------------

    def next_action(self, view: Observation) -> Action:
        started = time.perf_counter()
        try:
            return self._next(view)
        finally:
            self.thinking_seconds += time.perf_counter() - started

    def _next(self, view: Observation) -> Action:
        if view.over or view.moving != self.side or view.side != self.side:
            return EndPhase()
        key = (view.turn, view.moving, int(view.phase))
        belief = self._belief(view)
        self.plan.breakout_ordered = view.breakout_ordered
        if key != self._phase_key and view.phase == Phase.MOVEMENT:
            self._update_plan(view, belief)
            # the plan calls for the breakout: order it before anything else, so that the
            # pocket's units get their orders and their movement this very turn
            if (
                self.plan.calls_for_breakout()
                and breakout.why_not_order(self.scenario, belief.state, self.side) is None
            ):
                return OrderBreakout()
        if key != self._phase_key:
            self._phase_key = key
            self._planned = {}
            self._begin_phase(view, belief)
        if view.phase in _MOVING_PHASES:
            self._correct_stopped(view)
            while self._queue:
                action = self._move(belief, self._queue.pop(0))
                if action is not None:
                    return action
        elif view.phase == _COMBAT:
            while self._attacks:
                attack = self._attacks.pop(0)
                if self._attack_still_valid(view, attack):
                    return attack
        return EndPhase()

    # --- phases --------------------------------------------------------------------------

    def _belief(self, view: Observation) -> Belief:
        # own units' status is the side's own business: the observation carries it (the
        # belief reads it for own units only)
        return belief_from_observation(self.scenario, view, view.status)

    def _correct_stopped(self, view: Observation) -> None:
        """A move that met a hidden enemy stopped short: put the unit where it really is in the
        running arrays (they hold where its move was planned to end)."""
        context = self._context
        for u, planned in list(self._planned.items()):
            actual = int(view.hex[u])
            if actual != planned and context is not None:
                context.place(u, planned, -1)
                context.place(u, actual, +1)
            del self._planned[u]

    def _begin_phase(self, view: Observation, belief: Belief) -> None:
        state = belief.state
        scenario = self.scenario
        units = scenario.units
        own = np.nonzero(state.active & (units.side == self.side))[0]
        if state.phase == Phase.MOVEMENT or self._held is None:
            self._held = scenario.side_table.friendly_ground[self.side][state.control]
        if state.phase == Phase.MOVEMENT:
            self._update_plan(view, belief)
            self.orders = self.plan.orders(own, state.control, state.hex, state.active)
            self._assign_garrisons(belief, own)
            for u, city in self.garrisons.items():
                base = self.orders.get(u, NO_ORDER)
                self.orders[u] = Order(Posture.HOLD, (city,), base.objectives, base.task, city)
        else:
            for u in own.tolist():  # arrivals mid-turn cannot happen, but be safe
                self.orders.setdefault(u, NO_ORDER)
        self._context = None
        self._visible = belief.enemy_visible.tobytes()
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
                        self.orders.get(u, NO_ORDER).posture
                        in (Posture.ATTACK, Posture.WITHDRAW, Posture.BREAKOUT)
                        or state.supply[u] > 0
                    )
                    and self.orders.get(u, NO_ORDER).garrison < 0
                ]
            if movable:  # nobody to move (often so in exploitation): no picture to draw
                self._context = PhaseContext.build(
                    scenario, self.side, belief, self.orders, self._held
                )
                self._queue = self._move_order(belief, movable)
        elif state.phase == Phase.COMBAT:
            context = AttackContext.build(scenario, self.side, belief, self.orders)
            self._attacks = choose_attacks(context, set(self.garrisons), self.rng)

    def _update_plan(self, view: Observation, belief: Belief) -> None:
        state = belief.state
        if self.plan.last_turn == state.turn:
            return  # the plan moves on once a turn (`PlanTracker.update`): no pockets to trace
        units = self.scenario.units
        own = view.own
        # own losses: the side's own books
        brought = own & (view.status != UnitStatus.WAITING)
        men = float(units.men[brought].sum())
        lost = float(view.men_lost[own].sum())
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
        """One unit per hold-order city we hold: the one already there, else the nearest. A unit
        the order does not name holds only until one it names is free to take over: that one is
        sent (foot soldiers first), and the stand-in goes once it is there. The orders in force
        are asked with the enemy the side knows of (seen now, or remembered where last seen)."""
        state = belief.state
        known = np.concatenate([state.hex[belief.enemy_visible], belief.ghosts[belief.ghosts >= 0]])
        holds = self.plan.hold_orders(state.turn, known.astype(np.intp))
        self._hold_cities = {city for city, _ in holds}
        units = self.scenario.units
        self.garrisons = {}
        # a pocket breaking out leaves its cities: its units garrison nothing
        going = self.plan.breaking_out()
        mine: list[int] = own.tolist()
        at = dict(zip(mine, state.hex[own].tolist(), strict=True))
        taken: set[int] = {u for u in mine if int(units.formation[u]) in going}
        for city, chosen in holds:
            if not self.scenario.side_table.friendly_ground[self.side][state.control[city]]:
                continue
            pool = [u for u in mine if u not in taken]
            listed = [u for u in pool if not chosen or u in chosen]
            present = [u for u in pool if at[u] == city]
            if present:
                # prefer the listed formations, then foot soldiers (tanks are better used moving)
                present.sort(key=lambda u: (u not in listed, is_mechanised(self.scenario, u), u))
                pick = present[0]
                if pick not in listed and listed:
                    # a stand-in (none of the listed is there) holds until one of them takes over
                    relief = self._nearest(state, listed, city, foot_first=True)
                    taken.add(relief)
                    self.garrisons[relief] = city
            else:
                choices = listed or pool
                if not choices:
                    continue
                pick = self._nearest(state, choices, city, foot_first=False)
            taken.add(pick)
            self.garrisons[pick] = city

    def _nearest(self, state: GameState, choices: list[int], city: int, foot_first: bool) -> int:
        """The unit to send to garrison `city`: the nearest, foot soldiers on ties (tanks are
        better used moving), or with `foot_first` foot soldiers before any tanks."""
        grid = self.scenario.map
        at = state.hex[choices]
        distance = distance_array(grid.q[at], grid.r[at], grid.q[city], grid.r[city]).tolist()
        tanks = [is_mechanised(self.scenario, u) for u in choices]
        if foot_first:
            return min(zip(tanks, distance, choices, strict=True))[2]
        return min(zip(distance, tanks, choices, strict=True))[2]

    def _move_order(self, belief: Belief, movable: list[int]) -> list[int]:
        """Garrisons first, then attackers (tanks first, the nearest their goal first), then the
        other postures."""
        state = belief.state
        units = self.scenario.units
        context = self._context
        assert context is not None

        def key(u: int) -> tuple[int, int, int, int]:
            order = self.orders.get(u, NO_ORDER)
            goals = order.goals or order.objectives
            distance = 0
            if goals:
                field = context.goal_field(goals, int(MOVEMENT_CLASS[units.kind[u]]))
                distance = int(field[state.hex[u]])
            first = 0 if order.garrison >= 0 else 1 + POSTURE_ORDER[order.posture]
            return (first, 0 if is_mechanised(self.scenario, u) else 1, distance, u)

        return sorted(movable, key=key)

    # --- one unit's move -----------------------------------------------------------------

    def _move(self, belief: Belief, u: int) -> Move | None:
        context = self._context
        assert context is not None
        state = belief.state
        if state.status[u] != _ACTIVE or state.movement_left[u] <= 0:
            return None
        order = self.orders.get(u, NO_ORDER)
        start = int(state.hex[u])
        if order.garrison >= 0 and start == order.garrison:
            return None
        if self._visible is None or belief.enemy_visible.tobytes() != self._visible:
            # new enemies came into view (or vanished): redraw the enemy picture
            context.see_again(belief)
            self._visible = belief.enemy_visible.tobytes()
        else:
            context.belief = belief
        allowance = int(state.movement_left[u])
        reach = movement.legal_moves(
            self.scenario, state, u, allowance, rules=self.rules, enemy_zone=context.enemy_zone
        )
        destinations = reach.destinations()
        if len(destinations) <= 1:
            return None
        best = context.choose_move(u, destinations, order, self.rng)  # and moves it there
        if best == start:
            return None
        path = reach.path_to(best)[1:]
        self._planned[u] = best
        self._garrison_on_arrival(u, best, order)
        return Move(u, tuple(path))

    def _garrison_on_arrival(self, u: int, h: int, order: Order) -> None:
        """A unit that ends its move in a hold-order city nobody garrisons stays there as its
        garrison (garrisons are otherwise named when the turn begins, so a city taken this turn
        would stand empty until the next one, and bypassed ground can be handed back)."""
        if order.garrison >= 0 or h in self.garrisons.values():
            return
        if h not in self._hold_cities:
            return
        self.garrisons[u] = h
        self.orders[u] = Order(Posture.HOLD, (h,), order.objectives, order.task, h)

    def _attack_still_valid(self, view: Observation, attack: Attack) -> bool:
        """The attack can still be declared, as far as the side can tell (declaring changes
        nothing on the map, so only its own earlier declarations can stand in the way)."""
        grid = self.scenario.map
        if any(target == attack.target for _, target in view.declared):
            return False
        busy = {u for attackers, _ in view.declared for u in attackers}
        for u in attack.attackers:
            if view.status[u] != UnitStatus.ACTIVE or u in busy:
                return False
            if attack.target not in grid.neighbor[view.hex[u]]:
                return False
        defenders = view.visible & ~view.friendly & (view.hex == attack.target)
        return bool(np.any(defenders))
