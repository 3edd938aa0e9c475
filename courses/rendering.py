"""Lesson Markdown → safe HTML: tables, admonitions, chat transcripts; nh3 allow-list last.

Everything an author writes goes through nh3 after Markdown, so a lesson that contains
`<script>`, `onerror=` or a `javascript:` link renders inert whatever the Markdown did with it.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

SPEAKERS = {
    "买家": "buyer",
    "顾客": "buyer",
    "客服": "agent",
    "备注": "note",
}
SPEAKER_LINE = re.compile(r"^\s*(买家|顾客|客服|备注)\s*[::]\s*(.*)$")
FENCE_OPEN = re.compile(r"^\s*```\s*chat\s*$")
FENCE_CLOSE = re.compile(r"^\s*```\s*$")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h2", "h3", "h4", "hr", "i", "li",
    "mark", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul", "del",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class"},
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
}


def parse_chat(lines: list[str]) -> list[tuple[str, str, str]]:
    """Turns of a chat block as (role, speaker label, text); unlabelled lines continue a turn."""
    turns: list[list[str]] = []
    for line in lines:
        match = SPEAKER_LINE.match(line)
        if match:
            label, text = match.group(1), match.group(2).strip()
            turns.append([SPEAKERS[label], label, text])
        elif line.strip() and turns:
            turns[-1][2] += "\n" + line.strip()
        elif line.strip():
            turns.append(["note", "", line.strip()])
    return [(role, label, text) for role, label, text in turns]


def chat_html(turns: list[tuple[str, str, str]]) -> str:
    """Chat bubbles: buyer on the left, agent on the right, notes beneath."""
    parts = ['<div class="chat">']
    for role, label, text in turns:
        body = html.escape(text)
        if role == "note":
            parts.append(f'<p class="chat-note">{body}</p>')
        else:
            parts.append(
                f'<div class="chat-turn chat-{role}"><span class="chat-speaker">{html.escape(label)}</span>'
                f'<div class="bubble">{body}</div></div>'
            )
    parts.append("</div>")
    return "".join(parts)


class ChatPreprocessor(Preprocessor):
    """Replaces ```chat fences with stashed bubble HTML before Markdown parses the page."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None and FENCE_OPEN.match(line):
                block = []
            elif block is not None and FENCE_CLOSE.match(line):
                out.extend(["", self.md.htmlStash.store(chat_html(parse_chat(block))), ""])
                block = None
            elif block is not None:
                block.append(line)
            else:
                out.append(line)
        if block is not None:  # an unclosed fence still renders, rather than swallowing the page
            out.extend(["", self.md.htmlStash.store(chat_html(parse_chat(block))), ""])
        return out


class ChatExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.register(ChatPreprocessor(md), "chat_transcript", 27)


@lru_cache(maxsize=256)  # pure function of the text; the loader re-renders unchanged lessons in tests
def render_lesson_markdown(text: str) -> str:
    """Markdown with tables, admonitions and chat blocks, sanitised by an nh3 allow-list."""
    raw = markdown.markdown(
        text,
        extensions=["tables", "admonition", "sane_lists", ChatExtension()],
        output_format="html",
    )
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def markdown_plain_text(text: str) -> str:
    """Text of a lesson without markup, for substring search."""
    stripped = nh3.clean(render_lesson_markdown(text), tags=set())
    return html.unescape(re.sub(r"\s+", " ", stripped)).strip()
