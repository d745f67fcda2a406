"""Headless AI-vs-AI games in batches: one outcome row per game, identical under any scheduler.

Seeds. Run r of a batch with base seed S plays game seed `S + r`; the two AIs get seeds derived
from that game seed (`ai_seed(seed, side)`), so a row's `seed` alone reproduces its game and a
run's result never depends on how many runs, workers or machines the batch has.

Schedulers. `local` plays in this process (one worker) or in a local process pool; `dask` starts a
`dask.distributed` LocalCluster of single-threaded worker processes, bound to 127.0.0.1 with no
dashboard; anything else is the address of a running Dask scheduler (`tcp://host:8786`,
`tls://host:8786`), whose workers must see the scenario file and the save directory at the same
absolute paths (a shared file system). Workers are capped by the machine's cores (a local pool)
and by the batch's games.

Trust. Dask sends tasks and results as pickles: whoever can talk to a scheduler can run code on
its workers, and a scheduler can run code here. `tcp://` is neither encrypted nor authenticated,
so a non-local `tcp://` address gets a warning; `tls://` needs certificates (`Tls`, or Dask's
`distributed.comm.tls` configuration) and is refused at once without them. A scheduler that cannot
be reached fails after `connect_timeout` seconds with one line. Every game is one task keyed by
its run index, and rows come back in run order. A worker loads each (scenario, knobs) once and keeps
it for the games that follow; it checks the file's hash against the one this process read, so a
worker with another copy of the file fails instead of quietly playing a different game.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import itertools
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from game.actions import EndPhase
from game.ai.players import Player, make_player, play_one
from game.kept import Kept
from game.machine import available_cores
from game.scenario.loader import file_hash
from game.scenario.model import KnobValue, Scenario, load_scenario
from game.session import Game
from game.sim.reporters import Column, Recording
from game.sim.reporters import Row as Row  # re-exported: rows and cities are the runner's words
from game.sim.reporters import report_cities as report_cities

if TYPE_CHECKING:
    from distributed import Client

IN_FLIGHT_PER_WORKER = 4  # games handed to the workers ahead of time, per worker
MAX_ACTIONS = 20_000  # a safety net: a game of Third Kharkov takes about 800 actions


def ai_seed(seed: int, side: int) -> int:
    """The seed of the AI playing `side` in the game with this seed."""
    return int(np.random.SeedSequence([seed, 1 + int(side)]).generate_state(1)[0])


@dataclass
class GameRecord:
    """A finished game, how long each side's AI thought, and its columns' observations."""

    game: Game
    thinking: dict[int, float]
    seconds: float
    recording: Recording


def play_out(
    game: Game, players: Mapping[int, Player], recording: Recording, max_actions: int = MAX_ACTIONS
) -> None:
    """Play `game` on to its end, each side's player in turn, observing the recording's columns
    now and after every side's turn."""
    scenario = game.scenario
    recording.observe(game)
    for _ in range(max_actions):
        if game.state.over:
            break
        side = scenario.sides[game.state.side_index]
        side_turn = (game.state.turn, game.state.side_index)
        play_one(game, players[side])
        if game.state.over or (game.state.turn, game.state.side_index) != side_turn:
            recording.observe(game)
    else:  # pragma: no cover - a stuck AI is a bug
        while not game.state.over:
            game.apply(EndPhase())
        recording.observe(game)


def play_game(
    scenario: Scenario,
    seed: int,
    players: Mapping[int, Player] | None = None,
    max_actions: int = MAX_ACTIONS,
    columns: Sequence[Column] | None = None,
    checkpoints: bool = True,
) -> GameRecord:
    """Play one game to its end with the scenario's AI on every side (or the given players),
    observing the scenario's columns (or the given ones) at the start and after every side's turn.
    `checkpoints=False` skips the phase hashes a save needs (about 1 % of a game's time)."""
    started = time.perf_counter()
    game = Game(scenario, seed, undo=False, checkpoints=checkpoints)
    if players is None:
        players = {
            side: make_player(scenario, side, ai_seed(seed, side)) for side in scenario.sides
        }
    recording = Recording(scenario, columns)
    play_out(game, players, recording, max_actions)
    thinking = {
        side: float(getattr(player, "thinking_seconds", 0.0)) for side, player in players.items()
    }
    return GameRecord(game, thinking, time.perf_counter() - started, recording)


def outcome_row(run: int, record: GameRecord) -> Row:
    """The row of one game: every column of `reporters.scenario_columns`, in order."""
    return record.recording.row(record.game, run)


