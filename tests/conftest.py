"""Shared fixtures: the small Donets test world, copied so tests can break it freely."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("EASTFRONT_NO_WARM", "1")  # tests compile the kernels as they go

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
KHARKOV = ROOT / "scenarios" / "kharkov_1943.toml"

MiniWriter = Callable[..., Path]

if TYPE_CHECKING:
    from game.ui.app import App


@pytest.fixture
def app(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[App]:
    """A game window on the main menu (`tests.windows.menu_app`), the size of the test module's
    `WINDOW` (1600x900 without one); closed after the test."""
    from tests.windows import menu_app

    size: Any = getattr(request.module, "WINDOW", (1600, 900))
    application = menu_app(tmp_path, size)
    yield application
    application.close()


@pytest.fixture(autouse=True)
def _results_store_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every batch a test plays is recorded in the results store: never in the real home."""
    data = tmp_path_factory.mktemp("data_home")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.delenv("EASTFRONT_EXPERIMENTS_DB", raising=False)
    return data


@pytest.fixture
def mini(tmp_path: Path) -> MiniWriter:
    """Write the mini scenario (optionally edited) next to a copy of its map; returns its path.

    `mini(replace={"old": "new"}, append="...")` edits the text first.
    """
    (tmp_path / "maps").mkdir()
    shutil.copy(DATA / "maps" / "donets_test.toml", tmp_path / "maps" / "donets_test.toml")

    def write(replace: dict[str, str] | None = None, append: str = "") -> Path:
        text = (DATA / "mini.toml").read_text()
        for old, new in (replace or {}).items():
            assert old in text, f"test bug: {old!r} not in mini.toml"
            text = text.replace(old, new, 1)
        path = tmp_path / "mini.toml"
        path.write_text(text + append)
        return path

    return write
