"""The weather a rule sees: which state of the ground and sky holds on a turn."""

from __future__ import annotations

from typing import Final

from game.enums import Weather
from game.scenario.model import Scenario
from game.state import GameState

# Ground and rivers frozen hard: rivers carry zones of control and men, marsh is firm.
FROZEN_WEATHER: Final = frozenset({Weather.FROZEN, Weather.SNOW})


def weather_of_turn(scenario: Scenario, turn: int) -> Weather:
    """The weather of `turn` (the nearest turn of the calendar outside it)."""
    turn = min(max(turn, 1), len(scenario.weather) - 1)
    return Weather(int(scenario.weather[turn]))


def turn_weather(scenario: Scenario, state: GameState) -> Weather:
    """The weather of the state's turn."""
    return weather_of_turn(scenario, state.turn)
