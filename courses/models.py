"""Curriculum: courses, modules, lessons, the tag vocabulary, and lesson completion."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    """A customer type or a situation; lessons, scenarios and questions share these."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("顾客类型")
        SITUATION = "situation", _("情境")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    key = models.SlugField(_("标识"), max_length=40)
    label = models.CharField(_("名称"), max_length=40)

    class Meta:
        ordering = ["kind", "key"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="tag_kind_key_unique")]
        verbose_name = _("标签")
        verbose_name_plural = _("标签")

    def __str__(self) -> str:
        return self.label

    @property
    def code(self) -> str:
        return f"{self.kind}:{self.key}"


class Course(models.Model):
    slug = models.SlugField(_("标识"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    summary = models.TextField(_("简介"), blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules", verbose_name=_("课程"))
    slug = models.SlugField(_("标识"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    summary = models.TextField(_("简介"), blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["course", "order"]
        verbose_name = _("模块")
        verbose_name_plural = _("模块")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:module", args=[self.slug])


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("模块"))
    slug = models.SlugField(_("标识"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    minutes = models.PositiveSmallIntegerField(_("预计分钟"), default=5)
    goals = models.JSONField(_("学习目标"), default=list)
    body_markdown = models.TextField(_("正文(Markdown)"))
    # Rendered and sanitised once when the text changes, not on every page view.
    body_html = models.TextField(_("正文(HTML)"), editable=False, default="")
    # Plain text for substring search (Chinese has no word boundaries for a word index).
    body_text = models.TextField(editable=False, default="", verbose_name=_("正文纯文本"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="lessons", verbose_name=_("标签"))
    source_path = models.CharField(_("来源文件"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["module__order", "order"]
        verbose_name = _("课时")
        verbose_name_plural = _("课时")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:lesson", args=[self.slug])


class LessonCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions", verbose_name=_("用户"))
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions", verbose_name=_("课时"))
    completed_at = models.DateTimeField(_("完成时间"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lesson_completion_once")]
        verbose_name = _("课时完成记录")
        verbose_name_plural = _("课时完成记录")
