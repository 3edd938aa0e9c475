"""Parse and validate trainer/content/onboarding.toml (pure Python) — paths and exams."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from courses.content_errors import ContentError, ContentErrors, field_line, table_line
from courses.lesson_files import toml_error_line


@dataclass(frozen=True)
class ExamSpec:
    slug: str
    name: str
    scenario_count: int
    question_count: int
    time_limit_minutes: int
    pass_mark: int
    validity_days: int


@dataclass(frozen=True)
class StepSpec:
    kind: str          # lesson | module_quiz | certification
    target: str        # lesson slug, module slug or exam slug
    due_days: int
    pass_mark: int = 70


@dataclass(frozen=True)
class ModuleSpec:
    module: str
    lessons_due: int
    quiz_due: int | None
    quiz_pass_mark: int


@dataclass(frozen=True)
class PathSpec:
    slug: str
    name: str
    description: str
    modules: tuple[ModuleSpec, ...]
    extra_steps: tuple[StepSpec, ...]


EXAM_INTS = {"scenario_count": (1, 20), "question_count": (0, 50), "time_limit_minutes": (5, 240),
             "pass_mark": (50, 100), "validity_days": (7, 730)}


def parse_onboarding(path: Path, *, module_slugs: set[str]) -> tuple[list[ExamSpec], list[PathSpec]]:
    """Exams and paths from the file; raises ContentErrors naming field and line for every problem."""
    text = path.read_text(encoding="utf-8")
    errors: list[ContentError] = []
    name = path.name

    def err(fld: str, line: int, message: str) -> None:
        errors.append(ContentError(name, fld, line, message))

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentErrors([ContentError(name, "toml", toml_error_line(exc), f"TOML 语法错误:{exc}")])
    exams: list[ExamSpec] = []
    for index, exam in enumerate(data.get("exams", [])):
        line = table_line(text, "exams", index)
        values = {}
        for key, (low, high) in EXAM_INTS.items():
            value = exam.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                err(f"exams.{key}", field_line(text, key, occurrence=index) if key in exam else line,
                    f"应为 {low}–{high} 之间的整数")
            values[key] = value
        if not exam.get("slug") or not exam.get("name"):
            err("exams.slug", line, "考试需要 slug 和 name")
            continue
        exams.append(ExamSpec(slug=exam["slug"], name=exam["name"], **values))
    exam_slugs = {e.slug for e in exams}
    paths: list[PathSpec] = []
    module_index = 0
    step_index = 0
    for index, raw in enumerate(data.get("paths", [])):
        line = table_line(text, "paths", index)
        if not raw.get("slug") or not raw.get("name"):
            err("paths.slug", line, "路径需要 slug 和 name")
        modules = []
        for item in raw.get("modules", []):
            mline = table_line(text, "paths.modules", module_index)
            module_index += 1
            if item.get("module") not in module_slugs:
                err("paths.modules.module", mline, f"未知模块 {item.get('module')!r}(先加载课程)")
                continue
            lessons_due, quiz_due = item.get("lessons_due"), item.get("quiz_due")
            if not isinstance(lessons_due, int) or lessons_due < 0 or (
                    quiz_due is not None and (not isinstance(quiz_due, int) or quiz_due < lessons_due)):
                err("paths.modules.lessons_due", mline, "lessons_due 应为非负整数,quiz_due 不早于 lessons_due")
                continue
            modules.append(ModuleSpec(item["module"], lessons_due, quiz_due, int(item.get("quiz_pass_mark", 70))))
        steps = []
        for item in raw.get("steps", []):
            sline = table_line(text, "paths.steps", step_index)
            step_index += 1
            if item.get("certification") not in exam_slugs:
                err("paths.steps.certification", sline, f"未知考试 {item.get('certification')!r}")
                continue
            if not isinstance(item.get("due_days"), int) or item["due_days"] < 0:
                err("paths.steps.due_days", sline, "due_days 应为非负整数")
                continue
            steps.append(StepSpec("certification", item["certification"], item["due_days"]))
        paths.append(PathSpec(raw.get("slug", ""), raw.get("name", ""), raw.get("description", ""),
                              tuple(modules), tuple(steps)))
    if errors:
        raise ContentErrors(errors)
    return exams, paths
