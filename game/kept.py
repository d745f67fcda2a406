"""A bounded memo: the caches that keep what rules and the AI work out again and again (zones of
control, views, distance fields, cost tables), least recently used dropped first.

A cache key must determine the value; callers build keys from what the value depends on.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
V = TypeVar("V")


class Kept(Generic[K, V]):
    """At most `limit` values by key; a lookup makes its key the most recently used."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a cache keeps at least one value")
        self.limit = limit
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> V:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for `key`, made and kept when there is none."""
        found = self.get(key)
        return self.put(key, make()) if found is None else found

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items


class KeptFor(Generic[T, V]):
    """At most `limit` values kept for objects themselves, by identity (read-only arrays that
    stand for a turn's weather or a map's neighbours): each object is held with its value, so
    its id is not reused while it is kept."""

    def __init__(self, limit: int) -> None:
        self._kept: Kept[int, tuple[T, V]] = Kept(limit)

    def get_or_make(self, obj: T, make: Callable[[], V]) -> V:
        found = self._kept.get(id(obj))
        if found is not None and found[0] is obj:
            return found[1]
        return self._kept.put(id(obj), (obj, make()))[1]
