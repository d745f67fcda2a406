"""Every screen of the window under the name it is opened by: the one module that knows them all.

Screens open one another by name (`app.open("report", match=...)`), so no screen module imports
another; `App` calls `register_all` when it starts.

    name         screen                       arguments
    main_menu    menu.MainMenu                -
    setup        setup.SetupScreen            entry (catalogue.Entry), mode
    map          mapscreen.MapScreen          match
    handover     handover.HandOverScreen      map_screen
    report       report.ReportScreen          match
    save         dialogs.SaveDialog           match
    load         dialogs.LoadDialog           map_screen (None from the main menu)
    game_menu    dialogs.GameMenu             map_screen
    help         dialogs.HelpOverlay          scenario (optional), side (optional: whose plan)
    victory      overviews.VictoryDialog      map_screen
    forces       overviews.ForcesDialog       map_screen
    enemy_turn   overviews.EnemyTurnDialog    map_screen
    confirm      overviews.ConfirmDialog      question, on_yes, yes (optional: the yes button)
    lab          lab.LabScreen                entry (optional: the scenario to start with)
    take_over    takeover.TakeOverDialog      match, map_screen (None from the lab), what
    what_now     whatnow_dialog.WhatNowDialog map_screen
"""

from __future__ import annotations

from game.ui.dialogs import GameMenu, HelpOverlay, LoadDialog, SaveDialog
from game.ui.handover import HandOverScreen
from game.ui.lab import LabScreen
from game.ui.mapscreen import MapScreen
from game.ui.menu import MainMenu
from game.ui.overviews import ConfirmDialog, EnemyTurnDialog, ForcesDialog, VictoryDialog
from game.ui.report import ReportScreen
from game.ui.screen import register
from game.ui.setup import SetupScreen
from game.ui.takeover import TakeOverDialog
from game.ui.whatnow_dialog import WhatNowDialog


def register_all() -> None:
    """Register every screen by name (idempotent)."""
    register("main_menu", MainMenu)
    register("setup", SetupScreen)
    register("map", MapScreen)
    register("handover", HandOverScreen)
    register("report", ReportScreen)
    register("save", SaveDialog)
    register("load", LoadDialog)
    register("game_menu", GameMenu)
    register("help", HelpOverlay)
    register("victory", VictoryDialog)
    register("forces", ForcesDialog)
    register("enemy_turn", EnemyTurnDialog)
    register("confirm", ConfirmDialog)
    register("lab", LabScreen)
    register("take_over", TakeOverDialog)
    register("what_now", WhatNowDialog)
