"""Writes for the question bank: loading the bank files, rubric versions."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from courses.models import Lesson, Module, Tag

from ..bank_files import Bank, parse_bank
from ..models import Question, RubricVersion, Scenario
from ..scoring import rubric_hash, rubric_snapshot


@dataclass
class BankReport:
    scenarios_created: int = 0
    scenarios_updated: int = 0
    questions_created: int = 0
    questions_updated: int = 0
    rubric_versions_created: int = 0
    retired: int = 0


def rubric_version_for(*, snapshot: dict) -> tuple[RubricVersion, bool]:
    """The stored version with this content, created on first sight (versions are never edited)."""
    return RubricVersion.objects.get_or_create(content_hash=rubric_hash(snapshot), defaults={"snapshot": snapshot})


def _upsert(model, slug: str, values: dict) -> tuple[object, bool, bool]:
    """(object, created, changed) for a slug-keyed row, saving only when something differs."""
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        return model.objects.create(slug=slug, **values), True, True
    changed = any(getattr(obj, k) != v for k, v in values.items())
    if changed:
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
    return obj, False, changed


def _set_tags(obj, codes: tuple[str, ...], tags: dict[str, Tag]) -> bool:
    wanted = sorted(tags[c].pk for c in codes)
    if sorted(obj.tags.values_list("pk", flat=True)) != wanted:
        obj.tags.set(wanted)
        return True
    return False


@transaction.atomic
def bank_apply(*, bank: Bank) -> BankReport:
    """Upsert scenarios (with their rubric snapshot) and questions by slug; retire what left the files.

    Retired items stay in the database (answers point at them) but are no longer offered.
    """
    report = BankReport()
    lexicon = bank.lexicon()
    modules = {m.slug: m for m in Module.objects.all()}
    tags = {t.code: t for t in Tag.objects.all()}
    for item in bank.scenarios:
        rubric, new_version = rubric_version_for(snapshot=rubric_snapshot(item.rubric, lexicon))
        report.rubric_versions_created += new_version
        scenario, created, changed = _upsert(Scenario, item.slug, {
            "title": item.title, "module": modules[item.module], "difficulty": item.difficulty,
            "pass_mark": item.pass_mark, "context": item.context, "model_answer": item.model_answer,
            "turns": [{"role": t.role, "text": t.text} for t in item.turns], "rubric": rubric,
            "source_path": item.path, "is_active": True, "certification_only": item.certification_only,
        })
        changed = _set_tags(scenario, item.tags, tags) or changed
        report.scenarios_created += created
        report.scenarios_updated += changed and not created
    for item in bank.questions:
        answer = ([0] if item.answer else [1]) if isinstance(item.answer, bool) else sorted(item.answer)
        question, created, changed = _upsert(Question, item.slug, {
            "kind": item.kind, "module": modules[item.module], "prompt": item.prompt,
            "choices": list(item.choices), "answer": answer, "explanation": item.explanation,
            "source_path": item.path, "is_active": True, "certification_only": item.certification_only,
        })
        changed = _set_tags(question, item.tags, tags) or changed
        report.questions_created += created
        report.questions_updated += changed and not created
    report.retired += Scenario.objects.filter(is_active=True).exclude(
        slug__in=[s.slug for s in bank.scenarios]).update(is_active=False)
    report.retired += Question.objects.filter(is_active=True).exclude(
        slug__in=[q.slug for q in bank.questions]).update(is_active=False)
    return report


def bank_parse(*, root: Path) -> Bank:
    """Validate the bank files against the loaded curriculum's modules and tags (raises ContentErrors)."""
    return parse_bank(
        root, module_slugs=set(Module.objects.values_list("slug", flat=True)),
        tags={t.code for t in Tag.objects.all()},
        lessons=dict(Lesson.objects.values_list("slug", "module__slug")),
    )
