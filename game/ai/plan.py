"""Operational plans from the scenario file: which plan phase a side is in, and each unit's order.

A plan is data (`spec.plans[side]`): phases with date windows, tasks that give formations a
posture, objectives and an axis of advance, triggers that switch phases, and hold orders. This
module turns it into per-unit `Order`s for the tactical layer.

Phase switching, on each of the side's turns:
  * a trigger of the current phase that fires makes its `then` phase *pending*;
  * when the current phase's `end` date has passed, the next phase in file order is pending;
  * a pending phase begins as soon as its own `start` date is reached (a trigger cannot start a
    phase before its window: Stavka did not switch to the defence before it did).
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
from game.scenario.model import Scenario
from game.scenario.schema import PathPoint, PlanPhase, PlanSpec, Trigger


class Posture(IntEnum):
    """What a task asks of its units; the tactical layer scores moves and attacks by it."""

    ATTACK = 0
    HOLD = 1
    DELAY = 2
    WITHDRAW = 3
    RESERVE = 4


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


@dataclass(frozen=True)
class Task:
    posture: Posture
    formations: frozenset[int]
    objectives: tuple[int, ...]
    axis: tuple[int, ...]


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

    @classmethod
    def for_side(cls, scenario: Scenario, side: int) -> PlanTracker:
        name = scenario.side_table.ids[side]
        spec = next((p for n, p in scenario.spec.plans.items() if n == name), None)
        tracker = cls(scenario, side, spec)
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
                )
            )

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
        ended = phase.end is not None and date > phase.end
        if self.pending < 0 and ended and self.phase_index + 1 < len(self.spec.phases):
            self.pending = self.phase_index + 1
        if self.pending >= 0 and self.pending != self.phase_index:
            target = self.spec.phases[self.pending]
            if target.start is None or date >= target.start:
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

    def hold_orders(self, turn: int) -> list[tuple[int, frozenset[int]]]:
        """(city hex, the units that should garrison it; empty = any) of the side's hold orders
        still in force: the units the order names and the units of the formations it names."""
        date = self.scenario.date_of_turn(turn)
        units = self.scenario.units
        out = []
        for hold in self.scenario.holds.get(self.side, ()):
            if hold.until is not None and date > hold.until:
                continue
            city = self.scenario.map.city_by_id(hold.city)
            if city is None:
                continue
            named = set(hold.formations)
            chosen = frozenset(
                u
                for u in range(units.count)
                if units.ids[u] in hold.units or units.formations[units.formation[u]] in named
            )
            out.append((city.hex, chosen))
        return out

    def orders(
        self, units: npt.NDArray[np.intp], control: npt.NDArray[np.uint8]
    ) -> dict[int, Order]:
        """Each unit's order under the current phase (garrisons are assigned elsewhere)."""
        formation = self.scenario.units.formation
        result: dict[int, Order] = {}
        for u in units.tolist():
            f = int(formation[u])
            for t, task in enumerate(self.tasks):
                if f in task.formations:
                    result[u] = Order(
                        posture=task.posture,
                        goals=self._goals(task, control),
                        objectives=task.objectives,
                        task=t,
                    )
                    break
            else:
                result[u] = Order(Posture.HOLD, (), (), -1)
        return result

    def _goals(self, task: Task, control: npt.NDArray[np.uint8]) -> tuple[int, ...]:
        """Hexes still to reach: for attacks, axis waypoints and objectives not yet held (in
        order); for the other postures, the objectives themselves."""
        if task.posture != Posture.ATTACK:
            return task.objectives
        ours = self.scenario.side_table.friendly_ground[self.side][control]
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
