"""Parse and validate the question bank files: concepts, scenarios and questions (pure Python, no Django).

Layout under the content root (quizzes/content): concepts/*.toml, scenarios/<module-slug>/<slug>.toml,
questions/<module-slug>.toml; the formats are described in docs/authoring.md. Every file is checked
before anything is returned; all problems are reported together, each with file, field and line.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from courses.content_errors import ContentError, ContentErrors, field_line, relative

from .scoring import Concept as ScoringConcept
from .scoring import Criterion, Lexicon, Rubric
from .scoring.types import CRITERION_KINDS, CRITERION_MODES, FORM_CHECKS

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONCEPT_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
CRITERION_KEY = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
TAG_KINDS = ("customer", "situation")
QUESTION_KINDS = ("single", "multiple", "truefalse")
ROLES = ("buyer", "agent")
ARRAY_TABLES = ("turns", "criteria", "questions")
_HEADER = re.compile(r"^[ \t]*(\[\[?)[ \t]*\"?([^\]\"]+?)\"?[ \t]*\]\]?", re.MULTILINE)


# ---------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Concept(ScoringConcept):
    """A concept as written in a concepts file; usable directly in a scoring Lexicon."""

    path: str = ""


@dataclass(frozen=True)
class Turn:
    role: str
    text: str


@dataclass(frozen=True)
class ScenarioFile:
    path: str
    slug: str
    title: str
    module: str
    tags: tuple[str, ...]
    difficulty: int
    pass_mark: int
    context: str
    model_answer: str
    turns: tuple[Turn, ...]
    criteria: tuple[Criterion, ...]
    facts: tuple[str, ...] = ()
    certification_only: bool = False  # the exam pool: never in practice or module quizzes

    @property
    def rubric(self) -> Rubric:
        return Rubric(criteria=self.criteria, pass_mark=self.pass_mark, facts=self.facts)

    @property
    def buyer_text(self) -> str:
        """The buyer's turns joined, as the engine's copy check wants them."""
        return "\n".join(turn.text for turn in self.turns if turn.role == "buyer")

    @property
    def topic_text(self) -> str:
        """Everything the scenario is about, for the engine's off-topic check."""
        return "\n".join([self.context, *(turn.text for turn in self.turns), self.model_answer])


@dataclass(frozen=True)
class QuestionFile:
    path: str
    slug: str
    kind: str
    module: str
    tags: tuple[str, ...]
    prompt: str
    choices: tuple[str, ...]
    answer: tuple[int, ...] | bool
    explanation: str
    lesson: str = ""  # slug of the lesson whose content the question tests
    certification_only: bool = False


@dataclass(frozen=True)
class Bank:
    concepts: dict[str, Concept]
    scenarios: list[ScenarioFile]
    questions: list[QuestionFile]

    def lexicon(self) -> Lexicon:
        """The scoring lexicon made of every concept in the bank."""
        return Lexicon(self.concepts.values())


# ---------------------------------------------------------------------------------------- field rules

Check = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Rule:
    """How one field of a table is checked: its type, whether it is required, and an extra check."""

    name: str
    type: str  # str | int | bool | strs | tables | any
    required: bool = True
    default: Any = None
    check: Check | None = None


def between(low: int, high: int) -> Check:
    return lambda value: None if low <= value <= high else f"应在 {low}–{high} 之间"


def count_between(low: int, high: int) -> Check:
    return lambda value: None if low <= len(value) <= high else f"应有 {low}–{high} 项,现在是 {len(value)} 项"


def one_of(*choices: str) -> Check:
    return lambda value: None if value in choices else f"只能是 {' / '.join(choices)} 之一"


def matches(pattern: re.Pattern[str], what: str) -> Check:
    return lambda value: None if pattern.match(value) else what


def all_of(*checks: Check) -> Check:
    return lambda value: next((message for check in checks if (message := check(value))), None)


