"""Self-registration of applicant organisations, e-mail verification and the
invitation of colleagues. Every mail leaves after commit through the outbox."""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import audit_log_write, organisation_register, user_create
from hengyang_award.jobs.outbox import outbox_enqueue

from .models import EmailVerification, Invitation
from .selectors import (
    email_verification_for_token,
    invitation_for_token,
    invitations_pending,
    organisations_of_member,
    username_available,
)
from .tokens import VERIFICATION_MAX_AGE, invitation_token_make, verification_token_make

INVITATION_VALID_FOR = datetime.timedelta(days=7)
# Anyone may ask for a verification mail to be sent again; this bounds how often a
# stranger can make us write to someone's inbox.
RESEND_MIN_INTERVAL = datetime.timedelta(minutes=5)


def absolute_url(path: str) -> str:
    """`path` on the public site. SITE_URL is optional and read at each call."""
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000")
    return base.rstrip("/") + path


def _username_ensure_available(username: str) -> None:
    if not username_available(username):
        raise ValidationError({"username": _("该用户名已被使用，请换一个。")})


# --- registration and e-mail verification -----------------------------------------


def registration_submit(
    *,
    username: str,
    password: str,
    full_name: str,
    email: str,
    phone: str,
    organisation: dict[str, Any],
    ip: str | None = None,
) -> User:
    """Register an organisation and its first user, who stays inactive until the
    e-mail address is verified. Raises ValidationError keyed by field."""
    values = {
        "username": username,
        "password": password,
        "full_name": full_name,
        "email": email,
        "phone": phone,
        "organisation": organisation,
        "ip": ip,
    }
    try:
        return _registration_create(**values)
    except IntegrityError:
        # A concurrent registration took the credit code or the username between
        # the checks and the inserts; a second attempt's checks say which, in words.
        return _registration_create(**values)


@transaction.atomic
def _registration_create(
    *,
    username: str,
    password: str,
    full_name: str,
    email: str,
    phone: str,
    organisation: dict[str, Any],
    ip: str | None,
) -> User:
    _username_ensure_available(username)
    org = organisation_register(by=None, **organisation)
    user = user_create(
        username=username,
        password=password,
        roles=[Role.APPLICANT],
        organisation=org,
        full_name=full_name,
        email=email,
        phone=phone,
        is_active=False,
    )
    EmailVerification.objects.create(user=user, requested_at=timezone.now())
    audit_log_write("account.register", actor=user, obj=user, ip=ip, organisation=org.pk)
    outbox_enqueue("accounts.send_verification", user_id=user.pk)
    return user


@transaction.atomic
def email_verification_send(user_id: int) -> bool:
    """Send the verification mail if one is owed. Returns True when this call sent it."""
    verification = (
        EmailVerification.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(user_id=user_id)
        .first()
    )
    if verification is None or not verification.mail_owed:
        return False
    user = verification.user
    token = verification_token_make(user_id=user.pk, email=user.email)
    link = absolute_url(reverse("accounts:verify", kwargs={"token": token}))
    with translation.override(user.language):
        params = {
            "name": user.display_name,
            "username": user.username,
            "site": str(settings.SITE_NAME),
            "days": VERIFICATION_MAX_AGE.days,
            "link": link,
        }
        subject = _("请验证您的邮箱 — %(site)s") % params
        body = (
            _(
                "%(name)s，您好：\n\n"
                "您在%(site)s注册了申报组织账户（用户名：%(username)s）。"
                "请在%(days)d天内打开下面的链接，完成邮箱验证后即可登录：\n\n"
                "%(link)s\n\n"
                "如果这不是您本人的操作，请忽略本邮件。"
            )
            % params
        )
    send_mail(subject, body, None, [user.email], fail_silently=False)
    verification.sent_at = timezone.now()
    verification.send_count += 1
    verification.save(update_fields=["sent_at", "send_count"])
    return True


@transaction.atomic
def email_verification_resend(*, email: str) -> int:
    """Queue the verification mail again for every unverified account with this
    address. Returns how many were queued; callers must not tell the visitor."""
    now = timezone.now()
    pending = EmailVerification.objects.select_for_update(of=("self",)).filter(
        user__email__iexact=email.strip(), user__is_active=False, verified_at=None
    )
    queued = 0
    for verification in pending:
        if verification.mail_owed:
            continue
        if verification.sent_at and now - verification.sent_at < RESEND_MIN_INTERVAL:
            continue
        verification.requested_at = now
        verification.save(update_fields=["requested_at"])
        outbox_enqueue("accounts.send_verification", user_id=verification.user_id)
        queued += 1
    return queued


