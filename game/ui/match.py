"""A game as the screens see it: who plays each side, the computer players, what each side may
see of the log, and the report figures. No pygame here, so all of it is testable headless.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from game import engine
from game.actions import Action, EndPhase
from game.ai.players import Player, make_player, play_one
from game.events import Event
from game.observation import Observation, observe
from game.rules import victory
from game.scenario.model import Scenario
from game.session import Game
from game.state import UnitStatus

AI_SPEEDS: dict[str, float] = {"slow": 1.0, "normal": 0.45, "fast": 0.15, "instant": 0.0}
# kinds a side always learns of, whoever caused them
PUBLIC_KINDS = frozenset({"turn", "capture", "game_over", "phase"})


@dataclass
class Match:
    """A game and its players: the humans' sides; every other side is played by the computer."""

    game: Game
    humans: frozenset[int]
    mode: str = "solo"
    ai_seed: int = 0
    players: dict[int, Player] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for i, side in enumerate(self.game.scenario.sides):
            if side not in self.humans and side not in self.players:
                seed = self.ai_seed + 1000 * (i + 1)
                self.players[side] = make_player(self.game.scenario, side, seed)

    @classmethod
    def create(
        cls, game: Game, mode: str, side: int | None = None, ai_seed: int | None = None
    ) -> Match:
        """solo: `side` (default: the side moving first) against the computer; hotseat: every
        side human; watch: every side played by the computer."""
        sides = game.scenario.sides
        if mode == "hotseat":
            humans = frozenset(sides)
        elif mode == "watch":
            humans = frozenset()
        else:
            humans = frozenset({side if side is not None else sides[0]})
        return cls(game, humans, mode, game.seed if ai_seed is None else ai_seed)

    @property
    def scenario(self) -> Scenario:
        return self.game.scenario

    def moving(self) -> int:
        return engine.moving_side(self.game.scenario, self.game.state)

    def human_to_move(self) -> bool:
        return not self.game.state.over and self.moving() in self.humans

    def replace_game(self, game: Game) -> None:
        """A loaded game takes this one's place; the computer players start afresh."""
        self.game = game
        self.players = {}
        self.__post_init__()


class AIDriver:
    """Asks the computer player for its next action, on a worker thread so that the window stays
    responsive while it thinks. The player is handed its side's observation and nothing else (no
    game, no true state): it cannot see through the fog of war nor touch the game on screen, and
    the screen applies its answer as an order through the fog (`Game.apply_order`)."""

    def __init__(self, threaded: bool = True) -> None:
        self.threaded = threaded
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future[Action] | None = None
        self._generation = 0
        self._asked_generation = -1

    def reset(self) -> None:
        """Forget any answer being worked out (the game was undone, loaded or left)."""
        self._generation += 1
        self._pending = None

    @property
    def thinking(self) -> bool:
        return self._pending is not None and not self._pending.done()

    def poll(self, match: Match) -> Action | None:
        """The next computer action when it is ready, else None (ask again next frame)."""
        side = match.moving()
        player = match.players.get(side)
        if player is None or match.game.state.over:
            return None
        if self._pending is None:
            view = observe(match.game.scenario, match.game.state, side)
            if not self.threaded:
                return _safe_next(player, view)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eastfront-ai")
            self._pending = self._pool.submit(_safe_next, player, view)
            self._asked_generation = self._generation
            return None
        if not self._pending.done():
            return None
        future, self._pending = self._pending, None
        if self._asked_generation != self._generation:
            return None
        return future.result()

    def settle(self) -> Action | None:
        """Wait for the answer being worked out and hand it over (None: none was asked, or it
        was for a game since undone). Before the players change, so that the computer's answer
        is played, not lost: a player has moved its dice on to it."""
        pending, self._pending = self._pending, None
        if pending is None:
            return None
        action = pending.result()
        return action if self._asked_generation == self._generation else None

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _safe_next(player: Player, view: Observation) -> Action:
    """A computer player that fails ends its phase rather than the program."""
    try:
        return player.next_action(view)
    except Exception:
        traceback.print_exc()
        return EndPhase()


# --- what a side may know ----------------------------------------------------------------------


class Knowledge:
    """What one side (None: an all-seeing spectator) can see of the game now; decides which
    events it learns of: its own team's doings (teammates share their reports), public news,
    fights its team's units took part in, and enemy moves whose end it can see."""

    def __init__(self, game: Game, side: int | None) -> None:
        self.side = side
        self.scenario = game.scenario
        if side is None:
            return
        view = observe(game.scenario, game.state, side)
        self.own = view.friendly
        self.seen = view.seen_hexes
        self.visible = view.visible

    def knows(self, event: Event) -> bool:
        side = self.side
        if side is None or event.kind in PUBLIC_KINDS:
            return True
        if self.scenario.side_table.allied(event.side, side):
            return True
        if any(bool(self.own[u]) for u in event.units):
            return event.kind != "attack_declared"
        if event.kind in ("retreat", "advance", "move", "arrival"):
            if event.hex >= 0 and self.seen[event.hex]:
                return True
            return any(bool(self.visible[u]) for u in event.units)
        return False