# --- batches -------------------------------------------------------------------------------------

LOCAL = "local"
DASK = "dask"
SCENARIOS_PER_WORKER = 4  # a batch needs one; explore needs two (baseline and variant)
# Our own cluster's workers: Dask's default MALLOC_TRIM_THRESHOLD_ (64 KiB) hands memory back to
# the system on every free, and a game frees many small arrays (a state snapshot per action): with
# it games ran about a quarter slower than in a local process pool. Nor do we read the profiler.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}
_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$")


class SchedulerError(Exception):
    """The scheduler cannot be started or reached, or its workers see another scenario file."""


@dataclass(frozen=True)
class Tls:
    """Certificates for a `tls://` scheduler: the CA that signed the cluster's certificates, and
    this client's certificate and key (one file may hold both). None: Dask's configuration."""

    ca_file: str | None = None
    cert: str | None = None
    key: str | None = None


DEFAULT_CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler before giving up


def is_local_address(address: str) -> bool:
    """Whether a scheduler address names this machine (loopback)."""
    host = address.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def scheduler_warning(address: str) -> str | None:
    """The warning a scheduler address deserves before we send it pickles, or None."""
    if address.startswith("tls://") or is_local_address(address):
        return None
    return (
        f"warning: {address} is plain tcp, neither encrypted nor authenticated; Dask moves "
        "pickled data, so use only a cluster you trust on a network you trust (or tls://)"
    )


@dataclass(frozen=True)
class Batch:
    """What every game of a batch shares: small and picklable, it travels with each task."""

    path: str  # absolute, so a worker in another directory finds the same file
    source_hash: str
    knobs: tuple[tuple[str, KnobValue], ...]
    save_dir: str | None

    @classmethod
    def of(cls, path: Path, knobs: Mapping[str, KnobValue] | None, save_dir: Path | None) -> Batch:
        resolved = path.resolve()
        return cls(
            str(resolved),
            file_hash(resolved),
            tuple(sorted((knobs or {}).items())),
            str(save_dir.resolve()) if save_dir is not None else None,
        )

    @property
    def token(self) -> str:
        """A short stable name for the batch, so task keys of different batches never meet."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:12]

    def play(self, run: int, seed: int) -> Row:
        """One game of the batch, on whichever worker gets it (a kind of batch that plays its
        games otherwise, such as continuations from a position, says so here)."""
        record = play_game(worker_scenario(self), seed, checkpoints=self.save_dir is not None)
        if self.save_dir is not None:
            from game.saves import save_game

            save_game(record.game, Path(self.save_dir) / f"run_{run:04d}.json")
        return outcome_row(run, record)


_scenarios: Kept[tuple[str, str, tuple[tuple[str, KnobValue], ...]], Scenario] = Kept(
    SCENARIOS_PER_WORKER
)
_scenarios_lock = threading.Lock()  # a Dask worker may run tasks on several threads


def worker_scenario(batch: Batch) -> Scenario:
    """The batch's scenario, loaded once per worker process and kept for its next games."""
    key = (batch.path, batch.source_hash, batch.knobs)
    with _scenarios_lock:
        scenario = _scenarios.get(key)
        if scenario is not None:
            return scenario
        scenario = load_scenario(Path(batch.path), dict(batch.knobs) or None)
        if scenario.source_hash != batch.source_hash:
            raise SchedulerError(
                f"{batch.path} on worker differs from the file the batch was started with"
            )
        return _scenarios.put(key, scenario)


def play_run(batch: Batch, run: int, seed: int) -> Row:
    """One game of a batch: the task every scheduler runs, on whichever worker gets it."""
    return batch.play(run, seed)


Job = tuple[int, int]  # (run, game seed)


class Pool(Protocol):
    """Somewhere to play games; rows come back as games finish (each row names its `run`), and
    no more games are in flight at a time than keep the workers busy, so a batch of any size
    holds little memory and stops at once."""

    def play(self, batch: Batch, jobs: Iterable[Job]) -> Iterator[Row]: ...


class InProcessPool:
    """Games one after another in this process: no start-up cost for one worker or one game."""

    def play(self, batch: Batch, jobs: Iterable[Job]) -> Iterator[Row]:
        for run, seed in jobs:
            yield play_run(batch, run, seed)


