"""Tests for game.hexgrid: Red Blob Games reference cases, hand-worked ties and invariants."""

from __future__ import annotations

import itertools
import math
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.hexgrid import (
    DIRECTION_DQ,
    DIRECTION_DR,
    DIRECTION_NAMES_POINTY,
    DIRECTIONS,
    FLAT,
    POINTY,
    Hex,
    Layout,
    Orientation,
    axial_to_evenq,
    axial_to_oddr,
    direction_between,
    distance,
    distance_array,
    evenq_to_axial,
    hex_round,
    line,
    neighbor,
    neighbors,
    oddr_to_axial,
    opposite,
    ring,
    round_array,
    spiral,
)

SQRT3 = math.sqrt(3.0)
ORIGIN = Hex(0, 0)

coordinates = st.integers(min_value=-1000, max_value=1000)
hexes = st.builds(Hex, coordinates, coordinates)
small_hexes = st.builds(Hex, st.integers(-30, 30), st.integers(-30, 30))
direction_indices = st.integers(min_value=0, max_value=5)
orientations = st.sampled_from([POINTY, FLAT])
sizes = st.floats(min_value=0.5, max_value=500.0, allow_nan=False, allow_infinity=False)
origins = st.floats(min_value=-10_000.0, max_value=10_000.0, allow_nan=False, allow_infinity=False)
signs = st.sampled_from([1.0, -1.0])


@st.composite
def regular_layouts(draw: st.DrawFn) -> Layout:
    """Regular hexes of any size, placed anywhere, either orientation."""
    size = draw(sizes)
    return Layout(draw(orientations), size, size, draw(origins), draw(origins))


@st.composite
def any_layouts(draw: st.DrawFn) -> Layout:
    """Stretched and possibly mirrored hexes (independent, signed x and y sizes)."""
    return Layout(
        draw(orientations),
        draw(sizes) * draw(signs),
        draw(sizes) * draw(signs),
        draw(origins),
        draw(origins),
    )


# --- hex arithmetic, distance, neighbours ---------------------------------------------------


def test_hex_add_and_subtract_match_red_blob_reference() -> None:
    assert Hex(1, -3) + Hex(3, -7) == Hex(4, -10)
    assert Hex(1, -3) - Hex(3, -7) == Hex(-2, 4)
    assert Hex(4, -10).s == 6


def test_hex_plus_plain_tuple_raises_instead_of_concatenating() -> None:
    with pytest.raises(TypeError):
        operator.add(Hex(1, 0), (1, 0))


def test_scale_multiplies_both_coordinates() -> None:
    assert Hex(2, -1).scale(3) == Hex(6, -3)
    assert Hex(2, -1).scale(0) == ORIGIN


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (Hex(3, -7), ORIGIN, 7),  # Red Blob Games' reference test
        (ORIGIN, ORIGIN, 0),
        (ORIGIN, Hex(1, 0), 1),
        (ORIGIN, Hex(1, 1), 2),
        (ORIGIN, Hex(2, -1), 2),
        (ORIGIN, Hex(-2, 3), 3),
        (Hex(1, -2), Hex(-3, 4), 6),
        (Hex(-4, 0), Hex(4, 0), 8),
    ],
)
def test_distance_matches_hand_worked_examples(a: Hex, b: Hex, expected: int) -> None:
    assert distance(a, b) == expected
    assert distance(b, a) == expected


@given(hexes, hexes)
def test_distance_is_the_largest_cube_coordinate_difference(a: Hex, b: Hex) -> None:
    d = b - a
    assert distance(a, b) == max(abs(d.q), abs(d.r), abs(d.s))


@given(hexes, hexes, hexes)
def test_distance_obeys_the_triangle_inequality(a: Hex, b: Hex, c: Hex) -> None:
    assert distance(a, c) <= distance(a, b) + distance(b, c)


def test_directions_are_in_the_documented_order() -> None:
    assert (Hex(1, 0), Hex(1, -1), Hex(0, -1), Hex(-1, 0), Hex(-1, 1), Hex(0, 1)) == DIRECTIONS
    assert DIRECTION_NAMES_POINTY == ("E", "NE", "NW", "W", "SW", "SE")


