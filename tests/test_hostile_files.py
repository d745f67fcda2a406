"""Hostile scenario and map files: every one answered by `eastfront validate` (or `describe`) in
bounded time with exit code 2 and one `FILE:LINE: field.path: problem` line, never a traceback,
a hang or a silent conversion. The files are Third Kharkov's, each broken in one place."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from game.ai.players import make_player, play_one
from game.cli import main
from game.scenario.errors import FileProblemError
from game.scenario.locate import LineIndex
from game.scenario.model import Scenario, load_scenario
from game.scenario.schema import KNOB_LIMITS
from game.session import Game
from tests.conftest import KHARKOV, ROOT

MAP = ROOT / "scenarios" / "maps" / "eastern_ukraine.toml"
TIMEOUT_S = 120  # far beyond a validate (about a second); only a hang reaches it


def write_pair(tmp_path: Path, scenario: str | None = None, map_text: str | None = None) -> Path:
    """Kharkov's scenario and map (either replaced by the text given) in `tmp_path`."""
    (tmp_path / "maps").mkdir(exist_ok=True)
    (tmp_path / "maps" / MAP.name).write_text(
        MAP.read_text() if map_text is None else map_text, encoding="utf-8"
    )
    path = tmp_path / KHARKOV.name
    path.write_text(KHARKOV.read_text() if scenario is None else scenario, encoding="utf-8")
    return path


def edited(text: str, old: str, new: str) -> str:
    assert old in text, f"test bug: {old!r} not in the file"
    return text.replace(old, new, 1)


def line_of(text: str, snippet: str) -> int:
    return text[: text.index(snippet)].count("\n") + 1


def refused(
    args: list[str], capsys: pytest.CaptureFixture[str], file: Path
) -> str:
    """Run the command in-process; it must exit 2 with exactly one line about `file`."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = err.splitlines()
    assert line.startswith(f"{file}:")
    return line.removeprefix(f"{file}:")


def refused_in_subprocess(args: list[str], file: Path) -> str:
    """The same in a fresh process with a timeout: for inputs that used to hang or recurse."""
    done = subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=ROOT,
    )
    assert "Traceback" not in done.stderr
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"{file}:")
    return line.removeprefix(f"{file}:")


def play_side_turns(scenario: Scenario, seed: int = 1, side_turns: int = 1) -> None:
    """Let the scenario's AI play the first side-turns of a game."""
    game = Game(scenario, seed, undo=False)
    for _ in range(side_turns):
        side = scenario.sides[game.state.side_index]
        player = make_player(scenario, side, seed)
        turn = (game.state.turn, game.state.side_index)
        while not game.state.over and (game.state.turn, game.state.side_index) == turn:
            play_one(game, player)


# --- hang ----------------------------------------------------------------------------------------


def test_a_stray_brace_in_an_array_is_a_syntax_error_not_a_hang(tmp_path: Path) -> None:
    text = KHARKOV.read_text() + "\nx = [ } ]\n"
    path = write_pair(tmp_path, text)
    for command in ("validate", "describe"):
        assert refused_in_subprocess([command, str(path)], path) == (
            f"{line_of(text, 'x = [ } ]')}: (file): TOML syntax error: Invalid value"
        )


@pytest.mark.parametrize("broken", ["x = [ } ]", "x = { a = 1 ] }", "x = [1 2]", "x = [ , ]"])
def test_the_line_index_stops_on_broken_brackets(broken: str) -> None:
    LineIndex(f"a = 1\n{broken}\nb = 2\n")  # returns: once this looped forever


# --- recursion -----------------------------------------------------------------------------------


def test_deeply_nested_arrays_are_refused_before_tomllib(tmp_path: Path) -> None:
    text = edited(KHARKOV.read_text(), "briefing = ", "deep = " + "[" * 5000 + "]" * 5000 + "\nbriefing = ")
    path = write_pair(tmp_path, text)
    assert refused_in_subprocess(["validate", str(path)], path) == (
        f"{line_of(text, 'deep = ')}: (file): arrays and tables nested more than 16 deep"
    )


