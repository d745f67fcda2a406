"""Hostile command lines, signals and networks: every bad argument is one line naming it and exit
code 2, checked before any game; an `--out` folder serves one run at a time; Ctrl-C keeps every
finished game; what we write is written atomically with ordinary permissions; Dask listens on
this machine only, speaks TLS when asked, and an unreachable scheduler fails in bounded time."""

from __future__ import annotations

import csv
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from game import files
from game.cli import main
from game.sim import runner
from game.sim.runner import open_pool, run_games, scheduler_warning
from tests.conftest import KHARKOV, ROOT, MiniWriter
from tests.test_ai import MINI_PLANS

UMASK = os.umask(0)
os.umask(UMASK)
ORDINARY = 0o666 & ~UMASK


@pytest.fixture
def mini_path(mini: MiniWriter) -> Path:
    return mini(append=MINI_PLANS)


def one_line(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 2) -> str:
    capsys.readouterr()
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


# --- arguments -----------------------------------------------------------------------------------


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "a_file"
    path.write_text("not a folder\n")
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seed", "-1"], "argument --seed: expected a whole number from 0 to"),
        (["--seed", "9" * 40], "argument --seed: expected a whole number from 0 to"),
        (["--seed", "٣"], "argument --seed: expected a whole number"),
        (["--seed", "1.5"], "argument --seed: expected a whole number"),
        (["--runs", "0"], "argument --runs: expected a whole number from 1 to 100,000"),
        (["--runs", "-1"], "argument --runs: expected a whole number from 1 to 100,000"),
        (["--runs", "100000000"], "argument --runs: expected a whole number from 1 to 100,000"),
        (["--workers", "0"], "argument --workers: expected a whole number from 1"),
        (["--out", ""], "argument --out: '' is not a folder name"),
        (["--out", " "], "argument --out: ' ' is not a folder name"),
        (["--out", "/dev/null"], "argument --out: '/dev/null' is a device, pipe or socket"),
        (["--set", "thaw_shift_days=٣"], "argument --set: expected KNOB=VALUE"),
        (["--set", "thaw_shift_days"], "argument --set: expected KNOB=VALUE"),
        (["--scheduler", "http://host:1"], "argument --scheduler: expected local, dask"),
        (["--scheduler", "tcp://host:99999"], "argument --scheduler: expected local, dask"),
        (["--connect-timeout", "0"], "argument --connect-timeout: expected a number"),
        (["--tls-cert", "/no/such.pem"], "argument --tls-cert: '/no/such.pem'"),
        (
            ["--seed", str(2**63 - 1), "--runs", "2"],
            "argument --seed: the last game would have seed",
        ),
        (["--tls-cert", str(KHARKOV)], "only for a tls:// --scheduler"),
    ],
)
def test_bad_batch_arguments_are_one_line_naming_the_argument(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    base = {"--runs": "2", "--seed": "1", "--out": str(tmp_path / "out")}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    argv = ["simulate", str(KHARKOV), *[x for pair in base.items() for x in pair]]
    line = one_line(capsys, argv)
    assert message in line
    assert not (tmp_path / "out").exists()  # refused before any folder or game


def test_an_out_that_is_a_file_or_under_one(
    capsys: pytest.CaptureFixture[str], a_file: Path
) -> None:
    for out, message in [
        (a_file, f"'{a_file}' is a file, not a folder"),
        (a_file / "x", f"'{a_file / 'x'}' is under {a_file}, which is a file"),
    ]:
        argv = ["simulate", str(KHARKOV), "--runs", "1", "--seed", "1", "--out", str(out)]
        assert f"argument --out: {message}" in one_line(capsys, argv)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("nope=3", "argument --set nope=3: kharkov_1943 has no knob 'nope'"),
        ("thaw_shift_days=x", "argument --set thaw_shift_days=x: expected a whole number, got 'x'"),
        ("thaw_shift_days=3.5", "expected a whole number, got '3.5'"),
        ("thaw_shift_days=999", "argument --set thaw_shift_days=999: thaw_shift_days ranges from"),
        ("soviet_hold_kharkov=maybe", "expected true or false, got 'maybe'"),
        ("soviet_supply_reach_percent=nan", "expected a whole number, got 'nan'"),
        ("thaw_shift_days=1", "thaw_shift_days=2: thaw_shift_days is set twice"),
    ],
)
def test_set_errors_name_the_set_argument_not_the_scenario_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, setting: str, message: str
) -> None:
    argv = ["simulate", str(KHARKOV), "--runs", "1", "--seed", "1", "--out", str(tmp_path)]
    twice = ["--set", "thaw_shift_days=2"] if setting == "thaw_shift_days=1" else []
    line = one_line(capsys, [*argv, "--set", setting, *twice])
    assert line.startswith("eastfront simulate: error: argument --set")
    assert message in line and ":?:" not in line


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["describe", "/etc"], "argument scenario: '/etc' is not a scenario file"),
        (["describe", "no_such_scenario"], "no scenario 'no_such_scenario'"),
        (
            ["map", str(KHARKOV), "--png", "/dev/null"],
            "argument --png: '/dev/null' is not a regular",
        ),
        (
            ["map", str(KHARKOV), "--png", "x.jpg"],
            "argument --png: 'x.jpg' is not a .png file name",
        ),
        (["map", str(KHARKOV), "--png", "x.png", "--hex-px", "1e9"], "argument --hex-px"),
        (["play", "--seed", "-5"], "argument --seed"),
        (["play", "--frames", "-1"], "argument --frames"),
        (["nonsense"], "argument command: invalid choice"),
        # a NUL in a name (only a program can pass one; the fuzz soak found the traceback)
        (["validate", "a\x00.toml"], "cannot read file: the name holds a NUL character"),
        (["replay", "\x00"], "cannot read file: the name holds a NUL character"),
        (["map", str(KHARKOV), "--png", "a\x00.png"], "the name holds a NUL character"),
        ([], "the following arguments are required: command"),
    ],
)
def test_other_bad_arguments_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert message in one_line(capsys, argv)


