"""The window knows sides only from the scenario file: colours and names from its side table,
overlays from the viewer's belief (never the true state), the computer handed nothing but its
observation, and any number of sides on any number of teams drawn."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import numpy as np
import pygame
import pytest

from game import hexgrid
from game.actions import Action, EndPhase
from game.ai.players import make_player, play_one
from game.enums import NO_SIDE
from game.events import Event
from game.observation import Observation, observe
from game.rules import supply
from game.scenario.model import Scenario, load_scenario
from game.session import Game
from game.state import GameState, UnitStatus
from game.ui import catalogue, palette, render
from game.ui.app import App, Settings
from game.ui.dialogs import load_match, sample_counters, save_match
from game.ui.driver import frames
from game.ui.mapscreen import MapScreen
from game.ui.match import AIDriver, Match, standing
from game.ui.panels import event_html
from game.ui.play import Table, out_of_supply_ground
from game.ui.report import ReportScreen
from game.ui.screen import registered
from game.ui.setup import start_match
from game.ui.widgets import event_actor
from tests.conftest import DATA, KHARKOV, MiniWriter

UI = Path(__file__).parent.parent / "game" / "ui"


# --- colours and names --------------------------------------------------------------------------


def test_side_colours_come_from_the_scenario_file_and_tones_are_derived() -> None:
    scenario = catalogue.scenario(KHARKOV)
    colors = palette.palette(scenario)
    axis, soviet = scenario.side_table.index("axis"), scenario.side_table.index("soviet")
    assert colors.fill(axis) == (0x98, 0xA4, 0xB0)  # field grey, as the file says
    assert colors.fill(soviet) == (0xC4, 0x5C, 0x46)  # brick red
    for side in scenario.sides:
        fill = colors.fill(side)
        assert colors.dark(side) == palette.darken(fill, palette.DARK_FACTOR)
        assert colors.ink(side) == palette.darken(fill, palette.INK_FACTOR)
        assert sum(colors.text(side)) > sum(fill)  # light enough for the dark panels
    assert colors.fill(NO_SIDE) == palette.NEUTRAL
    assert colors.html(soviet) == "#f2866f"  # the worked example of game/ui/palette.py


def test_names_in_the_window_are_the_files_names_never_ids() -> None:
    scenario = catalogue.scenario(KHARKOV)
    game = Game(scenario, seed=3)
    result = standing(game)
    assert result.split()[0] in scenario.side_table.short or result == "draw"
    assert not any(side_id in result for side_id in scenario.side_table.ids)
    entry = next(e for e in catalogue.entries() if e.id == scenario.id)
    assert entry.side_names == scenario.side_table.short


def test_no_ui_module_names_a_side_or_a_scenario() -> None:
    for path in sorted(UI.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for name in ("'axis'", '"axis"', '"soviet"', "'soviet'", '"allies"', "Side.", "kharkov_"):
            assert name not in text, f"{path.name} names {name}"


# --- screens by name ----------------------------------------------------------------------------

SCREEN_MODULES = ("dialogs", "handover", "mapscreen", "menu", "report", "setup")


def _runtime_imports(path: Path) -> set[str]:
    """Modules a file imports when it runs (type-only imports left out), functions included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(sub) for sub in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_no_screen_module_imports_another() -> None:
    for name in SCREEN_MODULES:
        imports = _runtime_imports(UI / f"{name}.py")
        others = {f"game.ui.{m}" for m in SCREEN_MODULES if m != name} | {"game.ui.app"}
        assert not imports & others, f"{name} imports {imports & others}"


def test_every_screen_is_registered_by_name() -> None:
    app = App((1280, 800), sounds=False, settings=Settings(threaded_ai=False))
    try:
        assert {
            "main_menu",
            "setup",
            "map",
            "handover",
            "report",
            "save",
            "load",
            "game_menu",
            "help",
        } <= set(registered())
        with pytest.raises(KeyError, match="known"):
            app.open("no such screen")
    finally:
        app.close()


# --- strict fog: overlays from the belief ---------------------------------------------------------


