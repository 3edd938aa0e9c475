"""The Bootstrap Icons the interface uses: the SVG sprite holds these and nothing else.

`make assets` runs tools/build_icons.py, which reads this tuple (no Django needed) and writes
trainer/static/vendor/icons/icons.svg from the bootstrap-icons npm package. Templates draw them with
`{% icon "name" %}` (trainer/templatetags/icons.py); a name missing here is an error, and a test checks
that every name the templates and the navigation use is listed.
"""

ICONS = (
    "arrow-left", "arrow-repeat", "arrow-right", "award", "bar-chart", "bell", "book", "bullseye",
    "calendar-week", "chat-dots", "chat-square-quote", "check-circle-fill", "check-lg", "check2",
    "check2-all", "check2-circle", "check2-square", "circle", "clipboard-check", "clock", "clock-history", "dash-circle-fill", "dot",
    "exclamation-triangle", "file-earmark-excel", "flag", "flag-fill", "gear", "graph-up", "grid-3x3",
    "headset", "hourglass-split", "house", "info-circle", "lightbulb", "pencil-square", "people", "person-check",
    "person-circle", "person-plus", "record-circle", "search", "send", "shield-lock", "shop", "signpost",
    "signpost-split", "stopwatch", "thermometer-half", "ui-checks", "upload", "x-circle-fill", "x-lg",
)
SPRITE = "vendor/icons/icons.svg"  # a static path
