"""The Celery application; its settings come from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hengyang_award.settings.dev")

app = Celery("hengyang_award")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def registered_task(name: str):
    """The task called `name`, after making sure every app's tasks module is
    imported (autodiscovery is lazy outside a worker)."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]
