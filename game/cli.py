"""The `eastfront` command: one entry point for players, scenario authors and analysts.

Bad user files end as `FILE:LINE: field.path: problem` lines on stderr and exit code 2; bad
arguments as one `eastfront CMD: error: argument --x: problem` line and exit code 2, checked when
the command line is parsed (numbers in ASCII digits and in range, output folders that can be
folders, files that are files); Ctrl-C as one line and exit code 130 with every finished game
kept. Anything else escaping is a bug.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import stat
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from game.enums import NO_SIDE
from game.files import (
    NUL_IN_NAME,
    FolderInUseError,
    FolderLock,
    file_target_problem,
    folder_problem,
)
from game.scenario.errors import FileProblemError
from game.scenario.loader import find_scenario, list_scenarios, load_map, read_toml
from game.scenario.model import KnobValue, Scenario, load_scenario

if TYPE_CHECKING:
    from game.sim.stream import RunsFile

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
MAX_SEED = 2**63 - 1  # the same bound as game.saves.MAX_SEED (a test checks)
MAX_RUNS = 100_000  # games in one batch: a larger study is several batches of other seeds
MAX_WORKERS = 1024  # asked for; what runs is capped by the games and the cores
MAX_FRAMES = 10_000_000
HEX_PX = (4.0, 200.0)  # pixels between hex centres for `map`
MAX_IMAGE_PIXELS = 200_000_000


class CliError(Exception):
    """A command line that cannot be carried out: one line naming the argument."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (usage stays in --help)."""

    def error(self, message: str) -> NoReturn:
        text = " ".join(message.split())
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {text} (see {self.prog} --help)\n")


# --- argument types: each a strict parser with one clear problem -------------------------------

_WHOLE = re.compile(r"[0-9]{1,20}")  # ASCII digits only: str.isdigit() takes "٣" for 3
_DECIMAL = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?")


def whole_number(low: int, high: int, what: str = "") -> Callable[[str], int]:
    """An argument type: a whole number in ASCII digits from `low` to `high`."""

    def parse(text: str) -> int:
        if _WHOLE.fullmatch(text) and low <= int(text) <= high:
            return int(text)
        extra = f" {what}" if what else ""
        raise argparse.ArgumentTypeError(
            f"expected a whole number from {low:,} to {high:,}{extra}, got {text[:40]!r}"
        )

    return parse


def decimal(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        if _DECIMAL.fullmatch(text) and low <= float(text) <= high:
            return float(text)
        raise argparse.ArgumentTypeError(
            f"expected a number from {low:g} to {high:g}, got {text[:40]!r}"
        )

    return parse


def out_folder(text: str) -> str:
    """An argument type: a folder we may write into (it may not exist yet)."""
    problem = folder_problem(Path(text)) if text.strip() else "is not a folder name"
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{text[:200]!r} {problem}")
    return text


def out_png(text: str) -> str:
    problem = file_target_problem(Path(text)) if text.strip() else "is not a file name"
    if problem is None and not text.lower().endswith(".png"):
        problem = "is not a .png file name"
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{text[:200]!r} {problem}")
    return text


def existing_file(text: str) -> str:
    try:
        mode = os.stat(text).st_mode
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or "cannot be read"
        raise argparse.ArgumentTypeError(f"{text[:200]!r}: {why}") from None
    if not stat.S_ISREG(mode):
        raise argparse.ArgumentTypeError(f"{text[:200]!r} is not a regular file")
    return text


def scenario_name(text: str) -> str:
    """An argument type: an installed scenario's id or a scenario file that is a file."""
    try:
        path = find_scenario(text)
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        raise argparse.ArgumentTypeError(
            f"no scenario {text[:200]!r}: not an installed scenario (see `eastfront scenarios`) "
            "nor a file"
        ) from None
    if not stat.S_ISREG(mode):
        raise argparse.ArgumentTypeError(f"{text[:200]!r} is not a scenario file")
    return text


_KNOB_SETTING = re.compile(r"([a-z][a-z0-9_]{0,63})=([ -~]{1,64})")  # printable ASCII values
_ADDRESS = re.compile(
    r"(?:(?:tcp|tls)://)?(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9_.-]{1,253}):([0-9]{1,5})"
)


def knob_setting(text: str) -> str:
    if not _KNOB_SETTING.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"expected KNOB=VALUE (a knob of the scenario, then a value in ASCII), got {text[:60]!r}"
        )
    return text


