"""Axial hex arithmetic, pixel layouts and offset coordinates (after Red Blob Games).

Hex arithmetic never touches pixels: only `Layout` knows about sizes and orientation. Every
function has a scalar form on `Hex` and, where batch rules need it, an array form over numpy
arrays of q and r.

Directions are numbered 0..5 in this fixed order, the order of every `[h, 6]` hexside array:

    0: (+1,  0)   1: (+1, -1)   2: (0, -1)   3: (-1,  0)   4: (-1, +1)   5: (0, +1)

With pointy-top hexes and r growing downwards (south on our maps) these are E, NE, NW, W, SW, SE;
with flat-top hexes the same axial steps point SE, NE, N, NW, SW, S. The order is the same for
both orientations, so hexside arrays mean the same on either kind of map. The opposite of
direction d is (d + 3) % 6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


class Hex(NamedTuple):
    """An axial hex coordinate; s is implied as -q - r."""

    q: int
    r: int

    @property
    def s(self) -> int:
        return -self.q - self.r

    def __add__(self, other: object) -> Hex:
        if not isinstance(other, Hex):
            return NotImplemented
        return Hex(self.q + other.q, self.r + other.r)

    def __sub__(self, other: Hex) -> Hex:
        return Hex(self.q - other.q, self.r - other.r)

    def scale(self, k: int) -> Hex:
        return Hex(self.q * k, self.r * k)


DIRECTIONS: tuple[Hex, ...] = (
    Hex(1, 0),
    Hex(1, -1),
    Hex(0, -1),
    Hex(-1, 0),
    Hex(-1, 1),
    Hex(0, 1),
)
DIRECTION_NAMES_POINTY = ("E", "NE", "NW", "W", "SW", "SE")
DIRECTION_NAMES_FLAT = ("SE", "NE", "N", "NW", "SW", "S")
DIRECTION_DQ = np.array([d.q for d in DIRECTIONS], dtype=np.int32)
DIRECTION_DR = np.array([d.r for d in DIRECTIONS], dtype=np.int32)


def opposite(direction: int) -> int:
    """The direction pointing back across the same hexside."""
    return (direction + 3) % 6


def neighbor(h: Hex, direction: int) -> Hex:
    return h + DIRECTIONS[direction]


def neighbors(h: Hex) -> list[Hex]:
    """The six neighbours in direction order 0..5."""
    return [h + d for d in DIRECTIONS]


def distance(a: Hex, b: Hex) -> int:
    dq, dr = a.q - b.q, a.r - b.r
    return (abs(dq) + abs(dr) + abs(dq + dr)) // 2


def distance_array(
    q1: npt.ArrayLike, r1: npt.ArrayLike, q2: npt.ArrayLike, r2: npt.ArrayLike
) -> IntArray:
    """Hex distance over broadcast arrays of coordinates."""
    dq = np.asarray(q1, dtype=np.int32) - np.asarray(q2, dtype=np.int32)
    dr = np.asarray(r1, dtype=np.int32) - np.asarray(r2, dtype=np.int32)
    result: IntArray = ((np.abs(dq) + np.abs(dr) + np.abs(dq + dr)) // 2).astype(np.int32)
    return result


def direction_between(a: Hex, b: Hex) -> int:
    """The direction index from a to an adjacent hex b; ValueError if they are not adjacent."""
    d = b - a
    for i, step in enumerate(DIRECTIONS):
        if d == step:
            return i
    raise ValueError(f"{a} and {b} are not neighbours")


def round_array(fq: npt.ArrayLike, fr: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """Round fractional axial coordinates to the hex that contains them (cube rounding)."""
    fq = np.asarray(fq, dtype=np.float64)
    fr = np.asarray(fr, dtype=np.float64)
    fs = -fq - fr
    q = np.rint(fq)
    r = np.rint(fr)
    s = np.rint(fs)
    dq = np.abs(q - fq)
    dr = np.abs(r - fr)
    ds = np.abs(s - fs)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    return q.astype(np.int32), r.astype(np.int32)


def hex_round(fq: float, fr: float) -> Hex:
    q, r = round_array(fq, fr)
    return Hex(int(q), int(r))


# A tiny nudge applied to the line's end points so that samples falling exactly on a hex edge
# always round the same way (towards the hex further along cube (+1, +2, -3)), whatever the
# direction of the line.
_LINE_EPSILON_Q = 1e-6
_LINE_EPSILON_R = 2e-6


def line(a: Hex, b: Hex) -> list[Hex]:
    """Hexes on the straight line from a to b, both ends included, ties broken by a fixed nudge."""
    n = distance(a, b)
    if n == 0:
        return [a]
    t = np.arange(n + 1, dtype=np.float64) / n
    aq, ar = a.q + _LINE_EPSILON_Q, a.r + _LINE_EPSILON_R
    bq, br = b.q + _LINE_EPSILON_Q, b.r + _LINE_EPSILON_R
    q, r = round_array(aq + (bq - aq) * t, ar + (br - ar) * t)
    return [Hex(int(x), int(y)) for x, y in zip(q, r, strict=True)]


def ring(center: Hex, radius: int) -> list[Hex]:
    """Hexes at exactly `radius` steps, starting at the SW corner direction and going round."""
    if radius < 0:
        raise ValueError("radius must be >= 0")
    if radius == 0:
        return [center]
    results: list[Hex] = []
    h = center + DIRECTIONS[4].scale(radius)
    for i in range(6):
        for _ in range(radius):
            results.append(h)
            h = neighbor(h, i)
    return results


def spiral(center: Hex, radius: int) -> list[Hex]:
    """Every hex within `radius`, centre first, then ring by ring."""
    out: list[Hex] = []
    for k in range(radius + 1):
        out.extend(ring(center, k))
    return out


# --- offset coordinates ------------------------------------------------------------------------
# Our maps are rectangles of pointy-top hexes in "odd-r" layout (odd rows are shoved right by half
# a hex) or of flat-top hexes in "odd-q" layout (odd columns shoved down by half a hex). (col, row)
# is what a player reads off the map edge; axial (q, r) is what the rules use.


def axial_to_oddr(q: npt.ArrayLike, r: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    q = np.asarray(q, dtype=np.int32)
    r = np.asarray(r, dtype=np.int32)
    col = q + (r - (r & 1)) // 2
    return col.astype(np.int32), r.copy()


def oddr_to_axial(col: npt.ArrayLike, row: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    col = np.asarray(col, dtype=np.int32)
    row = np.asarray(row, dtype=np.int32)
    q = col - (row - (row & 1)) // 2
    return q.astype(np.int32), row.copy()


def axial_to_oddq(q: npt.ArrayLike, r: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """Flat-top "odd-q" layout (odd columns shoved down by half a hex): our flat-top maps."""
    q = np.asarray(q, dtype=np.int32)
    r = np.asarray(r, dtype=np.int32)
    row = r + (q - (q & 1)) // 2
    return q.copy(), row.astype(np.int32)


def oddq_to_axial(col: npt.ArrayLike, row: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    col = np.asarray(col, dtype=np.int32)
    row = np.asarray(row, dtype=np.int32)
    r = row - (col - (col & 1)) // 2
    return col.copy(), r.astype(np.int32)


def axial_to_evenq(q: npt.ArrayLike, r: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """Flat-top "even-q" layout (even columns shoved down), for flat-top maps."""
    q = np.asarray(q, dtype=np.int32)
    r = np.asarray(r, dtype=np.int32)
    row = r + (q + (q & 1)) // 2
    return q.copy(), row.astype(np.int32)


def evenq_to_axial(col: npt.ArrayLike, row: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    col = np.asarray(col, dtype=np.int32)
    row = np.asarray(row, dtype=np.int32)
    r = row - (col + (col & 1)) // 2
    return col.copy(), r.astype(np.int32)


# --- layouts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Orientation:
    """Forward (hex->pixel) and inverse 2x2 matrices plus the first corner's angle in 60° steps."""

    f0: float
    f1: float
    f2: float
    f3: float
    b0: float
    b1: float
    b2: float
    b3: float
    start_angle: float