def phrase_problem(phrases: Iterable[str]) -> str | None:
    """Why a list of phrases cannot be matched, or None."""
    seen: set[str] = set()
    for phrase in phrases:
        compact = re.sub(r"\s+", "", phrase)
        if not compact.replace("*", ""):
            return f"说法 {phrase!r} 是空的"
        if compact.startswith("*") or compact.endswith("*"):
            return f"说法 {phrase!r}:* 只能写在两段文字之间"
        if compact in seen:
            return f"说法 {phrase!r} 重复了"
        seen.add(compact)
    return None


def _facts_problem(value: Any) -> str | None:
    """Why a [facts] table is not a table of short texts, or None."""
    if not isinstance(value, dict):
        return "应为 [facts] 表:每行「名称 = \"事实\"」"
    for name, fact in value.items():
        if not isinstance(fact, str) or not fact.strip():
            return f"事实 {name!r} 应为非空文字"
        if len(fact) > 200:
            return f"事实 {name!r} 太长(最多 200 字)"
    return None


_TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "str": (lambda v: isinstance(v, str) and bool(v.strip()), "应为非空文字"),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "应为整数"),
    "bool": (lambda v: isinstance(v, bool), "应为 true 或 false"),
    "strs": (lambda v: isinstance(v, list) and all(isinstance(s, str) and s.strip() for s in v), "应为非空文字的列表"),
    "tables": (lambda v: isinstance(v, list) and all(isinstance(t, dict) for t in v), "应为 [[表]] 数组"),
    "any": (lambda v: True, ""),
}

CONCEPT_RULES = (
    Rule("label", "str"),
    Rule("phrases", "strs", check=all_of(count_between(1, 60), phrase_problem)),
    Rule("negatable", "bool", required=False, default=True),
    Rule("contrary", "strs", required=False, default=(), check=phrase_problem),
)
SCENARIO_RULES = (
    Rule("slug", "str", check=matches(SLUG, "只能用小写字母、数字和连字符")),
    Rule("title", "str"),
    Rule("module", "str"),
    Rule("tags", "strs"),
    Rule("difficulty", "int", check=between(1, 3)),
    Rule("pass_mark", "int", check=between(50, 90)),
    Rule("context", "str"),
    Rule("model_answer", "str"),
    Rule("turns", "tables", check=count_between(1, 6)),
    Rule("criteria", "tables", check=count_between(4, 8)),
    Rule("facts", "any", required=False, default={}, check=lambda v: _facts_problem(v)),
    Rule("certification_only", "bool", required=False, default=False),
)
TURN_RULES = (
    Rule("role", "str", check=one_of(*ROLES)),
    Rule("text", "str"),
)
CRITERION_RULES = (
    Rule("key", "str", check=matches(CRITERION_KEY, "只能用小写字母、数字、连字符和下划线")),
    Rule("kind", "str", check=one_of(*CRITERION_KINDS)),
    Rule("label", "str"),
    Rule("weight", "int", check=between(1, 5)),
    Rule("concepts", "strs", required=False, default=()),
    Rule("phrases", "strs", required=False, default=(), check=phrase_problem),
    Rule("mode", "str", required=False, default="any", check=one_of(*CRITERION_MODES)),
    Rule("auto_fail", "bool", required=False, default=False),
    Rule("check", "str", required=False, check=one_of(*FORM_CHECKS)),
    Rule("min", "int", required=False, check=between(0, 2000)),
    Rule("max", "int", required=False, check=between(0, 2000)),
    Rule("feedback", "str"),
    Rule("praise", "str", required=False, default=""),
)
# Which optional fields each kind of criterion may use; any other optional field is an error.
KIND_FIELDS = {
    "covers": {"concepts", "phrases", "mode"},
    "avoids": {"concepts", "phrases", "auto_fail"},
    "form": {"check", "min", "max"},
}
KIND_SPECIFIC = set().union(*KIND_FIELDS.values())
# Which of min/max each form check needs ("one" = at least one of them) and allows.
CHECK_BOUNDS = {
    "length": ("one", {"min", "max"}),
    "exclamations": ("max", {"max"}),
    "polite_address": (None, set()),
    "closing_invitation": (None, set()),
}
QUESTION_RULES = (
    Rule("slug", "str", check=matches(SLUG, "只能用小写字母、数字和连字符")),
    Rule("kind", "str", check=one_of(*QUESTION_KINDS)),
    Rule("module", "str"),
    Rule("tags", "strs", check=count_between(1, 10)),
    Rule("prompt", "str"),
    Rule("choices", "strs", required=False, default=(), check=count_between(3, 6)),
    Rule("answer", "any"),
    Rule("explanation", "str"),
    Rule("lesson", "str", check=matches(SLUG, "只能用小写字母、数字和连字符(课时的 slug)")),
    Rule("certification_only", "bool", required=False, default=False),
)