def test_direction_arrays_agree_with_direction_hexes() -> None:
    assert DIRECTION_DQ.dtype == np.int32
    assert DIRECTION_DR.dtype == np.int32
    assert [Hex(int(q), int(r)) for q, r in zip(DIRECTION_DQ, DIRECTION_DR, strict=True)] == list(
        DIRECTIONS
    )


def test_neighbors_of_a_hex_come_in_direction_order() -> None:
    assert neighbors(Hex(1, -2)) == [
        Hex(2, -2),
        Hex(2, -3),
        Hex(1, -3),
        Hex(0, -2),
        Hex(0, -1),
        Hex(1, -1),
    ]
    # Red Blob Games' reference test: hex_neighbor(Hex(1, -2, 1), 2) == Hex(1, -3, 2).
    assert neighbor(Hex(1, -2), 2) == Hex(1, -3)


@given(hexes)
def test_every_neighbor_is_at_distance_one_and_all_six_differ(h: Hex) -> None:
    around = neighbors(h)
    assert len(set(around)) == 6
    assert all(distance(h, n) == 1 for n in around)
    assert around == [neighbor(h, d) for d in range(6)]


@pytest.mark.parametrize(
    ("direction", "name", "bearing_degrees"),
    # Pointy-top hexes on a y-down screen: angle measured from +x towards +y (clockwise).
    [
        (0, "E", 0.0),
        (1, "NE", -60.0),
        (2, "NW", -120.0),
        (3, "W", 180.0),
        (4, "SW", 120.0),
        (5, "SE", 60.0),
    ],
)
def test_pointy_direction_names_match_their_screen_bearing(
    direction: int, name: str, bearing_degrees: float
) -> None:
    assert DIRECTION_NAMES_POINTY[direction] == name
    x, y = Layout.pointy(1.0).hex_to_pixel(DIRECTIONS[direction])
    off = (math.degrees(math.atan2(y, x)) - bearing_degrees + 180.0) % 360.0 - 180.0
    assert off == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    ("direction", "expected"), [(0, 3), (1, 4), (2, 5), (3, 0), (4, 1), (5, 2)]
)
def test_opposite_is_three_steps_round(direction: int, expected: int) -> None:
    assert opposite(direction) == expected


@given(direction_indices)
def test_opposite_direction_points_back_and_is_an_involution(direction: int) -> None:
    back = DIRECTIONS[opposite(direction)]
    assert back == Hex(-DIRECTIONS[direction].q, -DIRECTIONS[direction].r)
    assert opposite(opposite(direction)) == direction


@given(hexes, direction_indices)
def test_direction_between_recovers_the_step_and_reverses_to_its_opposite(
    h: Hex, direction: int
) -> None:
    other = neighbor(h, direction)
    assert direction_between(h, other) == direction
    assert direction_between(other, h) == opposite(direction)


@pytest.mark.parametrize("b", [Hex(0, 0), Hex(2, 0), Hex(1, 1), Hex(-2, 1), Hex(5, -9)])
def test_direction_between_rejects_hexes_that_are_not_adjacent(b: Hex) -> None:
    with pytest.raises(ValueError, match="not neighbours"):
        direction_between(ORIGIN, b)


# --- rounding -------------------------------------------------------------------------------


def test_hex_round_matches_red_blob_reference_cases() -> None:
    a, b, c = (0.0, 0.0), (1.0, -1.0), (0.0, -1.0)

    def mix(wa: float, wb: float, wc: float) -> Hex:
        return hex_round(wa * a[0] + wb * b[0] + wc * c[0], wa * a[1] + wb * b[1] + wc * c[1])

    assert hex_round(5.0, -10.0) == Hex(5, -10)  # lerp((0,0), (10,-20), 0.5)
    assert mix(0.501, 0.499, 0.0) == Hex(0, 0)
    assert mix(0.499, 0.501, 0.0) == Hex(1, -1)
    assert mix(0.4, 0.3, 0.3) == Hex(0, 0)
    assert mix(0.3, 0.3, 0.4) == Hex(0, -1)


