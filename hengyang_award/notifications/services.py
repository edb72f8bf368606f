"""Tell people what they must do. Messages are rendered in each recipient's
language; e-mail goes out after commit through the outbox."""

from collections.abc import Iterable
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from hengyang_award.core.models import User
from hengyang_award.jobs.outbox import outbox_enqueue

from .models import Notification


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    subject: Any,
    body: Any,
    params: dict[str, Any] | None = None,
    link: str = "",
    dedupe_key: str,
) -> list[Notification]:
    """Create one notification per recipient (once per `dedupe_key`) and queue its
    e-mail. `subject` and `body` are lazy translatable strings with %(name)s params;
    a param that must be translated too is given as a callable."""
    created = []
    for user in {u.pk: u for u in recipients if u.is_active}.values():
        with translation.override(user.language):
            # A callable param is evaluated here, in the recipient's language.
            values = {k: str(v() if callable(v) else v) for k, v in (params or {}).items()}
            rendered_subject = str(subject) % values
            rendered_body = str(body) % values
        key = f"{dedupe_key}:{user.pk}"
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    subject=rendered_subject[:200],
                    body=rendered_body,
                    link=link,
                    dedupe_key=key,
                    email_status=(
                        Notification.EmailStatus.PENDING
                        if user.email
                        else Notification.EmailStatus.SKIPPED
                    ),
                )
        except IntegrityError:
            continue
        if user.email:
            outbox_enqueue("notifications.send_email", notification_id=notification.pk)
        created.append(notification)
    return created


@transaction.atomic
def notification_send_email(notification_id: int) -> bool:
    """Send the e-mail of one notification unless already sent. Returns True when
    this call sent it."""
    notification = (
        Notification.objects.select_for_update().select_related("recipient").get(pk=notification_id)
    )
    if notification.email_status != Notification.EmailStatus.PENDING:
        return False
    send_mail(
        notification.subject,
        notification.body,
        None,
        [notification.recipient.email],
        fail_silently=False,
    )
    notification.email_status = Notification.EmailStatus.SENT
    notification.email_sent_at = timezone.now()
    notification.save(update_fields=["email_status", "email_sent_at"])
    return True


def notification_mark_failed(notification_id: int, *, error: str) -> None:
    Notification.objects.filter(pk=notification_id, email_status="pending").update(
        email_status=Notification.EmailStatus.FAILED, email_error=error[:300]
    )


def notifications_mark_read(user: User, *, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
