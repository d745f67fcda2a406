"""Map field paths (`units.3.at`) back to line numbers in a TOML text.

tomllib gives values but no positions, and a useful error names the line. This is a small
structural scanner of TOML: headers, arrays of tables, dotted keys, and values including multi-line
arrays and inline tables. It never decides validity (tomllib does); on text it cannot follow it just
knows fewer lines, and lookups fall back to the nearest enclosing path.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence

from game.scenario.errors import PathPart

Path = tuple[PathPart, ...]

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

# What `text_limits` stops at: string and comment openers, brackets and bare tokens.
_LIMIT_TOKEN = re.compile(r"\"\"\"|'''|\"|'|#|[\[\]{}]|[^\s\[\]{}\"'#,=]+")


def text_limits(text: str, max_depth: int, max_token: int) -> tuple[int, str] | None:
    """The first place where a TOML text nests brackets deeper than `max_depth` or holds a bare
    token (a number, a date, a key) longer than `max_token` characters, as (line, problem);
    None if it does neither.

    tomllib recurses once per nesting level and refuses integers of over 4,300 digits with a
    bare ValueError, so this linear scan runs first. Like `LineIndex` it never decides
    validity: an unterminated string just ends at its line, and tomllib reports it.
    """
    depth = 0
    pos = 0
    n = len(text)
    while pos < n:
        match = _LIMIT_TOKEN.search(text, pos)
        if match is None:
            return None
        token = match.group()
        pos = match.end()
        if token in ("[", "{"):
            depth += 1
            if depth > max_depth:
                line = text.count("\n", 0, match.start()) + 1
                return line, f"arrays and tables nested more than {max_depth} deep"
        elif token in ("]", "}"):
            depth = max(0, depth - 1)
        elif token == "#":
            end = text.find("\n", pos)
            pos = n if end < 0 else end
        elif token in ('"""', "'''"):
            pos = _multiline_end(text, pos, token)
        elif token in ('"', "'"):
            pos = _string_end_on_line(text, pos, token)
        elif len(token) > max_token:
            line = text.count("\n", 0, match.start()) + 1
            return line, f"a number or bare key of {len(token)} characters (at most {max_token})"
    return None


def _multiline_end(text: str, pos: int, quote: str) -> int:
    """Just after the multi-line string whose content starts at `pos` (the end of the text if
    it is never closed); in a basic string an escaped quote does not close it."""
    while True:
        end = text.find(quote, pos)
        if end < 0:
            return len(text)
        before = text[pos:end]
        backslashes = len(before) - len(before.rstrip("\\"))
        if quote == '"""' and backslashes % 2:
            pos = end + 1
            continue
        while text.startswith(quote[0], end + 3):  # up to two quotes of the content
            end += 1
        return end + 3


def _string_end_on_line(text: str, pos: int, quote: str) -> int:
    """Just after the one-line string whose content starts at `pos`, or at its line's end."""
    while pos < len(text):
        ch = text[pos]
        if ch == quote:
            return pos + 1
        if ch == "\n":
            return pos
        pos += 2 if quote == '"' and ch == "\\" else 1
    return pos