def test_deeply_nested_inline_tables_in_a_map_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "x = " + "{ a = " * 3000 + "1" + " }" * 3000 + "\n"
    text = edited(MAP.read_text(), "[map]\n", deep + "[map]\n")
    path = write_pair(tmp_path, map_text=text)
    map_path = tmp_path / "maps" / MAP.name
    assert refused(["validate", str(map_path)], capsys, map_path) == (
        f"{line_of(text, 'x = ')}: (file): arrays and tables nested more than 16 deep"
    )
    assert refused(["describe", str(path)], capsys, map_path).endswith("nested more than 16 deep")


def test_the_line_index_survives_any_nesting() -> None:
    index = LineIndex("a = 1\nx = " + "[" * 20_000 + "]" * 20_000 + "\n")
    assert index.line_of(("a",)) == 1


# --- overflow ------------------------------------------------------------------------------------


def test_a_huge_hex_coordinate_is_out_of_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edited(KHARKOV.read_text(), "lat = 48.60\nlon = 38.05", f"hex = [{2**40}, 0]")
    path = write_pair(tmp_path, text)
    index = text[: text.index('id = "panzer_3"')].count("[[units]]") - 1
    assert refused(["validate", str(path)], capsys, path) == (
        f"{line_of(text, 'hex = [')}: units.{index}.hex.0: "
        f"{2**40} is out of range: must be at most 1000000"
    )


def test_a_start_date_near_the_end_of_the_calendar_is_out_of_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edited(KHARKOV.read_text(), "start = 1943-02-19  ", "start = 9999-12-01  ")
    path = write_pair(tmp_path, text)
    assert refused(["describe", str(path)], capsys, path) == (
        f"{line_of(text, 'start = 9999')}: scenario.start: "
        "9999-12-01 is out of range: must be at most 9000-12-31"
    )


def test_a_knob_default_of_millions_of_days_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edited(
        KHARKOV.read_text(),
        "[knobs.totenkopf_delay_days]\ntype = \"int\"\ndefault = 0\nmin = 0\nmax = 14",
        "[knobs.totenkopf_delay_days]\ntype = \"int\"\ndefault = 5000000\nmin = 0\nmax = 9000000",
    )
    path = write_pair(tmp_path, text)
    assert refused(["validate", str(path)], capsys, path) == (
        f"{line_of(text, '[knobs.totenkopf_delay_days]')}: knobs.totenkopf_delay_days: "
        "range 0..9e+06 goes beyond -366..366, the widest range for arrival_delay_days"
    )


def test_an_integer_of_thousands_of_digits_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edited(KHARKOV.read_text(), "turns = 17", "turns = " + "9" * 5001)
    path = write_pair(tmp_path, text)
    assert refused(["validate", str(path)], capsys, path) == (
        f"{line_of(text, 'turns = 99')}: (file): a number or bare key of 5001 characters "
        "(at most 100)"
    )


def test_a_withdrawal_centuries_after_the_end_is_never(tmp_path: Path) -> None:
    text = edited(KHARKOV.read_text(), 'id = "panzer_3"', 'id = "panzer_3"\nwithdraw = 8999-01-01')
    scenario = load_scenario(write_pair(tmp_path, text))
    assert scenario.units.withdraw_turn[scenario.units.index("panzer_3")] == scenario.turns + 1


# --- negative dimensions and oversized maps ------------------------------------------------------


def test_a_map_centred_far_outside_its_bounds_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edited(MAP.read_text(), "center = [49.05, 36.8]", "center = [-60.0, -140.0]")
    path = write_pair(tmp_path, map_text=text)
    map_path = tmp_path / "maps" / MAP.name
    expected = f"{line_of(text, 'center = ')}: map.center: center (-60.0, -140.0) lies outside the bounds"
    assert refused(["validate", str(map_path)], capsys, map_path) == expected
    assert refused(["describe", str(path)], capsys, map_path) == expected


