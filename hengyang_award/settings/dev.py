"""`make run`: an embedded default that needs no services (SQLite, mail to files)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

# No Redis needed: `manage.py run_jobs` (started by `make run`) relays the outbox
# and runs the periodic jobs in-process, executing tasks eagerly.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
