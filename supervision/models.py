"""After the award: the announcement of the winners, their titles, certificates and
plaques (Art. 10(7), 11-12, 15, 17), and the register of application bans (Art. 19):
an organisation caught cheating may not apply for a number of years. Eligibility
screening reads the bans."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Case
from hengyang_award.core.models import AwardCycle, Organisation


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


class Announcement(models.Model):
    """The city government's announcement of a cycle's winners (公告, Art. 10(7)).
    It may name no winner at all: a vacant cycle is announced too (Art. 3, 9). The
    published text is the `Notice`; this row ties it to the awards it created and
    makes the document number (文号) unique."""

    cycle = models.ForeignKey(
        AwardCycle,
        on_delete=models.PROTECT,
        related_name="award_announcements",
        verbose_name=_("届次"),
    )
    notice = models.OneToOneField(
        "publicity.Notice",
        on_delete=models.PROTECT,
        related_name="award_announcement",
        verbose_name=_("公告"),
    )
    number = models.CharField(_("文号"), max_length=60, unique=True)
    issued_on = models.DateField(_("公告日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        verbose_name = _("获奖公告")
        verbose_name_plural = _("获奖公告")
        ordering = ["-issued_on", "-pk"]
        permissions = [("issue_announcement", _("发布获奖公告"))]

    def __str__(self) -> str:
        return self.number

    @property
    def is_vacant(self) -> bool:
        return not self.awards.exists()


class Award(models.Model):
    """One organisation's title from one cycle (Art. 11-12, 15, 17): valid from the
    announcement day for the cycle's `validity_years`. Its status is derived from
    the dates and a revocation, never stored."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        EXPIRED = "expired", _("已到期")
        REVOKED = "revoked", _("已撤销")

    class PrizeBasis(models.TextChoices):
        FIRST_WIN = "first_win", _("首次获奖，按本届标准奖励")
        REPEAT_WINNER = "repeat_winner", _("再次获奖，只颁发奖牌和证书，不重复奖励（第十七条）")
        NO_PRIZE_SET = "no_prize_set", _("本届未设奖金")

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="award", verbose_name=_("案卷")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="awards", verbose_name=_("获奖组织")
    )
    cycle = models.ForeignKey(
        AwardCycle, on_delete=models.PROTECT, related_name="awards", verbose_name=_("届次")
    )
    announcement = models.ForeignKey(
        Announcement, on_delete=models.PROTECT, related_name="awards", verbose_name=_("获奖公告")
    )
    # Art. 15: a winner citing the title states this year.
    award_year = models.PositiveSmallIntegerField(_("获奖年度"))
    starts_on = models.DateField(_("称号有效期起"))
    ends_on = models.DateField(_("称号有效期至"))
    prize_amount = models.DecimalField(_("奖金（元）"), max_digits=12, decimal_places=2)
    prize_basis = models.CharField(_("奖金依据"), max_length=20, choices=PrizeBasis.choices)
    previous_award = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("此前获奖"),
    )
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revocation_note = models.TextField(_("撤销说明"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("获奖记录")
        verbose_name_plural = _("获奖记录")
        ordering = ["-cycle__number", "organisation__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="award_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(prize_amount__gte=0), name="award_prize_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.cycle}"

    def status_on(self, day: datetime.date) -> str:
        if self.revoked_on is not None and self.revoked_on <= day:
            return self.Status.REVOKED
        if day > self.ends_on:
            return self.Status.EXPIRED
        return self.Status.VALID

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label


class Certificate(models.Model):
    """The certificate (荣誉证书, Art. 11) of an award. The number is random and
    carries a check character, so knowing one number tells nothing about others;
    the PDF is rendered by a worker and stored with its SHA-256."""

    award = models.OneToOneField(
        Award, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("获奖记录")
    )
    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    file = models.FileField(upload_to="certificates/", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("获奖证书")
        verbose_name_plural = _("获奖证书")

    def __str__(self) -> str:
        return self.number

    @property
    def is_rendered(self) -> bool:
        return bool(self.file)

    @property
    def download_name(self) -> str:
        return f"{_('荣誉证书')}-{self.award.organisation.name}-{self.number}.pdf"


class Plaque(models.Model):
    """The register of plaques (奖牌, Art. 11) handed to winners, kept by the office."""

    award = models.OneToOneField(
        Award, on_delete=models.PROTECT, related_name="plaque", verbose_name=_("获奖记录")
    )
    issued_on = models.DateField(_("颁发日期"))
    received_by = models.CharField(_("领取人"), max_length=60)
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("奖牌发放登记")
        verbose_name_plural = _("奖牌发放登记")

    def __str__(self) -> str:
        return f"{self.award} {self.issued_on}"


from .models_after import (  # noqa: E402, F401
    AfterAwardFile,
    AfterAwardReminder,
    FundPurpose,
    FundReport,
    FundReportLine,
    Inspection,
    MisuseReport,
    PrizePayment,
    RecoveryTask,
    Revocation,
)