@given(hexes)
def test_hex_round_of_an_exact_centre_is_that_hex(h: Hex) -> None:
    assert hex_round(float(h.q), float(h.r)) == h


@given(
    st.lists(
        st.tuples(
            st.floats(-500.0, 500.0, allow_nan=False), st.floats(-500.0, 500.0, allow_nan=False)
        ),
        min_size=1,
        max_size=20,
    )
)
def test_round_array_agrees_with_scalar_hex_round(points: list[tuple[float, float]]) -> None:
    fq = np.array([p[0] for p in points], dtype=np.float64)
    fr = np.array([p[1] for p in points], dtype=np.float64)
    q, r = round_array(fq, fr)
    assert q.dtype == np.int32
    assert r.dtype == np.int32
    assert [Hex(int(x), int(y)) for x, y in zip(q, r, strict=True)] == [
        hex_round(x, y) for x, y in points
    ]


# --- line -----------------------------------------------------------------------------------


def test_line_matches_red_blob_reference() -> None:
    assert line(ORIGIN, Hex(1, -5)) == [
        Hex(0, 0),
        Hex(0, -1),
        Hex(0, -2),
        Hex(1, -3),
        Hex(1, -4),
        Hex(1, -5),
    ]


def test_line_to_self_is_that_single_hex() -> None:
    assert line(Hex(4, -2), Hex(4, -2)) == [Hex(4, -2)]


def test_line_to_a_neighbor_is_the_two_hexes() -> None:
    for d in DIRECTIONS:
        assert line(ORIGIN, d) == [ORIGIN, d]


def test_line_along_a_direction_is_the_straight_row_of_hexes() -> None:
    assert line(ORIGIN, Hex(4, 0)) == [Hex(k, 0) for k in range(5)]
    assert line(ORIGIN, Hex(0, -3)) == [Hex(0, -k) for k in range(4)]


# Lines towards the six "diagonals" (between two directions) run exactly along hexsides: every
# other sample sits on the edge between two hexes. The nudge (+1e-6, +2e-6, -3e-6 in cube q, r, s)
# settles each tie towards the hex further along that vector, i.e. in preference order
# SE(5) > E(0) > SW(4) > NE(1) > W(3) > NW(2). Hand-worked winners per diagonal:
EDGE_TIES = [
    # (diagonal, the two candidate steps, the step that wins every tie)
    (Hex(1, 1), (Hex(1, 0), Hex(0, 1)), Hex(0, 1)),
    (Hex(2, -1), (Hex(1, 0), Hex(1, -1)), Hex(1, 0)),
    (Hex(1, -2), (Hex(1, -1), Hex(0, -1)), Hex(1, -1)),
    (Hex(-1, -1), (Hex(0, -1), Hex(-1, 0)), Hex(-1, 0)),
    (Hex(-2, 1), (Hex(-1, 0), Hex(-1, 1)), Hex(-1, 1)),
    (Hex(-1, 2), (Hex(-1, 1), Hex(0, 1)), Hex(0, 1)),
]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (Hex(1, 1), [Hex(0, 0), Hex(0, 1), Hex(1, 1)]),
        (Hex(2, -1), [Hex(0, 0), Hex(1, 0), Hex(2, -1)]),
        (Hex(1, -2), [Hex(0, 0), Hex(1, -1), Hex(1, -2)]),
        (Hex(-1, -1), [Hex(0, 0), Hex(-1, 0), Hex(-1, -1)]),
        (Hex(-2, 1), [Hex(0, 0), Hex(-1, 1), Hex(-2, 1)]),
        (Hex(-1, 2), [Hex(0, 0), Hex(0, 1), Hex(-1, 2)]),
        (Hex(2, 2), [Hex(0, 0), Hex(0, 1), Hex(1, 1), Hex(1, 2), Hex(2, 2)]),
        (Hex(4, -2), [Hex(0, 0), Hex(1, 0), Hex(2, -1), Hex(3, -1), Hex(4, -2)]),
    ],
)
def test_line_along_hex_edges_breaks_ties_by_the_fixed_nudge(
    target: Hex, expected: list[Hex]
) -> None:
    assert line(ORIGIN, target) == expected


