import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertInHTML, assertRedirects

from hengyang_award.accounts.models import EmailVerification, Invitation
from hengyang_award.accounts.services import invitation_accept, invitation_create
from hengyang_award.accounts.tokens import verification_token_make
from hengyang_award.core.models import AuditLog, Organisation, User
from hengyang_award.core.roles import Role
from hengyang_award.jobs.models import OutboxMessage
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.django_db

REGISTER = "/accounts/register/"
DUPLICATE_MESSAGE = "该统一社会信用代码已注册。请联系本单位已注册的同事邀请您加入，或联系评审办。"
CHECKSUM_MESSAGE = "统一社会信用代码校验位不符。请核对；如确为真实代码，请联系评审办核实确认。"
RESEND_MESSAGE = "如果该邮箱对应尚未验证的账户，我们已重新发送验证邮件，请查收。"


def field_block(html: str, name: str) -> str:
    """The rendered `<div class="field">` wrapping one form field."""
    match = re.search(
        rf'<div class="field[^"]*">\s*<label for="id_{name}">'
        r'.*?(?=<div class="field|</div>\s*</section>)',
        html,
        re.S,
    )
    assert match is not None, name
    return match.group(0)


def field_error(html: str, name: str, message: str) -> None:
    assertInHTML(
        f'<div class="error" id="id_{name}_error" role="alert">{message} </div>',
        field_block(html, name),
    )


def without_csrf_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def row_counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Organisation.objects.count(),
        EmailVerification.objects.count(),
        OutboxMessage.objects.count(),
    )


def invite(applicant: User, email: str = "lina@example.invalid") -> Invitation:
    return invitation_create(applicant.organisation_id, by=applicant, email=email, full_name="李娜")


