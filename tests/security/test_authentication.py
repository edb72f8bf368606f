"""AU-1…AU-4 and DA-4: lockout, second factor, session timeouts, deployment checks,
security headers and the error page."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hengyang_award.core.models import AuditLog
from hengyang_award.core.roles import Role
from hengyang_award.core.security import SESSION_LAST_SEEN, SESSION_STARTED
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _applicant():
    return make_user(Role.APPLICANT, organisation=make_organisation())


def _login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


# --- AU-1 lockout ---------------------------------------------------------------


def test_login_five_failures_locks_the_account_even_for_the_right_password(client):
    user = make_user(Role.OFFICE_STAFF)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, user.username, "wrong-password-123")
        assert response.status_code == 200
    # The fifth failure locks the account; from then on even the right password fails.
    assert _login(client, user.username, "wrong-password-123").status_code == 429
    response = _login(client, user.username)
    assert response.status_code == 429
    assert "账户暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="auth.lockout", detail__username=user.username).exists()


def test_login_lockout_is_per_account_other_users_still_log_in(client):
    victim = make_user(Role.OFFICE_STAFF)
    other = make_user(Role.OFFICE_STAFF)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, victim.username, "wrong-password-123")
    response = _login(client, other.username)
    assert response.status_code == 302


def test_login_unknown_user_and_wrong_password_same_message(client):
    user = _applicant()
    wrong_password = _login(client, user.username, "wrong-password-123").context["form"]
    unknown_user = _login(client, "nobody-at-all", "wrong-password-123").context["form"]
    assert wrong_password.non_field_errors() == unknown_user.non_field_errors()
    assert wrong_password.non_field_errors()


def test_login_success_resets_failure_count(client):
    user = _applicant()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.username, "wrong-password-123")
    assert _login(client, user.username).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.username, "wrong-password-123")
    assert _login(client, user.username).status_code == 302


# --- AU-3 sessions -----------------------------------------------------------------


def test_login_rotates_the_session_key(client):
    user = _applicant()
    client.get(LOGIN)
    session = client.session
    session["marker"] = "before"
    session.save()
    before = session.session_key
    _login(client, user.username)
    assert client.session.session_key != before


def _age_session(client, *, idle_seconds=0, since_login_seconds=0):
    session = client.session
    now = time.time()
    session[SESSION_LAST_SEEN] = now - idle_seconds
    session[SESSION_STARTED] = now - since_login_seconds
    session.save()


def test_session_staff_idle_past_timeout_is_logged_out(client):
    user = make_user(Role.OFFICE_STAFF)
    _login(client, user.username)
    idle = settings.SESSION_IDLE_TIMEOUT_STAFF.total_seconds()
    _age_session(client, idle_seconds=idle + 5, since_login_seconds=idle + 5)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert AuditLog.objects.filter(action="auth.session_timeout", actor=user).exists()
    assert "_auth_user_id" not in client.session


def test_session_staff_active_within_timeout_stays(client):
    user = make_user(Role.OFFICE_STAFF)
    _login(client, user.username)
    idle = settings.SESSION_IDLE_TIMEOUT_STAFF.total_seconds()
    _age_session(client, idle_seconds=idle - 60, since_login_seconds=idle * 4)
    assert client.get(reverse("core:home")).status_code == 200


def test_session_applicant_idle_is_not_a_staff_timeout(client):
    user = _applicant()
    _login(client, user.username)
    idle = settings.SESSION_IDLE_TIMEOUT_STAFF.total_seconds()
    _age_session(client, idle_seconds=idle + 60, since_login_seconds=idle + 60)
    assert client.get(reverse("core:home")).status_code == 200


def test_session_absolute_timeout_ends_any_session(client):
    user = _applicant()
    _login(client, user.username)
    absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
    _age_session(client, since_login_seconds=absolute + 5)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302


def test_user_deactivated_sessions_end_at_once(client):
    user = make_user(Role.OFFICE_STAFF)
    _login(client, user.username)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    user.is_active = False
    user.save()
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("core:home")).status_code == 302


def test_logout_deletes_the_server_session(client):
    user = _applicant()
    _login(client, user.username)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()


# --- AU-2 second factor ------------------------------------------------------------


def _token(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


@override_settings(SECOND_FACTOR_REQUIRED=True)
def test_second_factor_staff_must_enrol_then_reaches_pages(client):
    user = make_user(Role.OFFICE_STAFF)
    _login(client, user.username)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp_setup"))
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    refused = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert refused.status_code == 200
    assert "验证码不正确" in refused.content.decode()
    done = client.post(reverse("accounts:otp_setup"), {"token": _token(device), "next": "/home/"})
    assert done.status_code == 302
    assert done.url == "/home/"
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditLog.objects.filter(action="auth.otp_enrolled", actor=user).exists()


@override_settings(SECOND_FACTOR_REQUIRED=True)
def test_second_factor_enrolled_staff_verifies_after_each_login(client):
    user = make_user(Role.REVIEWER)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    _login(client, user.username)
    response = client.get(reverse("core:home"))
    assert response.url.startswith(reverse("accounts:otp_verify"))
    wrong = client.post(reverse("accounts:otp_verify"), {"token": "123456"})
    assert "验证码不正确" in wrong.content.decode()
    assert AuditLog.objects.filter(action="auth.otp_failed", actor=user).exists()
    # After a failure django-otp throttles the device for a moment.
    with time_machine.travel(time.time() + 30, tick=False):
        device.refresh_from_db()
        ok = client.post(reverse("accounts:otp_verify"), {"token": _token(device)})
        assert ok.status_code == 302
        assert client.get(reverse("core:home")).status_code == 200


@override_settings(SECOND_FACTOR_REQUIRED=True)
def test_second_factor_next_refuses_an_outside_address(client):
    user = make_user(Role.OFFICE_STAFF)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    _login(client, user.username)
    ok = client.post(
        reverse("accounts:otp_verify"), {"token": _token(device), "next": "https://evil.example/"}
    )
    assert ok.url == reverse("core:home")


@override_settings(SECOND_FACTOR_REQUIRED=True)
def test_second_factor_not_required_for_applicants(client):
    user = _applicant()
    _login(client, user.username)
    assert client.get(reverse("core:home")).status_code == 200


# --- AU-4 headers and deployment checks ------------------------------------------------


def test_every_page_carries_csp_and_security_headers(client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_script_or_handlers():
    """CSP without 'unsafe-inline' would silently break inline code."""
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if "pdf" in path.parts:
            continue
        text = path.read_text()
        for needle in ("<script>", "onchange=", "onclick=", "onsubmit=", "onload=", "<style"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def test_check_deploy_passes_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hengyang_award.settings.production",
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-9f8e7d6c5b4a",
        "ALLOWED_HOSTS": "award.example.gov.cn",
    }
    # Set by the browser tests' conftest for the live server; never in deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- DA-4 error page -----------------------------------------------------------------------


@override_settings(ROOT_URLCONF="tests.security.urls_error", DEBUG=False)
def test_server_error_shows_reference_not_traceback(client, caplog):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret-internal-detail" not in body
    assert "Traceback" not in body
    reference = body.split('class="reference">')[1].split("<")[0]
    assert len(reference) == 12
    assert any(reference in record.getMessage() for record in caplog.records)
