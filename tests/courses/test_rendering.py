"""Lesson rendering: tables, admonitions, chat bubbles; anything active is made inert."""
from __future__ import annotations

import pytest

from courses.rendering import markdown_plain_text, parse_chat, render_lesson_markdown


def test_chat_block_becomes_bubbles_with_roles():
    html = render_lesson_markdown("```chat\n买家: 在吗?\n客服: 亲,在的呢\n备注: 先回应\n```\n")
    assert '<div class="chat-turn chat-buyer">' in html
    assert '<div class="chat-turn chat-agent">' in html
    assert '<p class="chat-note">先回应</p>' in html


def test_chat_accepts_full_width_colon_and_continuation_lines():
    turns = parse_chat(["顾客:第一行", "第二行", "客服: 好的"])
    assert turns == [("buyer", "顾客", "第一行\n第二行"), ("agent", "客服", "好的")]


def test_chat_text_is_escaped():
    html = render_lesson_markdown("```chat\n买家: <img src=x onerror=alert(1)>\n```\n")
    assert "<img" not in html and "&lt;img" in html


def test_tables_and_admonitions_render():
    html = render_lesson_markdown('| a | b |\n|---|---|\n| 1 | 2 |\n\n!!! tip "这样做"\n    先回应\n')
    assert "<table>" in html and '<div class="admonition tip">' in html


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[点我](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<div onclick="alert(1)">x</div>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ('<p style="background:url(x)">x</p>', "style="),
    ],
)
def test_active_content_is_removed(source, forbidden):
    assert forbidden not in render_lesson_markdown(source).lower()


def test_plain_text_for_search_has_no_markup():
    text = markdown_plain_text("## 讲解\n**催付**要有分寸\n")
    assert text == "讲解 催付要有分寸"
