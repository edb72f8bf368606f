from celery import shared_task

from .services import email_verification_send, invitation_send


@shared_task(
    name="accounts.send_verification",
    bind=True,
    max_retries=5,
    default_retry_delay=60,
    acks_late=True,
)
def send_verification_task(self, user_id: int) -> bool:
    try:
        return email_verification_send(user_id)
    except OSError as exc:  # SMTP unreachable or refused: the mail stays owed
        raise self.retry(exc=exc) from exc


@shared_task(
    name="accounts.send_invitation",
    bind=True,
    max_retries=5,
    default_retry_delay=60,
    acks_late=True,
)
def send_invitation_task(self, invitation_id: int) -> bool:
    try:
        return invitation_send(invitation_id)
    except OSError as exc:  # SMTP unreachable or refused: the invitation stays unsent
        raise self.retry(exc=exc) from exc


@shared_task(name="accounts.send_password_reset", acks_late=True)
def send_password_reset_task(user_id: int) -> bool:
    from .services import password_reset_send

    return password_reset_send(user_id)