@pytest.mark.parametrize(("diagonal", "candidates", "winner"), EDGE_TIES)
@pytest.mark.parametrize("steps", [1, 2, 3, 5])
@pytest.mark.parametrize("start", [Hex(0, 0), Hex(7, -3), Hex(-12, 25)])
def test_line_along_hex_edges_breaks_every_tie_the_same_way(
    diagonal: Hex, candidates: tuple[Hex, Hex], winner: Hex, steps: int, start: Hex
) -> None:
    assert winner in candidates
    assert candidates[0] + candidates[1] == diagonal
    end = start + diagonal.scale(steps)
    expected: list[Hex] = []
    for k in range(steps):
        expected += [start + diagonal.scale(k), start + diagonal.scale(k) + winner]
    expected.append(end)
    assert line(start, end) == expected
    # Walking the same edge the other way passes the same tie points and picks the same hexes.
    assert line(end, start) == expected[::-1]


@given(hexes, hexes)
def test_line_has_distance_plus_one_hexes_each_adjacent_to_the_next(a: Hex, b: Hex) -> None:
    path = line(a, b)
    n = distance(a, b)
    assert len(path) == n + 1
    assert path[0] == a
    assert path[-1] == b
    assert all(distance(p, q) == 1 for p, q in itertools.pairwise(path))
    assert [distance(a, h) for h in path] == list(range(n + 1))


@given(hexes, hexes)
def test_line_reversed_is_the_reverse_line(a: Hex, b: Hex) -> None:
    assert line(b, a) == line(a, b)[::-1]


@given(small_hexes, small_hexes, hexes)
def test_line_is_unchanged_by_translation(a: Hex, b: Hex, shift: Hex) -> None:
    assert line(a + shift, b + shift) == [h + shift for h in line(a, b)]


@given(small_hexes, small_hexes)
def test_line_is_the_same_every_time_it_is_drawn(a: Hex, b: Hex) -> None:
    assert line(a, b) == line(a, b)


# --- ring and spiral ------------------------------------------------------------------------


def test_ring_of_radius_one_starts_southwest_and_goes_round_in_direction_order() -> None:
    assert ring(ORIGIN, 1) == [
        Hex(-1, 1),
        Hex(0, 1),
        Hex(1, 0),
        Hex(1, -1),
        Hex(0, -1),
        Hex(-1, 0),
    ]


def test_ring_of_radius_zero_is_the_centre() -> None:
    assert ring(Hex(3, -1), 0) == [Hex(3, -1)]


def test_ring_of_negative_radius_is_rejected() -> None:
    with pytest.raises(ValueError, match="radius"):
        ring(ORIGIN, -1)


@given(hexes, st.integers(min_value=1, max_value=25))
def test_ring_has_six_times_radius_distinct_hexes_all_at_that_distance(
    center: Hex, radius: int
) -> None:
    members = ring(center, radius)
    assert len(members) == 6 * radius
    assert len(set(members)) == 6 * radius
    assert all(distance(center, h) == radius for h in members)
    assert members[0] == center + DIRECTIONS[4].scale(radius)
    closed = [*members, members[0]]
    assert all(distance(p, q) == 1 for p, q in itertools.pairwise(closed))


@pytest.mark.parametrize(("radius", "count"), [(0, 1), (1, 7), (2, 19), (3, 37), (10, 331)])
def test_spiral_counts_match_hand_worked_values(radius: int, count: int) -> None:
    assert len(spiral(ORIGIN, radius)) == count


@given(small_hexes, st.integers(min_value=0, max_value=12))
def test_spiral_is_every_hex_within_radius_once_centre_first_ring_by_ring(
    center: Hex, radius: int
) -> None:
    members = spiral(center, radius)
    assert len(members) == 1 + 3 * radius * (radius + 1)
    assert members[0] == center
    within = {
        Hex(center.q + dq, center.r + dr)
        for dq in range(-radius, radius + 1)
        for dr in range(-radius, radius + 1)
        if distance(ORIGIN, Hex(dq, dr)) <= radius
    }
    assert set(members) == within
    assert len(set(members)) == len(members)
    rings = [distance(center, h) for h in members]
    assert rings == sorted(rings)


