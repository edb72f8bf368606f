"""The director's and the mayor's pages: who may open them, what they list, and
each decision through the page."""

import pytest
from django.urls import reverse

from tests.factories import World
from tests.factories.awards import drive_to
from tests.shared import prepared_world, world_with_prepared_case

pytestmark = pytest.mark.django_db
# Each test's case starts from one driven to the end of publicity once per module.
shared = prepared_world("in_publicity_ended")
world = world_with_prepared_case()


def _page(level: str, cycle) -> str:
    return reverse(f"approvals:{level}") + f"?cycle={cycle.pk}"


@pytest.mark.parametrize(
    ("level", "actor", "status"),
    [
        ("director", "director", 200),
        ("director", "mayor", 403),
        ("director", "office", 403),
        ("director", "member", 403),
        ("director", "applicant", 403),
        ("mayor", "mayor", 200),
        ("mayor", "director", 403),
        ("mayor", "office", 403),
    ],
)
def test_approval_list_only_the_approver_opens_it(world, client, level, actor, status):
    client.force_login(world.actor(actor))

    response = client.get(_page(level, world.cycle))

    assert response.status_code == status


def test_approval_list_anonymous_sent_to_login(world, client):
    response = client.get(_page("director", world.cycle))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_approval_list_director_sees_waiting_case_with_publicity_and_no_objection(world, client):
    case = drive_to(world, "director_review")
    client.force_login(world.director)

    body = client.get(_page("director", world.cycle)).content.decode()

    assert f'data-case="{case.pk}"' in body
    assert world.org.name in body
    assert f"{case.publicity_starts_on:%Y-%m-%d} — {case.publicity_ends_on:%Y-%m-%d}" in body
    assert 'data-objections="0"' in body
    assert "公示期内无异议" in body


def test_approval_decide_director_approve_through_page(world, client):
    case = drive_to(world, "director_review")
    client.force_login(world.director)

    response = client.post(
        reverse("approvals:director_decide", args=[case.pk]),
        {"decision": "approve", "note": "同意。"},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "mayor_approval"


def test_approval_decide_send_back_without_reason_keeps_input_and_case(world, client):
    case = drive_to(world, "director_review")
    client.force_login(world.director)

    response = client.post(
        reverse("approvals:director_decide", args=[case.pk]), {"decision": "send_back", "note": ""}
    )

    assert response.status_code == 400
    assert "退回时请填写理由。" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "director_review"


def test_approval_decide_mayor_send_back_through_page(world, client):
    case = drive_to(world, "mayor_approval")
    client.force_login(world.mayor)

    client.post(
        reverse("approvals:mayor_decide", args=[case.pk]),
        {"decision": "send_back", "note": "请评委会再议。"},
    )

    case.refresh_from_db()
    assert case.state == "candidate"


def test_approval_decide_mayor_on_case_still_with_director_404(world, client):
    case = drive_to(world, "director_review")
    client.force_login(world.mayor)

    response = client.post(
        reverse("approvals:mayor_decide", args=[case.pk]), {"decision": "approve"}
    )

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == "director_review"


def test_approval_decide_other_role_on_visible_case_403(world, client):
    case = drive_to(world, "director_review")
    client.force_login(world.office)

    response = client.post(
        reverse("approvals:director_decide", args=[case.pk]), {"decision": "approve"}
    )

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "director_review"


def test_approval_decide_get_not_allowed(world, client):
    case = drive_to(world, "director_review")
    client.force_login(world.director)

    response = client.get(reverse("approvals:director_decide", args=[case.pk]))

    assert response.status_code == 405


def test_approval_approve_listed_through_page_approves_all(world, client):
    first = drive_to(world, "mayor_approval")
    other = World(cycle=world.cycle)
    second = drive_to(other, "mayor_approval")
    client.force_login(world.mayor)

    response = client.post(
        reverse("approvals:mayor_approve_listed", args=[world.cycle.pk]),
        {"cases": [first.pk, second.pk], "note": ""},
    )

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("awarded", "awarded")


def _page_queries(client, url: str) -> int:
    """Queries of one page view, leaving out the session's own bookkeeping (the
    idle-timeout middleware rewrites the session now and then)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(
        [
            q
            for q in captured.captured_queries
            if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]
    )


def test_approval_list_query_count_same_for_one_and_two_rows(world, client):
    drive_to(world, "director_review")
    client.force_login(world.director)
    url = _page("director", world.cycle)
    _page_queries(client, url)
    one = _page_queries(client, url)

    drive_to(World(cycle=world.cycle), "director_review")
    two = _page_queries(client, url)

    assert two == one
