"""One-time sign-in links for new hires, on Django's password-reset token machinery.

A token hashes the user's password hash and last login, so it stops working the moment it is used
(signing in sets last_login) or a password is set; it also expires after PASSWORD_RESET_TIMEOUT.
"""
from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class SignInTokenGenerator(PasswordResetTokenGenerator):
    # Its own salt: a sign-in link is not a password-reset link and vice versa.
    key_salt = "trainer.people.tokens.SignInTokenGenerator"


sign_in_tokens = SignInTokenGenerator()


def sign_in_path(user) -> str:
    """The site-relative one-time sign-in link of a user (valid until used or expired)."""
    return reverse("trainer:sign_in_link", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": sign_in_tokens.make_token(user)})