# ---------------------------------------------------------------------------------------- collecting errors


@dataclass(frozen=True)
class _Section:
    """One table of one file: where field lines are looked up."""

    path: Path
    text: str
    start_line: int = 1
    table: str = ""

    def line(self, name: str) -> int:
        return field_line(self.text, name, start_line=self.start_line)

    def label(self, name: str) -> str:
        return f"{self.table}.{name}" if self.table else name


def _sections(text: str, table: str, *, array: bool) -> list[tuple[str, int]]:
    """The text of each `[table]` / `[[table]]` in order, with the line it starts on."""
    headers = list(_HEADER.finditer(text))
    found = []
    for number, header in enumerate(headers):
        if header.group(2).strip() != table or (header.group(1) == "[[") != array:
            continue
        end = headers[number + 1].start() if number + 1 < len(headers) else len(text)
        found.append((text[header.start():end], text.count("\n", 0, header.start()) + 1))
    return found


def _top_section(text: str) -> str:
    first = _HEADER.search(text)
    return text[: first.start()] if first else text


@dataclass
class _Collector:
    root: Path
    errors: list[ContentError] = field(default_factory=list)

    def shown(self, path: Path) -> str:
        return relative(path, self.root)

    def add(self, section: _Section, name: str, message: str, *, line: int | None = None) -> None:
        where = section.line(name) if line is None else line
        self.errors.append(ContentError(self.shown(section.path), section.label(name), where, message))

    def load(self, path: Path) -> tuple[str, dict[str, Any]] | None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.errors.append(ContentError(self.shown(path), "file", 1, "文件须为 UTF-8 编码"))
            return None
        try:
            return text, tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"at line (\d+)", str(exc))
            line = int(match.group(1)) if match else 1
            self.errors.append(ContentError(self.shown(path), "toml", line, f"TOML 语法错误:{exc}"))
            return None

    def fields(self, data: dict[str, Any], rules: tuple[Rule, ...], section: _Section) -> dict[str, Any]:
        """Values of a table checked against its rules: lists become tuples, invalid values None."""
        known = {rule.name for rule in rules}
        for name in data:
            if name not in known:
                self.add(section, name, f"未知字段(可用:{', '.join(sorted(known))})")
        values: dict[str, Any] = {}
        for rule in rules:
            if rule.name not in data:
                if rule.required:
                    self.add(section, rule.name, "缺少必填字段", line=section.start_line)
                values[rule.name] = rule.default
                continue
            value = data[rule.name]
            valid, expected = _TYPES[rule.type]
            message = (rule.check(value) if rule.check else None) if valid(value) else expected
            if message:
                self.add(section, rule.name, message)
                values[rule.name] = None
                continue
            values[rule.name] = tuple(value) if isinstance(value, list) and rule.type == "strs" else value
        return values


# ---------------------------------------------------------------------------------------- files


def _parse_concepts(root: Path, collector: _Collector) -> dict[str, Concept]:
    concepts: dict[str, Concept] = {}
    defined_in: dict[str, str] = {}
    for path in sorted((root / "concepts").glob("*.toml")):
        loaded = collector.load(path)
        if loaded is None:
            continue
        text, data = loaded
        for key, table in data.items():
            section = _table_section(path, _sections(text, key, array=False), 0, key)
            if not isinstance(table, dict):
                collector.add(section, key, "概念文件里只能有 [概念] 表", line=field_line(text, key))
                continue
            if not CONCEPT_KEY.match(key):
                collector.add(section, "key", "概念标识只能用小写字母、数字和下划线,且以字母开头", line=section.start_line)
                continue
            if key in defined_in:
                collector.add(section, "key", f"概念 {key!r} 已在 {defined_in[key]} 定义", line=section.start_line)
                continue
            defined_in[key] = collector.shown(path)
            before = len(collector.errors)
            values = collector.fields(table, CONCEPT_RULES, section)
            if len(collector.errors) == before:
                concepts[key] = Concept(
                    key=key, label=values["label"].strip(), phrases=values["phrases"],
                    negatable=values["negatable"], contrary=tuple(values["contrary"]), path=collector.shown(path),
                )
    return concepts


