"""How long a reply took, from what the server saw and what the page reported (pure, no database).

The server records when it served the page with an item and when the reply arrived; those two are
the reply's response time. The page's own figures (first keystroke, submit) are advisory: anyone
can post `first_keystroke_ms=1`. They are kept, but they never make a reply look faster than the
server saw it: the response time is the server's, and the first keystroke is capped by it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ReplyTiming:
    reply_ms: int | None           # page served -> reply received (the server's), else the page's figure
    first_keystroke_ms: int | None  # the page's figure, never later than reply_ms
    chars_per_minute: int | None   # reply length over the time between first keystroke and reply
    from_server: bool              # reply_ms is the server's own measurement
    page_submit_ms: int | None     # what the page said, kept for comparison


def reply_timing(*, served_at: datetime | None, received_at: datetime | None, first_keystroke_ms: int | None,
                 submit_ms: int | None, chars: int) -> ReplyTiming:
    """The timing a result shows and exports: the server's response time whenever it has one."""
    server_ms = None
    if served_at is not None and received_at is not None:
        server_ms = max(0, round((received_at - served_at).total_seconds() * 1000))
    if server_ms is not None:
        reply_ms = server_ms
    elif received_at is None:  # stored before the server measured anything: only the page's figures exist
        reply_ms = submit_ms
    else:  # the server got a reply but never served its page: nothing it can vouch for
        reply_ms = None
    first = first_keystroke_ms if reply_ms is not None else None
    if first is not None:
        first = min(first, reply_ms)
    cpm = None
    if chars and first is not None and reply_ms is not None and reply_ms > first:
        cpm = round(chars / ((reply_ms - first) / 60000))
    return ReplyTiming(reply_ms=reply_ms, first_keystroke_ms=first, chars_per_minute=cpm,
                       from_server=server_ms is not None, page_submit_ms=submit_ms)