_NUMBER = r"[+-]?[0-9]{1,9}(?:\.[0-9]{1,6})?"
_KNOB_RANGE = re.compile(rf"([a-z][a-z0-9_]{{0,63}})=({_NUMBER}):({_NUMBER}):({_NUMBER})")


def knob_range(text: str) -> tuple[str, float, float, float]:
    """An argument type: `NAME=A:B:STEP`, numbers in ASCII, A <= B, STEP > 0, at most
    `MAX_POINTS` values (the knob itself is checked against the scenario once it is read)."""
    from game.sim.sweep import MAX_POINTS

    match = _KNOB_RANGE.fullmatch(text)
    if not match:
        raise argparse.ArgumentTypeError(
            f"expected NAME=A:B:STEP (a knob, then numbers from A to B by STEP), got {text[:60]!r}"
        )
    name, low, high, step = match.group(1), *map(float, match.groups()[1:])
    if step <= 0 or high < low:
        raise argparse.ArgumentTypeError(f"{text[:60]!r}: needs A <= B and a STEP above 0")
    if (high - low) / step + 1 > MAX_POINTS + 1e-9:
        raise argparse.ArgumentTypeError(
            f"{text[:60]!r}: more than {MAX_POINTS} values; use a larger STEP"
        )
    return name, low, high, step


def scheduler_name(text: str) -> str:
    match = _ADDRESS.fullmatch(text)
    if text in ("local", "dask") or (match and 1 <= int(match.group(1)) <= 65535):
        return text
    raise argparse.ArgumentTypeError(
        f"expected local, dask, or a scheduler address like tcp://host:8786 or tls://host:8786, "
        f"got {text[:60]!r}"
    )


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


KINDS = "a scenario or map (.toml) or a save (.json)"


def validate_file(path: Path) -> str:
    """Check one file of any kind we read; returns a one-line summary or raises FileProblemError.
    The kind is told by the name's ending, so a stray file gets that said, not a parse error."""
    from game.scenario.errors import Problem

    def refuse(message: str) -> FileProblemError:
        return FileProblemError([Problem(str(path), None, (), message)])

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror}") from None
    except ValueError:
        raise refuse(f"cannot read file: {NUL_IN_NAME}") from None
    if stat.S_ISDIR(mode):
        raise refuse(f"is a folder; validate takes files: {KINDS}")
    if not stat.S_ISREG(mode):
        raise refuse(f"is not a regular file; validate takes {KINDS}")
    suffix = path.suffix.lower()
    if suffix == ".json":
        from game.saves import validate_save

        return validate_save(path)
    if suffix != ".toml":
        ending = f"ends in {path.suffix}" if path.suffix else "has no ending"
        raise refuse(f"not {KINDS}: the name {ending}")
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
    from game.ui.render import map_pixel_size

    scenario = load_scenario(find_scenario(args.scenario))
    width, height = map_pixel_size(scenario.map, args.hex_px)
    if width * height > MAX_IMAGE_PIXELS:
        raise CliError(
            f"argument --hex-px: a {width:,} x {height:,} image is too large; use a smaller --hex-px"
        )
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

    source = None if args.scenario is None else find_scenario(args.scenario)
    game = load_game(Path(args.save), scenario_path=source)  # every load checks every hash
    state = game.state
    print(f"{args.save}: {game.scenario.title}, seed {game.seed}, {len(game.actions)} actions")
    if state.over:
        winner = "nobody" if state.winner == NO_SIDE else game.scenario.team_id(state.winner)
        print(f"game over on turn {state.turn}: {state.level} ({winner})")
    else:
        print(f"in progress: turn {state.turn}, {scenario_date(game.scenario, state.turn)}")
    if args.check:
        print(
            f"replay matches every recorded state hash ({len(game.turn_hashes)} turns, "
            f"{len(game.phase_hashes)} phases)"
        )
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


