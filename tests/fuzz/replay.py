"""Regression cases: the files under tests/fuzz/regressions/, replayed against the contract.

The extension says what a file is:

- ``.yaml`` / ``.yml`` / ``.json``: a data file for the 2020 rubric. Replayed through
  `data_target` (parse_data, evaluate, both renderings) and the CLI (text report in UTF-8, JSON
  report through GBK or ASCII, whichever the file's name picks).
- ``.rubric``: rubric text. Replayed through `rubric_target` (loads, evaluate on data made up
  from its declarations) and the CLI (`check`, and `score` with that made-up data).
- ``.case``: JSON holding whatever a plain file cannot (a CLI run with its own rubric and
  console encoding, a generated rubric with its data, a decimal context): see `load_case`.

A YAML or rubric file may pin its outcome on a first-lines comment, for cases where either
answer would keep the contract but only one is right::

    # fuzz-expect: rejected          (DataFileError / RubricSyntaxError / RubricCompileError)
    # fuzz-expect: scored            (parses and evaluates)
    # fuzz-excerpt: undefined_b      (a rubric: the error's excerpt shows the line with this)

Files of a few hundred KB or more (points of 100,000 digits, a 2 MB line) are made in code:
see `hostile.py`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from .contract import ContractError
from .generators import Example, dump_json
from .targets import SAMPLE_YAML, CliCase, cli_target, data_target, rubric_target

FOLDER = Path(__file__).resolve().parent / "regressions"
DATA_SUFFIXES = (".yaml", ".yml", ".json")
EXPECT = re.compile(r"^#\s*fuzz-expect:\s*([a-z-]+)", re.M)
EXCERPT = re.compile(r"^#\s*fuzz-excerpt:\s*(\S+)", re.M)

Check = tuple[str, Callable[..., str], tuple[Any, ...]]


def expecting(check: Callable[..., str], wanted: str | None) -> Callable[..., str]:
    if wanted is None:
        return check

    def pinned(*args: Any) -> str:
        outcome = check(*args)
        if outcome != wanted:
            raise ContractError("expectation", f"outcome {outcome!r}, expected {wanted!r}")
        return outcome

    return pinned


def _expected(text: str) -> str | None:
    found = EXPECT.search(text[:2000])
    return found.group(1) if found else None


def console_for(name: str) -> str:
    """GBK or ASCII, picked by the name so a replay is deterministic and both get used."""
    return "gbk" if hashlib.sha256(name.encode()).digest()[0] % 2 else "ascii"


def data_checks(name: str, raw: bytes, suffix: str) -> list[Check]:
    checks: list[Check] = []
    try:
        text: str | None = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    kind = ".json" if suffix == ".json" else ".yaml"
    if text is not None:
        wanted = _expected(text) if kind == ".yaml" else None
        checks.append(("data", expecting(data_target, wanted), (text, kind)))
    checks.append(("cli text utf-8", cli_target, (CliCase(raw, suffix),)))
    console = console_for(name)
    case = CliCase(raw, suffix, output_format="json", encoding=console)
    checks.append((f"cli json {console}", cli_target, (case,)))
    return checks


def rubric_cli_target(raw: bytes, command: str, encoding: str) -> str:
    """The CLI on a rubric file; for `score`, with data made up from the rubric itself (or the
    sample, when the rubric does not compile)."""
    import rubricdsl

    from .targets import made_up_data

    data = SAMPLE_YAML.read_bytes()
    suffix = ".yaml"
    if command == "score":
        try:
            rubric = rubricdsl.loads(raw.decode("utf-8-sig"), "x.rubric")
            values = next(iter(made_up_data(rubric)), None)
            if values is not None:
                data, suffix = dump_json({"indicators": values}).encode(), ".json"
        except (UnicodeDecodeError, rubricdsl.RubricError):
            pass
    return cli_target(CliCase(data, suffix, rubric=raw, encoding=encoding, command=command))


def excerpt_target(text: str, marker: str) -> str:
    """The rubric is refused, and its first diagnostic's excerpt shows the line that holds
    `marker` (lines counted as the grammar counts them: only "\\n" ends one)."""
    import rubricdsl

    try:
        rubricdsl.loads(text, "fuzz.rubric")
    except rubricdsl.RubricError as error:
        diagnostics = getattr(error, "diagnostics", None) or [None]
        snippet = getattr(diagnostics[0], "snippet", "")
        if marker not in snippet:
            raise ContractError("wrong-excerpt", f"excerpt {snippet!r} lacks {marker!r}") from None
        return "rejected"
    raise ContractError("expectation", "the rubric compiled; expected an error")


def rubric_checks(name: str, raw: bytes) -> list[Check]:
    checks: list[Check] = []
    try:
        text = raw.decode("utf-8-sig")
        checks.append(("rubric", expecting(rubric_target, _expected(text)), (text,)))
        marker = EXCERPT.search(text[:2000])
        if marker:
            checks.append(("excerpt", excerpt_target, (text, marker.group(1))))
    except UnicodeDecodeError:
        pass
    checks.append(("cli check utf-8", rubric_cli_target, (raw, "check", "utf-8")))
    console = console_for(name)
    checks.append((f"cli score {console}", rubric_cli_target, (raw, "score", console)))
    return checks


# ---- .case files --------------------------------------------------------------------------------


def encode_value(value: object) -> Any:
    """Python values as JSON that keeps what JSON cannot (Decimal, tuple, NaN, other keys)."""
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, float):
        return {"$float": repr(value)}
    if isinstance(value, tuple):
        return {"$tuple": [encode_value(v) for v in value]}
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    if isinstance(value, Mapping):
        return {"$dict": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return {"$repr": repr(value)}


def decode_value(value: Any) -> Any:
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if isinstance(value, dict):
        if "$decimal" in value:
            return Decimal(value["$decimal"])
        if "$float" in value:
            return float(value["$float"])
        if "$tuple" in value:
            return tuple(decode_value(v) for v in value["$tuple"])
        if "$dict" in value:
            return {_hashable(decode_value(k)): decode_value(v) for k, v in value["$dict"]}
        if "$repr" in value:
            return value["$repr"]
    return value


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def load_case(raw: bytes) -> list[Check]:
    document = json.loads(raw)
    target = document.get("target")
    if target == "cli":
        return [("cli", cli_target, (CliCase.from_json(document),))]
    if target == "data":
        args = (document["text"], document.get("suffix", ".yaml"), document.get("context"))
        return [("data", data_target, args)]
    if target == "rubric":
        args = (
            document["text"],
            decode_value(document.get("data")),
            decode_value(document.get("meta")),
            document.get("context"),
        )
        return [("rubric", rubric_target, args)]
    raise ValueError(f"unknown target {target!r}")


def checks_for(name: str, raw: bytes) -> list[Check]:
    """The checks a regression case gets, by the extension of its name."""
    suffix = Path(name).suffix
    if suffix in DATA_SUFFIXES:
        return data_checks(name, raw, suffix)
    if suffix == ".rubric":
        return rubric_checks(name, raw)
    if suffix == ".case":
        return load_case(raw)
    return []


def checks_for_file(path: Path) -> list[Check]:
    return checks_for(path.name, path.read_bytes())


def checks_for_generated(name: str) -> list[Check]:
    from .hostile import GENERATED

    return checks_for(name, GENERATED[name]().encode("utf-8"))


def regression_files(folder: Path = FOLDER) -> list[Path]:
    suffixes = (*DATA_SUFFIXES, ".rubric", ".case")
    return sorted(p for p in folder.iterdir() if p.suffix in suffixes) if folder.is_dir() else []


# ---- saving a failing example ------------------------------------------------------------------


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def saved_form(example: Example) -> tuple[str, bytes]:
    """(extension, content) a failing example is saved as."""
    args = example.args
    if example.target == "cli":
        return ".case", args[0].to_json().encode()
    if example.target == "data":
        text, suffix, context = args
        if context is None and _encodable(text):
            return suffix, text.encode("utf-8")
        document = {"target": "data", "text": text, "suffix": suffix, "context": context}
    else:
        text, data, meta, context = args
        if data is None and meta is None and context is None and _encodable(text):
            return ".rubric", text.encode("utf-8")
        document = {
            "target": "rubric",
            "text": text,
            "data": encode_value(data),
            "meta": encode_value(meta),
            "context": context,
        }
    document["origin"] = example.origin
    return ".case", (json.dumps(document, ensure_ascii=True, indent=1) + "\n").encode()


def save(example: Example, folder: Path = FOLDER) -> Path:
    suffix, content = saved_form(example)
    digest = hashlib.sha256(content).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{example.target}-{digest}{suffix}"
    if not path.exists():
        path.write_bytes(content)
    return path
