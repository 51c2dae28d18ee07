"""Fuzzing rubricdsl: hostile data files, rubric texts and CLI runs against the contract.

    python -m tests.fuzz --minutes 10                 # every target, about 10 minutes
    python -m tests.fuzz --minutes 2 --target data --seed 7
    python -m tests.fuzz --replay                     # replay tests/fuzz/regressions/ only

The test suite runs each target briefly and replays every regression case
(tests/fuzz/test_fuzz.py). See README.md in this folder.
"""

import sys
from pathlib import Path

# tests/strategies.py and tests/oracle_2020.py are imported as top-level modules, as the other
# tests import them (pytest puts tests/ on sys.path; `python -m tests.fuzz` does not).
_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
