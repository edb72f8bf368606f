import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from hengyang_award.accounts.models import EmailVerification, Invitation
from hengyang_award.accounts.services import (
    email_verification_confirm,
    email_verification_resend,
    email_verification_send,
    invitation_accept,
    invitation_create,
    invitation_send,
)
from hengyang_award.accounts.tokens import LinkRefusedError, verification_token_make
from hengyang_award.core.models import AuditLog, Organisation, User
from hengyang_award.core.roles import Role
from hengyang_award.jobs.models import OutboxMessage
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.django_db

DUPLICATE_MESSAGE = "该统一社会信用代码已注册。请联系本单位已注册的同事邀请您加入，或联系评审办。"
CHECKSUM_MESSAGE = "统一社会信用代码校验位不符。请核对；如确为真实代码，请联系评审办核实确认。"


def audit_rows(*actions: str) -> list[tuple]:
    return list(
        AuditLog.objects.filter(action__in=actions)
        .order_by("pk")
        .values_list("action", "actor_id", "object_type", "object_id", "detail", "ip")
    )


def outbox_rows() -> list[tuple]:
    return list(OutboxMessage.objects.order_by("pk").values_list("task", "kwargs"))


def row_counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Organisation.objects.count(),
        EmailVerification.objects.count(),
        OutboxMessage.objects.count(),
    )


def accept(invitation: Invitation, **overrides) -> User:
    values = {
        "username": "lina",
        "password": PASSWORD,
        "full_name": "李娜",
        "phone": "13900000000",
        **overrides,
    }
    return invitation_accept(invitation.token, **values)


# --- registration_submit ------------------------------------------------------------


def test_registration_submit_valid_creates_inactive_applicant_in_both_groups(register):
    user = register()

    user.refresh_from_db()
    org = user.organisation
    assert (user.username, user.full_name, user.email, user.phone, user.is_active) == (
        "zhangwei",
        "张伟",
        "zhangwei@example.invalid",
        "13800000000",
        False,
    )
    assert sorted(user.groups.values_list("name", flat=True)) == [
        "applicant",
        f"org:{org.credit_code}",
    ]
    assert user.check_password(PASSWORD) is True
    assert org.name == "衡阳注册测试有限公司"


def test_registration_submit_valid_queues_one_verification_mail_and_sends_none(register):
    user = register()

    assert outbox_rows() == [("accounts.send_verification", {"user_id": user.pk})]
    assert mail.outbox == []
    verification = user.email_verification
    assert (verification.sent_at, verification.verified_at, verification.mail_owed) == (
        None,
        None,
        True,
    )


def test_registration_submit_valid_audits_organisation_user_and_account(register):
    user = register()

    org = user.organisation
    assert audit_rows("organisation.register", "user.create", "account.register") == [
        (
            "organisation.register",
            None,
            "core.Organisation",
            str(org.pk),
            {"credit_code": org.credit_code, "checksum_override": False},
            None,
        ),
        ("user.create", None, "core.User", str(user.pk), {"roles": ["applicant"]}, None),
        (
            "account.register",
            user.pk,
            "core.User",
            str(user.pk),
            {"organisation": org.pk},
            "203.0.113.9",
        ),
    ]


def test_registration_submit_duplicate_code_refused_and_nothing_created(register):
    first = register()
    before = row_counts()

    with pytest.raises(ValidationError) as raised:
        register(
            username="lisi",
            email="lisi@example.invalid",
            credit_code=first.organisation.credit_code.lower(),
        )

    assert raised.value.message_dict == {"credit_code": [DUPLICATE_MESSAGE]}
    assert row_counts() == before


def test_registration_submit_checksum_failure_refused_and_nothing_created(register):
    before = row_counts()

    with pytest.raises(ValidationError) as raised:
        register(credit_code="91512081MA62K0260F")

    assert raised.value.message_dict == {"credit_code": [CHECKSUM_MESSAGE]}
    assert row_counts() == before


def test_registration_submit_username_taken_refused_and_nothing_created(register):
    make_user(Role.OFFICE_STAFF, username="ZhangWei")
    before = row_counts()

    with pytest.raises(ValidationError) as raised:
        register(username="zhangwei")

    assert raised.value.message_dict == {"username": ["该用户名已被使用，请换一个。"]}
    assert row_counts() == before


# --- email_verification_send / confirm / resend --------------------------------------


def test_email_verification_send_twice_sends_one_mail(register):
    user = register()

    results = (email_verification_send(user.pk), email_verification_send(user.pk))

    assert results == (True, False)
    assert [m.to for m in mail.outbox] == [["zhangwei@example.invalid"]]
    verification = EmailVerification.objects.get(user=user)
    assert (verification.send_count, verification.mail_owed) == (1, False)


def test_email_verification_send_unknown_user_sends_nothing(db):
    result = email_verification_send(999999)

    assert (result, mail.outbox) == (False, [])


def test_email_verification_confirm_activates_marks_and_audits(register):
    user = register()
    token = verification_token_make(user_id=user.pk, email=user.email)

    confirmed = email_verification_confirm(token, ip="203.0.113.7")

    user.refresh_from_db()
    assert (confirmed, user.is_active) == (user, True)
    assert user.email_verification.verified_at is not None
    assert audit_rows("account.verified") == [
        ("account.verified", user.pk, "core.User", str(user.pk), {}, "203.0.113.7")
    ]


