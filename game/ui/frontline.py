"""The front as lines: hexsides between the teams' ground chained into smooth polylines.

Pure geometry (numpy and hex arithmetic, no pygame), so that it is tested on its own. The control
layer is cut into components: connected ground of one team. A component that is not its team's
largest and has at most `island_limit` hexes is an *island* (bypassed or encircled ground, a
pocket), when at least half its border faces another team (not the sea, nobody's ground or the
map's rim): its border is an outline of its own, labelled with its size, rather than part of the
front. Every other hexside between two teams' ground is front; those hexsides are chained corner
to corner into polylines that end at the map's rim or where three teams meet, or close on
themselves, and are smoothed a little by corner cutting.

Worked example: on a strip map with the Axis west of column 5 and the Soviets east of it, the
hexsides between columns 4 and 5 make one open polyline from the top rim to the bottom rim; a
single Soviet hex inside the Axis half is an island of one hex with a closed six-sided outline.
All coordinates are world units of the layout passed in (the map view uses one pixel per hex
spacing and scales by the zoom).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from game.enums import NO_SIDE
from game.geo import HexMap
from game.hexgrid import Layout

FRONT = 0  # a `Line.kind`: the front between two teams' main ground
ISLAND = 1  # ... the outline of an island
ISLAND_SHARE = 60  # default island limit: the map's hex count over this (at least MIN_ISLAND)
MIN_ISLAND = 8
SMOOTH_ROUNDS = 2
_QUANT = 256.0  # corners are matched on a 1/256 grid of world units

F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]


@dataclass(frozen=True, eq=False)
class Line:
    """One polyline: `points` [k, 2] in world units; closed lines do not repeat the first point.

    `team` is the island's team for an outline, NO_SIDE for the front; `edges` counts the
    hexsides it follows."""

    points: F64
    closed: bool
    kind: int
    team: int
    edges: int


@dataclass(frozen=True, eq=False)
class Island:
    """A small component of one team's ground that is not the team's main body."""

    team: int
    hexes: I32  # sorted flat hex indices
    anchor: int  # the island hex nearest its middle: where its label goes


@dataclass(frozen=True, eq=False)
class FrontMap:
    """The front lines and islands of one control layer."""

    lines: list[Line] = field(default_factory=list)
    islands: list[Island] = field(default_factory=list)

    def fronts(self) -> list[Line]:
        return [line for line in self.lines if line.kind == FRONT]

    def outlines(self) -> list[Line]:
        return [line for line in self.lines if line.kind == ISLAND]

    def segments(self) -> tuple[F64, npt.NDArray[np.int8], npt.NDArray[np.int16]]:
        """Every line cut into straight pieces: ([S, 4] x0 y0 x1 y1, kind [S], team [S])."""
        parts: list[F64] = []
        kinds: list[npt.NDArray[np.int8]] = []
        teams: list[npt.NDArray[np.int16]] = []
        for line in self.lines:
            pts = line.points
            if line.closed and len(pts) > 2:
                pts = np.vstack([pts, pts[:1]])
            if len(pts) < 2:
                continue
            seg = np.hstack([pts[:-1], pts[1:]])
            parts.append(seg)
            kinds.append(np.full(len(seg), line.kind, dtype=np.int8))
            teams.append(np.full(len(seg), line.team, dtype=np.int16))
        if not parts:
            return np.zeros((0, 4)), np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.int16)
        return np.vstack(parts), np.concatenate(kinds), np.concatenate(teams)


def team_components(neighbor: npt.NDArray[np.int32], team: npt.NDArray[np.uint8]) -> I32:
    """[N] each hex's component: the smallest hex index of the connected ground of its team it
    belongs to; -1 for ground of no team. Min-label propagation with pointer jumping."""
    n = len(team)
    nodes = team != NO_SIDE
    safe = np.where(neighbor >= 0, neighbor, n)
    padded_team = np.append(team, NO_SIDE)
    linked = (padded_team[safe] == team[:, None]) & nodes[:, None]
    links = np.where(linked, safe, n)
    labels = np.where(nodes, np.arange(n, dtype=np.int32), n).astype(np.int32)
    while True:
        buffer = np.append(labels, np.int32(n))
        offer = buffer[links].min(axis=1)
        lowered = np.where(nodes, np.minimum(labels, offer), n).astype(np.int32)
        jumped = np.append(lowered, np.int32(n))[lowered]
        if np.array_equal(jumped, labels):
            break
        labels = jumped.astype(np.int32)
    out: I32 = np.where(nodes, labels, -1).astype(np.int32)
    return out


def find_islands(
    neighbor: npt.NDArray[np.int32],
    team: npt.NDArray[np.uint8],
    island_limit: int,
    centers: tuple[F64, F64] | None = None,
) -> tuple[I32, list[Island]]:
    """Components and the islands among them (see the module doc); islands sorted by their
    first hex. `centers` (world x, y of every hex) places each island's label anchor."""
    labels = team_components(neighbor, team)
    n = len(team)
    sizes = np.bincount(labels[labels >= 0], minlength=n)
    # hexsides of each component's border: to another team's ground, or to water, nobody's
    # ground or the rim (a component mostly bounded by those is cut off by geography, not war)
    padded = np.append(team, NO_SIDE)
    across = padded[np.where(neighbor >= 0, neighbor, n)]
    mine = team[:, None]
    ground = (mine != NO_SIDE) & np.ones_like(across, dtype=np.bool_)
    enemy_side = ground & (across != NO_SIDE) & (across != mine)
    open_side = ground & (across == NO_SIDE)
    safe = np.where(labels >= 0, labels, n)
    enemy_border = np.bincount(safe, enemy_side.sum(axis=1), minlength=n + 1)
    open_border = np.bincount(safe, open_side.sum(axis=1), minlength=n + 1)
    roots = np.nonzero(sizes)[0]
    largest: dict[int, int] = {}
    for root in roots.tolist():
        t = int(team[root])
        best = largest.get(t)
        if best is None or sizes[root] > sizes[best]:
            largest[t] = root
    islands: list[Island] = []
    for root in roots.tolist():
        if largest[int(team[root])] == root or sizes[root] > island_limit:
            continue
        if enemy_border[root] == 0 or enemy_border[root] < open_border[root]:
            continue
        hexes = np.nonzero(labels == root)[0].astype(np.int32)
        anchor = int(hexes[0])
        if centers is not None:
            x, y = centers[0][hexes], centers[1][hexes]
            anchor = int(hexes[int(np.argmin((x - x.mean()) ** 2 + (y - y.mean()) ** 2))])
        islands.append(Island(int(team[root]), hexes, anchor))
    return labels, islands


