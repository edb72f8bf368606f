"""Supervision after the award (Art. 12-13, 15, 17-20): the prize paid and the
winner's yearly reports on its use, the office's inspections, reports of improper
use of the title, and the revocation procedure with its recovery tasks. The
reminders sent about any of them are recorded once per subject and due date."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FundPurpose(models.TextChoices):
    """The permitted uses of the prize (Art. 13); nothing else may be reported."""

    CONTINUOUS_IMPROVEMENT = "continuous_improvement", _("持续质量改进")
    QUALITY_BREAKTHROUGH = "quality_breakthrough", _("质量攻关")
    STANDARD_SETTING = "standard_setting", _("标准制定")
    TECHNICAL_BREAKTHROUGH = "technical_breakthrough", _("技术攻关")
    RESEARCH = "research", _("研发投入")
    TRAINING = "training", _("人才培训")
    LABORATORY = "laboratory", _("实验室建设")
    EXPERIENCE_PROMOTION = "experience_promotion", _("经验推广")


class PrizePayment(models.Model):
    """The prize as paid to the winner (Art. 12). One payment per award."""

    award = models.OneToOneField(
        "supervision.Award",
        on_delete=models.PROTECT,
        related_name="prize_payment",
        verbose_name=_("获奖记录"),
    )
    paid_on = models.DateField(_("拨付日期"))
    amount = models.DecimalField(_("拨付金额（元）"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("拨付凭证号"), max_length=80)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("奖金拨付")
        verbose_name_plural = _("奖金拨付")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="prize_payment_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.award} {self.amount}"


class FundReport(models.Model):
    """A winner's report on the use of the prize over a period (Art. 13)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        QUESTIONS = "questions", _("评审办提出问题，待答复")
        ACCEPTED = "accepted", _("已通过")
        MISUSE = "misuse", _("发现违规使用")

    award = models.ForeignKey(
        "supervision.Award",
        on_delete=models.PROTECT,
        related_name="fund_reports",
        verbose_name=_("获奖记录"),
    )
    period_start = models.DateField(_("报告期起"))
    period_end = models.DateField(_("报告期止"))
    total = models.DecimalField(_("本期使用合计（元）"), max_digits=12, decimal_places=2)
    summary = models.TextField(_("使用情况说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    questions = models.TextField(_("评审办意见或问题"), blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("奖金使用情况报告")
        verbose_name_plural = _("奖金使用情况报告")
        ordering = ["award", "period_start", "pk"]
        permissions = [("review_fundreport", _("审核奖金使用情况报告"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="fund_report_period_ordered",
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="fund_report_total_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.award} {self.period_start}—{self.period_end}"


class FundReportLine(models.Model):
    report = models.ForeignKey(
        FundReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("报告")
    )
    purpose = models.CharField(_("用途"), max_length=40, choices=FundPurpose.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("奖金使用明细")
        verbose_name_plural = _("奖金使用明细")
        ordering = ["report", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fund_line_amount_ok")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.amount}"


class Inspection(models.Model):
    """An inspection of a winner by the office (Art. 18): planned, then recorded
    with findings and, where needed, a follow-up the winner answers by a deadline."""

    award = models.ForeignKey(
        "supervision.Award",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("获奖记录"),
    )
    planned_on = models.DateField(_("检查日期"))
    inspectors = models.CharField(_("检查人员"), max_length=200)
    scope = models.TextField(_("检查范围"))
    held_on = models.DateField(_("实际检查日期"), null=True, blank=True)
    findings = models.TextField(_("检查发现"), blank=True)
    follow_up = models.TextField(_("整改要求"), blank=True)
    follow_up_due = models.DateField(_("整改期限"), null=True, blank=True)
    answer = models.TextField(_("整改答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(_("结果登记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")
        ordering = ["-planned_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.award} {self.planned_on}"

    @property
    def is_recorded(self) -> bool:
        return self.recorded_at is not None

    @property
    def follow_up_open(self) -> bool:
        return bool(self.follow_up) and self.answered_at is None

    def follow_up_overdue_on(self, day: datetime.date) -> bool:
        return self.follow_up_open and self.follow_up_due is not None and self.follow_up_due < day


class MisuseReport(models.Model):
    """A report of improper use of the title (Art. 15) recorded by the office."""

    class Kind(models.TextChoices):
        NO_YEAR = "no_year", _("引用称号未注明获奖年度")
        ADVERTISING = "advertising", _("违反广告法有关规定")
        AFTER_END = "after_end", _("称号到期或被撤销后仍在使用")
        OTHER = "other", _("其他不当使用")

    award = models.ForeignKey(
        "supervision.Award",
        on_delete=models.PROTECT,
        related_name="misuse_reports",
        verbose_name=_("获奖记录"),
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    observed_on = models.DateField(_("发现日期"))
    description = models.TextField(_("情况描述"))
    action_taken = models.TextField(_("处理措施"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("称号不当使用记录")
        verbose_name_plural = _("称号不当使用记录")
        ordering = ["-observed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.award} {self.get_kind_display()}"


class Revocation(models.Model):
    """The procedure that may end with the title revoked (Art. 19-20): opened by
    the office, the organisation heard, the office's findings, the committee's
    decision, the city's decision. Only one procedure per award may be open."""

    class Grounds(models.TextChoices):
        FRAUD = "fraud", _("弄虚作假（第十九条）")
        ACCIDENT_OR_VIOLATION = "accident", _("有效期内发生重大事故或违法行为（第二十条）")
        BREACH = "breach", _("违反本办法规定")

    class Decision(models.TextChoices):
        REVOKE = "revoke", _("撤销")
        KEEP = "keep", _("不予撤销")

    class Outcome(models.TextChoices):
        OPEN = "open", _("办理中")
        REVOKED = "revoked", _("已撤销称号")
        KEPT = "kept", _("不予撤销")

    award = models.ForeignKey(
        "supervision.Award",
        on_delete=models.PROTECT,
        related_name="revocations",
        verbose_name=_("获奖记录"),
    )
    grounds = models.CharField(_("撤销事由"), max_length=20, choices=Grounds.choices)
    facts = models.TextField(_("事实"))
    misuse_report = models.ForeignKey(
        MisuseReport, null=True, blank=True, on_delete=models.PROTECT, related_name="revocations"
    )
    fund_report = models.ForeignKey(
        FundReport, null=True, blank=True, on_delete=models.PROTECT, related_name="revocations"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("立案时间"), default=timezone.now)
    notified_on = models.DateField(_("告知日期"))
    statement_ends_on = models.DateField(_("陈述申辩期截止日"))
    statement = models.TextField(_("陈述申辩"), blank=True)
    statement_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement_at = models.DateTimeField(_("陈述申辩时间"), null=True, blank=True)
    findings = models.TextField(_("调查核实情况"), blank=True)
    findings_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    findings_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    committee_decision = models.CharField(
        _("评审委员会决定"), max_length=10, choices=Decision.choices, blank=True
    )
    committee_note = models.TextField(_("评审委员会意见"), blank=True)
    committee_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committee_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    city_decision = models.CharField(
        _("市政府决定"), max_length=10, choices=Decision.choices, blank=True
    )
    city_number = models.CharField(_("市政府决定文号"), max_length=60, blank=True)
    city_decided_on = models.DateField(_("市政府决定日期"), null=True, blank=True)
    city_note = models.TextField(_("市政府决定内容"), blank=True)
    city_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    city_recorded_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    notice = models.OneToOneField(
        "publicity.Notice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revocation",
        verbose_name=_("撤销公告"),
    )
    ban = models.OneToOneField(
        "supervision.Ban",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revocation",
        verbose_name=_("禁止申报记录"),
    )

    class Meta:
        verbose_name = _("撤销程序")
        verbose_name_plural = _("撤销程序")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["award"],
                condition=models.Q(outcome="open"),
                name="revocation_one_open_per_award",
            )
        ]

    def __str__(self) -> str:
        return f"{self.award} {self.get_grounds_display()}"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN

    @property
    def step(self) -> str:
        """Where the procedure stands, for lists and the page's headings."""
        if not self.is_open:
            return self.get_outcome_display()
        if not self.findings:
            return str(_("陈述申辩与调查核实"))
        if not self.committee_decision:
            return str(_("待评审委员会决定"))
        return str(_("待市政府决定"))


class RecoveryTask(models.Model):
    """What the organisation must give back after a revocation (Art. 19-20)."""

    class Kind(models.TextChoices):
        PLAQUE = "plaque", _("收回奖牌")
        CERTIFICATE = "certificate", _("收回证书")
        PRIZE = "prize", _("追回奖金")

    revocation = models.ForeignKey(
        Revocation, on_delete=models.PROTECT, related_name="recovery_tasks"
    )
    kind = models.CharField(_("事项"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("追回金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    due_on = models.DateField(_("期限"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("办理情况"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("追缴事项")
        verbose_name_plural = _("追缴事项")
        ordering = ["revocation", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["revocation", "kind"], name="recovery_task_once")
        ]

    def __str__(self) -> str:
        return f"{self.revocation} {self.get_kind_display()}"


class AfterAwardFile(models.Model):
    """An evidence file of a fund report, an inspection answer, a misuse report or
    a revocation (the office's evidence or the organisation's statement). Stored
    under a generated name with its SHA-256."""

    class Source(models.TextChoices):
        WINNER = "winner", _("获奖组织")
        OFFICE = "office", _("评审办")

    award = models.ForeignKey("supervision.Award", on_delete=models.PROTECT, related_name="+")
    fund_report = models.ForeignKey(
        FundReport, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    misuse_report = models.ForeignKey(
        MisuseReport, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    revocation = models.ForeignKey(
        Revocation, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    file = models.FileField(upload_to="supervision/", max_length=200)
    original_name = models.CharField(max_length=200)
    mime = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("监督材料")
        verbose_name_plural = _("监督材料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class AfterAwardReminder(models.Model):
    """A reminder sent once: about a subject (`kind`, object id) for one due date."""

    class Kind(models.TextChoices):
        EXPIRY = "expiry", _("称号即将到期")
        FUND_REPORT = "fund_report", _("奖金使用情况报告逾期")
        FOLLOW_UP = "follow_up", _("整改答复逾期")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_on"], name="after_award_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}:{self.due_on}"


__all__ = [
    "AfterAwardFile",
    "AfterAwardReminder",
    "FundPurpose",
    "FundReport",
    "FundReportLine",
    "Inspection",
    "MisuseReport",
    "PrizePayment",
    "RecoveryTask",
    "Revocation",
]