ACCEPT_DATA = {
    "username": "lina",
    "full_name": "李娜",
    "phone": "13900000000",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


# --- register -----------------------------------------------------------------------


def test_register_url_is_under_accounts():
    assert reverse("accounts:register") == REGISTER


def test_register_get_anonymous_shows_every_field(client, registration_data):
    response = client.get(REGISTER)

    assert response.status_code == 200
    html = response.content.decode()
    assert [name for name in registration_data() if f'name="{name}"' not in html] == []


@pytest.mark.parametrize("page", ["core:index", "login"])
def test_public_pages_anonymous_link_to_registration(client, page):
    response = client.get(reverse(page))

    assert f'href="{REGISTER}"' in response.content.decode()


def test_register_get_logged_in_redirects_home(client, applicant):
    client.force_login(applicant)

    response = client.get(REGISTER)

    assertRedirects(response, reverse("core:home"))


def test_register_post_logged_in_redirects_home_and_creates_nothing(
    client, applicant, registration_data
):
    client.force_login(applicant)
    before = row_counts()

    response = client.post(REGISTER, registration_data())

    assertRedirects(response, reverse("core:home"))
    assert row_counts() == before


def test_register_post_valid_creates_inactive_user_and_redirects_to_done(client, registration_data):
    data = registration_data()

    response = client.post(REGISTER, data)

    assertRedirects(response, reverse("accounts:register_done"))
    user = User.objects.get(username="zhangwei")
    assert (user.is_active, user.organisation.credit_code) == (False, data["credit_code"])
    assert sorted(user.groups.values_list("name", flat=True)) == [
        "applicant",
        f"org:{data['credit_code']}",
    ]
    assert list(OutboxMessage.objects.values_list("task", "kwargs")) == [
        ("accounts.send_verification", {"user_id": user.pk})
    ]
    assert AuditLog.objects.get(action="account.register").ip == "127.0.0.1"


def test_register_post_valid_does_not_log_in(client, registration_data):
    client.post(REGISTER, registration_data())

    response = client.get(reverse("core:home"))

    assert response.status_code == 302


def test_register_post_duplicate_code_field_error_keeps_values_and_creates_nothing(
    client, register, registration_data
):
    first = register()
    before = row_counts()
    data = registration_data(
        username="lisi",
        email="lisi@example.invalid",
        name="衡阳另一家有限公司",
        credit_code=first.organisation.credit_code,
    )

    response = client.post(REGISTER, data)

    assert response.status_code == 200
    assert row_counts() == before
    html = response.content.decode()
    field_error(html, "credit_code", DUPLICATE_MESSAGE)
    assert response.context["form"].errors == {"credit_code": [DUPLICATE_MESSAGE]}
    assertInHTML(
        '<input type="text" name="name" value="衡阳另一家有限公司" maxlength="120" required'
        ' id="id_name">',
        html,
    )
    assertInHTML(
        '<input type="text" name="username" value="lisi" maxlength="150"'
        ' autocomplete="username" required aria-describedby="id_username_helptext"'
        ' id="id_username">',
        html,
    )
    assert PASSWORD not in html


def test_register_post_invalid_keeps_every_typed_value_except_passwords(client, registration_data):
    data = registration_data(password2="another-horse-battery-9")

    response = client.post(REGISTER, data)

    form = response.context["form"]
    kept = {name: form[name].value() for name in data if name not in ("password1", "password2")}
    assert kept == {k: v for k, v in data.items() if k not in ("password1", "password2")}
    html = response.content.decode()
    assert [name for name in kept if f'value="{data[name]}"' not in html] == []
    assert (PASSWORD in html, "another-horse-battery-9" in html) == (False, False)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9151208", "统一社会信用代码应为18位，当前为7位。"),
        ("91512081MA62K026SE", "统一社会信用代码含有不允许的字符：S（不使用 I、O、S、V、Z）。"),
        ("91512081MA62K0260F", CHECKSUM_MESSAGE),
        # The standard's own example of an invalid code: its check character Z is
        # outside the character set.
        ("91350100M000100Y4Z", "统一社会信用代码含有不允许的字符：Z（不使用 I、O、S、V、Z）。"),
    ],
)
def test_register_post_invalid_code_field_error_and_creates_nothing(
    client, registration_data, code, message
):
    before = row_counts()

    response = client.post(REGISTER, registration_data(credit_code=code))

    assert response.status_code == 200
    assert response.context["form"].errors == {"credit_code": [message]}
    field_error(response.content.decode(), "credit_code", message)
    assert row_counts() == before


def test_register_post_future_registration_date_field_error(client, registration_data):
    before = row_counts()

    response = client.post(REGISTER, registration_data(registration_date="2999-01-01"))

    assert response.context["form"].errors == {"registration_date": ["注册日期不能晚于今天。"]}
    field_error(response.content.decode(), "registration_date", "注册日期不能晚于今天。")
    assert row_counts() == before


def test_register_post_password_mismatch_field_error(client, registration_data):
    before = row_counts()

    response = client.post(REGISTER, registration_data(password2="another-horse-battery-9"))

    assert response.context["form"].errors == {"password2": ["两次输入的密码不一致。"]}
    field_error(response.content.decode(), "password2", "两次输入的密码不一致。")
    assert row_counts() == before


def test_register_post_without_csrf_token_403(registration_data):
    csrf_client = Client(enforce_csrf_checks=True)
    before = row_counts()

    response = csrf_client.post(REGISTER, registration_data())

    assert response.status_code == 403
    assert row_counts() == before


def test_register_post_extra_fields_change_nothing(client, registration_data):
    other = make_organisation()
    data = registration_data(
        is_active="on", is_staff="on", is_superuser="on", organisation=str(other.pk)
    )

    client.post(REGISTER, data)

    user = User.objects.get(username="zhangwei")
    assert (user.is_active, user.is_staff, user.is_superuser) == (False, False, False)
    assert user.organisation != other
    assert user.organisation.credit_code == data["credit_code"]


def test_register_done_get_200(client):
    response = client.get(reverse("accounts:register_done"))

    assert response.status_code == 200
    assert "请在3天内打开邮件中的链接完成验证" in response.content.decode()


