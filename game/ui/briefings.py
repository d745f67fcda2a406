"""What the overview panels say: victory (objectives, levels, sudden death, turns left), the
historical plan, the order of battle, the enemy's turn as the player saw it, a unit's fate.

Pure functions from the game (and the viewer's side) to HTML for pygame_gui text boxes and to
plain rows, so that the screens only lay them out. Names come from the scenario file, never ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game import engine
from game.enums import NO_SIDE
from game.events import Event
from game.narrate import (
    describe_hex,
    event_text,
    named,
    sudden_death_rule_text,
    sudden_death_warning,
)
from game.rules import victory_view
from game.rules.victory_view import Band, SuddenDeathStatus, VictoryView
from game.scenario.model import Scenario
from game.session import Game
from game.state import GameState, Phase, UnitStatus
from game.ui.match import Knowledge
from game.ui.widgets import esc, side_html, team_html

WARN = "#ffb040"
DANGER = "#ff7050"
GOOD = "#c8e0a0"
MUTED_HTML = "#a8a088"
# what a player sees the enemy do, step by step, in the enemy-turn replay
REPLAY_KINDS = frozenset(
    {"move", "arrival", "attack_declared", "combat", "retreat", "advance", "capture", "pocket"}
)


# --- victory ----------------------------------------------------------------------------------


def band_range(band: Band) -> str:
    """'78 or more', '55 to 78', 'under 26' (the scoring team's points at the end)."""
    if band.below is None:
        return f"{band.min_vp:g} or more"
    if band.min_vp <= -100:
        return f"under {band.below:g}"
    return f"{band.min_vp:g} to under {band.below:g}"


def band_name(scenario: Scenario, band: Band) -> str:
    if band.winner == NO_SIDE or band.level == "draw":
        return "a draw"
    return f"{team_html(scenario, band.winner)} {esc(band.level)}"


def sudden_death_html(scenario: Scenario, status: SuddenDeathStatus, viewer: int | None) -> str:
    """One condition: what it says, where it stands, and its note from the file."""
    text = esc(sudden_death_rule_text(scenario, status))
    grid = scenario.map
    held = [grid.cities[k].name for k, h in zip(status.cities, status.held, strict=True) if h]
    notes = []
    if held:
        notes.append(f"holds {esc(', '.join(held))} now")
    hostile = viewer is not None and int(scenario.side_table.team[viewer]) != status.team
    colour = DANGER if hostile else GOOD
    if status.imminent:
        notes.append(f"<font color='{colour}'><b>met now: ends the game this turn</b></font>")
    elif status.met and status.ends_turn is not None and status.open_now:
        when = f"{scenario.date_of_turn(status.ends_turn):%d %b}"
        notes.append(
            f"<font color='{colour}'><b>held: ends the game on {when} unless retaken</b></font>"
        )
    elif status.threatened:
        what = "can be met next turn" if status.open_now else "can be met when it opens"
        notes.append(f"<font color='{WARN}'><b>{what}</b></font>")
    elif status.expired:
        notes.append("no longer possible")
    line = f"&#8226; {text}" + (f" ({'; '.join(notes)})" if notes else "")
    note = scenario.spec.victory.sudden_death[status.index].note
    if note and not note.lower().startswith("see "):
        line += f"<br><font color='{MUTED_HTML}'>&#160;&#160;{esc(named(scenario, note))}</font>"
    return line


def standing_html(
    scenario: Scenario, view: VictoryView, viewer: int | None, result: str = ""
) -> str:
    """The score, the result levels with the one it falls in now, sudden death, turns left;
    `result` is the game's result once it is over."""
    table = scenario.side_table
    scorer = table.team_label(view.scoring_team)
    end = scenario.date_of_turn(view.turns)
    left = view.turns_left
    lines = [
        f"<font size=5><b>Victory</b></font>  turn {view.turn} of {view.turns}: "
        + (
            "<b>the game is over</b>"
            if view.over
            else f"<b>{left} turn{'s' if left != 1 else ''} left</b> after this one (the last "
            f"begins {end:%d %B})"
            if left
            else "<b>the last turn</b>"
        ),
        "",
        f"<b>{esc(scorer)} victory points now: {view.points:g}</b> = cities {view.city_points:g}"
        + (
            f" {'+' if view.exchange >= 0 else '-'} losses exchange {abs(view.exchange):g} "
            f"({view.vp_per_enemy_step:g} a step each side has lost)"
            if view.vp_per_enemy_step
            else ""
        )
        + (
            f" {'+' if view.joined >= 0 else '-'} units joined to their lines {abs(view.joined):g}"
            if view.joined
            else ""
        ),
    ]
    if result:
        lines.append(f"<font size=4><b>Result: {esc(result)}</b></font>")
    band = view.band
    if band is not None and not view.over:
        lines.append(f"If the game ended now: <b>{band_name(scenario, band)}</b>")
    lines += ["", f"<b>Result at the end</b> ({esc(scorer)} points)"]
    for b in view.bands:
        row = f"{band_range(b)}: {band_name(scenario, b)}"
        if b.current:
            row = (
                f"<font color='{WARN}'>&#9654;</font> <b>{row}</b>  <font color='{WARN}'>now</font>"
            )
        else:
            row = f"&#160;&#160;&#160;{row}"
        lines.append(row)
    if view.sudden_death:
        lines += ["", "<b>Sudden death</b> (checked when each side's turn ends)"]
        lines += [sudden_death_html(scenario, s, viewer) for s in view.sudden_death]
    return "<br>".join(lines)


def objectives_html(scenario: Scenario, view: VictoryView) -> str:
    """Each objective city with its points and who holds it now."""
    grid = scenario.map
    scorer = scenario.side_table.team_label(view.scoring_team)
    lines = [f"<b>Objectives</b> (points count for {esc(scorer)} while it holds them)"]
    for o in view.objectives:
        mark = "&#9632;" if o.scoring else "&#9633;"
        lines.append(
            f"{mark} <b>{esc(grid.cities[o.city].name)}</b> {o.points}: "
            f"{side_html(scenario, o.holder)}"
        )
    held = sum(o.points for o in view.objectives if o.scoring)
    total = sum(o.points for o in view.objectives)
    lines.append(f"<font color='{MUTED_HTML}'>{esc(scorer)} holds {held} of {total} points</font>")
    return "<br>".join(lines)


def brief_html(scenario: Scenario, state: GameState) -> str:
    """How to win, for the briefing before a game: levels, sudden death, the main objectives."""
    view = victory_view.victory_view(scenario, state, None, engine.movement_rules(scenario))
    scorer = scenario.side_table.team_label(view.scoring_team)
    lines = [
        "<b>How to win</b>",
        f"{esc(scorer)} scores the points of the cities it holds"
        + (
            f", plus {view.vp_per_enemy_step:g} for each step its enemies lose and minus as much "
            "for each of its own"
            if view.vp_per_enemy_step
            else ""
        )
        + f". At the start: {view.points:g}. After turn {view.turns}:",
    ]
    lines += [f"&#160;&#160;{band_range(b)}: {band_name(scenario, b)}" for b in view.bands]
    for s in view.sudden_death:
        lines.append(f"<b>Sudden death</b>: {esc(sudden_death_rule_text(scenario, s))}")
    grid = scenario.map
    top = ", ".join(f"{grid.cities[o.city].name} {o.points}" for o in view.objectives[:8])
    lines.append(f"Objectives: {esc(top)}" + (", ..." if len(view.objectives) > 8 else ""))
    return "<br>".join(lines)


def warnings_for(scenario: Scenario, statuses: list[SuddenDeathStatus]) -> list[str]:
    return [sudden_death_warning(scenario, s) for s in statuses]


# --- the historical plan ------------------------------------------------------------------------


def plan_html(scenario: Scenario, side: int | None) -> str:
    """What the historical commander of `side` had to do (every side's when None), from the
    scenario file's plans: the plan's name and summary, then its phases with their dates."""
    table = scenario.side_table
    sides = scenario.sides if side is None else [side]
    blocks = []
    for s in sides:
        plan = scenario.spec.plans.get(table.ids[s])
        if plan is None:
            continue
        spec = scenario.spec.sides[table.ids[s]]
        who = esc(spec.commander) if spec.commander else side_html(scenario, s)
        lines = [
            f"<b>{side_html(scenario, s)}: {esc(plan.name)}</b> ({who})",
            esc(named(scenario, " ".join(plan.summary.split()))),
        ]
        for phase in plan.phases:
            when = ""
            if phase.start is not None and phase.end is not None:
                when = f"{phase.start:%d %b} - {phase.end:%d %b}: "
            elif phase.start is not None:
                when = f"from {phase.start:%d %b}: "
            lines.append(f"&#160;&#160;{when}{esc(phase.name)}")
        blocks.append("<br>".join(lines))
    return "<br><br>".join(blocks)


# --- order of battle ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ForceRow:
    unit: int
    text: str
    on_map: bool


STATE_WORDS = {
    UnitStatus.WAITING: "arrives",
    UnitStatus.ELIMINATED: "destroyed",
    UnitStatus.WITHDRAWN: "withdrawn",
    UnitStatus.SURRENDERED: "surrendered",
}


def force_rows(game: Game, side: int) -> list[ForceRow]:
    """The side's units, formation by formation: strength, supply, state and place."""
    scenario, state = game.scenario, game.state
    units = scenario.units
    mine = np.flatnonzero(units.side == side).tolist()
    mine.sort(
        key=lambda u: (int(state.status[u]) != int(UnitStatus.ACTIVE), int(units.formation[u]), u)
    )
    moving = (
        state.phase in (Phase.MOVEMENT, Phase.EXPLOITATION)
        and int(scenario.sides[state.side_index]) == side
    )
    fates = unit_fates(game, side)
    rows = []
    for u in mine:
        status = UnitStatus(int(state.status[u]))
        steps = f"{int(state.steps[u])}/{int(units.max_steps[u])}"
        if status == UnitStatus.ACTIVE:
            out = int(state.supply[u])
            supply = "supplied" if out == 0 else f"NO SUPPLY {out}"
            what = "moved" if moving and state.movement_left[u] <= 0 else "ready"
            if state.fatigue[u]:
                what += f", fatigue {int(state.fatigue[u])}"
            place = describe_hex(scenario, int(state.hex[u]))
            text = f"{units.labels[u]}  {steps}  {supply}  {what}  {place}"
        elif status == UnitStatus.WAITING:
            arrive = int(units.arrive_turn[u])
            text = f"{units.labels[u]}  {steps}  arrives turn {arrive} ({scenario.date_of_turn(arrive):%d %b})"
        else:
            fate = fates.get(u)
            when = f" turn {fate[0]}" if fate else ""
            text = f"{units.labels[u]}  {STATE_WORDS[status]}{when}"
        formation = units.formations[int(units.formation[u])]
        rows.append(ForceRow(u, f"{text}  - {formation}", status == UnitStatus.ACTIVE))
    return rows


# --- what became of a unit ----------------------------------------------------------------------

FATE_KINDS = frozenset({"combat", "retreat", "eliminated", "surrender", "attrition"})


def unit_fates(game: Game, viewer: int | None) -> dict[int, tuple[int, str]]:
    """Units gone for good (destroyed or surrendered) that `viewer` knows of, with the turn of
    the last event it saw them in and how: {unit: (turn, 'destroyed' | 'surrendered')}."""
    state = game.state
    gone = (state.status == UnitStatus.ELIMINATED) | (state.status == UnitStatus.SURRENDERED)
    if not gone.any():
        return {}
    knowledge = Knowledge(game, viewer)
    out: dict[int, tuple[int, str]] = {}
    for event in game.log:
        if event.kind not in FATE_KINDS or not knowledge.knows(event):
            continue
        for u in event.units:
            if gone[u]:
                how = "surrendered" if state.status[u] == UnitStatus.SURRENDERED else "destroyed"
                out[u] = (event.turn, how)
    return out


# --- the enemy's turn as the player saw it ------------------------------------------------------


def enemy_turn_events(game: Game, viewer: int) -> list[Event]:
    """What `viewer` saw the other teams do in their turns since its own last turn ended (the
    whole log when the viewer has had no turn yet)."""
    table = game.scenario.side_table
    log = game.log
    own_starts = [i for i, e in enumerate(log) if e.kind == "turn" and e.side == viewer]
    moving = int(game.scenario.sides[game.state.side_index])
    if own_starts and moving == viewer and not game.state.over:
        # the viewer is moving: look back from the start of this turn to the one before
        end = own_starts[-1]
        begin = own_starts[-2] if len(own_starts) >= 2 else 0
    else:
        end = len(log)
        begin = own_starts[-1] if own_starts else 0
    knowledge = Knowledge(game, viewer)
    out = []
    enemy_turn = False
    for event in log[begin:end]:
        if event.kind == "turn":
            enemy_turn = not table.allied(event.side, viewer)
            continue
        if not enemy_turn or event.kind in ("score", "losses"):
            continue
        if knowledge.knows(event):
            out.append(event)
    return out


@dataclass(frozen=True)
class ReplayStep:
    """One thing shown in the replay of the enemy's turn: where to look, what it was."""

    event: Event
    hex: int
    start: int  # a move's first hex (-1: none drawn)
    text: str


def replay_steps(scenario: Scenario, events: list[Event]) -> list[ReplayStep]:
    """The enemy's moves and fights among `events`, one step each, in the order they happened."""
    steps = []
    for event in events:
        if event.kind not in REPLAY_KINDS or event.hex < 0:
            continue
        start = int(event.data.get("start", -1)) if event.kind == "move" else -1
        steps.append(ReplayStep(event, event.hex, start, event_text(scenario, event)))
    return steps


# the replay's note on the map for a step that is not a move or a fight
REPLAY_LABELS = {
    "arrival": "arrives",
    "attack_declared": "attack declared",
    "retreat": "retreats",
    "advance": "advances",
    "pocket": "pocket",
    "move": "moves",
}
