"""What the map screen's side panel says: a unit, a hex, the odds of an attack, a log line.

Pure functions from the game (and the viewer's side) to HTML for pygame_gui text boxes and to
chart surfaces, so the screen only decides when to refresh them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pygame

from game import engine
from game.actions import Attack
from game.enums import NO_SIDE, Terrain, UnitKind, UnitSize
from game.events import Event
from game.narrate import city_name, describe_hex, event_text
from game.observation import Observation
from game.rules import combat, combat_phase, movement, supply, weather
from game.rules.losses import tanks_present
from game.scenario.model import Scenario
from game.state import GameState, Phase, UnitStatus
from game.ui.assets import font
from game.ui.counters import KIND_NAMES, current_strength
from game.ui.palette import Palette, palette
from game.ui.terrain import TERRAIN_NAMES
from game.ui.widgets import MUTED, PANEL, PANEL_LINE, TEXT, esc, event_actor, side_html

PHASE_NAMES = {
    Phase.REINFORCEMENT: "reinforcements",
    Phase.SUPPLY: "supply",
    Phase.MOVEMENT: "movement",
    Phase.COMBAT: "combat",
    Phase.EXPLOITATION: "exploitation",
    Phase.END: "end of turn",
}
SUPPLY_NOTES = {
    0: "in supply",
    1: "out of supply 1 turn: attack halved",
    2: "out of supply 2 turns: attack halved, no replacements",
}
OUTCOME_COLORS = {
    combat.Outcome.HELD: (120, 120, 110),
    combat.Outcome.RETREATED: (200, 120, 30),
    combat.Outcome.ELIMINATED: (150, 20, 20),
    combat.Outcome.SURRENDERED: (110, 20, 110),
    combat.Outcome.UNOPPOSED: (60, 120, 60),
    combat.Outcome.VOID: (90, 90, 90),
}


def unit_html(
    scenario: Scenario,
    state: GameState,
    view: Observation | None,
    u: int,
    fate: tuple[int, str] | None = None,
) -> str:
    """Everything the viewer may know about one unit (all of it for its own team's); `fate` is
    the turn and way it was lost, when the viewer knows it is gone (`briefings.unit_fates`)."""
    units = scenario.units
    side = int(units.side[u])
    own = view is None or bool(view.friendly[u])
    visible = view is None or bool(view.visible[u])
    steps = int(state.steps[u]) if own or visible else -1
    max_steps = int(units.max_steps[u])
    kind = KIND_NAMES.get(UnitKind(int(units.kind[u])), "unit")
    size = UnitSize(int(units.size[u])).name.lower()
    lines = [
        f"<font size=4><b>{esc(units.names[u])}</b></font>",
        f"{side_html(scenario, side)} - {esc(units.formations[int(units.formation[u])])}",
        f"{kind.capitalize()} {size}",
    ]
    if fate is not None:
        turn, how = fate
        lines.append(
            f"<font color='#ff9070'><b>{how.capitalize()}</b> on turn {turn} "
            f"({scenario.date_of_turn(turn):%d %B})</font>"
        )
    elif state.status[u] != UnitStatus.ACTIVE and own:
        status = UnitStatus(int(state.status[u])).name.lower()
        lines.append(f"<font color='#ff9070'>{status}</font>")
    if fate is not None and not own:
        pass  # a lost enemy unit: nothing more is known
    elif steps >= 0:
        pips = "&#9632;" * steps + "&#9633;" * max(0, max_steps - steps)
        attack = current_strength(int(units.attack[u]), steps, max_steps)
        defence = current_strength(int(units.defence[u]), steps, max_steps)
        lines.append(f"Steps {steps} of {max_steps}  {pips}")
        lines.append(
            f"Attack <b>{attack}</b> ({int(units.attack[u])}) - Defence <b>{defence}</b> "
            f"({int(units.defence[u])}) - Move <b>{int(units.movement[u])}</b>"
        )
        men = int(supply.strength_at(units.men[u], steps, max_steps))
        tanks = int(tanks_present(scenario, steps, u))  # a side's tank_losses rule
        lines.append(f"About {men:,} men" + (f", {tanks} tanks" if tanks else ""))
    else:
        last = int(view.last_seen_turn[u]) if view is not None else 0
        lines.append(
            f"<font color='#a8a088'>Not seen now{f' (last seen turn {last})' if last else ''}</font>"
        )
    if own and state.status[u] == UnitStatus.ACTIVE and fate is None:
        out = int(state.supply[u])
        note = SUPPLY_NOTES.get(out, f"out of supply {out} turns: attrition")
        colour = "#c8e0a0" if out == 0 else "#ffb040"
        lines.append(f"Supply: <font color='{colour}'>{note}</font>")
        fatigue = int(state.fatigue[u])
        if fatigue:
            lines.append(f"Fatigue {fatigue} (rests when it neither attacks nor lacks supply)")
        if (
            state.phase in (Phase.MOVEMENT, Phase.EXPLOITATION)
            and engine.moving_side(scenario, state) == side
        ):
            left = int(state.movement_left[u]) / movement.COST_PER_MP
            lines.append(f"Movement left: <b>{left:g}</b> MP")
    h = int(state.hex[u]) if (own or visible) else -1
    if h >= 0:
        lines.append(f"At {esc(hex_summary(scenario, h))}")
    arrive = int(units.arrive_turn[u])
    if arrive > state.turn and own:
        lines.append(f"Arrives on turn {arrive} ({scenario.date_of_turn(arrive):%d %b})")
    withdraw = int(units.withdraw_turn[u])
    if withdraw and own:
        lines.append(f"Withdrawn on turn {withdraw} ({scenario.date_of_turn(withdraw):%d %b})")
    return "<br>".join(lines)


def hex_summary(scenario: Scenario, h: int) -> str:
    grid = scenario.map
    terrain = TERRAIN_NAMES.get(Terrain(int(grid.terrain[h])), "ground")
    place = describe_hex(scenario, h)
    rivers = int(np.count_nonzero(grid.river[h]))
    extra = f", river on {rivers} side{'s' if rivers > 1 else ''}" if rivers else ""
    return f"{place} ({terrain}{extra})"


def hex_html(scenario: Scenario, state: GameState, h: int) -> str:
    """A hex with no unit of interest selected: ground, town, owner and victory points."""
    grid = scenario.map
    lines = [f"<b>{esc(hex_summary(scenario, h))}</b>"]
    c = int(grid.city_at[h])
    if c >= 0:
        city = grid.cities[c]
        vp = int(scenario.vp[h])
        lines.append(
            f"{city.size.capitalize()} of {esc(city.name)}"
            + (f", {vp} victory points" if vp else "")
        )
        if city.supply != "none":
            lines.append(f"Supply {city.supply}")
        if city.port:
            lines.append("Port: ships land supply here for a side that rules the sea")
    if grid.water[h] and grid.freezes[h]:
        if weather.weather_of_hex(scenario, state.turn, h) in weather.FROZEN_WEATHER:
            lines.append("Frozen hard: foot and cavalry cross the ice, but no move ends on it")
        else:
            lines.append("Freezes in frost and snow: then foot and cavalry cross the ice")
    lines.append(f"Held by {side_html(scenario, int(state.control[h]))}")
    col, row = grid.offset(h)
    lines.append(f"<font color='#a8a088'>hex {col:02d}{row:02d}</font>")
    return "<br>".join(lines)


@dataclass(frozen=True)
class AttackPreview:
    """The odds of a proposed attack and the exact chances of each result."""

    attack: Attack
    column: str
    raw_column: str
    attack_strength: float
    defence_strength: float
    shifts: dict[str, int]
    outcomes: dict[str, float]
    attacker_losses: list[float]
    defender_losses: list[float]
    expected_attacker: float
    expected_defender: float
    attacker_side: int
    defender_side: int


def preview_attack(scenario: Scenario, state: GameState, attack: Attack) -> AttackPreview:
    """Build the combat core's batch for one attack as the combat phase would, and preview it."""
    units = scenario.units
    attacker_side = int(units.side[attack.attackers[0]])
    defenders = np.nonzero(
        state.active & (state.hex == attack.target) & scenario.unit_hostile[attacker_side]
    )[0]
    defender_sides = sorted({int(units.side[d]) for d in defenders})
    ground = combat_phase.CombatGround.of(scenario, state, attacker_side, defender_sides)
    spec = combat_phase.combat_spec(scenario, state, attack, ground)
    batch = combat.build_batch(combat_phase.unit_arrays(scenario, state), [spec])
    result = combat.preview(batch)
    o = result.odds
    outcomes = {
        outcome.name.lower(): float(result.outcome_probability[0, outcome])
        for outcome in combat.Outcome
        if result.outcome_probability[0, outcome] > 0
    }
    return AttackPreview(
        attack=attack,
        column=combat.ODDS_LABELS[int(o.column[0])],
        raw_column=combat.ODDS_LABELS[max(0, min(combat.N_COLUMNS - 1, int(o.raw_column[0])))],
        attack_strength=float(o.attack_strength[0]) / combat.STRENGTH_SCALE,
        defence_strength=float(o.defence_strength[0]) / combat.STRENGTH_SCALE,
        shifts={
            "ground": int(o.ground_shift[0]),
            "fortification": int(o.fortification_shift[0]),
            "weather": int(o.weather_shift[0]),
            "armour": int(o.armour_shift[0]),
            "support": int(o.support_shift[0]),
        },
        outcomes=outcomes,
        attacker_losses=[float(p) for p in result.attacker_loss_probability[0]],
        defender_losses=[float(p) for p in result.defender_loss_probability[0]],
        expected_attacker=float(result.expected_attacker_steps_lost[0]),
        expected_defender=float(result.expected_defender_steps_lost[0]),
        attacker_side=attacker_side,
        defender_side=defender_sides[0] if defender_sides else NO_SIDE,
    )


def preview_html(scenario: Scenario, p: AttackPreview) -> str:
    names = ", ".join(scenario.units.labels[u] for u in p.attack.attackers)
    shifts = ", ".join(f"{k} {v:+d}" for k, v in p.shifts.items() if v)
    lines = [
        f"<b>Attack on {esc(describe_hex(scenario, p.attack.target))}</b>",
        f"{esc(names)}",
        f"Strength {p.attack_strength:.1f} against {p.defence_strength:.1f}: "
        f"{p.raw_column}"
        + (f" shifted ({esc(shifts)})" if shifts else "")
        + f" to <b>{p.column}</b>",
        f"Expected steps lost: attacker {p.expected_attacker:.2f}, defender {p.expected_defender:.2f}",
    ]
    return "<br>".join(lines)


def preview_image(size: tuple[int, int], p: AttackPreview, colors: Palette) -> pygame.Surface:
    """Outcome chances as a stacked bar, then the two loss distributions side by side, each in
    its side's colour."""
    w, h = size
    surface = pygame.Surface(size)
    surface.fill(PANEL)
    small = font(12)
    title = font(13, bold=True)
    surface.blit(title.render(f"Odds {p.column}: what happens to the defender", True, TEXT), (6, 4))
    bar = pygame.Rect(6, 24, w - 12, 22)
    x = float(bar.left)
    legend_y = bar.bottom + 4
    legend_x = 6
    for name, chance in p.outcomes.items():
        width = bar.width * chance
        color = OUTCOME_COLORS[combat.Outcome[name.upper()]]
        pygame.draw.rect(surface, color, (int(x), bar.top, max(1, round(width)), bar.height))
        if width > 34:
            img = small.render(f"{chance * 100:.0f}%", True, (255, 255, 255))
            surface.blit(img, img.get_rect(center=(int(x + width / 2), bar.centery)))
        x += width
        pygame.draw.rect(surface, color, (legend_x, legend_y + 3, 10, 10))
        img = small.render(f"{name} {chance * 100:.0f}%", True, MUTED)
        surface.blit(img, (legend_x + 13, legend_y))
        legend_x += img.get_width() + 22
        if legend_x > w - 90:
            legend_x = 6
            legend_y += small.get_height() + 2
    pygame.draw.rect(surface, PANEL_LINE, bar, 1)
    top = legend_y + small.get_height() + 10
    half = (w - 18) // 2
    for k, (label, losses, side) in enumerate(
        (
            ("Attacker steps lost", p.attacker_losses, p.attacker_side),
            ("Defender steps lost", p.defender_losses, p.defender_side),
        )
    ):
        left = 6 + k * (half + 6)
        surface.blit(small.render(label, True, TEXT), (left, top))
        base = h - small.get_height() - 6
        chart_top = top + small.get_height() + 16
        n = max(1, len(losses))
        slot = half / n
        color = colors.fill(side)
        for i, chance in enumerate(losses):
            bar_h = int((base - chart_top) * chance)
            rect = pygame.Rect(int(left + i * slot + 2), base - bar_h, max(2, int(slot) - 4), bar_h)
            pygame.draw.rect(surface, color, rect)
            if chance >= 0.005:
                img = small.render(f"{chance * 100:.0f}%", True, TEXT)
                surface.blit(img, img.get_rect(midbottom=(rect.centerx, rect.top - 1)))
            img = small.render(str(i), True, MUTED)
            surface.blit(img, img.get_rect(midtop=(int(left + (i + 0.5) * slot), base + 2)))
        pygame.draw.line(surface, PANEL_LINE, (left, base), (left + half, base))
    return surface


def event_html(scenario: Scenario, event: Event) -> str:
    """One log line: turn, side colour, text; combats and captures stand out."""
    date = f"{scenario.date_of_turn(max(1, event.turn)):%d %b}"
    text = esc(event_text(scenario, event))
    if event.kind in ("combat", "capture", "game_over", "pocket", "surrender"):
        text = f"<b>{text}</b>"
    if event.kind == "turn":
        return f"<font color='#e0c070'><b>{text}</b></font>"
    who, colour_side = event_actor(scenario, event)
    actor = side_html(scenario, colour_side, who, bold=False)
    return f"<font color='#8a8670'>{date}</font> {actor} {text}"


def marker_for(scenario: Scenario, event: Event) -> tuple[str, tuple[int, int, int]] | None:
    """The note a combat or capture leaves on the map."""
    if event.kind == "combat":
        data = event.data
        outcome = str(data.get("outcome", "held"))
        text = f"{data.get('column', '')} A{data.get('attacker_steps_lost', 0)} D{data.get('defender_steps_lost', 0)}"
        retreat = int(data.get("retreat", 0))
        if retreat:
            text += f" R{retreat}"
        if outcome in ("eliminated", "surrendered"):
            text += f" {outcome}"
        known = outcome.upper() in combat.Outcome.__members__
        color = OUTCOME_COLORS[combat.Outcome[outcome.upper()]] if known else (90, 90, 90)
        return text, color
    if event.kind == "capture":
        taker = scenario.side_table.label(event.side)
        city = city_name(scenario, str(event.data.get("city", "")))
        return f"{taker} take {city}", palette(scenario).dark(event.side)
    return None


def hover_lines(
    scenario: Scenario, state: GameState, view: Observation | None, h: int
) -> list[tuple[str, tuple[int, int, int]]]:
    """The map's tooltip for a hex: the units the viewer sees there (with strength and, for its
    own, supply), the town with its owner and points, and the ground. (text, colour) rows."""
    if h < 0:
        return []
    units = scenario.units
    rows: list[tuple[str, tuple[int, int, int]]] = []
    if view is not None:
        here = np.flatnonzero(view.visible & (view.hex == h)).tolist()
    else:
        here = np.flatnonzero(state.active & (state.hex == h)).tolist()
    colors = palette(scenario)
    for u in here:
        side = int(units.side[u])
        own = view is None or bool(view.friendly[u])
        steps = int(state.steps[u])
        max_steps = int(units.max_steps[u])
        attack = current_strength(int(units.attack[u]), steps, max_steps)
        defence = current_strength(int(units.defence[u]), steps, max_steps)
        text = f"{units.names[u]} ({scenario.side_table.label(side)}): {attack}-{defence}-"
        text += f"{int(units.movement[u])}, {steps}/{max_steps} steps"
        if own and state.supply[u]:
            text += (
                f", out of supply {int(state.supply[u])} turn{'s' if state.supply[u] > 1 else ''}"
            )
        rows.append((text, colors.text(side)))
    grid = scenario.map
    c = int(grid.city_at[h])
    if c >= 0:
        city = grid.cities[c]
        vp = int(scenario.vp[h])
        holder = scenario.side_table.label(int(state.control[h]))
        text = f"{city.name}: held by {holder}" + (f", {vp} victory points" if vp else "")
        sudden = [rule for rule in scenario.spec.victory.sudden_death if city.id in rule.holds]
        if sudden:
            who = ", ".join(
                sorted(
                    {
                        scenario.side_table.team_label(scenario.side_table.team_of_name(r.side))
                        for r in sudden
                    }
                )
            )
            text += f"; sudden death if {who} holds it"
        rows.append((text, (255, 230, 160)))
    rows.append((hex_summary(scenario, h), (220, 214, 190)))
    return rows
