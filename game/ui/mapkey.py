"""What the map's key box lists: the overlays and marks shown now, and when it is shown.

The box is drawn (`mapmarks.draw_key`, each swatch as the map draws the thing) only while an
overlay or an attack is shown, and lists only what the map shows then."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from game.ui import render, supplymap
from game.ui.furniture import belt_label
from game.ui.mapmarks import (
    ATTACK,
    POCKET_TINT,
    SUPPLY_MARK,
    SUPPLY_STAGE_TINTS,
    ZOC_TINT,
    Entry,
)
from game.ui.palette import Palette
from game.ui.scene import Scene


def belt_entries(scene: Scene, colors: Palette, short: Sequence[str]) -> list[Entry]:
    """One entry per side whose fortified belts stand on the map now (`Scene.belts`), in the
    side's dark colour as the map draws them; named by side only when several sides have them."""
    if scene.belts is None:
        return []
    level, owner = scene.belts
    sides = [int(s) for s in np.unique(owner[level > 0])]
    return [
        ("belt", belt_label(short[s] if len(sides) > 1 else None), colors.dark(s)) for s in sides
    ]


def legend_entries(scene: Scene, islands: bool, belts: Sequence[Entry] = ()) -> list[Entry]:
    """The key of what the map shows now: (swatch kind, label, colour) per entry; `islands`:
    the front has bypassed ground outlined with its size; `belts`: `belt_entries`."""
    entries: list[Entry] = [("front", "Front line", render.FRONT_COLOR)]
    if islands:
        entries.append(("island", "Bypassed ground (hexes · units)", render.INK))
    entries += belts
    if scene.supply is not None:
        entries += [
            ("tint", "In supply: near", SUPPLY_STAGE_TINTS[1]),
            ("tint", "In supply: middle", SUPPLY_STAGE_TINTS[2]),
            ("tint", "In supply: end of reach", SUPPLY_STAGE_TINTS[3]),
            ("tint", "Own ground out of supply", SUPPLY_STAGE_TINTS[supplymap.OUT]),
            ("rail", "Railway carrying supply", SUPPLY_MARK),
            ("railhead", "Railhead", True),
            ("cut", "Railhead cut off", False),
            ("entry", "Supply entry (edge, port, source)", SUPPLY_MARK),
        ]
        if len(scene.supply.depots):
            entries.append(("depot", "Depot", SUPPLY_MARK))
    elif scene.out_of_supply is not None:
        entries.append(("tint", "Out of supply", SUPPLY_STAGE_TINTS[supplymap.OUT]))
    if scene.pockets:
        entries.append(("tint", "Pocket (cut off)", POCKET_TINT))
    if scene.zoc is not None:
        entries.append(("tint", "Enemy zone of control", ZOC_TINT))
    if scene.targets or scene.declared:
        entries.append(("target", "Enemy in reach of an attack", ATTACK))
    if scene.declared:
        entries.append(("arrow", "Declared attack", ATTACK))
    return entries


def key_shown(scene: Scene) -> bool:
    """Whether the key box is drawn: while an overlay or an attack is shown."""
    return not (
        scene.supply is None
        and scene.out_of_supply is None
        and not scene.pockets
        and scene.zoc is None
        and not scene.targets
        and not scene.declared
    )