def test_validate_tells_a_stray_file_from_a_broken_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stray = tmp_path / "save.txt"
    stray.write_text('{"format": "eastfront-save"}\n')
    assert one_line(capsys, ["validate", str(stray)]) == (
        f"{stray}:?: (file): not a scenario or map (.toml) or a save (.json): the name ends in .txt"
    )
    assert "is a folder" in one_line(capsys, ["validate", str(tmp_path)])
    assert "is not a regular file" in one_line(capsys, ["validate", "/dev/zero"])


# --- the output folder ---------------------------------------------------------------------------


def simulate(path: Path, out: Path, *extra: str) -> list[str]:
    return [
        "simulate",
        str(path),
        "--runs",
        "2",
        "--seed",
        "3",
        "--out",
        str(out),
        "--no-plots",
        *extra,
    ]


def test_an_out_folder_in_use_by_a_live_run_is_refused(
    capsys: pytest.CaptureFixture[str], mini_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with files.FolderLock(out):  # held by this live process
        line = one_line(capsys, simulate(mini_path, out))
    assert f"argument --out: {out} is in use by another run (pid {os.getpid()})" in line
    assert not (out / "runs.csv").exists()


def test_a_stale_lock_is_taken_over_and_every_lock_is_removed_at_the_end(
    capsys: pytest.CaptureFixture[str], mini_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (out / files.LOCK_NAME).write_text(f"{gone.pid} 1\n")
    assert main(simulate(mini_path, out)) == 0
    assert sorted(p.name for p in out.iterdir()) == ["runs.csv", "summary.json"]
    (out / files.LOCK_NAME).write_text("")  # a crash before the pid was written
    assert main(simulate(mini_path, out)) == 0
    assert not (out / files.LOCK_NAME).exists()


def test_ctrl_c_keeps_every_finished_row_and_the_summary(mini_path: Path, tmp_path: Path) -> None:
    """A real SIGINT to a real `eastfront simulate` (and its worker processes, as a terminal
    sends it): exit 130, one line, the finished games in runs.csv and summary.json, no lock."""
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "game", *simulate(mini_path, out)]
    argv[argv.index("2", argv.index("--runs"))] = "10000"
    process = subprocess.Popen(
        [*argv, "--workers", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    runs = out / "runs.csv"
    try:
        for _ in range(1200):  # wait (at most two minutes) for two finished games
            if runs.exists() and runs.read_text().count("\n") >= 3:
                break
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert err.count("\n") == 1 and err.startswith("interrupted after "), err
    with runs.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    summary = json.loads((out / "summary.json").read_text())
    assert 2 <= len(rows) == summary["runs"] < 10000
    assert [int(r["run"]) for r in rows] == sorted(int(r["run"]) for r in rows)
    assert sorted(p.name for p in out.iterdir()) == ["runs.csv", "summary.json"]


# --- workers and jobs ----------------------------------------------------------------------------


def test_local_workers_are_capped_by_the_cores() -> None:
    with open_pool("local", workers=1000) as pool:
        assert isinstance(pool, runner.ProcessPool)
        assert pool.executor._max_workers <= runner.available_cores()


def test_a_batch_asks_for_no_more_workers_than_games_and_makes_jobs_as_it_goes(
    mini_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    taken: list[tuple[int, int]] = []

    class FirstThree:
        def play(
            self, batch: runner.Batch, jobs: Iterator[tuple[int, int]]
        ) -> Iterator[runner.Row]:
            assert iter(jobs) is jobs  # an iterator made as it goes, not a list
            taken.extend(itertools.islice(jobs, 3))
            return iter(())

    def fake_open_pool(scheduler: str, workers: int, **_: object) -> object:
        asked.append(workers)
        from contextlib import nullcontext

        return nullcontext(FirstThree())

    monkeypatch.setattr(runner, "open_pool", fake_open_pool)
    assert run_games(mini_path, 2, 1, workers=1000, scheduler="dask") == []
    assert run_games(mini_path, 10**12, 1, workers=1000, scheduler="dask") == []
    assert asked == [2, 1000]
    assert taken[-3:] == [(0, 1), (1, 2), (2, 3)]


# --- atomic writes -------------------------------------------------------------------------------


def test_everything_a_batch_writes_has_ordinary_permissions_and_no_temporary_is_left(
    mini_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    argv = ["simulate", str(mini_path), "--runs", "2", "--seed", "3", "--out", str(out)]
    assert main([*argv, "--save-games"]) == 0
    written = [p for p in out.rglob("*") if p.is_file()]
    assert {p.suffix for p in written} == {".csv", ".json", ".png"}
    assert all(p.stat().st_mode & 0o777 == ORDINARY for p in written)
    assert not [p for p in out.rglob(".*")]


def test_the_map_image_is_written_atomically(tmp_path: Path, mini_path: Path) -> None:
    from game.scenario.model import load_scenario
    from game.ui.mapimage import save_png

    target = tmp_path / "map.png"
    save_png(load_scenario(mini_path), target, hex_px=8)
    save_png(load_scenario(mini_path), target, hex_px=8)  # over an old one
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_mode & 0o777 == ORDINARY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png", "maps", "mini.toml"]


def test_generated_sounds_are_written_atomically_and_match_the_shipped_ones(tmp_path: Path) -> None:
    from game.ui.soundgen import write_sounds

    written = write_sounds(tmp_path)
    for path in written:
        assert path.read_bytes() == (ROOT / "assets" / "sounds" / path.name).read_bytes()
        assert path.stat().st_mode & 0o777 == ORDINARY
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    files.write_atomic(target, "old\n")
    with pytest.raises(RuntimeError), files.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


# --- Dask ----------------------------------------------------------------------------------------


def listening(port: int) -> set[str]:
    """The local addresses a TCP port listens on, from /proc/net/tcp and tcp6 (hex, as there)."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as handle:
            for line in handle.readlines()[1:]:
                fields = line.split()
                address, hex_port = fields[1].rsplit(":", 1)
                if fields[3] == "0A" and int(hex_port, 16) == port:
                    out.add(address)
    return out


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's socket tables")
def test_the_local_dask_cluster_listens_on_this_machine_only() -> None:
    with open_pool("dask", workers=1) as pool:
        assert isinstance(pool, runner.DaskPool)
        info = pool.client.scheduler_info()  # type: ignore[no-untyped-call]
        ports = [int(info["address"].rsplit(":", 1)[1]), *info["services"].values()]
        for worker, about in info["workers"].items():
            ports.append(int(worker.rsplit(":", 1)[1]))
            ports.append(int(about["nanny"].rsplit(":", 1)[1]))
        assert len(ports) == 4  # scheduler, its HTTP (no dashboard pages), worker, nanny
        for port in ports:
            assert listening(port) and listening(port) <= LOOPBACK, port


def test_a_remote_plain_tcp_scheduler_gets_a_warning() -> None:
    assert scheduler_warning("tcp://10.1.2.3:8786") is not None
    assert "pickled" in (scheduler_warning("cluster.example:8786") or "")
    for quiet in (
        "tcp://127.0.0.1:8786",
        "localhost:8786",
        "tcp://[::1]:8786",
        "tls://10.1.2.3:8786",
    ):
        assert scheduler_warning(quiet) is None


def test_an_unreachable_scheduler_fails_in_bounded_time_with_one_line(
    capsys: pytest.CaptureFixture[str], mini_path: Path, tmp_path: Path
) -> None:
    argv = simulate(mini_path, tmp_path / "out", "--scheduler", "tcp://127.0.0.1:1")
    line = one_line(capsys, [*argv, "--connect-timeout", "0.5"])
    assert line.startswith("eastfront: error: cannot reach the Dask scheduler at tcp://127.0.0.1:1")
    assert not (tmp_path / "out" / files.LOCK_NAME).exists()


def test_tls_without_certificates_is_refused_at_once(
    capsys: pytest.CaptureFixture[str], mini_path: Path, tmp_path: Path
) -> None:
    argv = simulate(mini_path, tmp_path / "out", "--scheduler", "tls://127.0.0.1:1")
    assert "tls://127.0.0.1:1 needs certificates" in one_line(capsys, argv)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (its own CA), made with openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ),
            *("-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2"),
            *("-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return str(cert), str(key)


def test_a_tls_scheduler_plays_the_same_games_as_local(
    certificate: tuple[str, str],
    mini_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    import dask
    from distributed import LocalCluster, Security

    cert, key = certificate
    security = Security(  # type: ignore[no-untyped-call]
        tls_ca_file=cert,
        **{
            f"tls_{role}_{part}": path
            for role in ("scheduler", "worker", "client")
            for part, path in (("cert", cert), ("key", key))
        },
        require_encryption=True,
    )
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tls",
        host="127.0.0.1",
        dashboard_address=None,
        security=security,
        silence_logs=logging.ERROR,
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tls://127.0.0.1:")
        tls = ["--tls-ca-file", cert, "--tls-cert", cert, "--tls-key", key]
        assert main(simulate(mini_path, tmp_path / "tls", "--scheduler", address, *tls)) == 0
        assert capsys.readouterr().err == ""
        configured = {
            "distributed.comm.tls.ca-file": cert,
            "distributed.comm.tls.client.cert": cert,
            "distributed.comm.tls.client.key": key,
        }
        with dask.config.set(configured):  # Dask's own configuration instead of --tls-*
            assert main(simulate(mini_path, tmp_path / "configured", "--scheduler", address)) == 0
        plain = address.replace("tls://", "tcp://")
        line = one_line(
            capsys,
            [*simulate(mini_path, tmp_path / "x", "--scheduler", plain), "--connect-timeout", "2"],
        )
        assert "cannot reach the Dask scheduler" in line
    assert main(simulate(mini_path, tmp_path / "local")) == 0
    local = (tmp_path / "local" / "runs.csv").read_text()
    assert (tmp_path / "tls" / "runs.csv").read_text() == local
    assert (tmp_path / "configured" / "runs.csv").read_text() == local
