"""Writes for the curriculum: loading content files, completing lessons."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from . import clock
from .lesson_files import Curriculum, parse_curriculum
from .models import Course, Lesson, LessonCompletion, Module, Tag
from .rendering import markdown_plain_text, render_lesson_markdown


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: list[str] = field(default_factory=list)  # lessons in the database but no longer in the files
    pruned: int = 0


def tags_sync(*, tags: dict[str, str]) -> dict[str, Tag]:
    """Make the Tag table match the vocabulary (labels updated in place); returns code → Tag."""
    existing = {t.code: t for t in Tag.objects.all()}
    for code, label in tags.items():
        kind, key = code.split(":", 1)
        tag = existing.get(code)
        if tag is None:
            existing[code] = Tag.objects.create(kind=kind, key=key, label=label)
        elif tag.label != label:
            tag.label = label
            tag.save(update_fields=["label"])
    return existing


def lesson_render(*, lesson: Lesson) -> None:
    """Refresh the stored HTML and search text from the Markdown (used by the loader and admin)."""
    lesson.body_html = render_lesson_markdown(lesson.body_markdown)
    lesson.body_text = markdown_plain_text(lesson.body_markdown)


@transaction.atomic
def curriculum_apply(*, curriculum: Curriculum, prune: bool = False) -> LoadReport:
    """Upsert courses, modules and lessons by slug; completions are kept because lessons keep their rows."""
    report = LoadReport()
    tags = tags_sync(tags=curriculum.tags)
    seen_lessons: set[str] = set()
    for course_file in curriculum.courses:
        course, _ = Course.objects.update_or_create(
            slug=course_file.slug, defaults={"title": course_file.title, "summary": course_file.summary}
        )
        for module_file in course_file.modules:
            module, _ = Module.objects.update_or_create(
                slug=module_file.slug,
                defaults={"course": course, "title": module_file.title, "summary": module_file.summary,
                          "order": module_file.order},
            )
            for lesson_file in module_file.lessons:
                seen_lessons.add(lesson_file.slug)
                values = {
                    "module": module, "title": lesson_file.title, "order": lesson_file.order,
                    "minutes": lesson_file.minutes, "goals": list(lesson_file.goals),
                    "body_markdown": lesson_file.body, "source_path": lesson_file.path,
                }
                lesson = Lesson.objects.filter(slug=lesson_file.slug).first()
                wanted_tags = sorted(tags[t].pk for t in lesson_file.tags)
                if lesson is None:
                    lesson = Lesson(slug=lesson_file.slug, **values)
                    lesson_render(lesson=lesson)
                    lesson.save()
                    lesson.tags.set(wanted_tags)
                    report.created += 1
                    continue
                changed = any(getattr(lesson, k) != v for k, v in values.items())
                if changed:
                    for k, v in values.items():
                        setattr(lesson, k, v)
                    lesson_render(lesson=lesson)
                    lesson.save()
                if sorted(lesson.tags.values_list("pk", flat=True)) != wanted_tags:
                    lesson.tags.set(wanted_tags)
                    changed = True
                report.updated += changed
                report.unchanged += not changed
    stale = Lesson.objects.exclude(slug__in=seen_lessons)
    report.stale = list(stale.values_list("slug", flat=True))
    if prune and report.stale:
        report.pruned, _ = stale.delete()
    return report


def curriculum_load(*, root: Path, prune: bool = False) -> LoadReport:
    """Validate every file under `root` first (raises ContentErrors), then load in one transaction."""
    return curriculum_apply(curriculum=parse_curriculum(root), prune=prune)


def lesson_complete(*, user, lesson: Lesson) -> LessonCompletion:
    """Mark a lesson done for a user; doing it twice keeps the first time."""
    completion, _ = LessonCompletion.objects.get_or_create(
        user=user, lesson=lesson, defaults={"completed_at": clock.now()}
    )
    return completion


def lesson_uncomplete(*, user, lesson: Lesson) -> None:
    """Undo a completion (a trainee who clicked by mistake)."""
    LessonCompletion.objects.filter(user=user, lesson=lesson).delete()
