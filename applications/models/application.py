"""The application file (申报表) of a case: the draft the applicant edits section by
section, its evidence files, and the immutable snapshot taken at each submission."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.insert_only import InsertOnlyModel

from .case import Case


class ApplicationForm(models.Model):
    """The working copy of the application file. Sections are saved separately;
    `saved_sections` records when each was last saved."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="form")
    # 1. Basic data (organisation data itself lives on Organisation).
    employees = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    main_products = models.TextField(_("主要产品或服务"), blank=True)
    # 2. Key figures for the 3 years before the application year:
    #    {"revenue": [y1, y2, y3], "profit": […], "tax": […], "rnd": […]} in 万元, and
    #    quality indicators [{"name", "unit", "values": [y1, y2, y3]}].
    figures = models.JSONField(_("主要经济指标"), default=dict, blank=True)
    quality_indicators = models.JSONField(_("质量指标"), default=list, blank=True)
    # 3. Management systems (Art. 7(2)): {"iso9001": {"number", "body", "scope",
    #    "issued_on", "expires_on"}, "iso14001": …, "iso45001": …}.
    certificates = models.JSONField(_("管理体系认证"), default=dict, blank=True)
    cqo_name = models.CharField(_("首席质量官姓名"), max_length=60, blank=True)
    cqo_post = models.CharField(_("首席质量官职务"), max_length=60, blank=True)
    cqo_appointed_on = models.DateField(_("首席质量官任命日期"), null=True, blank=True)
    excellence_model_usage = models.TextField(_("推行卓越绩效模式情况"), blank=True)
    # 4. Declarations (Art. 7(4)(6)); None = not answered yet.
    credit_good = models.BooleanField(_("诚信记录良好"), null=True, blank=True)
    credit_note = models.TextField(_("诚信情况说明"), blank=True)
    no_major_accident = models.BooleanField(_("近三年无较大及以上责任事故"), null=True, blank=True)
    accident_description = models.TextField(_("事故情况说明"), blank=True)
    no_violation = models.BooleanField(_("近三年无违法违规行为"), null=True, blank=True)
    violation_description = models.TextField(_("违法违规情况说明"), blank=True)
    # 5. Overview and self-assessment: {"4.1.2": {"text": …, "percent": 60}, …}.
    overview = models.TextField(_("组织概述"), blank=True)
    self_assessment = models.JSONField(_("自我评价"), default=dict, blank=True)
    # 7. Integrity pledge (the signed scan is an attachment of kind integrity_pledge).
    pledge_signer = models.CharField(_("法定代表人签名"), max_length=60, blank=True)
    pledge_agreed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    saved_sections = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("申报表")
        verbose_name_plural = _("申报表")

    def __str__(self) -> str:
        return str(self.case)


class Attachment(models.Model):
    """An evidence file. Stored under a generated name; the user's file name is
    metadata only. Never deleted once a submission refers to it."""

    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("营业执照")
        CERT_ISO9001 = "cert_iso9001", _("质量管理体系认证证书")
        CERT_ISO14001 = "cert_iso14001", _("环境管理体系认证证书")
        CERT_ISO45001 = "cert_iso45001", _("职业健康安全管理体系认证证书")
        CQO_APPOINTMENT = "cqo_appointment", _("首席质量官任命文件")
        FINANCIAL_STATEMENTS = "financial_statements", _("经审计的财务报表")
        INTEGRITY_PLEDGE = "integrity_pledge", _("签字盖章的诚信承诺书")
        OTHER = "other", _("其他证明材料")
        RECOMMENDATION_SCAN = "recommendation_scan", _("盖章的推荐意见")

    class Confidentiality(models.TextChoices):
        NONE = "none", _("不涉密")
        TRADE_SECRET = "trade_secret", _("商业秘密")
        TECHNICAL_SECRET = "technical_secret", _("技术秘密")
        STATE_SECRET = "state_secret", _("涉及国家安全的涉密事项")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("材料类别"), max_length=30, choices=Kind.choices)
    confidentiality = models.CharField(
        _("保密标记"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.NONE
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    file = models.FileField(max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    mime = models.CharField(max_length=60)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Removed from the working copy (still kept for the snapshots that list it).
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["kind", "uploaded_at"]
        indexes = [models.Index(fields=["case", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class ApplicationSnapshot(InsertOnlyModel):
    """Everything submitted in one round, frozen: reviewers see the version that
    was recommended, never later edits."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="snapshots")
    round = models.PositiveSmallIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("申报材料版本")
        verbose_name_plural = _("申报材料版本")
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="one_snapshot_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round}"

    @staticmethod
    def digest(data: dict) -> str:
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