def boundary_edges(
    neighbor: npt.NDArray[np.int32], team: npt.NDArray[np.uint8]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """(hex, direction) of every hexside between two teams' ground, each hexside once (from the
    hex with the lower index)."""
    n = len(team)
    safe = np.where(neighbor >= 0, neighbor, 0)
    other = team[safe]
    mine = team[:, None]
    edge = (
        (neighbor >= 0)
        & (neighbor > np.arange(n)[:, None])
        & (mine != NO_SIDE)
        & (other != NO_SIDE)
        & (mine != other)
    )
    hexes, dirs = np.nonzero(edge)
    return hexes, dirs


def chain(starts: F64, ends: F64) -> list[tuple[F64, bool, int]]:
    """Chain segments ([E, 2] end points, any order and direction) that share end points into
    polylines: (points, closed, segment count). A polyline runs through corners where exactly
    two segments meet and stops at a rim or a junction."""
    if len(starts) == 0:
        return []
    allpts = np.vstack([starts, ends])
    keys = np.round(allpts * _QUANT).astype(np.int64)
    _, vertex = np.unique(keys, axis=0, return_inverse=True)
    vertex = vertex.reshape(-1)
    e = len(starts)
    a, b = vertex[:e], vertex[e:]
    where: dict[int, F64] = {}
    for k in range(2 * e):
        where.setdefault(int(vertex[k]), allpts[k])
    touching: defaultdict[int, list[int]] = defaultdict(list)
    for k in range(e):
        touching[int(a[k])].append(k)
        touching[int(b[k])].append(k)
    used = np.zeros(e, dtype=np.bool_)
    out: list[tuple[F64, bool, int]] = []

    def walk(start: int, first: int) -> tuple[list[int], int]:
        path = [start]
        edge = first
        here = start
        count = 0
        while True:
            used[edge] = True
            count += 1
            there = int(b[edge]) if int(a[edge]) == here else int(a[edge])
            path.append(there)
            if there == start or len(touching[there]) != 2:
                return path, count
            nxt = [k for k in touching[there] if not used[k]]
            if not nxt:
                return path, count
            edge, here = nxt[0], there

    ends_first = sorted(v for v, ks in touching.items() if len(ks) != 2)
    for v in ends_first:
        for k in touching[v]:
            if not used[k]:
                path, count = walk(v, k)
                out.append((np.array([where[p] for p in path]), False, count))
    for k in range(e):
        if not used[k]:
            v = int(a[k])
            path, count = walk(v, k)
            closed = path[-1] == path[0]
            if closed:
                path = path[:-1]
            out.append((np.array([where[p] for p in path]), closed, count))
    return out


def smooth(points: F64, closed: bool, rounds: int = SMOOTH_ROUNDS) -> F64:
    """Chaikin corner cutting; an open line keeps its two end points (so lines that meet at a
    junction or the rim still meet)."""
    pts = points
    for _ in range(rounds):
        if len(pts) < 3:
            return pts
        if closed:
            nxt = np.roll(pts, -1, axis=0)
            q = 0.75 * pts + 0.25 * nxt
            r = 0.25 * pts + 0.75 * nxt
            pts = np.stack([q, r], axis=1).reshape(-1, 2)
        else:
            a, b = pts[:-1], pts[1:]
            q = 0.75 * a + 0.25 * b
            r = 0.25 * a + 0.75 * b
            inner = np.stack([q, r], axis=1).reshape(-1, 2)[1:-1]
            pts = np.vstack([pts[:1], inner, pts[-1:]])
    return pts


def default_island_limit(size: int) -> int:
    return max(MIN_ISLAND, size // ISLAND_SHARE)


def front_map(
    grid: HexMap,
    layout: Layout,
    control: npt.NDArray[np.uint8],
    teams: npt.NDArray[np.uint8],
    island_limit: int | None = None,
    rounds: int = SMOOTH_ROUNDS,
) -> FrontMap:
    """The front lines and islands of `control` (side numbers) grouped by `teams`
    (`render.team_lookup`: [256] team of each side number, NO_SIDE for nobody)."""
    team = teams[control]
    limit = default_island_limit(grid.size) if island_limit is None else island_limit
    cx, cy = layout.hex_to_pixel_array(grid.q, grid.r)
    labels, islands = find_islands(grid.neighbor, team, limit, (cx, cy))
    hexes, dirs = boundary_edges(grid.neighbor, team)
    corners = layout.corner_offsets()
    pairs = np.array([layout.edge_corners(d) for d in range(6)], dtype=np.intp)
    c0, c1 = pairs[dirs, 0], pairs[dirs, 1]
    starts = np.stack([cx[hexes] + corners[c0, 0], cy[hexes] + corners[c0, 1]], axis=1)
    ends = np.stack([cx[hexes] + corners[c1, 0], cy[hexes] + corners[c1, 1]], axis=1)
    # each hexside goes to the smaller island beside it, if any; else to the front
    island_size = np.zeros(grid.size + 1, dtype=np.int64)
    owner = np.full(grid.size + 1, -1, dtype=np.int64)
    for k, island in enumerate(islands):
        island_size[labels[island.hexes[0]]] = len(island.hexes)
        owner[labels[island.hexes[0]]] = k
    la = labels[hexes]
    lb = labels[grid.neighbor[hexes, dirs]]
    sa, sb = island_size[la], island_size[lb]
    pick_a = (sa > 0) & ((sb == 0) | (sa <= sb))
    which = np.where(pick_a, owner[la], np.where(sb > 0, owner[lb], -1))
    lines: list[Line] = []
    front = which < 0
    for pts, closed, count in chain(starts[front], ends[front]):
        lines.append(Line(smooth(pts, closed, rounds), closed, FRONT, NO_SIDE, count))
    for k, island in enumerate(islands):
        mine = which == k
        for pts, closed, count in chain(starts[mine], ends[mine]):
            lines.append(Line(smooth(pts, closed, rounds), closed, ISLAND, island.team, count))
    return FrontMap(lines, islands)


__all__ = [
    "FRONT",
    "ISLAND",
    "FrontMap",
    "Island",
    "Line",
    "boundary_edges",
    "chain",
    "default_island_limit",
    "find_islands",
    "front_map",
    "smooth",
    "team_components",
]