_INT_VALUE = re.compile(r"[+-]?[0-9]{1,18}")
_FLOAT_VALUE = re.compile(
    r"[+-]?(?:[0-9]{1,18}(?:\.[0-9]{0,18})?|\.[0-9]{1,18})(?:[eE][+-]?[0-9]{1,3})?"
)
_BOOL_VALUES = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def parse_knobs(scenario: Scenario, settings: Sequence[str]) -> dict[str, KnobValue]:
    """`--set KNOB=VALUE` pairs checked against the scenario's knobs: the knob exists, the value
    is written as its type asks (ASCII digits, no text taken for a number) and lies in its range.
    A problem is a CliError naming the `--set` argument."""
    out: dict[str, KnobValue] = {}
    for item in settings:
        name, _, text = item.partition("=")
        where = f"argument --set {item[:80]}"
        knob = scenario.spec.knobs.get(name)
        if knob is None:
            known = ", ".join(scenario.spec.knobs) or "none"
            raise CliError(f"{where}: {scenario.id} has no knob {name!r} (its knobs: {known})")
        value: KnobValue | None = None
        if knob.type == "bool":
            value = _BOOL_VALUES.get(text.lower())
        elif knob.type == "int" and _INT_VALUE.fullmatch(text):
            value = int(text)
        elif knob.type == "float" and _FLOAT_VALUE.fullmatch(text):
            number = float(text)
            value = number if math.isfinite(number) else None
        if value is None:
            kinds = {"bool": "true or false", "int": "a whole number", "float": "a number"}
            raise CliError(f"{where}: expected {kinds.get(knob.type, knob.type)}, got {text!r}")
        if knob.type != "bool" and (
            (knob.min is not None and value < knob.min)
            or (knob.max is not None and value > knob.max)
        ):
            low = "" if knob.min is None else f"{knob.min:g}"
            high = "" if knob.max is None else f"{knob.max:g}"
            raise CliError(f"{where}: {name} ranges from {low} to {high}")
        if name in out:
            raise CliError(f"{where}: {name} is set twice")
        out[name] = value
    return out


def with_knobs(scenario: Scenario, knobs: dict[str, KnobValue]) -> Scenario:
    """The scenario with the `--set` knobs; a problem names `--set`, not a line of the file."""
    if not knobs:
        return scenario
    try:
        return scenario.with_knobs(knobs)
    except FileProblemError as exc:
        problem = exc.problems[0]
        raise CliError(f"argument --set: {problem.message}") from None
    except (OverflowError, ValueError) as exc:  # a knob range the file should not allow
        raise CliError(
            f"argument --set: {scenario.id} cannot be played with {_settings(knobs)}: {exc}"
        ) from None


def _settings(knobs: dict[str, KnobValue]) -> str:
    return ", ".join(f"{k}={v}" for k, v in knobs.items())


def _make_folder(path: Path, argument: str) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(
            f"argument {argument}: cannot make {str(path)[:200]!r}: {exc.strerror}"
        ) from None


def _lock(out: Path) -> FolderLock:
    lock = FolderLock(out)
    try:
        lock.acquire()
    except FolderInUseError as exc:
        raise CliError(f"argument --out: {exc}") from None
    except OSError as exc:
        raise CliError(f"argument --out: cannot write into {out}: {exc.strerror}") from None
    return lock


def _batch_checks(args: argparse.Namespace) -> None:
    """What one argument alone cannot say: the last game seed, TLS options and a scheduler."""
    last = args.seed + args.runs - 1
    if last > MAX_SEED:
        raise CliError(
            f"argument --seed: the last game would have seed {last}, past the largest ({MAX_SEED})"
        )
    tls_given = args.tls_ca_file or args.tls_cert or args.tls_key
    if tls_given and not args.scheduler.startswith("tls://"):
        raise CliError("argument --tls-ca-file/--tls-cert/--tls-key: only for a tls:// --scheduler")
    if args.scheduler not in ("local", "dask"):
        from game.sim.runner import scheduler_warning

        warning = scheduler_warning(args.scheduler)
        if warning:
            print(warning, file=sys.stderr)


def _tls(args: argparse.Namespace) -> Any:
    from game.sim.runner import Tls

    if not (args.tls_ca_file or args.tls_cert or args.tls_key):
        return None
    return Tls(args.tls_ca_file, args.tls_cert, args.tls_key)


def cmd_simulate(args: argparse.Namespace) -> int:
    _batch_checks(args)
    path = find_scenario(args.scenario)
    scenario = load_scenario(path)
    knobs = parse_knobs(scenario, args.set)
    scenario = with_knobs(scenario, knobs)
    out = Path(args.out)
    _make_folder(out, "--out")
    lock = _lock(out)
    try:
        return _simulate(args, path, scenario, knobs, out)
    finally:
        lock.release()


def _play_into(
    runs_file: RunsFile, runs: int, play: Callable[[Callable[[dict[str, Any]], None]], object]
) -> None:
    """Play a batch with `play(on_row)`: each finished game's row goes into `runs_file` (a
    `stream.RunsFile`) as it comes and onto the progress line. A failure or Ctrl-C passes
    through with every finished row kept in the file."""
    from game.sim.stream import Progress

    progress = Progress(runs)
    with runs_file:

        def finished(row: dict[str, Any]) -> None:
            runs_file.add(row)
            progress.step()

        try:
            play(finished)
        finally:
            progress.close()


