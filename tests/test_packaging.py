"""An installed wheel must carry every subpackage and the game's data, not only a checkout."""

from __future__ import annotations

import tomllib
from pathlib import Path

from game.data import data_dir

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_of_the_tree_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    tree = {
        ".".join(folder.relative_to(ROOT).parts)
        for folder in (ROOT / "game").rglob("*")
        if folder.is_dir() and any(folder.glob("*.py"))
    } | {"game"}
    assert tree <= listed, f"add to pyproject.toml: {sorted(tree - listed)}"
    assert config["package-dir"] == {"game._assets": "assets", "game._scenarios": "scenarios"}


def test_data_is_found_beside_the_package_in_a_checkout() -> None:
    assert data_dir("assets") == ROOT / "assets"
    assert (data_dir("scenarios") / "kharkov_1943.toml").is_file()
    assert (data_dir("assets") / "fonts" / "DejaVuSans.ttf").is_file()
