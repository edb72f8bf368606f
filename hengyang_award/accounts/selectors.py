from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hengyang_award.core.models import Organisation, User
from hengyang_award.core.roles import Role

from .models import EmailVerification, Invitation
from .tokens import (
    VERIFICATION_MAX_AGE,
    LinkRefusedError,
    TokenExpiredError,
    TokenInvalidError,
    verification_token_matches,
    verification_token_read,
)


def username_available(username: str) -> bool:
    """Usernames differ by more than case: "Zhang" and "zhang" are one person to a reader."""
    return not User.objects.filter(username__iexact=username).exists()


def organisations_of_member(user: User) -> QuerySet[Organisation]:
    """The organisation an active applicant acts for; nothing for anyone else."""
    if not (user.is_authenticated and user.is_active and user.organisation_id):
        return Organisation.objects.none()
    if not user.has_role(Role.APPLICANT):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=user.organisation_id)


def organisation_members(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(organisation=organisation).order_by("date_joined", "pk")


def invitations_pending(organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            organisation=organisation, accepted_at=None, expires_at__gt=timezone.now()
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def _invalid_verification_link() -> str:
    return _("验证链接无效。请检查链接是否完整，或在下方重新发送验证邮件。")


def email_verification_for_token(token: str, *, for_update: bool = False) -> EmailVerification:
    """The pending verification a link stands for; LinkRefusedError says why there is none."""
    try:
        user_id, digest = verification_token_read(token)
    except TokenExpiredError as exc:
        raise LinkRefusedError(
            "expired",
            _("验证链接已过期（有效期%(days)d天）。请在下方重新发送验证邮件。")
            % {"days": VERIFICATION_MAX_AGE.days},
        ) from exc
    except TokenInvalidError as exc:
        raise LinkRefusedError("invalid", _invalid_verification_link()) from exc
    queryset = EmailVerification.objects.select_related("user")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    verification = queryset.filter(user_id=user_id).first()
    if verification is None or not verification_token_matches(verification.user.email, digest):
        raise LinkRefusedError("invalid", _invalid_verification_link())
    if verification.verified_at is not None:
        raise LinkRefusedError("verified", _("该邮箱已经验证，请直接登录。"))
    return verification


def invitation_for_token(token: str, *, for_update: bool = False) -> Invitation:
    """The usable invitation a link stands for; LinkRefusedError says why there is none."""
    queryset = Invitation.objects.select_related("organisation", "invited_by")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token=token).first()
    if invitation is None:
        raise LinkRefusedError("invalid", _("邀请链接无效。请检查链接是否完整，或请同事重新邀请。"))
    if invitation.accepted_at is not None:
        raise LinkRefusedError(
            "used", _("该邀请已被使用。如果您已设置账户，请直接登录；否则请同事重新邀请。")
        )
    if invitation.is_expired:
        raise LinkRefusedError("expired", _("该邀请已过期。请联系邀请您的同事重新发送邀请。"))
    inviter = invitation.invited_by
    # An invitation carries the inviter's authority; it lapses with it.
    if not inviter.is_active or inviter.organisation_id != invitation.organisation_id:
        raise LinkRefusedError(
            "revoked", _("邀请人已不再代表该组织，邀请已失效。请联系本单位其他同事或评审办。")
        )
    return invitation
