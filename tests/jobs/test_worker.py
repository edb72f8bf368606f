"""A real Celery worker (in a thread of this process, on the test Redis) sends the
e-mails that a committed transition queued through the outbox."""

import fcntl
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail

from hengyang_award.celery import app
from hengyang_award.jobs.models import OutboxMessage
from hengyang_award.jobs.outbox import RelayReport, outbox_relay
from hengyang_award.jobs.tasks import outbox_relay_task
from hengyang_award.notifications.models import Notification
from hengyang_award.notifications.tasks import send_notification_email_task
from tests.factories import World

pytestmark = pytest.mark.usefixtures("seeded_transactional_db")


class Finished:
    """Return values of the tasks the worker has finished, by task id."""

    def __init__(self) -> None:
        self.results: dict[str, object] = {}
        self.changed = threading.Condition()

    def record(self, sender=None, task_id=None, retval=None, **kwargs) -> None:
        with self.changed:
            self.results[task_id] = retval
            self.changed.notify_all()

    def wait_for(self, ready: Callable[[], bool], timeout: float = 10) -> None:
        with self.changed:
            assert self.changed.wait_for(ready, timeout=timeout), self.results


@pytest.fixture
def test_redis() -> Iterator[redis.Redis]:
    """The test Redis database, empty, and ours alone: the lock keeps a parallel
    run of these tests (pytest -n, another checkout) from flushing it or taking
    our messages meanwhile."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    with (Path(tempfile.gettempdir()) / "hengyang-award-test-redis.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        client.flushdb()
        yield client
        client.flushdb()


@pytest.fixture
def finished() -> Iterator[Finished]:
    tracker = Finished()
    task_postrun.connect(tracker.record, weak=False)
    yield tracker
    task_postrun.disconnect(tracker.record)


@pytest.fixture
def worker(test_redis, finished) -> Iterator[None]:
    with start_worker(app, perform_ping_check=False, shutdown_timeout=15):
        yield


def test_worker_sends_outbox_emails_of_committed_transition_once(worker, finished, test_redis):
    world = World()
    for user in (world.applicant, world.county):
        user.email = f"{user.username}@example.invalid"
        user.save(update_fields=["email"])
    case = world.new_case()
    world.drive(case, ["submit"])
    notifications = list(Notification.objects.order_by("pk"))
    queued = list(OutboxMessage.objects.order_by("pk").values_list("task", "kwargs"))

    report = outbox_relay()
    finished.wait_for(lambda: len(finished.results) == 2)

    assert [(n.recipient_id, n.email_status) for n in notifications] == [
        (world.applicant.pk, "pending"),
        (world.county.pk, "pending"),
    ]
    assert queued == [
        *(("notifications.send_email", {"notification_id": n.pk}) for n in notifications),
        ("pdf.render_case_document", {"case_id": case.pk, "kind": "application_summary"}),
    ]
    assert report == RelayReport(sent=3, failed=0, pending=0)
    # PDF rendering has its own queue and workers; this worker takes "default" only.
    assert test_redis.llen("pdf") == 1
    assert sorted(finished.results.values()) == [True, True]
    assert list(Notification.objects.order_by("pk").values_list("email_status", flat=True)) == [
        "sent",
        "sent",
    ]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        (n.recipient.email, n.subject) for n in notifications
    )

    again = send_notification_email_task.delay(notifications[0].pk)
    finished.wait_for(lambda: again.id in finished.results)

    assert finished.results[again.id] is False
    assert len(mail.outbox) == 2


def test_worker_outbox_relay_task_run_by_worker_publishes_pending_rows(worker, finished):
    world = World()
    world.county.email = "county@example.invalid"
    world.county.save(update_fields=["email"])
    world.drive(world.new_case(), ["submit"])

    relay = outbox_relay_task.delay()
    finished.wait_for(lambda: len(finished.results) == 2)

    # The county's e-mail and the application summary PDF.
    assert finished.results[relay.id] == {"sent": 2, "failed": 0, "pending": 0}
    assert list(Notification.objects.order_by("pk").values_list("recipient", "email_status")) == [
        (world.applicant.pk, "skipped"),
        (world.county.pk, "sent"),
    ]
    assert [m.to for m in mail.outbox] == [["county@example.invalid"]]
