"""Writes for quizzes, one module per job; every public name is also importable from here."""
from .attempts import *  # noqa: F401,F403
from .bank import *  # noqa: F401,F403
from .reviews import *  # noqa: F401,F403
from .disputes import *  # noqa: F401,F403
