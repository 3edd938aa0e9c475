"""Keeps OnboardingPath.steps_version honest: any saved or deleted row that a path step shows (the
step itself, its lesson, module or exam) renews the stamp, so cached steps are reread everywhere.

Content changes are rare (load commands, the admin); progress pages are read all day. Bulk writes
send no signals: onboarding_load, the one that uses them, renews the stamp itself.
"""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _steps_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the rows arrive as they were, stamps included
        return
    from .services import path_steps_changed

    path_steps_changed()


def connect() -> None:
    from courses.models import Lesson, Module

    from .models import CertificationExam, PathStep

    for model in (PathStep, Lesson, Module, CertificationExam):
        post_save.connect(_steps_changed, sender=model, dispatch_uid=f"steps-changed-save-{model.__name__}")
        post_delete.connect(_steps_changed, sender=model, dispatch_uid=f"steps-changed-delete-{model.__name__}")
