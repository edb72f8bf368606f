"""The office's announcement, awards and plaque pages, and the winner's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hengyang_award.core.models import AuditLog
from supervision.models import Award, Plaque
from tests.factories import World
from tests.factories.awards import announce, drive_to
from tests.shared import prepared_world, world_with_prepared_case

pytestmark = pytest.mark.django_db
# The world's awarded case is driven once per module.
shared = prepared_world("awarded")
world = world_with_prepared_case()


@pytest.mark.parametrize(
    ("name", "actor", "status"),
    [
        ("supervision:announcement", "office", 200),
        ("supervision:announcement", "director", 403),
        ("supervision:announcement", "applicant", 403),
        ("supervision:awards", "office", 200),
        ("supervision:awards", "mayor", 403),
        ("supervision:awards", "applicant", 403),
        ("supervision:award_mine", "applicant", 200),
    ],
)
def test_award_pages_by_role(world, client, name, actor, status):
    client.force_login(world.actor(actor))

    response = client.get(reverse(name) + f"?cycle={world.cycle.pk}")

    assert response.status_code == status


def test_announcement_page_lists_winner_and_issues_announcement(world, client):
    case = drive_to(world, "awarded")
    client.force_login(world.office)
    page = client.get(reverse("supervision:announcement") + f"?cycle={world.cycle.pk}")

    response = client.post(
        reverse("supervision:announcement_issue", args=[world.cycle.pk]),
        {"number": "衡政公告〔2026〕21号", "issued_on": ""},
    )

    assert f'data-case="{case.pk}"' in page.content.decode()
    assert response.status_code == 302
    award = Award.objects.get(case=case)
    assert award.starts_on == timezone.localdate()
    assert award.announcement.number == "衡政公告〔2026〕21号"


def test_announcement_page_number_missing_keeps_date_and_shows_error(world, client):
    drive_to(world, "awarded")
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:announcement_issue", args=[world.cycle.pk]),
        {"number": "", "issued_on": "2026-12-01"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "请填写公告文号。" in body
    assert 'value="2026-12-01"' in body
    assert not Award.objects.exists()


def test_announcement_page_duplicate_number_error_on_field(world, client):
    drive_to(world, "awarded")
    other_cycle_world = World()
    drive_to(other_cycle_world, "awarded")
    announce(other_cycle_world.cycle, office=world.office, number="衡政公告〔2026〕22号")
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:announcement_issue", args=[world.cycle.pk]),
        {"number": "衡政公告〔2026〕22号"},
    )

    assert "文号“衡政公告〔2026〕22号”已被使用。" in response.content.decode()
    assert not Award.objects.filter(cycle=world.cycle).exists()


def test_announcement_issue_by_director_403(world, client):
    drive_to(world, "awarded")
    client.force_login(world.director)

    response = client.post(
        reverse("supervision:announcement_issue", args=[world.cycle.pk]),
        {"number": "衡政公告〔2026〕23号"},
    )

    assert response.status_code == 403
    assert not Award.objects.exists()


def test_award_list_shows_prize_reason_and_render_state(world, client):
    drive_to(world, "awarded")
    announce(world.cycle, office=world.office)
    client.force_login(world.office)

    body = client.get(reverse("supervision:awards") + f"?cycle={world.cycle.pk}").content.decode()

    assert world.org.name in body
    assert 'data-render="pending"' in body
    assert str(Award.PrizeBasis.NO_PRIZE_SET.label) in body


def test_plaque_record_through_page_audited(world, client):
    drive_to(world, "awarded")
    award = announce(world.cycle, office=world.office).awards.get()
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:plaque_record", args=[award.pk]),
        {"issued_on": timezone.localdate().isoformat(), "received_by": "王五", "note": "现场领取"},
    )

    assert response.status_code == 302
    plaque = Plaque.objects.get(award=award)
    assert (plaque.received_by, plaque.note, plaque.recorded_by) == (
        "王五",
        "现场领取",
        world.office,
    )
    assert AuditLog.objects.filter(action="plaque.record").count() == 1


def test_plaque_record_before_announcement_day_refused(world, client):
    drive_to(world, "awarded")
    award = announce(world.cycle, office=world.office).awards.get()
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:plaque_record", args=[award.pk]),
        {
            "issued_on": (award.starts_on - datetime.timedelta(days=1)).isoformat(),
            "received_by": "王五",
        },
    )

    assert "颁发日期不能早于公告日期。" in response.content.decode()
    assert not Plaque.objects.exists()


def test_plaque_record_by_applicant_403(world, client):
    drive_to(world, "awarded")
    award = announce(world.cycle, office=world.office).awards.get()
    client.force_login(world.applicant)

    response = client.post(
        reverse("supervision:plaque_record", args=[award.pk]),
        {"issued_on": timezone.localdate().isoformat(), "received_by": "王五"},
    )

    assert response.status_code == 403


def test_award_mine_winner_sees_own_award_not_others(world, client):
    drive_to(world, "awarded")
    other = World(cycle=world.cycle)
    drive_to(other, "awarded")
    announce(world.cycle, office=world.office)
    client.force_login(world.applicant)

    body = client.get(reverse("supervision:award_mine")).content.decode()

    own = Award.objects.get(organisation=world.org)
    assert own.certificate.number in body
    assert f"{own.ends_on:%Y-%m-%d}" in body
    assert other.org.name not in body
    assert Award.objects.get(organisation=other.org).certificate.number not in body


def _queries(client, url: str) -> int:
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


def test_award_list_and_announcement_query_count_same_for_one_and_many(world, client):
    """The office's lists do not grow in queries with their rows: one announcement
    of one winner (plus one waiting) against two announcements of four winners
    (plus two waiting)."""
    drive_to(world, "awarded")
    announce(world.cycle, office=world.office)
    drive_to(World(cycle=world.cycle), "awarded")
    client.force_login(world.office)
    awards_url = reverse("supervision:awards") + f"?cycle={world.cycle.pk}"
    announcement_url = reverse("supervision:announcement") + f"?cycle={world.cycle.pk}"
    _queries(client, awards_url)
    one = (_queries(client, awards_url), _queries(client, announcement_url))

    for _ in range(2):
        drive_to(World(cycle=world.cycle), "awarded")
    announce(world.cycle, office=world.office)
    for _ in range(2):
        drive_to(World(cycle=world.cycle), "awarded")
    many = (_queries(client, awards_url), _queries(client, announcement_url))

    assert Award.objects.count() == 4
    assert many == one


def test_award_list_names_announcements_vacant_only_when_no_winner(world, client):
    drive_to(world, "awarded")
    issued = announce(world.cycle, office=world.office)
    client.force_login(world.office)

    body = client.get(reverse("supervision:awards") + f"?cycle={world.cycle.pk}").content.decode()

    assert issued.number in body
    assert "本届空缺" not in body
