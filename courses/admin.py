from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Course, Lesson, LessonCompletion, Module, Tag
from .services import lesson_render


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("label", "kind", "key")
    list_filter = ("kind",)


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ("order", "slug", "title")


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug")
    inlines = [ModuleInline]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "order", "slug")
    list_filter = ("course",)


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "module", "order", "minutes", "updated_at")
    list_filter = ("module", "tags")
    search_fields = ("title", "body_text")
    filter_horizontal = ("tags",)
    readonly_fields = ("rendered_preview", "source_path")
    fields = ("module", "slug", "title", "order", "minutes", "goals", "tags", "body_markdown", "rendered_preview",
              "source_path")

    @admin.display(description=_("渲染预览(已净化)"))
    def rendered_preview(self, obj: Lesson) -> str:
        if not obj.pk:
            return _("保存后显示预览。")
        return format_html('<div class="lesson-body">{}</div>', mark_safe(obj.body_html))  # body_html is nh3-clean

    def save_model(self, request, obj: Lesson, form, change) -> None:
        lesson_render(lesson=obj)
        super().save_model(request, obj, form, change)


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ("user", "lesson", "completed_at")
    list_filter = ("lesson__module",)
    raw_id_fields = ("user", "lesson")
