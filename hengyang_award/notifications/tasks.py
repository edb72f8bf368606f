from celery import shared_task

from .services import notification_mark_failed, notification_send_email


@shared_task(
    name="notifications.send_email",
    bind=True,
    max_retries=5,
    default_retry_delay=60,
    acks_late=True,
)
def send_notification_email_task(self, notification_id: int) -> bool:
    try:
        return notification_send_email(notification_id)
    except OSError as exc:  # SMTP unreachable or refused: retry, then record the failure
        if self.request.retries >= self.max_retries:
            notification_mark_failed(notification_id, error=f"{type(exc).__name__}: {exc}")
            return False
        raise self.retry(exc=exc) from exc
