"""Experience sharing services (Art. 16): entries (draft, publish, hide), visit
sessions and registrations (capacity, deadline, own organisation, duplicate,
cancelled, withdrawal), audit rows, notifications, public cache and the demo."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from hengyang_award.core.models import AuditLog
from hengyang_award.notifications.models import Notification
from publicity.cache import VERSION_KEY, public_cache_version
from publicity.demo_sharing import sharing_demo
from publicity.models import SharingAttachment, SharingEntry, VisitRegistration, VisitSession
from publicity.services import (
    sharing_entry_create,
    sharing_entry_hide,
    sharing_entry_publish,
    sharing_entry_update,
    visit_registration_withdraw,
    visit_session_cancel,
    visit_session_close,
    visit_session_create,
)
from tests.factories import make_organisation, make_user
from tests.factories.sharing import entry, pdf_file, register, session, visitor, winner
from tests.shared import shared_fixtures

pytestmark = pytest.mark.django_db


shared, world, award = shared_fixtures(winner, "award")


def _actions(obj=None) -> list[str]:
    logs = AuditLog.objects.filter(action__startswith="sharing.").order_by("pk")
    if obj is not None:
        logs = logs.filter(object_id=str(obj.pk), object_type=obj._meta.label)
    return list(logs.values_list("action", flat=True))


# --- entries -------------------------------------------------------------------------


def test_sharing_entry_create_with_pdf_draft_stored_under_generated_name(world, award):
    name, content = pdf_file("质量改进案例.pdf")

    created = entry(award, by=world.applicant, publish=False, files=[(name, content)])

    stored = SharingAttachment.objects.get(entry=created)
    assert created.status == SharingEntry.Status.DRAFT
    assert created.award == award
    assert stored.original_name == "质量改进案例.pdf"
    assert stored.file.name.startswith(f"sharing/{created.pk}/")
    assert "质量改进案例" not in stored.file.name
    assert len(stored.sha256) == 64
    with default_storage.open(stored.file.name, "rb") as handle:
        assert handle.read() == content
    assert _actions() == ["sharing.attachment", "sharing.entry_create"]


def test_sharing_entry_create_wrong_file_type_refused_nothing_stored(world, award):
    with pytest.raises(ValidationError) as refused:
        sharing_entry_create(
            by=world.applicant,
            title="标题",
            summary="简介",
            methods="做法",
            attachments=[(io.BytesIO(b"MZ\x90\x00 not a pdf"), "方法.pdf")],
        )

    assert "attachments" in refused.value.message_dict
    assert not SharingEntry.objects.exists()
    assert not SharingAttachment.objects.exists()


def test_sharing_entry_create_without_valid_award_refused(world):
    with pytest.raises(PermissionDenied):
        sharing_entry_create(by=world.applicant, title="标题", summary="简介", methods="做法")

    assert not SharingEntry.objects.exists()


def test_sharing_entry_create_after_award_expired_refused(world, award, time_machine):
    time_machine.move_to(award.ends_on + datetime.timedelta(days=1))

    with pytest.raises(PermissionDenied):
        sharing_entry_create(by=world.applicant, title="标题", summary="简介", methods="做法")


def test_sharing_entry_publish_sets_time_audits_and_bumps_cache_after_commit(
    world, award, django_capture_on_commit_callbacks
):
    draft = entry(award, by=world.applicant, publish=False)
    before = public_cache_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        published = sharing_entry_publish(draft.pk, by=world.applicant)

    assert published.status == SharingEntry.Status.PUBLISHED
    assert published.published_at is not None
    assert len(callbacks) == 1
    assert cache.get(VERSION_KEY) == before + 1
    assert _actions(published) == ["sharing.entry_create", "sharing.entry_publish"]


def test_sharing_entry_publish_by_other_organisation_refused(world, award):
    draft = entry(award, by=world.applicant, publish=False)

    with pytest.raises(PermissionDenied):
        sharing_entry_publish(draft.pk, by=world.other_applicant)

    draft.refresh_from_db()
    assert draft.status == SharingEntry.Status.DRAFT


def test_sharing_entry_update_published_refused(world, award):
    published = entry(award, by=world.applicant)

    with pytest.raises(ValidationError):
        sharing_entry_update(
            published.pk, by=world.applicant, title="新标题", summary="简介", methods="做法"
        )

    published.refresh_from_db()
    assert published.title != "新标题"


def test_sharing_entry_hide_by_office_records_reason_audits_and_tells_winner(world, award):
    published = entry(award, by=world.applicant)

    hidden = sharing_entry_hide(published.pk, by=world.office, reason="含有未经授权的图片。")

    assert hidden.status == SharingEntry.Status.HIDDEN
    assert hidden.hidden_by == world.office
    assert hidden.hidden_reason == "含有未经授权的图片。"
    assert _actions(hidden)[-1] == "sharing.entry_hide"
    log = AuditLog.objects.get(action="sharing.entry_hide")
    assert log.actor == world.office
    assert log.detail == {"reason": "含有未经授权的图片。"}
    notes = Notification.objects.filter(kind="sharing_entry_hidden")
    assert [n.recipient for n in notes] == [world.applicant]


@pytest.mark.parametrize(("actor", "reason"), [("office", "  "), ("applicant", "理由")])
def test_sharing_entry_hide_without_reason_or_by_winner_refused(world, award, actor, reason):
    published = entry(award, by=world.applicant)

    with pytest.raises((ValidationError, PermissionDenied)):
        sharing_entry_hide(published.pk, by=world.actor(actor), reason=reason)

    published.refresh_from_db()
    assert published.status == SharingEntry.Status.PUBLISHED


# --- sessions ------------------------------------------------------------------------------


def test_visit_session_create_open_and_audited(world, award):
    created = session(award, by=world.applicant, capacity=12)

    assert created.status == VisitSession.Status.OPEN
    assert created.award == award
    assert _actions(created) == ["sharing.session_create"]


@pytest.mark.parametrize("phone", ["13912345678", "+86 139 1234 5678", "139-1234-5678"])
def test_visit_session_create_mobile_number_refused(world, award, phone):
    with pytest.raises(ValidationError) as refused:
        session(award, by=world.applicant, contact_phone=phone)

    assert "个人手机号码" in refused.value.message_dict["contact_phone"][0]
    assert not VisitSession.objects.exists()


def test_visit_session_create_deadline_after_start_refused(world, award):
    starts = timezone.now() + datetime.timedelta(days=5)

    with pytest.raises(ValidationError) as refused:
        session(
            award,
            by=world.applicant,
            starts_at=starts,
            registration_deadline=starts + datetime.timedelta(hours=1),
        )

    assert "registration_deadline" in refused.value.message_dict


def test_visit_session_create_by_organisation_without_award_refused(world, award):
    with pytest.raises(PermissionDenied):
        session(award, by=world.other_applicant)


# --- registrations ------------------------------------------------------------------------


def test_visit_register_records_audits_and_notifies_winner_users(world, award):
    offered = session(award, by=world.applicant)
    colleague = make_user("applicant", organisation=world.org)
    guest = visitor()

    registration = register(offered, by=guest, attendees=3)

    assert registration.status == VisitRegistration.Status.REGISTERED
    assert registration.organisation == guest.organisation
    assert _actions(registration) == ["sharing.visit_register"]
    notes = Notification.objects.filter(kind="visit_registered").order_by("recipient_id")
    assert [n.recipient for n in notes] == [world.applicant, colleague]
    assert guest.organisation.name in notes[0].subject
    assert "3人" in notes[0].body


def test_visit_register_over_capacity_refused_with_remaining_seats(world, award):
    offered = session(award, by=world.applicant, capacity=5)
    register(offered, by=visitor(), attendees=3)

    with pytest.raises(ValidationError) as refused:
        register(offered, by=visitor(), attendees=3)

    assert refused.value.message_dict["attendees"] == ["名额不足：仅剩2个名额，请减少参加人数。"]
    assert VisitRegistration.objects.filter(session=offered).count() == 1


def test_visit_register_last_seats_session_full_then_refused(world, award):
    offered = session(award, by=world.applicant, capacity=4)
    register(offered, by=visitor(), attendees=4)

    with pytest.raises(ValidationError) as refused:
        register(offered, by=visitor(), attendees=1)

    offered.refresh_from_db()
    assert offered.status == VisitSession.Status.FULL
    assert refused.value.message_dict["attendees"] == ["名额已满。"]


def test_visit_register_after_deadline_refused(world, award, time_machine):
    offered = session(award, by=world.applicant)
    time_machine.move_to(offered.registration_deadline + datetime.timedelta(minutes=1))

    with pytest.raises(ValidationError) as refused:
        register(offered, by=visitor())

    assert "报名已于" in refused.value.messages[0]
    assert not VisitRegistration.objects.exists()


def test_visit_register_on_deadline_minute_accepted(world, award, time_machine):
    offered = session(award, by=world.applicant)
    time_machine.move_to(offered.registration_deadline, tick=False)

    registration = register(offered, by=visitor())

    assert registration.pk


def test_visit_register_own_organisation_refused(world, award):
    offered = session(award, by=world.applicant)
    colleague = make_user("applicant", organisation=world.org)

    with pytest.raises(ValidationError) as refused:
        register(offered, by=colleague)

    assert refused.value.messages == ["不能报名参加本单位举办的观摩活动。"]


def test_visit_register_duplicate_refused_after_withdrawal_accepted(world, award):
    offered = session(award, by=world.applicant)
    guest = visitor()
    first = register(offered, by=guest)

    with pytest.raises(ValidationError) as refused:
        register(offered, by=guest, attendees=1)
    visit_registration_withdraw(first.pk, by=guest)
    again = register(offered, by=guest, attendees=1)

    assert "已报名" in refused.value.messages[0]
    assert again.pk != first.pk
    assert list(
        VisitRegistration.objects.filter(session=offered)
        .order_by("pk")
        .values_list("status", flat=True)
    ) == ["withdrawn", "registered"]


def test_visit_register_cancelled_session_refused_with_reason(world, award):
    offered = session(award, by=world.applicant)
    visit_session_cancel(offered.pk, by=world.applicant, reason="设备检修")

    with pytest.raises(ValidationError) as refused:
        register(offered, by=visitor())

    assert refused.value.messages == ["该观摩活动已取消（设备检修），不能报名。"]


def test_visit_register_closed_session_refused(world, award):
    offered = session(award, by=world.applicant)
    visit_session_close(offered.pk, by=world.applicant)

    with pytest.raises(ValidationError):
        register(offered, by=visitor())


def test_visit_register_revoked_award_refused(world, award):
    offered = session(award, by=world.applicant)
    award.revoked_on = timezone.localdate()
    award.save()

    with pytest.raises(ValidationError) as refused:
        register(offered, by=visitor())

    assert "有效期" in refused.value.messages[0]


def test_visit_register_county_official_refused(world, award):
    offered = session(award, by=world.applicant)

    with pytest.raises(PermissionDenied):
        register(offered, by=world.county)


def test_visit_session_cancel_tells_registered_organisations_only(world, award):
    offered = session(award, by=world.applicant)
    staying, leaving = visitor(), visitor()
    register(offered, by=staying)
    visit_registration_withdraw(register(offered, by=leaving).pk, by=leaving)

    visit_session_cancel(offered.pk, by=world.applicant, reason="设备检修")

    notes = Notification.objects.filter(kind="visit_cancelled")
    assert [n.recipient for n in notes] == [staying]
    assert "设备检修" in notes[0].body
    assert _actions(offered) == ["sharing.session_create", "sharing.session_cancel"]


def test_visit_session_cancel_by_other_organisation_refused(world, award):
    offered = session(award, by=world.applicant)

    with pytest.raises(PermissionDenied):
        visit_session_cancel(offered.pk, by=world.other_applicant, reason="理由")


def test_visit_registration_withdraw_full_session_opens_again(world, award):
    offered = session(award, by=world.applicant, capacity=2)
    guest = visitor()
    registration = register(offered, by=guest, attendees=2)

    withdrawn = visit_registration_withdraw(registration.pk, by=guest)

    offered.refresh_from_db()
    assert withdrawn.status == VisitRegistration.Status.WITHDRAWN
    assert withdrawn.withdrawn_by == guest
    assert offered.status == VisitSession.Status.OPEN
    assert _actions(withdrawn) == ["sharing.visit_register", "sharing.visit_withdraw"]


def test_visit_registration_withdraw_after_deadline_refused(world, award, time_machine):
    offered = session(award, by=world.applicant)
    guest = visitor()
    registration = register(offered, by=guest)
    time_machine.move_to(offered.registration_deadline + datetime.timedelta(minutes=1))

    with pytest.raises(ValidationError):
        visit_registration_withdraw(registration.pk, by=guest)

    registration.refresh_from_db()
    assert registration.status == VisitRegistration.Status.REGISTERED


def test_visit_registration_withdraw_by_other_organisation_refused(world, award):
    offered = session(award, by=world.applicant)
    registration = register(offered, by=visitor())

    with pytest.raises(PermissionDenied):
        visit_registration_withdraw(registration.pk, by=visitor())


# --- demo ----------------------------------------------------------------------------------


def test_sharing_demo_creates_entry_session_and_registration_once(world, award):
    other_org = make_organisation()
    make_user("applicant", organisation=other_org)

    first = sharing_demo(award, by_user=world.applicant)
    second = sharing_demo(award, by_user=world.applicant)

    assert first.entry.status == SharingEntry.Status.PUBLISHED
    assert first.session.status == VisitSession.Status.OPEN
    assert first.registration is not None
    assert first.registration.organisation_id != award.organisation_id
    assert (second.entry, second.session, second.registration) == (
        first.entry,
        first.session,
        first.registration,
    )
    assert SharingEntry.objects.count() == 1
    assert VisitSession.objects.count() == 1
    assert VisitRegistration.objects.count() == 1


def test_visit_session_create_through_service_keeps_aware_times(world, award):
    starts = timezone.make_aware(
        datetime.datetime.combine(datetime.date(2099, 5, 6), datetime.time(9, 30))
    )

    created = visit_session_create(
        by=world.applicant,
        topic="观摩",
        starts_at=starts,
        place="车间",
        capacity=3,
        registration_deadline=starts - datetime.timedelta(days=1),
        contact_phone="0734-8123456",
    )

    created.refresh_from_db()
    assert timezone.localtime(created.starts_at).hour == 9
