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
from game.hexgrid import distance_array
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


def test_a_hold_order_stays_past_until_while_an_enemy_is_near(mini: MiniWriter) -> None:
    """Third Kharkov's Kempf leaves Krasnograd on 6 Mar unless Soviet units are still about it
    (cut-off units used to walk through the empty town on their way east the next day): past
    `until` an order with `while_enemy_within_km` stays in force only while a known enemy
    stands that near its place."""
    text = HOLD_POINT.replace("note =", "until = 1943-03-07\nwhile_enemy_within_km = 30\nnote =")
    scenario = load_scenario(mini(append=PLAN + text))
    grid = scenario.map
    hill = int(grid.hex_of_latlon(*HILL))
    reich = scenario.units.index("das_reich")
    steps = distance_array(grid.q, grid.r, grid.q[hill], grid.r[hill])
    reach = scenario.scale.hexes(30)
    near = np.flatnonzero(steps == reach)[:1]
    far = np.flatnonzero(steps == reach + 1)[:1]
    tracker = PlanTracker.for_side(scenario, AXIS)
    order = [(hill, frozenset({reich}))]
    assert tracker.hold_orders(1) == order  # up to `until` as any order
    assert tracker.hold_orders(2, near) == order
    assert tracker.hold_orders(2, np.concatenate([far, near])) == order
    assert tracker.hold_orders(2, far) == []
    assert tracker.hold_orders(2, np.zeros(0, dtype=np.intp)) == []
    assert tracker.hold_orders(2) == []


def test_the_ai_keeps_a_garrison_past_until_beside_the_enemy_it_sees(mini: MiniWriter) -> None:
    """The scripted AI asks the order with what its side knows: a Soviet division seen two hexes
    (20 km) from the height keeps Das Reich on it past `until` at 30 km, not at 10 km; in Kharkov,
    30 km off and out of sight, it keeps nobody there even at 30 km."""
    beside = {'at = "kharkov"': "lat = 49.998\nlon = 36.15"}
    for km, replace, kept in ((30, beside, True), (10, beside, False), (30, {}, False)):
        text = HOLD_POINT.replace(
            "note =", f"until = 1943-03-06\nwhile_enemy_within_km = {km}\nnote ="
        )
        scenario = load_scenario(mini(replace=replace, append=PLAN + text))
        reich = scenario.units.index("das_reich")
        game = Game(scenario, seed=1, undo=False)
        ai = HistoricalAI(scenario, AXIS, seed=1)
        play_one(game, ai)
        assert (reich in ai.garrisons) == kept, (km, replace)


def test_while_enemy_within_km_needs_until(mini: MiniWriter) -> None:
    text = HOLD_POINT.replace("note =", "while_enemy_within_km = 30\nnote =")
    [problem] = problems_of(mini(append=PLAN + text))
    assert problem.endswith(
        "plans.axis.hold.0: while_enemy_within_km keeps an order past its until: give until"
    )
    text = HOLD_POINT.replace("note =", "until = 1943-03-09\nwhile_enemy_within_km = 0\nnote =")
    [problem] = problems_of(mini(append=PLAN + text))
    assert "plans.axis.hold.0.while_enemy_within_km: 0 is out of range" in problem
