"""Files written whole or not at all, with the mode a file there would have."""

from __future__ import annotations

import os
import stat

import pytest

from rubricdsl.atomic import (
    CannotWriteError,
    OutputExistsError,
    _cannot_write,
    _mode_for,
    write_atomically,
)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomically(tmp_path / "r.html", b"new")
    finally:
        os.umask(old)
    assert mode(tmp_path / "r.html") == 0o640  # 0666 less 027, not mkstemp's private 0600
    assert (tmp_path / "r.html").read_bytes() == b"new"


def test_a_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "r.html"
    target.write_bytes(b"old")
    target.chmod(0o604)
    write_atomically(target, b"new")
    assert (mode(target), target.read_bytes()) == (0o604, b"new")


def test_refusing_to_replace_leaves_the_file_and_no_temporary(tmp_path):
    target = tmp_path / "data.xlsx"
    target.write_bytes(b"a week of work")
    with pytest.raises(OutputExistsError, match="use --force"):
        write_atomically(target, b"blank", replace=False)
    assert target.read_bytes() == b"a week of work"
    assert [p.name for p in tmp_path.iterdir()] == ["data.xlsx"]


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "r.md"
    target.write_bytes(b"last week")

    def broken(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(CannotWriteError, match="No space left on device"):
        write_atomically(target, b"this week")
    assert target.read_bytes() == b"last week"
    assert [p.name for p in tmp_path.iterdir()] == ["r.md"]


def test_no_such_folder(tmp_path):
    with pytest.raises(CannotWriteError, match="cannot write"):
        write_atomically(tmp_path / "missing" / "r.md", b"x")


def test_the_mode_for_a_target_is_its_own_or_the_umasks(tmp_path):
    target = tmp_path / "r.csv"
    old = os.umask(0o077)
    try:
        assert _mode_for(target) == 0o600  # no file yet: 0666 less the umask
    finally:
        os.umask(old)
    target.write_bytes(b"x")
    target.chmod(0o644)
    assert _mode_for(target) == 0o644


def test_cannot_write_says_which_file_and_why(tmp_path):
    problem = OSError(28, "No space left on device")
    assert _cannot_write(tmp_path / "r.csv", problem) == (
        f"cannot write {tmp_path / 'r.csv'}: No space left on device"
    )
