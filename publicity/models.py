"""Public notices of the award (公示, 公告, 撤销公告) and the objections raised
against a publicity notice (Art. 10(6)-(7))."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.models import AwardCycle


class Notice(models.Model):
    """A notice in official-document style (GB/T 9704 essentials). A draft is
    edited by the office; once published it is read-only, listed on the public site
    and served as the PDF rendered from it (stored with its SHA-256).

    `body` is structured so one renderer serves every kind:
    {"paragraphs": [str, …],                      # before the list
     "table": {"head": [str, …], "rows": [[str, …], …]},   # optional
     "closing": [str, …]}                          # after the list (contact, …)
    """

    class Kind(models.TextChoices):
        PUBLICITY = "publicity", _("公示")
        ANNOUNCEMENT = "announcement", _("公告")
        REVOCATION = "revocation", _("撤销公告")

    cycle = models.ForeignKey(
        AwardCycle, on_delete=models.PROTECT, related_name="notices", verbose_name=_("届次")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.JSONField(_("正文"), default=dict)
    issuer = models.CharField(_("发布机关"), max_length=100)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="notices/", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    # The cases a notice is about (the publicity list, the winners, the revoked title).
    cases = models.ManyToManyField(
        "applications.Case", blank=True, related_name="notices", verbose_name=_("涉及案卷")
    )
    # A publicity notice's period, as printed on it (the cases carry the same dates).
    period_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    period_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    period_provisional = models.BooleanField(_("公示期为暂定日期"), default=False)

    class Meta:
        verbose_name = _("公告公示")
        verbose_name_plural = _("公告公示")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Objection(models.Model):
    """An objection lodged by a member of the public against a candidate on a
    published publicity notice (Art. 10(6)). The objector's identity and contact
    are seen by the office only; the public lookup needs the receipt number and
    the phone given."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        INVESTIGATING = "investigating", _("核查中")
        VERIFIED = "verified", _("异议查实，提交评委会")
        UNFOUNDED = "unfounded", _("异议不成立")
        DISQUALIFIED = "disqualified", _("异议查实，已取消获奖资格")

    OPEN = (Status.RECEIVED, Status.INVESTIGATING, Status.VERIFIED)

    cycle = models.ForeignKey(
        AwardCycle, on_delete=models.PROTECT, related_name="objections", verbose_name=_("届次")
    )
    notice = models.ForeignKey(
        Notice, on_delete=models.PROTECT, related_name="objections", verbose_name=_("公示")
    )
    case = models.ForeignKey(
        "applications.Case",
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("被异议对象"),
    )
    receipt = models.CharField(_("受理编号"), max_length=20, unique=True)
    objector_name = models.CharField(_("异议人姓名"), max_length=60)
    objector_id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    objector_organisation = models.CharField(_("异议人所在单位"), max_length=120, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30)
    email = models.EmailField(_("电子邮箱"), blank=True)
    facts = models.TextField(_("异议事实和理由"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    due_on = models.DateField(_("核查期限"))
    due_provisional = models.BooleanField(default=False)
    investigation_started_at = models.DateTimeField(null=True, blank=True)
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("核查结论"), blank=True)
    closed_at = models.DateTimeField(_("核查完成时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committee_decision = models.TextField(_("评委会决定"), blank=True)
    committee_decided_at = models.DateTimeField(null=True, blank=True)
    committee_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return self.receipt

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ObjectionFile(models.Model):
    """Evidence attached to an objection: by the objector, or by the office with
    its findings. Stored under a generated name with its SHA-256 (FI-1, FI-2, FI-4)."""

    class Source(models.TextChoices):
        OBJECTOR = "objector", _("异议人提交")
        OFFICE = "office", _("评审办核查材料")

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="files")
    source = models.CharField(max_length=10, choices=Source.choices)
    file = models.FileField(upload_to="objections/", max_length=200)
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


from .models_sharing import (  # noqa: E402, F401 - the sharing models belong to this app
    SharingAttachment,
    SharingEntry,
    VisitRegistration,
    VisitSession,
)
