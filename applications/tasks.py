from celery import shared_task

from .services import deadlines_process


@shared_task(name="applications.deadline_scan")
def deadline_scan_task() -> dict:
    report = deadlines_process()
    return {"fired": report.fired, "reminders": report.reminders}
