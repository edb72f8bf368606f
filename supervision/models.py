"""The register of application bans (Art. 19): an organisation caught cheating may
not apply for a number of years. Eligibility screening reads it."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Case
from hengyang_award.core.models import Organisation


class Ban(models.Model):
    """One ban, from `starts_on` to `ends_on` inclusive. A lifted ban no longer
    applies at all (an annulment on appeal, a record made in error); the row stays,
    with who lifted it and why."""

    class Basis(models.TextChoices):
        ART19_FRAUD = "art19_fraud", _("第十九条：弄虚作假")
        ART20 = "art20", _("第二十条：事故、违法或违反本办法")
        OTHER = "other", _("其他依据")

    class Status(models.TextChoices):
        PENDING = "pending", _("尚未开始")
        IN_FORCE = "in_force", _("禁止申报中")
        ENDED = "ended", _("已届满")
        LIFTED = "lifted", _("已解除")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="bans", verbose_name=_("申报组织")
    )
    # The code as it was when the ban was recorded: the register stays readable
    # even if the organisation's record is corrected later.
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    reason = models.TextField(_("事由"))
    legal_basis = models.CharField(_("依据"), max_length=20, choices=Basis.choices)
    starts_on = models.DateField(_("禁止申报起始日"))
    ends_on = models.DateField(_("禁止申报截止日"))
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bans",
        verbose_name=_("关联案卷"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(_("解除理由"), blank=True)

    class Meta:
        verbose_name = _("禁止申报记录")
        verbose_name_plural = _("禁止申报记录")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="ban_ends_after_it_starts",
            )
        ]
        indexes = [models.Index(fields=["organisation", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.organisation} {self.starts_on}—{self.ends_on}"

    def status_on(self, day: datetime.date) -> str:
        if self.lifted_at is not None:
            return self.Status.LIFTED
        if day < self.starts_on:
            return self.Status.PENDING
        if day > self.ends_on:
            return self.Status.ENDED
        return self.Status.IN_FORCE

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label