def test_bounds_round_the_globe_make_no_map_and_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edited(
        MAP.read_text(),
        "bounds = { south = 46.9, north = 51.2, west = 33.3, east = 40.3 }",
        "bounds = { south = -1.0, north = 1.0, west = -180.0, east = 180.0 }",
    )
    text = edited(text, "center = [49.05, 36.8]", "center = [0.0, 179.0]")
    map_path = write_pair(tmp_path, map_text=text).parent / "maps" / MAP.name
    assert refused(["validate", str(map_path)], capsys, map_path) == (
        f"{line_of(text, 'bounds = ')}: map.bounds: "
        "bounds reach too far round the globe to make a flat map"
    )


def test_a_map_of_too_many_hexes_is_refused_before_it_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edited(MAP.read_text(), "hex_km = 10.0", "hex_km = 1.01")
    text = edited(
        text,
        "bounds = { south = 46.9, north = 51.2, west = 33.3, east = 40.3 }",
        "bounds = { south = -80.0, north = 80.0, west = -170.0, east = 170.0 }",
    )
    text = edited(text, "center = [49.05, 36.8]", "center = [0.0, 0.0]")
    map_path = write_pair(tmp_path, map_text=text).parent / "maps" / MAP.name
    line = refused(["validate", str(map_path)], capsys, map_path)
    assert re.fullmatch(
        rf"{line_of(text, 'hex_km')}: map.hex_km: \d+ x \d+ = [\d,]+ hexes, more than 100,000: "
        "use larger hexes or smaller bounds",
        line,
    )


