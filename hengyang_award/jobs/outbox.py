"""Enqueue work in the caller's transaction; relay it to Celery later."""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)


def outbox_enqueue(task: str, *, dedupe_key: str | None = None, **kwargs) -> OutboxMessage | None:
    """Record `task(**kwargs)` to run after commit. Must be called inside the
    transaction of the change it belongs to. Returns None when `dedupe_key` was
    already enqueued."""
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(task=task, kwargs=kwargs, dedupe_key=dedupe_key)
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None


@dataclass(frozen=True)
class RelayReport:
    sent: int
    failed: int
    pending: int


def outbox_relay(*, limit: int = 200) -> RelayReport:
    """Publish pending messages, oldest first. A broker failure stops the run (the
    rest would fail the same way) and leaves the rows pending; a message that is
    itself broken (unknown task) is set aside so it cannot block the others."""
    from kombu.exceptions import OperationalError

    from hengyang_award.celery import registered_task

    sent = failed = 0
    while sent + failed < limit:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(sent_at=None, given_up_at=None)
                .order_by("created_at", "pk")
                .first()
            )
            if message is None:
                break
            message.attempts += 1
            try:
                task = registered_task(message.task)
            except KeyError as exc:
                message.last_error = f"unknown task: {exc}"[:500]
                message.given_up_at = timezone.now()
                message.save(update_fields=["attempts", "last_error", "given_up_at"])
                failed += 1
                log.error("outbox relay: %s set aside (%s)", message.task, message.last_error)
                continue
            try:
                task.apply_async(kwargs=message.kwargs, retry=False)
            except (OperationalError, ConnectionError, OSError) as exc:
                message.last_error = f"{type(exc).__name__}: {exc}"[:500]
                message.save(update_fields=["attempts", "last_error"])
                failed += 1
                log.warning("outbox relay: %s not sent (%s)", message.task, message.last_error)
                break
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["sent_at", "attempts", "last_error"])
            sent += 1
    pending = OutboxMessage.objects.filter(sent_at=None, given_up_at=None).count()
    return RelayReport(sent=sent, failed=failed, pending=pending)
