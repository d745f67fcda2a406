"""Small integer codes shared by the map, the rules and the UI.

Hot arrays hold these codes (uint8), never strings; scenario files and the UI use the lowercase
names. The numbers are part of the save and hash format: append, never renumber.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final, TypeVar

# Sides are numbered by the scenario file (its move order); this marks neutral or unclaimed hexes
# and "nobody" as a winner.
NO_SIDE: Final = 255


class Terrain(IntEnum):
    """The dominant ground of a hex (what a 10 km hex mostly is)."""

    CLEAR = 0  # open steppe and farmland
    FOREST = 1
    MARSH = 2  # river floodplains, bogs
    HILLS = 3  # hills and broken ground (the Donets ridge, balka-cut uplands)
    URBAN = 4  # built-up area of a large city
    WATER = 5  # the sea (and any water that never freezes hard): not enterable by land units
    LAKE = 6  # fresh water; where the map says it freezes, its ice carries men in frozen weather
    SEA = 5  # "sea" in files: another name for WATER


# Water of either kind: nobody stands on it, nobody holds it; coasts are where it meets land.
WATER_TERRAIN: frozenset[Terrain] = frozenset({Terrain.WATER, Terrain.LAKE})


class River(IntEnum):
    """What flows along a hexside."""

    NONE = 0
    MINOR = 1
    MAJOR = 2


class UnitKind(IntEnum):
    """A unit's fighting function; decides its NATO symbol, movement class and armour effect."""

    ARMOUR = 0  # panzer divisions, tank corps and brigades
    MECHANISED = 1  # motorised / panzergrenadier divisions, mechanised corps
    INFANTRY = 2  # infantry and rifle divisions, rifle brigades
    CAVALRY = 3  # cavalry corps and divisions
    ARTILLERY = 4  # artillery and anti-tank formations held as units


class UnitSize(IntEnum):
    """Echelon, drawn as the size mark above a counter's symbol."""

    REGIMENT = 0
    BRIGADE = 1
    DIVISION = 2
    CORPS = 3
    ARMY = 4


class Weather(IntEnum):
    """The state of the ground and sky for a turn."""

    CLEAR = 0  # dry ground
    FROZEN = 1  # hard frost: ground and rivers frozen
    SNOW = 2  # frozen with snowfall: poor visibility, slower foot movement
    THAW = 3  # the ice fails, roads begin to go
    MUD = 4  # rasputitsa: off-road movement all but stops
    RAIN = 5  # wet summer ground


MECHANISED_KINDS: frozenset[UnitKind] = frozenset({UnitKind.ARMOUR, UnitKind.MECHANISED})


E = TypeVar("E", bound=IntEnum)


def parse_enum(enum: type[E], name: str) -> E:
    """Look up a lowercase scenario-file name; raises KeyError with the allowed names."""
    try:
        return enum[name.upper()]
    except KeyError:
        allowed = ", ".join(m.name.lower() for m in enum)
        raise KeyError(
            f"unknown {enum.__name__.lower()} {name!r} (expected one of: {allowed})"
        ) from None
