"""The bank parser: every problem reported with file, field and line; nothing returned if any file is bad."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from courses.content_errors import ContentErrors
from quizzes.bank_files import parse_bank

ROOT = Path(__file__).resolve().parents[2]
MODULES = {"presales-flow", "logistics-aftersales"}
TAGS = {"customer:angry", "customer:picky", "situation:wrong-item", "situation:greeting"}

CONCEPTS = """\
[apology]
label = "致歉"
phrases = ["抱歉", "不好意思"]

[reship]
label = "补发"
phrases = ["补发", "重新*发"]

[blunt_refusal]
label = "生硬拒绝"
negatable = false
phrases = ["不行"]
"""

SCENARIO = """\
slug = "wrong-colour-cardigan"
title = "开衫颜色发错了"
module = "logistics-aftersales"
tags = ["customer:angry", "situation:wrong-item"]
difficulty = 2
pass_mark = 70
context = "店铺:青柚针织。"
model_answer = \"\"\"亲,真抱歉,马上给您补发。\"\"\"

[[turns]]
role = "buyer"
text = "颜色发错了!"

[[criteria]]
key = "apology"
kind = "covers"
label = "致歉"
weight = 2
concepts = ["apology"]
feedback = "先道歉。"

[[criteria]]
key = "fix"
kind = "covers"
label = "补发"
weight = 3
concepts = ["reship"]
phrases = ["再寄一件"]
mode = "all"
feedback = "说清补发。"
praise = "方案清楚。"

[[criteria]]
key = "no-refusal"
kind = "avoids"
label = "不生硬拒绝"
weight = 2
concepts = ["blunt_refusal"]
auto_fail = true
feedback = "别说不行。"

[[criteria]]
key = "length"
kind = "form"
label = "篇幅"
weight = 1
check = "length"
min = 10
max = 200
feedback = "写清楚。"
"""

QUESTIONS = """\
[[questions]]
slug = "first-reply"
kind = "single"
module = "presales-flow"
tags = ["situation:greeting"]
prompt = "买家问“在吗”,先做什么?"
choices = ["不回", "先回应在线再解答", "发广告"]
answer = [1]
explanation = "先回应。"
lesson = "five-steps-and-greeting"

[[questions]]
slug = "good-habits"
kind = "multiple"
module = "presales-flow"
tags = ["situation:greeting"]
prompt = "哪些是好习惯?"
choices = ["及时回应", "核对地址", "催促付款十次"]
answer = [0, 1]
explanation = "前两项。"
lesson = "five-steps-and-greeting"

