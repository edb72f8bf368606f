"""The public "经验分享" pages: published entries and open sessions of valid titles
only, no personal data, checksum-verified downloads, cached until a change."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hengyang_award.core.models import AuditLog
from publicity.models import SharingEntry
from publicity.services import sharing_entry_hide, visit_session_cancel
from tests.factories import tiny_pdf
from tests.factories.sharing import entry, register, session, visitor, winner
from tests.shared import shared_fixtures

pytestmark = pytest.mark.django_db

SENTINEL_NAME = "哨兵姓名甲"
SENTINEL_MOBILE = "13800001111"


shared, world, award = shared_fixtures(winner, "award")


def _list(client) -> str:
    response = client.get(reverse("public:sharing"))
    assert response.status_code == 200
    return response.content.decode()


def test_public_sharing_lists_published_entries_and_open_sessions_only(world, award, client):
    published = entry(award, by=world.applicant, title="公开的经验")
    draft = entry(award, by=world.applicant, publish=False, title="草稿经验")
    hidden = entry(award, by=world.applicant, title="被隐藏的经验")
    sharing_entry_hide(hidden.pk, by=world.office, reason="理由")
    open_session = session(award, by=world.applicant, topic="开放的观摩")
    cancelled = session(award, by=world.applicant, topic="取消的观摩")
    visit_session_cancel(cancelled.pk, by=world.applicant, reason="取消")

    body = _list(client)

    assert f'data-entry="{published.pk}"' in body
    assert f'data-entry="{draft.pk}"' not in body
    assert f'data-entry="{hidden.pk}"' not in body
    assert f'data-session="{open_session.pk}"' in body
    assert f'data-session="{cancelled.pk}"' not in body
    assert client.get(reverse("public:sharing_entry", args=[draft.pk])).status_code == 404
    assert client.get(reverse("public:sharing_entry", args=[hidden.pk])).status_code == 404


def test_public_sharing_remaining_seats_shown(world, award, client):
    offered = session(award, by=world.applicant, capacity=9)
    register(offered, by=visitor(), attendees=4)

    body = _list(client)

    assert 'data-remaining="5"' in body


def test_public_sharing_expired_award_entries_and_sessions_disappear(
    world, award, client, time_machine
):
    published = entry(award, by=world.applicant)
    offered = session(award, by=world.applicant)
    before = _list(client)
    time_machine.move_to(award.ends_on + datetime.timedelta(days=1))

    after = _list(client)
    detail = client.get(reverse("public:sharing_entry", args=[published.pk]))

    assert f'data-entry="{published.pk}"' in before
    assert f'data-session="{offered.pk}"' in before
    assert f'data-entry="{published.pk}"' not in after
    assert f'data-session="{offered.pk}"' not in after
    assert detail.status_code == 404


def test_public_sharing_award_last_valid_day_still_listed(world, award, client, time_machine):
    published = entry(award, by=world.applicant)
    time_machine.move_to(
        timezone.make_aware(datetime.datetime.combine(award.ends_on, datetime.time(23))),
        tick=False,
    )

    assert f'data-entry="{published.pk}"' in _list(client)


def test_public_sharing_revoked_award_disappears_even_after_cached(world, award, client):
    published = entry(award, by=world.applicant)
    offered = session(award, by=world.applicant)
    cached = _list(client)
    award.revoked_on = timezone.localdate()
    award.save()

    after = _list(client)
    detail = client.get(reverse("public:sharing_entry", args=[published.pk]))

    assert f'data-entry="{published.pk}"' in cached
    assert f'data-entry="{published.pk}"' not in after
    assert f'data-session="{offered.pk}"' not in after
    assert detail.status_code == 404


def test_public_sharing_revoked_in_setup_never_listed(world, client):
    award = winner(world)
    published = entry(award, by=world.applicant)
    award.revoked_on = timezone.localdate() - datetime.timedelta(days=1)
    award.save()

    body = _list(client)

    assert f'data-entry="{published.pk}"' not in body
    assert "暂无经验分享" in body


def test_public_sharing_pages_show_no_personal_data(world, award, client):
    world.applicant.full_name = SENTINEL_NAME
    world.applicant.phone = SENTINEL_MOBILE
    world.applicant.save()
    org = world.org
    org.legal_representative = "哨兵法人乙"
    org.contact_name = "哨兵联系人丙"
    org.contact_phone = "13800002222"
    org.save()
    published = entry(award, by=world.applicant, files=[("材料.pdf", tiny_pdf())])
    offered = session(award, by=world.applicant)
    guest = visitor(full_name="哨兵访客丁", phone="13800003333")
    register(offered, by=guest, names="哨兵参加人戊、哨兵参加人己")

    pages = [
        _list(client),
        client.get(reverse("public:sharing_entry", args=[published.pk])).content.decode(),
    ]

    for page in pages:
        for secret in (
            SENTINEL_NAME,
            SENTINEL_MOBILE,
            "哨兵法人乙",
            "哨兵联系人丙",
            "13800002222",
            "哨兵访客丁",
            "13800003333",
            "哨兵参加人戊",
            world.applicant.username,
            guest.organisation.name,
        ):
            assert secret not in page
    assert org.name in pages[0]
    assert "0734-8123456" in pages[0]


def test_public_sharing_file_download_verified_and_audited(world, award, client):
    content = tiny_pdf("下载")
    published = entry(award, by=world.applicant, files=[("方法.pdf", content)])
    stored = published.attachments.get()

    response = client.get(reverse("public:sharing_file", args=[published.pk, stored.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Cache-Control"] == "no-store"
    assert AuditLog.objects.filter(action="file.download", object_id=str(stored.pk)).count() == 1


def test_public_sharing_file_tampered_not_served(world, award, client):
    published = entry(award, by=world.applicant, files=[("方法.pdf", tiny_pdf())])
    stored = published.attachments.get()
    default_storage.delete(stored.file.name)
    default_storage.save(stored.file.name, ContentFile(b"%PDF-1.4 tampered"))

    response = client.get(reverse("public:sharing_file", args=[published.pk, stored.pk]))

    assert response.status_code == 500
    assert AuditLog.objects.filter(action="file.corrupt", object_id=str(stored.pk)).count() == 1


def test_public_sharing_file_of_draft_is_404(world, award, client):
    draft = entry(award, by=world.applicant, publish=False, files=[("方法.pdf", tiny_pdf())])
    stored = draft.attachments.get()

    response = client.get(reverse("public:sharing_file", args=[draft.pk, stored.pk]))

    assert response.status_code == 404


def test_public_sharing_cached_until_next_change(
    world, award, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = entry(award, by=world.applicant, title="第一篇分享")
    assert "第一篇分享" in _list(client)
    SharingEntry.objects.filter(pk=first.pk).update(title="数据库里改过的标题")

    cached = _list(client)
    with django_capture_on_commit_callbacks(execute=True):
        entry(award, by=world.applicant, title="第二篇分享")
    fresh = _list(client)

    assert "第一篇分享" in cached
    assert "第二篇分享" in fresh
    assert "数据库里改过的标题" in fresh


def test_public_sharing_nav_link_on_public_home(world, client):
    body = client.get(reverse("public:home")).content.decode()

    assert f'href="{reverse("public:sharing")}"' in body


def test_public_sharing_query_count_does_not_grow(world, award, client):
    entry(award, by=world.applicant)
    session(award, by=world.applicant)
    with CaptureQueriesContext(connection) as one:
        _list(client)
    for n in range(5):
        entry(award, by=world.applicant, title=f"分享{n}")
        register(session(award, by=world.applicant), by=visitor())
    cache.clear()

    with CaptureQueriesContext(connection) as many:
        _list(client)

    assert len(many) == len(one)