def _hidden_enemy_game() -> tuple[Game, int, int, int]:
    """The mini game with the 62nd Guards Rifle Division on German-held ground far behind the
    German units (out of their sight): the game, the German side, the division, its hex."""
    scenario = load_scenario(DATA / "mini.toml")
    game = Game(scenario, seed=5)
    state = game.state
    axis = scenario.side_table.index("axis")
    division = scenario.units.index("rifle_62gd")
    spot = _far_german_hex(scenario, state, axis)
    state.hex[division], state.status[division] = spot, UnitStatus.ACTIVE
    assert not observe(scenario, state, axis).visible[division]
    return game, axis, division, spot


def _far_german_hex(scenario: Scenario, state: GameState, side: int, skip: int = -1) -> int:
    """A hex of `side`'s ground that no unit of its team sees, other than `skip`."""
    grid = scenario.map
    seen = observe(scenario, state, side).seen_hexes
    held = scenario.side_table.friendly_ground[side][state.control]
    occupied = np.zeros(grid.size, dtype=np.bool_)
    occupied[state.hex[state.active & (state.hex >= 0)]] = True
    choices = [int(h) for h in np.flatnonzero(held & ~seen & ~occupied) if h != skip]
    assert choices, "test bug: the mini map has no German ground out of sight"
    return choices[0] if skip < 0 else choices[-1]


def _overlays(table: Table) -> tuple[np.ndarray, list[list[int]], np.ndarray]:
    table.version += 1
    scene = table.scene()
    assert scene.out_of_supply is not None and scene.zoc is not None
    pockets = sorted(p.tolist() for p in scene.pockets)
    return scene.out_of_supply.copy(), pockets, scene.zoc.copy()


def test_overlays_do_not_change_when_a_hidden_enemy_moves() -> None:
    game, axis, division, spot = _hidden_enemy_game()
    scenario, state = game.scenario, game.state
    table = Table(Match.create(game, "hotseat"), speed="instant", threaded_ai=False)
    table.viewer = axis
    table.overlays.supply = table.overlays.pockets = table.overlays.zoc = True
    before = _overlays(table)
    truth_before = out_of_supply_ground(scenario, state, axis)

    elsewhere = _far_german_hex(scenario, state, axis, skip=spot)
    state.hex[division] = elsewhere  # the hidden division moves behind the German lines
    assert not observe(scenario, state, axis).visible[division]
    after = _overlays(table)
    truth_after = out_of_supply_ground(scenario, state, axis)

    # on the truth, the division's hex is ground the Germans cannot supply: it moved with it
    assert truth_before[spot] and not truth_after[spot] and truth_after[elsewhere]
    assert not before[0][spot] and not after[0][elsewhere]  # the window shows none of it
    assert np.array_equal(before[0], after[0])
    assert before[1] == after[1]
    assert np.array_equal(before[2], after[2])


def test_overlays_never_trace_on_the_true_state(monkeypatch: pytest.MonkeyPatch) -> None:
    game, axis, division, _ = _hidden_enemy_game()
    table = Table(Match.create(game, "hotseat"), speed="instant", threaded_ai=False)
    table.viewer = axis
    table.overlays.supply = table.overlays.pockets = table.overlays.zoc = True
    traced: list[GameState] = []
    real_ground = supply.supply_ground

    def spy(scenario: Scenario, state: GameState, side: int, *rest: Any) -> Any:
        traced.append(state)
        return real_ground(scenario, state, side, *rest)

    monkeypatch.setattr(supply, "supply_ground", spy)
    table.scene()
    assert traced, "the overlays trace supply"
    for state in traced:
        assert state is not game.state
        assert state.status[division] != UnitStatus.ACTIVE  # the hidden division is not there


# --- the computer sees only its observation ------------------------------------------------------


class SpyPlayer:
    def __init__(self, side: int) -> None:
        self.side = side
        self.seen: list[object] = []

    def next_action(self, view: Observation) -> Action:
        self.seen.append(view)
        return EndPhase()


@pytest.mark.parametrize("threaded", [False, True])
def test_the_ai_driver_hands_the_player_its_observation_only(threaded: bool) -> None:
    scenario = load_scenario(DATA / "mini.toml")
    game = Game(scenario, seed=2)
    first = scenario.sides[0]
    match = Match(game, frozenset(), "watch", 0)
    spy = SpyPlayer(first)
    match.players[first] = spy
    driver = AIDriver(threaded=threaded)
    try:
        action = None
        for _ in range(2000):
            action = driver.poll(match)
            if action is not None:
                break
            if driver._pending is not None:
                driver._pending.result(timeout=30)
        assert isinstance(action, EndPhase)
    finally:
        driver.shutdown()
    assert len(spy.seen) == 1
    view = spy.seen[0]
    assert isinstance(view, Observation) and view.side == first
    assert not isinstance(view, Game | GameState)