def _parse_criterion(
    data: dict[str, Any], section: _Section, collector: _Collector, concepts: dict[str, Concept],
) -> Criterion | None:
    before = len(collector.errors)
    values = collector.fields(data, CRITERION_RULES, section)
    kind = values["kind"]
    if kind is None or len(collector.errors) > before:
        return None
    for name in sorted(KIND_SPECIFIC & data.keys() - KIND_FIELDS[kind]):
        collector.add(section, name, f"{kind} 类评分项不能用这个字段")
    if kind in ("covers", "avoids"):
        if not values["concepts"] and not values["phrases"]:
            collector.add(section, "concepts", "covers/avoids 评分项至少要有 concepts 或 phrases", line=section.start_line)
        for key in values["concepts"]:
            if key not in concepts:
                collector.add(section, "concepts", f"未知概念 {key!r}(见 concepts/*.toml)")
    else:
        check = values["check"]
        if check is None:
            collector.add(section, "check", "form 评分项须写明 check", line=section.start_line)
        else:
            needs, allowed = CHECK_BOUNDS[check]
            for name in sorted({"min", "max"} & data.keys() - allowed):
                collector.add(section, name, f"check = {check!r} 不用这个字段")
            if needs == "one" and values["min"] is None and values["max"] is None:
                collector.add(section, "min", f"check = {check!r} 至少要写 min 或 max", line=section.start_line)
            if needs == "max" and values["max"] is None:
                collector.add(section, "max", f"check = {check!r} 须写 max", line=section.start_line)
            if values["min"] is not None and values["max"] is not None and values["min"] > values["max"]:
                collector.add(section, "min", "min 不能大于 max")
    if len(collector.errors) > before:
        return None
    return Criterion(
        key=values["key"], kind=kind, label=values["label"].strip(), weight=values["weight"],
        concepts=values["concepts"], phrases=values["phrases"], mode=values["mode"], auto_fail=values["auto_fail"],
        check=values["check"], min=values["min"], max=values["max"],
        feedback=values["feedback"].strip(), praise=values["praise"].strip(),
    )


def _check_tags(values: dict[str, Any], section: _Section, collector: _Collector, tags: set[str], *, both_kinds: bool) -> None:
    if values["tags"] is None:
        return
    for tag in values["tags"]:
        if tag not in tags:
            collector.add(section, "tags", f"未知标签 {tag!r}(见 courses/content/tags.toml)")
    if both_kinds:
        for kind in TAG_KINDS:
            if not any(tag.startswith(kind + ":") for tag in values["tags"]):
                collector.add(section, "tags", f"至少要有一个 {kind}: 标签")


