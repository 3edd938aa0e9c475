"""The curriculum parser: every problem reported with file, field and line; nothing returned if any."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courses.content_errors import ContentErrors
from courses.lesson_files import parse_curriculum

REAL_ROOT = Path(__file__).resolve().parents[2] / "courses" / "content"

GOOD_LESSON = """+++
slug = "sample-lesson"
title = "示例课时"
order = 1
minutes = 5
tags = ["situation:greeting"]
goals = ["目标一", "目标二"]
+++

## 讲解
正文。

## 对话示例
```chat
买家: 在吗
客服: 亲,在的呢
```

## 做与不做
- 做

## 小结
小结。
"""


def make_tree(tmp_path: Path, lesson_text: str = GOOD_LESSON, extra: dict[str, str] | None = None) -> Path:
    root = tmp_path / "content"
    (root / "c" / "01-m").mkdir(parents=True)
    (root / "tags.toml").write_text('[customer]\nhesitant = "犹豫"\n[situation]\ngreeting = "问好"\n', encoding="utf-8")
    (root / "c" / "_course.toml").write_text('slug = "c"\ntitle = "课程"\n', encoding="utf-8")
    (root / "c" / "01-m" / "_module.toml").write_text('slug = "m"\ntitle = "模块"\norder = 1\n', encoding="utf-8")
    (root / "c" / "01-m" / "01-a.md").write_text(lesson_text, encoding="utf-8")
    for name, text in (extra or {}).items():
        (root / "c" / "01-m" / name).write_text(text, encoding="utf-8")
    return root


def errors_of(root: Path) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        parse_curriculum(root)
    return [str(e) for e in info.value.errors]


def test_the_shipped_curriculum_is_valid_and_complete():
    curriculum = parse_curriculum(REAL_ROOT)
    modules = curriculum.courses[0].modules
    assert len(modules) >= 9
    assert sum(len(m.lessons) for m in modules) >= 25
    assert {"customer-types", "objections-bargaining", "negative-reviews"} <= curriculum.module_slugs
    assert all(m.lessons for m in modules), "every module has lessons"
    customer_tags = {t for m in modules for l in m.lessons for t in l.tags if t.startswith("customer:")}
    assert len(customer_tags) >= 12


def test_good_tree_parses(tmp_path):
    lesson = parse_curriculum(make_tree(tmp_path)).courses[0].modules[0].lessons[0]
    assert (lesson.slug, lesson.minutes, lesson.goals) == ("sample-lesson", 5, ("目标一", "目标二"))


@pytest.mark.parametrize(
    "change, expected",
    [
        (("minutes = 5", "minutes = 99"), "01-a.md:5: [minutes]"),
        (('tags = ["situation:greeting"]', 'tags = ["situation:nope"]'), "01-a.md:6: [tags] 未知标签"),
        (('slug = "sample-lesson"\n', ""), "01-a.md:2: [slug] 缺少必填字段"),
        (("## 小结", "## 总结"), "[body] 正文缺少小节 “## 小结”"),
        (("```chat", "```text"), "[body] 正文至少要有一个 ```chat"),
        (('title = "示例课时"', "title = 示例课时"), "01-a.md:3: [toml] TOML 语法错误"),
        (('goals = ["目标一", "目标二"]', 'goals = ["只有一个"]'), "01-a.md:7: [goals]"),
    ],
)
def test_invalid_lessons_name_file_field_and_line(tmp_path, change, expected):
    old, new = change
    errors = errors_of(make_tree(tmp_path, GOOD_LESSON.replace(old, new)))
    assert any(expected in e for e in errors), errors


def test_all_problems_are_reported_together(tmp_path):
    broken = GOOD_LESSON.replace("minutes = 5", "minutes = 1").replace("```chat", "```")
    second = GOOD_LESSON.replace('slug = "sample-lesson"', 'slug = "Bad Slug"')
    errors = errors_of(make_tree(tmp_path, broken, extra={"02-b.md": second}))
    assert len(errors) >= 3


def test_duplicate_slug_is_an_error(tmp_path):
    errors = errors_of(make_tree(tmp_path, extra={"02-b.md": GOOD_LESSON}))
    assert any("sample-lesson" in e and "已在" in e for e in errors)


def test_missing_front_matter(tmp_path):
    errors = errors_of(make_tree(tmp_path, "## 讲解\n没有头\n"))
    assert any("[front matter]" in e for e in errors)


def test_real_tree_copy_with_one_broken_file_fails(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(REAL_ROOT, root)
    victim = sorted(root.rglob("*.md"))[3]
    victim.write_text(victim.read_text(encoding="utf-8").replace("## 小结", "## 结尾"), encoding="utf-8")
    errors = errors_of(root)
    assert len(errors) == 1 and victim.name in errors[0]