[[questions]]
slug = "greeting-is-optional"
kind = "truefalse"
module = "presales-flow"
tags = ["situation:greeting"]
prompt = "问候可有可无。"
answer = false
explanation = "问候很重要。"
lesson = "five-steps-and-greeting"
"""


def make_bank(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    """A small valid bank under tmp_path/quizzes/content, with `files` written over or next to it."""
    root = tmp_path / "quizzes" / "content"
    written = {
        "concepts/core.toml": CONCEPTS,
        "scenarios/logistics-aftersales/wrong-colour-cardigan.toml": SCENARIO,
        "questions/presales-flow.toml": QUESTIONS,
        **(files or {}),
    }
    for name, text in written.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


LESSONS = {"five-steps-and-greeting": "presales-flow", "wrong-item-sent": "logistics-aftersales"}


def parse(root: Path):
    return parse_bank(root, module_slugs=MODULES, tags=TAGS, lessons=LESSONS)


def errors_of(root: Path) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        parse(root)
    return [str(error) for error in info.value.errors]


def line_of(text: str, needle: str, occurrence: int = 0) -> int:
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[occurrence]


def test_a_valid_bank_parses_into_every_field(tmp_path):
    bank = parse(make_bank(tmp_path))
    assert set(bank.concepts) == {"apology", "reship", "blunt_refusal"}
    assert bank.concepts["blunt_refusal"].negatable is False
    assert bank.concepts["reship"].path == "quizzes/content/concepts/core.toml"
    [scenario] = bank.scenarios
    assert (scenario.slug, scenario.module, scenario.pass_mark, scenario.difficulty) == (
        "wrong-colour-cardigan", "logistics-aftersales", 70, 2)
    assert scenario.path == "quizzes/content/scenarios/logistics-aftersales/wrong-colour-cardigan.toml"
    assert scenario.turns[-1].role == "buyer" and scenario.buyer_text == "颜色发错了!"
    fix = scenario.criteria[1]
    assert (fix.concepts, fix.phrases, fix.mode, fix.praise) == (("reship",), ("再寄一件",), "all", "方案清楚。")
    length = scenario.criteria[3]
    assert (length.check, length.min, length.max) == ("length", 10, 200)
    assert scenario.rubric.pass_mark == 70 and len(scenario.rubric.criteria) == 4
    assert [(q.kind, q.answer) for q in bank.questions] == [("single", (1,)), ("multiple", (0, 1)), ("truefalse", False)]
    assert bank.questions[2].choices == ()


def test_the_parsed_bank_scores_with_the_engine(tmp_path):
    from quizzes.scoring import score_reply

    bank = parse(make_bank(tmp_path))
    scenario = bank.scenarios[0]
    result = score_reply(scenario.model_answer, scenario.rubric, bank.lexicon(), buyer_text=scenario.buyer_text)
    assert result.total > 0


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


SCENARIO_PATH = "scenarios/logistics-aftersales/wrong-colour-cardigan.toml"
SHOWN = "quizzes/content/" + SCENARIO_PATH

BROKEN = [
    # (case, files to write, expected "path:line: [field]" start, words in the message)
    ("toml syntax", {SCENARIO_PATH: replace(SCENARIO, 'difficulty = 2', 'difficulty = ')},
     f"{SHOWN}:5: [toml]", "TOML"),
    ("missing field", {SCENARIO_PATH: replace(SCENARIO, 'title = "开衫颜色发错了"\n', '')},
     f"{SHOWN}:1: [title]", "缺少"),
    ("pass mark out of range", {SCENARIO_PATH: replace(SCENARIO, "pass_mark = 70", "pass_mark = 95")},
     f"{SHOWN}:{line_of(SCENARIO, 'pass_mark')}: [pass_mark]", "50–90"),
    ("weight out of range", {SCENARIO_PATH: replace(SCENARIO, "weight = 3", "weight = 9")},
     f"{SHOWN}:{line_of(SCENARIO, 'weight = 3')}: [criteria[1].weight]", "1–5"),
    ("unknown concept", {SCENARIO_PATH: replace(SCENARIO, 'concepts = ["reship"]', 'concepts = ["reship", "teleport"]')},
     f"{SHOWN}:{line_of(SCENARIO, 'concepts = [\"reship\"]')}: [criteria[1].concepts]", "teleport"),
    ("unknown module", {SCENARIO_PATH: replace(SCENARIO, 'module = "logistics-aftersales"', 'module = "space-travel"')},
     f"{SHOWN}:3: [module]", "space-travel"),
    ("unknown tag", {SCENARIO_PATH: replace(SCENARIO, '"customer:angry"', '"customer:alien"')},
     f"{SHOWN}:4: [tags]", "customer:alien"),
    ("tags need a customer and a situation", {SCENARIO_PATH: replace(SCENARIO, '"customer:angry", ', '')},
     f"{SHOWN}:4: [tags]", "customer:"),
    ("last turn is the agent's", {SCENARIO_PATH: replace(SCENARIO, 'role = "buyer"', 'role = "agent"')},
     f"{SHOWN}:{line_of(SCENARIO, 'role =')}: [turns[0].role]", "买家"),
    ("too few criteria", {SCENARIO_PATH: SCENARIO[: SCENARIO.index("[[criteria]]\nkey = \"length\"")]},
     f"{SHOWN}:1: [criteria]", "4–8"),
    ("unknown field", {SCENARIO_PATH: replace(SCENARIO, 'feedback = "先道歉。"', 'feeback = "先道歉。"')},
     f"{SHOWN}:{line_of(SCENARIO, 'feedback = \"先道歉。\"')}: [criteria[0].feeback]", "未知字段"),
    ("form field on a covers criterion", {SCENARIO_PATH: replace(SCENARIO, 'feedback = "先道歉。"', 'feedback = "先道歉。"\nmax = 3')},
     f"{SHOWN}:{line_of(SCENARIO, 'feedback = \"先道歉。\"') + 1}: [criteria[0].max]", "covers"),
    ("length check without bounds", {SCENARIO_PATH: replace(replace(SCENARIO, "min = 10\n", ""), "max = 200\n", "")},
     f"{SHOWN}:{line_of(SCENARIO, '[[criteria]]', 3)}: [criteria[3].min]", "min 或 max"),
    ("duplicate criterion key", {SCENARIO_PATH: replace(SCENARIO, 'key = "fix"', 'key = "apology"')},
     f"{SHOWN}:{line_of(SCENARIO, 'key = \"fix\"')}: [criteria[1].key]", "重复"),
    ("slug differs from the file name", {SCENARIO_PATH: replace(SCENARIO, 'slug = "wrong-colour-cardigan"', 'slug = "other"')},
     f"{SHOWN}:1: [slug]", "other.toml"),
    ("phrase with a dangling gap", {"concepts/core.toml": replace(CONCEPTS, '"重新*发"', '"重新*"')},
     f"quizzes/content/concepts/core.toml:{line_of(CONCEPTS, '重新')}: [reship.phrases]", "*"),
    ("concept without label", {"concepts/core.toml": replace(CONCEPTS, 'label = "补发"\n', '')},
     f"quizzes/content/concepts/core.toml:{line_of(CONCEPTS, '[reship]')}: [reship.label]", "缺少"),
    ("single with two answers", {"questions/presales-flow.toml": replace(QUESTIONS, "answer = [1]", "answer = [1, 2]")},
     f"quizzes/content/questions/presales-flow.toml:{line_of(QUESTIONS, 'answer = [1]')}: [questions[0].answer]", "恰好一个"),
    ("multiple with one answer", {"questions/presales-flow.toml": replace(QUESTIONS, "answer = [0, 1]", "answer = [0]")},
     f"quizzes/content/questions/presales-flow.toml:{line_of(QUESTIONS, 'answer = [0, 1]')}: [questions[1].answer]", "至少两个"),
    ("answer index out of range", {"questions/presales-flow.toml": replace(QUESTIONS, "answer = [1]", "answer = [3]")},
     f"quizzes/content/questions/presales-flow.toml:{line_of(QUESTIONS, 'answer = [1]')}: [questions[0].answer]", "0–2"),
    ("true/false with choices", {"questions/presales-flow.toml": replace(QUESTIONS, "answer = false", 'choices = ["对", "错", "不知道"]\nanswer = false')},
     f"quizzes/content/questions/presales-flow.toml:{line_of(QUESTIONS, 'answer = false')}: [questions[2].choices]", "判断题"),
    ("true/false answer not a boolean", {"questions/presales-flow.toml": replace(QUESTIONS, "answer = false", "answer = [0]")},
     f"quizzes/content/questions/presales-flow.toml:{line_of(QUESTIONS, 'answer = false')}: [questions[2].answer]", "true 或 false"),
    ("question in the wrong module file", {"questions/presales-flow.toml": replace(QUESTIONS, 'module = "presales-flow"', 'module = "logistics-aftersales"')},
     f"quizzes/content/questions/presales-flow.toml:{line_of(QUESTIONS, 'module =')}: [questions[0].module]", "presales-flow"),
    ("question without a lesson", {"questions/presales-flow.toml": QUESTIONS.replace('lesson = "five-steps-and-greeting"\n', "", 1)},
     "quizzes/content/questions/presales-flow.toml:1: [questions[0].lesson]", "缺少必填字段"),
    ("question citing an unknown lesson", {"questions/presales-flow.toml": replace(QUESTIONS, 'lesson = "five-steps-and-greeting"', 'lesson = "no-such-lesson"')},
     f"quizzes/content/questions/presales-flow.toml:{line_of(QUESTIONS, 'lesson =')}: [questions[0].lesson]", "未知课时"),
    ("question citing another module's lesson", {"questions/presales-flow.toml": replace(QUESTIONS, 'lesson = "five-steps-and-greeting"', 'lesson = "wrong-item-sent"')},
     f"quizzes/content/questions/presales-flow.toml:{line_of(QUESTIONS, 'lesson =')}: [questions[0].lesson]", "logistics-aftersales"),
]


@pytest.mark.parametrize(("case", "files", "where", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_problems_name_file_field_and_line(tmp_path, case, files, where, words):
    errors = errors_of(make_bank(tmp_path, files))
    matching = [error for error in errors if error.startswith(where)]
    assert matching, errors
    assert any(words in error for error in matching), matching


def test_duplicate_slugs_across_files_are_reported_on_the_second(tmp_path):
    copy = replace(SCENARIO, 'module = "logistics-aftersales"', 'module = "presales-flow"')
    errors = errors_of(make_bank(tmp_path, {"scenarios/presales-flow/wrong-colour-cardigan.toml": copy}))
    assert [e for e in errors if "[slug]" in e] == [
        "quizzes/content/scenarios/presales-flow/wrong-colour-cardigan.toml:1: [slug] "
        "情景标识 'wrong-colour-cardigan' 已在 quizzes/content/scenarios/logistics-aftersales/wrong-colour-cardigan.toml 使用"
    ]


def test_duplicate_concept_keys_across_files(tmp_path):
    errors = errors_of(make_bank(tmp_path, {"concepts/more.toml": '[apology]\nlabel = "又一个"\nphrases = ["抱歉啦"]\n'}))
    assert errors == ["quizzes/content/concepts/more.toml:1: [apology.key] 概念 'apology' 已在 quizzes/content/concepts/core.toml 定义"]


def test_duplicate_question_slugs_across_files(tmp_path):
    other = replace(QUESTIONS, 'module = "presales-flow"', 'module = "logistics-aftersales"').replace(
        'module = "presales-flow"', 'module = "logistics-aftersales"').replace('five-steps-and-greeting', 'wrong-item-sent')
    errors = errors_of(make_bank(tmp_path, {"questions/logistics-aftersales.toml": other}))
    assert len([e for e in errors if "题目标识" in e]) == 3
    assert all(e.startswith("quizzes/content/questions/presales-flow.toml") for e in errors)


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    errors = errors_of(make_bank(tmp_path, {
        SCENARIO_PATH: replace(replace(SCENARIO, "pass_mark = 70", "pass_mark = 10"), "weight = 2", "weight = 0"),
        "questions/presales-flow.toml": replace(QUESTIONS, "answer = [1]", "answer = [7]"),
    }))
    assert len(errors) == 3
    assert {error.split(": ")[1].split(" ")[0] for error in errors} == {
        "[pass_mark]", "[criteria[0].weight]", "[questions[0].answer]"}


def test_nothing_is_returned_when_any_file_is_invalid(tmp_path):
    broken_question = replace(QUESTIONS, "answer = [1]", "answer = [9]")
    root = make_bank(tmp_path, {"questions/presales-flow.toml": broken_question})
    with pytest.raises(ContentErrors):
        parse(root)  # the scenario and concepts are fine, but no half-bank comes back


def vocabulary() -> tuple[set[str], set[str]]:
    data = tomllib.loads((ROOT / "courses/content/tags.toml").read_text(encoding="utf-8"))
    tags = {f"{kind}:{key}" for kind in ("customer", "situation") for key in data[kind]}
    modules = {tomllib.loads(p.read_text(encoding="utf-8"))["slug"] for p in ROOT.glob("courses/content/*/??-*/_module.toml")}
    return modules, tags


def test_the_shipped_bank_is_valid():
    from courses.lesson_files import parse_curriculum

    modules, tags = vocabulary()
    curriculum = parse_curriculum(ROOT / "courses/content")
    lessons = {l.slug: m.slug for c in curriculum.courses for m in c.modules for l in m.lessons}
    bank = parse_bank(ROOT / "quizzes/content", module_slugs=modules, tags=tags, lessons=lessons)
    assert all(question.lesson in lessons for question in bank.questions)
    core = tomllib.loads((ROOT / "quizzes/content/concepts/core.toml").read_text(encoding="utf-8"))
    assert set(core) <= set(bank.concepts)
    assert all(6 <= len(bank.concepts[key].phrases) <= 25 for key in core)
