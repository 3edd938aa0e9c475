from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Notification, Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "role", "team", "hire_date", "is_active")
    list_filter = ("role", "team", "is_active")
    search_fields = ("username", "display_name")
    fieldsets = DjangoUserAdmin.fieldsets + ((_("培训信息"), {"fields": ("role", "display_name", "team", "hire_date")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("培训信息"), {"fields": ("role", "display_name", "team", "hire_date")}),)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    filter_horizontal = ("supervisors",)
    search_fields = ("name",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "message", "created_at", "read_at")
    raw_id_fields = ("user",)


from .models import CertificationAttempt, CertificationExam, CertificationRound, OnboardingPath, PathAssignment, PathStep


class PathStepInline(admin.TabularInline):
    model = PathStep
    extra = 0
    raw_id_fields = ("lesson", "module", "exam")


@admin.register(OnboardingPath)
class OnboardingPathAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    inlines = [PathStepInline]


@admin.register(PathAssignment)
class PathAssignmentAdmin(admin.ModelAdmin):
    list_display = ("trainee", "path", "assigned_at", "assigned_by")
    raw_id_fields = ("trainee", "assigned_by")


@admin.register(CertificationExam)
class CertificationExamAdmin(admin.ModelAdmin):
    list_display = ("name", "scenario_count", "question_count", "time_limit_minutes", "pass_mark", "validity_days")


@admin.register(CertificationRound)
class CertificationRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "exam", "opens_on", "closes_on")
    list_filter = ("team", "exam")


@admin.register(CertificationAttempt)
class CertificationAttemptAdmin(admin.ModelAdmin):
    list_display = ("trainee", "exam", "round", "verification_code")
    raw_id_fields = ("attempt", "trainee")
    search_fields = ("verification_code", "trainee__username")
