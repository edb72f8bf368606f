from celery import shared_task

from .services import case_document_render, deadlines_process


@shared_task(name="applications.deadline_scan")
def deadline_scan_task() -> dict:
    report = deadlines_process()
    return {"fired": report.fired, "reminders": report.reminders}


@shared_task(
    name="pdf.render_case_document",
    autoretry_for=(Exception,),
    max_retries=3,
    retry_backoff=30,
    acks_late=True,
)
def render_case_document_task(case_id: int, kind: str) -> int:
    return case_document_render(case_id, kind=kind).pk
