"""Parse and validate the curriculum files (pure Python, no Django).

Layout: <root>/tags.toml, <root>/<course>/_course.toml, <root>/<course>/<NN-module>/_module.toml,
<root>/<course>/<NN-module>/<NN-lesson>.md (TOML front matter between `+++` lines). Every file is
checked before anything is loaded; all problems are reported together, each with file, field, line.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .content_errors import ContentError, ContentErrors, field_line, relative

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_HEADINGS = ("## 讲解", "## 对话示例", "## 做与不做", "## 小结")
CHAT_FENCE = re.compile(r"^\s*```\s*chat\s*$", re.MULTILINE)
TAG_KINDS = ("customer", "situation")


@dataclass(frozen=True)
class LessonFile:
    path: str
    slug: str
    title: str
    order: int
    minutes: int
    goals: tuple[str, ...]
    tags: tuple[str, ...]
    body: str


@dataclass(frozen=True)
class ModuleFile:
    path: str
    slug: str
    title: str
    summary: str
    order: int
    lessons: tuple[LessonFile, ...]


@dataclass(frozen=True)
class CourseFile:
    path: str
    slug: str
    title: str
    summary: str
    modules: tuple[ModuleFile, ...]


@dataclass(frozen=True)
class Curriculum:
    tags: dict[str, str]  # "customer:hesitant" -> "犹豫不决型"
    courses: tuple[CourseFile, ...]

    @property
    def module_slugs(self) -> set[str]:
        return {m.slug for c in self.courses for m in c.modules}


def toml_error_line(exc: tomllib.TOMLDecodeError) -> int:
    """The line tomllib names in its message ("... (at line 3, column 9)"); Python 3.12 has no attribute."""
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else 1


@dataclass
class _Collector:
    root: Path
    errors: list[ContentError] = field(default_factory=list)

    def add(self, path: Path, fld: str, line: int, message: str) -> None:
        self.errors.append(ContentError(relative(path, self.root), fld, line, message))

    def load_toml(self, path: Path, text: str, *, line_offset: int = 0) -> dict | None:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            self.add(path, "toml", toml_error_line(exc) + line_offset, f"TOML 语法错误:{exc}")
            return None

    def require(self, path: Path, text: str, data: dict, name: str, kind: type, *, line_offset: int = 0):
        """The value of a required field of the given type, or None after recording an error."""
        value = data.get(name)
        line = field_line(text, name) + line_offset
        if value is None:
            self.add(path, name, line, "缺少必填字段")
            return None
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.add(path, name, line, "应为整数")
            return None
        if kind is not int and not isinstance(value, kind):
            self.add(path, name, line, f"类型应为 {kind.__name__}")
            return None
        if kind is str and not value.strip():
            self.add(path, name, line, "不能为空")
            return None
        return value


def read_tags(root: Path, collector: _Collector) -> dict[str, str]:
    """The tag vocabulary: {"customer:hesitant": "犹豫不决型", ...}."""
    path = root / "tags.toml"
    if not path.exists():
        collector.add(path, "file", 1, "缺少标签词表文件")
        return {}
    text = path.read_text(encoding="utf-8")
    data = collector.load_toml(path, text) or {}
    tags: dict[str, str] = {}
    for kind in TAG_KINDS:
        table = data.get(kind)
        if not isinstance(table, dict):
            collector.add(path, kind, 1, "缺少该类别的标签表")
            continue
        for key, label in table.items():
            if not SLUG.match(key) or not isinstance(label, str) or not label.strip():
                collector.add(path, f"{kind}.{key}", field_line(text, key), "标签标识须为小写字母/数字/连字符,名称不能为空")
                continue
            tags[f"{kind}:{key}"] = label
    return tags


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line where the body starts) or None when the +++ block is missing."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "+++":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "+++":
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return None


def parse_lesson(path: Path, collector: _Collector, tags: dict[str, str]) -> LessonFile | None:
    text = path.read_text(encoding="utf-8")
    split = split_front_matter(text)
    if split is None:
        collector.add(path, "front matter", 1, "课时文件须以 +++ 包围的 TOML 头开始")
        return None
    front, body, body_line = split
    data = collector.load_toml(path, front, line_offset=1)
    if data is None:
        return None
    before = len(collector.errors)
    req = lambda name, kind: collector.require(path, front, data, name, kind, line_offset=1)  # noqa: E731
    slug, title, order, minutes = req("slug", str), req("title", str), req("order", int), req("minutes", int)
    goals, lesson_tags = req("goals", list), req("tags", list)
    if slug is not None and not SLUG.match(slug):
        collector.add(path, "slug", field_line(front, "slug") + 1, "只能用小写字母、数字和连字符")
    if minutes is not None and not 3 <= minutes <= 30:
        collector.add(path, "minutes", field_line(front, "minutes") + 1, "预计时长应在 3–30 分钟之间")
    if goals is not None and (not 2 <= len(goals) <= 5 or not all(isinstance(g, str) and g.strip() for g in goals)):
        collector.add(path, "goals", field_line(front, "goals") + 1, "学习目标应为 2–5 条非空文字")
    if lesson_tags is not None:
        if not lesson_tags:
            collector.add(path, "tags", field_line(front, "tags") + 1, "至少要有一个标签")
        for tag in lesson_tags:
            if tag not in tags:
                collector.add(path, "tags", field_line(front, "tags") + 1, f"未知标签 {tag!r}(见 tags.toml)")
    for heading in REQUIRED_HEADINGS:
        if not re.search(rf"^{re.escape(heading)}\s*$", body, re.MULTILINE):
            collector.add(path, "body", body_line, f"正文缺少小节 “{heading}”")
    if not CHAT_FENCE.search(body):
        collector.add(path, "body", body_line, "正文至少要有一个 ```chat 对话示例")
    if len(collector.errors) > before:
        return None
    return LessonFile(
        path=relative(path, collector.root), slug=slug, title=title.strip(), order=order, minutes=minutes,
        goals=tuple(g.strip() for g in goals), tags=tuple(lesson_tags), body=body.strip() + "\n",
    )


def parse_module(folder: Path, collector: _Collector, tags: dict[str, str]) -> ModuleFile | None:
    path = folder / "_module.toml"
    if not path.exists():
        collector.add(path, "file", 1, "模块目录缺少 _module.toml")
        return None
    text = path.read_text(encoding="utf-8")
    data = collector.load_toml(path, text)
    if data is None:
        return None
    req = lambda name, kind: collector.require(path, text, data, name, kind)  # noqa: E731
    slug, title, order = req("slug", str), req("title", str), req("order", int)
    summary = data.get("summary", "")
    lessons = [parse_lesson(p, collector, tags) for p in sorted(folder.glob("*.md"))]
    if slug is None or title is None or order is None:
        return None
    return ModuleFile(
        path=relative(path, collector.root), slug=slug, title=title, summary=str(summary), order=order,
        lessons=tuple(sorted((l for l in lessons if l), key=lambda l: (l.order, l.slug))),
    )


def parse_curriculum(root: Path) -> Curriculum:
    """Every course under `root`, fully validated; raises ContentErrors listing every problem."""
    collector = _Collector(root=root)
    tags = read_tags(root, collector)
    courses: list[CourseFile] = []
    for course_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        path = course_dir / "_course.toml"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        data = collector.load_toml(path, text)
        if data is None:
            continue
        slug = collector.require(path, text, data, "slug", str)
        title = collector.require(path, text, data, "title", str)
        modules = [parse_module(d, collector, tags) for d in sorted(course_dir.iterdir()) if d.is_dir()]
        if slug and title:
            courses.append(CourseFile(
                path=relative(path, root), slug=slug, title=title, summary=str(data.get("summary", "")),
                modules=tuple(sorted((m for m in modules if m), key=lambda m: m.order)),
            ))
    _check_unique(collector, courses)
    if collector.errors:
        raise ContentErrors(collector.errors)
    return Curriculum(tags=tags, courses=tuple(courses))


def _check_unique(collector: _Collector, courses: list[CourseFile]) -> None:
    """Slugs are unique across the whole curriculum; the second file to use one is the error."""
    seen: dict[tuple[str, str], str] = {}
    for course in courses:
        for module in course.modules:
            items = [("module", module.slug, module.path)] + [("lesson", l.slug, l.path) for l in module.lessons]
            for kind, slug, path in items:
                if (kind, slug) in seen:
                    collector.errors.append(ContentError(path, "slug", 1, f"标识 {slug!r} 已在 {seen[(kind, slug)]} 使用"))
                else:
                    seen[(kind, slug)] = path
