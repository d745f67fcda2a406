"""The columns of `runs.csv` come from reporters: built-in ones per side and city of the scenario,
measures the scenario file declares (checked at load, worked here by hand on positions set up in
code), captures read from the event log, and summaries and comparisons over any number of sides."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from game.actions import EndPhase
from game.ai.players import make_player, play_one
from game.cli import main
from game.enums import NO_SIDE
from game.events import Event
from game.scenario.errors import FileProblemError
from game.scenario.measures import BUILT_IN_COLUMNS, BUILT_IN_PREFIXES
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.sim.explore import compare
from game.sim.plots import Arm, write_plots
from game.sim.reporters import Recording, report_cities, scenario_columns
from game.sim.runner import ai_seed, outcome_row, play_game, run_games
from game.sim.summary import columns, read_runs_csv, summarise
from game.state import UnitStatus
from tests.conftest import DATA, KHARKOV, MiniWriter

THREE_SIDES = DATA / "three_sides.toml"
MEASURES = (
    "panzer_to_kharkov_km",
    "allied_gap_km",
    "deepest_south_km",
    "deepest_north_km",
    "allied_men_at_kharkov",
    "allied_men_withdrawn",
)


@pytest.fixture(scope="module")
def three() -> Scenario:
    return load_scenario(THREE_SIDES)


# --- built-in columns ----------------------------------------------------------------------------


def test_three_sides_get_loss_and_advance_columns_each_named_by_side_id(three: Scenario) -> None:
    rows = run_games(THREE_SIDES, runs=2, seed=4)
    assert three.side_table.ids == ("axis", "soviet", "allies")
    expected = ["run", "seed", "winner", "victory_level", "victory_points", "turns"]
    expected += [f"men_lost_{s}" for s in ("axis", "soviet", "allies")]
    expected += [f"tanks_lost_{s}" for s in ("axis", "soviet", "allies")]
    expected += ["owner_kharkov", "taken_kharkov", "owner_belgorod", "taken_belgorod"]
    expected += [f"advance_km_{s}" for s in ("axis", "soviet", "allies")]
    expected += list(MEASURES)
    assert columns(three) == expected
    for row in rows:
        assert set(expected) <= set(row)
        # the winner is a team id: soviet and allies win as one
        assert row["winner"] in ("axis", "allied", "draw")
        assert row["owner_kharkov"] in ("axis", "soviet", "allies")
        assert row["turns"] == 6
        for side in ("axis", "soviet", "allies"):
            assert isinstance(row[f"men_lost_{side}"], int) and row[f"advance_km_{side}"] >= 0


def test_a_measure_may_not_take_a_built_in_column_name(three: Scenario) -> None:
    kharkov = load_scenario(KHARKOV)
    for scenario in (kharkov, three):
        declared = {m.id for m in scenario.spec.measures}
        for name in columns(scenario):
            if name not in declared:
                assert name in BUILT_IN_COLUMNS or name.startswith(BUILT_IN_PREFIXES), name
    unwritten = {c.column for c in scenario_columns(kharkov) if not c.written}
    assert unwritten == {f"first_taken_{c}" for c in report_cities(kharkov)}


def test_kharkov_columns_keep_their_names_and_meaning() -> None:
    """The columns the plausibility test reads, checked against the rescans of the state that
    computed them before the runner read events: the first turn a city's holder differed from its
    holder at the start (looked at after each action that ended a phase), and the last turn it
    changed hands (`control_changed`)."""
    scenario = load_scenario(KHARKOV)
    seed = 4  # a game in which the Germans take Kharkov
    game = Game(scenario, seed)
    players = {s: make_player(scenario, s, ai_seed(seed, s)) for s in scenario.sides}
    cities = {c: scenario.map.city_by_id(c) for c in report_cities(scenario)}
    hexes = np.array([city.hex for city in cities.values() if city is not None], dtype=np.intp)
    start = game.state.control[hexes].copy()
    first_change: dict[str, int] = {}
    while not game.state.over:
        turn = game.state.turn
        action, _ = play_one(game, players[scenario.sides[game.state.side_index]])
        if isinstance(action, EndPhase):
            for i in np.nonzero(game.state.control[hexes] != start)[0].tolist():
                first_change.setdefault(list(cities)[i], turn)
    row = Recording(scenario).row(game, run=0)
    assert row == outcome_row(0, play_game(scenario, seed))  # the runner plays the same game
    for city_id, city in cities.items():
        assert city is not None
        changed = int(game.state.control_changed[city.hex])
        assert row[f"taken_{city_id}"] == (
            scenario.date_of_turn(changed).isoformat() if changed else ""
        )
        assert row[f"owner_{city_id}"] == scenario.side_id(int(game.state.control[city.hex]))
        if city_id in first_change:
            assert (
                row[f"first_taken_{city_id}"]
                == scenario.date_of_turn(first_change[city_id]).isoformat()
            )
        else:
            assert f"first_taken_{city_id}" not in row
    assert "first_taken_kharkov" in row  # the Germans took it in this game
    assert row["men_lost_soviet"] == int(game.state.men_lost[scenario.units.side == 1].sum())
    assert row["tanks_lost_axis"] == int(game.state.tanks_lost[scenario.units.side == 0].sum())
    assert row["winner"] in ("axis", "soviet", "draw") and row["turns"] == game.state.turn


def test_capture_dates_come_from_the_event_log(three: Scenario) -> None:
    game = Game(three, seed=1)
    kharkov = three.map.city_by_id("kharkov")
    assert kharkov is not None
    before = game.state.control.copy()
    row = Recording(three).row(game)
    assert row["taken_kharkov"] == "" and "first_taken_kharkov" not in row
    for turn, taker, previous in ((2, 0, 1), (4, 2, 0)):  # axis takes it on turn 2, allies turn 4
        data: dict[str, int | str] = {"city": "kharkov", "previous": previous}
        game.log.append(Event("capture", turn, taker, (), kharkov.hex, data))
    row = Recording(three).row(game)
    assert row["first_taken_kharkov"] == "1943-03-09"  # turn 2 of 2-day turns from 7 March
    assert row["taken_kharkov"] == "1943-03-13"
    assert row["owner_kharkov"] == "soviet"  # the owner is the state's: nobody changed it
    assert np.array_equal(game.state.control, before)


# --- declared measures, by hand ------------------------------------------------------------------


def step(scenario: Scenario, h: int, dq: int, dr: int) -> int:
    """The hex `dq, dr` axial steps from `h` (on the map)."""
    grid = scenario.map
    found = int(grid.index(int(grid.q[h]) + dq, int(grid.r[h]) + dr))
    assert found >= 0
    return found


def place(game: Game, unit: str, h: int, steps: int | None = None) -> None:
    u = game.scenario.units.index(unit)
    game.state.hex[u] = h
    game.state.status[u] = UnitStatus.ACTIVE
    if steps is not None:
        game.state.steps[u] = steps


def test_declared_measures_and_advances_match_hand_worked_values(three: Scenario) -> None:
    """On the 10 km test map, with the axis holding Kharkov's hex alone and the allies one hex
    six east of it at the start, and the Soviets everything else:

    first sample:  Das Reich 3 hexes SE (south) of Kharkov, the LSSAH 5 NE (north): closest to
                   Kharkov 30 km; deepest south 30 km, north 50 km.
    second sample: Das Reich 1 hex SE (10 km from Kharkov, 10 km beyond the start line).
    third sample:  Das Reich back 3 hexes SE; the allied armour 2 hexes east of it (1 hex
                   between: 10 km gap at the end); near Kharkov (within 10 km = 1 hex) the
                   19th Rifle (1 of 2 steps: 2,250 men) and the 62nd Guards (full: 4,500);
                   the allied rifle brigade withdrawn with 1 of 2 steps (2,250 men).
    closest approach 10 km (min over time); deepest south 30 km, north 50 km (max over time).
    """
    kharkov = three.map.city_by_id("kharkov")
    assert kharkov is not None
    home = kharkov.hex
    allied_home = step(three, home, 6, 0)
    control = np.full(three.map.size, 1, dtype=np.uint8)  # Soviet
    control[home] = 0
    control[allied_home] = 2
    scenario = dataclasses.replace(three, control=control)
    game = Game(scenario, seed=1)
    game.state.status[:] = UnitStatus.WAITING  # nobody on the map but the units placed below
    game.state.hex[:] = -1
    recording = Recording(scenario)

    place(game, "das_reich", step(scenario, home, 0, 3))
    place(game, "lssah", step(scenario, home, 5, -5))
    recording.observe(game)
    first = recording.row(game)
    assert first["panzer_to_kharkov_km"] == 30.0
    assert first["deepest_south_km"] == 30.0 and first["deepest_north_km"] == 50.0
    assert first["allied_gap_km"] == ""  # no allied unit on the map: no value yet
    assert first["allied_men_at_kharkov"] == 0 and first["allied_men_withdrawn"] == 0
    # nobody holds more than at the start: no advance
    assert first["advance_km_axis"] == first["advance_km_soviet"] == first["advance_km_allies"] == 0

    place(game, "das_reich", step(scenario, home, 0, 1))
    recording.observe(game)

    das_reich = step(scenario, home, 0, 3)
    place(game, "das_reich", das_reich)
    place(game, "allied_armour", step(scenario, das_reich, 2, 0))
    place(game, "rifle_19", home, steps=1)
    place(game, "rifle_62gd", step(scenario, home, 1, 0))
    rifle = scenario.units.index("allied_rifle")
    game.state.status[rifle] = UnitStatus.WITHDRAWN
    game.state.steps[rifle] = 1
    # the ground at the end: the axis 4 hexes east of Kharkov, the Soviets back in Kharkov, the
    # allies 2 hexes SE of their start hex
    game.state.control[step(scenario, home, 4, 0)] = 0
    game.state.control[home] = 1
    game.state.control[step(scenario, allied_home, 0, 2)] = 2
    recording.observe(game)
    row = recording.row(game)
    assert row["panzer_to_kharkov_km"] == 10.0
    assert row["allied_gap_km"] == 10.0
    assert row["deepest_south_km"] == 30.0 and row["deepest_north_km"] == 50.0
    assert row["allied_men_at_kharkov"] == 2250 + 4500
    assert row["allied_men_withdrawn"] == 2250
    assert row["advance_km_axis"] == 40.0
    assert row["advance_km_soviet"] == 10.0  # Kharkov is one hex from the nearest Soviet start hex
    assert row["advance_km_allies"] == 20.0
    # the allied armour destroyed after that: no gap at the end, the closest approach stays
    game.state.status[scenario.units.index("allied_armour")] = UnitStatus.ELIMINATED
    recording.observe(game)
    after = recording.row(game)
    assert after["allied_gap_km"] == "" and after["panzer_to_kharkov_km"] == 10.0


def test_advance_is_zero_for_a_side_that_held_nothing_at_the_start(three: Scenario) -> None:
    control = np.full(three.map.size, 1, dtype=np.uint8)
    control[: three.map.size // 2] = 0
    scenario = dataclasses.replace(three, control=control)
    game = Game(scenario, seed=1)
    game.state.control[0] = 2  # the allies hold one hex, but held nothing to measure from
    game.state.control[1] = NO_SIDE
    row = Recording(scenario).row(game)
    assert row["advance_km_allies"] == 0 and row["advance_km_axis"] == 0


# --- declared measures, in files -----------------------------------------------------------------


def test_declared_measures_are_runs_csv_columns_and_summarised(tmp_path: Path) -> None:
    out = tmp_path / "three"
    code = main(
        [
            *("simulate", str(THREE_SIDES), "--runs", "2", "--seed", "9"),
            *("--out", str(out), "--no-plots"),
        ]
    )
    assert code == 0
    header = (out / "runs.csv").read_text().splitlines()[0].split(",")
    assert header == columns(load_scenario(THREE_SIDES))
    assert set(MEASURES) <= set(header)
    rows = read_runs_csv(out / "runs.csv")
    assert all(float(r["allied_men_withdrawn"]) >= 0 for r in rows)
    summary = json.loads((out / "summary.json").read_text())
    for name in (*MEASURES, "advance_km_allies", "men_lost_allies", "tanks_lost_soviet"):
        assert set(summary[name]) == {"mean", "median", "p10", "p90"}, name
    assert summary["measures"]["allied_gap_km"].startswith("Ground between")
    # one enemy team of the scoring team (the axis): soviet and allies together
    assert "men_lost_ratio_allied_to_axis" in summary
    assert set(summary["cities"]) == {"kharkov", "belgorod"}


MEASURE = """
[[measures]]
id = "{id}"
kind = "distance"
description = "A test measure."
group = {group}
target = {target}
"""


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The number of the `nth` line of `text` that contains `needle`."""
    return [n + 1 for n, line in enumerate(text.splitlines()) if needle in line][nth - 1]


