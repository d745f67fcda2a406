"""Plan orders on points and a task's price of its own losses: a hold order may name a [lat, lon]
point instead of a city (a position that is no town) and the AI garrisons it; plan points must lie
on the map's land; `own_loss_weight` sets what a task's units pay for an attack."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import numpy as np

from game.ai import attacks
from game.ai.plan import Order, PlanTracker, Posture
from game.ai.players import play_one
from game.ai.scripted import HistoricalAI
from game.ai.tactics import PhaseContext
from game.scenario.model import load_scenario
from game.session import Game
from tests.conftest import MiniWriter
from tests.test_scenario_validation import problems_of

AXIS = 0
HILL = (49.95, 35.95)  # on German ground west of Kharkov, where Das Reich stands

PLAN = """
[plans.axis]
name = "Hold the approaches"

[[plans.axis.phases]]
id = "hold"
name = "Hold"

[[plans.axis.phases.tasks]]
formations = ["SS Panzer Corps"]
posture = "attack"
objectives = ["kharkov"]
own_loss_weight = 0.5
"""
HOLD_POINT = """
[[plans.axis.hold]]
point = [49.95, 35.95]
units = ["das_reich"]
note = "A height west of the city (a test position)."
"""


def test_a_hold_order_on_a_point_garrisons_its_hex(mini: MiniWriter) -> None:
    scenario = load_scenario(mini(append=PLAN + HOLD_POINT))
    hill = int(scenario.map.hex_of_latlon(*HILL))
    reich = scenario.units.index("das_reich")
    assert all(c.hex != hill for c in scenario.map.cities)  # no town there
    assert PlanTracker.for_side(scenario, AXIS).hold_orders(1) == [(hill, frozenset({reich}))]
    game = Game(scenario, seed=1, undo=False)
    ai = HistoricalAI(scenario, AXIS, seed=1)
    while game.state.side_index == AXIS and not game.state.over:
        play_one(game, ai)
    assert ai.garrisons == {reich: hill}
    assert ai.orders[reich].garrison == hill
    # it stays on the position; its task alone would have sent it at Kharkov with Leibstandarte
    assert int(game.state.hex[reich]) == hill
    lssah = scenario.units.index("lssah")
    assert int(game.state.hex[lssah]) != int(scenario.units.start_hex[lssah])


def test_a_hold_order_names_a_city_or_a_point_on_the_maps_land(mini: MiniWriter) -> None:
    both = HOLD_POINT.replace("point = ", 'city = "kharkov"\npoint = ')
    [problem] = problems_of(mini(append=PLAN + both))
    assert problem.endswith("plans.axis.hold.0: a hold order names exactly one of city or point")
    neither = HOLD_POINT.replace("point = [49.95, 35.95]\n", "")
    [problem] = problems_of(mini(append=PLAN + neither))
    assert problem.endswith("plans.axis.hold.0: a hold order names exactly one of city or point")
    off = HOLD_POINT.replace("[49.95, 35.95]", "[52.0, 35.95]")
    [problem] = problems_of(mini(append=PLAN + off))
    assert problem.endswith("plans.axis.hold.0.point: [52.0, 35.95] is off the map")


def test_an_objective_point_off_the_map_is_refused(mini: MiniWriter) -> None:
    text = PLAN.replace('objectives = ["kharkov"]', 'objectives = ["kharkov", [48.0, 36.0]]')
    [problem] = problems_of(mini(append=text))
    assert problem.endswith("plans.axis.phases.0.tasks.0.objectives.1: [48.0, 36.0] is off the map")


def test_own_loss_weight_must_be_above_zero(mini: MiniWriter) -> None:
    [problem] = problems_of(mini(append=PLAN.replace("= 0.5", "= 0.0")))
    assert problem.endswith(
        "plans.axis.phases.0.tasks.0.own_loss_weight: 0.0 is out of range: must be more than 0.0"
    )


def test_a_tasks_own_loss_weight_is_the_price_of_its_attacks(mini: MiniWriter) -> None:
    scenario = load_scenario(mini(append=PLAN))
    tracker = PlanTracker.for_side(scenario, AXIS)
    own = np.array([scenario.units.index("das_reich"), scenario.units.index("lssah")])
    orders = tracker.orders(own, scenario.control)
    assert {o.own_loss_weight for o in orders.values()} == {0.5}

    def price(*given: Order, exposed: bool = False) -> float:
        context = cast(PhaseContext, SimpleNamespace(orders=dict(enumerate(given))))
        candidate = attacks.Candidate(target=7, attackers=tuple(range(len(given))))
        return attacks._own_loss_weight(context, candidate, {7} if exposed else set())

    keen = Order(Posture.ATTACK, (), (), 0, own_loss_weight=0.5)
    holding = Order(Posture.HOLD, (), (), 1)
    withdrawing = Order(Posture.WITHDRAW, (), (), 2)
    assert price(keen) == 0.5
    assert price(Order(Posture.ATTACK, (), (), 0)) == attacks.OWN_LOSS_WEIGHT[Posture.ATTACK]
    # the most cautious attacker sets the price; armour that ran out ahead costs an attack's
    assert price(keen, holding) == attacks.OWN_LOSS_WEIGHT[Posture.HOLD]
    assert price(keen, holding, exposed=True) == attacks.OWN_LOSS_WEIGHT[Posture.ATTACK]
    assert price(keen, exposed=True) == 0.5
    assert price(keen, withdrawing, exposed=True) == attacks.OWN_LOSS_WEIGHT[Posture.WITHDRAW]


def test_a_hold_order_with_from_starts_that_day(mini: MiniWriter) -> None:
    """Third Kharkov holds Krasnograd with Totenkopf from the day it arrives there: before that
    day the order is not in force, so it pulls no unit at hand into the empty town."""
    text = HOLD_POINT.replace("note =", "from = 1943-03-09\nuntil = 1943-03-10\nnote =")
    scenario = load_scenario(mini(append=PLAN + text))
    hill = int(scenario.map.hex_of_latlon(*HILL))
    reich = scenario.units.index("das_reich")
    tracker = PlanTracker.for_side(scenario, AXIS)
    in_force = {
        scenario.date_of_turn(t).isoformat(): tracker.hold_orders(t) for t in (1, 2, 3)
    }
    assert in_force == {
        "1943-03-07": [],
        "1943-03-09": [(hill, frozenset({reich}))],
        "1943-03-11": [],
    }


def test_a_hold_order_ending_before_it_starts_is_refused(mini: MiniWriter) -> None:
    text = HOLD_POINT.replace("note =", "from = 1943-03-11\nuntil = 1943-03-09\nnote =")
    [problem] = problems_of(mini(append=PLAN + text))
    assert problem.endswith("plans.axis.hold.0.until: until comes before from")