class ProcessPool:
    """Local worker processes (`concurrent.futures`)."""

    def __init__(self, executor: ProcessPoolExecutor, workers: int) -> None:
        self.executor = executor
        self.window = IN_FLIGHT_PER_WORKER * workers

    def play(self, batch: Batch, jobs: Iterable[Job]) -> Iterator[Row]:
        waiting = iter(jobs)
        running: set[Future[Row]] = set()

        def submit(count: int) -> None:
            for run, seed in itertools.islice(waiting, count):
                running.add(self.executor.submit(play_run, batch, run, seed))

        submit(self.window)
        try:
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                submit(len(done))
                for future in done:
                    yield future.result()
        finally:  # on error or Ctrl-C, games not yet started are dropped
            for future in running:
                future.cancel()


class DaskPool:
    """Workers of a `dask.distributed` cluster, one task per game keyed by its run index."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.batches = 0

    def play(self, batch: Batch, jobs: Iterable[Job]) -> Iterator[Row]:
        from distributed import as_completed

        self.batches += 1
        prefix = f"eastfront-{batch.token}-{self.batches}"
        threads = sum(self.client.nthreads().values()) or 1  # type: ignore[no-untyped-call]
        waiting = iter(jobs)

        def submit(count: int) -> list[Any]:
            return [
                self.client.submit(play_run, batch, run, seed, key=f"{prefix}-run-{run:06d}")
                for run, seed in itertools.islice(waiting, count)
            ]

        flow = as_completed(  # type: ignore[no-untyped-call]
            submit(IN_FLIGHT_PER_WORKER * threads), loop=self.client.loop
        )
        done = False
        try:
            for future in flow:
                for more in submit(1):
                    flow.add(more)  # type: ignore[no-untyped-call]
                yield future.result()
            done = True
        finally:
            if not done:  # free the cluster of games nobody will read
                self.client.cancel(list(flow.futures))  # type: ignore[no-untyped-call]


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Stop the games in flight at once: a plain shutdown would wait for every queued game."""
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14 and later
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)


def check_address(address: str) -> str:
    """A Dask scheduler address (`tcp://host:8786`, `host:8786`), or SchedulerError at once."""
    if not _ADDRESS.match(address):
        raise SchedulerError(
            f"bad scheduler {address!r}: expected local, dask or an address like tcp://host:8786"
        )
    return address


def _configured_timeout() -> float:
    """`DEFAULT_CONNECT_TIMEOUT`, or Dask's `distributed.comm.timeouts.connect` when shorter."""
    import dask
    from dask.utils import parse_timedelta

    configured = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect", None))
    if configured is None or configured <= 0:
        return DEFAULT_CONNECT_TIMEOUT
    return min(DEFAULT_CONNECT_TIMEOUT, float(configured))


def _security(address: str, tls: Tls | None) -> Any:
    """The `distributed.Security` for a scheduler address: our certificates for `tls://` (or
    Dask's configured ones); SchedulerError when `tls://` has none."""
    from distributed import Security

    if not address.startswith("tls://"):
        if tls is not None and (tls.ca_file or tls.cert or tls.key):
            raise SchedulerError(f"--tls-* options need a tls:// scheduler address, not {address}")
        return None
    if tls is not None and (tls.ca_file or tls.cert or tls.key):
        if not (tls.ca_file and tls.cert):
            raise SchedulerError("a tls:// scheduler needs both --tls-ca-file and --tls-cert")
        return Security(  # type: ignore[no-untyped-call]
            tls_ca_file=tls.ca_file,
            tls_client_cert=tls.cert,
            tls_client_key=tls.key or tls.cert,
            require_encryption=True,
        )
    security = Security()  # type: ignore[no-untyped-call]  # Dask's distributed.comm.tls
    if not (getattr(security, "tls_ca_file", None) and getattr(security, "tls_client_cert", None)):
        raise SchedulerError(
            f"{address} needs certificates: give --tls-ca-file, --tls-cert and --tls-key, or set "
            "distributed.comm.tls.ca-file and distributed.comm.tls.client.cert in Dask's configuration"
        )
    return security


async def _probe(address: str, timeout: float, security: Any) -> None:
    """Ask the address who it is, over one connection of our own: a Dask scheduler answers
    {"type": "Scheduler"}; anything else (no answer, a closed port, a stranger) raises."""
    from distributed.comm.core import connect

    extra = security.get_connection_args("client") if security is not None else {}
    comm = await connect(address, timeout=timeout, **extra)  # type: ignore[no-untyped-call]
    try:
        await comm.write({"op": "identity", "reply": True})
        reply = await asyncio.wait_for(comm.read(), timeout)
    finally:
        comm.abort()
    if not (isinstance(reply, dict) and reply.get("type") == "Scheduler"):
        raise ConnectionError("the address answers, but not as a Dask scheduler")


