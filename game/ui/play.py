"""Playing on the map: selection, moves, attack planning, undo, the computer's turn, and what a
move leaves on the map (trails, combat notes, log lines).

The map screen turns clicks and keys into calls here; everything that changes the game goes
through `Table.apply`, i.e. `Game.apply`. `scene()` builds what the map view draws, from the
viewer's fog-of-war observation only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from game import engine
from game.actions import Action, Attack, CancelAttack, EndPhase, Move
from game.ai.belief import build_belief
from game.enums import Side, Terrain
from game.events import Event
from game.observation import Observation, observe
from game.rules import movement, supply
from game.rules.movement import Reach
from game.session import Game
from game.state import Phase, UnitStatus
from game.ui.counters import CounterLook
from game.ui.mapview import Marker, Scene, StackView, Trail
from game.ui.match import AI_SPEEDS, AIDriver, Knowledge, Match
from game.ui.panels import AttackPreview, marker_for, preview_attack

GHOST_TURNS = 2  # enemies last seen this many turns ago still show as ghosts
MAX_MARKERS = 40
MAX_TRAILS = 16


@dataclass
class Overlays:
    supply: bool = False
    pockets: bool = False
    zoc: bool = False
    fog: bool = True
    minimap: bool = True


@dataclass
class Feedback:
    """What the last actions produced for the screen: sounds, log lines, a message."""

    sounds: list[str] = field(default_factory=list)
    message: str = ""
    message_time: float = 0.0


class Table:
    """The state of play around a `Match`: the viewer, the selection and the planned attack."""

    def __init__(self, match: Match, speed: str = "normal", threaded_ai: bool = True) -> None:
        self.match = match
        self.ai = AIDriver(threaded_ai)
        self.speed = speed
        self.paused = False
        self.skipping = False
        self.ai_wait = 0.0
        self.now = 0.0
        self.version = 0
        self.viewer: int | None = self._initial_viewer()
        self.selected = -1
        self.selected_hex = -1
        self.hover_hex = -1
        self.reach: Reach | None = None
        self.target = -1
        self.attackers: list[int] = []
        self.overlays = Overlays()
        self.markers: list[Marker] = []
        self.trails: list[Trail] = []
        self.feedback = Feedback()
        self._preview: tuple[tuple[int, Attack], AttackPreview] | None = None
        self._scene_key: tuple[object, ...] | None = None
        self._scene_base: Scene | None = None
        self.started = time.monotonic()

    # --- who sees and who moves ------------------------------------------------------------

    @property
    def game(self) -> Game:
        return self.match.game

    def _initial_viewer(self) -> int | None:
        match = self.match
        if match.mode == "watch" or not match.humans:
            return None
        if match.mode == "hotseat":
            return None  # nobody until the first hand-over
        return next(iter(match.humans))

    def my_turn(self) -> bool:
        """A human may act now: it is a human side's turn and that side is at the screen."""
        match = self.match
        return match.human_to_move() and (match.mode != "hotseat" or self.viewer == match.moving())

    def needs_handover(self) -> bool:
        match = self.match
        return match.mode == "hotseat" and match.human_to_move() and self.viewer != match.moving()

    def observation(self) -> Observation | None:
        if self.viewer is None:
            return None
        return observe(self.match.game.scenario, self.match.game.state, self.viewer)

    # --- applying actions ------------------------------------------------------------------

    def apply(self, action: Action, by_ai: bool = False) -> list[Event]:
        """Apply an action for the side to move; an illegal one leaves a message, nothing else."""
        game = self.match.game
        scenario, state = game.scenario, game.state
        start = int(state.hex[action.unit]) if isinstance(action, Move) else -1
        turn, phase, side = state.turn, state.phase, engine.moving_side(scenario, state)
        try:
            events = game.apply(action)
        except engine.IllegalActionError as exc:
            self.say(str(exc))
            self.feedback.sounds.append("refused")
            if by_ai and not isinstance(action, EndPhase):
                return self.apply(EndPhase(), by_ai=True)
            return []
        self.version += 1
        knowledge = Knowledge(game, self.viewer)
        seen_any = False
        for event in events:
            if not knowledge.knows(event):
                continue
            if event.kind != "turn":
                seen_any = True
            note = marker_for(event)
            if note is not None and event.hex >= 0:
                self.markers.append(Marker(event.hex, note[0], note[1], self.now))
            if event.kind == "combat":
                self.feedback.sounds.append("combat")
        trail = False
        if isinstance(action, Move):
            self.feedback.sounds.append("move")
            if by_ai or side != self.viewer:
                trail = self._trail(action.unit, [start, *action.path], int(side))
        state = game.state
        if state.turn != turn or state.phase != phase:
            self._phase_changed()
            if engine.moving_side(scenario, state) != side or state.turn != turn:
                self.feedback.sounds.append("turn")
        elif self.selected >= 0:
            self._refresh_reach()
        if by_ai:
            delay = AI_SPEEDS.get(self.speed, 0.4)
            self.ai_wait = 0.0 if self.skipping or not (seen_any or trail) else delay
            if isinstance(action, EndPhase) and any(e.kind == "combat" for e in events):
                self.ai_wait = 0.0 if self.skipping else delay * 3
        return events

    def _trail(self, unit: int, path: list[int], side: int) -> bool:
        """Show a move only from where the viewer first sees it, and only if the unit is seen."""
        view = self.observation()
        if view is not None and not view.visible[unit]:
            return False
        if view is not None:
            seen = engine.observed_hexes(self.match.game.scenario, self.match.game.state, view.side)
            while path and not seen[path[0]]:
                path = path[1:]
        if len(path) >= 2:
            self.trails.append(Trail(path, side, self.now))
            return True
        return False

    def say(self, text: str) -> None:
        self.feedback.message = text
        self.feedback.message_time = self.now

    def _phase_changed(self) -> None:
        if self.skipping or self.speed == "instant":
            # a turn played in a blink would leave a pile of notes: keep the latest phase's only
            self.markers = [m for m in self.markers if self.now - m.born < 0.05]
            self.trails = [t for t in self.trails if self.now - t.born < 0.05]
        self.target = -1
        self.attackers = []
        self._preview = None
        if self.selected >= 0:
            self._refresh_reach()

    def undo(self) -> bool:
        if not self.my_turn() or not self.match.game.can_undo():
            self.feedback.sounds.append("refused")
            return False
        self.match.game.undo()
        self.version += 1
        self.ai.reset()
        self.target = -1
        self.attackers = []
        self._preview = None
        if self.selected >= 0 and self.match.game.state.status[self.selected] != UnitStatus.ACTIVE:
            self.selected = -1
        self._refresh_reach()
        return True

    def end_phase(self) -> None:
        if not self.my_turn():
            self.feedback.sounds.append("refused")
            return
        self.apply(EndPhase())

    # --- selection ---------------------------------------------------------------------------

    def units_at(self, h: int, view: Observation | None) -> list[int]:
        """Units the viewer sees in a hex, own side first."""
        state = self.match.game.state
        here = state.active & (state.hex == h)
        if view is not None:
            here &= view.visible
        found = np.nonzero(here)[0].tolist()
        side = self.viewer
        return sorted(found, key=lambda u: (int(self.match.game.scenario.units.side[u]) != side, u))

    def select_unit(self, u: int) -> None:
        state = self.match.game.state
        self.selected = u
        self.selected_hex = int(state.hex[u]) if u >= 0 and state.hex[u] >= 0 else self.selected_hex
        self._refresh_reach()

    def clear_selection(self) -> None:
        self.selected = -1
        self.selected_hex = -1
        self.reach = None
        self.target = -1
        self.attackers = []
        self._preview = None

    def _refresh_reach(self) -> None:
        game = self.match.game
        scenario, state = game.scenario, game.state
        u = self.selected
        self.reach = None
        if (
            u < 0
            or not self.my_turn()
            or state.phase not in (Phase.MOVEMENT, Phase.EXPLOITATION)
            or state.status[u] != UnitStatus.ACTIVE
            or scenario.units.side[u] != engine.moving_side(scenario, state)
            or state.movement_left[u] <= 0
        ):
            return
        # Plan on what the side can see: hidden enemies neither block nor cast ZOC on the display.
        side = engine.moving_side(scenario, state)
        belief = build_belief(scenario, state, side, state.status)
        self.reach = engine.unit_moves(scenario, belief.state, u)

    def _move_as_far_as_possible(self, u: int, path: list[int]) -> None:
        """Order a move; if hidden enemies block it, the unit goes as far as it can and stops."""
        game = self.match.game
        scenario, state = game.scenario, game.state
        start, allowance = int(state.hex[u]), int(state.movement_left[u])
        rules = engine.movement_rules(scenario)
        for k in range(len(path), 0, -1):
            if (
                movement.move_path_cost(
                    scenario, state, u, [start, *path[:k]], allowance, rules=rules
                )
                is not None
            ):
                self.apply(Move(u, tuple(path[:k])))
                if k < len(path):
                    self.say("Enemy contact: the move stops short")
                return
        self.apply(Move(u, tuple(path)))  # refused with the engine's reason

    def click(self, h: int) -> None:
        """A left click on a hex: move there, pick a target, toggle an attacker, or select."""
        if h < 0:
            self.clear_selection()
            return
        game = self.match.game
        scenario, state = game.scenario, game.state
        view = self.observation()
        mine = self.viewer
        here = self.units_at(h, view)
        own_here = [u for u in here if mine is None or scenario.units.side[u] == mine]
        if self.my_turn() and state.phase in (Phase.MOVEMENT, Phase.EXPLOITATION):
            reach = self.reach
            if reach is not None and h != reach.start and reach.can_end(h):
                self._move_as_far_as_possible(self.selected, reach.path_to(h)[1:])
                self.selected_hex = int(game.state.hex[self.selected])
                return
        if self.my_turn() and state.phase == Phase.COMBAT:
            moving = engine.moving_side(scenario, state)
            targets = engine.attack_targets(scenario, state)
            if h in targets:
                if h != self.target:
                    eligible = targets[h]
                    chosen = [u for u in self.attackers if u in eligible]
                    self.target = h
                    self.attackers = chosen or list(eligible)
                    self.selected_hex = h
                    self.selected = here[0] if here else -1
                return
            declared = [a for a in state.declared if a.target == h]
            if declared:
                self.target = h
                self.attackers = list(declared[0].attackers)
                self.selected_hex = h
                self.selected = here[0] if here else -1
                return
            if self.target >= 0 and own_here:
                allowed = set(targets.get(self.target, []))
                toggled = [u for u in own_here if u in allowed and scenario.units.side[u] == moving]
                if toggled:
                    if all(u in self.attackers for u in toggled):
                        self.attackers = [u for u in self.attackers if u not in toggled]
                    else:
                        self.attackers += [u for u in toggled if u not in self.attackers]
                    self._preview = None
                    return
        # plain selection, cycling through a stack on repeated clicks
        self.target = -1 if h != self.target else self.target
        if here:
            if h == self.selected_hex and self.selected in here:
                k = here.index(self.selected)
                self.select_unit(here[(k + 1) % len(here)])
            else:
                self.select_unit(here[0])
        else:
            self.selected = -1
            self.reach = None
        self.selected_hex = h

    def toggle_attacker(self, u: int) -> None:
        game = self.match.game
        targets = engine.attack_targets(game.scenario, game.state)
        if self.target < 0 or u not in targets.get(self.target, []):
            self.select_unit(u)
            return
        if u in self.attackers:
            self.attackers.remove(u)
        else:
            self.attackers.append(u)

    def declare(self) -> None:
        """Commit the planned attack (resolved with all others when the combat phase ends)."""
        if not self.my_turn() or self.target < 0 or not self.attackers:
            self.feedback.sounds.append("refused")
            return
        if any(a.target == self.target for a in self.match.game.state.declared):
            self.say("That attack is already declared: Delete cancels it")
            return
        events = self.apply(Attack(tuple(self.attackers), self.target))
        if events:
            self.target = -1
            self.attackers = []
            self._preview = None

    def cancel_attack(self) -> None:
        state = self.match.game.state
        if self.my_turn() and any(a.target == self.target for a in state.declared):
            self.apply(CancelAttack(self.target))
            self.target = -1
            self.attackers = []

    def next_item(self, step: int = 1) -> int:
        """Select the next unit that can still move, or the next target in the combat phase;
        returns the hex to look at (-1: nothing left)."""
        game = self.match.game
        scenario, state = game.scenario, game.state
        if not self.my_turn():
            return -1
        if state.phase == Phase.COMBAT:
            targets = sorted(engine.attack_targets(scenario, state))
            if not targets:
                return -1
            later = [t for t in targets if (t - self.target) * step > 0]
            h = (later[0] if step > 0 else later[-1]) if later else targets[0 if step > 0 else -1]
            self.click(h)
            return h
        units = engine.movable_units(scenario, state).tolist()
        if state.phase == Phase.EXPLOITATION:
            units = [u for u in units if movement.is_mechanised(scenario, u)]
        if not units:
            return -1
        later = [u for u in units if (u - self.selected) * step > 0]
        u = (later[0] if step > 0 else later[-1]) if later else units[0 if step > 0 else -1]
        self.select_unit(u)
        return int(state.hex[u])

    def preview(self) -> AttackPreview | None:
        """Odds and result chances of the planned attack (cached until anything changes)."""
        if self.target < 0 or not self.attackers:
            return None
        attack = Attack(tuple(self.attackers), self.target)
        key = (self.version, attack)
        if self._preview is not None and self._preview[0] == key:
            return self._preview[1]
        game = self.match.game
        scenario, state = game.scenario, game.state
        # Odds as the attacker can know them: enemy supply and fatigue are not visible, so the
        # defenders count as fresh and supplied, and only known units cut their supply lines.
        side = Side(int(scenario.units.side[attack.attackers[0]]))
        belief = build_belief(scenario, state, side, state.status)
        try:
            result = preview_attack(scenario, belief.state, attack)
        except (IndexError, ValueError):
            return None
        self._preview = (key, result)
        return result

    # --- the computer's turn ------------------------------------------------------------------

    def step_ai(self, dt: float, budget_s: float = 0.03) -> None:
        """Let the computer act when its pause is over; while skipping, as often as fits."""
        match = self.match
        if match.game.state.over or match.human_to_move() or self.paused:
            self.skipping = False if match.human_to_move() else self.skipping
            return
        if self.ai_wait > 0 and not self.skipping:
            self.ai_wait -= dt
            return
        deadline = time.perf_counter() + budget_s
        while time.perf_counter() < deadline:
            action = self.ai.poll(match)
            if action is None:
                break
            self.apply(action, by_ai=True)
            if match.game.state.over or match.human_to_move():
                self.skipping = False
                break
            if self.ai_wait > 0 and not self.skipping:
                break

    def tick(self, dt: float) -> None:
        self.now += dt
        self.markers = [m for m in self.markers if self.now - m.born < m.life][-MAX_MARKERS:]
        self.trails = [t for t in self.trails if self.now - t.born < t.life][-MAX_TRAILS:]

    # --- what the map shows ------------------------------------------------------------------

    def scene(self) -> Scene:
        """The map's content for the viewer. Counters and tints are rebuilt only when the game,
        the viewer or an overlay changed; the selection parts are cheap and set every frame."""
        game = self.match.game
        scenario, state = game.scenario, game.state
        o = self.overlays
        key = (self.version, self.viewer, o.supply, o.pockets, o.zoc, o.fog, self.my_turn())
        if self._scene_key != key or self._scene_base is None:
            self._scene_base = self._build_scene()
            self._scene_key = key
        base = self._scene_base
        scene = Scene(
            control=base.control,
            veil=base.veil,
            stacks=base.stacks,
            out_of_supply=base.out_of_supply,
            pockets=base.pockets,
            zoc=base.zoc,
            markers=self.markers,
            trails=self.trails,
            now=self.now,
            selected_unit=self.selected,
            selected_hex=self.selected_hex,
            hover_hex=self.hover_hex,
            target=self.target,
            attackers=list(self.attackers),
        )
        if self.reach is not None and self.my_turn():
            dest = self.reach.destinations()
            dest = dest[dest != self.reach.start]
            scene.reach = dest.astype(np.int32)
            scene.stops = dest[self.reach.stops[dest]].astype(np.int32)
            h = self.hover_hex
            if h >= 0 and h != self.reach.start and self.reach.can_end(h):
                scene.path = self.reach.path_to(h)
        if self.my_turn() and state.phase == Phase.COMBAT:
            scene.targets = sorted(engine.attack_targets(scenario, state))
            scene.declared = [
                ([int(state.hex[u]) for u in a.attackers], a.target) for a in state.declared
            ]
        return scene

    def _build_scene(self) -> Scene:
        game = self.match.game
        scenario, state = game.scenario, game.state
        units = scenario.units
        view = self.observation()
        viewer = self.viewer
        moving = engine.moving_side(scenario, state)
        moving_phase = state.phase in (Phase.MOVEMENT, Phase.EXPLOITATION) and self.my_turn()
        seen = (
            engine.observed_hexes(scenario, state, viewer)
            if viewer is not None
            else np.ones(scenario.map.size, dtype=np.bool_)
        )
        stacks: dict[int, StackView] = {}

        def add(u: int, h: int, ghost: bool) -> None:
            own = viewer is None or units.side[u] == viewer
            look = CounterLook(
                side=int(units.side[u]),
                kind=int(units.kind[u]),
                size=int(units.size[u]),
                label=units.labels[u],
                attack=int(units.attack[u]),
                defence=int(units.defence[u]),
                movement=int(units.movement[u]),
                steps=int(state.steps[u]),
                max_steps=int(units.max_steps[u]),
                out_of_supply=bool(own and state.supply[u] > 0),
                spent=bool(
                    own and moving_phase and units.side[u] == moving and state.movement_left[u] <= 0
                ),
                ghost=ghost,
            )
            stack = stacks.setdefault(h, StackView(h, [], []))
            stack.units.append(u)
            stack.looks.append(look)

        visible = state.active if view is None else (view.visible & state.active)
        for u in np.nonzero(visible)[0].tolist():
            add(u, int(state.hex[u]), False)
        if view is not None:
            ghosts = (
                ~view.own
                & ~view.visible
                & (view.last_seen_hex >= 0)
                & (view.last_seen_turn >= state.turn - GHOST_TURNS)
                & (view.last_seen_turn > 0)
            )
            for u in np.nonzero(ghosts)[0].tolist():
                h = int(view.last_seen_hex[u])
                if not seen[h]:
                    add(u, h, True)
        ordered = []
        for stack in stacks.values():
            # ghosts underneath; own side on top in the viewer's eyes
            order = sorted(
                range(len(stack.units)),
                key=lambda k: (not stack.looks[k].ghost, stack.units[k]),
            )
            stack.units = [stack.units[k] for k in order]
            stack.looks = [stack.looks[k] for k in order]
            ordered.append(stack)
        scene = Scene(control=state.control.copy(), stacks=ordered)
        if viewer is not None and self.overlays.fog:
            scene.veil = ~seen
        side_for_overlays = viewer if viewer is not None else moving
        if self.overlays.supply:
            in_supply = supply.trace_supply(scenario, state, side_for_overlays)
            own_ground = state.control == side_for_overlays
            scene.out_of_supply = own_ground & ~in_supply & (scenario.map.terrain != Terrain.WATER)
        if self.overlays.pockets:
            scene.pockets = self._pockets(side_for_overlays, view, seen)
        if self.overlays.zoc:
            # the zones of the enemy units the viewer can see: hidden units give nothing away
            enemy = state.active & (units.side != side_for_overlays)
            if view is not None:
                enemy &= view.visible
            occupied = np.zeros(scenario.map.size, dtype=np.bool_)
            occupied[state.hex[enemy]] = True
            weather = int(movement.turn_weather(scenario, state))
            scene.zoc = movement.spread_zone(scenario.map, occupied, weather) & ~occupied
        return scene

    def _pockets(
        self, side: int, view: Observation | None, seen: npt.NDArray[np.bool_]
    ) -> list[npt.NDArray[np.int32]]:
        game = self.match.game
        scenario, state = game.scenario, game.state
        out = []
        for s in scenario.sides:
            for pocket in supply.find_pockets(scenario, state, s):
                hexes = pocket.hexes
                if view is not None and s != side:
                    hexes = hexes[seen[hexes]]  # enemy pockets only where the viewer can see
                if len(hexes):
                    out.append(hexes.astype(np.int32))
        return out