def test_email_verification_confirm_second_time_refused_as_verified(register):
    user = register()
    token = verification_token_make(user_id=user.pk, email=user.email)
    email_verification_confirm(token)

    with pytest.raises(LinkRefusedError) as raised:
        email_verification_confirm(token)

    assert (raised.value.code, raised.value.reason) == ("verified", "该邮箱已经验证，请直接登录。")
    assert len(audit_rows("account.verified")) == 1


def test_email_verification_confirm_after_three_days_refused_as_expired(register, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    user = register()
    token = verification_token_make(user_id=user.pk, email=user.email)
    time_machine.move_to("2026-05-04 09:01+08:00", tick=False)

    with pytest.raises(LinkRefusedError) as raised:
        email_verification_confirm(token)

    assert (raised.value.code, raised.value.reason) == (
        "expired",
        "验证链接已过期（有效期3天）。请在下方重新发送验证邮件。",
    )
    user.refresh_from_db()
    assert user.is_active is False


def test_email_verification_confirm_just_within_three_days_activates(register, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    user = register()
    token = verification_token_make(user_id=user.pk, email=user.email)
    time_machine.move_to("2026-05-04 08:59+08:00", tick=False)

    email_verification_confirm(token)

    user.refresh_from_db()
    assert user.is_active is True


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "not-a-token",
    ],
)
def test_email_verification_confirm_tampered_token_refused_as_invalid(register, tamper):
    user = register()
    token = tamper(verification_token_make(user_id=user.pk, email=user.email))

    with pytest.raises(LinkRefusedError) as raised:
        email_verification_confirm(token)

    assert (raised.value.code, raised.value.reason) == (
        "invalid",
        "验证链接无效。请检查链接是否完整，或在下方重新发送验证邮件。",
    )


def test_email_verification_confirm_after_address_change_refused_as_invalid(register):
    user = register()
    token = verification_token_make(user_id=user.pk, email=user.email)
    user.email = "other@example.invalid"
    user.save(update_fields=["email"])

    with pytest.raises(LinkRefusedError) as raised:
        email_verification_confirm(token)

    assert raised.value.code == "invalid"


def test_email_verification_confirm_user_without_verification_refused(applicant):
    token = verification_token_make(user_id=applicant.pk, email=applicant.email)

    with pytest.raises(LinkRefusedError) as raised:
        email_verification_confirm(token)

    assert raised.value.code == "invalid"


def test_email_verification_resend_unknown_address_queues_nothing(register):
    register()
    email_verification_send(User.objects.get().pk)
    OutboxMessage.objects.all().delete()

    queued = email_verification_resend(email="nobody@example.invalid")

    assert (queued, outbox_rows()) == (0, [])


def test_email_verification_resend_after_interval_sends_a_second_mail(register, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    user = register()
    email_verification_send(user.pk)
    OutboxMessage.objects.all().delete()
    time_machine.move_to("2026-05-01 09:06+08:00", tick=False)

    queued = email_verification_resend(email=" ZhangWei@Example.invalid ")
    sent = email_verification_send(user.pk)

    assert (queued, sent) == (1, True)
    assert outbox_rows() == [("accounts.send_verification", {"user_id": user.pk})]
    assert len(mail.outbox) == 2


def test_email_verification_resend_within_interval_queues_nothing(register, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    user = register()
    email_verification_send(user.pk)
    OutboxMessage.objects.all().delete()
    time_machine.move_to("2026-05-01 09:04+08:00", tick=False)

    queued = email_verification_resend(email=user.email)

    assert (queued, outbox_rows()) == (0, [])


def test_email_verification_resend_mail_still_owed_queues_nothing(register):
    user = register()

    queued = email_verification_resend(email=user.email)

    assert queued == 0
    assert outbox_rows() == [("accounts.send_verification", {"user_id": user.pk})]


def test_email_verification_resend_verified_account_queues_nothing(register, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    user = register()
    email_verification_send(user.pk)
    email_verification_confirm(verification_token_make(user_id=user.pk, email=user.email))
    OutboxMessage.objects.all().delete()
    time_machine.move_to("2026-05-02 09:00+08:00", tick=False)

    queued = email_verification_resend(email=user.email)

    assert (queued, outbox_rows()) == (0, [])


# --- invitations ---------------------------------------------------------------------


def test_invitation_create_by_member_stores_audits_and_queues_mail(applicant, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)

    invitation = invitation_create(
        applicant.organisation_id,
        by=applicant,
        email=" lina@Example.INVALID ",
        full_name=" 李娜 ",
    )

    assert (
        invitation.organisation,
        invitation.email,
        invitation.full_name,
        invitation.invited_by,
        invitation.expires_at,
        invitation.accepted_at,
    ) == (
        applicant.organisation,
        "lina@example.invalid",
        "李娜",
        applicant,
        datetime.datetime(2026, 5, 8, 1, 0, tzinfo=datetime.UTC),
        None,
    )
    assert len(invitation.token) == 43
    assert audit_rows("invitation.create") == [
        (
            "invitation.create",
            applicant.pk,
            "accounts.Invitation",
            str(invitation.pk),
            {"organisation": applicant.organisation_id, "email": "lina@example.invalid"},
            None,
        )
    ]
    assert outbox_rows() == [("accounts.send_invitation", {"invitation_id": invitation.pk})]


def test_invitation_create_for_other_organisation_permission_denied(applicant):
    other = make_organisation()

    with pytest.raises(PermissionDenied):
        invitation_create(other.pk, by=applicant, email="x@example.invalid", full_name="某人")

    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OFFICE_STAFF, Role.SYSADMIN])
def test_invitation_create_by_non_applicant_permission_denied(applicant, role):
    staff = make_user(role)

    with pytest.raises(PermissionDenied):
        invitation_create(
            applicant.organisation_id, by=staff, email="x@example.invalid", full_name="某人"
        )

    assert Invitation.objects.count() == 0


def test_invitation_create_member_address_refused(applicant):
    applicant.email = "member@example.invalid"
    applicant.save(update_fields=["email"])

    with pytest.raises(ValidationError) as raised:
        invitation_create(
            applicant.organisation_id, by=applicant, email="MEMBER@example.invalid", full_name="某"
        )

    assert raised.value.message_dict == {"email": ["本单位已有使用该邮箱的成员。"]}


def test_invitation_create_pending_invitation_same_address_refused(applicant):
    invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )

    with pytest.raises(ValidationError) as raised:
        invitation_create(
            applicant.organisation_id, by=applicant, email="LINA@example.invalid", full_name="李娜"
        )

    assert raised.value.message_dict == {
        "email": ["已向该邮箱发出邀请，尚未过期，请等待对方接受。"]
    }
    assert Invitation.objects.count() == 1


