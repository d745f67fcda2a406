"""Plots of a batch, or of a baseline against a variant, drawn beside the historical outcome.

Figures are matplotlib `Figure`s on the Agg canvas (no pyplot, no display, no global state), 1000 x
600 pixels, so the what-if lab runs on headless machines. The input is `runs.csv` rows, in memory or
read back as strings, so any plot can be redrawn from the files alone. Every figure puts the arms on
the same bins and axes: the eye should compare distributions, not scales. Every figure carries
its uncertainty: Wilson 95 % bars on shares, and each histogram's median as a dot with its 95 %
bootstrap interval (`stats`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import (
    FixedLocator,
    FuncFormatter,
    MaxNLocator,
    MultipleLocator,
    PercentFormatter,
)

from game.files import atomic_path
from game.scenario.model import Scenario
from game.sim.headlines import bootstrap_rng
from game.sim.reporters import Column, measure_columns, report_cities
from game.sim.stats import bootstrap_median, wilson

WIDTH_IN, HEIGHT_IN, DPI = 10.0, 6.0, 100  # 1000 x 600 pixels
COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:purple")
HISTORY = "black"
PlotRow = Mapping[str, Any]


@dataclass(frozen=True)
class Arm:
    """One batch to draw: its legend label and its `runs.csv` rows."""

    label: str
    rows: Sequence[PlotRow]


def write_plots(
    out: Path, scenario: Scenario, arms: Sequence[Arm], subtitle: str = ""
) -> list[Path]:
    """Write every plot of these arms into `out`; returns the paths written (none without games).

    Always: the result (victory points and levels), men and tanks lost per side, who holds
    each objective city at the end, and the measures (each side's advance, the file's measures). Then, per objective city that changed hands in some game (or in
    history), when it last did. Objectives are the reported cities with victory points or a
    historical record; the plans' waypoints stay in `runs.csv`, as forty plots would bury them.
    """
    arms = [arm for arm in arms if arm.rows]
    if not arms:
        return []
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        _save(result_figure(scenario, arms, subtitle), out / "plot_result.png"),
        _save(losses_figure(scenario, arms, "men", subtitle), out / "plot_losses_men.png"),
        _save(losses_figure(scenario, arms, "tanks", subtitle), out / "plot_losses_tanks.png"),
        _save(cities_figure(scenario, arms, subtitle), out / "plot_cities.png"),
    ]
    measures = measure_columns(scenario)
    if measures:
        figure = measures_figure(scenario, arms, measures, subtitle)
        paths.append(_save(figure, out / "plot_measures.png"))
    historical = scenario.spec.historical
    taken_in_history = {
        city for city, record in (historical.cities if historical else {}).items() if record.taken
    }
    for city in objective_cities(scenario):
        if city in taken_in_history or any(
            row.get(f"taken_{city}") for arm in arms for row in arm.rows
        ):
            figure = city_figure(scenario, arms, city, subtitle)
            paths.append(_save(figure, out / f"plot_city_{city}.png"))
    return paths


def objective_cities(scenario: Scenario) -> list[str]:
    """Reported cities with victory points or a historical record, the most valuable first."""
    historical = scenario.spec.historical
    recorded = set(historical.cities) if historical is not None else set()

    def points(city: str) -> int:
        place = scenario.map.city_by_id(city)
        return int(scenario.vp[place.hex]) if place is not None else 0

    cities = [c for c in report_cities(scenario) if points(c) > 0 or c in recorded]
    return sorted(cities, key=lambda c: (-points(c), c))


# --- figures -------------------------------------------------------------------------------------


def _grouped(
    positions: npt.NDArray[np.float64], arm: int, arms: int, width: float
) -> npt.NDArray[np.float64]:
    """Where arm `arm`'s bars go so that the arms' bars sit side by side, centred on each slot."""
    shifted: npt.NDArray[np.float64] = positions + (arm - (arms - 1) / 2) * width
    return shifted


def result_figure(scenario: Scenario, arms: Sequence[Arm], subtitle: str) -> Figure:
    """Victory points at the end (histogram, with the level bands) and the result levels."""
    figure = _figure(f"Result — {scenario.title}", subtitle)
    grid = figure.add_gridspec(1, 2, width_ratios=(3, 2))
    points_axes = figure.add_subplot(grid[0, 0])
    levels_axes = figure.add_subplot(grid[0, 1])
    victory = scenario.spec.victory
    table = scenario.side_table
    scorer = table.team_label(table.team_of_name(victory.scoring_side))

    values = [_numbers(arm.rows, "victory_points") for arm in arms]
    every = np.concatenate(values)
    bounds = [float(level.min_vp) for level in victory.levels[:-1]]  # the last band has no floor
    view = list(bounds)
    if len(bounds) >= 2:  # the open bands at either end as wide as their neighbours: labels fit
        view += [2 * bounds[0] - bounds[1], 2 * bounds[-1] - bounds[-2]]
    low = min([*every.tolist(), *view], default=0.0)
    high = max([*every.tolist(), *view], default=1.0)
    pad = max(1.0, 0.02 * (high - low))
    low, high = low - pad, high + pad
    edges = _bin_edges(every, 1.0)
    for i, (arm, arm_values) in enumerate(zip(arms, values, strict=True)):
        if arm_values.size:
            _histogram(
                points_axes, arm_values, edges, COLOURS[i], _with_median(arm.label, arm_values)
            )
    tops = [high, *bounds]
    for level, top, floor in zip(victory.levels, tops, [*bounds, low], strict=True):
        if floor > low:
            points_axes.axvline(floor, color="grey", linestyle=":", linewidth=1)
        points_axes.text(
            (max(floor, low) + min(top, high)) / 2,
            0.98,
            _level_label(level.winner, level.level).replace(" ", "\n"),
            transform=points_axes.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=9,
            color="dimgrey",
        )
    points_axes.set_xlim(low, high)
    points_axes.set_ylim(0, _headroom(points_axes.get_ylim()[1], 1.3))
    _median_bars(points_axes, arms, values, "victory_points")
    points_axes.set_xlabel(f"{scorer} victory points at the end (dotted: level thresholds)")
    points_axes.set_ylabel("games")
    points_axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    points_axes.set_title("Victory points")
    points_axes.legend(loc="upper left", bbox_to_anchor=(0.0, 0.86), fontsize=9)

    categories: list[tuple[str, str]] = [(lv.winner, lv.level) for lv in victory.levels]
    for arm in arms:
        for row in arm.rows:
            key = (str(row["winner"]), str(row["victory_level"]))
            if key not in categories:  # sudden death can give a level the bands lack
                categories.append(key)
    positions = np.arange(len(categories), dtype=np.float64)
    width = 0.8 / len(arms)
    for i, arm in enumerate(arms):
        counts = [
            sum(1 for r in arm.rows if (str(r["winner"]), str(r["victory_level"])) == c)
            for c in categories
        ]
        shares = 100.0 * np.array(counts, dtype=np.float64) / len(arm.rows)
        levels_axes.bar(
            _grouped(positions, i, len(arms), width),
            shares,
            width,
            color=COLOURS[i],
            label=arm.label,
            yerr=_share_errors(counts, len(arm.rows)),
            error_kw={"ecolor": "0.25", "capsize": 3, "linewidth": 1},
        )
    historical = scenario.spec.historical
    if historical is not None:
        key = (historical.winner, historical.level)
        if key in categories:
            levels_axes.plot(
                [categories.index(key)],
                [103],
                marker="v",
                markersize=10,
                color=HISTORY,
                linestyle="none",
                label="historical result",
            )
    levels_axes.set_xticks(
        positions, [_level_label(w, lv).replace(" ", "\n") for w, lv in categories], fontsize=9
    )
    levels_axes.set_ylim(0, 112)
    levels_axes.yaxis.set_major_formatter(PercentFormatter(100))
    levels_axes.set_ylabel("share of games")
    levels_axes.set_title("Result level")
    levels_axes.legend(loc="upper right", fontsize=9)
    return figure


def losses_figure(scenario: Scenario, arms: Sequence[Arm], kind: str, subtitle: str) -> Figure:
    """Men or tanks lost per side: overlaid histograms per arm, the historical figure as a line."""
    figure = _figure(f"{kind.title()} lost per game — {scenario.title}", subtitle)
    sides = list(scenario.sides)
    grid = figure.add_gridspec(1, len(sides))
    historical = scenario.spec.historical
    scale, unit = (1000.0, " (thousands)") if kind == "men" else (1.0, "")
    for column, side in enumerate(sides):
        axes = figure.add_subplot(grid[0, column])
        name = scenario.side_id(side)
        label = scenario.side_table.label(side)
        values = [_numbers(arm.rows, f"{kind}_lost_{name}") / scale for arm in arms]
        every = np.concatenate(values)
        least = 0.1 if kind == "men" else 1.0  # 100 men, one tank
        edges = _bin_edges(every, least)
        for i, (arm, arm_values) in enumerate(zip(arms, values, strict=True)):
            label = _with_median(arm.label, arm_values, "k" if kind == "men" else "")
            _histogram(axes, arm_values, edges, COLOURS[i], label)
        lost = getattr(historical, f"{kind}_lost", {}) if historical is not None else {}
        low, high = float(edges[0]), float(edges[-1])
        if name in lost:
            figure_lost = float(lost[name])
            axes.axvline(
                figure_lost / scale,
                color=HISTORY,
                linestyle="--",
                linewidth=1.5,
                label=f"historical: {figure_lost:,.0f}",
            )
            low, high = min(low, figure_lost / scale), max(high, figure_lost / scale)
        if high - low < 10 * least:  # no axis of fractions of a tank when every game lost none
            low = min(low, max(float(edges[0]), (low + high - 10 * least) / 2))
            high = low + 10 * least
        pad = 0.05 * (high - low)
        axes.set_xlim(low - pad, high + pad)
        if kind == "tanks":
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(0, _headroom(axes.get_ylim()[1], 1.25))
        _median_bars(axes, arms, values, f"{kind}_lost_{name}")
        axes.set_title(label)
        axes.set_xlabel(f"{label} {kind} lost per game{unit}")
        axes.set_ylabel("games")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(loc="upper right", fontsize=9)
    return figure


def measures_figure(
    scenario: Scenario, arms: Sequence[Arm], measures: Sequence[Column], subtitle: str
) -> Figure:
    """One histogram per measure column (km advanced per side, the file's own measures)."""
    figure = _figure(f"Measures per game — {scenario.title}", subtitle)
    across = min(len(measures), 3)
    grid = figure.add_gridspec(-(-len(measures) // across), across)
    for k, measure in enumerate(measures):
        axes = figure.add_subplot(grid[k // across, k % across])
        values = [_numbers(arm.rows, measure.column) for arm in arms]
        edges = _bin_edges(np.concatenate(values), 1.0)
        for i, (arm, arm_values) in enumerate(zip(arms, values, strict=True)):
            _histogram(axes, arm_values, edges, COLOURS[i], _with_median(arm.label, arm_values))
        axes.set_title(measure.column, fontsize=10)
        axes.set_ylim(0, _headroom(axes.get_ylim()[1], 1.3))
        _median_bars(axes, arms, values, measure.column)
        axes.set_ylabel("games")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(loc="upper right", fontsize=7)
    return figure


def cities_figure(scenario: Scenario, arms: Sequence[Arm], subtitle: str) -> Figure:
    """Share of games the scoring side holds each objective city at the end, beside history."""
    table = scenario.side_table
    scoring = table.team_of_name(scenario.spec.victory.scoring_side)
    scorer_names = {table.ids[s] for s in table.members(scoring)}
    figure = _figure(f"Who holds the cities at the end — {scenario.title}", subtitle)
    axes = figure.add_subplot()
    cities = objective_cities(scenario)
    positions = np.arange(len(cities), dtype=np.float64)
    height = 0.8 / len(arms)
    for i, arm in enumerate(arms):
        held = [sum(1 for r in arm.rows if r[f"owner_{city}"] in scorer_names) for city in cities]
        shares = [100.0 * k / len(arm.rows) for k in held]
        axes.barh(
            _grouped(positions, i, len(arms), height),
            shares,
            height,
            color=COLOURS[i],
            label=arm.label,
            xerr=_share_errors(held, len(arm.rows)),
            error_kw={"ecolor": "0.25", "capsize": 2, "linewidth": 1},
        )
    historical = scenario.spec.historical
    if historical is not None:
        marks = [
            (100.0 if historical.cities[c].owner in scorer_names else 0.0, positions[n])
            for n, c in enumerate(cities)
            if c in historical.cities
        ]
        if marks:
            axes.plot(
                [x for x, _ in marks],
                [y for _, y in marks],
                marker="D",
                markersize=6,
                color=HISTORY,
                linestyle="none",
                label=f"historical ({table.team_label(scoring)} holds: 100%, loses: 0%)",
                clip_on=False,
            )
    labels = []
    for city in cities:
        place = scenario.map.city_by_id(city)
        name = place.name if place is not None else city
        points = int(scenario.vp[place.hex]) if place is not None else 0
        labels.append(f"{name} ({points} VP)" if points else name)
    axes.set_yticks(positions, labels, fontsize=9 if len(cities) <= 24 else 7)
    axes.invert_yaxis()  # the most valuable city on top
    axes.set_xlim(0, 103)  # room for the historical marks at 100%
    axes.set_xticks(np.arange(0, 101, 20, dtype=np.float64))
    axes.xaxis.set_major_formatter(PercentFormatter(100))
    axes.set_xlabel(
        f"share of games in which the {table.team_label(scoring)} side holds the city at the end"
    )
    axes.grid(axis="x", color="0.9")
    axes.set_axisbelow(True)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(arms) + 1, fontsize=9)
    return figure


def city_figure(scenario: Scenario, arms: Sequence[Arm], city: str, subtitle: str) -> Figure:
    """When a city last changed hands: the share of games in which it had by each date (ECDF).

    A curve that stops below 100% says in how many games the city never changed hands at all;
    the bar at its end is that share's 95 % interval, and the dot halfway up is the median date
    (among the games in which it changed hands) with its bootstrap interval.
    """
    place = scenario.map.city_by_id(city)
    name = place.name if place is not None else city
    figure = _figure(f"{name}: when it last changed hands — {scenario.title}", subtitle)
    axes = figure.add_subplot()
    head = scenario.spec.scenario
    per_turn = float(head.days_per_turn)

    def day(date: dt.date) -> float:  # x is days since the start: turn t starts at (t-1) turns
        return float((date - head.start).days)

    start, end = 0.0, float(head.turns) * per_turn
    for i, arm in enumerate(arms):
        dates = sorted(
            day(dt.date.fromisoformat(str(r[f"taken_{city}"])))
            for r in arm.rows
            if r.get(f"taken_{city}")
        )
        games = len(arm.rows)
        xs = [start, *dates, end]
        ys = [
            0.0,
            *(100.0 * (k + 1) / games for k in range(len(dates))),
            100.0 * len(dates) / games,
        ]
        holders = _holders(arm.rows, city)
        label = f"{arm.label}: changed hands in {len(dates)} of {games} games; at the end {holders}"
        width = 3.2 - 1.4 * min(i, 1)  # the baseline wider, so a variant on top leaves it seen
        axes.step(xs, ys, where="post", color=COLOURS[i], linewidth=width, label=label)
        # the share that changed hands at all, with its Wilson interval, at the end of the curve
        share = wilson(len(dates), games)
        axes.errorbar(
            [end - (0.4 + 0.6 * i) * per_turn],
            [100.0 * share.value],
            yerr=[[100.0 * (share.value - share.low)], [100.0 * (share.high - share.value)]],
            fmt="none",
            ecolor=COLOURS[i],
            capsize=4,
            linewidth=1.5,
        )
        if dates:  # the median date among those games, with its bootstrap interval
            middle = bootstrap_median(dates, bootstrap_rng("taken", city, arm.label))
            axes.errorbar(
                [middle.value],
                [50.0 * share.value],
                xerr=[[middle.value - middle.low], [middle.high - middle.value]],
                fmt="o",
                color=COLOURS[i],
                capsize=4,
                markersize=5,
            )
    historical = scenario.spec.historical
    if historical is not None and city in historical.cities:
        record = historical.cities[city]
        if record.taken is not None:
            axes.axvline(
                day(record.taken),
                color=HISTORY,
                linestyle="--",
                linewidth=1.5,
                label=f"historical: taken by {record.owner.title()} {_day_month(record.taken)} "
                f"{record.taken.year}",
            )
        else:  # a legend line alone: history has no date to draw
            label = f"historical: {record.owner.title()} held it throughout"
            axes.plot([], [], linestyle="none", label=label)
    axes.set_xlim(start, end)
    axes.set_ylim(-2, 105)  # a curve that stays at 0% shows above the axis
    axes.yaxis.set_major_formatter(PercentFormatter(100))
    axes.set_ylabel("share of games in which it had last changed hands by then")
    axes.set_xlabel(f"date ({head.days_per_turn} days a turn)")
    axes.xaxis.set_major_locator(MultipleLocator(2 * per_turn))  # every other turn's start
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _: _day_month(head.start + dt.timedelta(days=round(x))))
    )

    def to_turn(x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        return 1.0 + np.asarray(x, dtype=np.float64) / per_turn

    def to_date(t: npt.ArrayLike) -> npt.NDArray[np.float64]:
        return (np.asarray(t, dtype=np.float64) - 1.0) * per_turn

    turns = axes.secondary_xaxis("top", functions=(to_turn, to_date))
    turns.set_xlabel("turn")
    step = max(1, -(-head.turns // 20))  # at most 20 turn numbers
    turns.xaxis.set_major_locator(FixedLocator(list(range(1, head.turns + 1, step))))
    axes.grid(color="0.9")
    axes.set_axisbelow(True)
    figure.legend(loc="outside lower center", fontsize=9, frameon=False)  # never over a curve
    return figure


# --- helpers -------------------------------------------------------------------------------------


def _figure(title: str, subtitle: str) -> Figure:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(f"{title}\n{subtitle}" if subtitle else title, fontsize=12)
    return figure


def _save(figure: Figure, path: Path) -> Path:
    with atomic_path(path, ".png") as tmp:
        figure.savefig(tmp, dpi=DPI, format="png")
    return path


def _numbers(rows: Sequence[PlotRow], key: str) -> npt.NDArray[np.float64]:
    return np.array([float(r[key]) for r in rows if r.get(key) not in (None, "")], dtype=np.float64)


def _bin_edges(values: npt.NDArray[np.float64], least: float) -> npt.NDArray[np.float64]:
    """Shared bins for every arm: about two per square root of the games, 6 to 30 of them, and
    none narrower than `least` (one tank, one victory point), so equal values make one bar."""
    count = int(np.clip(2 * np.ceil(np.sqrt(max(values.size, 1))), 6, 30))
    if values.size == 0:
        return np.linspace(0.0, least * count, count + 1)
    low, high = float(values.min()), float(values.max())
    width = max((high - low) / count, least)
    if high - low < width:
        return np.array([low - width / 2, low + width / 2], dtype=np.float64)
    return low + width * np.arange(int(np.ceil((high - low) / width)) + 1, dtype=np.float64)


def _histogram(
    axes: Axes,
    values: npt.NDArray[np.float64],
    edges: npt.NDArray[np.float64],
    colour: str,
    label: str,
) -> None:
    axes.hist(values, bins=edges.tolist(), histtype="stepfilled", alpha=0.3, color=colour)
    axes.hist(values, bins=edges.tolist(), histtype="step", linewidth=2, color=colour, label=label)


def _median_bars(
    axes: Axes, arms: Sequence[Arm], values: Sequence[npt.NDArray[np.float64]], name: str
) -> None:
    """Each arm's median as a dot with its 95 % bootstrap interval as a bar, near the top of a
    histogram's axes (draw after the y limits are set)."""
    top = axes.get_ylim()[1]
    for i, (arm, arm_values) in enumerate(zip(arms, values, strict=True)):
        if arm_values.size == 0:
            continue
        middle = bootstrap_median(arm_values.tolist(), bootstrap_rng(name, arm.label))
        axes.errorbar(
            [middle.value],
            [top * (0.72 - 0.06 * i)],
            xerr=[[middle.value - middle.low], [middle.high - middle.value]],
            fmt="o",
            color=COLOURS[i],
            capsize=4,
            markersize=5,
            linewidth=1.5,
        )


def _share_errors(count: Sequence[int], games: int) -> npt.NDArray[np.float64]:
    """Wilson 95 % error bars in percent for shares `count / games`: the [2, n] array errorbar
    and bar take (below, above)."""
    below, above = [], []
    for k in count:
        share = wilson(k, games)
        below.append(100.0 * (share.value - share.low))
        above.append(100.0 * (share.high - share.value))
    return np.array([below, above], dtype=np.float64)


def _with_median(label: str, values: npt.NDArray[np.float64], suffix: str = "") -> str:
    if values.size == 0:
        return f"{label} (no games)"
    text = f"{float(np.median(values)):,.1f}".removesuffix(".0")
    return f"{label} (median {text}{suffix})"


def _headroom(top: float, factor: float) -> float:
    """Room above the bars for the legend and labels."""
    return max(1.0, top) * factor


def _day_month(date: dt.date) -> str:
    return f"{date.day} {date:%b}"


def _level_label(winner: str, level: str) -> str:
    return "Draw" if winner == "draw" else f"{winner.title()} {level}"


def _holders(rows: Sequence[PlotRow], city: str) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        owner = str(row[f"owner_{city}"])
        counts[owner] = counts.get(owner, 0) + 1
    return ", ".join(f"{owner.title()} holds it in {n}" for owner, n in sorted(counts.items()))