# --- offset coordinates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("axial", "oddr"),
    [
        (Hex(0, 0), (0, 0)),
        (Hex(0, 1), (0, 1)),
        (Hex(-1, 3), (0, 3)),
        (Hex(2, 4), (4, 4)),
        (Hex(1, -1), (0, -1)),  # negative odd row: floor division, not truncation
        (Hex(2, -2), (1, -2)),
        (Hex(3, 4), (5, 4)),
    ],
)
def test_odd_r_conversion_matches_hand_worked_cases(axial: Hex, oddr: tuple[int, int]) -> None:
    col, row = axial_to_oddr(axial.q, axial.r)
    assert (int(col), int(row)) == oddr
    q, r = oddr_to_axial(*oddr)
    assert Hex(int(q), int(r)) == axial


@pytest.mark.parametrize(
    ("axial", "evenq"),
    [
        (Hex(1, 2), (1, 3)),  # Red Blob Games' reference test
        (Hex(0, 0), (0, 0)),
        (Hex(1, 0), (1, 1)),
        (Hex(-1, 0), (-1, 0)),  # negative odd column: floor division, not truncation
        (Hex(-2, 0), (-2, -1)),
        (Hex(3, 4), (3, 6)),
    ],
)
def test_even_q_conversion_matches_hand_worked_cases(axial: Hex, evenq: tuple[int, int]) -> None:
    col, row = axial_to_evenq(axial.q, axial.r)
    assert (int(col), int(row)) == evenq
    q, r = evenq_to_axial(*evenq)
    assert Hex(int(q), int(r)) == axial


@given(hexes)
def test_axial_to_odd_r_and_back_is_identity(h: Hex) -> None:
    col, row = axial_to_oddr(h.q, h.r)
    q, r = oddr_to_axial(col, row)
    assert Hex(int(q), int(r)) == h


@given(coordinates, coordinates)
def test_odd_r_to_axial_and_back_is_identity(col: int, row: int) -> None:
    q, r = oddr_to_axial(col, row)
    c, w = axial_to_oddr(q, r)
    assert (int(c), int(w)) == (col, row)


@given(hexes)
def test_axial_to_even_q_and_back_is_identity(h: Hex) -> None:
    col, row = axial_to_evenq(h.q, h.r)
    q, r = evenq_to_axial(col, row)
    assert Hex(int(q), int(r)) == h


@given(coordinates, coordinates)
def test_even_q_to_axial_and_back_is_identity(col: int, row: int) -> None:
    q, r = evenq_to_axial(col, row)
    c, w = axial_to_evenq(q, r)
    assert (int(c), int(w)) == (col, row)


@given(st.lists(hexes, min_size=1, max_size=30))
def test_offset_conversions_work_elementwise_on_arrays(hs: list[Hex]) -> None:
    q = np.array([h.q for h in hs], dtype=np.int32)
    r = np.array([h.r for h in hs], dtype=np.int32)
    for forward in (axial_to_oddr, axial_to_evenq):
        col, row = forward(q, r)
        assert col.dtype == np.int32
        assert row.dtype == np.int32
        singles = [forward(h.q, h.r) for h in hs]
        assert col.tolist() == [int(c) for c, _ in singles]
        assert row.tolist() == [int(w) for _, w in singles]
    qo, ro = oddr_to_axial(*axial_to_oddr(q, r))
    assert (qo.tolist(), ro.tolist()) == (q.tolist(), r.tolist())
    qe, re = evenq_to_axial(*axial_to_evenq(q, r))
    assert (qe.tolist(), re.tolist()) == (q.tolist(), r.tolist())


@given(coordinates, coordinates)
def test_odd_r_rows_are_straight_with_odd_rows_shoved_right_half_a_hex(col: int, row: int) -> None:
    layout = Layout.pointy(1.0)
    q, r = oddr_to_axial(col, row)
    x, y = layout.hex_to_pixel(Hex(int(q), int(r)))
    assert x == pytest.approx(SQRT3 * (col + 0.5 * (row & 1)), abs=1e-6)
    assert y == pytest.approx(1.5 * row, abs=1e-6)