def _simulate(
    args: argparse.Namespace,
    path: Path,
    scenario: Scenario,
    knobs: dict[str, KnobValue],
    out: Path,
) -> int:
    from game.sim.runner import SchedulerError, run_games
    from game.sim.stream import RunsFile
    from game.sim.summary import columns, summarise, write_summary

    save_dir = out / "games" if args.save_games else None
    if save_dir is not None:
        _make_folder(save_dir, "--save-games")
    runs_file = RunsFile(out / "runs.csv", columns(scenario))
    try:
        _play_into(
            runs_file,
            args.runs,
            lambda on_row: run_games(
                path,
                args.runs,
                args.seed,
                knobs,
                workers=args.workers,
                save_dir=save_dir,
                scheduler=args.scheduler,
                on_row=on_row,
                connect_timeout=args.connect_timeout,
                tls=_tls(args),
            ),
        )
    except SchedulerError as exc:
        return _scheduler_failed(exc)
    except KeyboardInterrupt:
        kept = runs_file.in_run_order()
        write_summary(out / "summary.json", summarise(scenario, kept, knobs))
        _record(args, "simulate", scenario, knobs, out, False, [("", knobs, "runs.csv")])
        return _interrupted(len(kept), args.runs, out)
    rows = runs_file.in_run_order()
    write_summary(out / "summary.json", summarise(scenario, rows, knobs))
    print(f"wrote {out / 'runs.csv'} and {out / 'summary.json'} ({len(rows)} games)")
    from game.sim.headlines import describe as describe_outcomes

    headlines = describe_outcomes(scenario, rows)
    _record(args, "simulate", scenario, knobs, out, True, [("", knobs, "runs.csv")], headlines)
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

    _batch_checks(args)
    if args.from_save is not None:
        if args.scenario is not None:
            raise CliError("argument --from: give a save or a scenario, not both")
        return _explore_from(args)
    if args.scenario is None:
        raise CliError("argument SCENARIO: give a scenario (with --set) or --from SAVE")
    if not args.set:
        raise CliError("argument --set: explore a scenario with at least one KNOB=VALUE")
    if args.true_position or args.side is not None:
        raise CliError("argument --true-position/--side: only with --from SAVE")
    path = find_scenario(args.scenario)
    scenario = load_scenario(path)
    knobs = parse_knobs(scenario, args.set)
    with_knobs(scenario, knobs)  # a value the scenario cannot play fails here, before any game
    arms: list[tuple[str, dict[str, Any], str]] = [
        ("baseline", {}, "baseline/runs.csv"),
        ("variant", dict(knobs), "variant/runs.csv"),
    ]
    out = Path(args.out)
    report = _study(
        args,
        out,
        lambda: explore(
            scenario,
            path,
            knobs,
            args.runs,
            args.seed,
            out,
            workers=args.workers,
            scheduler=args.scheduler,
            plots=not args.no_plots,
            connect_timeout=args.connect_timeout,
            tls=_tls(args),
            command=command_line(args),
        ),
        lambda: _record(args, "explore", scenario, knobs, out, False, arms),
    )
    if isinstance(report, int):
        return report
    for headline in report["headlines"]:
        print(headline["sentence"])
    print(f"wrote {out / 'comparison.json'}, {out / 'report.html'} and {out / 'report.md'}")
    for plot in report["plots"]:
        print(f"wrote {out / plot}")
    _record(args, "explore", scenario, knobs, out, True, arms, report["headlines"])
    return 0


def _study(
    args: argparse.Namespace,
    out: Path,
    work: Callable[[], dict[str, Any]],
    stopped: Callable[[], None],
) -> dict[str, Any] | int:
    """Run an explore, sweep or sensitivity study into `out` under its lock: its result, or the
    exit code when the scheduler failed or Ctrl-C stopped it (`stopped` records that first)."""
    from game.sim.runner import SchedulerError

    _make_folder(out, "--out")
    lock = _lock(out)
    try:
        return work()
    except SchedulerError as exc:
        return _scheduler_failed(exc)
    except KeyboardInterrupt:
        stopped()
        return _interrupted()
    finally:
        lock.release()


def command_line(args: argparse.Namespace) -> str:
    """The command as typed, for reports and the results store."""
    import shlex

    return " ".join(["eastfront", *(shlex.quote(str(a)) for a in getattr(args, "argv", []))])


