"""The map screen's keyboard and mouse shortcuts, as the help overlay prints them (the map screen
handles the same keys)."""

from __future__ import annotations

SHORTCUTS: list[tuple[str, str]] = [
    ("Left click", "select a unit (again: next in the stack); move to a lit hex; pick a target"),
    ("Drag a selected unit", "move it to a lit hex (also onto friendly units, to stack)"),
    ("Hover", "a tooltip on units, towns and ground; on every button"),
    ("Right click / Esc", "clear the selection"),
    ("Drag, arrows, WASD", "pan the map"),
    ("Wheel, + / -", "zoom about the cursor"),
    ("Home", "whole map"),
    ("Tab / N, Shift+Tab", "next / previous unit that can move (combat: next target)"),
    ("C", "centre on the selection"),
    ("Enter", "declare the planned attack"),
    ("Delete", "cancel the attack declared on the selected hex"),
    ("E", "end the phase"),
    ("U, Ctrl+Z", "undo the last move or declaration"),
    ("B", "order your pocket's breakout, if the scenario has one (asks first, shows the cost)"),
    ("1 2 3 4", "supply, pockets, enemy zones of control, fog veil"),
    ("M", "minimap"),
    ("Space", "skip the computer's moves to the end of its turn"),
    ("P", "pause or resume the computer"),
    ("[ ]", "computer slower / faster"),
    ("V", "watch mode: whose eyes to see through"),
    ("K", "watch mode: take the game over (pick a side, or hot-seat)"),
    ("O", "victory: objectives, result levels, sudden death, turns left"),
    ("F", "forces: your order of battle (click one to find it)"),
    ("T", "what we saw of the enemy's turn, with a replay"),
    ("Y", "what now? a few games played on from here, from what you know"),
    ("Ctrl+S, Ctrl+L", "save, load"),
    ("F1 / H", "help"),
    ("F11", "full screen on or off"),
]
