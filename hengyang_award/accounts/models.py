from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.models import Organisation


class EmailVerification(models.Model):
    """Proof that a self-registered user owns their e-mail address. `requested_at`
    newer than `sent_at` means a mail is owed; the sending task compares the two so
    that running it twice sends one mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_verification",
        verbose_name=_("用户"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    requested_at = models.DateTimeField(_("请求发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("邮箱验证")
        verbose_name_plural = _("邮箱验证")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def mail_owed(self) -> bool:
        return (
            self.verified_at is None
            and self.requested_at is not None
            and (self.sent_at is None or self.sent_at < self.requested_at)
        )


class Invitation(models.Model):
    """A member of an organisation asks a colleague to act for it too."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("申报组织"),
    )
    email = models.EmailField(_("电子邮箱"))
    full_name = models.CharField(_("姓名"), max_length=60)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("邀请人"),
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("接受后的用户"),
    )

    class Meta:
        verbose_name = _("成员邀请")
        verbose_name_plural = _("成员邀请")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["organisation", "expires_at"],
                name="invitation_pending_idx",
                condition=models.Q(accepted_at=None),
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
