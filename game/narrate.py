"""Words for what happened: the log lines and place names players read, made from structured events.

The rules report events as numbers (`game.events`); this module, an observer like the UI and the
CLI, turns them into English. Place names are the map's (never ids), sides are called by their
short names from the scenario file.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from game import hexgrid
from game.enums import NO_SIDE
from game.events import Event
from game.rules.victory_view import SuddenDeathStatus
from game.scenario.model import Scenario


def describe_hex(scenario: Scenario, h: int) -> str:
    """A place name a player recognises: the town in the hex, or the nearest one and its bearing."""
    grid = scenario.map
    if h < 0:
        return "nowhere"
    c = int(grid.city_at[h])
    if c >= 0:
        return grid.cities[c].name
    if not grid.cities:
        return f"hex {tuple(grid.hex_of(h))}"
    here = grid.hex_of(h)
    best = min(
        grid.cities, key=lambda city: (hexgrid.distance(here, grid.hex_of(city.hex)), city.id)
    )
    d = hexgrid.distance(here, grid.hex_of(best.hex))
    x0, y0 = grid.layout.hex_to_pixel(grid.hex_of(best.hex))
    x1, y1 = grid.layout.hex_to_pixel(here)
    return f"{d * grid.hex_km:.0f} km {compass(x1 - x0, y1 - y0)} of {best.name}"


def compass(dx: float, dy: float) -> str:
    """The eight-point bearing of a step (x east, y south)."""
    angle = (math.degrees(math.atan2(dx, -dy)) + 360.0) % 360.0
    names = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
    return names[int((angle + 22.5) // 45) % 8]


def city_name(scenario: Scenario, city_id: str) -> str:
    city = scenario.map.city_by_id(city_id)
    return city.name if city is not None else city_id


def plural(n: int, word: str) -> str:
    """'1 unit', '3 units'."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def unit_names(scenario: Scenario, units: tuple[int, ...], short: bool = False) -> str:
    names = scenario.units.labels if short else scenario.units.names
    return ", ".join(names[u] for u in units)


def game_over_text(scenario: Scenario, event: Event) -> str:
    level = str(event.data.get("level", ""))
    if event.data.get("cause") == "sudden_death":
        cities = [city_name(scenario, c) for c in str(event.data.get("cities", "")).split(",") if c]
        holder = scenario.side_table.team_label(event.side)
        why = f"sudden death: {holder} holds {', '.join(cities)}"
    else:
        why = f"{int(event.data.get('points', 0)) / 1000:g} victory points"
    if level == "draw" or event.side == NO_SIDE:
        return f"Game over on turn {event.turn}: a draw ({why})"
    winner = scenario.side_table.team_label(event.side)
    return f"Game over on turn {event.turn}: {level} victory for {winner} ({why})"


def combat_text(scenario: Scenario, event: Event) -> str:
    d = event.data
    attackers = event.units[: int(d.get("attackers", len(event.units)))]
    retreat = int(d.get("retreat", 0))
    return (
        f"{unit_names(scenario, attackers, short=True)} attack {describe_hex(scenario, event.hex)}"
        f" at {d.get('column')}: attacker loses {d.get('attacker_steps_lost')}, defender "
        f"{d.get('defender_steps_lost')} ({d.get('outcome')}"
        + (f", retreats {retreat}" if retreat else "")
        + ")"
    )


