"""Issue 5's attack set against the command line, one test per case.

Every case runs `python -m rubricdsl` as a child process, the way a reviewer runs it on the
files forty districts e-mailed in: under a 1 GiB address-space limit, with a timeout, and with
its standard streams captured as bytes. The contract checked:

- exit 0 scored / checked; 1 bad input (one short message naming the problem); 2 usage;
  70 internal error, which no case here may give; a failed write to stdout is neither 1 nor 70;
- "Traceback" never reaches stderr;
- no control character from a data file or a rubric reaches stdout or stderr raw
  (the byte scan of `raw_controls`);
- `--format json` is strict JSON (no NaN / Infinity).

Hostile files are built in code. The child processes run a few at a time: the `batch`
fixture builds the inputs of every selected case and runs them all (as many at once as there
are cores) the first time a test asks for one; each test then checks its own case's result.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"
SAMPLE = ROOT / "examples" / "yaohai-2021.yaml"
SAMPLE_TOTAL = Decimal("77.49")

TIMEOUT = 20.0  # seconds a case may take before it counts as a hang
QUICK = 10.0  # seconds for what must be refused "quickly" (special files, the size limit)
MEMORY = 1 << 30  # bytes of address space for the child: the nastiest cases run under it
OUTPUT_LIMIT = 64 << 20  # bytes a child may write to a captured stream (RLIMIT_FSIZE)
SHORT = 5_000  # bytes of stderr one clear message may take, however large the input
BIG = 1 << 20  # characters of a "huge" name or string
MB = 1 << 20
EXIT_INTERNAL = 70


# ---------------------------------------------------------------------------------------------
# Running the CLI
# ---------------------------------------------------------------------------------------------


def _limit_child() -> None:
    """In the child, before exec: 1 GiB of address space, bounded output files."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))


