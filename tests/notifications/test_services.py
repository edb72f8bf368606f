import pytest
from django.core import mail
from django.utils.translation import gettext_lazy as _

from applications import services
from hengyang_award.core.roles import Role
from hengyang_award.jobs.models import OutboxMessage
from hengyang_award.notifications.models import Notification
from hengyang_award.notifications.services import notification_send_email, notify
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# A catalogue entry with an English translation ("Applications from %(org)s").
SUBJECT = _("%(org)s的申报")
BODY = _("办理记录")


def _send(recipients, *, key: str = "event:1"):
    return notify(
        recipients,
        kind="test.kind",
        subject=SUBJECT,
        body=BODY,
        params={"org": "衡阳测试有限公司"},
        link="/cases/1/",
        dedupe_key=key,
    )


def _outbox_rows() -> list[tuple[str, dict]]:
    return list(OutboxMessage.objects.order_by("pk").values_list("task", "kwargs"))


def test_notify_active_recipients_one_row_each_and_email_queued():
    first = make_user(Role.OFFICE_STAFF, email="first@example.invalid")
    second = make_user(Role.OFFICE_STAFF, email="second@example.invalid")

    created = _send([first, second, first])

    assert [
        (n.recipient_id, n.kind, n.subject, n.body, n.link, n.email_status, n.dedupe_key)
        for n in created
    ] == [
        (
            first.pk,
            "test.kind",
            "衡阳测试有限公司的申报",
            "办理记录",
            "/cases/1/",
            "pending",
            f"event:1:{first.pk}",
        ),
        (
            second.pk,
            "test.kind",
            "衡阳测试有限公司的申报",
            "办理记录",
            "/cases/1/",
            "pending",
            f"event:1:{second.pk}",
        ),
    ]
    assert _outbox_rows() == [
        ("notifications.send_email", {"notification_id": n.pk}) for n in created
    ]


def test_notify_inactive_user_skipped():
    active = make_user(Role.OFFICE_STAFF, email="active@example.invalid")
    inactive = make_user(Role.OFFICE_STAFF, email="inactive@example.invalid", is_active=False)

    created = _send([active, inactive])

    assert [n.recipient_id for n in created] == [active.pk]
    assert list(Notification.objects.values_list("recipient", flat=True)) == [active.pk]


def test_notify_user_without_email_skipped_status_and_no_outbox_row():
    user = make_user(Role.OFFICE_STAFF, email="")

    created = _send([user])

    assert [(n.recipient_id, n.email_status) for n in created] == [(user.pk, "skipped")]
    assert _outbox_rows() == []


def test_notify_same_dedupe_key_twice_no_duplicates():
    user = make_user(Role.OFFICE_STAFF, email="user@example.invalid")
    first = _send([user])

    second = _send([user])

    assert second == []
    assert list(Notification.objects.values_list("pk", flat=True)) == [first[0].pk]
    assert _outbox_rows() == [("notifications.send_email", {"notification_id": first[0].pk})]


def test_notify_english_recipient_rendered_in_english():
    english = make_user(Role.OFFICE_STAFF, email="en@example.invalid", language="en")
    chinese = make_user(Role.OFFICE_STAFF, email="zh@example.invalid")

    created = _send([english, chinese])

    assert [(n.recipient_id, n.subject, n.body) for n in created] == [
        (english.pk, "Applications from 衡阳测试有限公司", "Processing history"),
        (chinese.pk, "衡阳测试有限公司的申报", "办理记录"),
    ]


def test_notification_send_email_pending_sends_once():
    user = make_user(Role.OFFICE_STAFF, email="user@example.invalid")
    (notification,) = _send([user])

    sent = notification_send_email(notification.pk)

    notification.refresh_from_db()
    assert sent is True
    assert notification.email_status == "sent"
    assert notification.email_sent_at is not None
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [
        ("衡阳测试有限公司的申报", "办理记录", ["user@example.invalid"])
    ]


def test_notification_send_email_second_call_returns_false_and_sends_nothing():
    user = make_user(Role.OFFICE_STAFF, email="user@example.invalid")
    (notification,) = _send([user])
    notification_send_email(notification.pk)

    again = notification_send_email(notification.pk)

    assert again is False
    assert len(mail.outbox) == 1


def test_notification_send_email_skipped_notification_sends_nothing():
    user = make_user(Role.OFFICE_STAFF, email="")
    (notification,) = _send([user])

    sent = notification_send_email(notification.pk)

    assert sent is False
    assert mail.outbox == []


def _notices() -> list[tuple[int, str, str]]:
    return list(Notification.objects.order_by("pk").values_list("recipient", "kind", "subject"))


def test_case_submit_notifies_organisation_and_county_officials(world):
    colleague = make_user(Role.APPLICANT, organisation=world.org)
    case = world.new_case()

    world.drive(case, ["submit"])

    org = world.org.name
    assert sorted(_notices()) == sorted(
        [
            (world.applicant.pk, "case.submit", "申报材料已提交"),
            (colleague.pk, "case.submit", "申报材料已提交"),
            (world.county.pk, "case.submit", f"有新的申报待推荐：{org}"),
        ]
    )
    assert Notification.objects.get(recipient=world.county).body == (
        f"{org}已提交第1届衡阳市市长质量奖申报材料，请审阅后签署推荐意见、退回修改或不予推荐。"
    )


def test_case_return_to_applicant_puts_county_note_in_message(world):
    case = world.drive(world.new_case(), ["submit"])

    services.case_transition(
        case.pk, "return_to_applicant", by=world.county, note="请补充近三年财务报表。"
    )

    returned = Notification.objects.get(kind="case.return_to_applicant")
    assert (returned.recipient_id, returned.subject, returned.body) == (
        world.applicant.pk,
        "申报材料被退回修改",
        "您单位的申报材料已被退回，请根据以下意见修改后重新提交：请补充近三年财务报表。",
    )


def test_case_submit_english_county_official_gets_notice_in_english(world):
    world.county.language = "en"
    world.county.save(update_fields=["language"])
    case = world.new_case()

    world.drive(case, ["submit"])

    notice = Notification.objects.get(recipient=world.county)
    org = world.org.name
    assert (notice.subject, notice.body) == (
        f"New application awaiting recommendation: {org}",
        f"{org} has submitted an application (Hengyang Mayor's Quality Award, cycle 1). "
        "Please review it, then sign a recommendation, return it for revision, "
        "or decline to recommend it.",
    )
