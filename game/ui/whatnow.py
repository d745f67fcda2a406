""" "What now?" from the map: a few AI-vs-AI continuations of the game in progress, played in a
worker process from what the player knows (`game.sim.continuation`), told as outcome shares.

The position is taken in the window (a copy: the game is not touched) and handed to a spawned
process, so the window keeps drawing while the continuations are played; `poll` is cheap and is
called once a frame by the map screen.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.scenario.model import KnobValue
from game.session import Game
from game.ui.jobs import WorkerJob

CONTINUATIONS = 8  # the dialog's first offer: enough for a first look
MOST_CONTINUATIONS = 100  # more belong to `eastfront explore --from` on a cluster
FEWEST_CONTINUATIONS = 2


def outcome_lines(scenario: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each main outcome of the continuations for the dialog: what it is, its kind, its value
    and 95 % interval (None: no game had one), and the same in words."""
    from game.sim.headlines import estimate, main_outcomes, value_text

    lines = []
    for outcome in main_outcomes(scenario):
        value = estimate(outcome, rows)
        lines.append(
            {
                "text": outcome.text,
                "kind": outcome.kind,
                "value": None if value is None else value.as_dict(),
                "words": value_text(outcome, value, scenario),
            }
        )
    return lines


def play_what_now(
    scenario_path: str,
    knobs: dict[str, KnobValue],
    position: Any,
    runs: int,
    seed: int,
    answers: Any,
) -> None:
    """In the worker process: the continuations, then ("done", {"sentences", "outcomes"}) or
    ("error", line); ("game", n) after each game."""
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

        rows = [dict(r) for r in continue_games(scenario, position, runs, seed, on_row=finished)]
        sentences = [str(h["sentence"]) for h in describe(scenario, rows)]
        answers.put(("done", {"sentences": sentences, "outcomes": outcome_lines(scenario, rows)}))
    except (FileProblemError, OSError, ValueError) as exc:
        answers.put(("error", " ".join(str(exc).split()) or type(exc).__name__))


@dataclass
class WhatNow(WorkerJob):
    """One "What now?" question being answered in its worker process."""

    runs: int = 0
    where: str = ""  # where the continuations start, and from whose knowledge
    true_position: bool = False  # seen through the fog of war
    turn: int = 0
    done: int = 0
    sentences: list[str] | None = None
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    shown: bool = False  # the answer has been put in front of the player

    def poll(self) -> None:
        while (answer := self.next_answer()) is not None:
            kind, value = answer
            if kind == "game":
                self.done = int(value)
            elif kind == "done":
                self.sentences = list(value["sentences"])
                self.outcomes = list(value["outcomes"])
                self.done = self.runs
                self.finish()
            else:
                self.finish(str(value))


def ask_what_now(
    game: Game,
    side: int,
    seed: int,
    runs: int = CONTINUATIONS,
    true_position: bool = False,
) -> WhatNow:
    """Start the continuations of `game` from what `side` knows (or, `true_position`, from the
    truth: seeing through the fog of war)."""
    from game.sim.continuation import believed_position, position_text

    position = believed_position(game, side, true_position)
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
    return WhatNow(
        process, answers, runs=runs, where=where, true_position=true_position,
        turn=game.state.turn,
    )  # fmt: skip
