"""Session and response hardening (QUALITY.md AU-2, AU-3, AU-4, DA-4): idle and
absolute session timeouts, the second factor for staff roles, the
Content-Security-Policy header, and the error page with a reference id."""

import logging
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

from .roles import STAFF_ROLES

logger = logging.getLogger("hengyang_award.errors")

SESSION_STARTED = "_auth_started"
SESSION_LAST_SEEN = "_auth_last_seen"
SESSION_STAFF = "_auth_staff"
# The last-seen stamp is written at most once a minute, not on every request.
LAST_SEEN_RESOLUTION = 60


def user_is_staff_role(user) -> bool:
    return user.is_authenticated and user.groups.filter(name__in=STAFF_ROLES).exists()


def session_start(request: HttpRequest, user) -> None:
    """Stamp a new login (called from the user_logged_in signal)."""
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now
    request.session[SESSION_STAFF] = user_is_staff_role(user)


def session_expired(session, *, now: float) -> bool:
    started = session.get(SESSION_STARTED, now)
    if now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
        return True
    last_seen = session.get(SESSION_LAST_SEEN, now)
    idle = settings.SESSION_IDLE_TIMEOUT_STAFF.total_seconds()
    return bool(session.get(SESSION_STAFF)) and now - last_seen > idle


class SessionTimeoutMiddleware:
    """AU-3: staff roles are logged out after the idle timeout, everyone after the
    absolute timeout from login."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            if session_expired(request.session, now=now):
                from .services import audit_log_write

                audit_log_write("auth.session_timeout", actor=user, obj=user)
                logout(request)
                messages.info(request, _("您的登录已超时，请重新登录。"))
                return redirect_to_login(request.get_full_path())
            if now - request.session.get(SESSION_LAST_SEEN, 0) > LAST_SEEN_RESOLUTION:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


# Paths a staff user without a verified second factor may still reach.
SECOND_FACTOR_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz/", "/public/")


class SecondFactorMiddleware:
    """AU-2: where the second factor is required (production), a staff user who has
    not confirmed a TOTP code in this session is sent to enrol or to verify."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.SECOND_FACTOR_REQUIRED
            and user is not None
            and user.is_authenticated
            and request.session.get(SESSION_STAFF)
            and not user.is_verified()
            and not request.path.startswith(SECOND_FACTOR_EXEMPT_PREFIXES)
        ):
            target = "accounts:otp_verify" if _has_device(user) else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


def _has_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


class ContentSecurityPolicyMiddleware:
    """AU-4: the policy of settings.CONTENT_SECURITY_POLICY on every response."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


def server_error(request: HttpRequest) -> HttpResponse:
    """DA-4: a generic page with a reference id; the traceback goes to the log under
    the same id, never to the user."""
    reference = uuid.uuid4().hex[:12].upper()
    logger.error("server error %s at %s", reference, request.path, exc_info=True)
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"reference": reference}))


def lockout_response(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """AU-1: the page shown while an account is locked (HTTP 429); the lockout is
    audited. The same page whatever the username, known or not."""
    from django.shortcuts import render

    from .services import audit_log_write

    username = str((credentials or {}).get("username", ""))[:150]
    audit_log_write("auth.lockout", username=username, ip=request.META.get("REMOTE_ADDR"))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