def test_measure_references_are_checked_with_file_line_and_field(mini: MiniWriter) -> None:
    places = '{ places = ["kharkov"] }'
    measures = (
        MEASURE.format(id="a_km", group='{ formations = ["No Such Army"] }', target=places)
        + MEASURE.format(
            id="b_km", group='{ units = ["tiger"] }', target='{ places = ["kharkiv"] }'
        )
        + MEASURE.format(
            id="c_km", group='{ side = "romania" }', target="{ places = [[52.0, 36.0]] }"
        )
        + MEASURE.format(id="a_km", group='{ side = "axis" }', target='{ side = "soviet" }')
        + MEASURE.format(id="men_lost_total", group='{ side = "axis" }', target=places)
        + '\n[[measures]]\nid = "d_km"\nkind = "advance"\ndescription = "x"\n'
        + 'group = { side = "axis" }\nsouth_of = "kursk"\n'
    )
    path = mini(append=measures)
    text = path.read_text()
    with pytest.raises(FileProblemError) as info:
        load_scenario(path)
    got = [str(p).removeprefix(f"{path}:") for p in info.value.problems]
    duplicate = line_of(text, 'id = "a_km"', 2)
    assert got == [
        f"{line_of(text, 'No Such Army')}: measures.0.group.formations.0: "
        "unknown formation 'No Such Army'",
        f"{line_of(text, 'tiger')}: measures.1.group.units.0: unknown unit 'tiger'",
        f"{line_of(text, 'kharkiv')}: measures.1.target.places.0: unknown place 'kharkiv'",
        f"{line_of(text, 'romania')}: measures.2.group.side: "
        "'romania' is not a side or team of this scenario",
        f"{line_of(text, '52.0')}: measures.2.target.places.0: point (52.0, 36.0) is off the map",
        f"{duplicate}: measures.3.id: duplicate measure 'a_km' (first at measures.0)",
        f"{line_of(text, 'men_lost_total')}: measures.4.id: "
        "'men_lost_total' is the name of a built-in column",
        f"{line_of(text, 'kursk')}: measures.5.south_of: unknown place 'kursk'",
    ]


