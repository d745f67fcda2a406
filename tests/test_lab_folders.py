"""The lab's run folders: the newest are kept, older ones removed, and nothing that is not a lab
run folder in the lab's own folder is ever touched."""

from __future__ import annotations

import os
from pathlib import Path

from game.ui.labrun import KEEP_FOLDERS, clean_lab_folders, lab_folder


def make_runs(base: Path, count: int) -> list[Path]:
    """`count` run folders as the lab names them (UTC start times), oldest first, with files."""
    folders = []
    for i in range(count):
        folder = base / f"20261201-{i // 60:02d}{i % 60:02d}00"
        (folder / "variant").mkdir(parents=True)
        (folder / "variant" / "runs.csv").write_text("run,seed\n0,1\n")
        (folder / "report.html").write_text("<html></html>")
        folders.append(folder)
    return folders


def test_the_newest_run_folders_are_kept_and_the_oldest_removed(tmp_path: Path) -> None:
    base = tmp_path / "lab"
    folders = make_runs(base, KEEP_FOLDERS + 5)
    second = base / "20261201-000000-1"  # a second run started in the same second
    second.mkdir()
    removed = clean_lab_folders(base)
    assert removed == [folders[0], second, *folders[1:5]]
    assert sorted(p for p in base.iterdir()) == folders[5:]


def test_cleaning_never_touches_what_the_lab_did_not_make(tmp_path: Path) -> None:
    base = tmp_path / "lab"
    make_runs(base, KEEP_FOLDERS + 3)
    outside = tmp_path / "precious"
    (outside / "inside").mkdir(parents=True)
    (outside / "inside" / "keep.txt").write_text("mine")
    os.symlink(outside, base / "20000101-000000")  # oldest by name, but a link
    (base / "19990101-000000.txt").write_text("a file")
    (base / "notes").mkdir()
    (base / "19990101-000000-zz").mkdir()  # not a name the lab gives
    clean_lab_folders(base)
    assert (outside / "inside" / "keep.txt").read_text() == "mine"
    assert (base / "20000101-000000").is_symlink()
    assert (base / "19990101-000000.txt").is_file()
    assert (base / "notes").is_dir() and (base / "19990101-000000-zz").is_dir()
    runs = [p for p in base.iterdir() if p.name.startswith("2026")]
    assert len(runs) == KEEP_FOLDERS


def test_a_new_run_folder_leaves_the_newest_kept_plus_itself(tmp_path: Path) -> None:
    store = tmp_path / "data" / "experiments.sqlite"
    folders = make_runs(store.parent / "lab", KEEP_FOLDERS + 2)
    new = lab_folder(store)
    assert new.parent == store.parent / "lab" and not new.exists()
    kept = sorted(p for p in (store.parent / "lab").iterdir())
    assert kept == folders[3:]  # room for the new one: KEEP_FOLDERS in all
    assert len(kept) + 1 == KEEP_FOLDERS


def test_a_lab_folder_that_is_not_there_is_nothing_to_clean(tmp_path: Path) -> None:
    assert clean_lab_folders(tmp_path / "no such folder") == []
