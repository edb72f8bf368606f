import re

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from hengyang_award.accounts.services import invitation_create

pytestmark = pytest.mark.django_db


def test_send_verification_task_sends_one_mail_whose_link_verifies(
    client, register, outbox_run, mail_link
):
    user = register()

    results = outbox_run()

    assert results == [("accounts.send_verification", True)]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["zhangwei@example.invalid"], "请验证您的邮箱 — 衡阳市市长质量奖")
    ]
    path = mail_link()
    assert mail.outbox[0].body == (
        "张伟，您好：\n\n"
        "您在衡阳市市长质量奖注册了申报组织账户（用户名：zhangwei）。"
        "请在3天内打开下面的链接，完成邮箱验证后即可登录：\n\n"
        f"http://127.0.0.1:8000{path}\n\n"
        "如果这不是您本人的操作，请忽略本邮件。"
    )
    response = client.post(path)
    assertRedirects(response, reverse("login"), fetch_redirect_response=False)
    user.refresh_from_db()
    assert user.is_active is True


def test_send_verification_task_run_twice_sends_one_mail(register, outbox_run):
    register()
    outbox_run()

    results = outbox_run()

    assert results == [("accounts.send_verification", False)]
    assert len(mail.outbox) == 1


def test_send_verification_task_link_uses_site_url_setting(register, outbox_run, settings):
    register()
    settings.SITE_URL = "https://zlj.hengyang.example/"

    outbox_run()

    links = re.findall(r"https://zlj\.hengyang\.example(/\S+)", mail.outbox[0].body)
    assert len(links) == 1
    assert links[0].startswith("/accounts/verification/")


def test_send_invitation_task_run_twice_sends_one_mail_with_accept_link(
    applicant, outbox_run, mail_link
):
    invitation = invitation_create(
        applicant.organisation_id, by=applicant, email="lina@example.invalid", full_name="李娜"
    )
    first = outbox_run()

    second = outbox_run()

    assert (first, second) == (
        [("accounts.send_invitation", True)],
        [("accounts.send_invitation", False)],
    )
    assert [m.to for m in mail.outbox] == [["lina@example.invalid"]]
    assert mail_link() == reverse("accounts:invitation_accept", args=[invitation.token])