# --- verify ---------------------------------------------------------------------------


def test_verify_get_valid_token_shows_confirmation_and_changes_nothing(client, register):
    user = register()
    url = reverse(
        "accounts:verify", args=[verification_token_make(user_id=user.pk, email=user.email)]
    )

    response = client.get(url)

    assert response.status_code == 200
    assert "确认验证" in response.content.decode()
    user.refresh_from_db()
    assert (user.is_active, user.email_verification.verified_at) == (False, None)


def test_verify_post_valid_token_activates_audits_and_redirects_to_login(client, register):
    user = register()
    url = reverse(
        "accounts:verify", args=[verification_token_make(user_id=user.pk, email=user.email)]
    )

    response = client.post(url)

    assertRedirects(response, reverse("login"))
    assert message_texts(response) == ["邮箱验证成功，账户已启用。请登录。"]
    user.refresh_from_db()
    assert user.is_active is True
    assert list(AuditLog.objects.filter(action="account.verified").values_list("actor", "ip")) == [
        (user.pk, "127.0.0.1")
    ]
    # Axes checks every authentication against its request (AU-1).
    assert client.login(request=HttpRequest(), username="zhangwei", password=PASSWORD) is True


def test_verify_post_without_csrf_token_403(register):
    user = register()
    url = reverse(
        "accounts:verify", args=[verification_token_make(user_id=user.pk, email=user.email)]
    )

    response = Client(enforce_csrf_checks=True).post(url)

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.is_active is False