@given(coordinates, coordinates)
def test_even_q_columns_are_straight_with_even_columns_shoved_down_half_a_hex(
    col: int, row: int
) -> None:
    layout = Layout.flat(1.0)
    q, r = evenq_to_axial(col, row)
    x, y = layout.hex_to_pixel(Hex(int(q), int(r)))
    assert x == pytest.approx(1.5 * col, abs=1e-6)
    assert y == pytest.approx(SQRT3 * (row - 0.5 * (col & 1)), abs=1e-6)


# --- layouts: hex <-> pixel -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("orientation", "h", "pixel"),
    [
        (POINTY, Hex(1, 0), (SQRT3, 0.0)),
        (POINTY, Hex(0, 1), (SQRT3 / 2.0, 1.5)),
        (POINTY, Hex(-2, 3), (-SQRT3 / 2.0, 4.5)),
        (FLAT, Hex(1, 0), (1.5, SQRT3 / 2.0)),
        (FLAT, Hex(0, 1), (0.0, SQRT3)),
        (FLAT, Hex(-2, 3), (-3.0, 2.0 * SQRT3)),
    ],
)
def test_hex_to_pixel_matches_hand_worked_unit_layout(
    orientation: Orientation, h: Hex, pixel: tuple[float, float]
) -> None:
    layout = Layout(orientation, 1.0, 1.0)
    assert layout.hex_to_pixel(h) == pytest.approx(pixel)
    assert layout.hex_to_pixel(ORIGIN) == (0.0, 0.0)


def test_layout_constructors_use_the_right_orientation_and_origin() -> None:
    assert Layout.pointy(10.0, (3.0, 4.0)) == Layout(POINTY, 10.0, 10.0, 3.0, 4.0)
    assert Layout.flat(10.0, (3.0, 4.0)) == Layout(FLAT, 10.0, 10.0, 3.0, 4.0)
    assert Layout.pointy(10.0, (3.0, 4.0)).hex_to_pixel(ORIGIN) == (3.0, 4.0)


@pytest.mark.parametrize("orientation", [POINTY, FLAT])
def test_orientation_inverse_matrix_undoes_the_forward_matrix(orientation: Orientation) -> None:
    o = orientation
    forward = np.array([[o.f0, o.f1], [o.f2, o.f3]])
    backward = np.array([[o.b0, o.b1], [o.b2, o.b3]])
    np.testing.assert_allclose(backward @ forward, np.eye(2), atol=1e-12)


@pytest.mark.parametrize("orientation", [POINTY, FLAT])
def test_pixel_round_trip_matches_red_blob_reference(orientation: Orientation) -> None:
    layout = Layout(orientation, 10.0, 15.0, 35.0, 71.0)
    h = Hex(3, 4)
    assert layout.pixel_to_hex(*layout.hex_to_pixel(h)) == h


@given(any_layouts(), hexes)
def test_hex_to_pixel_then_pixel_to_hex_returns_the_hex(layout: Layout, h: Hex) -> None:
    assert layout.pixel_to_hex(*layout.hex_to_pixel(h)) == h


@given(any_layouts(), hexes)
def test_pixel_to_fractional_inverts_hex_to_pixel(layout: Layout, h: Hex) -> None:
    fq, fr = layout.pixel_to_fractional(*layout.hex_to_pixel(h))
    assert float(fq) == pytest.approx(h.q, abs=1e-6)
    assert float(fr) == pytest.approx(h.r, abs=1e-6)


@given(
    regular_layouts(),
    hexes,
    st.floats(min_value=0.0, max_value=2.0 * math.pi, allow_nan=False),
    st.floats(min_value=0.0, max_value=0.45, allow_nan=False),
)
def test_points_within_045_size_of_a_centre_round_to_that_hex(
    layout: Layout, h: Hex, angle: float, fraction: float
) -> None:
    cx, cy = layout.hex_to_pixel(h)
    radius = fraction * layout.size_x
    assert layout.pixel_to_hex(cx + radius * math.cos(angle), cy + radius * math.sin(angle)) == h


