"""The play table shows a human only what their side can see: reachable hexes and attack odds are
planned on the side's belief, and a move that runs into a hidden enemy stops short at first
contact."""

from __future__ import annotations

import numpy as np

from game import engine, hexgrid
from game.actions import Attack
from game.ai.belief import build_belief
from game.scenario.model import load_scenario
from game.session import Game
from game.state import UnitStatus
from game.ui.match import Match
from game.ui.panels import preview_attack
from game.ui.play import Table
from tests.conftest import DATA


def soviet_division_east_of_das_reich(hexes: int) -> tuple[Game, int, int, int]:
    """A mini game with the 62nd Guards Rifle Division put `hexes` east of Das Reich, in a hex of
    its own: the game, Das Reich, the division and its hex."""
    scenario = load_scenario(DATA / "mini.toml")
    game = Game(scenario, seed=5)
    state, grid = game.state, scenario.map
    das_reich = scenario.units.index("das_reich")
    division = scenario.units.index("rifle_62gd")
    start = grid.hex_of(int(state.hex[das_reich]))
    spot = grid.index_of(hexgrid.Hex(start.q + hexes, start.r))
    assert spot >= 0 and not np.any(state.active & (state.hex == spot))
    state.hex[division], state.status[division] = spot, UnitStatus.ACTIVE
    state.control[spot] = scenario.side_table.index("soviet")
    return game, das_reich, division, spot


def test_hidden_enemies_do_not_show_in_reach_and_stop_a_move_on_contact() -> None:
    # a Soviet division four hexes east of Das Reich: beyond reconnaissance range
    game, das_reich, hidden, spot = soviet_division_east_of_das_reich(4)
    scenario, state = game.scenario, game.state
    axis = scenario.side_table.index("axis")
    belief = build_belief(scenario, state, axis, state.status)
    assert belief.state.status[hidden] != UnitStatus.ACTIVE  # the Germans do not know

    table = Table(Match.create(game, "hotseat"), speed="instant", threaded_ai=False)
    table.viewer = axis  # the German player has taken the seat
    table.selected = das_reich
    table._refresh_reach()
    shown = table.reach
    truth = engine.unit_moves(scenario, state, das_reich)
    assert shown is not None
    assert shown.can_end(spot) is False or not truth.can_end(spot)
    # the display does not reveal the hidden ZOC: some hex is shown reachable that truly is not
    differs = [int(h) for h in shown.destinations() if not truth.can_end(int(h))]
    assert differs, "a hidden unit changes what is truly reachable"
    target = max(differs, key=lambda h: len(shown.path_to(h)))
    path = shown.path_to(target)[1:]
    table.click(target)
    end = int(game.state.hex[das_reich])
    assert end != target and end in path
    assert "Enemy contact" in table.feedback.message


def test_attack_odds_do_not_reveal_the_defenders_supply_or_fatigue() -> None:
    game, das_reich, worn, spot = soviet_division_east_of_das_reich(1)
    scenario, state = game.scenario, game.state
    state.supply[worn], state.fatigue[worn] = 4, 3  # cut off for weeks and fought out

    table = Table(Match.create(game, "hotseat"), speed="instant", threaded_ai=False)
    table.viewer = scenario.side_table.index("axis")
    table.attackers, table.target = [das_reich], spot
    shown = table.preview()
    assert shown is not None
    truth = preview_attack(scenario, state, Attack((das_reich,), spot))
    assert truth.defence_strength < shown.defence_strength  # the truth is weaker than shown
    state.supply[worn], state.fatigue[worn] = 0, 0
    fresh = preview_attack(scenario, state, Attack((das_reich,), spot))
    assert shown.defence_strength == fresh.defence_strength  # shown as fresh and supplied
