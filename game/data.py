"""Where the game's data lives: `assets/` and `scenarios/` beside the package in a checkout (and an
editable install), or inside the package as `_assets` and `_scenarios` in an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder of `assets` or `scenarios`; EASTFRONT_ASSETS overrides the assets folder."""
    if name == "assets" and os.environ.get("EASTFRONT_ASSETS"):
        return Path(os.environ["EASTFRONT_ASSETS"])
    beside = _PACKAGE.parent / name
    if beside.is_dir():
        return beside
    return _PACKAGE / f"_{name}"
