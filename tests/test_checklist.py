"""Checklists in the language: sections of tasks, each done when its requirements hold."""

from __future__ import annotations

import pytest

import rubricdsl
from rubricdsl.errors import RubricCompileError, RubricSyntaxError
from rubricdsl.render import render_text

HEAD = 'rubric "清单"\nyear 2021\nindicators {\n  a: bool\n  b: count or na\n}\n'


def compile_error(body: str) -> RubricCompileError:
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(HEAD + body)
    return caught.value


def test_a_task_is_done_not_done_or_not_applicable():
    rubric = rubricdsl.loads(
        HEAD
        + 'checklist "一是" {\n'
        + '  task 1 "甲" { require a "A" }\n'
        + '  task "（二）" "乙" { require a "A" require b >= 2 "B" }\n'
        + '  task 3 "丙" { require b >= 2 "B" }\n'
        + "}\n"
    )
    result = rubric.evaluate({"a": True, "b": 1})
    assert [(t.id, t.status) for t in result.tasks] == [
        ("1", "met"),
        ("（二）", "not_met"),
        ("3", "not_met"),
    ]
    assert [r.text for r in result.task("（二）").unmet] == ["B"]
    excused = rubric.evaluate({"a": True, "b": {"not_applicable": "无"}})
    # a task whose every requirement is excused is not applicable; one with some that hold, done
    assert [t.status for t in excused.tasks] == ["met", "met", "not_applicable"]
    assert excused.eligible
    # the tasks' requirements count for eligibility, with their task as scope
    assert [r.scope for r in result.requirements] == [
        "task 1",
        "task （二）",
        "task （二）",
        "task 3",
    ]
    assert result.to_dict()["tasks"][1]["status"] == "not_met"


def test_the_text_report_lists_tasks_by_section():
    rubric = rubricdsl.loads(
        HEAD + 'checklist "一是" {\n  task 1 "甲" { require a "A" }\n}\n'
        'checklist "二是" {\n  task 2 "乙" { require b > 0 "B" }\n}\n'
    )
    text = render_text(rubric.evaluate({"a": False, "b": 3}))
    assert "Checklist: 1 of 2 tasks done" in text
    assert "一是" in text and "NOT DONE  task 1  甲" in text and "done      task 2  乙" in text


@pytest.mark.parametrize(
    ("body", "code", "line", "column"),
    [
        ('checklist "一是" {\n}\n', "empty-checklist", 7, 1),
        ('checklist "一是" {\n  task 1 "甲" { }\n}\n', "empty-task", 8, 3),
        (
            'checklist "一是" {\n  task 1 "甲" { require a "A" }\n'
            '  task 1 "乙" { require a "B" }\n}\n',
            "duplicate-task",
            9,
            8,
        ),
        ('checklist "一是" {\n  task 1 "甲" { require c "A" }\n}\n', "undefined-indicator", 8, 24),
    ],
)
def test_checklist_mistakes(body, code, line, column):
    error = compile_error(body)
    found = error.diagnostics[0]
    assert (found.code, found.line, found.column) == (code, line, column)


def test_a_task_outside_a_checklist_is_a_syntax_error():
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(HEAD + 'task 1 "甲" { require a "A" }\n')
    assert caught.value.line == 7
