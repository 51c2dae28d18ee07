"""The JSON Schema of the data file: the samples validate, and every kind of bad value is refused
by the schema exactly as rubricdsl refuses it."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

import rubricdsl
from rubricdsl import DataFileError, IndicatorError, read_data
from rubricdsl.cli import main
from rubricdsl.datafile import check_evidence
from rubricdsl.schema import DRAFT, data_schema

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"
SAMPLE = ROOT / "examples" / "yaohai-2021.yaml"
FOOD = ROOT / "examples" / "rubrics" / "county-food-safety.rubric"
FOOD_SAMPLE = ROOT / "examples" / "rubrics" / "county-food-safety-2021.yaml"


def plain(value):
    """A data file as read by rubricdsl (Decimals) in the types jsonschema knows: for the test."""
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and "." not in str(value)
            else (float(value))
        )
    if isinstance(value, dict):
        return {str(key): plain(element) for key, element in value.items()}
    if isinstance(value, list):
        return [plain(element) for element in value]
    return value


def document_of(path):
    data = rubricdsl.read_data(path)
    return {"indicators": plain(dict(data.indicators)), "meta": plain(dict(data.meta))}


@pytest.fixture(scope="module")
def rubric():
    return rubricdsl.load(RUBRIC)


@pytest.fixture(scope="module")
def food():
    return rubricdsl.load(FOOD)


@pytest.fixture(scope="module")
def food_validator(food):
    schema = data_schema([food])
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def food_document():
    return document_of(FOOD_SAMPLE)


def rubricdsl_refuses(rubric, document, folder):
    """Whether rubricdsl refuses the document, read as a JSON data file and scored."""
    path = folder / "district.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    try:
        data = read_data(path)
        check_evidence(data.evidence, rubric.indicators)
        rubric.evaluate(data.indicators, data.not_applicable)
    except (DataFileError, IndicatorError):
        return True
    return False


def test_the_schema_is_draft_2020_12_and_the_2020_sample_validates(rubric, tmp_path):
    schema = data_schema([rubric])
    assert schema["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    indicators = schema["properties"]["indicators"]
    assert len(indicators["required"]) == 73
    assert indicators["additionalProperties"] is False
    metrologists = indicators["properties"]["registered_metrologists"]
    assert metrologists["title"] == "本级法定计量检定机构注册计量师人数"
    assert metrologists["description"] == ("a count; read by item 10; or not applicable (合理缺项)")
    assert metrologists["oneOf"][0] == {
        "type": "integer",
        "minimum": 0,
        "exclusiveMaximum": 10**15,
    }
    document = document_of(SAMPLE)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(document)) == []
    assert not rubricdsl_refuses(rubric, document, tmp_path)


def test_the_food_sample_and_what_it_may_add_validate(
    food, food_validator, food_document, tmp_path
):
    assert list(food_validator.iter_errors(food_document)) == []
    fuller = copy.deepcopy(food_document)
    fuller["indicators"]["canteen_pct"] = {"not_applicable": "辖区学校均无食堂"}
    fuller["not_applicable"] = {"抽检": "本年度未下达抽检任务"}
    fuller["evidence"] = {"meetings": "县食安委〔2021〕3号", "budget_wan": ["a.pdf", "b.pdf"]}
    fuller["meta"] = None
    assert list(food_validator.iter_errors(fuller)) == []
    assert not rubricdsl_refuses(food, fuller, tmp_path)


def change(path, value):
    """A change to the sample: set `value` at `path` (a tuple of keys), or delete it when
    value is DELETE."""

    def apply(document):
        target = document
        for key in path[:-1]:
            target = target.setdefault(key, {})
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return document

    return apply


DELETE = object()


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(change(("indicators", "meetings"), DELETE), id="missing indicator"),
        pytest.param(change(("indicators", "meeting"), 2), id="unknown indicator"),
        pytest.param(change(("indicators", "meetings"), "2"), id="text for a count"),
        pytest.param(change(("indicators", "meetings"), -1), id="negative count"),
        pytest.param(change(("indicators", "meetings"), 2.5), id="fractional count"),
        pytest.param(change(("indicators", "meetings"), True), id="bool for a count"),
        pytest.param(change(("indicators", "leading_group"), 1), id="number for a bool"),
        pytest.param(change(("indicators", "pass_rate"), 101), id="101 for a percent"),
        pytest.param(change(("indicators", "pass_rate"), -0.5), id="negative percent"),
        pytest.param(change(("indicators", "satisfaction"), 100.5), id="score above 100"),
        pytest.param(change(("indicators", "budget_wan"), -1), id="negative amount"),
        pytest.param(change(("indicators", "budget_wan"), 10**15), id="amount too large"),
        pytest.param(change(("indicators", "sampling_per_k"), "3.2"), id="text for a number"),
        pytest.param(change(("indicators", "complaints"), [120, 110]), id="short series"),
        pytest.param(change(("indicators", "complaints"), [1, 2, 3, 4]), id="long series"),
        pytest.param(change(("indicators", "complaints"), [120, "x", 115]), id="text in series"),
        pytest.param(change(("indicators", "complaints"), 120), id="number for a series"),
        pytest.param(change(("indicators", "award"), "city"), id="bad enum level"),
        pytest.param(
            change(("indicators", "meetings"), {"not_applicable": "无"}), id="na not allowed"
        ),
        pytest.param(
            change(("indicators", "canteen_pct"), {"not_applicable": ""}), id="empty na reason"
        ),
        pytest.param(
            change(("indicators", "canteen_pct"), {"not_applicable": "  "}), id="blank na reason"
        ),
        pytest.param(
            change(("indicators", "canteen_pct"), {"not_applicable": "x", "note": "y"}),
            id="na with another key",
        ),
        pytest.param(change(("not_applicable", "抽查"), "无任务"), id="unknown na name"),
        pytest.param(change(("not_applicable", "抽检"), ""), id="empty reported reason"),
        pytest.param(change(("not_applicable", "抽检"), 3), id="reported reason not text"),
        pytest.param(change(("evidence", "meetings"), 5), id="evidence a number"),
        pytest.param(change(("evidence", "meetings"), ["a", 7]), id="evidence list with number"),
        pytest.param(change(("evidence", "meetings"), []), id="evidence empty list"),
        pytest.param(change(("evidence", "meetings"), " "), id="evidence blank"),
        pytest.param(change(("evidence", "meetings"), "a\nb"), id="evidence two lines"),
        pytest.param(change(("evidence", "meeting"), "a"), id="evidence unknown name"),
        pytest.param(change(("evidence",), ["a"]), id="evidence not a mapping"),
        pytest.param(change(("meta",), [1]), id="meta not a mapping"),
        pytest.param(change(("extra",), 1), id="unknown top-level key"),
        pytest.param(change(("indicators",), None), id="indicators not a mapping"),
    ],
)
def test_each_bad_value_is_refused_by_both(food, food_validator, food_document, bad, tmp_path):
    document = bad(copy.deepcopy(food_document))
    assert list(food_validator.iter_errors(document)) != [], "the schema accepts it"
    assert rubricdsl_refuses(food, document, tmp_path), "rubricdsl accepts it"


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_schema_command_prints_sorted_json(capsys, food):
    code, out, err = run(capsys, "schema", FOOD)
    assert (code, err) == (0, "")
    assert json.loads(out) == data_schema([food])
    assert out == json.dumps(json.loads(out), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def test_schema_command_of_two_rubrics(capsys, rubric, food):
    code, out, _ = run(capsys, "schema", RUBRIC, FOOD)
    assert code == 0
    schema = json.loads(out)
    assert len(schema["properties"]["indicators"]["required"]) == 73 + 23
    assert schema["properties"]["not_applicable"]["properties"]["抽检"]["description"] == (
        "group '抽检' (na allowed)"
    )


def test_schema_command_writes_a_file_and_keeps_an_existing_one(capsys, tmp_path):
    target = tmp_path / "schema.json"
    code, out, _ = run(capsys, "schema", FOOD, "--output", target)
    assert code == 0
    assert out == f"{target}: wrote the JSON Schema of the data file (indicators: 23)\n"
    written = target.read_text(encoding="utf-8")
    assert json.loads(written)["$schema"] == DRAFT
    target.write_text("mine", encoding="utf-8")
    code, out, err = run(capsys, "schema", FOOD, "--output", target)
    assert (code, out) == (1, "")
    assert "exists; it may hold someone's work" in err
    assert target.read_text(encoding="utf-8") == "mine"
    assert run(capsys, "schema", FOOD, "--output", target, "--force")[0] == 0
    assert target.read_text(encoding="utf-8") == written
