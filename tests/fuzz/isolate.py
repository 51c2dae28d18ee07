"""Run one check in a forked child, under a time and memory limit, and say how it went.

A hostile input may hang, eat gigabytes (a "billion laughs" file reaches 4-6 GB), or crash
the interpreter (a C stack overflow): none of that may take the fuzzer or the test run down
with it. Where there is no fork (Windows) or RUBRICDSL_FUZZ_NO_FORK is set, the check runs
in-process, with only the time limit (SIGALRM, where there is one).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from .contract import ContractError

TIMEOUT = 10.0  # seconds for one input
MEMORY_MB = 1024  # address space a child may add to what the parent already holds


class _Timeout(BaseException):
    pass


def _where(error: BaseException) -> str:
    """The innermost frame of rubricdsl (else the innermost frame) that the error came from."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if os.path.basename(os.path.dirname(f.filename)) == "rubricdsl"]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    module = os.path.splitext(os.path.basename(frame.filename))[0]
    return f"{module}.{frame.name}"


def _short(text: str, limit: int = 1500) -> str:
    return text if len(text) <= limit else text[: limit // 2] + " [...] " + text[-limit // 2 :]


def run_here(check: Callable[..., str], *args: Any) -> dict[str, Any]:
    """Run the check; a report: {"status": "ok", "outcome"} or {"status": "fail", ...}."""
    try:
        return {"status": "ok", "outcome": check(*args)}
    except ContractError as violation:
        return {"status": "fail", "kind": violation.kind, "detail": _short(violation.detail)}
    except _Timeout:
        return {"status": "fail", "kind": "timeout", "detail": f"took more than {TIMEOUT:g} s"}
    except (Exception, RecursionError, MemoryError) as error:
        try:
            message = str(error)[:300]
        except Exception:
            message = "(str() failed)"
        lines = traceback.format_exception(type(error), error, error.__traceback__)
        return {
            "status": "fail",
            "kind": f"{type(error).__name__}@{_where(error)}",
            "detail": f"{type(error).__name__}: {message}",
            "traceback": _short("".join(lines[-12:]), 4000),
        }


def _limit_memory(megabytes: int) -> None:
    try:
        import resource

        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = current + megabytes * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass


def can_fork() -> bool:
    return hasattr(os, "fork") and not os.environ.get("RUBRICDSL_FUZZ_NO_FORK")


def run_isolated(
    check: Callable[..., str],
    *args: Any,
    timeout: float = TIMEOUT,
    memory_mb: int = MEMORY_MB,
) -> dict[str, Any]:
    """Like run_here, in a forked child with limits; a hang or a dead child is a failure."""
    if not can_fork():
        return _run_with_alarm(check, args, timeout)
    sys.stdout.flush()
    sys.stderr.flush()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(reader)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            _limit_memory(memory_mb)
            payload = pickle.dumps(run_here(check, *args))
            with os.fdopen(writer, "wb") as out:
                out.write(payload)
        except BaseException:
            status = 3
        finally:
            os._exit(status)
    os.close(writer)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    timed_out = False
    with os.fdopen(reader, "rb", buffering=0) as pipe:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], remaining)
            if not ready:
                continue
            chunk = pipe.read(65536)
            if not chunk:
                break
            chunks.append(chunk)
    if timed_out:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return {"status": "fail", "kind": "timeout", "detail": f"took more than {timeout:g} s"}
    if chunks:
        try:
            report: dict[str, Any] = pickle.loads(b"".join(chunks))
            return report
        except Exception:
            pass
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = (
            signal.Signals(number).name if number in signal.Signals._value2member_map_ else number
        )
        return {"status": "fail", "kind": f"killed-{name}", "detail": f"the check died of {name}"}
    return {
        "status": "fail",
        "kind": "child-died",
        "detail": f"the check ended with status {os.waitstatus_to_exitcode(status)} "
        "without a report (out of memory while reporting?)",
    }


def _run_with_alarm(check: Callable[..., str], args: tuple[Any, ...], timeout: float) -> dict:
    if not hasattr(signal, "SIGALRM") or signal.getsignal(signal.SIGALRM) not in (
        signal.SIG_DFL,
        None,
    ):
        return run_here(check, *args)

    def ring(signum: int, frame: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return run_here(check, *args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