def test_a_computer_move_is_applied_as_an_order_through_the_fog() -> None:
    scenario = load_scenario(DATA / "mini.toml")
    game = Game(scenario, seed=2)
    match = Match.create(game, "watch")
    table = Table(match, speed="instant", threaded_ai=False)
    calls: list[Action] = []
    real = game.apply_order

    def spy(action: Action) -> Any:
        calls.append(action)
        return real(action)

    game.apply_order = spy  # type: ignore[method-assign]
    for _ in range(30):
        table.step_ai(1.0)
        if game.state.turn > 1:
            break
    assert calls and len(calls) == len(game.actions)


# --- hot-seat saves name the humans by side id ----------------------------------------------------


def test_a_hotseat_save_remembers_the_humans_by_side_id(mini: MiniWriter, tmp_path: Path) -> None:
    scenario = load_scenario(mini())  # the save finds its scenario beside it
    soviet = scenario.side_table.index("soviet")
    match = Match(Game(scenario, seed=4), frozenset({soviet}), "solo", 4)
    path = tmp_path / "one.json"
    save_match(match, path)
    note = json.loads((tmp_path / "one.players.json").read_text())
    assert note["humans"] == ["soviet"]
    loaded = load_match(path)
    assert loaded.humans == frozenset({soviet}) and loaded.mode == "solo"


# --- three sides on two teams ------------------------------------------------------------------

THREE_SIDES = """
[sides.hungary]
name = "Second Hungarian Army"
short = "Hungarian"
team = "axis"
color = "#5f8a3c"
supply_edges = ["west"]

[teams.axis]
name = "Axis powers"

[[units]]
id = "hungarian_7"
name = "7th Light Division"
short = "7 Lt"
side = "hungary"
template = "rifle"
formation = "Second Hungarian Army"
lat = 50.55
lon = 35.80
"""


def three_sides(mini: MiniWriter) -> Path:
    path = mini(
        replace={'sides = ["axis", "soviet"]': 'sides = ["axis", "soviet", "hungary"]'},
        append=THREE_SIDES,
    )
    return path


