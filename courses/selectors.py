"""Reads for the curriculum, with completion figures for one user."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from .models import Course, Lesson, LessonCompletion, Module, Tag


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    lessons_total: int
    lessons_done: int

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0


def completed_lesson_ids(*, user) -> set[int]:
    """Ids of the lessons a user has completed."""
    if not user.is_authenticated:
        return set()
    return set(LessonCompletion.objects.filter(user=user).values_list("lesson_id", flat=True))


def course_overview(*, user) -> list[tuple[Course, list[ModuleProgress]]]:
    """Every course with its modules and the user's completion per module (two queries)."""
    done = completed_lesson_ids(user=user)
    modules = Module.objects.select_related("course").annotate(n=Count("lessons")).prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.only("id", "module_id"))
    ).order_by("course__title", "order")
    by_course: dict[int, tuple[Course, list[ModuleProgress]]] = {}
    for module in modules:
        ids = {lesson.id for lesson in module.lessons.all()}
        entry = by_course.setdefault(module.course_id, (module.course, []))
        entry[1].append(ModuleProgress(module=module, lessons_total=module.n, lessons_done=len(ids & done)))
    return list(by_course.values())


def modules_in_order() -> QuerySet[Module]:
    """Every module in course order (filter bars list them)."""
    return Module.objects.order_by("order")


def tags_of_kind(*, kind: str) -> QuerySet[Tag]:
    """The tags of one kind (customer types or situations), for filter bars."""
    return Tag.objects.filter(kind=kind)


def access_module_by_slug(*, slug: str) -> Module:
    try:
        return Module.objects.select_related("course").get(slug=slug)
    except Module.DoesNotExist:
        raise Http404


def module_lessons(*, module: Module) -> QuerySet[Lesson]:
    return module.lessons.order_by("order").prefetch_related("tags")


def access_lesson_by_slug(*, slug: str) -> Lesson:
    try:
        return Lesson.objects.select_related("module", "module__course").prefetch_related("tags").get(slug=slug)
    except Lesson.DoesNotExist:
        raise Http404


def lesson_neighbours(*, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    """Previous and next lesson across the whole course, in module then lesson order."""
    ordered = list(
        Lesson.objects.filter(module__course_id=lesson.module.course_id)
        .order_by("module__order", "order").only("id", "slug", "title")
    )
    index = next(i for i, item in enumerate(ordered) if item.id == lesson.id)
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # the converter the scorer uses (quizzes/scoring/text.py), with the same table

    return opencc.OpenCC("t2s")


def search_form(query: str) -> str:
    """A query folded the way the scorer folds replies: traditional to simplified (OpenCC t2s), full width to
    half width (NFKC), lower case, outer white space gone. Content is written simplified, so 退貨 finds 退货."""
    folded = unicodedata.normalize("NFKC", query).strip().lower()
    return _t2s().convert(folded) if folded and not folded.isascii() else folded


def lessons_search(*, query: str, limit: int = 50) -> QuerySet[Lesson]:
    """Lessons whose title, goals or text contain the query as a substring (works for Chinese)."""
    query = search_form(query)
    if not query:
        return Lesson.objects.none()
    return (
        Lesson.objects.filter(Q(title__icontains=query) | Q(body_text__icontains=query))
        .select_related("module").order_by("module__order", "order")[:limit]
    )


def search_snippet(text: str, query: str, width: int = 40) -> tuple[str, str, str]:
    """(before, match, after) around the first occurrence, for highlighting without |safe."""
    query = search_form(query)
    position = text.lower().find(query)
    if position < 0:
        return text[: width * 2], "", ""
    start = max(0, position - width)
    end = position + len(query)
    return ("…" if start else "") + text[start:position], text[position:end], text[end:end + width] + "…"
