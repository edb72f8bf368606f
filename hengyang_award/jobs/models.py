from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Work to do after a commit, written in the same transaction as the change
    that causes it. A relay hands pending rows to Celery; requests never talk to
    the broker, so they neither hang nor lose work when Redis is down."""

    task = models.CharField(_("任务"), max_length=120)
    kwargs = models.JSONField(_("参数"), default=dict)
    # Two enqueues of the same work (a double click, a retried request) keep one row.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    # Set when the message itself is broken (unknown task, bad arguments): it is
    # kept for the administrator and no longer blocks the messages behind it.
    given_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_pending_idx",
                condition=models.Q(sent_at=None, given_up_at=None),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.kwargs}"
