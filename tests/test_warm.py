"""The warm-up's check for an empty kernel cache: the game window compiles the kernels in the
background only when it says so, so a wrong "cached" leaves the first game to compile them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every kernel the check looks at gets an index file named as one made from an older version of
# the source (another line number), the state after an upgrade; then the check is asked.
STALE = """
from pathlib import Path
from game import warm
for name in ("unit_reach", "path_cost", "zone", "occupied_hexes", "supply_layers"):
    k = getattr(warm.kernels, name)
    folder = Path(k._cache._cache_path)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"kernels.{name}-1.py311.nbi").write_bytes(b"stale")
for k in (warm.ai_kernels.score_moves, warm.ai_kernels.enemy_picture,
          warm.preview_kernels.preview_loops, warm.batch_kernels.stack_rows):
    folder = Path(k._cache._cache_path)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{k.py_func.__module__.rsplit('.', 1)[-1]}.{k.py_func.__qualname__}-1.py311.nbi").write_bytes(b"stale")
print(warm.kernels_cached())
"""


def ask(code: str, cache: Path) -> str:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_an_empty_kernel_cache_is_not_taken_for_a_full_one(tmp_path: Path) -> None:
    assert ask("from game import warm; print(warm.kernels_cached())", tmp_path) == "False"


def test_kernels_cached_for_an_older_source_are_compiled_again(tmp_path: Path) -> None:
    assert ask(STALE, tmp_path) == "False"