def _batches(args: argparse.Namespace, path: Path) -> Any:
    from game.sim.sweep import Batches

    return Batches(
        path,
        args.runs,
        args.seed,
        workers=args.workers,
        scheduler=args.scheduler,
        connect_timeout=args.connect_timeout,
        tls=_tls(args),
    )


def sweep_values(scenario: Scenario, knob: tuple[str, float, float, float]) -> list[KnobValue]:
    """The values of `--knob NAME=A:B:STEP` checked against the scenario's knob."""
    from game.sim.sweep import knob_values

    name, low, high, step = knob
    where = f"argument --knob {name}"
    spec = scenario.spec.knobs.get(name)
    if spec is None:
        known = ", ".join(scenario.spec.knobs) or "none"
        raise CliError(f"{where}: {scenario.id} has no knob {name!r} (its knobs: {known})")
    if spec.type == "bool":
        raise CliError(f"{where}: a true/false knob; compare its two values with explore --set")
    if spec.type == "int" and not all(float(v).is_integer() for v in (low, high, step)):
        raise CliError(f"{where}: a whole-number knob needs whole A, B and STEP")
    if (spec.min is not None and low < spec.min) or (spec.max is not None and high > spec.max):
        raise CliError(f"{where}: {name} ranges from {spec.min:g} to {spec.max:g}")
    values = knob_values(low, high, step, spec.type == "int")
    for value in values:
        with_knobs(scenario, {name: value})  # a value the scenario cannot play fails here
    return values


def cmd_sweep(args: argparse.Namespace) -> int:
    from game.sim.sweep import sweep

    _batch_checks(args)
    path = find_scenario(args.scenario)
    scenario = load_scenario(path)
    values = sweep_values(scenario, args.knob)
    from game.sim.sweep import sweep_arms

    arms = _study_arms(sweep_arms(args.knob[0], values))
    extra = {"knob": args.knob[0], "values": values}
    setting = {args.knob[0]: ", ".join(str(v).lower() for v in values)}
    out = Path(args.out)
    result = _study(
        args,
        out,
        lambda: sweep(
            scenario,
            args.knob[0],
            values,
            _batches(args, path),
            out,
            plots=not args.no_plots,
            command=command_line(args),
        ),
        lambda: _record(args, "sweep", scenario, setting, out, False, arms, extra=extra),
    )
    if isinstance(result, int):
        return result
    for sentence in result["sentences"]:
        print(sentence)
    print(f"wrote {out / 'sweep.json'}, {out / 'report.html'} and {out / 'report.md'}")
    said = [{"sentence": s} for s in result["sentences"]]
    _record(args, "sweep", scenario, setting, out, True, arms, said, extra)
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from game.sim.sweep import knob_ends, sensitivity

    _batch_checks(args)
    path = find_scenario(args.scenario)
    scenario = load_scenario(path)
    ends = knob_ends(scenario)
    if not ends:
        raise CliError(f"argument scenario: {scenario.id} has no knobs with a range to move")
    for name, low, high in ends:
        with_knobs(scenario, {name: low})
        with_knobs(scenario, {name: high})
    from game.sim.sweep import sensitivity_arms, value_label

    arms = _study_arms(sensitivity_arms(scenario))
    setting = {name: f"{value_label(low)} / {value_label(high)}" for name, low, high in ends}
    out = Path(args.out)
    result = _study(
        args,
        out,
        lambda: sensitivity(
            scenario, _batches(args, path), out, plots=not args.no_plots, command=command_line(args)
        ),
        lambda: _record(args, "sensitivity", scenario, setting, out, False, arms),
    )
    if isinstance(result, int):
        return result
    for sentence in result["sentences"]:
        print(sentence)
    print(f"wrote {out / 'sensitivity.json'}, {out / 'report.html'} and {out / 'report.md'}")
    said = [{"sentence": s} for s in result["sentences"]]
    _record(args, "sensitivity", scenario, setting, out, True, arms, said)
    return 0


