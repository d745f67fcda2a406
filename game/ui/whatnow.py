""" "What now?" from the map: a few AI-vs-AI continuations of the game in progress, played in a
worker process from what the player knows (`game.sim.continuation`), told as outcome shares.

The position is taken in the window (a copy: the game is not touched) and handed to a spawned
process, so the window keeps drawing while the continuations are played; `poll` is cheap and is
called once a frame by the map screen.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.scenario.model import KnobValue
from game.session import Game
from game.ui.jobs import WorkerJob

CONTINUATIONS = 4  # enough for a first look; `eastfront explore --from` plays more


def play_what_now(
    scenario_path: str,
    knobs: dict[str, KnobValue],
    position: Any,
    runs: int,
    seed: int,
    answers: Any,
) -> None:
    """In the worker process: the continuations, then ("done", sentences) or ("error", line)."""
    from game.scenario.errors import FileProblemError
    from game.scenario.model import load_scenario
    from game.sim.continuation import continue_games
    from game.sim.headlines import describe

    try:
        scenario = load_scenario(Path(scenario_path))
        if knobs:
            scenario = scenario.with_knobs(knobs)
        done = [0]

        def finished(row: Any) -> None:
            done[0] += 1
            answers.put(("game", done[0]))

        rows = continue_games(scenario, position, runs, seed, on_row=finished)
        sentences = [str(h["sentence"]) for h in describe(scenario, [dict(r) for r in rows])]
        answers.put(("done", sentences))
    except (FileProblemError, OSError, ValueError) as exc:
        answers.put(("error", " ".join(str(exc).split()) or type(exc).__name__))


@dataclass
class WhatNow(WorkerJob):
    """One "What now?" question being answered in its worker process."""

    runs: int = 0
    where: str = ""  # where the continuations start, and from whose knowledge
    done: int = 0
    sentences: list[str] | None = None

    def poll(self) -> None:
        while (answer := self.next_answer()) is not None:
            kind, value = answer
            if kind == "game":
                self.done = int(value)
            elif kind == "done":
                self.sentences = list(value)
                self.done = self.runs
                self.finish()
            else:
                self.finish(str(value))


def ask_what_now(game: Game, side: int, seed: int, runs: int = CONTINUATIONS) -> WhatNow:
    """Start the continuations of `game` from what `side` knows."""
    from game.sim.continuation import believed_position, position_text

    position = believed_position(game, side)
    where = position_text(game.scenario, game, position)
    context = multiprocessing.get_context("spawn")
    answers = context.Queue()
    process = context.Process(
        target=play_what_now,
        args=(str(game.scenario.path), dict(game.knobs), position, runs, seed, answers),
        daemon=True,
        name="eastfront-what-now",
    )
    process.start()
    return WhatNow(process, answers, runs=runs, where=where)
