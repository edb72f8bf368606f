"""Complaints and reports about the review (投诉举报, Art. 23): anyone may
complain about a reviewer, a staff member or the procedure; the office
investigates, verifies and handles it. An upheld complaint against a reviewer
leads to the misconduct decision of Art. 26 (`reviewer_status_change`).

Who sees what: the complainant's identity and contact, the facts and the
evidence are the office's only (the `review.view_complaint` permission, which no
reviewer holds); the public lookup shows the status and the outcome summary the
office wrote for the public, never the findings."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.models import AwardCycle


class Complaint(models.Model):
    """One complaint or report, as lodged on the public site (or typed in by the
    office from a letter). Anonymous reports carry no name or contact; see
    `review.services.complaints.complaint_submit` for why they are accepted."""

    class Kind(models.TextChoices):
        REVIEWER = "reviewer", _("评审员")
        STAFF = "staff", _("评审工作人员")
        PROCEDURE = "procedure", _("评审程序")
        OTHER = "other", _("其他问题")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        INVESTIGATING = "investigating", _("调查核实中")
        UPHELD = "upheld", _("经查属实，已处理")
        DISMISSED = "dismissed", _("经查不属实")

    OPEN = (Status.RECEIVED, Status.INVESTIGATING)
    CLOSED = (Status.UPHELD, Status.DISMISSED)

    cycle = models.ForeignKey(
        AwardCycle, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("届次")
    )
    case = models.ForeignKey(
        "applications.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("涉及的申报组织"),
    )
    kind = models.CharField(_("投诉举报事项"), max_length=12, choices=Kind.choices)
    receipt = models.CharField(_("受理编号"), max_length=20, unique=True)
    anonymous = models.BooleanField(_("匿名举报"), default=False)
    complainant_name = models.CharField(_("投诉人姓名"), max_length=60, blank=True)
    complainant_organisation = models.CharField(_("投诉人所在单位"), max_length=120, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提交账号"),
    )
    person_concerned = models.CharField(_("被投诉举报人员"), max_length=120, blank=True)
    facts = models.TextField(_("事实和理由"))
    status = models.CharField(
        _("状态"), max_length=15, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    due_on = models.DateField(_("办理期限"))
    due_provisional = models.BooleanField(default=False)
    investigation_started_at = models.DateTimeField(null=True, blank=True)
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("调查核实情况（内部）"), blank=True)
    outcome_summary = models.TextField(_("处理结果（告知投诉人）"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The reviewer the office found the complaint to be about, and the Art. 26
    # decision taken on it (the reviewer's record names this complaint in turn).
    reviewer = models.ForeignKey(
        "review.Reviewer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("被投诉评审员"),
    )
    reviewer_action = models.CharField(_("对评审员的处理"), max_length=15, blank=True)
    reviewer_action_at = models.DateTimeField(null=True, blank=True)
    reviewer_action_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["cycle", "status", "due_on"]),
            models.Index(fields=["-received_at", "-id"], name="complaint_recent"),
        ]

    def __str__(self) -> str:
        return self.receipt

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today) -> bool:
        return self.is_open and today > self.due_on


class ComplaintFile(models.Model):
    """Evidence attached to a complaint: by the complainant, or by the office
    with its findings. Stored under a generated name with its SHA-256."""

    class Source(models.TextChoices):
        COMPLAINANT = "complainant", _("投诉人提交")
        OFFICE = "office", _("评审办调查材料")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="files")
    source = models.CharField(max_length=12, choices=Source.choices)
    file = models.FileField(upload_to="complaints/", max_length=200)
    original_name = models.CharField(max_length=120)
    mime = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