def event_text(scenario: Scenario, event: Event) -> str:
    """The log line of one event."""
    names = scenario.units.names
    kind = event.kind
    one = names[event.units[0]] if event.units else ""
    side = scenario.side_table.label(event.side) if event.side != NO_SIDE else "Nobody"
    place = describe_hex(scenario, event.hex)
    if kind == "turn":
        return f"Turn {event.turn}, {scenario.date_of_turn(event.turn):%d %B %Y}: {side} to move"
    if kind == "withdrawal":
        return f"{one} is withdrawn"
    if kind == "arrival":
        if event.data.get("blocked"):
            return f"{one} cannot enter: its entry area is held or full"
        return f"{one} arrives near {place}"
    if kind == "move":
        return f"{one} moves to {place}"
    if kind == "capture":
        return f"{side} forces take {city_name(scenario, str(event.data.get('city', '')))}"
    if kind == "attack_declared":
        return f"{unit_names(scenario, event.units, short=True)} will attack {place}"
    if kind == "combat":
        return combat_text(scenario, event)
    if kind == "retreat":
        blocked = int(event.data.get("blocked", 0))
        text = f"{one} retreats to {place}"
        return text + (f" and loses {plural(blocked, 'step')} cut off" if blocked else "")
    if kind == "advance":
        return f"{unit_names(scenario, event.units, short=True)} advance"
    if kind == "out_of_supply":
        return f"Out of supply: {unit_names(scenario, event.units)}"
    if kind == "attrition":
        return f"{one} loses a step without supply"
    if kind == "eliminated":
        return (
            f"{one} melts away without supply"
            if event.data.get("cause") == "supply"
            else (f"{one} is destroyed")
        )
    if kind == "surrender":
        return f"{one} surrenders, cut off"
    if kind == "breakout":
        return f"{side} orders the breakout: {plural(len(event.units), 'unit')} break out"
    if kind == "pocket":
        city = int(event.data.get("city", -1))
        where = describe_hex(scenario, city if city >= 0 else event.hex)
        men = int(event.data.get("men", 0))
        return f"Pocket at {where}: {plural(len(event.units), 'unit')}, {men:,} men"
    if kind == "game_over":
        return game_over_text(scenario, event)
    if kind == "losses":
        d = event.data
        cause = {"combat": "in combat", "breakout": "breaking out"}.get(
            str(d.get("cause")), "without supply"
        )
        tanks = int(d.get("tanks", 0))
        return f"{side} losses {cause}: {int(d.get('men', 0)):,} men" + (
            f", {plural(tanks, 'tank')}" if tanks else ""
        )
    if kind == "score":
        return f"Victory points: {int(event.data.get('points', 0)) / 1000:g}"
    return kind.replace("_", " ").capitalize()


def named(scenario: Scenario, text: str) -> str:
    """Free text from the file (a note) with any city id in it replaced by the city's name."""
    cities = {c.id: c.name for c in scenario.map.cities}
    return re.sub(r"\b[a-z][a-z0-9_]*\b", lambda m: cities.get(m.group(0), m.group(0)), text)


def city_list(scenario: Scenario, cities: tuple[int, ...]) -> str:
    """'Kharkov', 'Kharkov and Belgorod', 'A, B and C' (city indices of the map)."""
    names = [scenario.map.cities[k].name for k in cities]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def window_text(opens: dt.date | None, closes: dt.date | None) -> str:
    if opens and closes:
        return f"from {opens:%d %b} to {closes:%d %b}"
    if opens:
        return f"from {opens:%d %b}"
    if closes:
        return f"until {closes:%d %b}"
    return "at any time"


def sudden_death_rule_text(scenario: Scenario, status: SuddenDeathStatus) -> str:
    """What a sudden-death condition says, e.g. 'Soviet wins at once by holding Zaporozhye at
    the end of any side's turn from 21 Feb'."""
    team = scenario.side_table.team_label(status.team)
    cities = city_list(scenario, status.cities)
    how_long = f" for {status.hold_days} days" if status.hold_days else ""
    return (
        f"{team} wins at once by holding {cities}{how_long} at the end of any "
        f"side's turn {window_text(status.opens, status.closes)}"
    )


def sudden_death_warning(scenario: Scenario, status: SuddenDeathStatus) -> str:
    """The map's and the log's warning a turn before a sudden-death condition can end the game."""
    team = scenario.side_table.team_label(status.team)
    cities = city_list(scenario, status.cities)
    if status.imminent:
        return (
            f"Sudden death: {team} holds {cities} and wins when this turn ends unless it is retaken"
        )
    if status.met and status.ends_turn is not None:
        return (
            f"Sudden-death warning: {team} holds {cities} and wins at the end of a side's turn on "
            f"{scenario.date_of_turn(status.ends_turn):%d %b} unless it is retaken first"
        )
    missing = tuple(k for k, held in zip(status.cities, status.held, strict=True) if not held)
    when = (
        f"on {scenario.date_of_turn(status.check_turn):%d %b}" if status.check_turn else "next turn"
    )
    return (
        f"Sudden-death warning: {team} units can reach {city_list(scenario, missing)}; "
        f"holding {cities} at the end of their turn {when} wins {team} the game"
    )
