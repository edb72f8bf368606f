"""The embedded stand-in for Celery worker + beat (`make run`): runs the beat
schedule's jobs in this process, on their own intervals, without Redis."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from hengyang_award.celery import app, registered_task


class Command(BaseCommand):
    help = "Run the periodic jobs (outbox relay, deadline scan, …) in-process."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once and exit")
        parser.add_argument("--tick", type=float, default=2.0, help="seconds between checks")

    def handle(self, *args, once: bool = False, tick: float = 2.0, **options):
        from celery.schedules import maybe_schedule

        jobs = {
            name: (entry["task"], maybe_schedule(entry["schedule"], app=app))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        last_run: dict[str, object] = {}
        while True:
            for name, (task, schedule) in jobs.items():
                previous = last_run.get(name)
                due = once or previous is None or schedule.is_due(previous).is_due
                if due:
                    # In the embedded mode tasks are eager: apply runs them here.
                    result = registered_task(task).apply()
                    last_run[name] = timezone.now()
                    if result.failed():
                        self.stderr.write(f"{name}: {result.result!r}")
            if once:
                return
            time.sleep(tick)