@pytest.mark.parametrize("method", ["get", "post"])
def test_verify_bad_token_404_with_message_and_resend_form(client, method):
    response = getattr(client, method)(reverse("accounts:verify", args=["forged:token"]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "验证链接无效。请检查链接是否完整，或在下方重新发送验证邮件。" in html
    assert f'action="{reverse("accounts:verification_resend")}"' in html
    assert 'name="email"' in html


def test_verify_expired_token_410_with_message(client, register, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    user = register()
    url = reverse(
        "accounts:verify", args=[verification_token_make(user_id=user.pk, email=user.email)]
    )
    time_machine.move_to("2026-05-04 09:01+08:00", tick=False)

    response = client.post(url)

    assert response.status_code == 410
    assert "验证链接已过期（有效期3天）。请在下方重新发送验证邮件。" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active is False


def test_verify_already_verified_redirects_to_login_with_message(client, register):
    user = register()
    url = reverse(
        "accounts:verify", args=[verification_token_make(user_id=user.pk, email=user.email)]
    )
    client.post(url)

    response = client.get(url)

    assertRedirects(response, reverse("login"))
    assert message_texts(response)[-1] == "该邮箱已经验证，请直接登录。"


# --- verification_resend ------------------------------------------------------------


def test_verification_resend_unknown_and_known_address_answer_the_same(
    client, register, outbox_run, time_machine
):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    user = register()
    outbox_run()
    OutboxMessage.objects.all().delete()
    time_machine.move_to("2026-05-01 10:00+08:00", tick=False)
    url = reverse("accounts:verification_resend")

    unknown = client.post(url, {"email": "nobody@example.invalid"}, follow=True)
    known = client.post(url, {"email": user.email}, follow=True)

    assert (unknown.redirect_chain, known.redirect_chain) == ([(url, 302)], [(url, 302)])
    assert without_csrf_tokens(unknown) == without_csrf_tokens(known)
    assert RESEND_MESSAGE in known.content.decode()
    assert list(OutboxMessage.objects.values_list("task", "kwargs")) == [
        ("accounts.send_verification", {"user_id": user.pk})
    ]


def test_verification_resend_known_address_sends_a_second_mail(
    client, register, outbox_run, time_machine
):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    user = register()
    outbox_run()
    OutboxMessage.objects.all().delete()
    time_machine.move_to("2026-05-01 10:00+08:00", tick=False)

    client.post(reverse("accounts:verification_resend"), {"email": user.email})
    outbox_run()

    assert [m.to for m in mail.outbox] == [[user.email], [user.email]]


def test_verification_resend_invalid_address_field_error(client):
    response = client.post(reverse("accounts:verification_resend"), {"email": "not-an-address"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["输入一个有效的 Email 地址。"]}


# --- members and invitations --------------------------------------------------------


def test_members_member_sees_colleagues_and_pending_invitations(client, applicant):
    colleague = make_user(Role.APPLICANT, organisation=applicant.organisation)
    invite(applicant)
    client.force_login(applicant)

    response = client.get(reverse("accounts:members", args=[applicant.organisation_id]))

    assert response.status_code == 200
    assert list(response.context["members"]) == [applicant, colleague]
    assert [i.email for i in response.context["invitations"]] == ["lina@example.invalid"]


def test_members_anonymous_redirects_to_login(client, applicant):
    url = reverse("accounts:members", args=[applicant.organisation_id])

    response = client.get(url)

    assertRedirects(response, f"{reverse('login')}?next={url}")


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.OFFICE_STAFF, Role.COUNTY_OFFICIAL])
def test_members_other_than_own_organisation_404(client, applicant, role):
    org = make_organisation()
    bodies = {"organisation": org} if role == Role.APPLICANT else {}
    if role == Role.COUNTY_OFFICIAL:
        bodies = {"county": applicant.organisation.county}
    client.force_login(make_user(role, **bodies))

    response = client.get(reverse("accounts:members", args=[applicant.organisation_id]))

    assert response.status_code == 404


def test_members_query_count_does_not_grow_with_rows(client, applicant):
    client.force_login(applicant)
    url = reverse("accounts:members", args=[applicant.organisation_id])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        make_user(Role.APPLICANT, organisation=applicant.organisation)
        invite(applicant, email=f"colleague{n}@example.invalid")

    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert (len(response.context["members"]), len(response.context["invitations"])) == (6, 5)
    assert len(many) == len(few)


def test_invitation_create_post_by_member_queues_mail_and_redirects(client, applicant):
    client.force_login(applicant)
    url = reverse("accounts:members", args=[applicant.organisation_id])

    response = client.post(
        reverse("accounts:invitation_create", args=[applicant.organisation_id]),
        {"email": "lina@example.invalid", "full_name": "李娜"},
    )

    assertRedirects(response, url)
    assert message_texts(response) == ["已向lina@example.invalid发送邀请。"]
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.invited_by) == (applicant.organisation, applicant)


def test_invitation_create_post_for_other_organisation_404_and_nothing_created(client, applicant):
    outsider = make_user(Role.APPLICANT, organisation=make_organisation())
    client.force_login(outsider)

    response = client.post(
        reverse("accounts:invitation_create", args=[applicant.organisation_id]),
        {"email": "spy@example.invalid", "full_name": "某人"},
    )

    assert response.status_code == 404
    assert (Invitation.objects.count(), OutboxMessage.objects.count()) == (0, 0)


def test_invitation_create_post_extra_organisation_field_changes_nothing(client, applicant):
    other = make_organisation()
    client.force_login(applicant)

    client.post(
        reverse("accounts:invitation_create", args=[applicant.organisation_id]),
        {"email": "lina@example.invalid", "full_name": "李娜", "organisation": str(other.pk)},
    )

    assert list(Invitation.objects.values_list("organisation", flat=True)) == [
        applicant.organisation_id
    ]


def test_invitation_create_get_405(client, applicant):
    client.force_login(applicant)

    response = client.get(reverse("accounts:invitation_create", args=[applicant.organisation_id]))

    assert response.status_code == 405


def test_invitation_create_post_refused_address_field_error(client, applicant):
    invite(applicant)
    client.force_login(applicant)

    response = client.post(
        reverse("accounts:invitation_create", args=[applicant.organisation_id]),
        {"email": "lina@example.invalid", "full_name": "李娜"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["已向该邮箱发出邀请，尚未过期，请等待对方接受。"]
    }
    assert Invitation.objects.count() == 1


def test_invitation_flow_end_to_end_invitee_becomes_active_member(
    client, applicant, outbox_run, mail_link
):
    client.force_login(applicant)
    client.post(
        reverse("accounts:invitation_create", args=[applicant.organisation_id]),
        {"email": "lina@example.invalid", "full_name": "李娜"},
    )
    outbox_run()
    path = mail_link()
    client.logout()
    invitee = Client()

    page = invitee.get(path)
    accepted = invitee.post(path, ACCEPT_DATA)
    logged_in = invitee.login(request=HttpRequest(), username="lina", password=PASSWORD)

    assert page.status_code == 200
    assert page.context["form"]["full_name"].value() == "李娜"
    assertRedirects(accepted, reverse("login"), fetch_redirect_response=False)
    assert logged_in is True
    user = User.objects.get(username="lina")
    assert (user.organisation, user.email, user.is_active) == (
        applicant.organisation,
        "lina@example.invalid",
        True,
    )
    assert sorted(user.groups.values_list("name", flat=True)) == [
        "applicant",
        f"org:{applicant.organisation.credit_code}",
    ]
    members = invitee.get(reverse("accounts:members", args=[applicant.organisation_id]))
    assert list(members.context["members"]) == [applicant, user]
    assert list(members.context["invitations"]) == []
    assert list(
        AuditLog.objects.filter(action__startswith="invitation.")
        .order_by("pk")
        .values_list("action", "actor")
    ) == [
        ("invitation.create", applicant.pk),
        ("invitation.accept", user.pk),
    ]


def test_invitation_accept_used_invitation_410_with_message(client, applicant):
    invitation = invite(applicant)
    invitation_accept(
        invitation.token, username="lina", password=PASSWORD, full_name="李娜", phone="1"
    )
    url = reverse("accounts:invitation_accept", args=[invitation.token])

    response = client.post(url, {**ACCEPT_DATA, "username": "lina2"})

    assert response.status_code == 410
    assert "该邀请已被使用。如果您已设置账户，请直接登录；否则请同事重新邀请。" in (
        response.content.decode()
    )
    assert User.objects.filter(username="lina2").exists() is False


def test_invitation_accept_expired_invitation_410_with_message(client, applicant, time_machine):
    time_machine.move_to("2026-05-01 09:00+08:00", tick=False)
    invitation = invite(applicant)
    time_machine.move_to("2026-05-08 09:00+08:00", tick=False)
    url = reverse("accounts:invitation_accept", args=[invitation.token])

    response = client.get(url)

    assert response.status_code == 410
    assert "该邀请已过期。请联系邀请您的同事重新发送邀请。" in response.content.decode()


def test_invitation_accept_unknown_token_404_with_message(client):
    response = client.get(reverse("accounts:invitation_accept", args=["no-such-token"]))

    assert response.status_code == 404
    assert "邀请链接无效。请检查链接是否完整，或请同事重新邀请。" in response.content.decode()


def test_invitation_accept_post_password_mismatch_field_error_and_unused(client, applicant):
    invitation = invite(applicant)
    url = reverse("accounts:invitation_accept", args=[invitation.token])

    response = client.post(url, {**ACCEPT_DATA, "password2": "another-horse-battery-9"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": ["两次输入的密码不一致。"]}
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_accept_password_similar_to_invited_address_field_error(client, applicant):
    invitation = invite(applicant, email="linawang2024x@example.invalid")
    url = reverse("accounts:invitation_accept", args=[invitation.token])
    password = "linawang2024xy"

    response = client.post(url, {**ACCEPT_DATA, "password1": password, "password2": password})

    assert response.context["form"].errors == {"password1": ["密码跟 电子邮件地址 太相似了。"]}


def test_invitation_accept_logged_in_redirects_home(client, applicant):
    invitation = invite(applicant)
    client.force_login(applicant)

    response = client.get(reverse("accounts:invitation_accept", args=[invitation.token]))

    assertRedirects(response, reverse("core:home"))
