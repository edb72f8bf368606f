from celery import shared_task

from .services import certificate_render


@shared_task(
    name="pdf.render_certificate",
    autoretry_for=(Exception,),
    max_retries=3,
    retry_backoff=30,
    acks_late=True,
)
def render_certificate_task(certificate_id: int) -> int:
    return certificate_render(certificate_id).pk


@shared_task(name="supervision.award_reminders_task", acks_late=True)
def award_reminders_task() -> dict:
    """Daily: reminders of titles about to end, overdue fund reports and overdue
    inspection follow-ups (each sent once)."""
    from .services import award_reminders_process

    report = award_reminders_process()
    return {
        "expiry": report.expiry,
        "fund_reports": report.fund_reports,
        "follow_ups": report.follow_ups,
    }
