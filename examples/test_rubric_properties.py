"""A rubric author's own property tests, with rubricdsl.testing (docs/testing.md).

Run them with pytest: `.venv/bin/python -m pytest -q examples/test_rubric_properties.py`."""

from pathlib import Path

from hypothesis import given, settings

import rubricdsl
from rubricdsl.testing import assert_refused, check_all, indicator_sets, invalid_indicator_sets

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = rubricdsl.load(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")


@settings(max_examples=50, deadline=None)
@given(indicator_sets(RUBRIC))
def test_every_property_holds_on_any_valid_data(data):
    # score within bounds, the trace adds up at every level, deterministic, monotone in flags
    check_all(RUBRIC, data)


@settings(max_examples=50, deadline=None)
@given(invalid_indicator_sets(RUBRIC))
def test_data_with_one_defect_is_refused_naming_it(defect):
    assert_refused(RUBRIC, defect)


if __name__ == "__main__":  # as a script (.ci/run runs every example): run both properties
    test_every_property_holds_on_any_valid_data()
    test_data_with_one_defect_is_refused_naming_it()
    print(f"{RUBRIC.title}: every property held on the generated data")
