"""Headless AI-vs-AI games in batches: one outcome row per game, identical for any worker count.

Seeds. Run r of a batch with base seed S plays game seed `S + r`; the two AIs get seeds derived
from that game seed (`ai_seed(seed, side)`), so a row's `seed` alone reproduces its game and a
run's result never depends on how many runs or workers the batch has. Workers are local processes
(`concurrent.futures.ProcessPoolExecutor`); each loads the scenario once and rows come back in run
order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.actions import EndPhase
from game.ai import Player, make_player
from game.ai.plan import plan_cities
from game.enums import Side
from game.scenario.model import KnobValue, Scenario, load_scenario
from game.session import Game

MAX_ACTIONS = 20_000  # a safety net: a game of Third Kharkov takes about 1,500 actions
Row = dict[str, Any]


def ai_seed(seed: int, side: Side) -> int:
    """The seed of the AI playing `side` in the game with this seed."""
    return int(np.random.SeedSequence([seed, 1 + int(side)]).generate_state(1)[0])


@dataclass
class GameRecord:
    """A finished game, how long each side's AI thought, and the turn each reported city first
    changed hands (absent if it never did)."""

    game: Game
    thinking: dict[Side, float]
    seconds: float
    first_change: dict[str, int]


def play_game(
    scenario: Scenario,
    seed: int,
    players: Mapping[Side, Player] | None = None,
    max_actions: int = MAX_ACTIONS,
) -> GameRecord:
    """Play one game to its end with the scenario's AI on every side (or the given players)."""
    started = time.perf_counter()
    game = Game(scenario, seed)
    if players is None:
        players = {side: make_player(game, side, ai_seed(seed, side)) for side in scenario.sides}
    cities = {c: scenario.map.city_by_id(c) for c in report_cities(scenario)}
    hexes = np.array([city.hex for city in cities.values() if city is not None], dtype=np.intp)
    names = [c for c, city in cities.items() if city is not None]
    owners = game.state.control[hexes].copy()
    first_change: dict[str, int] = {}
    for _ in range(max_actions):
        if game.state.over:
            break
        side = scenario.sides[game.state.side_index]
        action = players[side].next_action(game)
        turn = game.state.turn
        game.apply(action)
        if isinstance(action, EndPhase):
            for i in np.nonzero(game.state.control[hexes] != owners)[0].tolist():
                first_change.setdefault(names[i], turn)
    else:  # pragma: no cover - a stuck AI is a bug
        while not game.state.over:
            game.apply(EndPhase())
    thinking = {
        side: float(getattr(player, "thinking_seconds", 0.0)) for side, player in players.items()
    }
    return GameRecord(game, thinking, time.perf_counter() - started, first_change)


def report_cities(scenario: Scenario) -> list[str]:
    """Cities reported per game: every one with victory points or named in a plan."""
    names = [c.id for c in scenario.map.cities if scenario.vp[c.hex] > 0]
    for city in plan_cities(scenario):
        if city not in names:
            names.append(city)
    return names


def outcome_row(run: int, record: GameRecord) -> Row:
    """The `runs.csv` row of one game."""
    game = record.game
    scenario, state = game.scenario, game.state
    units = scenario.units
    row: Row = {
        "run": run,
        "seed": game.seed,
        "winner": "draw" if state.winner == Side.NONE else Side(state.winner).name.lower(),
        "victory_level": state.level,
        "turns": state.turn,
    }
    for side in (Side.AXIS, Side.SOVIET):
        mine = units.side == side
        row[f"men_lost_{side.name.lower()}"] = int(state.men_lost[mine].sum())
    for side in (Side.AXIS, Side.SOVIET):
        mine = units.side == side
        row[f"tanks_lost_{side.name.lower()}"] = int(state.tanks_lost[mine].sum())
    for city_id in report_cities(scenario):
        city = scenario.map.city_by_id(city_id)
        assert city is not None
        owner = int(state.control[city.hex])
        changed = int(state.control_changed[city.hex])
        row[f"owner_{city_id}"] = "none" if owner == Side.NONE else Side(owner).name.lower()
        row[f"taken_{city_id}"] = scenario.date_of_turn(changed).isoformat() if changed else ""
    # not in runs.csv: the first change of hands, for tests that look at the whole game
    for city_id, turn in record.first_change.items():
        row[f"first_taken_{city_id}"] = scenario.date_of_turn(turn).isoformat()
    return row


# --- batches -------------------------------------------------------------------------------------

_worker_scenario: Scenario | None = None
_worker_save_dir: Path | None = None


def _init_worker(path: str, knobs: dict[str, KnobValue], save_dir: str | None) -> None:
    global _worker_scenario, _worker_save_dir
    _worker_scenario = load_scenario(Path(path), knobs or None)
    _worker_save_dir = Path(save_dir) if save_dir else None


def _run_one(run: int, seed: int) -> Row:
    assert _worker_scenario is not None
    record = play_game(_worker_scenario, seed)
    if _worker_save_dir is not None:
        from game.saves import save_game

        save_game(record.game, _worker_save_dir / f"run_{run:04d}.json")
    return outcome_row(run, record)


def run_games(
    scenario_path: Path,
    runs: int,
    seed: int,
    knobs: Mapping[str, KnobValue] | None = None,
    workers: int = 1,
    save_dir: Path | None = None,
    progress: Callable[[int, Row], None] | None = None,
) -> list[Row]:
    """Play `runs` AI-vs-AI games (run r with game seed `seed + r`); rows in run order."""
    knob_values = dict(knobs or {})
    save = str(save_dir) if save_dir is not None else None
    jobs = [(r, seed + r) for r in range(runs)]
    rows: list[Row] = []
    for row in _execute(str(scenario_path), knob_values, save, jobs, workers):
        rows.append(row)
        if progress is not None:
            progress(len(rows), row)
    rows.sort(key=lambda r: int(r["run"]))
    return rows


def _execute(
    path: str,
    knobs: dict[str, KnobValue],
    save: str | None,
    jobs: list[tuple[int, int]],
    workers: int,
) -> Iterator[Row]:
    if workers <= 1 or len(jobs) <= 1:
        _init_worker(path, knobs, save)
        for run, seed in jobs:
            yield _run_one(run, seed)
        return
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(path, knobs, save)
    ) as pool:
        futures = [pool.submit(_run_one, run, seed) for run, seed in jobs]
        for future in futures:
            yield future.result()
