import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from hengyang_award.notifications.models import Notification
from hengyang_award.notifications.services import notify
from tests.factories import make_user

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")


def _give(user: User, count: int, *, link: str = "", prefix: str = "n") -> list[Notification]:
    return [
        notify(
            [user],
            kind="test.kind",
            subject=_("消息"),
            body=_("消息"),
            link=link,
            dedupe_key=f"{prefix}-{i}",
        )[0]
        for i in range(count)
    ]


@pytest.fixture
def reader(db) -> User:
    return make_user(Role.OFFICE_STAFF)


@pytest.fixture
def stranger(db) -> User:
    return make_user(Role.OFFICE_STAFF)


def _unread(user: User) -> list[int]:
    return list(
        Notification.objects.filter(recipient=user, read_at=None)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def test_inbox_anonymous_redirects_to_login(client):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={INBOX}"


def test_inbox_lists_only_own_notifications_newest_first(client, reader, stranger):
    own = _give(reader, 2)
    _give(stranger, 2)
    client.force_login(reader)

    response = client.get(INBOX)

    assert response.status_code == 200
    assert [n.pk for n in response.context["page"]] == [own[1].pk, own[0].pk]


def test_inbox_header_shows_unread_badge_count(client, reader):
    _give(reader, 3)
    client.force_login(reader)

    response = client.get(INBOX)

    assert response.context["unread_notifications"] == 3
    assert '<span class="badge" aria-label="未读消息数">3</span>' in response.content.decode()


def test_inbox_query_count_same_for_1_and_20_notifications(client, reader, stranger):
    _give(reader, 1)
    _give(stranger, 20)

    client.force_login(reader)
    with CaptureQueriesContext(connection) as one:
        client.get(INBOX)
    client.force_login(stranger)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(INBOX)

    assert len(response.context["page"]) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


def test_mark_read_own_notification_marks_only_it_and_redirects_to_inbox(client, reader):
    first, second = _give(reader, 2)
    client.force_login(reader)

    response = client.post(reverse("notifications:mark_read", args=[first.pk]))

    assert response.status_code == 302
    assert response.url == INBOX
    assert _unread(reader) == [second.pk]


def test_mark_read_internal_link_redirects_to_link(client, reader):
    target = reverse("core:home")
    (notification,) = _give(reader, 1, link=target)
    client.force_login(reader)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 302
    assert response.url == target


def test_mark_read_external_link_redirects_to_inbox(client, reader):
    (notification,) = _give(reader, 1, link="https://evil.example/")
    client.force_login(reader)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 302
    assert response.url == INBOX
    assert _unread(reader) == []


def test_mark_read_scheme_relative_link_redirects_to_inbox(client, reader):
    (notification,) = _give(reader, 1, link="//evil.example/")
    client.force_login(reader)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 302
    assert response.url == INBOX


def test_mark_read_other_users_notification_is_404_and_stays_unread(client, reader, stranger):
    (foreign,) = _give(stranger, 1)
    client.force_login(reader)

    response = client.post(reverse("notifications:mark_read", args=[foreign.pk]))

    assert response.status_code == 404
    assert _unread(stranger) == [foreign.pk]


def test_mark_read_get_is_405(client, reader):
    (notification,) = _give(reader, 1)
    client.force_login(reader)

    response = client.get(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 405
    assert _unread(reader) == [notification.pk]


def test_mark_all_read_marks_own_only(client, reader, stranger):
    _give(reader, 3)
    (foreign,) = _give(stranger, 1)
    client.force_login(reader)

    response = client.post(reverse("notifications:mark_all_read"))

    assert response.status_code == 302
    assert response.url == INBOX
    assert _unread(reader) == []
    assert _unread(stranger) == [foreign.pk]


def test_mark_all_read_get_is_405(client, reader):
    _give(reader, 1)
    client.force_login(reader)

    response = client.get(reverse("notifications:mark_all_read"))

    assert response.status_code == 405
    assert len(_unread(reader)) == 1