def _parse_scenario(
    path: Path, collector: _Collector, concepts: dict[str, Concept], module_slugs: set[str], tags: set[str],
    slugs: dict[str, str],
) -> ScenarioFile | None:
    loaded = collector.load(path)
    if loaded is None:
        return None
    text, data = loaded
    top = _Section(path, _top_section(text))
    before = len(collector.errors)
    values = collector.fields(data, SCENARIO_RULES, top)
    if values["slug"] is not None:
        if values["slug"] != path.stem:
            collector.add(top, "slug", f"文件名应与 slug 一致:{values['slug']}.toml")
        _check_unique(top, collector, slugs, values["slug"], "情景")
    if values["module"] is not None:
        if values["module"] not in module_slugs:
            collector.add(top, "module", f"未知模块 {values['module']!r}")
        elif values["module"] != path.parent.name:
            collector.add(top, "module", f"文件应放在 scenarios/{values['module']}/ 目录下")
    _check_tags(values, top, collector, tags, both_kinds=True)

    turns: list[Turn] = []
    turn_sections = _sections(text, "turns", array=True)
    for index, table in enumerate(values["turns"] or ()):
        section = _table_section(path, turn_sections, index, "turns")
        turn = collector.fields(table, TURN_RULES, section)
        if None not in turn.values():
            turns.append(Turn(turn["role"], turn["text"].strip()))
    if turns and len(turns) == len(values["turns"]) and turns[-1].role != "buyer":
        section = _table_section(path, turn_sections, len(turns) - 1, "turns")
        collector.add(section, "role", "最后一轮必须是买家(role = \"buyer\")")

    criteria: list[Criterion] = []
    criterion_sections = _sections(text, "criteria", array=True)
    keys: set[str] = set()
    for index, table in enumerate(values["criteria"] or ()):
        section = _table_section(path, criterion_sections, index, "criteria")
        criterion = _parse_criterion(table, section, collector, concepts)
        if criterion is None:
            continue
        if criterion.key in keys:
            collector.add(section, "key", f"评分项 key {criterion.key!r} 在本情景中重复")
        keys.add(criterion.key)
        criteria.append(criterion)
    if criteria and not any(c.kind == "covers" for c in criteria):
        collector.add(top, "criteria", "至少要有一个 covers 评分项", line=criterion_sections[0][1] if criterion_sections else 1)

    if len(collector.errors) > before:
        return None
    return ScenarioFile(
        path=collector.shown(path), slug=values["slug"], title=values["title"].strip(), module=values["module"],
        tags=values["tags"], difficulty=values["difficulty"], pass_mark=values["pass_mark"],
        context=values["context"].strip(), model_answer=values["model_answer"].strip(),
        turns=tuple(turns), criteria=tuple(criteria), certification_only=values["certification_only"],
        facts=tuple(f"{name}:{fact.strip()}" for name, fact in (values["facts"] or {}).items()),
    )


def _table_section(path: Path, sections: list[tuple[str, int]], index: int, table: str) -> _Section:
    """The index-th of a file's `[[table]]` sections (or its only `[table]`), labelled for messages."""
    label = table if table not in ARRAY_TABLES else f"{table}[{index}]"
    if index < len(sections):
        return _Section(path, sections[index][0], sections[index][1], label)
    return _Section(path, "", 1, label)


def _parse_questions(
    path: Path, collector: _Collector, module_slugs: set[str], tags: set[str], slugs: dict[str, str],
    lessons: dict[str, str] | None,
) -> list[QuestionFile]:
    loaded = collector.load(path)
    if loaded is None:
        return []
    text, data = loaded
    top = _Section(path, _top_section(text))
    if set(data) != {"questions"} or not _TYPES["tables"][0](data["questions"]):
        collector.add(top, "questions", "题目文件只能包含 [[questions]] 数组", line=1)
        return []
    sections = _sections(text, "questions", array=True)
    questions = []
    for index, table in enumerate(data["questions"]):
        section = _table_section(path, sections, index, "questions")
        before = len(collector.errors)
        values = collector.fields(table, QUESTION_RULES, section)
        if values["slug"] is not None:
            _check_unique(section, collector, slugs, values["slug"], "题目")
        if values["module"] is not None and values["module"] not in module_slugs:
            collector.add(section, "module", f"未知模块 {values['module']!r}")
        elif values["module"] is not None and values["module"] != path.stem:
            collector.add(section, "module", f"本文件只放 {path.stem} 模块的题目")
        _check_tags(values, section, collector, tags, both_kinds=False)
        if lessons is not None and values["lesson"] is not None:
            if values["lesson"] not in lessons:
                collector.add(section, "lesson", f"未知课时 {values['lesson']!r}(写课时文件头里的 slug)")
            elif values["module"] is not None and lessons[values["lesson"]] != values["module"]:
                collector.add(section, "lesson", f"课时 {values['lesson']!r} 属于模块 {lessons[values['lesson']]!r},"
                                                 f"题目应放在那个模块")
        if values["kind"] is None or values["choices"] is None or "answer" not in table:
            continue
        answer = _question_answer(values, table, section, collector)
        if len(collector.errors) > before:
            continue
        questions.append(QuestionFile(
            path=collector.shown(path), slug=values["slug"], kind=values["kind"], module=values["module"],
            tags=values["tags"], prompt=values["prompt"].strip(), choices=tuple(c.strip() for c in values["choices"]),
            answer=answer, explanation=values["explanation"].strip(), lesson=values["lesson"],
            certification_only=values["certification_only"],
        ))
    return questions