def test_a_measure_that_does_not_fit_its_kind_is_refused(mini: MiniWriter) -> None:
    appended = (
        '\n[[measures]]\nid = "gap_km"\nkind = "distance"\ndescription = "no target"\n'
        'group = { side = "axis" }\n'
        '\n[[measures]]\nid = "men"\nkind = "men"\ndescription = "x"\ngroup = { side = "axis" }\n'
        "south_of = 50.0\n"
        '\n[[measures]]\nid = "nobody"\nkind = "men"\ndescription = "x"\ngroup = {}\n'
    )
    path = mini(append=appended)
    with pytest.raises(FileProblemError) as info:
        load_scenario(path)
    got = [f"{'.'.join(map(str, p.path))}: {p.message}" for p in info.value.problems]
    assert got == [
        "measures.0: a distance measure needs a target",
        "measures.1: south_of and north_of are for advance measures",
        "measures.2.group: give units, formations or side",
    ]


# --- summaries, comparisons and plots over three sides -------------------------------------------


def synthetic(scenario: Scenario, losses: dict[str, int], **extra: object) -> dict[str, object]:
    row: dict[str, object] = {"winner": "axis", "victory_level": "marginal", "victory_points": 10}
    row["turns"] = 6
    for side in scenario.side_table.ids:
        row[f"men_lost_{side}"] = losses.get(side, 0)
        row[f"tanks_lost_{side}"] = 0
    for city in report_cities(scenario):
        row[f"owner_{city}"] = "axis"
        row[f"taken_{city}"] = ""
    row.update(extra)
    return row


