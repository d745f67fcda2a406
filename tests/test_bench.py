"""`eastfront bench` reports whole games as well as combats: the figures the speed issue names."""

from __future__ import annotations

from game.bench import run_game_bench
from tests.conftest import MiniWriter


def test_the_game_bench_reports_game_time_batch_rate_and_ai_turns(mini: MiniWriter) -> None:
    figures = run_game_bench(mini(), seeds=2, batch_games=2)
    assert figures["game_scenario"] == "mini" and figures["game_seeds"] == 2
    assert 0 < figures["game_s"] <= figures["first_game_s"] + 60
    assert figures["games_per_s"] > 0 and figures["batch_games"] == 2
    # the mini scenario has 6 turns of two sides, some cut short by the end of the game
    assert 2 * 6 <= figures["ai_turns"] <= 2 * 2 * 6
    assert 0 <= figures["ai_turn_ms"] <= figures["ai_turn_ms_p95"]


def test_warming_up_compiles_and_keeps_every_kernel_a_game_needs() -> None:
    """`python -m game.warm` (started by the window when the cache is empty) plays the first
    turns of a game; afterwards the kernels' machine code is on disk."""
    from game.warm import kernels_cached, warm_up

    warm_up()
    assert kernels_cached()
