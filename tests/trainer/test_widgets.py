"""truncate_chars gives what Django's truncatechars filter gives."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", ["", "短", "亲" * 59, "亲" * 60, "亲" * 61, "a" * 200, "亲,您好~" * 20])
def test_truncate_chars_matches_the_truncatechars_filter(text):
    from django.template.defaultfilters import truncatechars

    from trainer.templatetags.review_tags import truncate_chars

    from django.utils import translation

    for language in ("zh-hans", "en"):
        with translation.override(language):
            for length in (14, 60):
                assert truncate_chars(text, length) == truncatechars(text, length)