def test_three_sides_on_two_teams_draw_with_their_own_colours(
    mini: MiniWriter, tmp_path: Path
) -> None:
    path = three_sides(mini)
    scenario = load_scenario(path)
    table = scenario.side_table
    hungary, axis = table.index("hungary"), table.index("axis")
    assert table.allied(hungary, axis) and len(table.team_ids) == 2
    app = App((1280, 800), sounds=False, settings=Settings(threaded_ai=False))
    try:
        start_match(app, str(path), "watch", seed=3)
        frames(app, 2)
        screen = app.stack.find(MapScreen)
        assert isinstance(screen, MapScreen)
        screen.table.paused = True  # hold the computer still: the picture is of turn 1
        game = screen.match.game
        state = game.state
        # some German ground becomes Hungarian: tinted in the Hungarian colour, no front between
        german = np.flatnonzero(state.control == axis)
        state.control[german[: len(german) // 2]] = hungary
        for side in scenario.sides:
            screen.table.viewer = side
            screen.table.version += 1
            screen.table.overlays.supply = screen.table.overlays.zoc = True
            frames(app, 2)
            pygame.image.save(app.window, str(tmp_path / f"three_sides_{side}.png"))
        layout = render.map_layout(scenario.map, 20.0)
        teams = render.team_lookup(table.team)
        hexes = np.flatnonzero(state.control == hungary).astype(np.intp)
        allied_only = [
            h
            for h in hexes.tolist()
            if all(
                n < 0 or int(state.control[n]) in (axis, hungary)
                for n in scenario.map.neighbor[h].tolist()
            )
        ]
        assert allied_only, "test bug: no Hungarian hex borders only Axis ground"
        inner = render.front_segments(
            scenario.map, layout, state.control, teams, np.array(allied_only, dtype=np.intp)
        )
        assert not inner  # teammates' ground meets without a front line
        tints = palette.palette(scenario).tints()
        assert len({tints[s] for s in scenario.sides}) == 3
        assert sample_counters(scenario).get_width() > 0
        report = ReportScreen(app, screen.match)
        app.push(report)
        frames(app, 3)
        app.stack.pop()
    finally:
        app.close()


def test_the_end_of_the_game_is_told_by_the_winning_team(mini: MiniWriter) -> None:
    scenario = load_scenario(three_sides(mini))
    table = scenario.side_table
    axis_team = int(table.team[table.index("axis")])
    won = Event("game_over", 6, axis_team, data={"level": "marginal", "cause": "points"})
    assert event_actor(scenario, won) == ("Axis powers", table.members(axis_team)[0])
    assert "Axis powers" in event_html(scenario, won)
    draw = Event("game_over", 6, NO_SIDE, data={"level": "draw", "cause": "points"})
    assert event_actor(scenario, draw) == ("Nobody", NO_SIDE)
    moved = Event("move", 2, table.index("hungary"), (0,), 5)
    assert event_actor(scenario, moved) == ("Hungarian", table.index("hungary"))


def test_three_sides_play_a_turn_in_the_window(mini: MiniWriter) -> None:
    scenario = load_scenario(three_sides(mini))
    game = Game(scenario, seed=8)
    players = {s: make_player(scenario, s, 10 + s) for s in scenario.sides}
    while game.state.turn == 1 and not game.state.over:
        play_one(game, players[scenario.sides[game.state.side_index]])
    match = Match(game, frozenset({scenario.side_table.index("hungary")}), "solo", 0)
    table = Table(match, speed="instant", threaded_ai=False)
    table.overlays.supply = table.overlays.pockets = table.overlays.zoc = True
    scene = table.scene()
    assert scene.stacks
    shown = {look.color for stack in scene.stacks for look in stack.looks}
    assert palette.palette(scenario).fill(scenario.side_table.index("hungary")) in shown


def test_a_side_id_for_the_window_is_the_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from game.ui import app as app_module

    opened: list[tuple[str, int | None]] = []

    def fake_start(app: Any, name: str, mode: str, side: int | None, seed: int | None) -> None:
        opened.append((name, side))

    monkeypatch.setattr(app_module, "start_match", fake_start)
    scenario = catalogue.scenario(KHARKOV)
    assert app_module.run("solo", scenario.id, "soviet", 1, frames=1) == 0
    assert opened == [(scenario.id, scenario.side_table.index("soviet"))]
    assert app_module.run("solo", scenario.id, "nobody", 1, frames=1) == 2


def test_hex_names_in_the_side_panel_are_place_names() -> None:
    from game.ui.panels import hex_summary

    scenario = catalogue.scenario(KHARKOV)
    city = scenario.map.cities[0]
    grid = scenario.map
    here = grid.hex_of(city.hex)
    near = grid.index_of(hexgrid.Hex(here.q + 1, here.r))
    assert hex_summary(scenario, city.hex).startswith(city.name)
    assert " of " in hex_summary(scenario, near)
    assert any(c.name in hex_summary(scenario, near) for c in grid.cities)


THREE_SIDES_FILE = DATA / "three_sides.toml"


@pytest.mark.skipif(not THREE_SIDES_FILE.exists(), reason="tests/data/three_sides.toml not there")
def test_the_three_sides_scenario_draws_from_every_sides_eyes(tmp_path: Path) -> None:
    app = App((1600, 900), sounds=False, settings=Settings(threaded_ai=False))
    try:
        start_match(app, str(THREE_SIDES_FILE), "watch", seed=4)
        screen = app.stack.find(MapScreen)
        assert isinstance(screen, MapScreen)
        table = screen.table
        table.paused = True
        scenario = screen.match.game.scenario
        assert len(scenario.sides) == 3
        table.overlays.supply = table.overlays.pockets = table.overlays.zoc = True
        for viewer in [None, *scenario.sides]:
            table.viewer = viewer
            table.version += 1
            frames(app, 2)
            path = tmp_path / f"three_sides_{viewer}.png"
            pygame.image.save(app.window, str(path))
            assert path.stat().st_size > 0
        # every side's counters show in its own colour to a spectator
        table.viewer = None
        table.version += 1
        fills = {look.color for stack in table.scene().stacks for look in stack.looks}
        assert fills == set(scenario.side_table.colors)
        app.open("report", match=screen.match)
        frames(app, 3)
        assert scenario.side_table.short[2] in app.stack.top.losses.html_text  # type: ignore[attr-defined]
    finally:
        app.close()
