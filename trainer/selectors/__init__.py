"""Reads for the people side, one module per job; every public name is also importable from here."""
from .certification import *  # noqa: F401,F403
from .dashboards import *  # noqa: F401,F403
from .grid import *  # noqa: F401,F403
from .pending import *  # noqa: F401,F403
from .people import *  # noqa: F401,F403
from .progress import *  # noqa: F401,F403
from .disputes import *  # noqa: F401,F403
from .review import *  # noqa: F401,F403
from .weakspots import *  # noqa: F401,F403
