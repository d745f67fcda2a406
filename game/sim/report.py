"""The report of an experiment: `report.html` (one self-contained file) and `report.md` beside it.

`report.html` needs nothing but a browser and no network: its plots are embedded as base64 PNG,
its style is inline, and it has no script. `report.md` says the same in Markdown and links the
plot files beside it. Both say what was run (scenario, the file's hash, knobs, seeds, program and
rules version, the command), the headline results as sentences, the historical outcome from the
scenario's `[historical]` block (the plots mark it too), and link the raw `runs.csv` files.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.files import write_atomic
from game.scenario.model import RULES_VERSION, Scenario

PROGRAM = "eastfront"
SMALL_SAMPLE = 10  # games per arm below which a percentile bootstrap of a median is too narrow


def program_version() -> str:
    """The installed program's version, or "unknown" when run from an uninstalled tree."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PROGRAM)
    except PackageNotFoundError:  # pragma: no cover - the tests run an installed tree
        return "unknown"


@dataclass
class Report:
    """What a report says; paths are relative to the folder the report is written into."""

    title: str
    scenario: Scenario
    command: str  # the command line as typed, or its equivalent
    runs: int
    seeds: str  # "1-12", or "fresh seeds 100-111 from the save's turn 5"
    knobs: dict[str, Any] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # first row: the header
    plots: list[str] = field(default_factory=list)
    runs_files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if 0 < self.runs < SMALL_SAMPLE:
            self.notes.append(
                f"Only {self.runs} games per arm: the bootstrap intervals of medians come out "
                f"too narrow below about {SMALL_SAMPLE} games; trust the Wilson intervals of "
                "shares, and play more games before reading much into a median."
            )

    def facts(self) -> list[tuple[str, str]]:
        scenario = self.scenario
        knobs = ", ".join(f"{k}={v}" for k, v in self.knobs.items()) or "historical settings"
        return [
            ("scenario", f"{scenario.title} ({scenario.id})"),
            ("scenario file hash", scenario.source_hash),
            ("knobs", knobs),
            ("games", f"{self.runs} per arm"),
            ("game seeds", self.seeds),
            ("program", f"{PROGRAM} {program_version()}, rules version {RULES_VERSION}"),
            ("command", self.command),
            ("written", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ]


def historical_lines(scenario: Scenario) -> list[str]:
    """The historical outcome in a few lines: result, losses, cities."""
    spec = scenario.spec.historical
    if spec is None:
        return ["The scenario file records no historical outcome."]
    winner = _side_label(scenario, spec.winner)
    level = "a draw" if spec.winner == "draw" else f"{winner} {spec.level} victory"
    lines = [f"Result: {level}."]
    for what, lost in (("men", spec.men_lost), ("tanks", spec.tanks_lost)):
        if lost:
            parts = [f"{_side_label(scenario, side)} {n:,}" for side, n in lost.items()]
            lines.append(f"{what.capitalize()} lost: {', '.join(parts)}.")
    for city, record in spec.cities.items():
        place = scenario.map.city_by_id(city)
        name = place.name if place is not None else city
        owner = _side_label(scenario, record.owner)
        taken = f", taken {record.taken:%d %b %Y}" if record.taken else ""
        lines.append(f"{name}: held by {owner} at the end{taken}.")
    summary = " ".join(spec.summary.split())
    if summary:
        lines.append(summary)
    return lines


def _side_label(scenario: Scenario, name: str) -> str:
    table = scenario.side_table
    if name in table.ids:
        return table.label(table.index(name))
    if name in table.team_ids:
        return table.team_label(table.team_ids.index(name))
    return name


def write_report(out: Path, report: Report) -> list[Path]:
    """Write `report.html` and `report.md` into `out`; returns their paths."""
    html_path, md_path = out / "report.html", out / "report.md"
    write_atomic(html_path, render_html(out, report))
    write_atomic(md_path, render_markdown(report))
    return [html_path, md_path]


def render_markdown(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    lines += ["## What was run", ""]
    lines += [
        f"- **{name}**: `{value}`" if name == "command" else f"- **{name}**: {value}"
        for name, value in report.facts()
    ]
    lines += ["", "## Headline results", ""]
    lines += [f"- {sentence}" for sentence in report.sentences] or ["- no games finished"]
    lines += [
        "",
        "Intervals are 95 %: Wilson for shares, bootstrap for medians and dates; "
        "changes are paired over the common game seeds. A change whose interval holds zero "
        "is no clear difference.",
        "",
    ]
    if report.table:
        header, *body = report.table
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        lines.append("")
    for note in report.notes:
        lines += [note, ""]
    lines += ["## Historical outcome", ""]
    lines += [f"- {line}" for line in historical_lines(report.scenario)]
    lines += ["", "## Plots", ""]
    lines += [f"![{Path(plot).stem}]({plot})" for plot in report.plots] or ["(none drawn)"]
    lines += ["", "## Raw games", ""]
    lines += [f"- [{path}]({path})" for path in report.runs_files]
    return "\n".join(lines) + "\n"


_STYLE = (
    "body{font-family:sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
    "text-align:left;font-size:14px}th{background:#f3f3f3}img{max-width:100%;border:1px solid #ddd;"
    "margin:.5em 0}li{margin:.3em 0}.note{color:#555;font-size:14px}"
)


def render_html(out: Path, report: Report) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(report.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
        "<h2>What was run</h2><table>",
    ]
    for name, value in report.facts():
        shown = (
            f"<code>{e(value)}</code>" if name in ("command", "scenario file hash") else e(value)
        )
        parts.append(f"<tr><th>{e(name)}</th><td>{shown}</td></tr>")
    parts.append("</table><h2>Headline results</h2><ul>")
    parts += [f"<li>{e(sentence)}</li>" for sentence in report.sentences] or [
        "<li>no games finished</li>"
    ]
    parts.append(
        '</ul><p class="note">Intervals are 95 %: Wilson for shares, bootstrap for medians and '
        "dates; changes are paired over the common game seeds. A change whose interval holds "
        "zero is no clear difference.</p>"
    )
    if report.table:
        header, *body = report.table
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>")
        for row in body:
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
        parts.append("</table>")
    parts += [f'<p class="note">{e(note)}</p>' for note in report.notes]
    parts.append("<h2>Historical outcome</h2><ul>")
    parts += [f"<li>{e(line)}</li>" for line in historical_lines(report.scenario)]
    parts.append("</ul><h2>Plots</h2>")
    for plot in report.plots:
        parts.append(f"<h3>{e(Path(plot).stem)}</h3>{_embedded(out / plot)}")
    parts.append("<h2>Raw games</h2><ul>")
    parts += [f'<li><a href="{e(path)}">{e(path)}</a></li>' for path in report.runs_files]
    parts.append("</ul></body></html>")
    return "\n".join(parts) + "\n"


def _embedded(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"<p>(plot {html.escape(path.name)} cannot be read: {html.escape(str(exc.strerror))})</p>"
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{encoded}">'


def headline_table(headlines: Sequence[dict[str, Any]], arms: Sequence[str]) -> list[list[str]]:
    """A table of `headlines.compare` (or `describe`) entries: outcome, each arm, the change."""
    from game.sim.stats import Estimate

    def cell(value: dict[str, float] | None, kind: str, change: bool = False) -> str:
        if value is None:
            return "-"
        est = Estimate(value["value"], value["low"], value["high"])
        if kind == "share":
            scale, unit = 100.0, (" pts" if change else " %")
            return (
                f"{scale * est.value:+.0f}{unit} ({scale * est.low:+.0f} to {scale * est.high:+.0f})"
                if change
                else f"{scale * est.value:.0f}{unit} ({scale * est.low:.0f}-{scale * est.high:.0f})"
            )
        sign = "+" if change else ""
        return f"{est.value:{sign},.0f} ({est.low:{sign},.0f} to {est.high:{sign},.0f})"

    header = ["outcome", *arms]
    with_change = any("change" in h for h in headlines)
    if with_change:
        header.append("change (paired)")
    rows = [header]
    for h in headlines:
        kind = str(h["kind"])
        days = " (days from start)" if kind == "date" else ""
        row = [f"{h['outcome']}{days}"]
        if "baseline" in h:
            row += [cell(h["baseline"], kind), cell(h["variant"], kind)]
        else:
            row.append(cell(h["value"], kind))
        if with_change:
            row.append(cell(h.get("change"), kind, change=True))
        rows.append(row)
    return rows
