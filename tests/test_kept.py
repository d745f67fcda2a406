"""The bounded memo every cache uses: the least recently used value goes first, a lookup counts
as a use, and a value made once is not made again while kept."""

from __future__ import annotations

import pytest

from game.kept import Kept


def test_the_least_recently_used_value_goes_first() -> None:
    kept: Kept[str, int] = Kept(2)
    kept.put("kharkov", 1)
    kept.put("belgorod", 2)
    assert kept.get("kharkov") == 1  # now the most recently used
    kept.put("kursk", 3)
    assert "belgorod" not in kept and "kharkov" in kept and "kursk" in kept
    assert len(kept) == 2


def test_a_value_is_made_once_while_kept() -> None:
    kept: Kept[int, list[int]] = Kept(4)
    made: list[int] = []

    def make(n: int) -> list[int]:
        made.append(n)
        return [n]

    first = kept.get_or_make(7, lambda: make(7))
    assert kept.get_or_make(7, lambda: make(7)) is first
    assert made == [7]
    kept.clear()
    assert kept.get(7) is None and len(kept) == 0


def test_a_cache_keeps_at_least_one_value() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Kept(0)


def test_a_value_kept_for_an_object_is_its_own() -> None:
    """Kept by identity: an equal but other object gets its own value, and the object is held,
    so a value never passes to a new object that took a freed one's id."""
    import numpy as np

    from game.kept import KeptFor

    kept: KeptFor[np.ndarray, int] = KeptFor(4)
    a, b = np.zeros(3), np.zeros(3)
    assert kept.get_or_make(a, lambda: 1) == 1
    assert kept.get_or_make(a, lambda: 2) == 1
    assert kept.get_or_make(b, lambda: 3) == 3
