"""Fonts, the UI theme and sounds from `assets/`, loaded once and shared by every screen.

The assets folder is found by `game.data.data_dir` (the repository root, or inside an installed
package; `EASTFRONT_ASSETS` points elsewhere). A missing font falls back to pygame's built-in one and missing sounds stay silent,
so a broken install still shows a working game.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import pygame

from game.data import data_dir

FONT_FILES = {
    ("sans", False): "DejaVuSans.ttf",
    ("sans", True): "DejaVuSans-Bold.ttf",
    ("condensed", False): "DejaVuSansCondensed-Bold.ttf",
    ("condensed", True): "DejaVuSansCondensed-Bold.ttf",
    ("serif", False): "DejaVuSerif.ttf",
    ("serif", True): "DejaVuSerif-Bold.ttf",
    ("italic", False): "DejaVuSerif-Italic.ttf",
    ("italic", True): "DejaVuSerif-Italic.ttf",
}
GUI_FONTS = {
    "dejavu_sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "dejavu_serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
}

_fonts: dict[tuple[str, bool, int], pygame.font.Font] = {}


def assets_dir() -> Path:
    return data_dir("assets")


def font(size: int, bold: bool = False, family: str = "sans") -> pygame.font.Font:
    """A cached font of the bundled family at a pixel size (text height, as pygame measures)."""
    size = max(6, int(size))
    key = (family, bold, size)
    cached = _fonts.get(key)
    if cached is not None:
        return cached
    if not pygame.font.get_init():
        pygame.font.init()
    path = assets_dir() / "fonts" / FONT_FILES.get((family, bold), "DejaVuSans.ttf")
    # DejaVu's glyphs fill more of the em than pygame's default font: 0.75 keeps sizes alike
    f = (
        pygame.font.Font(str(path), max(5, round(size * 0.75)))
        if path.exists()
        else pygame.font.Font(None, size)
    )
    if not path.exists():
        f.set_bold(bold)
    if len(_fonts) > 400:
        _fonts.clear()
    _fonts[key] = f
    return f


def forget_fonts() -> None:
    """Drop cached fonts: they die with `pygame.quit()`, and a new window needs new ones."""
    _fonts.clear()


def theme() -> dict[str, Any]:
    """The pygame_gui theme from `assets/theme.json`, its font paths made absolute."""
    root = assets_dir()
    path = root / "theme.json"
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for block in data.values():
        spec = block.get("font") if isinstance(block, dict) else None
        if isinstance(spec, dict):
            for key in ("regular_path", "bold_path", "italic_path", "bold_italic_path"):
                if key in spec:
                    spec[key] = str(root / spec[key])
    return data


_THEME: dict[str, Any] | None = None


def make_manager(size: tuple[int, int]) -> Any:
    """A pygame_gui manager with the game's theme and fonts (one per screen)."""
    import pygame_gui

    # fonts load on first use: a small hitch once, not the warning pygame_gui prints about it
    warnings.filterwarnings("ignore", message="Finding font with id", category=UserWarning)
    global _THEME
    if _THEME is None:
        _THEME = theme()
    manager = pygame_gui.UIManager(size, json.loads(json.dumps(_THEME)) or None)
    fonts = assets_dir() / "fonts"
    for name, (regular, bold) in GUI_FONTS.items():
        if (fonts / regular).exists():
            manager.add_font_paths(name, str(fonts / regular), str(fonts / bold))
    return manager


class Sounds:
    """Short effects played through pygame.mixer, only when a real audio device is there."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = False
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        if not enabled or os.environ.get("SDL_AUDIODRIVER") in ("dummy", "disk"):
            return
        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=22050, size=-16, channels=1, buffer=512)
            for path in sorted((assets_dir() / "sounds").glob("*.wav")):
                self._sounds[path.stem] = pygame.mixer.Sound(str(path))
                self._sounds[path.stem].set_volume(0.5)
        except pygame.error:
            self._sounds.clear()
            return
        self.enabled = bool(self._sounds)

    def play(self, name: str) -> None:
        sound = self._sounds.get(name) if self.enabled else None
        if sound is not None:
            sound.play()