# --- wrong accepts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "problem"),
    [
        ("turns = 17", 'turns = "17"', "scenario.turns", "expected an integer, got a string"),
        ("turns = 17", "turns = true", "scenario.turns", "expected an integer, got a boolean"),
        ("turns = 17", "turns = 17.0", "scenario.turns", "expected an integer, got 17.0"),
        (
            "stacking_limit = 3",
            "stacking_limit = true",
            "scenario.stacking_limit",
            "expected an integer, got a boolean",
        ),
        (
            "start = 1943-02-19  ",
            'start = "1943-02-19"',
            "scenario.start",
            "expected a date like 1943-02-19 (no quotes), got a string",
        ),
        (
            "start = 1943-02-19  ",
            "start = 1943-02-19T06:00:00  ",
            "scenario.start",
            "expected a date like 1943-02-19 (no quotes), got a date-time",
        ),
        ('title = "', 'title = 7\n# "', "scenario.title", "expected a string in quotes, got an integer"),
        (
            "default = true",
            "default = 1",
            "knobs.soviet_hold_kharkov",
            "default must be true or false for a bool knob",
        ),
        (
            "min = -10\nmax = 10",
            "min = -1e9\nmax = 1e9",
            "knobs.thaw_shift_days",
            "range -1e+09..1e+09 goes beyond -366..366, the widest range for weather_shift_days",
        ),
        (
            "min = -10\nmax = 10",
            "min = -inf\nmax = 10",
            "knobs.thaw_shift_days.min",
            "expected a finite number, got -inf",
        ),
        (
            "min = -10\nmax = 10",
            "min = nan\nmax = 10",
            "knobs.thaw_shift_days.min",
            "expected a finite number, got nan",
        ),
        (
            'type = "bool"\ndefault = true',
            'type = "int"\ndefault = 1\nmin = 0\nmax = 1',
            "knobs.soviet_hold_kharkov",
            'a hold_order knob is switched on or off: type = "bool"',
        ),
        (
            "default = 100\nmin = 50\nmax = 150",
            'default = "100"\nmin = 50\nmax = 150',
            "knobs.ss_corps_strength_percent.default",
            "expected an integer or a number or true or false, got a string",
        ),
        (
            'name = "3rd Panzer Division"',
            'name = "' + "3rd Panzer Division " * 20 + '"',
            None,
            "String should have at most 200 characters",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_not_converted(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    path: str | None,
    problem: str,
) -> None:
    text = edited(KHARKOV.read_text(), old, new)
    file = write_pair(tmp_path, text)
    line = refused(["validate", str(file)], capsys, file)
    number, where, message = line.split(": ", 2)
    if path is not None:
        assert where == path
    assert message == problem
    first_new_line = new.split("\n")[0]
    if where.startswith("knobs.") and where.count(".") == 1:
        header = f"[{where}]"
        assert int(number) == line_of(text, header)
    else:
        assert int(number) == line_of(text, first_new_line)


@pytest.mark.parametrize(
    ("old", "new", "path", "problem"),
    [
        ("lat = 50.00", 'lat = "50.00"', "city.0.lat", "expected a number, got a string"),
        ("lat = 50.00", "lat = true", "city.0.lat", "expected a number, got a boolean"),
        ("vp = 10", "vp = 10.5", "city.0.vp", "expected an integer, got 10.5"),
        ("hex_km = 10.0", "hex_km = nan", "map.hex_km", "expected a finite number, got nan"),
        (
            "center = [49.05, 36.8]",
            'center = [49.05, "36.8"]',
            "map.center.1",
            "expected a number, got a string",
        ),
        ("south = 46.9", "south = 1e400", "map.bounds.south", "expected a finite number, got inf"),
        (
            'size = "major"\nvp = 10',
            "size = 3\nvp = 10",
            "city.0.size",
            "Input should be 'village', 'town', 'city' or 'major'",
        ),
    ],
)
def test_a_map_value_of_the_wrong_type_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    path: str,
    problem: str,
) -> None:
    text = edited(MAP.read_text(), old, new)
    write_pair(tmp_path, map_text=text)
    map_path = tmp_path / "maps" / MAP.name
    assert refused(["validate", str(map_path)], capsys, map_path) == (
        f"{line_of(text, new.split(chr(10))[0])}: {path}: {problem}"
    )


def test_a_point_that_is_neither_coordinates_nor_a_place_is_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edited(MAP.read_text(), "[48.42, 37.95], [48.47, 38.30]", '[48.42, 37.95], [48.47, "x"]')
    map_path = write_pair(tmp_path, map_text=text).parent / "maps" / MAP.name
    assert refused(["validate", str(map_path)], capsys, map_path) == (
        f"{line_of(text, '[48.47, ')}: terrain.0.polygon.1.1: expected a number, got a string"
    )


# --- files that are not files --------------------------------------------------------------------


def test_files_too_large_folders_and_devices_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.toml"
    big.write_text("# padding\n" * 500_000)
    assert refused(["validate", str(big)], capsys, big) == (
        "?: (file): file is larger than 4,194,304 bytes"
    )
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert refused(["validate", str(folder)], capsys, folder) == (
        "?: (file): is a folder; validate takes files: a scenario or map (.toml) or a save (.json)"
    )
    # the loader refuses them too, whoever calls it (the command line refuses them first)
    with pytest.raises(FileProblemError, match="a folder"):
        load_scenario(folder)
    zero = Path("/dev/zero")
    if zero.exists():
        with pytest.raises(FileProblemError, match="not a regular file"):
            load_scenario(zero)
        assert refused(["validate", str(zero)], capsys, zero) == (
            "?: (file): is not a regular file; validate takes a scenario or map (.toml) or a save"
            " (.json)"
        )


# --- knob ranges ---------------------------------------------------------------------------------


def widest_knobs(text: str) -> str:
    """Kharkov with every numeric knob's range widened to the most its effect allows."""

    def widen(match: re.Match[str]) -> str:
        section = match.group(0)
        effect = re.search(r'^effect = "(\w+)"', section, re.M)
        assert effect is not None
        if effect.group(1) not in KNOB_LIMITS:
            return section
        low, high = KNOB_LIMITS[effect.group(1)]
        section = re.sub(r"^min = .*$", f"min = {int(low)}", section, flags=re.M)
        return re.sub(r"^max = .*$", f"max = {int(high)}", section, flags=re.M)

    return re.sub(r"^\[knobs\.\w+\]\n(?:(?!\[).*\n)*", widen, text, flags=re.M)


def test_every_knob_plays_at_both_ends_of_the_widest_range(tmp_path: Path) -> None:
    scenario = load_scenario(write_pair(tmp_path, widest_knobs(KHARKOV.read_text())))
    ends = {
        name: KNOB_LIMITS[knob.effect]
        for name, knob in scenario.spec.knobs.items()
        if knob.type != "bool"
    }
    assert len(ends) == 9
    for name, (low, high) in ends.items():
        knob = scenario.spec.knobs[name]
        assert (knob.min, knob.max) == (low, high)
        for end in (low, high):
            play_side_turns(scenario.with_knobs({name: int(end)}))
    everything_low = {name: int(low) for name, (low, _) in ends.items()}
    everything_high = {name: int(high) for name, (_, high) in ends.items()}
    play_side_turns(scenario.with_knobs(everything_low), side_turns=2)
    play_side_turns(scenario.with_knobs(everything_high), side_turns=2)


def test_the_real_scenario_is_unchanged_by_the_limits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", str(KHARKOV), str(MAP)]) == 0
    out = capsys.readouterr().out
    assert "ok (scenario kharkov_1943: 87 units, 17 turns)" in out
    assert "ok (map eastern_ukraine: 52 x 57 hexes, 108 places)" in out


# --- the work a map may cost ---------------------------------------------------------------------


def test_a_map_of_too_many_points_is_refused_at_its_biggest_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    points = ", ".join(["[48.0, 35.0], [49.0, 36.0]"] * 4_000)
    text = MAP.read_text() + "".join(
        f'\n[[river]]\nid = "endless_{k}"\nname = "Endless"\nsize = "minor"\npoints = [{points}]\n'
        for k in range(3)
    )
    map_path = write_pair(tmp_path, map_text=text).parent / "maps" / MAP.name
    first = MAP.read_text().count("[[river]]")
    assert refused(["validate", str(map_path)], capsys, map_path) == (
        f"{line_of(text, 'points = [[48.0, 35.0]')}: river.{first}.points: "
        "the map's shapes and routes have 25,198 points: more than 10,000"
    )


def test_a_road_round_the_globe_and_back_is_refused_before_it_is_walked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    points = ", ".join(["[49.0, 36.0], [-80.0, -150.0]"] * 100)
    text = MAP.read_text() + f'\n[[road]]\nname = "Everywhere"\npoints = [{points}]\n'
    map_path = write_pair(tmp_path, map_text=text).parent / "maps" / MAP.name
    roads = text.count("[[road]]")
    line = refused(["validate", str(map_path)], capsys, map_path)
    assert re.fullmatch(
        rf"{line_of(text, 'points = [[49.0, 36.0]')}: road.{roads - 1}.points: [\d,]+ km long, and "
        r"all roads and railways [\d,]+ km: more than 1,666,667 km at this hex size",
        line,
    ), line


def test_an_unknown_key_megabytes_long_stays_one_short_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "k" * 1_000_000
    text = edited(KHARKOV.read_text(), "turns = 17", f'turns = 17\n"{key}" = 1')
    path = write_pair(tmp_path, text)
    assert refused(["validate", str(path)], capsys, path) == (
        f"{line_of(text, 'turns = 17') + 1}: scenario.{'k' * 61}...: unknown key"
    )


def test_scenario_shapes_too_many_for_the_map_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    points = ", ".join(["[48.0, 35.0], [49.0, 36.0], [48.5, 37.0]"] * 3_000)
    zones = "".join(
        f'\n[[control.zone]]\nside = "axis"\nname = "Zone {k}"\npolygon = [{points}]\n'
        for k in range(4)
    )
    text = edited(KHARKOV.read_text(), "[[control.zone]]", zones.lstrip("\n") + "\n[[control.zone]]")
    path = write_pair(tmp_path, text)
    line = refused(["validate", str(path)], capsys, path)
    assert re.fullmatch(
        rf"{line_of(text, 'polygon = [[48.0')}: control.zone.0.polygon: 36,\d\d\d points of shapes "
        r"on 2,964 hexes: more than 100,000,000 point-hexes to draw; simplify the shapes",
        line,
    ), line
