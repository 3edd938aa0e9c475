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
