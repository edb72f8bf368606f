import base64
import json
import time

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Case
from hengyang_award.celery import app
from hengyang_award.core.roles import Role
from hengyang_award.jobs.models import OutboxMessage
from hengyang_award.jobs.outbox import RelayReport, outbox_enqueue, outbox_relay
from hengyang_award.notifications.models import Notification
from hengyang_award.notifications.services import notify
from tests.factories import complete_application, make_user

pytestmark = pytest.mark.django_db


class RequestFailedError(Exception):
    """Leaves an atomic block the way a failing request does."""


def _enqueue_then_fail() -> None:
    with transaction.atomic():
        outbox_enqueue("jobs.outbox_relay", dedupe_key="rolled-back")
        raise RequestFailedError


def _queued(client) -> list[tuple[str, dict]]:
    """(task name, kwargs) of each message waiting in the "default" queue, in the
    order a worker takes them (kombu pushes on the left and pops on the right)."""
    found = []
    for raw in reversed(client.lrange("default", 0, -1)):
        message = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], kwargs))
    return found


def _pending_attempts() -> list[tuple[int, bool]]:
    return [
        (m.attempts, bool(m.last_error))
        for m in OutboxMessage.objects.filter(sent_at=None).order_by("created_at", "pk")
    ]


def test_outbox_enqueue_rolled_back_transaction_leaves_no_row():
    with pytest.raises(RequestFailedError):
        _enqueue_then_fail()

    assert OutboxMessage.objects.count() == 0


def test_outbox_enqueue_committed_leaves_one_pending_row():
    with transaction.atomic():
        message = outbox_enqueue("notifications.send_email", notification_id=7)

    assert list(OutboxMessage.objects.values_list("pk", "task", "kwargs", "sent_at")) == [
        (message.pk, "notifications.send_email", {"notification_id": 7}, None)
    ]


def test_outbox_enqueue_same_dedupe_key_twice_keeps_one_row():
    first = outbox_enqueue("jobs.outbox_relay", dedupe_key="once")

    second = outbox_enqueue("jobs.outbox_relay", dedupe_key="once")

    assert second is None
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [first.pk]


def test_outbox_relay_redis_down_then_up_publishes_each_message_once(private_redis, use_broker):
    user = make_user(Role.OFFICE_STAFF, email="office@example.invalid")
    notifications = [
        notify([user], kind="test", subject=_("消息"), body=_("消息"), dedupe_key=f"relay-{i}")[0]
        for i in range(3)
    ]
    use_broker(private_redis.url)
    # A worker imports every task module (and runs Django's checks) when it starts;
    # done here too, so that the time below is the broker failure's alone.
    app.loader.import_default_modules()
    private_redis.stop()

    started = time.monotonic()
    while_down = outbox_relay()
    elapsed = time.monotonic() - started

    assert elapsed < 5
    assert while_down == RelayReport(sent=0, failed=1, pending=3)
    assert _pending_attempts() == [(1, True), (0, False), (0, False)]
    assert OutboxMessage.objects.order_by("pk").first().last_error == (
        f"OperationalError: Error 111 connecting to 127.0.0.1:{private_redis.port}. "
        "Connection refused."
    )

    private_redis.start()

    after_restart = outbox_relay()

    assert after_restart == RelayReport(sent=3, failed=0, pending=0)
    assert list(OutboxMessage.objects.order_by("pk").values_list("attempts", flat=True)) == [
        2,
        1,
        1,
    ]
    client = private_redis.client()
    assert _queued(client) == [
        ("notifications.send_email", {"notification_id": n.pk}) for n in notifications
    ]

    third = outbox_relay()

    assert third == RelayReport(sent=0, failed=0, pending=0)
    assert client.llen("default") == 3


def test_case_submit_view_broker_unreachable_succeeds_and_leaves_work_in_outbox(
    client, world, use_broker, unreachable_broker_url
):
    world.county.email = "county@example.invalid"
    world.county.save(update_fields=["email"])
    case = world.new_case()
    complete_application(case, by=world.applicant)
    use_broker(unreachable_broker_url)
    client.force_login(world.applicant)

    response = client.post(
        reverse("applications:case_action", args=[case.pk, "submit"]),
        {"submit-note": "", "submit-expected_state": "draft"},
    )

    county_notice = Notification.objects.get(recipient=world.county)
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "submitted"
    assert county_notice.email_status == "pending"
    assert list(
        OutboxMessage.objects.values_list("task", "kwargs", "sent_at", "attempts", "last_error")
    ) == [
        ("notifications.send_email", {"notification_id": county_notice.pk}, None, 0, ""),
        (
            "pdf.render_case_document",
            {"case_id": case.pk, "kind": "application_summary"},
            None,
            0,
            "",
        ),
    ]


@pytest.mark.django_db
def test_outbox_relay_unknown_task_is_set_aside_and_does_not_block_others(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    broken = outbox_enqueue("notifications.send_emial", dedupe_key="typo")
    good = outbox_enqueue("workcalendar.next_year_check", dedupe_key="good")

    report = outbox_relay()

    broken.refresh_from_db()
    good.refresh_from_db()
    assert (report.sent, report.failed, report.pending) == (1, 1, 0)
    assert broken.given_up_at is not None
    assert broken.sent_at is None
    assert good.sent_at is not None
