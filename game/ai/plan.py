"""Operational plans from the scenario file: which plan phase a side is in, and each unit's order.

A plan is data (`spec.plans[side]`): phases with date windows, tasks that give formations a
posture, objectives and an axis of advance, triggers that switch phases, and hold orders. This
module turns it into per-unit `Order`s for the tactical layer.

Phase switching, on each of the side's turns:
  * a trigger of the current phase that fires makes its `then` phase *pending*;
  * when the current phase's `end` date has passed, the next phase in file order is pending;
  * a pending phase begins as soon as its own `start` date is reached (a trigger cannot start a
    phase before its window: Stavka did not switch to the defence before it did);
  * a `phase_start_day` knob makes its phase begin on that day whatever phase the side is in,
    and `phase_shift_days` knobs move a phase's `start` and `end` (game.scenario.knob_effects).
A side's `breakout` (game.rules.breakout), once begun, overrides the tasks of its formations:
their units make for the units of its `toward` formations (posture breakout), as a task with
posture "breakout" asks of its units. A phase that gives the breakout's formations a "breakout"
task is the plan's order to break out: the AI orders it (`calls_for_breakout`).
Trigger meanings, from the side's own point of view: `city_taken` the side holds the city;
`city_lost` another side holds it; `date` the turn's date is on or after the date;
`losses_exceed` the side's men lost are more than `share` of the men it has brought onto the map;
`pocket_formed` two or more units (of either side, as far as the side can see) are in pockets
that were not when the phase's first look was taken (its first turn).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from game.enums import parse_enum
from game.hexgrid import distance_array
from game.rules import breakout
from game.scenario.knob_effects import day_after_start, knob_values
from game.scenario.model import Scenario
from game.scenario.schema import HoldOrder, PathPoint, PlanPhase, PlanSpec, Trigger


class Posture(IntEnum):
    """What a task asks of its units; the tactical layer scores moves and attacks by it."""

    ATTACK = 0
    HOLD = 1
    DELAY = 2
    WITHDRAW = 3
    RESERVE = 4
    BREAKOUT = 5  # out of a pocket toward the units of friendly formations


@dataclass(frozen=True)
class Order:
    """One unit's orders for this turn.

    `goals` are the hexes the unit works toward, in order (axis waypoints still to reach, then
    objectives not yet held); `objectives` are all the task's objective hexes (for holding);
    `garrison` is the hold-order city hex the unit must not leave, -1 for none.
    """

    posture: Posture
    goals: tuple[int, ...]
    objectives: tuple[int, ...]
    task: int  # index of the task in the phase, -1 for units no task names
    garrison: int = -1
    own_loss_weight: float | None = None  # the task's price of own losses (None: the posture's)


@dataclass(frozen=True)
class Task:
    posture: Posture
    formations: frozenset[int]
    objectives: tuple[int, ...]
    axis: tuple[int, ...]
    toward: frozenset[int] = frozenset()  # breakout: formations whose units are the goals
    own_loss_weight: float | None = None


def point_hex(scenario: Scenario, point: PathPoint | tuple[float, float]) -> int:
    """The hex of a place id or a [lat, lon] pair (-1 if off the map)."""
    if isinstance(point, str):
        city = scenario.map.city_by_id(point)
        return -1 if city is None else city.hex
    lat, lon = point
    return int(scenario.map.hex_of_latlon(lat, lon))


def _hexes(
    scenario: Scenario, points: list[PathPoint] | list[str | tuple[float, float]]
) -> tuple[int, ...]:
    out: list[int] = []
    for p in points:
        h = point_hex(scenario, p)
        if h >= 0 and h not in out:
            out.append(h)
    return tuple(out)


def plan_cities(scenario: Scenario) -> list[str]:
    """City ids any plan names (objectives, axes, triggers, hold orders), in file order."""
    names: list[str] = []

    def add(value: object) -> None:
        if isinstance(value, str) and scenario.map.city_by_id(value) and value not in names:
            names.append(value)

    for plan in scenario.spec.plans.values():
        for phase in plan.phases:
            for task in phase.tasks:
                for o in task.objectives:
                    add(o)
                for p in task.axis:
                    add(p)
            for trigger in phase.triggers:
                add(trigger.city)
        for hold in plan.hold:
            add(hold.city)
    return names


@dataclass
class PlanTracker:
    """Follows one side's plan through the game: the current phase and when it began."""

    scenario: Scenario
    side: int
    spec: PlanSpec | None
    phase_index: int = 0
    phase_turn: int = 1
    pending: int = -1
    pockets_at_start: frozenset[int] | None = None  # pocketed units when first looked at
    last_turn: int = 0
    tasks: list[Task] = field(default_factory=list)
    history: list[tuple[int, str]] = field(default_factory=list)  # (turn, phase id) switches
    # phase index -> (start, end) as the knobs moved them; phase index -> date it is forced in
    dates: dict[int, tuple[dt.date | None, dt.date | None]] = field(default_factory=dict)
    scheduled: dict[int, dt.date] = field(default_factory=dict)
    breakout_ordered: int = 0  # the turn the side ordered its breakout (its observation's)
    # id of a hold order of the scenario -> its hex (-1: none on the map) and the units it names
    # (the scenario keeps its orders)
    _named: dict[int, tuple[int, frozenset[int]]] = field(default_factory=dict, repr=False)

    @classmethod
    def for_side(cls, scenario: Scenario, side: int) -> PlanTracker:
        name = scenario.side_table.ids[side]
        spec = next((p for n, p in scenario.spec.plans.items() if n == name), None)
        tracker = cls(scenario, side, spec)
        tracker._knob_dates()
        tracker._load_tasks()
        if spec is not None:
            tracker.history.append((1, spec.phases[0].id))
        return tracker

    @property
    def phase(self) -> PlanPhase | None:
        return None if self.spec is None else self.spec.phases[self.phase_index]

    @property
    def phase_id(self) -> str:
        phase = self.phase
        return "" if phase is None else phase.id

    def _load_tasks(self) -> None:
        phase = self.phase
        self.tasks = []
        if phase is None:
            return
        formations = self.scenario.units.formations
        for task in phase.tasks:
            self.tasks.append(
                Task(
                    posture=parse_enum(Posture, task.posture),
                    formations=frozenset(
                        i for i, name in enumerate(formations) if name in task.formations
                    ),
                    objectives=_hexes(self.scenario, list(task.objectives)),
                    axis=_hexes(self.scenario, list(task.axis)),
                    toward=frozenset(
                        i for i, name in enumerate(formations) if name in task.toward
                    ),
                    own_loss_weight=task.own_loss_weight,
                )
            )

    def _knob_dates(self) -> None:
        """Phase dates as the `phase_shift_days` and `phase_start_day` knobs set them."""
        if self.spec is None:
            return
        name = self.scenario.side_table.ids[self.side]
        for i, phase in enumerate(self.spec.phases):
            start, end = phase.start, phase.end
            shift = sum(knob_values(self.scenario, "phase_shift_days", name, phase.id))
            if shift:
                moved = dt.timedelta(days=int(shift))
                start = None if start is None else start + moved
                end = None if end is None else end + moved
            self.dates[i] = (start, end)
            forced = knob_values(self.scenario, "phase_start_day", name, phase.id)
            if forced:
                day = day_after_start(self.scenario, forced[-1])
                if day is not None:
                    self.scheduled[i] = day
                    self.dates[i] = (day, end)

    def _phase_by_id(self, phase_id: str) -> int:
        assert self.spec is not None
        for i, p in enumerate(self.spec.phases):
            if p.id == phase_id:
                return i
        return -1

    def update(
        self,
        turn: int,
        control: npt.NDArray[np.uint8],
        loss_share: float,
        pocket_units: frozenset[int],
    ) -> None:
        """Advance the plan to `turn` (call once per turn, before giving orders)."""
        if self.spec is None or turn == self.last_turn:
            return
        self.last_turn = turn
        date = self.scenario.date_of_turn(turn)
        phase = self.spec.phases[self.phase_index]
        if self.pending < 0:
            for trigger in phase.triggers:
                if self._fires(trigger, date, control, loss_share, pocket_units):
                    self.pending = self._phase_by_id(trigger.then)
                    break
        end = self.dates.get(self.phase_index, (phase.start, phase.end))[1]
        ended = end is not None and date > end
        if self.pending < 0 and ended and self.phase_index + 1 < len(self.spec.phases):
            self.pending = self.phase_index + 1
        entered = {phase_id for _, phase_id in self.history}
        for index, day in self.scheduled.items():
            if date >= day and self.spec.phases[index].id not in entered:
                self.pending = index  # a knob's phase begins on its day, whatever came before
        if self.pending >= 0 and self.pending != self.phase_index:
            target = self.spec.phases[self.pending]
            start = self.dates.get(self.pending, (target.start, target.end))[0]
            if start is None or date >= start:
                self.phase_index = self.pending
                self.pending = -1
                self.phase_turn = turn
                self.pockets_at_start = None
                self.history.append((turn, target.id))
                self._load_tasks()
        elif self.pending == self.phase_index:
            self.pending = -1

    def _fires(
        self,
        trigger: Trigger,
        date: dt.date,
        control: npt.NDArray[np.uint8],
        loss_share: float,
        pocket_units: frozenset[int],
    ) -> bool:
        if trigger.when == "date":
            return trigger.date is not None and date >= trigger.date
        if trigger.when in ("city_taken", "city_lost"):
            city = self.scenario.map.city_by_id(trigger.city or "")
            if city is None:
                return False
            owner = int(control[city.hex])
            if trigger.when == "city_taken":
                return bool(self.scenario.side_table.friendly_ground[self.side][owner])
            return bool(self.scenario.side_table.hostile_ground[self.side][owner])
        if trigger.when == "losses_exceed":
            return trigger.share is not None and loss_share > trigger.share
        if trigger.when == "pocket_formed":
            if self.pockets_at_start is None:  # the first look in this phase sets the baseline
                self.pockets_at_start = pocket_units
                return False
            return len(pocket_units - self.pockets_at_start) >= 2
        return False  # pragma: no cover - the schema allows no other kinds

    def hold_orders(
        self, turn: int, enemy: npt.NDArray[np.intp] | None = None
    ) -> list[tuple[int, frozenset[int]]]:
        """(city or point hex, the units that should garrison it; empty = any) of the side's
        hold orders still in force: the units the order names and the units of the formations
        it names. `enemy`: the hexes of the enemy units the side knows of, which keep an order
        with `while_enemy_within_km` in force past its `until` (none given: none known)."""
        date = self.scenario.date_of_turn(turn)
        units = self.scenario.units
        out = []
        for hold in self.scenario.holds.get(self.side, ()):
            if hold.from_date is not None and date < hold.from_date:
                continue
            found = self._named.get(id(hold))
            if found is None:  # the same every turn: asked for at every phase
                place = hold.city if hold.city is not None else hold.point
                named = set(hold.formations)
                found = (
                    -1 if place is None else point_hex(self.scenario, place),
                    frozenset(
                        u
                        for u in range(units.count)
                        if units.ids[u] in hold.units
                        or units.formations[units.formation[u]] in named
                    ),
                )
                self._named[id(hold)] = found
            past = hold.until is not None and date > hold.until
            if past and not self._enemy_near(hold, found[0], enemy):
                continue
            if found[0] >= 0:
                out.append(found)
        return out

    def _enemy_near(self, hold: HoldOrder, place: int, enemy: npt.NDArray[np.intp] | None) -> bool:
        """A known enemy unit stands within the order's `while_enemy_within_km` of its place."""
        km = hold.while_enemy_within_km
        if km is None or enemy is None or len(enemy) == 0 or place < 0:
            return False
        grid = self.scenario.map
        steps = distance_array(grid.q[enemy], grid.r[enemy], grid.q[place], grid.r[place])
        return bool(np.any(steps <= self.scenario.scale.hexes(km)))

    def orders(
        self,
        units: npt.NDArray[np.intp],
        control: npt.NDArray[np.uint8],
        hexes: npt.NDArray[np.int32] | None = None,
        active: npt.NDArray[np.bool_] | None = None,
    ) -> dict[int, Order]:
        """Each unit's order under the current phase (garrisons are assigned elsewhere).
        `hexes` and `active` (the side's own units' hexes and who is on the map) give the goals
        of breakouts; without them a breakout has none."""
        formation = self.scenario.units.formation
        result: dict[int, Order] = {}
        rule = self._breakout(hexes, active)
        ours = self.scenario.side_table.friendly_ground[self.side][control]
        # one order per task, shared by its units (orders are frozen): a task's goals are the
        # same for all of them, and the move scoring keeps its arrays by order
        of_task: dict[int, Order] = {}
        none = Order(Posture.HOLD, (), (), -1)
        going = frozenset() if rule is None else rule.formations
        breaking = none if rule is None else Order(Posture.BREAKOUT, rule.axis, (), -1)
        for u in units.tolist():
            f = int(formation[u])
            if f in going:
                result[u] = breaking
                continue
            for t, task in enumerate(self.tasks):
                if f in task.formations:
                    order = of_task.get(t)
                    if order is None:
                        if task.posture == Posture.BREAKOUT:
                            goals = self._toward(task.toward, hexes, active)
                        else:
                            goals = self._goals(task, ours)
                        order = of_task[t] = Order(
                            posture=task.posture,
                            goals=goals,
                            objectives=task.objectives,
                            task=t,
                            own_loss_weight=task.own_loss_weight,
                        )
                    result[u] = order
                    break
            else:
                result[u] = none
        return result

    def breaking_out(self) -> frozenset[int]:
        """Formations (indices) of the side's breakout once it has begun (none before)."""
        spec = breakout.breakout_spec(self.scenario, self.side)
        if spec is None or not breakout.breaking_out(
            self.scenario, self.side, self.last_turn, self.breakout_ordered
        ):
            return frozenset()
        names = self.scenario.units.formations
        return frozenset(i for i, name in enumerate(names) if name in spec.formations)

    def calls_for_breakout(self) -> bool:
        """The current phase gives the side's breakout formations a "breakout" task, and the
        breakout has not begun: the side should order it (`OrderBreakout`)."""
        spec = breakout.breakout_spec(self.scenario, self.side)
        if spec is None or self.breaking_out():
            return False
        names = self.scenario.units.formations
        pocket = {i for i, name in enumerate(names) if name in spec.formations}
        return any(t.posture == Posture.BREAKOUT and t.formations & pocket for t in self.tasks)

    def _breakout(
        self, hexes: npt.NDArray[np.int32] | None, active: npt.NDArray[np.bool_] | None
    ) -> Task | None:
        """The side's breakout as a task (axis: the goal hexes), once it has begun."""
        spec = breakout.breakout_spec(self.scenario, self.side)
        going = self.breaking_out()
        if spec is None or not going:
            return None
        names = self.scenario.units.formations
        toward = frozenset(i for i, name in enumerate(names) if name in spec.toward)
        goals = self._toward(toward, hexes, active)
        return Task(Posture.BREAKOUT, going, (), goals, toward)

    def _toward(
        self,
        toward: frozenset[int],
        hexes: npt.NDArray[np.int32] | None,
        active: npt.NDArray[np.bool_] | None,
    ) -> tuple[int, ...]:
        """Hexes of the side's own units of `toward` on the map, in unit order."""
        if hexes is None or active is None:
            return ()
        units = self.scenario.units
        picked = np.isin(units.formation, np.array(sorted(toward), dtype=np.int64))
        picked &= active & (hexes >= 0) & (units.side == self.side)
        return tuple(dict.fromkeys(int(h) for h in hexes[picked].tolist()))

    def _goals(self, task: Task, ours: npt.NDArray[np.bool_]) -> tuple[int, ...]:
        """Hexes still to reach: for attacks, axis waypoints and objectives not yet held (`ours`:
        the side's team's ground), in order; for the other postures, the objectives themselves."""
        if task.posture != Posture.ATTACK:
            return task.objectives
        route = list(task.axis)
        # waypoints up to the last one already held are behind us
        held = [i for i, h in enumerate(route) if ours[h]]
        if held:
            route = route[held[-1] + 1 :]
        goals = [h for h in route if not ours[h]]
        goals += [h for h in task.objectives if not ours[h] and h not in goals]
        if not goals:
            goals = list(task.objectives[-1:])
        return tuple(goals)
