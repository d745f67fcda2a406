"""From a position: AI-vs-AI continuations of a game in progress, on fresh seeds.

"From here, how likely is each outcome?" A player asks it of their own game, so by default the
continuations start from what that player knows, not from the truth: the enemy units the player
sees now stand where they are; an enemy unit not seen now stands where the player last saw it,
at full strength (as the AI's belief takes it, `game.ai.belief`); one never seen stands where the
order of battle put it at the start (the scenario file is public). Where that hex holds one of
the player's own team's units, the unit goes to the other of those two hexes, and only when both
are taken does it keep its true hex (counted in the result as `true_hexes`). Eliminated enemy
units stay eliminated and reinforcements still to come arrive as the file says, as a player
reads from the log and the briefing. `true_position=True` starts from the true position instead:
seeing through the fog, and labelled so in every result.

Every continuation is a new game from that position: its own dice (game seed `seed + r`), fresh
AIs on every side (seeded from the game seed as in `runner`), and the scenario's knobs, changed or
not. The log up to the position is kept, so a city taken before it keeps its date.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from game.ai.players import make_player
from game.observation import observe
from game.scenario.model import KnobValue, Scenario
from game.session import Game
from game.sim.reporters import Recording, Row
from game.sim.runner import LOCAL, Batch, Tls, ai_seed, open_pool, play_out, worker_scenario
from game.state import GameState, UnitStatus


@dataclass(frozen=True)
class Position:
    """Where continuations start: the state, the log so far, and how it was made."""

    state: GameState
    log: tuple[object, ...]
    side: int  # whose knowledge it is
    true_position: bool
    moved: int  # enemy units put where the player believes them
    true_hexes: int  # enemy units that kept their true hex (the believed ones were taken)


def believed_position(game: Game, side: int, true_position: bool = False) -> Position:
    """The position as `side` knows it (see the module docstring), or the true one."""
    scenario = game.scenario
    state = game.state.clone()
    if true_position:
        return Position(state, tuple(game.log), side, True, 0, 0)
    seen = observe(scenario, game.state, side)
    units = scenario.units
    friendly = scenario.unit_friendly[side]
    active = state.status == int(UnitStatus.ACTIVE)
    own_hexes = {int(h) for h in state.hex[friendly & active]}
    moved = kept = 0
    for u in np.flatnonzero(~friendly & active & ~seen.visible):
        candidates = [int(seen.last_seen_hex[u]), int(units.start_hex[u])]
        free = [h for h in candidates if h >= 0 and h not in own_hexes]
        if free:
            state.hex[u] = free[0]
            state.steps[u] = units.max_steps[u]
            moved += 1
        else:
            kept += 1
    return Position(state, tuple(game.log), side, False, moved, kept)


def play_continuation(scenario: Scenario, position: Position, seed: int, run: int) -> Row:
    """One continuation to the end of the game: its `runs.csv` row."""
    game = Game(scenario, seed, undo=False, checkpoints=False)
    state = position.state.clone()
    state.rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    game.state = state
    game.log = list(position.log)  # type: ignore[arg-type]
    players = {side: make_player(scenario, side, ai_seed(seed, side)) for side in scenario.sides}
    recording = Recording(scenario)
    play_out(game, players, recording)
    return recording.row(game, run)


@dataclass(frozen=True)
class ContinuationBatch(Batch):
    """Continuations from one position as a batch the runner's pools play: every task carries
    the pickled position (Dask pickles the task anyway) and a worker unpickles it once."""

    position: bytes = field(default=b"", repr=False)
    position_hash: str = ""  # names the position in the batch's token and the worker's cache

    @classmethod
    def starting(cls, scenario: Scenario, position: Position) -> ContinuationBatch:
        base = Batch.of(Path(scenario.path), scenario.knobs, None)
        blob = pickle.dumps(position, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(blob).hexdigest()
        return cls(base.path, base.source_hash, base.knobs, None, blob, digest)

    def play(self, run: int, seed: int) -> Row:
        return play_continuation(worker_scenario(self), self._position(), seed, run)

    def _position(self) -> Position:
        with _positions_lock:
            found = _positions.get(self.position_hash)
            if found is None:
                found = pickle.loads(self.position)  # the task's own data, made above
                _positions[self.position_hash] = found
                while len(_positions) > POSITIONS_PER_WORKER:
                    _positions.pop(next(iter(_positions)))
            return found


POSITIONS_PER_WORKER = 2
_positions: dict[str, Position] = {}
_positions_lock = threading.Lock()  # a Dask worker may run tasks on several threads


def continue_games(
    scenario: Scenario,
    position: Position,
    runs: int,
    seed: int,
    on_row: Callable[[Row], None] | None = None,
    workers: int = 1,
    scheduler: str = LOCAL,
    connect_timeout: float | None = None,
    tls: Tls | None = None,
) -> list[Row]:
    """`runs` continuations (run r on game seed `seed + r`) in run order, played by the runner's
    pools (`workers` local processes, or Dask): a row does not depend on where it was played.
    `on_row` hears of each as it finishes."""
    batch = ContinuationBatch.starting(scenario, position)
    jobs = ((r, seed + r) for r in range(runs))
    rows: list[Row] = []
    size = 1 if scheduler == LOCAL and runs <= 1 else max(1, min(workers, runs))
    with open_pool(scheduler, size, connect_timeout=connect_timeout, tls=tls) as pool:
        for row in pool.play(batch, jobs):
            rows.append(row)
            if on_row is not None:
                on_row(row)
    return sorted(rows, key=lambda row: int(row["run"]))


def position_text(scenario: Scenario, game: Game, position: Position) -> str:
    """A line that says where the continuations start and from whose knowledge."""
    state = game.state
    mover = scenario.side_table.label(scenario.sides[state.side_index])
    who = scenario.side_table.label(position.side)
    where = f"turn {state.turn} ({scenario.date_of_turn(state.turn):%d %b %Y}), {mover} to move"
    if position.true_position:
        return f"From {where}, from the TRUE position: seeing through the fog of war."
    placed = "enemy unit" if position.moved == 1 else "enemy units"
    return (
        f"From {where}, as the {who} player knows it: {position.moved} {placed} placed where "
        f"last seen (or where they started), {position.true_hexes} left where they are."
    )


def knob_summary(knobs: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={str(v).lower()}" for k, v in knobs.items()) or "as saved"


def write_continuation(
    scenario: Scenario,
    title: str,
    position: Mapping[str, Any],
    knobs: Mapping[str, KnobValue],
    all_knobs: Mapping[str, KnobValue],
    seed: int,
    rows: Sequence[Mapping[str, Any]],
    out: Path,
    plots: bool = True,
    command: str = "",
) -> dict[str, Any]:
    """From the continuations' games (as played, or read back from `runs.csv`):
    `summary.json`, `continuation.json`, the plots and the report under `out`. `position` holds
    where they started: `save`, `turn`, `side`, `true_position` and `position` (its text)."""
    from game.sim.headlines import describe
    from game.sim.report import Report, headline_table, write_report
    from game.sim.summary import summarise, write_summary

    games = [dict(r) for r in rows]
    write_summary(out / "summary.json", summarise(scenario, games, dict(all_knobs)))
    headlines = describe(scenario, games)
    runs = len(games)
    seeds = f"fresh seeds {seed}-{seed + runs - 1}"
    drawn: list[str] = []
    if plots:
        from game.sim.plots import Arm, write_plots

        fog = "true position" if position["true_position"] else "as the player knows it"
        label = f"{runs} continuations ({fog})"
        subtitle = f"from turn {position['turn']}, {knob_summary(knobs)}: {seeds}"
        written = write_plots(out, scenario, [Arm(label, games)], subtitle)
        drawn = [str(p.relative_to(out)) for p in written]
    result = {
        "save": str(position["save"]),
        "turn": position["turn"],
        "side": position["side"],
        "true_position": bool(position["true_position"]),
        "position": position["position"],
        "knobs": dict(knobs),
        "runs": runs,
        "seed": seed,
        "headlines": headlines,
        "plots": drawn,
    }
    write_summary(out / "continuation.json", result)
    write_report(
        out,
        Report(
            title=f"What now? {title}, turn {position['turn']}",
            scenario=scenario,
            command=command,
            runs=runs,
            seeds=seeds,
            knobs=dict(all_knobs),
            sentences=[str(position["position"]), *(h["sentence"] for h in headlines)],
            table=headline_table(headlines, ["continuations"]),
            plots=drawn,
            runs_files=["runs.csv"],
        ),
    )
    return result
