"""The pygame-ce user interface: rendering, screens and windows. Nothing outside `game.ui` imports
pygame, so the rules stay headless."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
