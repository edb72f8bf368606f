"""Experience-sharing pages of the winner, of another organisation registering
for a visit and of the office: success paths, refusals, the permission/404 matrix
and query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hengyang_award.core.models import AuditLog
from publicity.models import SharingEntry, VisitRegistration, VisitSession
from publicity.services import visit_registration_withdraw, visit_session_cancel
from tests.factories import World, tiny_pdf
from tests.factories.sharing import entry, register, session, visitor, winner
from tests.shared import shared_fixtures

pytestmark = pytest.mark.django_db


shared, world, award = shared_fixtures(winner, "award")


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- permission matrix --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "actor", "status"),
    [
        ("publicity:sharing_mine", "applicant", 200),
        ("publicity:sharing_mine", "other_applicant", 200),
        ("publicity:sharing_mine", "office", 403),
        ("publicity:sharing_entry_new", "applicant", 200),
        ("publicity:sharing_entry_new", "other_applicant", 403),
        ("publicity:sharing_session_new", "applicant", 200),
        ("publicity:sharing_session_new", "other_applicant", 403),
        ("publicity:sharing_visits", "other_applicant", 200),
        ("publicity:sharing_visits", "county", 403),
        ("publicity:sharing_office", "office", 200),
        ("publicity:sharing_office", "applicant", 403),
        ("publicity:sharing_office", "director", 403),
    ],
)
def test_sharing_pages_by_role(world, award, client, name, actor, status):
    client.force_login(world.actor(actor))

    response = client.get(reverse(name))

    assert response.status_code == status


def test_sharing_pages_anonymous_redirected_to_login(world, award, client):
    response = client.get(reverse("publicity:sharing_mine"))

    assert response.status_code == 302
    assert "/login" in response["Location"]


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("publicity:sharing_entry", "get"),
        ("publicity:sharing_entry", "post"),
        ("publicity:sharing_entry_publish", "post"),
    ],
)
def test_sharing_entry_of_other_organisation_is_404(world, award, client, name, method):
    draft = entry(award, by=world.applicant, publish=False)
    client.force_login(world.other_applicant)

    response = getattr(client, method)(reverse(name, args=[draft.pk]))

    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == SharingEntry.Status.DRAFT


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("publicity:sharing_session", "get"),
        ("publicity:sharing_session_close", "post"),
        ("publicity:sharing_session_cancel", "post"),
    ],
)
def test_sharing_session_of_other_organisation_is_404(world, award, client, name, method):
    offered = session(award, by=world.applicant)
    client.force_login(world.other_applicant)

    response = getattr(client, method)(reverse(name, args=[offered.pk]), {"reason": "x"})

    assert response.status_code == 404
    offered.refresh_from_db()
    assert offered.status == VisitSession.Status.OPEN


def test_sharing_entry_file_of_other_organisation_is_404(world, award, client):
    draft = entry(award, by=world.applicant, publish=False, files=[("a.pdf", tiny_pdf())])
    stored = draft.attachments.get()
    client.force_login(world.other_applicant)

    response = client.get(reverse("publicity:sharing_entry_file", args=[draft.pk, stored.pk]))

    assert response.status_code == 404


def test_sharing_withdraw_of_other_organisation_is_404(world, award, client):
    registration = register(session(award, by=world.applicant), by=visitor())
    client.force_login(world.other_applicant)

    response = client.post(reverse("publicity:sharing_withdraw", args=[registration.pk]))

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == VisitRegistration.Status.REGISTERED


def test_sharing_office_entry_for_applicant_403_draft_404_for_office(world, award, client):
    draft = entry(award, by=world.applicant, publish=False)
    url = reverse("publicity:sharing_office_entry", args=[draft.pk])

    client.force_login(world.applicant)
    as_winner = client.get(url)
    client.force_login(world.office)
    as_office = client.get(url)

    assert as_winner.status_code == 403
    assert as_office.status_code == 404


# --- the winner ----------------------------------------------------------------------


def test_sharing_entry_new_then_publish_through_pages(world, award, client):
    client.force_login(world.applicant)

    created = client.post(
        reverse("publicity:sharing_entry_new"),
        {
            "title": "质量改进小组的做法",
            "summary": "三年来开展质量改进小组活动。",
            "methods": "每月一次质量分析会。",
            "attachments": [SimpleUploadedFile("方法.pdf", tiny_pdf())],
        },
    )
    draft = SharingEntry.objects.get()
    published = client.post(reverse("publicity:sharing_entry_publish", args=[draft.pk]))

    draft.refresh_from_db()
    assert created.status_code == 302
    assert created["Location"] == reverse("publicity:sharing_entry", args=[draft.pk])
    assert published.status_code == 302
    assert draft.status == SharingEntry.Status.PUBLISHED
    assert draft.attachments.count() == 1


def test_sharing_entry_new_wrong_attachment_type_keeps_input_and_shows_error(world, award, client):
    client.force_login(world.applicant)
    upload = SimpleUploadedFile("做法.pdf", b"just some text pretending")

    response = client.post(
        reverse("publicity:sharing_entry_new"),
        {
            "title": "保留的标题",
            "summary": "保留的简介",
            "methods": "保留的做法",
            "attachments": [upload],
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="保留的标题"' in body
    assert "保留的简介" in body
    assert "保留的做法" in body
    assert "做法.pdf：" in body
    assert not SharingEntry.objects.exists()


def test_sharing_entry_edit_draft_saves_published_read_only(world, award, client):
    draft = entry(award, by=world.applicant, publish=False)
    client.force_login(world.applicant)

    saved = client.post(
        reverse("publicity:sharing_entry", args=[draft.pk]),
        {"title": "改过的标题", "summary": "简介", "methods": "做法"},
    )
    client.post(reverse("publicity:sharing_entry_publish", args=[draft.pk]))
    after_publish = client.post(
        reverse("publicity:sharing_entry", args=[draft.pk]),
        {"title": "再改", "summary": "简介", "methods": "做法"},
    )

    draft.refresh_from_db()
    assert saved.status_code == 302
    assert after_publish.status_code == 403
    assert draft.title == "改过的标题"


def test_sharing_session_new_mobile_refused_keeps_input(world, award, client):
    client.force_login(world.applicant)
    starts = timezone.now() + datetime.timedelta(days=10)

    response = client.post(
        reverse("publicity:sharing_session_new"),
        {
            "topic": "车间观摩",
            "starts_at": _local(starts),
            "place": "一号车间",
            "capacity": "8",
            "registration_deadline": _local(starts - datetime.timedelta(days=2)),
            "contact_phone": "13912345678",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "不要填写个人手机号码" in body
    assert 'value="车间观摩"' in body
    assert not VisitSession.objects.exists()


def test_sharing_session_new_created_and_listed_on_winner_page(world, award, client):
    client.force_login(world.applicant)
    starts = timezone.now() + datetime.timedelta(days=10)

    response = client.post(
        reverse("publicity:sharing_session_new"),
        {
            "topic": "车间观摩",
            "starts_at": _local(starts),
            "place": "一号车间",
            "capacity": "8",
            "registration_deadline": _local(starts - datetime.timedelta(days=2)),
            "contact_phone": "0734-8123456",
        },
    )
    mine = client.get(reverse("publicity:sharing_mine")).content.decode()

    created = VisitSession.objects.get()
    assert response.status_code == 302
    assert created.capacity == 8
    assert f'data-session="{created.pk}"' in mine


def test_sharing_session_page_shows_organisations_and_counts_not_names(world, award, client):
    offered = session(award, by=world.applicant)
    guest = visitor()
    register(offered, by=guest, attendees=3, names="周保密、吴保密")
    client.force_login(world.applicant)

    response = client.get(reverse("publicity:sharing_session", args=[offered.pk]))

    body = response.content.decode()
    assert guest.organisation.name in body
    assert "<td>3</td>" in body
    assert "周保密" not in body


def test_sharing_session_cancel_without_reason_400_with_reason_cancelled(world, award, client):
    offered = session(award, by=world.applicant)
    client.force_login(world.applicant)
    url = reverse("publicity:sharing_session_cancel", args=[offered.pk])

    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "设备检修"})

    offered.refresh_from_db()
    assert refused.status_code == 400
    assert done.status_code == 302
    assert offered.status == VisitSession.Status.CANCELLED
    assert offered.cancel_reason == "设备检修"


# --- another organisation ----------------------------------------------------------------


def test_sharing_register_page_registers_and_lists_on_visits(world, award, client):
    offered = session(award, by=world.applicant, capacity=6)
    client.force_login(world.other_applicant)
    url = reverse("publicity:sharing_register", args=[offered.pk])

    page = client.get(url)
    response = client.post(url, {"attendees": "2", "attendee_names": "周某、吴某"})
    visits = client.get(reverse("publicity:sharing_visits")).content.decode()

    assert 'data-remaining="6"' in page.content.decode()
    assert response.status_code == 302
    registration = VisitRegistration.objects.get()
    assert registration.organisation == world.other_org
    assert f'data-registration="{registration.pk}"' in visits


def test_sharing_register_page_over_capacity_keeps_input_shows_remaining(world, award, client):
    offered = session(award, by=world.applicant, capacity=3)
    register(offered, by=visitor(), attendees=2)
    client.force_login(world.other_applicant)

    response = client.post(
        reverse("publicity:sharing_register", args=[offered.pk]),
        {"attendees": "2", "attendee_names": "周某、吴某"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "仅剩1个名额" in body
    assert "周某、吴某" in body
    assert VisitRegistration.objects.count() == 1


@pytest.mark.parametrize("situation", ["own", "cancelled", "deadline", "duplicate"])
def test_sharing_register_page_refusals_shown(world, award, client, time_machine, situation):
    offered = session(award, by=world.applicant)
    actor = world.other_applicant
    expected = {
        "own": "不能报名参加本单位举办的观摩活动。",
        "cancelled": "该观摩活动已取消（天气原因），不能报名。",
        "deadline": "报名已于",
        "duplicate": "本单位已报名参加该观摩活动",
    }[situation]
    if situation == "own":
        actor = world.applicant
    elif situation == "cancelled":
        visit_session_cancel(offered.pk, by=world.applicant, reason="天气原因")
    elif situation == "duplicate":
        register(offered, by=actor, attendees=1)
    else:
        time_machine.move_to(offered.registration_deadline + datetime.timedelta(hours=1))
    client.force_login(actor)
    before = VisitRegistration.objects.count()

    response = client.post(
        reverse("publicity:sharing_register", args=[offered.pk]),
        {"attendees": "1", "attendee_names": "周某"},
    )

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert VisitRegistration.objects.count() == before


def test_sharing_register_revoked_award_session_404(world, award, client):
    offered = session(award, by=world.applicant)
    award.revoked_on = timezone.localdate()
    award.save()
    client.force_login(world.other_applicant)

    response = client.get(reverse("publicity:sharing_register", args=[offered.pk]))

    assert response.status_code == 404


def test_sharing_withdraw_page_withdraws_then_after_deadline_refused(
    world, award, client, time_machine
):
    offered = session(award, by=world.applicant)
    first = register(offered, by=world.other_applicant)
    client.force_login(world.other_applicant)

    client.post(reverse("publicity:sharing_withdraw", args=[first.pk]))
    second = register(offered, by=world.other_applicant)
    time_machine.move_to(offered.registration_deadline + datetime.timedelta(hours=1))
    client.force_login(world.other_applicant)
    late = client.post(reverse("publicity:sharing_withdraw", args=[second.pk]), follow=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == VisitRegistration.Status.WITHDRAWN
    assert second.status == VisitRegistration.Status.REGISTERED
    assert "报名已截止，不能再撤回" in late.content.decode()


# --- the office ---------------------------------------------------------------------------


def test_sharing_office_entry_hide_through_page_audited(world, award, client):
    published = entry(award, by=world.applicant)
    client.force_login(world.office)
    url = reverse("publicity:sharing_office_entry", args=[published.pk])

    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "内容与质量管理无关。"})

    published.refresh_from_db()
    assert refused.status_code == 200
    assert done.status_code == 302
    assert published.status == SharingEntry.Status.HIDDEN
    assert (
        AuditLog.objects.filter(action="sharing.entry_hide", object_id=str(published.pk)).count()
        == 1
    )


def test_sharing_office_participation_counts(world, award, client):
    entry(award, by=world.applicant)
    entry(award, by=world.applicant, publish=False)
    offered = session(award, by=world.applicant, capacity=20)
    first, second = visitor(), visitor()
    register(offered, by=first, attendees=3)
    register(offered, by=second, attendees=4)
    withdrawn = register(offered, by=visitor(), attendees=5)
    visit_registration_withdraw(withdrawn.pk, by=withdrawn.registered_by)
    cancelled = session(award, by=world.applicant)
    visit_session_cancel(cancelled.pk, by=world.applicant, reason="取消")
    client.force_login(world.office)

    response = client.get(reverse("publicity:sharing_office"))

    row = next(r for r in response.context["rows"] if r.pk == award.pk)
    assert (
        row.entries_published,
        row.sessions_held,
        row.sessions_planned,
        row.visiting_organisations,
        row.visiting_attendees,
    ) == (1, 0, 1, 2, 7)


def test_sharing_office_query_count_does_not_grow_with_winners(world, award, client):
    def fill(a, user):
        entry(a, by=user)
        register(session(a, by=user), by=visitor(), attendees=2)

    fill(award, world.applicant)
    client.force_login(world.office)
    client.get(reverse("publicity:sharing_office"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("publicity:sharing_office"))
    for _ in range(2):
        more = World()
        fill(winner(more), more.applicant)

    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("publicity:sharing_office"))

    assert len(response.context["rows"]) == 3
    assert len(many) == len(one)


def test_sharing_mine_query_count_does_not_grow(world, award, client):
    entry(award, by=world.applicant)
    register(session(award, by=world.applicant), by=visitor())
    client.force_login(world.applicant)
    client.get(reverse("publicity:sharing_mine"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("publicity:sharing_mine"))
    for n in range(4):
        entry(award, by=world.applicant, title=f"分享{n}", files=[("a.pdf", tiny_pdf())])
        register(session(award, by=world.applicant), by=visitor())

    with CaptureQueriesContext(connection) as many:
        client.get(reverse("publicity:sharing_mine"))

    assert len(many) == len(one)
