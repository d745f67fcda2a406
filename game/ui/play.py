"""Playing on the map: selection, moves, attack planning, undo, the computer's turn, and what a
move leaves on the map (trails, combat notes, log lines).

The map screen turns clicks and keys into calls here; everything that changes the game goes
through `Table.apply`, i.e. `Game.apply_order`: a move planned through the fog of war goes as far
as the true position allows. `scene()` builds what the map view draws from the viewer's
observation only, and every overlay (supply, pockets, zones of control, reach, odds) is worked out
on the viewer's belief (`game.ai.belief`): hidden enemy units are not in it, so nothing drawn
changes when they move.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from game import engine
from game.actions import Action, Attack, CancelAttack, EndPhase, Move, OrderBreakout
from game.ai.belief import Belief, belief_from_observation
from game.events import Event
from game.observation import Observation, observe
from game.rules import breakout, control, fortification, movement, supply, victory_view, zoc
from game.rules.movement import Reach
from game.rules.victory_view import SuddenDeathStatus
from game.scenario.model import Scenario
from game.session import Game
from game.state import GameState, Phase, UnitStatus
from game.ui import terrain
from game.ui.counters import CounterLook
from game.ui.mapview import Marker, Scene, StackView, Trail
from game.ui.match import AI_SPEEDS, AIDriver, Knowledge, Match
from game.ui.palette import palette
from game.ui.panels import PHASE_NAMES, AttackPreview, marker_for, preview_attack
from game.ui.supplymap import supply_picture

GHOST_TURNS = 2  # enemies last seen this many turns ago still show as ghosts
MAX_MARKERS = 40
MAX_TRAILS = 16
MAX_REFUSED_AI_MOVES = 40  # moves in a row the computer may have refused before its phase ends
CONTACT_MESSAGE = "Enemy contact: the move stops short"


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
        self._belief: tuple[tuple[object, ...], Belief] | None = None
        self._refused_ai_moves = 0
        self.undo_block = ""  # why the last action cannot be taken back ("" when it can)
        self._threats: tuple[tuple[object, ...], list[SuddenDeathStatus]] | None = None
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
        """What the viewer sees now; None (everything) for a spectator, and for everyone once
        the game is over: the fog lifts at the end."""
        if self.viewer is None or self.match.game.state.over:
            return None
        return observe(self.match.game.scenario, self.match.game.state, self.viewer)

    def belief(self, side: int) -> Belief:
        """What `side` believes now, built from its observation alone: its team's units as they
        are, the enemy units it sees, no other enemy unit. Cached until the game changes."""
        game = self.match.game
        state = game.state
        key = (self.version, side, len(game.actions), id(state), state.turn, int(state.phase))
        if self._belief is not None and self._belief[0] == key:
            return self._belief[1]
        view = observe(game.scenario, state, side)
        # the observation carries the status of the side's own team's units: its own business
        belief = belief_from_observation(game.scenario, view, view.status)
        self._belief = (key, belief)
        return belief

    # --- applying actions ------------------------------------------------------------------

    def apply(self, action: Action, by_ai: bool = False) -> list[Event]:
        """Apply an order for the side to move, through the fog of war (`Game.apply_order`: a
        move stops at first contact with a hidden enemy); an illegal one leaves a message and
        changes nothing. A computer move refused outright (blocked at its first hex by an
        enemy it could not see) is dropped, as `game.ai.players.play_one` does; any other refused
        computer action ends its phase, so that a confused player cannot stall the game."""
        game = self.match.game
        scenario, state = game.scenario, game.state
        start = int(state.hex[action.unit]) if isinstance(action, Move) else -1
        turn, phase, side = state.turn, state.phase, engine.moving_side(scenario, state)
        seen_before = state.seen_turn[side].copy()
        try:
            events = game.apply_order(action)
        except engine.IllegalActionError as exc:
            if by_ai and isinstance(action, Move):
                self._refused_ai_moves += 1
                if self._refused_ai_moves <= MAX_REFUSED_AI_MOVES:
                    return []
            self.say(str(exc))
            self.feedback.sounds.append("refused")
            if by_ai and not isinstance(action, EndPhase):
                self._refused_ai_moves = 0
                return self.apply(EndPhase(), by_ai=True)
            return []
        if by_ai:
            self._refused_ai_moves = 0
        applied = game.actions[-1]
        self.version += 1
        self.undo_block = "" if game.can_undo() else self._why_final(applied, phase, seen_before)
        knowledge = Knowledge(game, self.viewer)
        seen_any = False
        for event in events:
            if not knowledge.knows(event):
                continue
            if event.kind != "turn":
                seen_any = True
            note = marker_for(scenario, event)
            if note is not None and event.hex >= 0:
                self.markers.append(Marker(event.hex, note[0], note[1], self.now))
            if event.kind == "combat":
                self.feedback.sounds.append("combat")
        trail = False
        if isinstance(applied, Move):
            self.feedback.sounds.append("move")
            if by_ai or side != self.viewer:
                trail = self._trail(applied.unit, [start, *applied.path], int(side))
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
            while path and not view.seen_hexes[path[0]]:
                path = path[1:]
        if len(path) >= 2:
            color = palette(self.match.game.scenario).fill(side)
            self.trails.append(Trail(path, side, color, self.now))
            return True
        return False

    def _why_final(self, applied: Action, phase: Phase, seen_before: npt.NDArray[np.int16]) -> str:
        """Why `applied` cannot be taken back, in a player's words."""
        game = self.match.game
        scenario, state = game.scenario, game.state
        if isinstance(applied, EndPhase):
            name = PHASE_NAMES.get(phase, "last")
            if phase == Phase.COMBAT:
                return "The attacks have been resolved: the dice have spoken"
            return f"The {name} phase is over: its moves stand"
        if isinstance(applied, Move):
            side = int(scenario.units.side[applied.unit])
            newly = np.flatnonzero(
                (state.seen_turn[side] == state.turn) & (seen_before != state.turn)
            )
            if len(newly):
                unit = scenario.units.names[applied.unit]
                found = scenario.units.labels[int(newly[0])]
                more = f" and {len(newly) - 1} more" if len(newly) > 1 else ""
                return f"Undo is off: the move of {unit} revealed an enemy unit ({found}{more})"
        return "Undo is off: that order revealed something new"

    def undo_reason(self) -> str:
        """Why undo is not available now ("" when it is)."""
        game = self.match.game
        if game.state.over:
            return "The game is over"
        if not self.my_turn():
            return "Not your turn"
        if game.can_undo():
            return ""
        return self.undo_block or "Nothing to undo yet in this phase"

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
            self.say(self.undo_reason())
            return False
        self.match.game.undo()
        self.version += 1
        self.undo_block = "" if self.match.game.can_undo() else "Nothing more to undo"
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

    def may_order_breakout(self) -> bool:
        """The side to move is the viewer's, in its movement phase, and may order its breakout
        now (the button is lit only then)."""
        game = self.match.game
        scenario, state = game.scenario, game.state
        return (
            self.my_turn()
            and state.phase == Phase.MOVEMENT
            and breakout.why_not_order(scenario, state, engine.moving_side(scenario, state))
            is None
        )

    def breakout_question(self) -> str | None:
        """What to ask before the side to move orders its pocket's breakout, with its cost;
        None (and a message said) when it may not now."""
        game = self.match.game
        scenario, state = game.scenario, game.state
        side = engine.moving_side(scenario, state)
        reason = breakout.why_not_order(scenario, state, side)
        if not self.my_turn():
            reason = "a breakout is ordered on your own turn"
        elif reason is None and state.phase != Phase.MOVEMENT:
            reason = "a breakout is ordered in the movement phase"
        if reason is not None:
            self.say(reason[0].upper() + reason[1:])
            self.feedback.sounds.append("refused")
            return None
        spec = breakout.breakout_spec(scenario, side)
        assert spec is not None  # why_not_order said so
        going, men, tanks = breakout.cost(scenario, state, side)
        count = int(going.sum())
        lost = f"{men:,} men" + (f" and {tanks} tanks" if tanks else "")
        return (
            f"Order the breakout? {count} {'unit' if count == 1 else 'units'} of "
            f"{', '.join(spec.formations)} leave their positions and may move from now on "
            f"(toward {', '.join(spec.toward)}). Each loses {spec.steps_lost} "
            f"{'step' if spec.steps_lost == 1 else 'steps'}, never its last: {lost}, the heavy "
            "weapons and the wounded left behind. Undo takes it back until you move."
        )

    def order_breakout(self) -> None:
        if not self.my_turn():
            self.feedback.sounds.append("refused")
            return
        self.apply(OrderBreakout())

    # --- selection ---------------------------------------------------------------------------

    def units_at(self, h: int, view: Observation | None) -> list[int]:
        """Units the viewer sees in a hex, own side first."""
        state = self.match.game.state
        if view is not None:
            here = view.visible & state.active & (view.hex == h)
        else:
            here = state.active & (state.hex == h)
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
        belief = self.belief(engine.moving_side(scenario, state))
        self.reach = engine.unit_moves(scenario, belief.state, u)

    def order_move(self, u: int, path: list[int]) -> None:
        """Order a move along a path planned on the side's belief. `Game.apply_order` takes the
        unit as far as the true position allows: a hidden enemy stops it at first contact."""
        game = self.match.game
        before = len(game.actions)
        self.apply(Move(u, tuple(path)))
        if len(game.actions) > before:
            applied = game.actions[-1]
            if isinstance(applied, Move) and len(applied.path) < len(path):
                self.say(CONTACT_MESSAGE)

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
        friends_here = [
            u
            for u in here
            if u != self.selected
            and (mine is None or scenario.side_table.allied(int(scenario.units.side[u]), mine))
        ]
        # in a movement phase a click on a hex holding another friendly unit selects it; moving
        # there to stack takes a drag (`drag_move`)
        moving_phase = self.my_turn() and state.phase in (Phase.MOVEMENT, Phase.EXPLOITATION)
        if moving_phase and not friends_here and self.drag_move(h):
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

    def drag_move(self, h: int) -> bool:
        """Move the selected unit to `h` if it can end its move there; True when ordered."""
        reach = self.reach
        if (
            self.selected < 0
            or reach is None
            or not self.my_turn()
            or h < 0
            or h == reach.start
            or not reach.can_end(h)
        ):
            return False
        self.order_move(self.selected, reach.path_to(h)[1:])
        self.selected_hex = int(self.match.game.state.hex[self.selected])
        return True

    def select_at(self, h: int) -> bool:
        """Select the first unit the viewer sees in `h` (own first); False when there is none."""
        here = self.units_at(h, self.observation())
        if not here:
            return False
        self.select_unit(here[0])
        return True

    def threats(self) -> list[SuddenDeathStatus]:
        """The sudden-death conditions an enemy of the viewer could meet at its next check (or
        has met), as the viewer knows the position; cached until the game changes."""
        game = self.match.game
        state = game.state
        side = self.viewer if self.viewer is not None else self.match.moving()
        key = (self.version, side, len(game.actions), state.turn, state.side_index, state.over)
        if self._threats is not None and self._threats[0] == key:
            return self._threats[1]
        found: list[SuddenDeathStatus] = []
        if not state.over and game.scenario.spec.victory.sudden_death:
            view = self.observation()
            known = (
                np.where(view.visible, view.hex, -1).astype(np.int32) if view is not None else None
            )
            found = victory_view.threats_to(
                game.scenario, state, side, known, engine.movement_rules(game.scenario)
            )
        self._threats = (key, found)
        return found

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
        scenario = self.match.game.scenario
        # Odds as the attacker can know them: enemy supply and fatigue are not visible, so the
        # defenders count as fresh and supplied, and only known units cut their supply lines.
        belief = self.belief(int(scenario.units.side[attack.attackers[0]]))
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
        key = (
            self.version,
            self.viewer,
            o.supply,
            o.pockets,
            o.zoc,
            o.fog,
            self.my_turn(),
            game.state.over,
        )
        if self._scene_key != key or self._scene_base is None:
            self._scene_base = self._build_scene()
            self._scene_key = key
        base = self._scene_base
        scene = Scene(
            control=base.control,
            veil=base.veil,
            stacks=base.stacks,
            out_of_supply=base.out_of_supply,
            supply=base.supply,
            pockets=base.pockets,
            zoc=base.zoc,
            ice=base.ice,
            belts=base.belts,
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
        colors = palette(scenario)
        view = self.observation()
        viewer = self.viewer
        moving = engine.moving_side(scenario, state)
        moving_phase = state.phase in (Phase.MOVEMENT, Phase.EXPLOITATION) and self.my_turn()
        if view is not None:
            seen = view.seen_hexes
            hexes, steps, cut_off = view.hex, view.steps, view.supply
            shown = view.visible & (view.hex >= 0)
            friendly = view.friendly
        else:  # a spectator sees everything
            seen = np.ones(scenario.map.size, dtype=np.bool_)
            hexes, steps, cut_off = state.hex, state.steps, state.supply
            shown = state.active & (state.hex >= 0)
            friendly = np.ones(units.count, dtype=np.bool_)
        stacks: dict[int, StackView] = {}

        def add(u: int, h: int, ghost: bool) -> None:
            side = int(units.side[u])
            known = bool(friendly[u]) and not ghost
            look = CounterLook(
                side=side,
                color=colors.fill(side),
                kind=int(units.kind[u]),
                size=int(units.size[u]),
                label=units.labels[u],
                attack=int(units.attack[u]),
                defence=int(units.defence[u]),
                movement=int(units.movement[u]),
                steps=int(units.max_steps[u]) if ghost else int(steps[u]),
                max_steps=int(units.max_steps[u]),
                out_of_supply=bool(known and cut_off[u] > 0),
                spent=bool(
                    known and moving_phase and side == moving and state.movement_left[u] <= 0
                ),
                ghost=ghost,
            )
            stack = stacks.setdefault(h, StackView(h, [], []))
            stack.units.append(u)
            stack.looks.append(look)

        for u in np.nonzero(shown)[0].tolist():
            add(u, int(hexes[u]), False)
        if view is not None:
            ghosts = (
                ~view.friendly
                & ~view.visible
                & (view.last_seen_hex >= 0)
                & (view.last_seen_turn >= view.turn - GHOST_TURNS)
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
        held = view.control if view is not None else state.control
        changed = view.control_changed if view is not None else state.control_changed
        scene = Scene(
            control=held.copy(),
            stacks=ordered,
            ice=terrain.ice_hexes(scenario, state.turn),
            belts=fortification.standing(scenario, held, changed, state.turn)
            if fortification.switched_on(scenario)
            else None,
        )
        if view is not None and self.overlays.fog:
            scene.veil = ~seen
        side = viewer if viewer is not None else moving
        if self.overlays.supply or self.overlays.pockets or self.overlays.zoc:
            # a player's overlays come from their belief; a spectator's from the truth
            ground = self.belief(viewer).state if view is not None and viewer is not None else state
            if self.overlays.supply:
                scene.out_of_supply = out_of_supply_ground(scenario, ground, side)
                scene.supply = supply_picture(scenario, ground, side)
            if self.overlays.pockets:
                scene.pockets = pocket_hexes(scenario, ground)
            if self.overlays.zoc:
                scene.zoc = enemy_zone_hexes(scenario, ground, side)
        return scene


def out_of_supply_ground(scenario: Scenario, state: GameState, side: int) -> npt.NDArray[np.bool_]:
    """[N] ground of `side`'s team beyond its supply, as traced on `state` (a belief, for a
    player: only the enemy units the side knows of block the trace)."""
    in_supply = supply.trace_supply(scenario, state, side)
    own_ground = control.friendly_ground(scenario, state.control, side)
    out: npt.NDArray[np.bool_] = own_ground & ~in_supply & ~scenario.map.water
    return out


def pocket_hexes(scenario: Scenario, state: GameState) -> list[npt.NDArray[np.int32]]:
    """The hexes of every side's pockets as traced on `state`: on a player's belief, the enemy
    pockets it can make out and its own as far as it knows what surrounds them."""
    out = []
    for s in scenario.sides:
        for pocket in supply.find_pockets(scenario, state, s):
            if len(pocket.hexes):
                out.append(pocket.hexes.astype(np.int32))
    return out


def enemy_zone_hexes(scenario: Scenario, state: GameState, side: int) -> npt.NDArray[np.bool_]:
    """[N] the zones of control of the units of other teams on `state` (on a belief: the enemy
    units the side sees), less the hexes they stand on."""
    occupied = zoc.occupied_by(scenario, state, scenario.unit_hostile[side])
    zone: npt.NDArray[np.bool_] = zoc.enemy_zone_of_control(scenario, state, side) & ~occupied
    return zone
