"""Files we write and files we read from users: atomic writes, bounded reads, folder locks.

Every file the game writes goes through `write_atomic` or `atomic_path`: the data goes to a new
file of a random name in the same folder, is flushed to the disk, and is renamed over the target,
so a reader (or a crash) sees the old file or the new one, never half of one. The temporary file
is created with mode 0666 and the process umask applies, so results get the same permissions as
any file the user makes (mkstemp's 0600 would hide them from the group).

User files are read with `read_bounded`: only regular files (not a folder, a device such as
`/dev/zero`, or a pipe that never ends), and never more than a limit, checked before the bytes
are held in memory.

This module sits at the bottom of the package: it imports nothing from the game.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

_TEMP_TRIES = 100


class ReadError(Exception):
    """A user file cannot be read as asked; the message is one plain clause ("is a folder")."""


def _temp_name(path: Path, suffix: str) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp{suffix}")


def _create_temp(path: Path, suffix: str) -> tuple[int, Path]:
    """A new, empty, exclusively created file beside `path` (mode 0666 less the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_TEMP_TRIES):
        tmp = _temp_name(path, suffix)
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))  # pragma: no cover


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write the whole file at once: readers see the old file or the new one, never a mix."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


@contextlib.contextmanager
def atomic_path(path: Path, suffix: str = "") -> Iterator[Path]:
    """For writers that want a file name (matplotlib, pygame): a temporary path in the same
    folder, ending with `suffix` (some writers choose the format by it), renamed over `path`
    when the block ends without an error and removed otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path, suffix)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


NUL_IN_NAME = "the name holds a NUL character"  # what the OS refuses before any file is looked at


def read_bounded(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most `limit` of them; ReadError says why not."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: opening a pipe must not wait for a writer
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    except ValueError:  # a NUL character in the name: no file can have it
        raise ReadError(f"cannot read file: {NUL_IN_NAME}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ReadError("is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise ReadError("is not a regular file (a device, pipe or socket)")
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            except OSError as exc:
                raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise ReadError(f"file is larger than the limit of {limit:,} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def folder_problem(path: Path) -> str | None:
    """Why `path` cannot be an output folder (an existing file, or under a file), or None."""
    if not str(path).strip() or path == Path():
        return "is not a folder name"  # Path("") is ".": an empty --out must not mean here
    probe = path
    while True:
        try:
            mode = os.stat(probe).st_mode
        except (FileNotFoundError, NotADirectoryError):
            pass  # not there (or under a file): look further up
        except OSError as exc:
            return f"cannot be used: {probe}: {exc.strerror}"
        except ValueError:
            return f"cannot be used: {NUL_IN_NAME}"
        else:
            if not stat.S_ISDIR(mode):
                kind = "a file" if stat.S_ISREG(mode) else "a device, pipe or socket"
                if probe != path:
                    return f"is under {probe}, which is {kind}"
                return f"is {kind}, not a folder"
            return None
        parent = probe.parent
        if parent == probe:
            return None
        probe = parent


def file_target_problem(path: Path) -> str | None:
    """Why `path` cannot be a file we write (a folder, a device, under a file), or None."""
    if not str(path).strip() or path == Path():
        return "is not a file name"
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return folder_problem(path.parent) if str(path.parent) not in ("", ".") else None
    except OSError as exc:
        return f"cannot be used: {exc.strerror}"
    except ValueError:
        return f"cannot be used: {NUL_IN_NAME}"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a device, pipe or socket)"
    return None


# --- a lock on an output folder ----------------------------------------------------------------

LOCK_NAME = ".eastfront.lock"


class FolderInUseError(Exception):
    """Another live process holds the folder's lock."""


def _process_start(pid: int) -> str:
    """The start time of a process (Linux), so a reused pid is not taken for the lock's owner."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    fields = text.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


def _alive(pid: int, started: str) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:  # pragma: no cover - an odd pid value
        return False
    return not started or _process_start(pid) in ("", started)


class FolderLock:
    """`DIR/.eastfront.lock`, created exclusively with our pid; a lock whose process is gone is
    stale and taken over. Held for a run, removed when it ends (also on error or Ctrl-C)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self.held = False

    def acquire(self) -> None:
        me = f"{os.getpid()} {_process_start(os.getpid())}\n".encode("ascii")
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                owner = self._owner()
                if owner is not None and _alive(*owner):
                    raise FolderInUseError(
                        f"{self.path.parent} is in use by another run (pid {owner[0]}); wait for "
                        f"it, choose another folder, or remove {self.path} if no run uses it"
                    ) from None
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)  # stale: its process is gone
                continue
            try:
                os.write(fd, me)
            finally:
                os.close(fd)
            self.held = True
            return
        raise FolderInUseError(f"cannot take the lock {self.path}")  # pragma: no cover

    def _owner(self) -> tuple[int, str] | None:
        try:
            text = self.path.read_bytes()[:200].decode("ascii", errors="replace")
        except OSError:
            return None
        parts = text.split()
        if not parts or not parts[0].isascii() or not parts[0].isdigit() or len(parts[0]) > 10:
            return None  # a damaged lock (a crash mid-write): stale
        return int(parts[0]), parts[1] if len(parts) > 1 else ""

    def release(self) -> None:
        if self.held:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            self.held = False

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
