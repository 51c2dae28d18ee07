"""Benchmarks of rubricdsl (issue 9): not part of the test run. See docs/performance.md.

`plain_2020` and `decimal_2020` are hand-written scorers of the 2020 table, the yardsticks
`bench_eval.py` measures rubricdsl against; `table_2020` holds what both read from the seed
(the indicators and their kinds) and the edge-weighted indicator sets both are timed on."""
