from django.contrib import admin

from .models import (
    Answer, Attempt, Question, Review, ReviewComment, ReviewResponse, RubricVersion, Scenario, ScoreRecord,
)


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("title", "module", "difficulty", "pass_mark", "is_active")
    list_filter = ("module", "is_active", "tags")
    search_fields = ("title", "slug", "context")
    readonly_fields = ("rubric",)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("prompt", "kind", "module", "is_active")
    list_filter = ("kind", "module", "is_active")
    search_fields = ("prompt", "slug")


@admin.register(RubricVersion)
class RubricVersionAdmin(admin.ModelAdmin):
    list_display = ("content_hash", "created_at")
    readonly_fields = ("content_hash", "snapshot", "created_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # versions are immutable: answers were scored with exactly this content


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("position", "scenario", "question", "auto_total", "final_total", "needs_review")
    readonly_fields = fields
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("user", "mode", "module", "status", "total", "passed", "started_at")
    list_filter = ("mode", "status")
    raw_id_fields = ("user",)
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("user", "scenario", "question", "auto_total", "final_total", "needs_review", "submitted_at")
    list_filter = ("needs_review",)
    raw_id_fields = ("user", "attempt", "scenario", "question", "rubric")


class ReviewCommentInline(admin.TabularInline):
    model = ReviewComment
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("answer", "reviewer", "auto_total", "final_total", "created_at")
    raw_id_fields = ("answer", "reviewer", "rubric")
    inlines = [ReviewCommentInline]


@admin.register(ReviewResponse)
class ReviewResponseAdmin(admin.ModelAdmin):
    list_display = ("review", "trainee", "kind", "created_at", "assigned_to", "outcome", "resolved_by", "resolved_at")
    list_filter = ("kind", "outcome")
    raw_id_fields = ("review", "trainee", "assigned_to", "resolved_by", "resolution_review")


@admin.register(ScoreRecord)
class ScoreRecordAdmin(admin.ModelAdmin):
    list_display = ("answer", "total", "passed", "engine_version", "created_at")
    raw_id_fields = ("answer", "rubric")