def test_loss_ratios_pair_the_scoring_team_with_each_team_it_fights(
    three: Scenario, mini: MiniWriter
) -> None:
    rows = [
        synthetic(three, {"axis": 1000, "soviet": 3000, "allies": 1000}),
        synthetic(three, {"axis": 2000, "soviet": 2000, "allies": 0}),
        synthetic(three, {"axis": 0, "soviet": 5000, "allies": 0}),  # no ratio: left out
    ]
    summary = summarise(three, rows)
    assert summary["men_lost_ratio_allied_to_axis"]["median"] == 2.5  # of 4.0 and 1.0
    assert [k for k in summary if k.startswith("men_lost_ratio")] == [
        "men_lost_ratio_allied_to_axis"
    ]
    # three teams: the allies on their own team are a second enemy of the axis
    path = mini(
        replace={'sides = ["axis", "soviet"]': 'sides = ["axis", "soviet", "allies"]'},
        append=(
            '\n[sides.allies]\nname = "Allies"\nsupply_edges = ["east"]\n'
            '\n[[units]]\nid = "allied"\nname = "Allied Brigade"\nside = "allies"\n'
            'template = "rifle"\nformation = "Allied Corps"\nat = "shebekino"\n'
        ),
    )
    separate = load_scenario(path)
    rows = [synthetic(separate, {"axis": 1000, "soviet": 3000, "allies": 500})]
    summary = summarise(separate, rows)
    assert summary["men_lost_ratio_soviet_to_axis"]["median"] == 3.0
    assert summary["men_lost_ratio_allies_to_axis"]["median"] == 0.5