@given(
    any_layouts(),
    hexes,
    st.floats(min_value=-0.45, max_value=0.45, allow_nan=False),
    st.floats(min_value=-0.45, max_value=0.45, allow_nan=False),
)
def test_jitter_within_045_of_the_smaller_size_rounds_home_on_stretched_layouts(
    layout: Layout, h: Hex, jx: float, jy: float
) -> None:
    # A stretched hex contains the ellipse of semi-axes sqrt(3)/2 * |size_x| and |size_y|;
    # a jitter of 0.45 * min(|size|) per axis is under 0.64 of those radially, so stays inside.
    cx, cy = layout.hex_to_pixel(h)
    smaller = min(abs(layout.size_x), abs(layout.size_y))
    assert layout.pixel_to_hex(cx + jx * smaller, cy + jy * smaller) == h


@given(any_layouts(), st.lists(hexes, min_size=1, max_size=20))
def test_pixel_array_forms_agree_with_scalar_forms(layout: Layout, hs: list[Hex]) -> None:
    q = np.array([h.q for h in hs], dtype=np.int32)
    r = np.array([h.r for h in hs], dtype=np.int32)
    xs, ys = layout.hex_to_pixel_array(q, r)
    scalar = [layout.hex_to_pixel(h) for h in hs]
    assert xs.tolist() == [x for x, _ in scalar]
    assert ys.tolist() == [y for _, y in scalar]
    # Nudge each point off its centre so rounding has real work to do.
    px, py = xs + 0.3 * layout.size_x, ys - 0.2 * layout.size_y
    qa, ra = layout.pixel_to_hex_array(px, py)
    assert qa.dtype == np.int32
    assert [Hex(int(a), int(b)) for a, b in zip(qa, ra, strict=True)] == [
        layout.pixel_to_hex(float(x), float(y)) for x, y in zip(px, py, strict=True)
    ]


@given(st.lists(st.tuples(hexes, hexes), min_size=1, max_size=30))
def test_distance_array_agrees_with_scalar_distance(pairs: list[tuple[Hex, Hex]]) -> None:
    q1 = np.array([a.q for a, _ in pairs], dtype=np.int32)
    r1 = np.array([a.r for a, _ in pairs], dtype=np.int32)
    q2 = np.array([b.q for _, b in pairs], dtype=np.int32)
    r2 = np.array([b.r for _, b in pairs], dtype=np.int32)
    result = distance_array(q1, r1, q2, r2)
    assert result.dtype == np.int32
    assert result.tolist() == [distance(a, b) for a, b in pairs]


@given(hexes, st.lists(hexes, min_size=1, max_size=30))
def test_distance_array_broadcasts_one_hex_against_many(h: Hex, others: list[Hex]) -> None:
    q = np.array([o.q for o in others], dtype=np.int32)
    r = np.array([o.r for o in others], dtype=np.int32)
    assert distance_array(h.q, h.r, q, r).tolist() == [distance(h, o) for o in others]


# --- layouts: spacing, corners, hexsides ----------------------------------------------------


@given(regular_layouts(), hexes, direction_indices)
def test_neighbor_spacing_is_the_pixel_distance_between_neighbor_centres(
    layout: Layout, h: Hex, direction: int
) -> None:
    ax, ay = layout.hex_to_pixel(h)
    bx, by = layout.hex_to_pixel(neighbor(h, direction))
    assert math.hypot(bx - ax, by - ay) == pytest.approx(layout.neighbor_spacing, rel=1e-9)


def test_neighbor_spacing_is_sqrt3_times_size() -> None:
    assert Layout.pointy(10.0).neighbor_spacing == pytest.approx(10.0 * SQRT3)
    assert Layout.flat(2.0).neighbor_spacing == pytest.approx(2.0 * SQRT3)


@given(regular_layouts())
def test_corners_are_one_size_from_the_centre_and_one_size_apart(layout: Layout) -> None:
    corners = layout.corner_offsets()
    assert corners.shape == (6, 2)
    np.testing.assert_allclose(np.hypot(corners[:, 0], corners[:, 1]), layout.size_x, rtol=1e-9)
    sides = np.roll(corners, -1, axis=0) - corners
    np.testing.assert_allclose(np.hypot(sides[:, 0], sides[:, 1]), layout.size_x, rtol=1e-9)