@transaction.atomic
def email_verification_confirm(token: str, *, ip: str | None = None) -> User:
    """Activate the account a verification link stands for. Raises LinkRefusedError."""
    verification = email_verification_for_token(token, for_update=True)
    user = verification.user
    verification.verified_at = timezone.now()
    verification.save(update_fields=["verified_at"])
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_log_write("account.verified", actor=user, obj=user, ip=ip)
    return user


# --- invitations -------------------------------------------------------------------


@transaction.atomic
def invitation_create(organisation_id: int, *, by: User, email: str, full_name: str) -> Invitation:
    organisation = (
        organisations_of_member(by).select_for_update().filter(pk=organisation_id).first()
    )
    if organisation is None:
        raise PermissionDenied
    email = User.objects.normalize_email(email.strip())
    if organisation.members.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("本单位已有使用该邮箱的成员。")})
    if invitations_pending(organisation).filter(email__iexact=email).exists():
        raise ValidationError({"email": _("已向该邮箱发出邀请，尚未过期，请等待对方接受。")})
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        full_name=full_name.strip(),
        invited_by=by,
        token=invitation_token_make(),
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    audit_log_write(
        "invitation.create", actor=by, obj=invitation, organisation=organisation.pk, email=email
    )
    outbox_enqueue("accounts.send_invitation", invitation_id=invitation.pk)
    return invitation


@transaction.atomic
def invitation_send(invitation_id: int) -> bool:
    """Send the invitation mail once, while it can still be accepted. Returns True
    when this call sent it."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.sent_at or invitation.accepted_at or invitation.is_expired:
        return False
    link = absolute_url(reverse("accounts:invitation_accept", kwargs={"token": invitation.token}))
    # The invitee has no language of their own yet; the inviter's is the best guess.
    with translation.override(invitation.invited_by.language):
        params = {
            "name": invitation.full_name,
            "inviter": invitation.invited_by.display_name,
            "organisation": invitation.organisation.name,
            "site": str(settings.SITE_NAME),
            "expires": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
            "link": link,
        }
        subject = _("%(inviter)s邀请您加入%(organisation)s — %(site)s") % params
        body = (
            _(
                "%(name)s，您好：\n\n"
                "%(inviter)s邀请您作为%(organisation)s的成员使用%(site)s。"
                "请在%(expires)s之前打开下面的链接，设置用户名和密码：\n\n"
                "%(link)s\n\n"
                "如果您不认识邀请人，请忽略本邮件。"
            )
            % params
        )
    send_mail(subject, body, None, [invitation.email], fail_silently=False)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    return True


@transaction.atomic
def invitation_accept(
    token: str,
    *,
    username: str,
    password: str,
    full_name: str,
    phone: str,
    ip: str | None = None,
) -> User:
    """Create the invitee's account, active at once: opening the link proved the
    address. Raises LinkRefusedError for an unusable invitation."""
    invitation = invitation_for_token(token, for_update=True)
    _username_ensure_available(username)
    user = user_create(
        username=username,
        password=password,
        roles=[Role.APPLICANT],
        organisation=invitation.organisation,
        full_name=full_name,
        email=invitation.email,
        phone=phone,
    )
    now = timezone.now()
    EmailVerification.objects.create(user=user, verified_at=now)
    invitation.accepted_at = now
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    audit_log_write(
        "invitation.accept",
        actor=user,
        obj=invitation,
        ip=ip,
        organisation=invitation.organisation_id,
        invited_by=invitation.invited_by_id,
    )
    return user


def password_reset_request(*, email: str) -> int:
    """Queue a password-reset e-mail for each active account with this address.
    The answer does not depend on whether the address exists (no enumeration)."""
    users = list(User.objects.filter(email__iexact=email.strip(), is_active=True))
    with transaction.atomic():
        for user in users:
            outbox_enqueue(
                "accounts.send_password_reset",
                dedupe_key=f"password-reset:{user.pk}:{uuid.uuid4().hex}",
                user_id=user.pk,
            )
            audit_log_write("account.password_reset_requested", actor=None, obj=user)
    return len(users)


def password_reset_send(user_id: int) -> bool:
    """Build a fresh one-time link (Django's token generator: it stops working once
    the password changes or after PASSWORD_RESET_TIMEOUT) and send it."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    with translation.override(user.language):
        subject = str(_("重设衡阳市市长质量奖平台的登录密码"))
        body = str(
            _(
                "您好，%(name)s：\n\n请在三天内打开以下链接设置新密码：\n%(link)s\n\n"
                "如果这不是您本人的操作，请忽略本邮件，您的密码不会改变。"
            )
        ) % {"name": user.display_name, "link": absolute_url(path)}
    send_mail(subject, body, None, [user.email])
    return True
