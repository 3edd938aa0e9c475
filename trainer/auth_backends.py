"""Sign-in by username and password (Django's ModelBackend), plus the permissions a role carries.

Other apps ask `user.has_perm("quizzes.review_answer")` (Django's permission API) instead of reading
trainer's role fields: the role decides here, in the app that owns roles. Role permissions are not rows
in auth_permission, so granting them needs no groups to be kept in step with the roles.
"""
from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

# Supervisors and platform admins read every answer of the people they may see, exams still open included.
ROLE_PERMISSIONS = frozenset({"quizzes.review_answer"})


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if perm in ROLE_PERMISSIONS:
            if user_obj.is_active and user_obj.can_supervise:
                return True
            # Decided: no other backend (nor a stray row in auth_permission) may grant a role's permission,
            # and no permission query runs for a trainee's page.
            raise PermissionDenied
        return super().has_perm(user_obj, perm, obj)