def _explore_from(args: argparse.Namespace) -> int:
    """Continuations of a saved game (`game.sim.continuation`), with their report."""
    from game.saves import load_game
    from game.scenario.loader import file_hash
    from game.sim.continuation import (
        believed_position,
        continue_games,
        position_text,
        write_continuation,
    )
    from game.sim.runner import SchedulerError
    from game.sim.stream import RunsFile
    from game.sim.summary import columns, summarise, write_summary

    game = load_game(Path(args.from_save))  # replays it and checks every hash
    if game.state.over:
        raise CliError(
            f"argument --from: the game in {args.from_save} is over; nothing to continue"
        )
    saved = game.scenario
    sides = list(saved.spec.scenario.sides)
    if args.side is not None and args.side not in sides:
        raise CliError(
            f"argument --side: {saved.id} is played by {', '.join(sides)}, not {args.side}"
        )
    side = saved.side_table.index(args.side) if args.side else saved.sides[game.state.side_index]
    knobs = parse_knobs(saved, args.set)
    scenario = with_knobs(saved, knobs)
    position = believed_position(game, side, args.true_position)
    where = position_text(saved, game, position)
    all_knobs = {**game.knobs, **knobs}
    start: dict[str, Any] = {
        "save": str(Path(args.from_save).resolve()),
        "save_hash": file_hash(Path(args.from_save)),
        "turn": game.state.turn,
        "side": saved.side_id(side),
        "true_position": bool(args.true_position),
        "position": where,
        "all_knobs": all_knobs,
    }
    arms: list[tuple[str, dict[str, Any], str]] = [("", dict(knobs), "runs.csv")]
    out = Path(args.out)
    _make_folder(out, "--out")
    lock = _lock(out)
    runs_file = RunsFile(out / "runs.csv", columns(scenario))
    try:
        _play_into(
            runs_file,
            args.runs,
            lambda on_row: continue_games(
                scenario,
                position,
                args.runs,
                args.seed,
                on_row=on_row,
                workers=args.workers,
                scheduler=args.scheduler,
                connect_timeout=args.connect_timeout,
                tls=_tls(args),
            ),
        )
    except SchedulerError as exc:
        lock.release()
        return _scheduler_failed(exc)
    except KeyboardInterrupt:
        kept = runs_file.in_run_order()
        if kept:
            write_summary(out / "summary.json", summarise(scenario, kept, all_knobs))
        lock.release()
        _record(args, "continuation", saved, knobs, out, False, arms, extra=start)
        return _interrupted(len(kept), args.runs, out)
    try:
        result = write_continuation(
            scenario,
            saved.title,
            start,
            knobs,
            all_knobs,
            args.seed,
            runs_file.in_run_order(),
            out,
            plots=not args.no_plots,
            command=command_line(args),
        )
    finally:
        lock.release()
    print(where)
    for headline in result["headlines"]:
        print(headline["sentence"])
    print(f"wrote {out / 'runs.csv'}, {out / 'continuation.json'} and {out / 'report.html'}")
    _record(args, "continuation", saved, knobs, out, True, arms, result["headlines"], start)
    return 0


def _study_arms(arms: Sequence[Any]) -> list[tuple[str, dict[str, Any], str]]:
    """A sweep's or a sensitivity study's arms as the store records them."""
    return [(arm.name, dict(arm.knobs), f"{arm.name}/runs.csv") for arm in arms]


