"""`python -m game` is the `eastfront` command."""

import sys

from game.cli import main

sys.exit(main())