def test_first_corner_is_at_30_degrees_for_pointy_and_0_for_flat() -> None:
    pointy = Layout.pointy(1.0).corner_offsets()
    flat = Layout.flat(1.0).corner_offsets()
    assert tuple(pointy[0]) == pytest.approx((SQRT3 / 2.0, 0.5))
    assert tuple(pointy[4]) == pytest.approx((0.0, -1.0))  # the top point of a pointy hex
    assert tuple(flat[0]) == pytest.approx((1.0, 0.0))


@given(any_layouts(), hexes)
def test_polygon_corners_are_the_centre_plus_the_corner_offsets(layout: Layout, h: Hex) -> None:
    cx, cy = layout.hex_to_pixel(h)
    expected = [(cx + float(dx), cy + float(dy)) for dx, dy in layout.corner_offsets()]
    assert layout.polygon_corners(h) == expected


@pytest.mark.parametrize(
    ("orientation", "expected"),
    [
        # pointy: E is bounded by the corners at 330° and 30°, NE by 270° and 330°, ...
        (POINTY, [(5, 0), (4, 5), (3, 4), (2, 3), (1, 2), (0, 1)]),
        # flat: direction 0 (lower right on a y-down screen) by the corners at 0° and 60°, ...
        (FLAT, [(0, 1), (5, 0), (4, 5), (3, 4), (2, 3), (1, 2)]),
    ],
)
def test_edge_corners_match_hand_worked_tables(
    orientation: Orientation, expected: list[tuple[int, int]]
) -> None:
    layout = Layout(orientation, 1.0, 1.0)
    assert [layout.edge_corners(d) for d in range(6)] == expected


@given(regular_layouts(), direction_indices)
def test_edge_corner_midpoint_lies_toward_the_neighbor_at_sqrt3_over_2_size(
    layout: Layout, direction: int
) -> None:
    corners = layout.corner_offsets()
    i, j = layout.edge_corners(direction)
    mid = (corners[i] + corners[j]) / 2.0
    nx, ny = layout.hex_to_pixel_array(DIRECTIONS[direction].q, DIRECTIONS[direction].r)
    toward = np.array([float(nx) - layout.origin_x, float(ny) - layout.origin_y])
    unit = toward / np.hypot(*toward)
    np.testing.assert_allclose(mid, SQRT3 / 2.0 * layout.size_x * unit, atol=1e-9 * layout.size_x)


@given(any_layouts(), direction_indices)
def test_edge_corner_midpoint_is_halfway_to_the_neighbor_on_stretched_or_flipped_layouts(
    layout: Layout, direction: int
) -> None:
    corners = layout.corner_offsets()
    i, j = layout.edge_corners(direction)
    mid = (corners[i] + corners[j]) / 2.0
    nx, ny = layout.hex_to_pixel(DIRECTIONS[direction])
    half = np.array([nx - layout.origin_x, ny - layout.origin_y]) / 2.0
    scale = max(abs(layout.size_x), abs(layout.size_y))
    np.testing.assert_allclose(mid, half, atol=1e-9 * scale)


@pytest.mark.parametrize("orientation", [POINTY, FLAT])
def test_edge_corners_share_one_corner_between_consecutive_hexsides(
    orientation: Orientation,
) -> None:
    layout = Layout(orientation, 1.0, 1.0)
    pairs = [layout.edge_corners(d) for d in range(6)]
    assert sorted(i for pair in pairs for i in pair) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    for d in range(6):
        assert pairs[d][0] == pairs[(d + 1) % 6][1]


@given(regular_layouts(), hexes, direction_indices)
def test_neighbors_share_the_two_corners_of_their_common_hexside(
    layout: Layout, h: Hex, direction: int
) -> None:
    other = neighbor(h, direction)
    mine = [layout.polygon_corners(h)[i] for i in layout.edge_corners(direction)]
    theirs = [layout.polygon_corners(other)[i] for i in layout.edge_corners(opposite(direction))]
    cx, cy = layout.hex_to_pixel(h)
    tolerance = 1e-9 * (layout.size_x + abs(cx) + abs(cy))
    np.testing.assert_allclose(np.array(mine), np.array(theirs[::-1]), atol=tolerance)