class LineIndex:
    """Line numbers (1-based) of every table, key and array element found in a TOML text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[Path, int] = {}
        self._line_starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self._line_starts.append(i + 1)
        # malformed text: keep what was found; tomllib reports the syntax error (the recursion
        # guard is for texts nested deeper than `text_limits` lets through to here)
        with contextlib.suppress(IndexError, ValueError, RecursionError):
            self._scan()

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The line of `path`, or of its nearest ancestor that was found."""
        p = tuple(path)
        while p:
            if p in self._lines:
                return self._lines[p]
            p = p[:-1]
        return None

    # --- scanning --------------------------------------------------------------------------

    def _line_at(self, pos: int) -> int:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def _record(self, path: Path, pos: int) -> None:
        self._lines.setdefault(path, self._line_at(pos))

    def _scan(self) -> None:
        text = self._text
        n = len(text)
        pos = 0
        table: Path = ()
        array_counts: dict[Path, int] = {}
        # header name (without indices) -> resolved path of its current element
        array_current: dict[tuple[str, ...], Path] = {}
        while pos < n:
            pos = self._skip_space(pos, newlines=True)
            if pos >= n:
                break
            ch = text[pos]
            if ch == "#":
                pos = self._skip_comment(pos)
            elif text.startswith("[[", pos):
                keys, pos = self._parse_key(pos + 2)
                pos = text.index("]]", pos) + 2
                parent = self._resolve(keys[:-1], array_current)
                base = (*parent, keys[-1])
                index = array_counts.get(base, 0)
                array_counts[base] = index + 1
                table = (*base, index)
                array_current[tuple(keys)] = table
                self._record(base, pos)
                self._record(table, pos)
            elif ch == "[":
                keys, pos = self._parse_key(pos + 1)
                pos = text.index("]", pos) + 1
                table = self._resolve(keys, array_current)
                for i in range(1, len(table) + 1):
                    self._record(table[:i], pos)
            else:
                keys, pos = self._parse_key(pos)
                pos = self._skip_space(pos, newlines=False)
                if pos >= n or text[pos] != "=":
                    raise ValueError("expected =")
                full = (*table, *keys)
                for i in range(len(table) + 1, len(full) + 1):
                    self._record(full[:i], pos)
                pos = self._value(pos + 1, full)

    @staticmethod
    def _resolve(keys: Sequence[str], array_current: dict[tuple[str, ...], Path]) -> Path:
        """Insert the current element index after every prefix that names an array of tables."""
        out: list[PathPart] = []
        for i in range(len(keys)):
            current = array_current.get(tuple(keys[: i + 1]))
            if current is not None:
                out = list(current)
            else:
                out.append(keys[i])
        return tuple(out)

    def _skip_space(self, pos: int, *, newlines: bool) -> int:
        text = self._text
        skip = " \t\r\n" if newlines else " \t"
        while pos < len(text) and text[pos] in skip:
            pos += 1
        return pos

    def _skip_comment(self, pos: int) -> int:
        end = self._text.find("\n", pos)
        return len(self._text) if end < 0 else end

    def _skip_blank(self, pos: int) -> int:
        """Whitespace, newlines and comments inside arrays and inline tables."""
        while True:
            pos = self._skip_space(pos, newlines=True)
            if pos < len(self._text) and self._text[pos] == "#":
                pos = self._skip_comment(pos)
            else:
                return pos

    def _parse_key(self, pos: int) -> tuple[list[str], int]:
        text = self._text
        keys: list[str] = []
        while True:
            pos = self._skip_space(pos, newlines=False)
            if text[pos] in "\"'":
                end = self._string_end(pos)
                keys.append(text[pos + 1 : end - 1])
                pos = end
            else:
                start = pos
                while pos < len(text) and text[pos] in _BARE:
                    pos += 1
                if pos == start:
                    raise ValueError("expected a key")
                keys.append(text[start:pos])
            pos = self._skip_space(pos, newlines=False)
            if pos < len(text) and text[pos] == ".":
                pos += 1
                continue
            return keys, pos

    def _string_end(self, pos: int) -> int:
        """Position just after the string starting at `pos`."""
        text = self._text
        for quote in ('"""', "'''"):
            if text.startswith(quote, pos):
                end = pos + 3
                while True:
                    end = text.index(quote, end)
                    if quote == '"""' and text[end - 1] == "\\":
                        end += 1
                        continue
                    # a closing run may have up to two extra quotes belonging to the content
                    while text.startswith(quote[0], end + 3):
                        end += 1
                    return end + 3
        quote = text[pos]
        end = pos + 1
        while text[end] != quote:
            if quote == '"' and text[end] == "\\":
                end += 1
            if text[end] == "\n":
                raise ValueError("unterminated string")
            end += 1
        return end + 1

    def _value(self, pos: int, path: Path) -> int:
        text = self._text
        pos = self._skip_space(pos, newlines=False)
        self._record(path, pos)
        ch = text[pos]
        if ch in "\"'":
            return self._string_end(pos)
        if ch == "[":
            pos += 1
            index = 0
            while True:
                pos = self._skip_blank(pos)
                if text[pos] == "]":
                    return pos + 1
                pos = self._value(pos, (*path, index))
                pos = self._skip_blank(pos)
                if text[pos] == ",":
                    pos += 1
                    index += 1
                elif text[pos] != "]":  # `[ } ]`: stop, or this loop never advances
                    raise ValueError("expected , or ]")
        if ch == "{":
            pos += 1
            while True:
                pos = self._skip_blank(pos)
                if text[pos] == "}":
                    return pos + 1
                keys, pos = self._parse_key(pos)
                pos = self._skip_space(pos, newlines=False)
                if text[pos] != "=":
                    raise ValueError("expected =")
                full = (*path, *keys)
                self._record(full, pos)
                pos = self._value(pos + 1, full)
                pos = self._skip_blank(pos)
                if text[pos] == ",":
                    pos += 1
                elif text[pos] != "}":
                    raise ValueError("expected , or }")
        start = pos
        while pos < len(text) and text[pos] not in ",]}\n#":
            pos += 1
        if pos == start:
            raise ValueError("expected a value")
        return pos
