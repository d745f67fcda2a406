"""The game window the window tests start from: on the main menu, the computer playing at once
on this thread (no timing in a test), saves in the test's own folder."""

from __future__ import annotations

from pathlib import Path

from game.ui.app import App, Settings
from game.ui.driver import frames
from game.ui.menu import MainMenu


def menu_app(tmp_path: Path, size: tuple[int, int] = (1600, 900)) -> App:
    settings = Settings(ai_speed="instant", threaded_ai=False, save_dir=str(tmp_path / "saves"))
    application = App(size, sounds=False, settings=settings)
    application.push(MainMenu(application))
    frames(application, 2)
    return application
