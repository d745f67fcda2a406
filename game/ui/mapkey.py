"""The map's key box: what the overlays and marks shown now mean, at the map's lower right.

It is drawn only while an overlay or an attack is shown, and lists only what the map shows then
(`mapmarks.draw_key` draws it, each swatch as the map draws the thing)."""

from __future__ import annotations

import pygame

from game.ui import render, supplymap
from game.ui.mapmarks import (
    ATTACK,
    POCKET_TINT,
    SUPPLY_MARK,
    SUPPLY_STAGE_TINTS,
    ZOC_TINT,
    Entry,
    Text,
    draw_key,
)
from game.ui.scene import Scene


def legend_entries(scene: Scene, islands: bool) -> list[Entry]:
    """The key of what the map shows now: (swatch kind, label, colour) per entry; `islands`:
    the front has bypassed ground outlined with its size."""
    entries: list[Entry] = [("front", "Front line", render.FRONT_COLOR)]
    if islands:
        entries.append(("island", "Bypassed ground (hexes · units)", render.INK))
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


def draw_legend(
    surface: pygame.Surface, view: pygame.Rect, scene: Scene, islands: bool, text: Text
) -> None:
    """A small key box at the map's lower right, while an overlay or an attack is shown."""
    if key_shown(scene):
        draw_key(surface, view, legend_entries(scene, islands), text)
