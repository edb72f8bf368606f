import re

import pytest
from django.core import mail
from django.urls import reverse

from hengyang_award.core.models import AuditLog
from hengyang_award.core.roles import Role
from hengyang_award.jobs.models import OutboxMessage
from hengyang_award.jobs.outbox import outbox_relay
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_password_reset_unknown_address_answers_like_known(client):
    make_user(Role.REVIEWER, email="known@example.invalid")

    known = client.post(reverse("accounts:password_reset"), {"email": "known@example.invalid"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.invalid"})

    assert known.status_code == unknown.status_code == 200
    sent = "如果该邮箱对应一个有效账号，设置新密码的链接已经发出，三天内有效。"
    assert sent in known.content.decode()
    assert sent in unknown.content.decode()
    assert OutboxMessage.objects.filter(task="accounts.send_password_reset").count() == 1


def test_password_reset_link_sets_new_password_once(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    user = make_user(Role.REVIEWER, email="r1@example.invalid")
    client.post(reverse("accounts:password_reset"), {"email": "r1@example.invalid"})
    outbox_relay()
    path = re.search(r"https?://[^/]+(/\S+)", mail.outbox[-1].body)[1]
    form_page = client.get(path, follow=True)
    form_url = form_page.redirect_chain[-1][0]
    new = "a-much-longer-pass-2026"

    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    again = client.get(path, follow=True)

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password(new) is True
    assert AuditLog.objects.filter(action="account.password_reset", actor=user).count() == 1
    assert again.context["validlink"] is False