def test_invitation_create_after_previous_expired_allowed(applicant, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )
    time_machine.move_to("2026-05-08 09:01+08:00", tick=False)

    invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )

    assert Invitation.objects.count() == 2


def test_invitation_send_twice_sends_one_mail(applicant):
    invitation = invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )

    results = (invitation_send(invitation.pk), invitation_send(invitation.pk))

    assert results == (True, False)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["lina@example.invalid"],
            f"{applicant.display_name}邀请您加入{applicant.organisation.name} — 衡阳市市长质量奖",
        )
    ]


def test_invitation_send_expired_sends_nothing(applicant, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    invitation = invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )
    time_machine.move_to("2026-05-08 09:00+08:00", tick=False)

    result = invitation_send(invitation.pk)

    assert (result, mail.outbox) == (False, [])


def test_invitation_accept_creates_active_applicant_of_the_organisation(applicant):
    invitation = invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )

    user = accept(invitation, ip="203.0.113.5")

    user.refresh_from_db()
    invitation.refresh_from_db()
    org = applicant.organisation
    assert (user.organisation, user.email, user.full_name, user.phone, user.is_active) == (
        org,
        "lina@example.invalid",
        "李娜",
        "13900000000",
        True,
    )
    assert sorted(user.groups.values_list("name", flat=True)) == [
        "applicant",
        f"org:{org.credit_code}",
    ]
    assert user.email_verification.verified_at == invitation.accepted_at
    assert invitation.accepted_user == user
    assert audit_rows("invitation.accept") == [
        (
            "invitation.accept",
            user.pk,
            "accounts.Invitation",
            str(invitation.pk),
            {"organisation": org.pk, "invited_by": applicant.pk},
            "203.0.113.5",
        )
    ]


def test_invitation_accept_second_time_refused_as_used(applicant):
    invitation = invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )
    accept(invitation)

    with pytest.raises(LinkRefusedError) as raised:
        accept(invitation, username="lina2")

    assert (raised.value.code, raised.value.reason) == (
        "used",
        "该邀请已被使用。如果您已设置账户，请直接登录；否则请同事重新邀请。",
    )
    assert User.objects.filter(username="lina2").exists() is False


def test_invitation_accept_after_expiry_refused_as_expired(applicant, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    invitation = invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )
    time_machine.move_to("2026-05-08 09:00+08:00", tick=False)

    with pytest.raises(LinkRefusedError) as raised:
        accept(invitation)

    assert (raised.value.code, raised.value.reason) == (
        "expired",
        "该邀请已过期。请联系邀请您的同事重新发送邀请。",
    )
    assert User.objects.filter(username="lina").exists() is False


def test_invitation_accept_inviter_deactivated_refused_as_revoked(applicant):
    invitation = invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])

    with pytest.raises(LinkRefusedError) as raised:
        accept(invitation)

    assert raised.value.code == "revoked"


def test_invitation_accept_username_taken_refused_and_invitation_unused(applicant):
    invitation = invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )

    with pytest.raises(ValidationError) as raised:
        accept(invitation, username=applicant.username.upper())

    invitation.refresh_from_db()
    assert raised.value.message_dict == {"username": ["该用户名已被使用，请换一个。"]}
    assert invitation.accepted_at is None