_SQ3 = math.sqrt(3.0)
POINTY = Orientation(_SQ3, _SQ3 / 2.0, 0.0, 1.5, _SQ3 / 3.0, -1.0 / 3.0, 0.0, 2.0 / 3.0, 0.5)
FLAT = Orientation(1.5, 0.0, _SQ3 / 2.0, _SQ3, 2.0 / 3.0, 0.0, -1.0 / 3.0, _SQ3 / 3.0, 0.0)


@dataclass(frozen=True)
class Layout:
    """All hex geometry: orientation, size (centre to corner, x and y) and the origin's pixel.

    The same class places hexes on a map in kilometres (geo) and on the screen in pixels (UI).
    """

    orientation: Orientation
    size_x: float
    size_y: float
    origin_x: float = 0.0
    origin_y: float = 0.0

    @classmethod
    def pointy(cls, size: float, origin: tuple[float, float] = (0.0, 0.0)) -> Layout:
        return cls(POINTY, size, size, origin[0], origin[1])

    @classmethod
    def flat(cls, size: float, origin: tuple[float, float] = (0.0, 0.0)) -> Layout:
        return cls(FLAT, size, size, origin[0], origin[1])

    @property
    def neighbor_spacing(self) -> float:
        """Distance between the centres of two neighbouring hexes (regular hexes)."""
        return _SQ3 * self.size_x

    def hex_to_pixel(self, h: Hex) -> tuple[float, float]:
        x, y = self.hex_to_pixel_array(h.q, h.r)
        return float(x), float(y)

    def hex_to_pixel_array(
        self, q: npt.ArrayLike, r: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        o = self.orientation
        qa = np.asarray(q, dtype=np.float64)
        ra = np.asarray(r, dtype=np.float64)
        x = (o.f0 * qa + o.f1 * ra) * self.size_x + self.origin_x
        y = (o.f2 * qa + o.f3 * ra) * self.size_y + self.origin_y
        return x, y

    def pixel_to_fractional(
        self, x: npt.ArrayLike, y: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        o = self.orientation
        px = (np.asarray(x, dtype=np.float64) - self.origin_x) / self.size_x
        py = (np.asarray(y, dtype=np.float64) - self.origin_y) / self.size_y
        return o.b0 * px + o.b1 * py, o.b2 * px + o.b3 * py

    def pixel_to_hex_array(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[IntArray, IntArray]:
        fq, fr = self.pixel_to_fractional(x, y)
        return round_array(fq, fr)

    def pixel_to_hex(self, x: float, y: float) -> Hex:
        q, r = self.pixel_to_hex_array(x, y)
        return Hex(int(q), int(r))

    def corner_offsets(self) -> FloatArray:
        """The six corner offsets from a hex centre, shape (6, 2).

        Corner i lies at angle 60° * (start_angle + i) from +x towards +y (clockwise on a y-down
        screen); `edge_corners` says which two corners bound each hexside.
        """
        angles = 2.0 * math.pi * (self.orientation.start_angle + np.arange(6)) / 6.0
        return np.stack([self.size_x * np.cos(angles), self.size_y * np.sin(angles)], axis=1)

    def polygon_corners(self, h: Hex) -> list[tuple[float, float]]:
        cx, cy = self.hex_to_pixel(h)
        return [(cx + float(dx), cy + float(dy)) for dx, dy in self.corner_offsets()]

    def edge_corners(self, direction: int) -> tuple[int, int]:
        """Indices into `corner_offsets()` of the two corners bounding the hexside `direction`.

        Valid for both orientations: the hexside faces the neighbour's centre, whose angle lies
        halfway between the two corners. The angle is taken before scaling by (size_x, size_y):
        corners and centres are scaled alike, so the pairing holds for stretched or flipped
        (negative size) layouts too, where the scaled angle would pick the wrong corners.
        """
        o = self.orientation
        dq, dr = DIRECTIONS[direction]
        vx = o.f0 * dq + o.f1 * dr
        vy = o.f2 * dq + o.f3 * dr
        angle = math.atan2(vy, vx)
        step = 2.0 * math.pi / 6.0
        k = (angle / step - o.start_angle - 0.5) % 6.0
        first = round(k) % 6
        return first, (first + 1) % 6
