"""Every kind of broken scenario or map file gives its own exact `FILE:LINE: path: problem` line."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from game.scenario.errors import FileProblemError
from game.scenario.model import load_scenario
from tests.conftest import MiniWriter

UNIT_AT_KHARKOV = 'template = "rifle"\nformation = "69th Army"\nat = "kharkov"'


def problems_of(path: Path) -> list[str]:
    with pytest.raises(FileProblemError) as info:
        load_scenario(path)
    return [str(p).removeprefix(f"{path}:") for p in info.value.problems]


def test_the_unbroken_mini_scenario_loads(mini: MiniWriter) -> None:
    scenario = load_scenario(mini())
    assert scenario.units.ids == ("das_reich", "lssah", "rifle_19", "rifle_62gd")
    assert scenario.units.arrive_turn.tolist() == [1, 1, 1, 2]
    assert scenario.units.defence.tolist() == [9, 9, 4, 5]  # a unit's own value beats its template


def test_toml_syntax_error_names_the_line(mini: MiniWriter) -> None:
    path = mini(replace={'id = "mini"': 'id = "mini'})
    assert problems_of(path) == ["3: (file): TOML syntax error: Illegal character '\\n'"]


def test_unknown_key_is_rejected_at_its_line(mini: MiniWriter) -> None:
    path = mini(replace={'id = "lssah"': 'id = "lssah"\nstrenght = 5'})
    assert problems_of(path) == ["60: units.1.strenght: unknown key"]


def test_missing_required_field(mini: MiniWriter) -> None:
    path = mini(replace={'formation = "69th Army"\n': ""})
    assert problems_of(path) == ["68: units.2.formation: required field is missing"]


def test_wrong_choice_lists_the_allowed_values(mini: MiniWriter) -> None:
    path = mini(replace={'state = "thaw"': 'state = "slush"'})
    assert problems_of(path) == [
        "92: weather.1.state: Input should be 'clear', 'frozen', 'snow', 'thaw', 'mud' or 'rain'"
    ]


def test_unknown_place(mini: MiniWriter) -> None:
    path = mini(replace={'at = "kharkov"': 'at = "kharkiv"'})
    assert problems_of(path) == ["74: units.2.at: unknown place 'kharkiv'"]


def test_unknown_template(mini: MiniWriter) -> None:
    path = mini(replace={UNIT_AT_KHARKOV: UNIT_AT_KHARKOV.replace('"rifle"', '"rifles"')})
    assert problems_of(path) == ["72: units.2.template: unknown template 'rifles'"]


def test_duplicate_unit_id(mini: MiniWriter) -> None:
    path = mini(replace={'id = "lssah"': 'id = "das_reich"'})
    assert problems_of(path) == ["59: units.1.id: duplicate unit id 'das_reich' (first at units.0)"]


def test_unit_off_the_map(mini: MiniWriter) -> None:
    path = mini(replace={"lat = 50.10": "lat = 52.10"})
    assert problems_of(path) == ["65: units.1.lat: position (52.1, 35.95) is off the map"]


def test_stacking_limit(mini: MiniWriter) -> None:
    extra = "".join(
        f'\n[[units]]\nid = "extra_{k}"\nname = "Extra {k}"\nside = "soviet"\ntemplate = "rifle"\n'
        f'formation = "69th Army"\nat = "kharkov"\n'
        for k in range(3)
    )
    path = mini(append=extra)
    [problem] = problems_of(path)
    assert problem.endswith("units.6: hex (-1, 9) holds 4 units, more than the stacking limit of 3")


def test_opposing_units_may_not_share_a_hex(mini: MiniWriter) -> None:
    path = mini(replace={"lat = 50.10\nlon = 35.95": "lat = 50.00\nlon = 36.25"})
    assert problems_of(path) == [
        "58: units.1: units of opposing sides share hex (-1, 9): 'lssah', 'rifle_19'"
    ]


def test_arrival_after_the_end(mini: MiniWriter) -> None:
    path = mini(replace={"arrive = 1943-03-09": "arrive = 1943-04-09"})
    assert problems_of(path) == [
        "84: units.3.arrive: arrives on 1943-04-09, after the scenario ends on 1943-03-18"
    ]


def test_weather_periods_in_date_order(mini: MiniWriter) -> None:
    path = mini(replace={"start = 1943-03-13": "start = 1943-03-05"})
    assert problems_of(path) == ["91: weather.1.start: weather periods must be in date order"]


def test_knob_default_within_range(mini: MiniWriter) -> None:
    path = mini(replace={"default = 0\nmin = -6": "default = 9\nmin = -6"})
    assert problems_of(path) == ["103: knobs.thaw_shift_days: default 9 is outside -6.0..6.0"]


def test_unknown_formation_in_a_plan(mini: MiniWriter) -> None:
    plan = """