def _env(encoding: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = encoding
    for variable in ("PYTHONUTF8", "PYTHONWARNINGS", "PYTHONUNBUFFERED"):
        env.pop(variable, None)  # run as on a reviewer's machine: buffered, no UTF-8 mode
    return env


def _command(args: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-m", "rubricdsl", *args]


@dataclass(frozen=True)
class Call:
    """One run of the CLI: its arguments, the encoding of its standard streams, its timeout."""

    args: tuple[str, ...]
    encoding: str = "utf-8"
    timeout: float = TIMEOUT


def score(rubric: object, data: object, fmt: str = "text", *, encoding: str = "utf-8") -> Call:
    args = ("score", str(rubric), str(data), *(("--format", "json") if fmt == "json" else ()))
    return Call(args, encoding)


def check(rubric: object, *, timeout: float = TIMEOUT) -> Call:
    return Call(("check", str(rubric)), timeout=timeout)


def with_room(call: Call, megabytes: int = 20) -> Call:
    """The same run with the file-size limit raised (default 1 MB), for the cases whose point is
    what happens past it: a huge line, a million keys, 10^5 errors."""
    command, *rest = call.args
    return Call((command, "--max-file-mb", str(megabytes), *rest), call.encoding, call.timeout)


@dataclass(frozen=True)
class Ran:
    """What a run gave: the exit code (None when it was killed at its timeout), both streams
    as bytes, and how long it took."""

    call: Call
    code: int | None
    out: bytes
    err: bytes
    seconds: float

    def describe(self) -> str:
        code = f"killed after {self.call.timeout:g}s" if self.code is None else f"exit {self.code}"
        return (
            f"rubricdsl {' '.join(a[:80] for a in self.call.args)} "
            f"[PYTHONIOENCODING={self.call.encoding}]: {code}, {self.seconds:.1f}s, "
            f"stdout {len(self.out)} bytes, stderr {len(self.err)} bytes: {self._stderr_excerpt()}"
        )

    def _stderr_excerpt(self) -> str:
        if len(self.err) <= 900:
            return repr(self.err)
        return f"{self.err[:300]!r} … {self.err[-600:]!r}"

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8", "replace")


@dataclass
class _Running:
    name: str
    calls: list[Call]
    results: list[Ran]
    process: subprocess.Popen[bytes]
    out: Path
    err: Path
    started: float


@dataclass
class Batch:
    """Builds and runs the selected cases, `workers` child processes at a time. Everything is
    started from the main thread (so `preexec_fn` is safe), streams go to files (so nothing has
    to be drained), and a case of several calls runs them in order, each only if the one
    before it succeeded (exit 0)."""

    root: Path
    workers: int
    results: dict[str, Ran | list[Ran] | BaseException] = field(default_factory=dict)

    def run(self, names: list[str]) -> None:
        pending = deque(names)
        running: list[_Running] = []
        while pending or running:
            while pending and len(running) < self.workers:
                name = pending.popleft()
                directory = self.root / re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
                directory.mkdir(parents=True, exist_ok=True)
                try:
                    built = CASES[name](directory)
                except Exception as error:  # a broken builder fails its own test only
                    self.results[name] = error
                    continue
                calls = built if isinstance(built, list) else [built]
                running.append(self._start(name, calls, [], directory))
            time.sleep(0.02)
            for job in list(running):
                ran = self._poll(job)
                if ran is None:
                    continue
                running.remove(job)
                job.results.append(ran)
                if len(job.results) < len(job.calls) and ran.code == 0:
                    running.append(self._start(job.name, job.calls, job.results, job.out.parent))
                else:
                    self.results[job.name] = job.results[0] if len(job.calls) == 1 else job.results
                    _drop_big_files(job.out.parent)

    def _start(self, name: str, calls: list[Call], results: list[Ran], where: Path) -> _Running:
        call = calls[len(results)]
        out, err = where / f"run{len(results)}.out", where / f"run{len(results)}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                _command(call.args),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                cwd=ROOT,
                env=_env(call.encoding),
                preexec_fn=_limit_child,
            )
        return _Running(name, calls, results, process, out, err, time.monotonic())

    @staticmethod
    def _poll(job: _Running) -> Ran | None:
        call = job.calls[len(job.results)]
        code = job.process.poll()
        seconds = time.monotonic() - job.started
        if code is None:
            if seconds < call.timeout:
                return None
            job.process.kill()
            job.process.wait()
        ran = Ran(call, code, job.out.read_bytes(), job.err.read_bytes(), seconds)
        job.out.unlink()
        job.err.unlink()
        return ran

    def __call__(self, name: str) -> Ran | list[Ran]:
        result = self.results[name]
        if isinstance(result, BaseException):
            raise result
        return result

    def one(self, name: str) -> Ran:
        result = self(name)
        assert isinstance(result, Ran)
        return result

    def two(self, name: str) -> tuple[Ran, Ran | None]:
        """A case of two calls: the second is None when the first did not succeed."""
        result = self(name)
        assert isinstance(result, list)
        return result[0], result[1] if len(result) > 1 else None


def _drop_big_files(directory: Path) -> None:
    """The inputs of a finished case that take room (up to 60 MB each) are not kept."""
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_size > MB:
            path.unlink()


CASES: dict[str, Callable[[Path], Call | list[Call]]] = {}


def case(name: str) -> Callable[[Callable[[Path], Call | list[Call]]], None]:
    def register(builder: Callable[[Path], Call | list[Call]]) -> None:
        assert name not in CASES, name
        CASES[name] = builder

    return register


def cases(prefix: str) -> list[str]:
    names = [name for name in CASES if name.startswith(prefix)]
    assert names, prefix
    return names


@pytest.fixture(scope="module")
def batch(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """Every case a selected test of this module asks for, built and run once."""
    wanted: list[str] = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if getattr(item, "module", None) is request.module and callspec is not None:
            name = callspec.params.get("case")
            if name is not None and name not in wanted:
                wanted.append(name)
    runner = Batch(tmp_path_factory.mktemp("hostile"), workers=max(2, min(os.cpu_count() or 2, 4)))
    runner.run(wanted)
    return runner


def run_direct(args: tuple[str, ...], **popen: object) -> subprocess.Popen[bytes]:
    """Start the CLI in the main thread, for the cases that need their own stdout."""
    return subprocess.Popen(  # type: ignore[call-overload]
        _command(args),
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        env=_env("utf-8"),
        **popen,
    )


# ---------------------------------------------------------------------------------------------
# What the results must look like
# ---------------------------------------------------------------------------------------------

_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
FORBIDDEN = (set(range(0x20)) - {0x0A}) | {0x7F, *range(0x80, 0xA0), *_BIDI, 0x2028, 0x2029}


def raw_controls(data: bytes) -> list[str]:
    """The control characters in `data` (UTF-8), each with a little context; bytes that are not
    UTF-8 count too (shown as U+DCxx)."""
    text = data.decode("utf-8", "surrogateescape")
    found: dict[int, str] = {}
    for index, char in enumerate(text):
        point = ord(char)
        if (point in FORBIDDEN or 0xDC80 <= point <= 0xDCFF) and point not in found:
            found[point] = f"U+{point:04X} in {text[max(index - 30, 0) : index + 10]!r}"
    return [found[point] for point in sorted(found)]


def assert_no_raw_controls(ran: Ran) -> None:
    for stream, data in (("stdout", ran.out), ("stderr", ran.err)):
        bad = raw_controls(data)
        assert not bad, f"{stream} carries raw control characters: {'; '.join(bad[:12])}"


def assert_no_crash(ran: Ran) -> None:
    """Answered within the timeout, no traceback, not an internal error."""
    assert ran.code is not None, f"hangs: {ran.describe()}"
    assert b"Traceback" not in ran.err, ran.describe()
    assert ran.code != EXIT_INTERNAL, f"internal error: {ran.describe()}"
    assert ran.code >= 0, f"killed by signal {-ran.code}: {ran.describe()}"


def assert_refused(ran: Ran, *words: str, limit: int = SHORT) -> None:
    """Bad input: exit 1, nothing on stdout, one short message on stderr that mentions one of
    `words` (case-insensitive), when given."""
    assert_no_crash(ran)
    assert ran.code == 1, ran.describe()
    assert ran.out == b"", f"stdout not empty on bad input: {ran.out[:300]!r}"
    assert ran.err.strip(), f"no message: {ran.describe()}"
    assert len(ran.err) < limit, f"message of {len(ran.err)} bytes: {ran.describe()}"
    if words:
        message = ran.stderr.lower()
        assert any(word in message for word in words), f"mentions none of {words}: {ran.stderr}"


def assert_not_echoed(ran: Ran, unit: str, length: int = 1000) -> None:
    """Neither stream holds `length` repetitions of `unit`, the stuff a huge input is made of."""
    fragment = (unit * length).encode()
    assert fragment not in ran.err, f"stderr echoes the input: {ran.describe()}"
    assert fragment not in ran.out, "stdout echoes the input"


def strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        pytest.fail(f"--format json wrote {constant}: not strict JSON")

    return json.loads(text, parse_constant=refuse)


def scored_json(ran: Ran, encoding: str = "utf-8") -> dict[str, object]:
    assert_no_crash(ran)
    assert ran.code == 0, ran.describe()
    document = strict_json(ran.out.decode(encoding))
    assert isinstance(document, dict)
    return document


def total_of(ran: Ran) -> Decimal:
    return Decimal(str(scored_json(ran)["total"]))


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
_SAMPLE_HEAD, _SAMPLE_INDICATORS = SAMPLE_TEXT.split("\nindicators:\n", 1)


def sample_yaml(
    *,
    meta: str | None = None,
    values: dict[str, str] | None = None,
    extra: str = "",
    prefix: str = "",
) -> str:
    """The sample data file with its meta block replaced by `meta` (None keeps it), indicator
    lines replaced by `values` (name → YAML text), lines added to `indicators:` by `extra`,
    and `prefix` put before everything."""
    head = _SAMPLE_HEAD if meta is None else meta
    body = _SAMPLE_INDICATORS
    for key, value in (values or {}).items():
        body, count = re.subn(
            rf"^  {key}: .*$", lambda _match, k=key, v=value: f"  {k}: {v}", body, flags=re.M
        )
        assert count == 1, key
    head = head.rstrip("\n") + "\n" if head else ""
    return f"{prefix}{head}indicators:\n{body.rstrip()}\n{extra}"


def sample_dict() -> dict[str, object]:
    document = yaml.safe_load(SAMPLE_TEXT)
    assert isinstance(document, dict)
    return document


def yq(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def small_rubric(body: str, *, indicators: str = 'a: bool "甲"', base: int | str = 1) -> str:
    return f'rubric "小表"\nyear 2021\nbase {base}\nindicators {{\n  {indicators}\n}}\n{body}\n'


def one_item_rubric(rules: str, points: int | str = 1) -> str:
    body = f'category "类" {points} {{\n  item 1 "项" {points} {{\n    {rules}\n  }}\n}}'
    return small_rubric(body, base=points)


A_TRUE = "indicators:\n  a: true\n"

# Terminal-driving text: an OSC that retitles the window, a screen clear, colour, BEL, CR,
# backspace, other C0, DEL, C1 (NEL, CSI), every bidi control, the Unicode line and paragraph
# separators, VT, FF, FS and a tab. NUL is left out: refusing it would be fair.
CONTROL = (
    "\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\r\x08\x01\x7f\x85\x9b"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
    "\u2028\u2029\x0b\x0c\x1c\t!"
)
# The same inside a rubric, which is read with universal newlines: no CR.
RUBRIC_CONTROL = CONTROL.replace("\r", "")


# ---------------------------------------------------------------------------------------------
# Hostile data files
# ---------------------------------------------------------------------------------------------


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """A flow sequence whose last element expands to width ** levels strings (~4e8), made of
    `levels` anchored lists, each of `width` aliases of the one before."""
    parts = ["&l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        parts.append(f"&l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "[" + ", ".join(parts) + "]"


@case("data/aliases-in-indicator")
def _(d: Path) -> Call:
    return score(
        RUBRIC, write(d, "d.yaml", sample_yaml(values={"cqo_trained_pct": billion_laughs()}))
    )


@case("data/aliases-in-meta")
def _(d: Path) -> Call:
    meta = f"meta:\n  district: 瑶海区\n  lol: {billion_laughs()}\n"
    return score(RUBRIC, write(d, "d.yaml", sample_yaml(meta=meta)))


@pytest.mark.parametrize("case", cases("data/aliases-"))
def test_billion_laughs_is_refused_quickly(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_refused(ran, "alias")
    assert ran.seconds < QUICK, ran.describe()


def _json_sample_with(placeholder_value: str, where: str) -> str:
    document = sample_dict()
    if where == "meta":
        meta = document["meta"]
        assert isinstance(meta, dict)
        meta["deep"] = "@@HERE@@"
    else:
        indicators = document["indicators"]
        assert isinstance(indicators, dict)
        indicators["cqo_trained_pct"] = "@@HERE@@"
    return json.dumps(document, ensure_ascii=False).replace('"@@HERE@@"', placeholder_value)


@case("data/yaml-nested-300-list-in-indicator")
def _(d: Path) -> Call:
    value = "[" * 300 + "1" + "]" * 300
    return score(RUBRIC, write(d, "d.yaml", sample_yaml(values={"cqo_trained_pct": value})))


@case("data/yaml-nested-300-mapping-in-meta")
def _(d: Path) -> Call:
    meta = "meta:\n  deep: " + "{a: " * 300 + "1" + "}" * 300 + "\n"
    return score(RUBRIC, write(d, "d.yaml", sample_yaml(meta=meta)))


@case("data/json-nested-1000")
def _(d: Path) -> Call:
    text = _json_sample_with("[" * 1000 + "1" + "]" * 1000, "indicator")
    return score(RUBRIC, write(d, "d.json", text))


@case("data/json-nested-100000")
def _(d: Path) -> Call:
    text = _json_sample_with('{"a": ' * 100_000 + "1" + "}" * 100_000, "meta")
    return score(RUBRIC, write(d, "d.json", text))


@pytest.mark.parametrize("case", cases("data/yaml-nested-") + cases("data/json-nested-"))
def test_deep_nesting_is_refused(batch: Batch, case: str) -> None:
    assert_refused(batch.one(case), "nest", "deep")


NUMBERS = {
    "int-5000-digits": "9" * 5000,
    "int-4000-digits": "7" * 4000,
    "exp+1000000": "1.0e+1000000",
    "exp+999999999999999999999": "1.0e+999999999999999999999",
    "exp-999999999999999999": "1.0e-999999999999999999",
    "exp-100000000": "1.0e-100000000",
}


def _number_case(label: str, text: str, where: str) -> None:
    @case(f"data/number-{label}-in-{where}")
    def _(d: Path) -> Call:
        if where == "meta":
            data = sample_yaml(meta=f"meta:\n  district: 瑶海区\n  value: {text}\n")
        else:
            # whole numbers go to a count, the others to a percent (where 1e-100000000 fits)
            name = "committee_meetings_per_year" if "." not in text else "cqo_trained_pct"
            data = sample_yaml(values={name: text})
        return score(RUBRIC, write(d, "d.yaml", data))


for _label, _text in NUMBERS.items():
    for _where in ("indicator", "meta"):
        _number_case(_label, _text, _where)


@pytest.mark.parametrize("case", cases("data/number-"))
def test_hostile_numbers_are_refused_briefly(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_refused(ran)
    assert b"9" * 1200 not in ran.err and b"7" * 1200 not in ran.err, ran.describe()


PER_UNIT_RUBRIC = small_rubric(
    'category "计数" 100 {\n  item 1 "按个计分" 100 {\n    1 per x max 100 "每个得 1 分"\n  }\n}',
    indicators='x: number "个数"',
    base=100,
)
NINES_66 = "9." + "9" * 66  # 67 significant digits, just under 10: 9 whole units


@case("data/66-digits-per-unit-yaml")
def _(d: Path) -> Call:
    rubric = write(d, "per.rubric", PER_UNIT_RUBRIC)
    return score(rubric, write(d, "d.yaml", f"indicators:\n  x: {NINES_66}\n"), "json")


@case("data/66-digits-per-unit-json")
def _(d: Path) -> Call:
    rubric = write(d, "per.rubric", PER_UNIT_RUBRIC)
    return score(rubric, write(d, "d.json", f'{{"indicators": {{"x": {NINES_66}}}}}'), "json")


@pytest.mark.parametrize("case", cases("data/66-digits-"))
def test_many_significant_digits_count_whole_units_exactly(batch: Batch, case: str) -> None:
    document = scored_json(batch.one(case))
    items = document["items"]
    assert isinstance(items, list)
    assert Decimal(items[0]["score"]) == 9, items[0]
    assert Decimal(str(document["total"])) == 9


TAGS = {
    "float-abc": "!!float abc",
    "timestamp-2021-13-45": "!!timestamp 2021-13-45",
    "timestamp-2021-01-01x": "!!timestamp 2021-01-01x",
}


def _tag_case(label: str, text: str) -> None:
    @case(f"data/tag-{label}-in-meta")
    def _(d: Path) -> Call:
        data = sample_yaml(meta=f"meta:\n  district: 瑶海区\n  value: {text}\n")
        return score(RUBRIC, write(d, "d.yaml", data))


for _label, _text in TAGS.items():
    _tag_case(_label, _text)


@case("data/complex-key-in-meta")
def _(d: Path) -> Call:
    meta = "meta:\n  district: 瑶海区\n  ? [a]\n  : b\n"
    return score(RUBRIC, write(d, "d.yaml", sample_yaml(meta=meta)))


@case("data/complex-key-in-indicators")
def _(d: Path) -> Call:
    return score(RUBRIC, write(d, "d.yaml", sample_yaml(extra="  ? [a, b]\n  : 1\n")))


@pytest.mark.parametrize("case", cases("data/tag-") + cases("data/complex-key-"))
def test_bad_yaml_tags_and_complex_keys_are_refused(batch: Batch, case: str) -> None:
    assert_refused(batch.one(case))


@case("data/merge-override-in-meta")
def _(d: Path) -> Call:
    meta = "meta:\n  <<: {district: 原名, year: 2020}\n  district: 合并后的区\n  year: 2021\n"
    return score(RUBRIC, write(d, "d.yaml", sample_yaml(meta=meta)), "json")


@case("data/merge-override-of-alias-in-na")
def _(d: Path) -> Call:
    values = {
        "registered_metrologists": "&na {not_applicable: 区域无法定计量检定机构}",
        "metrology_budget_wan": "{<<: *na, not_applicable: 本级财政未单列计量经费}",
    }
    return score(RUBRIC, write(d, "d.yaml", sample_yaml(values=values)), "json")


@pytest.mark.parametrize("case", ["data/merge-override-in-meta"])
def test_merge_override_in_meta_scores(batch: Batch, case: str) -> None:
    document = scored_json(batch.one(case))
    assert document["meta"] == {"district": "合并后的区", "year": 2021}
    assert Decimal(str(document["total"])) == SAMPLE_TOTAL


@pytest.mark.parametrize("case", ["data/merge-override-of-alias-in-na"])
def test_merge_override_of_an_alias_in_a_na_mapping_scores(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    document = scored_json(ran)
    assert Decimal(str(document["total"])) == SAMPLE_TOTAL
    assert "本级财政未单列计量经费" in ran.out.decode()
    assert "区域无法定计量检定机构" in ran.out.decode()


REPR_MARKERS = ("b'", "{'", "set(", "frozenset")


def _python_object_case(label: str, text: str, fmt: str) -> None:
    @case(f"data/{label}-in-meta-{fmt}")
    def _(d: Path) -> Call:
        data = sample_yaml(meta=f"meta:\n  district: 瑶海区\n  value: {text}\n")
        return score(RUBRIC, write(d, "d.yaml", data), fmt)


for _fmt in ("text", "json"):
    _python_object_case("binary", "!!binary aGVsbG8gd29ybGQ=", _fmt)
    _python_object_case("set", "!!set {alpha, beta}", _fmt)


@pytest.mark.parametrize("case", cases("data/binary-") + cases("data/set-"))
def test_binary_and_set_in_meta_never_print_a_python_repr(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_no_crash(ran)
    assert ran.code in (0, 1), ran.describe()
    if ran.code == 1:
        assert_refused(ran)
        return
    shown = (ran.out + ran.err).decode("utf-8", "replace")
    assert not [marker for marker in REPR_MARKERS if marker in shown], shown[:400]
    if case.endswith("-json"):
        strict_json(ran.out.decode())


for _kind in ("zero", "urandom"):
    case(f"special/dev-{_kind}-as-data")(lambda d, k=_kind: score(RUBRIC, f"/dev/{k}"))
    case(f"special/dev-{_kind}-as-rubric")(lambda d, k=_kind: check(f"/dev/{k}"))


@case("special/fifo-as-data")
def _(d: Path) -> Call:
    os.mkfifo(d / "d.yaml")
    return Call(("score", str(RUBRIC), str(d / "d.yaml")), timeout=QUICK)


@case("special/fifo-as-rubric")
def _(d: Path) -> Call:
    os.mkfifo(d / "r.rubric")
    return check(d / "r.rubric", timeout=QUICK)


@pytest.mark.parametrize("case", cases("special/dev-") + cases("special/fifo-"))
def test_special_files_are_refused_quickly(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_refused(ran, "regular file")
    assert ran.seconds < QUICK, ran.describe()


case("special/directory-as-data")(lambda d: score(RUBRIC, d))
case("special/directory-as-rubric")(lambda d: check(d))


@pytest.mark.parametrize("case", cases("special/directory-"))
def test_a_directory_is_refused(batch: Batch, case: str) -> None:
    assert_refused(batch.one(case), "regular file", "director")


# What the huge inputs are made of: a repeated unit, so that an echo can be found.
HUGE_UNITS = {"size/60mb-comment": "洪", "size/60mb-meta-string": "N"}


@case("size/60mb-comment")
def _(d: Path) -> Call:
    comment = "洪" * (20 * MB)  # 60 MB of UTF-8
    return score(RUBRIC, write(d, "d.yaml", sample_yaml(prefix=f"# {comment}\n")))


@case("size/60mb-meta-string")
def _(d: Path) -> Call:
    meta = f"meta:\n  district: 瑶海区\n  note: {'N' * (60 * MB)}\n"
    return score(RUBRIC, write(d, "d.yaml", sample_yaml(meta=meta)))


@pytest.mark.parametrize("case", cases("size/"))
def test_a_60_mb_data_file_is_refused_quickly_naming_the_limit(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_refused(ran, "limit", "mb")
    assert ran.seconds < QUICK, ran.describe()
    assert_not_echoed(ran, HUGE_UNITS[case])


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if not number:
            return text


@case("data/million-unknown-keys")
def _(d: Path) -> Call:
    # short keys (a 9 MB file, read with the size limit raised), so that the unknown keys
    # themselves are what the CLI has to deal with
    keys = ",".join(f'"u{_base36(n)}":1' for n in range(1_000_000))
    return with_room(score(RUBRIC, write(d, "d.json", f'{{"indicators":{{{keys}}}}}')))


@pytest.mark.parametrize("case", ["data/million-unknown-keys"])
def test_a_million_unknown_keys_give_a_bounded_list(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_refused(ran, "more", limit=20_000)


META_SHAPES = {"false": "meta: false", "0": "meta: 0", "empty-list": "meta: []"}
for _label, _text in META_SHAPES.items():
    case(f"meta/refused-{_label}")(
        lambda d, t=_text: score(RUBRIC, write(d, "d.yaml", sample_yaml(meta=t)))
    )
case("meta/accepted-null")(
    lambda d: score(RUBRIC, write(d, "d.yaml", sample_yaml(meta="meta: null")), "json")
)
case("meta/accepted-absent")(
    lambda d: score(RUBRIC, write(d, "d.yaml", sample_yaml(meta="")), "json")
)


@pytest.mark.parametrize("case", cases("meta/refused-"))
def test_meta_that_is_not_a_mapping_is_refused(batch: Batch, case: str) -> None:
    assert_refused(batch.one(case), "meta")


@pytest.mark.parametrize("case", cases("meta/accepted-"))
def test_null_or_absent_meta_is_no_meta(batch: Batch, case: str) -> None:
    assert total_of(batch.one(case)) == SAMPLE_TOTAL


# ---------------------------------------------------------------------------------------------
# Output that data can drive
# ---------------------------------------------------------------------------------------------

CONTROL_RUBRIC = (
    f'rubric "标题{RUBRIC_CONTROL}"\nyear 2021\nbase 4\n'
    f'indicators {{\n  a: bool "标签{RUBRIC_CONTROL}"\n  b: bool "未用{RUBRIC_CONTROL}"\n}}\n'
    f'category "类别{RUBRIC_CONTROL}" 4 {{\n  group "分组{RUBRIC_CONTROL}" {{\n'
    f'    item 1 "条目{RUBRIC_CONTROL}" 4 {{\n'
    f'      2 when a "措辞{RUBRIC_CONTROL}"\n'
    f'      veto when not a "否决{RUBRIC_CONTROL}"\n'
    "    }\n  }\n}\n"
)
CONTROL_RUBRIC_WITH_ERROR = small_rubric(
    f'category "类{RUBRIC_CONTROL}" 1 {{ item 1 "项{RUBRIC_CONTROL}" 1 {{ '
    f'1 when undefined_thing "措辞{RUBRIC_CONTROL}" }} }}'
)


def _control_data_cases(fmt: str) -> None:
    variants = {
        "meta-value": sample_yaml(meta=f"meta:\n  district: {yq('瑶海区' + CONTROL + '完')}\n"),
        "meta-key": sample_yaml(meta=f"meta:\n  {yq('键' + CONTROL)}: 瑶海区\n"),
        "na-reason": sample_yaml(
            values={"registered_metrologists": f"{{not_applicable: {yq('无' + CONTROL)}}}"}
        ),
    }
    for label, text in variants.items():
        case(f"controls/{label}-{fmt}")(lambda d, t=text: score(RUBRIC, write(d, "d.yaml", t), fmt))
    case(f"controls/rubric-wording-{fmt}")(
        lambda d: score(
            write(d, "c.rubric", CONTROL_RUBRIC), write(d, "d.yaml", A_TRUE + "  b: true\n"), fmt
        )
    )


for _fmt in ("text", "json"):
    _control_data_cases(_fmt)


@pytest.mark.parametrize("case", cases("controls/"))
def test_control_characters_from_data_and_rubric_are_escaped(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_no_crash(ran)
    assert ran.code == 0, ran.describe()
    assert_no_raw_controls(ran)
    if case.endswith("-json"):
        strict_json(ran.out.decode())


case("controls-refused/unknown-key")(
    lambda d: score(RUBRIC, write(d, "d.yaml", sample_yaml(extra=f"  {yq('未知' + CONTROL)}: 1\n")))
)
case("controls-refused/rubric-error-excerpt")(
    lambda d: check(write(d, "e.rubric", CONTROL_RUBRIC_WITH_ERROR))
)
case("controls-check/rubric-warnings")(lambda d: check(write(d, "c.rubric", CONTROL_RUBRIC)))


@pytest.mark.parametrize("case", cases("controls-refused/"))
def test_control_characters_in_error_messages_are_escaped(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_refused(ran)
    assert_no_raw_controls(ran)


@pytest.mark.parametrize("case", cases("controls-check/"))
def test_control_characters_in_check_warnings_are_escaped(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_no_crash(ran)
    assert ran.code == 0, ran.describe()
    assert b"warning" in ran.out + ran.err, "the rubric was built to draw warnings"
    assert_no_raw_controls(ran)


FORGED = "瑶海区\n\nTotals\n                    score  max\n  base, prorated   100  100\n"
case("forged/meta-value")(
    lambda d: score(
        RUBRIC, write(d, "d.yaml", sample_yaml(meta=f"meta:\n  district: {yq(FORGED)}\n"))
    )
)
case("forged/na-reason")(
    lambda d: score(
        RUBRIC,
        write(
            d,
            "d.yaml",
            sample_yaml(values={"metrology_budget_wan": f"{{not_applicable: {yq(FORGED)}}}"}),
        ),
    )
)


@pytest.mark.parametrize("case", cases("forged/"))
def test_a_newline_in_data_cannot_forge_a_totals_block(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_no_crash(ran)
    assert ran.code == 0, ran.describe()
    lines = ran.out.decode().split("\n")
    assert lines.count("Totals") == 1, [line for line in lines if "Totals" in line]
    assert sum(line.lstrip().startswith("base, prorated") for line in lines) == 1


ENCODINGS = [
    ("gbk", "text"),
    ("cp936", "text"),
    ("ascii", "text"),
    ("ascii", "json"),
]
for _encoding, _fmt in ENCODINGS:
    case(f"encoding/{_encoding}-{_fmt}")(
        lambda d, e=_encoding, f=_fmt: score(RUBRIC, SAMPLE, f, encoding=e)
    )


@pytest.mark.parametrize("case", cases("encoding/"))
def test_the_sample_report_prints_on_a_gbk_or_ascii_console(batch: Batch, case: str) -> None:
    encoding, fmt = case.split("/")[1].split("-")
    ran = batch.one(case)
    assert_no_crash(ran)
    assert ran.code == 0, ran.describe()
    out = ran.out.decode(encoding)  # strict: every byte is in the console's encoding
    ran.err.decode(encoding)
    if fmt == "json":
        document = strict_json(out)
        assert isinstance(document, dict)
        assert Decimal(str(document["total"])) == SAMPLE_TOTAL
    else:
        assert "77.49" in out
        assert "Totals" in out


def _json_data(d: Path, meta: dict[str, object] | None = None, reason: str | None = None) -> Path:
    document = sample_dict()
    if meta is not None:
        document["meta"] = meta
    if reason is not None:
        indicators = document["indicators"]
        assert isinstance(indicators, dict)
        indicators["registered_metrologists"] = {"not_applicable": reason}
    return write(d, "d.json", json.dumps(document))  # ASCII: "\ud800", NaN, -Infinity as such


for _fmt in ("text", "json"):
    case(f"surrogate/na-reason-{_fmt}")(
        lambda d, f=_fmt: score(RUBRIC, _json_data(d, reason="无\ud800机构"), f)
    )


@pytest.mark.parametrize("case", cases("surrogate/"))
def test_a_lone_surrogate_in_a_reason_is_printable(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_no_crash(ran)
    assert ran.code in (0, 1), ran.describe()
    out = ran.out.decode("utf-8")  # strict: no surrogate reaches the stream
    ran.err.decode("utf-8")
    if ran.code == 1:
        assert_refused(ran)
    elif case.endswith("-json"):
        strict_json(out)


case("strict-json/nan-infinity-in-json-meta")(
    lambda d: score(
        RUBRIC,
        _json_data(d, meta={"district": "瑶海区", "x": float("nan"), "y": float("-inf")}),
        "json",
    )
)
case("strict-json/nan-infinity-in-yaml-meta")(
    lambda d: score(
        RUBRIC,
        write(d, "d.yaml", sample_yaml(meta="meta:\n  x: .nan\n  y: -.inf\n  z: .inf\n")),
        "json",
    )
)
case("strict-json/number-and-date-meta-keys")(
    lambda d: score(
        RUBRIC, write(d, "d.yaml", sample_yaml(meta="meta: {1: a, 2021-01-01: b}")), "json"
    )
)


@pytest.mark.parametrize("case", cases("strict-json/"))
def test_json_output_is_strict_or_the_file_is_refused(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_no_crash(ran)
    assert ran.code in (0, 1), ran.describe()
    if ran.code == 1:
        assert_refused(ran)
    else:
        document = strict_json(ran.out.decode())
        assert isinstance(document, dict)
        assert Decimal(str(document["total"])) == SAMPLE_TOTAL


ECHO_UNITS: dict[str, str] = {}


def _echo_case(name: str, unit: str, build: Callable[[Path, str], Call]) -> None:
    ECHO_UNITS[name] = unit
    case(name)(lambda d: build(d, unit))


def _long_key(d: Path, unit: str) -> Call:
    indicators = sample_dict()["indicators"]
    assert isinstance(indicators, dict)
    document = {"indicators": {**indicators, unit * BIG: 1}}
    return with_room(score(RUBRIC, write(d, "d.json", json.dumps(document))))


# A line of 9 MB (3,000,000 CJK characters), read with the size limit raised, so that it
# reaches the parser and its excerpt.
LONG_LINE_CHARS = 3_000_000


def _long_line_error_at_end(d: Path, unit: str) -> Call:
    text = f'rubric "{unit * LONG_LINE_CHARS}" oops\nyear 2021\nbase 1\n'
    return with_room(check(write(d, "r.rubric", text)))


def _long_line_error_at_start(d: Path, unit: str) -> Call:
    text = f'rubric "t"\nyear 2021 @ "{unit * LONG_LINE_CHARS}"\nbase 1\n'
    return with_room(check(write(d, "r.rubric", text)))


_echo_case("echo/million-character-unknown-key", "k", _long_key)
_echo_case("echo/9mb-rubric-line-error-at-its-end", "甲", _long_line_error_at_end)
_echo_case("echo/9mb-rubric-line-error-at-its-start", "乙", _long_line_error_at_start)


@pytest.mark.parametrize("case", cases("echo/"))
def test_error_messages_do_not_echo_unbounded_input(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_refused(ran)
    assert_not_echoed(ran, ECHO_UNITS[case])


def test_a_closed_pipe_ends_quietly() -> None:
    """`rubricdsl score … | head -1` after head has gone: no traceback, nothing on stderr."""
    reader, writer = os.pipe()
    process = run_direct(
        ("score", str(RUBRIC), str(SAMPLE)),
        stdout=writer,
        stderr=subprocess.PIPE,
        preexec_fn=_limit_child,
    )
    os.close(writer)
    os.close(reader)  # before the child writes a byte: its write meets a broken pipe
    _, err = process.communicate(timeout=TIMEOUT)
    assert err == b"", err.decode("utf-8", "replace")
    assert process.returncode not in (1, EXIT_INTERNAL), process.returncode


@pytest.fixture(scope="module")
def long_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A rubric of 3,000 items and its data: a report far larger than a pipe's buffer."""
    directory = tmp_path_factory.mktemp("long-report")
    items = "\n".join(
        f'  item {n} "第 {n} 项" 1 {{ 1 when a "第 {n} 项的措辞，写得长一些以便报告够长" }}'
        for n in range(1, 3001)
    )
    rubric = write(
        directory, "long.rubric", small_rubric(f'category "类" 3000 {{\n{items}\n}}', base=3000)
    )
    return rubric, write(directory, "d.yaml", "indicators:\n  a: false\n")


def test_head_one_ends_quietly(long_report: tuple[Path, Path]) -> None:
    """`rubricdsl score … | head -1`: the reader takes one line and goes away."""
    rubric, data = long_report
    process = run_direct(
        ("score", str(rubric), str(data)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_limit_child,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    process.wait(timeout=TIMEOUT)
    assert first.strip(), "the report's first line"
    assert err == b"", err.decode("utf-8", "replace")
    assert process.returncode not in (1, EXIT_INTERNAL), process.returncode


def _assert_write_failure(code: int, err: bytes) -> None:
    message = err.decode("utf-8", "replace")
    assert "Traceback" not in message, message
    assert code not in (0, 1, EXIT_INTERNAL), f"exit {code}: {message}"
    assert message.strip(), "no message"
    assert len(message.strip().splitlines()) == 1, message


def test_a_full_disk_gives_one_line_and_an_io_error_exit() -> None:
    """`rubricdsl score … > /dev/full`."""
    with open("/dev/full", "wb") as full:
        process = run_direct(
            ("score", str(RUBRIC), str(SAMPLE)),
            stdout=full,
            stderr=subprocess.PIPE,
            preexec_fn=_limit_child,
        )
        _, err = process.communicate(timeout=TIMEOUT)
    _assert_write_failure(process.returncode, err)


def _close_stdout() -> None:
    _limit_child()
    os.close(1)


def test_a_closed_stdout_gives_one_line_and_an_io_error_exit() -> None:
    """`rubricdsl score … >&-`."""
    process = run_direct(
        ("score", str(RUBRIC), str(SAMPLE)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_close_stdout,
    )
    _, err = process.communicate(timeout=TIMEOUT)
    _assert_write_failure(process.returncode, err)


# ---------------------------------------------------------------------------------------------
# Rubrics that check accepts and score then crashes on
# ---------------------------------------------------------------------------------------------


def _check_then_score(d: Path, rubric_text: str, data: str = A_TRUE) -> list[Call]:
    rubric = write(d, "r.rubric", rubric_text)
    return [check(rubric), score(rubric, write(d, "d.yaml", data), "json")]


def _accepted_or_refused_by_check(
    checked: Ran, scored: Ran | None, *words: str
) -> dict[str, object] | None:
    """Either check refuses (exit 1, one short message; score is then not run) or check and
    score both succeed; returns the score's JSON in the second case."""
    assert_no_crash(checked)
    if checked.code == 1:
        assert_refused(checked, *words)
        return None
    assert checked.code == 0, checked.describe()
    assert len(checked.out) + len(checked.err) < 50_000, "check output unbounded"
    assert scored is not None
    return scored_json(scored)


def nested_condition(depth: int) -> str:
    return "(a and " * depth + "a" + ")" * depth


for _depth in (100, 330, 480, 490, 5000):
    case(f"rubric/nested-{_depth}")(
        lambda d, n=_depth: _check_then_score(
            d, one_item_rubric(f'1 when {nested_condition(n)} "嵌套"')
        )
    )


@pytest.mark.parametrize("case", cases("rubric/nested-"))
def test_deep_conditions_are_evaluated_or_refused_by_check(batch: Batch, case: str) -> None:
    checked, scored = batch.two(case)
    document = _accepted_or_refused_by_check(checked, scored, "nest", "deep")
    if document is not None:
        assert Decimal(str(document["total"])) == 1


def base_rubric(base: int) -> str:
    """Base B: one item whose rules reach B − 1 and 1; the 1 is 合理缺项, so the base is
    prorated: (B − 1) × B / (B − 1) = B exactly."""
    return small_rubric(
        f'category "类" {base} {{\n  item 1 "项" {base} {{\n'
        f'    {base - 1} when a "甲"\n    1 when b "乙"\n  }}\n}}',
        indicators='a: bool "甲"\n  b: bool or na "乙"',
        base=base,
    )


for _exponent in (58, 60):
    case(f"rubric/base-1e{_exponent}")(
        lambda d, e=_exponent: _check_then_score(
            d, base_rubric(10**e), A_TRUE + '  b: {not_applicable: "无"}\n'
        )
    )


@pytest.mark.parametrize("case", cases("rubric/base-"))
def test_a_huge_base_is_prorated_exactly_or_refused_by_check(batch: Batch, case: str) -> None:
    checked, scored = batch.two(case)
    document = _accepted_or_refused_by_check(checked, scored)
    if document is not None:
        base = 10 ** int(case.rsplit("1e", 1)[1])
        assert Decimal(str(document["base"])) == base
        assert Decimal(str(document["total"])) == base


case("rubric/year-5000-digits")(
    lambda d: _check_then_score(
        d, one_item_rubric('1 when a "甲"').replace("year 2021", "year " + "2" * 5000)
    )
)
MILLION_DIGITS = "1" + "0" * 1_000_000
case("rubric/million-digit-rule-points")(
    lambda d: _check_then_score(d, one_item_rubric(f'{MILLION_DIGITS} when a "甲"'))
)
case("rubric/million-digit-item-points")(
    lambda d: _check_then_score(
        d,
        small_rubric(
            f'category "类" 1 {{\n  item 1 "项" {MILLION_DIGITS} {{\n    1 when a "甲"\n  }}\n}}'
        ),
    )
)


@pytest.mark.parametrize("case", ["rubric/year-5000-digits", *cases("rubric/million-digit-")])
def test_huge_numbers_in_a_rubric_score_or_are_refused_by_check(batch: Batch, case: str) -> None:
    checked, scored = batch.two(case)
    document = _accepted_or_refused_by_check(checked, scored)
    if document is not None:
        assert Decimal(str(document["total"])) == 1


LINE_BREAKS = {
    "U+2028": "\u2028",
    "U+2029": "\u2029",
    "VT": "\x0b",
    "FF": "\x0c",
    "FS": "\x1c",
    "NEL": "\x85",
}
ERROR_LINE = '    1 when undefined_thing "错"'


def line_break_rubric(chars: str, *, on_error_line: bool) -> tuple[str, int, str]:
    """A rubric with `chars` in strings, in comments and (FF, which the grammar takes for
    whitespace) between tokens, then an undefined indicator. Returns the text, the error's
    1-based line counted in "\n" and the start of that line as the excerpt must show it."""
    between = "\x0c" if "\x0c" in chars else " "
    error_line = (
        f'    1 when a "前{chars}后" 1 when undefined_thing "错{chars}"'
        if on_error_line
        else ERROR_LINE
    )
    lines = [
        f'rubric "标题{chars}续"',
        "year 2021",
        f"# 注释{chars}注释",
        f"base{between}2",
        f'indicators {{ a: bool "标签{chars}" }}',
        'category "类" 2 {',
        f'  item 1 "条目{chars}" 2 {{',
        f'    1 when a "措辞{chars}措辞"  # 注{chars}释',
        error_line,
        "  }",
        "}",
    ]
    return "\n".join(lines) + "\n", 9, "1 when a" if on_error_line else ERROR_LINE.strip()


for _label, _char in LINE_BREAKS.items():
    case(f"line-breaks/{_label}")(
        lambda d, c=_char: check(write(d, "r.rubric", line_break_rubric(c, on_error_line=False)[0]))
    )
case("line-breaks/all-on-the-error-line")(
    lambda d: check(
        write(
            d, "r.rubric", line_break_rubric("".join(LINE_BREAKS.values()), on_error_line=True)[0]
        )
    )
)


@pytest.mark.parametrize("case", cases("line-breaks/"))
def test_line_numbers_and_excerpts_count_only_newlines(batch: Batch, case: str) -> None:
    label = case.split("/")[1]
    chars = "".join(LINE_BREAKS.values()) if label not in LINE_BREAKS else LINE_BREAKS[label]
    text, error_line, shown_start = line_break_rubric(chars, on_error_line=label not in LINE_BREAKS)
    ran = batch.one(case)
    assert_refused(ran, "undefined_thing")
    assert_no_raw_controls(ran)
    message = ran.stderr
    lines_in_file = text.count("\n")
    reported = [int(line) for line in re.findall(r"\.rubric:(\d+):\d+", message)]
    assert reported, message
    assert all(1 <= line <= lines_in_file for line in reported), (reported, lines_in_file)
    assert error_line in reported, (reported, message)
    excerpts = dict(re.findall(r"^ *(\d+) *[|│] ?(.*)$", message, flags=re.M))
    shown = excerpts.get(str(error_line))
    assert shown is not None, message
    assert shown.strip().startswith(shown_start), (shown, shown_start)


@case("rubric/100000-diagnostics")
def _(d: Path) -> Call:
    # 1,000 rules, each reading 100 undefined indicators: 10^5 errors in a 1.2 MB file
    rules = "\n".join(
        "    1 when " + " and ".join(f"u{rule}x{n}" for n in range(100)) + ' "未定义"'
        for rule in range(1000)
    )
    text = small_rubric(f'category "类" 1 {{\n  item 1 "项" 1 {{\n{rules}\n  }}\n}}')
    # parsing alone takes ~6 s; the file is 1.2 MB, past the default size limit
    return with_room(check(write(d, "r.rubric", text), timeout=30.0))


@pytest.mark.parametrize("case", ["rubric/100000-diagnostics"])
def test_a_hundred_thousand_diagnostics_are_listed_briefly(batch: Batch, case: str) -> None:
    ran = batch.one(case)
    assert_refused(ran, "more", limit=50_000)
