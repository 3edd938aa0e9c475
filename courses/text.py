"""Text as the database can keep it: PostgreSQL refuses NUL characters, and nobody types one on purpose."""


def without_nul(value):
    """`value` without NUL characters when it is a string (pasted binary brings them); anything else as it is."""
    return value.replace("\x00", "") if isinstance(value, str) else value
