"""The HTML report in a real browser: every number on the page equals the JSON result's, the
browser logs nothing, the page fetches nothing, and a Chinese locale gets Chinese."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from browser import render, screenshot
from rubricdsl.cli import main

RUBRICS = ["rubrics/2020/anhui-six-ones.rubric", "rubrics/2020/anhui-quality-county.rubric"]
PLAN = "examples/yaohai/plan.yaml"
DATA = "examples/yaohai/data-2021.yaml"
STATUS = ["status", "--plan", PLAN, "--data", DATA, *RUBRICS, "--as-of", "2022-01-15"]


class Numbers(HTMLParser):
    """Each element with data-json: its path and its text; and every external reference."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self.open: list[tuple[str, list[str]]] = []
        self.references: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            if found.get(name):
                self.references.append(str(found[name]))
        if "data-json" in found:
            self.open.append((str(found["data-json"]), []))

    def handle_data(self, data: str) -> None:
        for _, parts in self.open:
            parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.open:
            path, parts = self.open.pop()
            self.found.append((path, "".join(parts)))


def resolve(document: object, path: str) -> object:
    for step in path.split("/"):
        document = document[int(step)] if isinstance(document, list) else document[step]  # type: ignore[index]
    return document


def run(capsys, *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def yaohai_pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    pages = {}
    for lang in ("zh", "en"):
        page = folder / f"yaohai-{lang}.html"
        assert main([*STATUS, "--format", "html", "--lang", lang, "--output", str(page)]) == 0
        pages[lang] = page
    data = folder / "yaohai.json"
    assert main([*STATUS, "--format", "json", "--output", str(data)]) == 0
    return pages, json.loads(data.read_text(encoding="utf-8"))


def test_every_number_on_the_page_equals_the_json(yaohai_pages):
    pages, document = yaohai_pages
    dom, console = render(pages["en"])
    assert console == []
    parser = Numbers()
    parser.feed(dom)
    for path, shown in parser.found:
        assert shown == str(resolve(document, path)), path
    # every category's, item's and rule's points and every owner's are on the page
    scored = document["results"][1]
    expected = {"results/1/total", "results/1/base", "results/1/bonus"}
    for c, _ in enumerate(scored["categories"]):
        expected |= {f"results/1/categories/{c}/score", f"results/1/categories/{c}/max"}
    for k, item in enumerate(scored["items"]):
        expected |= {f"results/1/items/{k}/score", f"results/1/items/{k}/max"}
        for j, _ in enumerate(item["rules"]):
            expected |= {f"results/1/items/{k}/rules/{j}/{n}" for n in ("gave", "reach")}
    for o, _ in enumerate(document["owners"]):
        expected |= {f"owners/{o}/{n}" for n in ("max", "earned", "lost")}
    assert expected <= {path for path, _ in parser.found}
    assert len(expected) > 200
    assert resolve(document, "results/1/total") == "77.49"  # worked by hand in test_cli


def test_the_page_is_self_contained(yaohai_pages):
    pages, _ = yaohai_pages
    parser = Numbers()
    parser.feed(pages["en"].read_text(encoding="utf-8"))
    assert parser.scripts == 0
    assert parser.references == []  # no stylesheet, image or link from elsewhere


def test_the_chinese_report_is_chinese(yaohai_pages):
    pages, _ = yaohai_pages
    dom, console = render(pages["zh"])
    assert console == []
    assert 'lang="zh-CN"' in dom
    assert "责任单位" in dom  # the responsible units' heading, translated


def test_a_chinese_locale_chooses_chinese(capsys, monkeypatch):
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    page = run(capsys, *STATUS, "--format", "html")
    assert 'lang="zh-CN"' in page
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert 'lang="en"' in run(capsys, *STATUS, "--format", "html")


def test_readable_on_a_phone(yaohai_pages, tmp_path):
    pages, _ = yaohai_pages
    shot = tmp_path / "phone.png"
    screenshot(pages["zh"], shot, 390, 844)
    assert shot.stat().st_size > 10_000


def test_text_from_files_is_escaped_in_html(tmp_path, capsys):
    rubric = tmp_path / "x.rubric"
    rubric.write_text(
        'rubric "<script>alert(1)</script>"\nyear 2021\nbase 2\n'
        "indicators {\n  a: bool\n}\n"
        'category "c & <b>" 2 {\n  item 1 "t\x1b[31m" 2 {\n    2 when a "w</td>"\n  }\n}\n',
        encoding="utf-8",
    )
    data = tmp_path / "d.yaml"
    data.write_text("meta: {district: '<img src=x>'}\nindicators: {a: false}\n", encoding="utf-8")
    page = tmp_path / "p.html"
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        'phases: [{name: 甲, until: 2021-12-31}]\nrubrics:\n  "<script>alert(1)</script>":\n'
        '    items: {"1": {units: 区<b>局, deadline: 2021-12-31}}\n',
        encoding="utf-8",
    )
    args = [
        "status",
        "--plan",
        str(plan),
        "--data",
        str(data),
        str(rubric),
        "--as-of",
        "2021-08-01",
    ]
    assert main([*args, "--format", "html", "--output", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html and "<img src=x>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "\x1b" not in html and "\\x1b[31m" in html
    dom, console = render(page)
    assert console == []
    parser = Numbers()
    parser.feed(dom)
    assert parser.scripts == 0
