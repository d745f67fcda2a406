"""The `eastfront` command: one entry point for players, scenario authors and analysts.

Bad user files end as `FILE:LINE: field.path: problem` lines on stderr and exit code 2; anything
else escaping is a bug.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game.enums import NO_SIDE
from game.scenario.errors import FileProblemError, Problem
from game.scenario.loader import find_scenario, list_scenarios, load_map, read_toml
from game.scenario.model import KnobValue, Scenario, coerce_knob, load_scenario

EXIT_BAD_INPUT = 2


def describe(scenario: Scenario) -> dict[str, Any]:
    """The facts tools and tests read about a scenario (the `describe --json` contract)."""
    grid = scenario.map
    head = scenario.spec.scenario
    cities = []
    for city in grid.cities:
        cities.append(
            {
                "id": city.id,
                "name": city.name,
                "lat": city.lat,
                "lon": city.lon,
                "q": int(grid.q[city.hex]),
                "r": int(grid.r[city.hex]),
                "owner": scenario.side_id(int(scenario.control[city.hex])),
                "vp": int(scenario.vp[city.hex]),
                "size": city.size,
            }
        )
    units = scenario.units
    per_side = {
        scenario.side_id(s): int(((units.side == s) & (units.arrive_turn == 1)).sum())
        for s in scenario.sides
    }
    reinforcements = {
        scenario.side_id(s): int(((units.side == s) & (units.arrive_turn > 1)).sum())
        for s in scenario.sides
    }
    return {
        "id": head.id,
        "title": head.title,
        "map": {
            "id": grid.id,
            "columns": grid.cols,
            "rows": grid.rows,
            "hex_km": grid.layout.neighbor_spacing,
            "orientation": grid.orientation,  # q, r are axial on "pointy" and "flat" maps alike
        },
        "hex_km": grid.layout.neighbor_spacing,
        "columns": grid.cols,
        "rows": grid.rows,
        "start": head.start.isoformat(),
        "end": scenario.date_of_turn(head.turns).isoformat(),
        "days_per_turn": head.days_per_turn,
        "turns": head.turns,
        "sides": list(head.sides),
        "cities": cities,
        "units": per_side,
        "reinforcements": reinforcements,
        "knobs": {
            name: {
                "type": k.type,
                "default": k.default,
                "min": k.min,
                "max": k.max,
                "description": k.description,
            }
            for name, k in scenario.spec.knobs.items()
        },
    }


def cmd_scenarios(args: argparse.Namespace) -> int:
    paths = list_scenarios()
    if not paths:
        print("no scenarios found")
        return 0
    for path in paths:
        try:
            scenario = load_scenario(path)
        except FileProblemError as exc:
            print(
                f"{path.stem}: BROKEN ({len(exc.problems)} problems; run `eastfront validate {path}`)"
            )
            continue
        head = scenario.spec.scenario
        end = scenario.date_of_turn(head.turns)
        print(f"{head.id}: {head.title}")
        print(
            f"    {head.start:%d %b %Y} - {end:%d %b %Y}, {head.turns} turns of {head.days_per_turn} days; sides: {', '.join(head.sides)}"
        )
        for name, knob in scenario.spec.knobs.items():
            bounds = "" if knob.type == "bool" else f" [{knob.min:g}..{knob.max:g}]"
            print(f"    knob {name} = {knob.default}{bounds}: {knob.description}")
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    scenario = load_scenario(find_scenario(args.scenario))
    info = describe(scenario)
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        print(f"{info['title']} ({info['id']})")
        print(
            f"map {info['map']['id']}: {info['columns']} x {info['rows']} hexes of {info['hex_km']:.1f} km"
        )
        print(
            f"{info['start']} to {info['end']}, {info['turns']} turns of {info['days_per_turn']} days"
        )
        for side, n in info["units"].items():
            print(f"{side}: {n} units at start, {info['reinforcements'][side]} to arrive")
        for c in info["cities"]:
            if c["vp"]:
                print(f"  {c['name']:<16} ({c['q']:>4},{c['r']:>4}) {c['owner']:<7} {c['vp']} VP")
    return 0


def validate_file(path: Path) -> str:
    """Check one file of any kind we read; returns a one-line summary or raises FileProblemError."""
    if path.suffix == ".json":
        from game.saves import validate_save

        return validate_save(path)
    data, _ = read_toml(path)
    if "map" in data and "scenario" not in data:
        grid = load_map(path.resolve())
        return f"map {grid.id}: {grid.cols} x {grid.rows} hexes, {len(grid.cities)} places"
    scenario = load_scenario(path)
    return f"scenario {scenario.id}: {scenario.units.count} units, {scenario.turns} turns"


def cmd_validate(args: argparse.Namespace) -> int:
    failed = False
    for name in args.files:
        path = Path(name)
        try:
            summary = validate_file(path)
        except FileProblemError as exc:
            failed = True
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        print(f"{path}: ok ({summary})")
    return EXIT_BAD_INPUT if failed else 0


def cmd_map(args: argparse.Namespace) -> int:
    from game.ui.mapimage import save_png

    scenario = load_scenario(find_scenario(args.scenario))
    out = Path(args.png)
    width, height = save_png(scenario, out, hex_px=args.hex_px, units=not args.no_units)
    print(f"wrote {out} ({width} x {height})")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    import importlib

    bench = importlib.import_module("game.bench")
    return int(bench.main(args.json))


def cmd_replay(args: argparse.Namespace) -> int:
    from game.saves import load_game

    game = load_game(Path(args.save), check=args.check)
    state = game.state
    print(f"{args.save}: {game.scenario.title}, seed {game.seed}, {len(game.actions)} actions")
    if state.over:
        winner = "nobody" if state.winner == NO_SIDE else game.scenario.team_id(state.winner)
        print(f"game over on turn {state.turn}: {state.level} ({winner})")
    else:
        print(f"in progress: turn {state.turn}, {scenario_date(game.scenario, state.turn)}")
    if args.check:
        print(f"replay matches every recorded state hash ({len(game.turn_hashes)} turns)")
    return 0


def scenario_date(scenario: Scenario, turn: int) -> str:
    return f"{scenario.date_of_turn(turn):%d %B %Y}"


def _run_ui(args: argparse.Namespace, mode: str) -> int:
    """Open the game window (main menu without a scenario, else that scenario's map)."""
    from game.ui.app import run

    side = getattr(args, "side", None)
    if args.scenario is not None:
        scenario = load_scenario(find_scenario(args.scenario))  # bad files end here, exit 2
        if side is not None and side not in scenario.spec.scenario.sides:
            print(
                f"eastfront: {scenario.id} is played by {', '.join(scenario.spec.scenario.sides)}, not {side}",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
    menu_only = mode == "solo" and args.scenario is None
    return run(
        "menu" if menu_only else mode,
        args.scenario,  # None: the catalogue's first scenario
        side,
        args.seed,
        frames=args.frames,
    )


def cmd_play(args: argparse.Namespace) -> int:
    return _run_ui(args, "solo")


def cmd_hotseat(args: argparse.Namespace) -> int:
    return _run_ui(args, "hotseat")


def cmd_watch(args: argparse.Namespace) -> int:
    return _run_ui(args, "watch")


def parse_knobs(scenario: Scenario, settings: Sequence[str]) -> dict[str, KnobValue]:
    """`--set KNOB=VALUE` pairs checked against the scenario's knobs (ranges: `with_knobs`)."""
    out: dict[str, KnobValue] = {}
    problems = []
    for item in settings:
        name, sep, value = item.partition("=")
        name = name.strip()
        knob = scenario.spec.knobs.get(name)
        if not sep or knob is None:
            message = "unknown knob" if sep else f"expected KNOB=VALUE, got {item!r}"
            problems.append(Problem("--set", None, ("knobs", name), message))
            continue
        parsed = coerce_knob(knob.type, value)
        if parsed is None:
            problems.append(Problem("--set", None, ("knobs", name), f"expected a {knob.type}"))
            continue
        out[name] = parsed
    if problems:
        raise FileProblemError(problems)
    return out


def cmd_simulate(args: argparse.Namespace) -> int:
    from game.sim.runner import SchedulerError, run_games
    from game.sim.stream import Progress, RunsFile
    from game.sim.summary import columns, summarise, write_summary

    path = find_scenario(args.scenario)
    scenario = load_scenario(path)
    knobs = parse_knobs(scenario, args.set)
    if knobs:
        scenario = scenario.with_knobs(knobs)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    save_dir = out / "games" if args.save_games else None
    if save_dir is not None:
        save_dir.mkdir(parents=True, exist_ok=True)
    progress = Progress(args.runs)
    runs_file = RunsFile(out / "runs.csv", columns(scenario))
    try:
        with runs_file:

            def finished(row: dict[str, Any]) -> None:
                runs_file.add(row)
                progress.step()

            try:
                run_games(
                    path,
                    args.runs,
                    args.seed,
                    knobs,
                    workers=args.workers,
                    save_dir=save_dir,
                    scheduler=args.scheduler,
                    on_row=finished,
                )
            finally:
                progress.close()
    except SchedulerError as exc:
        return _scheduler_failed(exc)
    except KeyboardInterrupt:
        kept = runs_file.in_run_order()
        write_summary(out / "summary.json", summarise(scenario, kept, knobs))
        return _interrupted(len(kept), args.runs, out)
    rows = runs_file.in_run_order()
    write_summary(out / "summary.json", summarise(scenario, rows, knobs))
    print(f"wrote {out / 'runs.csv'} and {out / 'summary.json'} ({len(rows)} games)")
    if not args.no_plots:
        from game.sim.explore import knob_text
        from game.sim.plots import Arm, write_plots

        label = f"{len(rows)} games" + (f" ({knob_text(knobs)})" if knobs else "")
        seeds = f"game seeds {args.seed}-{args.seed + args.runs - 1}"
        subtitle = f"{knob_text(knobs)}: {seeds}" if knobs else f"historical settings: {seeds}"
        for plot in write_plots(out, scenario, [Arm(label, rows)], subtitle):
            print(f"wrote {plot}")
    return 0


def cmd_explore(args: argparse.Namespace) -> int:
    from game.sim.explore import explore
    from game.sim.runner import SchedulerError

    path = find_scenario(args.scenario)
    scenario = load_scenario(path)
    knobs = parse_knobs(scenario, args.set)
    out = Path(args.out)
    try:
        report = explore(
            scenario,
            path,
            knobs,
            args.runs,
            args.seed,
            out,
            workers=args.workers,
            scheduler=args.scheduler,
            plots=not args.no_plots,
        )
    except SchedulerError as exc:
        return _scheduler_failed(exc)
    except KeyboardInterrupt:
        return _interrupted()
    for side, row in report["winner"].items():
        print(f"{side} wins: {row['baseline']:.0%} -> {row['variant']:.0%}")
    points = report["victory_points"]
    print(f"victory points (median): {points['baseline']} -> {points['variant']}")
    for key, row in [*report["losses"].items(), *report["measures"].items()]:
        print(f"{key} (median): {row['baseline']} -> {row['variant']}")
    print(f"wrote {out / 'comparison.json'}")
    for plot in report["plots"]:
        print(f"wrote {out / plot}")
    return 0


def _scheduler_failed(exc: Exception) -> int:
    print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _interrupted(kept: int | None = None, runs: int | None = None, out: Path | None = None) -> int:
    if kept is None or out is None:
        print("interrupted: the games were stopped before the batch finished", file=sys.stderr)
    else:
        print(
            f"interrupted after {kept} of {runs} games: their rows are in {out / 'runs.csv'} "
            f"and {out / 'summary.json'}",
            file=sys.stderr,
        )
    return 130


def _add_batch_options(p: argparse.ArgumentParser) -> None:
    """The options `simulate` and `explore` share: where the games run, and the plots."""
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes for local or dask (results do not change)",
    )
    p.add_argument(
        "--scheduler",
        default="local",
        metavar="local|dask|ADDRESS",
        help="local: processes on this machine (default); dask: a local Dask cluster of "
        "--workers processes; tcp://host:8786: a running Dask cluster whose workers see the "
        "scenario and --out at the same paths",
    )
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eastfront", description="Eastern Front 1942-45 operational wargame and what-if lab"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("scenarios", help="list scenarios, their dates, sides and knobs")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("describe", help="map size, hex km, turns, dates, cities, units per side")
    p.add_argument("scenario")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_describe)

    p = sub.add_parser("validate", help="check scenario, map or save files")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("map", help="draw a scenario's map with its starting units to a PNG")
    p.add_argument("scenario")
    p.add_argument("--png", required=True)
    p.add_argument(
        "--hex-px", type=float, default=36.0, help="pixels between neighbouring hex centres"
    )
    p.add_argument("--no-units", action="store_true")
    p.set_defaults(func=cmd_map)

    p = sub.add_parser("bench", help="combat core against its scalar reference")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("replay", help="replay a saved game; --check verifies every state hash")
    p.add_argument("save")
    p.add_argument("--check", action="store_true")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser(
        "simulate", help="play AI-vs-AI games headless; write runs.csv, summary.json and plots"
    )
    p.add_argument("scenario")
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--seed", type=int, required=True, help="run r plays game seed SEED + r")
    p.add_argument("--out", required=True, help="directory for runs.csv and summary.json")
    p.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE")
    _add_batch_options(p)
    p.add_argument(
        "--save-games", action="store_true", help="keep every game as DIR/games/run_NNNN.json"
    )
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("explore", help="the same seeds on the scenario and on a variant, compared")
    p.add_argument("scenario")
    p.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE", required=True)
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out", required=True)
    _add_batch_options(p)
    p.set_defaults(func=cmd_explore)

    p = sub.add_parser("play", help="open the game: main menu, or SCENARIO against the computer")
    p.add_argument("scenario", nargs="?", default=None)
    p.add_argument(
        "--side",
        default=None,
        metavar="SIDE",
        help="the side you play, by its id in the scenario file (default: the side that moves first)",
    )
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--frames", type=int, default=0, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("hotseat", help="two players at one screen")
    p.add_argument("scenario", nargs="?", default=None, help="default: the first in the catalogue")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--frames", type=int, default=0, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_hotseat)

    p = sub.add_parser("watch", help="the computer plays every side on screen")
    p.add_argument("scenario", nargs="?", default=None, help="default: the first in the catalogue")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--frames", type=int, default=0, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_watch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except FileProblemError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - read_toml converts these
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
