"""Reading files: regular files only, never blocking, within the size limit, UTF-8."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import rubricdsl
from rubricdsl import DataFileError, Limits, RubricArgumentError, RubricError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "yaohai-2021.yaml"
RUBRIC = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"

READERS = [
    pytest.param(rubricdsl.load, RubricError, "rubric file", id="load"),
    pytest.param(rubricdsl.read_data, DataFileError, "data file", id="read_data"),
]


@pytest.mark.parametrize(("read", "error", "what"), READERS)
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_before_reading(read, error, what, device):
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    with pytest.raises(error, match="not a regular file"):
        read(device)


@pytest.mark.parametrize(("read", "error", "what"), READERS)
def test_a_fifo_is_refused_without_waiting_for_a_writer(read, error, what, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(error, match="not a regular file"):
        read(fifo)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(("read", "error", "what"), READERS)
def test_a_folder_is_refused(read, error, what, tmp_path):
    with pytest.raises(error, match="a folder"):
        read(tmp_path)


@pytest.mark.parametrize(("read", "error", "what"), READERS)
def test_a_file_over_the_size_limit_is_refused_unread(read, error, what, tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(1024 * 1024 + 1)  # sparse: no time spent writing it
    with pytest.raises(error, match=r"limit of 1 MB .*--max-file-mb") as caught:
        read(big)
    assert len(str(caught.value)) < 500


def test_the_size_limit_can_be_raised_and_lowered(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    assert rubricdsl.read_data(SAMPLE, Limits(max_file_bytes=len(text.encode()) + 1))
    with pytest.raises(DataFileError, match="limit of"):
        rubricdsl.read_data(SAMPLE, Limits(max_file_bytes=100))
    with pytest.raises(RubricError, match="limit of"):
        rubricdsl.load(RUBRIC, Limits(max_file_bytes=100))


@pytest.mark.parametrize(("read", "error", "what"), READERS)
@pytest.mark.parametrize("path", [None, 123, b"x.yaml", ["x"]])
def test_a_path_of_the_wrong_type_is_a_type_error(read, error, what, path):
    with pytest.raises(RubricArgumentError, match=f"the {what} must be a path") as caught:
        read(path)
    assert isinstance(caught.value, TypeError)


@pytest.mark.parametrize(("read", "error", "what"), READERS)
def test_an_empty_path_and_a_nul_say_so(read, error, what):
    with pytest.raises(error, match=f"no {what} given"):
        read("")
    with pytest.raises(error, match="NUL"):
        read("x\0y")


def test_not_utf8_names_the_line_and_byte(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("indicators:\n  a: 1\nmeta: {d: 瑶海}\n".encode("gbk"))
    with pytest.raises(DataFileError, match=r"gbk.yaml:3: not UTF-8 text .* at byte offset 29"):
        rubricdsl.read_data(path)


def test_a_control_character_in_a_path_is_shown_escaped(tmp_path):
    with pytest.raises(DataFileError) as caught:
        rubricdsl.read_data(tmp_path / "a\x1b[2Jb.yaml")
    assert "\x1b" not in str(caught.value)
    assert "a\\x1b[2Jb.yaml: no such data file" in str(caught.value)


def test_a_device_is_refused_without_being_opened(monkeypatch):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda *args, **kwargs: opened.append(args) or real_open(*args))
    with pytest.raises(DataFileError, match="not a regular file"):
        rubricdsl.read_data("/dev/zero")
    assert opened == []