def visible_log(game: Game, side: int | None, start: int = 0) -> list[Event]:
    knowledge = Knowledge(game, side)
    return [e for e in game.log[start:] if knowledge.knows(e)]


# --- report figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnLosses:
    """Men and tanks each side had lost by the end of a turn (cumulative)."""

    turn: int
    men: dict[int, int]
    tanks: dict[int, int]
    vp: float


def loss_history(game: Game) -> list[TurnLosses]:
    """The losses and points at the start and at the end of every turn, read from the game's
    events (`losses` and `score`), so a loaded game's report needs no replay."""
    scenario = game.scenario
    men = dict.fromkeys(scenario.sides, 0)
    tanks = dict.fromkeys(scenario.sides, 0)
    start = victory.victory_points(scenario, Game(scenario, game.seed).state)
    history = [TurnLosses(0, dict(men), dict(tanks), start)]
    points, turn = start, 1
    for event in game.log:
        if event.turn != turn:  # the turn before is over
            history.append(TurnLosses(turn, dict(men), dict(tanks), points))
            turn = event.turn
        if event.kind == "losses":
            men[event.side] += int(event.data.get("men", 0))
            tanks[event.side] += int(event.data.get("tanks", 0))
        elif event.kind in ("score", "game_over") and "points" in event.data:
            points = int(event.data["points"]) / 1000
    if game.state.over:
        points = victory.victory_points(scenario, game.state)
    history.append(TurnLosses(turn, dict(men), dict(tanks), points))
    return history


def units_lost(game: Game, side: int) -> int:
    units = game.scenario.units
    gone = (game.state.status == UnitStatus.ELIMINATED) | (
        game.state.status == UnitStatus.SURRENDERED
    )
    return int(np.count_nonzero(gone & (units.side == side)))


def standing(game: Game) -> str:
    """The result the victory points would give if the game ended now, e.g. 'German marginal'
    (the winner as players call its team, never a file id)."""
    scenario = game.scenario
    points = victory.victory_points(scenario, game.state)
    levels = scenario.spec.victory.levels
    if not levels:
        return "no result levels"
    chosen = next((level for level in levels if points >= level.min_vp), levels[-1])
    if chosen.winner == "draw":
        return "draw"
    table = scenario.side_table
    return f"{table.team_label(table.team_of_name(chosen.winner))} {chosen.level}"


def batch_match(scenario: Scenario, seed: int) -> Match:
    """The batch game with this seed, to watch: every side played by the computer with the
    seeds the batch runner gives it (`runner.ai_seed`), so it plays out as the batch game did."""
    from game.sim.runner import ai_seed

    game = Game(scenario, seed)
    players = {side: make_player(scenario, side, ai_seed(seed, side)) for side in scenario.sides}
    return Match(game, frozenset(), "watch", seed, players)


def take_over(match: Match, mode: str, side: int | None = None) -> Match:
    """The same game from here with human players: `solo` takes `side` (default: the side to
    move), `hotseat` every side. The computer keeps its players for the sides left to it, dice
    and memory as they are, so it plays on as it would have (a batch game's players keep the
    batch runner's seeds). Afterwards it is a normal game: saves, undo and What now? work."""
    sides = match.scenario.sides
    if mode == "hotseat":
        humans = frozenset(sides)
    elif mode == "solo":
        chosen = side if side is not None else match.moving()
        if chosen not in sides:
            raise ValueError(f"no side {chosen} in {match.scenario.id}")
        humans = frozenset({chosen})
    else:
        raise ValueError(f"take over as solo or hotseat, not {mode!r}")
    players = {s: p for s, p in match.players.items() if s not in humans}
    return Match(match.game, humans, mode, match.ai_seed, players)


def play_to_turn(match: Match, turn: int, stop: Callable[[], bool] | None = None) -> bool:
    """Let the computer players play `match` on to the start of `turn` (or to the game's end),
    each action as the batch runner plays it (`play_one`). `stop` is asked between actions;
    True when the turn (or the end) was reached, False when stopped first."""
    game = match.game
    while not game.state.over and game.state.turn < turn:
        if stop is not None and stop():
            return False
        play_one(game, match.players[match.moving()])
    return True