[plans.axis]
name = "Retake Kharkov"

[[plans.axis.phases]]
id = "assault"
name = "Assault"

[[plans.axis.phases.tasks]]
formations = ["SS Panzerkorps"]
posture = "attack"
objectives = ["kharkov"]
"""
    path = mini(append=plan)
    assert problems_of(path) == [
        "119: plans.axis.phases.0.tasks.0.formations.0: unknown formation 'SS Panzerkorps'"
    ]


def test_map_file_missing(mini: MiniWriter) -> None:
    path = mini(replace={'map = "donets_test"': 'map = "donets"'})
    [problem] = problems_of(path)
    assert problem.startswith("5: scenario.map: map file ") and problem.endswith(
        "maps/donets.toml not found"
    )


def test_every_problem_is_reported_at_once(mini: MiniWriter) -> None:
    path = mini(replace={'at = "kharkov"': 'at = "kharkiv"', 'id = "lssah"': 'id = "das_reich"'})
    assert len(problems_of(path)) == 2


def test_binary_garbage_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.toml"
    path.write_bytes(b"[scenario]\n\xff\xfe\x00garbage")
    assert problems_of(path) == ["2: (file): file is not valid UTF-8 text"]


def test_validate_command_exits_2_with_the_messages(
    mini: MiniWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    path = mini(replace={'at = "kharkov"': 'at = "kharkiv"'})
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err == f"{path}:74: units.2.at: unknown place 'kharkiv'\n"


def test_validate_command_accepts_a_good_file(
    mini: MiniWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    path = mini()
    assert main(["validate", str(path)]) == 0
    assert "ok (scenario mini: 4 units, 6 turns)" in capsys.readouterr().out


def test_knobs_reshape_the_scenario(mini: MiniWriter) -> None:
    scenario = load_scenario(mini())
    assert scenario.weather[1:].tolist() == [1, 1, 1, 3, 3, 3]  # frozen, then thaw from 13 March
    early = scenario.with_knobs({"thaw_shift_days": -4})
    assert early.weather[1:].tolist() == [1, 3, 3, 3, 3, 3]
    with pytest.raises(FileProblemError, match=r"value 40 is not a int in -6\.0\.\.6\.0"):
        scenario.with_knobs({"thaw_shift_days": 40})


def test_unit_placed_on_water(tmp_path: Path) -> None:
    """The real map's Sea of Azov: a unit put there by coordinates is refused."""
    import shutil

    from tests.conftest import ROOT

    (tmp_path / "maps").mkdir()
    shutil.copy(ROOT / "scenarios" / "maps" / "eastern_ukraine.toml", tmp_path / "maps")
    text = (ROOT / "tests" / "data" / "mini.toml").read_text()
    text = text.replace('map = "donets_test"', 'map = "eastern_ukraine"')
    text = text.replace("lat = 50.10\nlon = 35.95", "lat = 46.95\nlon = 37.6")
    path = tmp_path / "mini.toml"
    path.write_text(text)
    [problem] = problems_of(path)
    assert problem.startswith("58: units.1: unit 'lssah' is placed on water at hex")


def test_map_file_problems_are_reported_with_lines(tmp_path: Path) -> None:
    from game.scenario.loader import load_map
    from tests.conftest import DATA

    text = (DATA / "maps" / "donets_test.toml").read_text()
    text = text.replace('"belgorod", "shebekino"', '"belgorod", "shebekyno"')
    text = text.replace("lat = 49.84", "lat = 52.84")
    path = tmp_path / "broken_map.toml"
    path.write_text(text)
    with pytest.raises(FileProblemError) as info:
        load_map(path)
    assert [str(p).removeprefix(f"{path}:") for p in info.value.problems] == [
        "20: river.0.points.2: unknown place 'shebekyno'",
        "50: city.2.lat: Chuguev (52.84, 36.69) is off the map",
    ]