def test_compare_pairs_every_numeric_column_and_every_holder(three: Scenario) -> None:
    base = summarise(three, [synthetic(three, {"axis": 100}, advance_km_axis=20.0)])
    variant_row = synthetic(three, {"axis": 300}, advance_km_axis=50.0, owner_kharkov="allies")
    variant = summarise(three, [variant_row])
    report = compare(base, variant)
    assert report["losses"]["men_lost_axis"] == {
        "baseline": 100.0,
        "variant": 300.0,
        "change": 200.0,
    }
    assert report["measures"]["advance_km_axis"]["change"] == 30.0
    assert "men_lost_allies" in report["losses"] and "turns" in report["losses"]
    held = report["cities"]["kharkov"]["held_at_end"]
    assert held["axis"] == {"baseline": 1.0, "variant": 0.0, "change": -1.0}
    assert held["allies"] == {"baseline": 0.0, "variant": 1.0, "change": 1.0}


def test_plots_draw_every_side_and_the_measures(three: Scenario, tmp_path: Path) -> None:
    rows = run_games(THREE_SIDES, runs=2, seed=2)
    paths = {p.name for p in write_plots(tmp_path, three, [Arm("three sides", rows)])}
    assert {
        "plot_result.png",
        "plot_losses_men.png",
        "plot_cities.png",
        "plot_measures.png",
    } <= paths
