"""The Celery application; its settings come from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hengyang_award.settings.dev")

app = Celery("hengyang_award")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