def _question_answer(
    values: dict[str, Any], table: dict[str, Any], section: _Section, collector: _Collector,
) -> tuple[int, ...] | bool | None:
    answer = values["answer"]
    if values["kind"] == "truefalse":
        if "choices" in table:
            collector.add(section, "choices", "判断题不写 choices")
        if not isinstance(answer, bool):
            collector.add(section, "answer", "判断题的 answer 应为 true 或 false")
            return None
        return answer
    if "choices" not in table:
        collector.add(section, "choices", "选择题须有 3–6 个 choices", line=section.start_line)
        return None
    if not isinstance(answer, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in answer):
        collector.add(section, "answer", "选择题的 answer 应为选项序号(从 0 开始)的列表")
        return None
    problems = [
        (len(set(answer)) != len(answer), "answer 里有重复的序号"),
        (any(not 0 <= i < len(values["choices"]) for i in answer), f"answer 的序号应在 0–{len(values['choices']) - 1} 之间"),
        (values["kind"] == "single" and len(answer) != 1, "单选题的 answer 必须恰好一个"),
        (values["kind"] == "multiple" and len(answer) < 2, "多选题的 answer 至少两个"),
    ]
    for failed, message in problems:
        if failed:
            collector.add(section, "answer", message)
    return tuple(answer) if not any(failed for failed, _ in problems) else None


def _check_unique(section: _Section, collector: _Collector, seen: dict[str, str], slug: str, what: str) -> None:
    """Slugs are unique across files; the second one to use a slug is the error."""
    if slug in seen:
        collector.add(section, "slug", f"{what}标识 {slug!r} 已在 {seen[slug]} 使用")
    else:
        seen[slug] = collector.shown(section.path)


def parse_bank(
    content_root: Path, *, module_slugs: set[str], tags: set[str], lessons: dict[str, str] | None = None,
) -> Bank:
    """Every concept, scenario and question under `content_root`, fully validated; raises ContentErrors.

    `lessons` maps each lesson slug of the curriculum to its module slug; when given, the lesson a
    question cites must exist and belong to the question's module.
    """
    collector = _Collector(root=content_root.parent)
    concepts = _parse_concepts(content_root, collector)
    scenario_slugs: dict[str, str] = {}
    scenarios = [
        scenario
        for path in sorted((content_root / "scenarios").rglob("*.toml"))
        if (scenario := _parse_scenario(path, collector, concepts, module_slugs, tags, scenario_slugs)) is not None
    ]
    question_slugs: dict[str, str] = {}
    questions = [
        question
        for path in sorted((content_root / "questions").glob("*.toml"))
        for question in _parse_questions(path, collector, module_slugs, tags, question_slugs, lessons)
    ]
    if collector.errors:
        raise ContentErrors(collector.errors)
    return Bank(concepts=concepts, scenarios=scenarios, questions=questions)


def parse_extra_scenarios(
    folder: Path, *, concepts: dict[str, Concept], module_slugs: set[str], tags: set[str], taken: set[str] = frozenset(),
) -> list[ScenarioFile]:
    """Scenario files under `folder` (in module folders, as under scenarios/), validated by the bank's rules
    against the bank's concepts; raises ContentErrors. `taken` are slugs the bank already uses.

    For scenarios kept outside the bank (an evaluation's blind-written ones): scored beside it, never loaded.
    """
    collector = _Collector(root=folder.parent)
    slugs: dict[str, str] = {slug: "bank" for slug in taken}
    scenarios = [
        scenario
        for path in sorted(folder.rglob("*.toml"))
        if (scenario := _parse_scenario(path, collector, concepts, module_slugs, tags, slugs)) is not None
    ]
    if collector.errors:
        raise ContentErrors(collector.errors)
    return scenarios
