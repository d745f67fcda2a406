"""Compiling the compiled kernels ahead of the first game, out of the player's way.

The graph searches, the AI's scoring, the combat preview and the building of combat batches
(`game.rules.kernels`, `game.ai.kernels`, `game.rules.preview_kernels`,
`game.rules.batch_kernels`) are compiled by
numba the first time they run and the machine code is kept on disk (`cache=True`), so only the
very first game after an install pays for it (several seconds). The game window starts
`python -m game.warm` in the background when that cache is still empty: it plays the first turns
of the catalogue's first scenario between computer players, which compiles every kernel with the
argument types real games use, while the player reads the menu.
"""

from __future__ import annotations

import subprocess
import sys

from game.ai import kernels as ai_kernels
from game.rules import batch_kernels, kernels, preview_kernels

TURNS = 2  # enough turns to reach every kernel: moves, supply, combat, the AI's phases


def _compiled(dispatcher: object) -> bool:
    """Whether a numba dispatcher has machine code cached on disk for its current source (best
    effort): numba's own index of it, which comes back empty when missing or made from another
    version of the source (a kernel moved or changed is compiled again)."""
    try:
        index = dispatcher._cache._cache_file._load_index()  # type: ignore[attr-defined]
        return bool(index)
    except (AttributeError, OSError, TypeError, ValueError, EOFError):
        return False


def kernels_cached() -> bool:
    """Whether the kernels a game calls first have been compiled and kept (a kernel called only
    from other kernels is compiled into them)."""
    return all(
        _compiled(k)
        for k in (
            kernels.unit_reach,
            kernels.path_cost,
            kernels.zone,
            kernels.occupied_hexes,
            kernels.supply_layers,
            ai_kernels.score_moves,
            ai_kernels.enemy_picture,
            preview_kernels.preview_loops,
            batch_kernels.stack_rows,
        )
    )


def warm_in_background() -> subprocess.Popen[bytes] | None:
    """Start compiling in another process when the cache is empty; None when there is no need."""
    if kernels_cached():
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "game.warm"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None


def warm_up() -> None:
    """Play the first turns of the catalogue's first scenario (compiles every kernel)."""
    from game.ai.players import make_player, play_one
    from game.scenario.loader import list_scenarios
    from game.scenario.model import load_scenario
    from game.session import Game

    paths = list_scenarios()
    if not paths:
        return
    scenario = load_scenario(paths[0])
    game = Game(scenario, 1, undo=False)
    players = {s: make_player(scenario, s, s + 1) for s in scenario.sides}
    while not game.state.over and game.state.turn <= TURNS:
        play_one(game, players[scenario.sides[game.state.side_index]])


if __name__ == "__main__":
    warm_up()
