"""Air supply of a pocket by tonnage (a side's `air_supply`, rules version 3 on).

While the side's team holds one of the airfields (`places`) with no enemy unit in it, each of
the side's supply phases the tonnage flown in keeps some of its out-of-supply units in supply:

    units = floor(tons_per_day * weather percent / 100 / tons_per_unit_day)

where the weather percent is `bad_weather_percent` when the weather at the airfield is one of
`bad_weather`, else 100, and `tons_per_day` is the file's or an `air_supply_tons` knob's. Only
units that could trace supply to a held airfield (the side's usual reach and trace, the airfield
as the source) are fed, the longest cut off first (then in unit order): a pocket shares its
rations out, so when too little arrives every unit goes hungry in turn and the longest starved
are fed before they give up. The others go through the usual out-of-supply stages
(`game.rules.supply`). No dice: who is fed follows from the state alone.

Hunger (the file's `hunger_days`; none: off). The units the tonnage could reach but does not
feed are hungry: each supply phase each loses a step, never its last, when its supply die (the
one `update_supply` already draws for it) shows <= `hunger_face`, a chance of
days_per_turn / hunger_days rounded to sixths: on 2-day turns hunger_days = 12 is a 1 on a d6.
So a pocket that can feed three of its nine units loses about a step a turn (six hungry units,
1 in 6 each), and one fed in full loses nothing: the shortfall costs men, as hunger and cold did.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from game.enums import Weather, parse_enum
from game.rules.control import friendly_ground
from game.rules.weather import hex_weather, per_hex
from game.scenario.knob_effects import knob_values
from game.scenario.model import Scenario
from game.scenario.schema import AirSupplySpec
from game.state import GameState

Bool = npt.NDArray[np.bool_]
I32 = npt.NDArray[np.int32]


def air_supply(scenario: Scenario, side: int) -> AirSupplySpec | None:
    """The side's air supply, if its file gives one and the game's rules version has it."""
    if scenario.rules_version < 3:
        return None
    return scenario.spec.sides[scenario.side_table.ids[side]].air_supply


def tons_per_day(scenario: Scenario, side: int) -> float:
    """Tons a day flown in for `side`: its `air_supply_tons` knob, else the file's figure."""
    spec = air_supply(scenario, side)
    if spec is None:
        return 0.0
    set_by_knob = knob_values(scenario, "air_supply_tons", scenario.side_table.ids[side])
    return set_by_knob[-1] if set_by_knob else spec.tons_per_day


def airfields(scenario: Scenario, state: GameState, side: int) -> Bool:
    """[N] the side's airfields in use this turn: held by its team, no enemy unit in them, and
    inside the air supply's dates (none at all outside them)."""
    grid = scenario.map
    found = np.zeros(grid.size, dtype=np.bool_)
    spec = air_supply(scenario, side)
    if spec is None:
        return found
    date = scenario.date_of_turn(state.turn)
    if (spec.from_date is not None and date < spec.from_date) or (
        spec.until is not None and date > spec.until
    ):
        return found
    for point in spec.places:
        h = grid.hex_of_point(point)
        if h >= 0:
            found[h] = True
    enemy_here = np.zeros(grid.size, dtype=np.bool_)
    enemy = state.active & (state.hex >= 0) & scenario.unit_hostile[side]
    enemy_here[state.hex[enemy]] = True
    usable: Bool = found & friendly_ground(scenario, state.control, side) & ~enemy_here
    return usable


def units_fed(scenario: Scenario, state: GameState, side: int, fields: Bool) -> int:
    """How many units the tonnage of this supply phase keeps in supply (0 without airfields)."""
    spec = air_supply(scenario, side)
    if spec is None or not fields.any():
        return 0
    codes = per_hex(hex_weather(scenario, state), scenario.map.size)[fields]
    bad = {int(parse_enum(Weather, name)) for name in spec.bad_weather}
    # the best weather over the airfields in use: the transports fly to whichever is open
    percent = 100 if any(int(c) not in bad for c in codes.tolist()) else spec.bad_weather_percent
    tons = tons_per_day(scenario, side) * percent / 100.0
    return max(0, math.floor(tons / spec.tons_per_unit_day + 1e-9))


def choose_fed(hungry: Bool, turns_out: I32, capacity: int) -> Bool:
    """[U] the `capacity` units of `hungry` to feed: the longest out of supply first (by
    `turns_out`, the counter before this phase), then in unit order."""
    fed = np.zeros(len(hungry), dtype=np.bool_)
    candidates = np.nonzero(hungry)[0]
    if capacity <= 0 or not len(candidates):
        return fed
    order = np.lexsort((candidates, -turns_out[candidates].astype(np.int64)))
    fed[candidates[order[:capacity]]] = True
    return fed


def has_hunger(scenario: Scenario, side: int) -> bool:
    """The side's air supply leaves the units it cannot feed hungry (its `hunger_days`)."""
    spec = air_supply(scenario, side)
    return spec is not None and spec.hunger_days is not None


def hunger_face(scenario: Scenario, side: int, faces: int) -> int:
    """The highest face of the `faces`-sided supply die at which a hungry unit loses a step
    this supply phase (0: no hunger): days_per_turn / hunger_days of the time, to the nearest
    face."""
    spec = air_supply(scenario, side)
    if spec is None or spec.hunger_days is None:
        return 0
    chance = min(1.0, scenario.scale.days_per_turn / spec.hunger_days)
    return max(0, min(faces, math.floor(faces * chance + 0.5)))