def _connect(address: str, timeout: float, security: Any) -> Client:
    """A client of the scheduler at `address`, or SchedulerError within about `timeout` seconds.
    The probe comes first because a Client that fails to start prints a traceback when it is
    collected; after a good probe the Client's own start seldom fails."""
    from distributed import Client

    def failed(exc: BaseException) -> SchedulerError:
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        return SchedulerError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s: {detail}"
        )

    try:
        asyncio.run(asyncio.wait_for(_probe(address, timeout, security), 2 * timeout))
    except Exception as exc:  # OSError, TimeoutError, a stranger's bytes (MemoryError) ...
        raise failed(exc) from None
    try:
        return Client(  # type: ignore[no-untyped-call]
            address, timeout=timeout, set_as_default=False, security=security
        )
    except Exception as exc:  # Dask raises OSError, TimeoutError, TypeError, ValueError ...
        raise failed(exc) from None


@contextmanager
def open_pool(
    scheduler: str = LOCAL,
    workers: int = 1,
    connect_timeout: float | None = None,
    tls: Tls | None = None,
) -> Iterator[Pool]:
    """A pool for one or more batches; it is shut down on leaving, also on error or Ctrl-C.

    Local workers (a process pool or our own Dask cluster) are capped by the available cores.
    `connect_timeout` (for a scheduler address): seconds, `DEFAULT_CONNECT_TIMEOUT` by default.
    """
    workers = max(1, workers)
    if scheduler in (LOCAL, DASK):
        workers = min(workers, available_cores())
    if scheduler == LOCAL:
        if workers == 1:
            yield InProcessPool()
            return
        executor = ProcessPoolExecutor(max_workers=workers)
        try:
            yield ProcessPool(executor, workers)
        except BaseException:
            _stop_workers(executor)
            raise
        executor.shutdown(wait=True)
        return
    address = None if scheduler == DASK else check_address(scheduler)
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise SchedulerError(f"the {scheduler} scheduler needs dask[distributed]: {exc}") from exc
    with ExitStack() as stack:
        if address is None:
            try:
                with dask.config.set(LOCAL_CLUSTER_CONFIG):
                    cluster = LocalCluster(  # type: ignore[no-untyped-call]
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",  # this machine only
                        # The scheduler always serves some HTTP (health, metrics): on this
                        # machine, any free port, and without the dashboard's pages.
                        dashboard_address="127.0.0.1:0",
                        scheduler_kwargs={"dashboard": False},
                        silence_logs=logging.ERROR,
                    )
            except (OSError, RuntimeError) as exc:
                raise SchedulerError(f"cannot start a local Dask cluster: {exc}") from exc
            stack.enter_context(cluster)
            client = stack.enter_context(
                Client(cluster, set_as_default=False)  # type: ignore[no-untyped-call]
            )
        else:
            security = _security(address, tls)
            timeout = connect_timeout if connect_timeout is not None else _configured_timeout()
            client = stack.enter_context(_connect(address, timeout, security))
        yield DaskPool(client)


def run_games(
    scenario_path: Path,
    runs: int,
    seed: int,
    knobs: Mapping[str, KnobValue] | None = None,
    workers: int = 1,
    save_dir: Path | None = None,
    on_row: Callable[[Row], None] | None = None,
    scheduler: str = LOCAL,
    pool: Pool | None = None,
    connect_timeout: float | None = None,
    tls: Tls | None = None,
) -> list[Row]:
    """Play `runs` AI-vs-AI games (run r with game seed `seed + r`); rows in run order.

    `on_row` hears of each game as it finishes (in whatever order the workers finish them): the
    hook for writing rows as they come and for progress. Pass an open `pool` to share its workers
    between batches (as `explore` does); otherwise one is opened from `scheduler` and `workers`
    for this batch alone.
    """
    batch = Batch.of(scenario_path, knobs, save_dir)
    jobs = ((r, seed + r) for r in range(runs))  # made as the pool asks: a batch may be huge
    rows: list[Row] = []
    with ExitStack() as stack:
        if pool is None:
            alone = scheduler == LOCAL and runs <= 1
            size = 1 if alone else max(1, min(workers, runs))
            pool = stack.enter_context(
                open_pool(scheduler, size, connect_timeout=connect_timeout, tls=tls)
            )
        for row in pool.play(batch, jobs):
            rows.append(row)
            if on_row is not None:
                on_row(row)
    return sorted(rows, key=lambda row: int(row["run"]))
