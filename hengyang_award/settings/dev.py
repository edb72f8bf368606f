"""`make run`: an embedded default that needs no services (SQLite, mail to files)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
