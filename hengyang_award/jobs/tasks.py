from celery import shared_task

from .outbox import outbox_relay


@shared_task(name="jobs.outbox_relay")
def outbox_relay_task() -> dict:
    report = outbox_relay()
    return {"sent": report.sent, "failed": report.failed, "pending": report.pending}