def _record(
    args: argparse.Namespace,
    kind: str,
    scenario: Scenario,
    knobs: Mapping[str, Any],
    out: Path,
    complete: bool,
    arms: Sequence[tuple[str, Mapping[str, Any], str]],
    headlines: Sequence[Mapping[str, Any]] = (),
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Put the batch in the results store. The store is a convenience: a store that cannot be
    written costs one line on stderr, never the batch (its files are on disk either way)."""
    import sqlite3

    from game.sim.experiments import Clock, record
    from game.sim.store import StoreError

    clock = getattr(args, "clock", None) or Clock()
    try:
        ident, path = record(
            args.db,
            kind,
            scenario,
            knobs,
            args.seed,
            args.runs,
            command_line(args),
            out,
            clock,
            complete,
            arms,
            headlines,
            extra,
        )
    except (StoreError, OSError, ValueError, KeyError, sqlite3.Error) as exc:
        text = " ".join(str(exc).split())
        print(f"eastfront: not recorded in the results store: {text}", file=sys.stderr)
        return
    print(f"recorded as experiment {ident} in {path}")


def _scheduler_failed(exc: Exception) -> int:
    print(f"eastfront: error: {' '.join(str(exc).split())}", file=sys.stderr)
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
    return EXIT_INTERRUPTED


SEED = whole_number(0, MAX_SEED)


def _add_batch_options(p: argparse.ArgumentParser) -> None:
    """The options `simulate` and `explore` share: the games, where they run, and the plots."""
    p.add_argument(
        "--runs",
        type=whole_number(1, MAX_RUNS, "(split a larger study into batches with other seeds)"),
        required=True,
    )
    p.add_argument("--seed", type=SEED, required=True, help="run r plays game seed SEED + r")
    p.add_argument(
        "--workers",
        type=whole_number(1, MAX_WORKERS),
        default=1,
        help="worker processes for local or dask, at most one per core and per game "
        "(results do not change)",
    )
    p.add_argument(
        "--scheduler",
        type=scheduler_name,
        default="local",
        metavar="local|dask|ADDRESS",
        help="local: processes on this machine (default); dask: a local Dask cluster of "
        "--workers processes on 127.0.0.1; tcp://host:8786 or tls://host:8786: a running Dask "
        "cluster whose workers see the scenario and --out at the same paths. Dask moves pickled "
        "data: use only a cluster you trust",
    )
    p.add_argument("--tls-ca-file", type=existing_file, help="tls://: the cluster's CA certificate")
    p.add_argument("--tls-cert", type=existing_file, help="tls://: this client's certificate")
    p.add_argument("--tls-key", type=existing_file, help="tls://: this client's private key")
    p.add_argument(
        "--connect-timeout",
        type=decimal(0.1, 600.0),
        default=None,
        metavar="SECONDS",
        help="give up on a scheduler address after this long (default 10)",
    )
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    _add_db_option(p)


def db_file(text: str) -> Path:
    """An argument type: a file the results store may be (it may not exist yet)."""
    problem = file_target_problem(Path(text)) if text.strip() else "is not a file name"
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{text[:200]!r} {problem}")
    return Path(text)


def _add_db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        type=db_file,
        default=None,
        metavar="PATH",
        help="the results store (SQLite); default: $EASTFRONT_EXPERIMENTS_DB, else "
        "experiments.sqlite in $XDG_DATA_HOME/eastfront or ~/.local/share/eastfront",
    )


def cmd_experiments(args: argparse.Namespace) -> int:
    """`experiments list|show|compare|report`: answers from the results store, no games played."""
    from game.sim import experiments
    from game.sim.store import StoreError

    try:
        if args.action == "list":
            lines = experiments.list_lines(args.db, args.scenario, args.limit or None)
        elif args.action == "show":
            lines = experiments.show_lines(args.db, args.id)
        elif args.action == "compare":
            try:
                lines = experiments.compare_lines(args.db, args.first, args.second)
            except ValueError as exc:
                raise CliError(f"argument ID: {exc}") from None
        else:
            page, notes = experiments.rewrite_report(args.db, args.id, plots=not args.no_plots)
            lines = [*notes, f"wrote {page} and {page.with_suffix('.md')}"]
    except StoreError as exc:
        print(f"eastfront experiments: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for line in lines:
        print(line)
    return 0


def experiments_limit() -> int:
    from game.sim.experiments import LIST_LIMIT

    return LIST_LIMIT


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="eastfront", description="Eastern Front 1942-45 operational wargame and what-if lab"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("scenarios", help="list scenarios, their dates, sides and knobs")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("describe", help="map size, hex km, turns, dates, cities, units per side")
    p.add_argument("scenario", type=scenario_name)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_describe)

    p = sub.add_parser("validate", help="check scenario, map or save files")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("map", help="draw a scenario's map with its starting units to a PNG")
    p.add_argument("scenario", type=scenario_name)
    p.add_argument("--png", type=out_png, required=True)
    p.add_argument(
        "--hex-px",
        type=decimal(*HEX_PX),
        default=36.0,
        help="pixels between neighbouring hex centres",
    )
    p.add_argument("--no-units", action="store_true")
    p.set_defaults(func=cmd_map)

    p = sub.add_parser("bench", help="combat core against its scalar reference")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("replay", help="replay a saved game, checking every hash; --check says more")
    p.add_argument("save")
    p.add_argument("--check", action="store_true")
    p.add_argument(
        "--scenario",
        type=scenario_name,
        default=None,
        help="the scenario file to replay on (default: the installed one of the save's id)",
    )
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser(
        "simulate", help="play AI-vs-AI games headless; write runs.csv, summary.json and plots"
    )
    p.add_argument("scenario", type=scenario_name)
    p.add_argument(
        "--out", type=out_folder, required=True, help="directory for runs.csv and summary.json"
    )
    p.add_argument("--set", type=knob_setting, action="append", default=[], metavar="KNOB=VALUE")
    _add_batch_options(p)
    p.add_argument(
        "--save-games", action="store_true", help="keep every game as DIR/games/run_NNNN.json"
    )
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser(
        "explore",
        help="the same seeds on the scenario and on a variant, compared; or, with --from SAVE, "
        "continuations of a game in progress",
    )
    p.add_argument("scenario", type=scenario_name, nargs="?", default=None)
    p.add_argument("--set", type=knob_setting, action="append", default=[], metavar="KNOB=VALUE")
    p.add_argument(
        "--from",
        dest="from_save",
        type=existing_file,
        default=None,
        metavar="SAVE",
        help="continue this saved game with AI-vs-AI games on fresh seeds (played in this process)",
    )
    p.add_argument(
        "--true-position",
        action="store_true",
        help="with --from: start from the true position, seeing through the fog of war "
        "(default: what the player knows, enemy units where last seen)",
    )
    p.add_argument(
        "--side",
        default=None,
        metavar="SIDE",
        help="with --from: whose knowledge to start from (default: the side to move)",
    )
    p.add_argument("--out", type=out_folder, required=True)
    _add_batch_options(p)
    p.set_defaults(func=cmd_explore)

    p = sub.add_parser("sweep", help="the main outcomes against one knob, with intervals")
    p.add_argument("scenario", type=scenario_name)
    p.add_argument("--knob", type=knob_range, required=True, metavar="NAME=A:B:STEP")
    p.add_argument("--out", type=out_folder, required=True)
    _add_batch_options(p)
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser(
        "sensitivity", help="every knob to the ends of its range: what decided the battle"
    )
    p.add_argument("scenario", type=scenario_name)
    p.add_argument("--out", type=out_folder, required=True)
    _add_batch_options(p)
    p.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser(
        "experiments", help="the results store: past runs listed, shown, compared, reported"
    )
    actions = p.add_subparsers(dest="action", required=True)
    ident = whole_number(1, MAX_SEED, "(an experiment's id, from `experiments list`)")
    q = actions.add_parser("list", help="recorded runs, newest first")
    q.add_argument("--scenario", default=None, metavar="ID", help="only runs of this scenario")
    q.add_argument(
        "--limit",
        type=whole_number(0, MAX_RUNS),
        default=experiments_limit(),
        help="at most this many (0: all)",
    )
    _add_db_option(q)
    q = actions.add_parser("show", help="one run: what was run, its results, where its files are")
    q.add_argument("id", type=ident)
    _add_db_option(q)
    q = actions.add_parser(
        "compare", help="two runs of one scenario side by side (ID, or ID:ARM for one arm)"
    )
    q.add_argument("first", metavar="ID[:ARM]")
    q.add_argument("second", metavar="ID[:ARM]")
    _add_db_option(q)
    q = actions.add_parser("report", help="write a stored run's report again from its runs.csv")
    q.add_argument("id", type=ident)
    q.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    _add_db_option(q)
    p.set_defaults(func=cmd_experiments)

    frames = whole_number(0, MAX_FRAMES)
    p = sub.add_parser("play", help="open the game: main menu, or SCENARIO against the computer")
    p.add_argument("scenario", nargs="?", default=None, type=scenario_name)
    p.add_argument(
        "--side",
        default=None,
        metavar="SIDE",
        help="the side you play, by its id in the scenario file (default: the side that moves first)",
    )
    p.add_argument("--seed", type=SEED, default=None)
    p.add_argument("--frames", type=frames, default=0, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_play)

    for name, about, command in (
        ("hotseat", "two players at one screen", cmd_hotseat),
        ("watch", "the computer plays every side on screen", cmd_watch),
    ):
        p = sub.add_parser(name, help=about)
        p.add_argument(
            "scenario",
            nargs="?",
            default=None,
            type=scenario_name,
            help="default: the first in the catalogue",
        )
        p.add_argument("--seed", type=SEED, default=None)
        p.add_argument("--frames", type=frames, default=0, help=argparse.SUPPRESS)
        p.set_defaults(func=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every refusal is one line on stderr and exit code 2."""
    try:
        args = build_parser().parse_args(argv)
        args.argv = list(sys.argv[1:] if argv is None else argv)
        if args.command in ("simulate", "explore", "sweep", "sensitivity"):
            from game.sim.experiments import Clock

            args.clock = Clock()  # when the run began, for its record in the results store
    except SystemExit as exc:  # --help (0) or a bad argument (2, its line already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    try:
        return int(args.func(args))
    except FileProblemError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    except CliError as exc:
        print(f"eastfront {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - read_toml converts these
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
