import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .insert_only import InsertOnlyModel
from .natural_keys import natural_key_manager
from .roles import STAFF_ROLES, Role

# The languages messages are written in (settings.LANGUAGES, without reading
# settings at import time).
NOTIFICATION_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]


class County(models.Model):
    """A recommending unit: a county-level division or a park management committee."""

    class Kind(models.TextChoices):
        DIVISION = "division", _("县市区")
        PARK = "park", _("园区管委会")

    code = models.CharField(_("代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.DIVISION)
    active = models.BooleanField(_("有效"), default=True)
    # Officials of the county are members of this group; object rights on the
    # county's cases are granted to it at submission.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="county")

    objects = natural_key_manager("code")

    class Meta:
        verbose_name = _("县市区（推荐单位）")
        verbose_name_plural = _("县市区（推荐单位）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Organisation(models.Model):
    class Size(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    name = models.CharField(_("组织名称"), max_length=120)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    credit_code_override_note = models.CharField(
        _("校验位例外说明"),
        max_length=200,
        blank=True,
        help_text=_("校验位不符但经评审办核实为真实代码时填写。"),
    )
    registration_date = models.DateField(_("注册日期"))
    legal_representative = models.CharField(_("法定代表人"), max_length=60)
    address = models.CharField(_("地址"), max_length=200)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("所在县市区")
    )
    industry = models.CharField(_("所属行业"), max_length=60)
    size = models.CharField(_("规模"), max_length=10, choices=Size.choices)
    contact_name = models.CharField(_("联系人"), max_length=60)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    contact_email = models.EmailField(_("联系邮箱"))
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="organisation")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申报组织")
        verbose_name_plural = _("申报组织")
        ordering = ["name"]
        permissions = [("override_credit_code_organisation", _("确认校验位例外的信用代码"))]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("所属组织"),
    )
    county = models.ForeignKey(
        County,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
        verbose_name=_("所属县市区"),
    )
    language = models.CharField(
        _("通知语言"), max_length=10, choices=NOTIFICATION_LANGUAGES, default="zh-hans"
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.filter(name__in=Role.values).values_list("name", flat=True))

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    @property
    def is_staff_role(self) -> bool:
        return bool(self.role_names & STAFF_ROLES)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class AwardCycle(models.Model):
    """One cycle (届) of the award, with every rule parameter of the Measures.

    Defaults are the draft Measures' numbers (and DOMAIN.md where they are silent);
    code reads them from the cycle, never from literals."""

    class Majority(models.TextChoices):
        MORE_THAN_HALF = "half", _("过半数")
        TWO_THIRDS = "two_thirds", _("三分之二以上")

    number = models.PositiveSmallIntegerField(_("届次"), unique=True)
    year = models.PositiveSmallIntegerField(_("评审年度"))
    application_opens = models.DateField(_("申报开始日期"))
    application_closes = models.DateField(_("申报截止日期"))
    reference_date = models.DateField(
        _("资格基准日"), help_text=_("计算运行年限、证书有效期等条件的基准日期。")
    )
    opened_at = models.DateTimeField(_("启动时间"), null=True, blank=True, editable=False)

    # Art. 3, 9, 17, 19, 7(1), 10(6): rule parameters with the draft's defaults.
    max_winners = models.PositiveSmallIntegerField(_("获奖组织上限"), default=6)
    total_points = models.PositiveSmallIntegerField(_("评分总分"), default=1000)
    pass_score = models.PositiveSmallIntegerField(_("获奖最低总分"), default=600)
    publicity_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    validity_years = models.PositiveSmallIntegerField(_("称号有效期（年）"), default=3)
    fraud_ban_years = models.PositiveSmallIntegerField(_("弄虚作假禁止申报期（年）"), default=5)
    min_operating_years = models.PositiveSmallIntegerField(_("最低正常运行年限"), default=3)
    interval_years = models.PositiveSmallIntegerField(_("评审周期（年）"), default=2)
    accident_lookback_years = models.PositiveSmallIntegerField(_("无重大事故追溯年限"), default=3)
    # DOMAIN.md defaults where the Measures are silent.
    reviewers_per_case = models.PositiveSmallIntegerField(_("每个申报组织的评审员人数"), default=5)
    committee_quorum_numerator = models.PositiveSmallIntegerField(
        _("评委会法定人数（分子）"), default=2
    )
    committee_quorum_denominator = models.PositiveSmallIntegerField(
        _("评委会法定人数（分母）"), default=3
    )
    committee_majority = models.CharField(
        _("通过所需多数"), max_length=12, choices=Majority.choices, default=Majority.MORE_THAN_HALF
    )
    overview_char_limit = models.PositiveIntegerField(_("组织概述字数上限"), default=3000)
    self_assessment_char_limit = models.PositiveIntegerField(_("自评报告字数上限"), default=30000)
    file_size_limit_mb = models.PositiveSmallIntegerField(_("单个附件大小上限（MB）"), default=20)
    case_size_limit_mb = models.PositiveIntegerField(_("每份申报附件总量上限（MB）"), default=200)
    recommendation_working_days = models.PositiveSmallIntegerField(
        _("县市区推荐时限（工作日）"), default=10
    )
    review_working_days = models.PositiveSmallIntegerField(
        _("资料评审评分时限（工作日）"), default=15
    )
    consensus_working_days = models.PositiveSmallIntegerField(
        _("形成共识评分时限（工作日）"), default=5
    )
    consensus_margin_percent = models.PositiveSmallIntegerField(
        _("评分分歧提示阈值（百分点）"), default=20
    )
    onsite_team_size = models.PositiveSmallIntegerField(_("现场评审组人数（含组长）"), default=3)
    onsite_days = models.PositiveSmallIntegerField(_("现场评审天数上限"), default=2)
    onsite_shortlist_max = models.PositiveSmallIntegerField(
        _("进入现场评审的最多组织数"), default=12
    )
    onsite_shortlist_threshold = models.PositiveSmallIntegerField(
        _("进入现场评审的资料评审最低分"), default=500
    )
    onsite_report_working_days = models.PositiveSmallIntegerField(
        _("现场评审报告提交时限（工作日）"), default=10
    )
    confirmation_working_days = models.PositiveSmallIntegerField(
        _("申报单位确认现场评审报告时限（工作日）"), default=5
    )
    confidential_files_to_reviewers = models.BooleanField(
        _("评审专家可查看标注为保密的申报材料"),
        default=True,
        help_text=_(
            "不勾选时，标注为商业秘密、技术秘密或涉密的材料只有申报单位、县市区和评审办可以查看。"
        ),
    )
    screening_working_days = models.PositiveSmallIntegerField(
        _("资格审查时限（工作日）"), default=10
    )
    approval_working_days = models.PositiveSmallIntegerField(
        _("评委会主任审核和市长审定时限（各，工作日）"), default=10
    )
    # Rewards (Art. 11-12, 17) and the committee's tie-break (DOMAIN.md defaults).
    prize_amount = models.DecimalField(
        _("每个获奖组织的奖金（元）"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("由市财政预算安排；再次获奖的组织只颁发奖牌和证书，不重复奖励（第十七条）。"),
    )
    tie_break_onsite_first = models.BooleanField(
        _("超过获奖名额时先比较现场评审总分"),
        default=True,
        help_text=_("仍然相同时进行再次投票。不勾选时直接进行再次投票。"),
    )
    objection_working_days = models.PositiveSmallIntegerField(
        _("异议核查时限（工作日）"), default=10
    )
    expiry_reminder_working_days = models.PositiveSmallIntegerField(
        _("称号到期前提醒（工作日）"), default=20
    )
    revocation_statement_working_days = models.PositiveSmallIntegerField(
        _("撤销程序中组织陈述申辩期限（工作日）"), default=10
    )
    fund_report_interval_months = models.PositiveSmallIntegerField(
        _("奖金使用情况报告周期（月）"), default=12
    )
    reminder_lead_working_days = models.CharField(
        _("截止前提醒（工作日，逗号分隔）"),
        max_length=40,
        default="3,1",
        help_text=_("例如“3,1”表示截止前3个和1个工作日各提醒一次；逾期时另提醒一次。"),
    )

    class Meta:
        verbose_name = _("评审届次")
        verbose_name_plural = _("评审届次")
        ordering = ["-number"]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self) -> str:
        return _("第%(n)d届衡阳市市长质量奖") % {"n": self.number}

    @property
    def is_frozen(self) -> bool:
        return self.opened_at is not None

    def accepts_applications(self, on=None) -> bool:
        day = on or timezone.localdate()
        return self.is_frozen and self.application_opens <= day <= self.application_closes

    @property
    def reminder_leads(self) -> tuple[int, ...]:
        return tuple(
            sorted(
                {int(p) for p in self.reminder_lead_working_days.split(",") if p.strip()},
                reverse=True,
            )
        )

    def clean(self) -> None:
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        opens, closes = self.application_opens, self.application_closes
        if opens and closes and closes < opens:
            add("application_closes", _("申报截止日期不能早于申报开始日期。"))
        if None not in (self.pass_score, self.total_points) and self.pass_score > self.total_points:
            add("pass_score", _("获奖最低总分不能高于评分总分。"))
        if self.total_points == 0:
            add("total_points", _("评分总分必须大于0。"))
        for field in (
            "max_winners",
            "publicity_working_days",
            "validity_years",
            "interval_years",
            "reviewers_per_case",
            "overview_char_limit",
            "self_assessment_char_limit",
            "file_size_limit_mb",
            "case_size_limit_mb",
            "recommendation_working_days",
            "screening_working_days",
            "approval_working_days",
            "review_working_days",
            "consensus_working_days",
            "onsite_team_size",
            "onsite_days",
            "onsite_report_working_days",
            "confirmation_working_days",
            "objection_working_days",
            "revocation_statement_working_days",
            "fund_report_interval_months",
        ):
            if getattr(self, field) == 0:
                add(field, _("此项必须大于0。"))
        if self.prize_amount is not None and self.prize_amount < 0:
            add("prize_amount", _("奖金不能为负数。"))
        if self.consensus_margin_percent is not None and self.consensus_margin_percent > 100:
            add("consensus_margin_percent", _("分歧阈值应在0到100个百分点之间。"))
        if (
            None not in (self.onsite_shortlist_threshold, self.total_points)
            and self.onsite_shortlist_threshold > self.total_points
        ):
            add("onsite_shortlist_threshold", _("进入现场评审的最低分不能高于评分总分。"))
        leads = [p.strip() for p in (self.reminder_lead_working_days or "").split(",")]
        if not all(p.isdigit() and 0 < int(p) <= 60 for p in leads if p) or not any(leads):
            add(
                "reminder_lead_working_days",
                _("请填写1到60之间的整数，用英文逗号分隔，例如“3,1”。"),
            )
        num, den = self.committee_quorum_numerator, self.committee_quorum_denominator
        if den == 0:
            add("committee_quorum_denominator", _("分母必须大于0。"))
        elif num is not None and den is not None and (num == 0 or num > den):
            add("committee_quorum_numerator", _("法定人数比例应在0到1之间（不含0）。"))
        if (
            self.file_size_limit_mb
            and self.case_size_limit_mb
            and self.file_size_limit_mb > self.case_size_limit_mb
        ):
            add("file_size_limit_mb", _("单个附件上限不能超过每份申报的附件总量上限。"))
        if self.year and self.number:
            self._check_interval(add)
        if errors:
            raise ValidationError(errors)

    def _check_interval(self, add) -> None:
        """Art. 3: cycles are `interval_years` apart, in the order of their numbers."""
        others = AwardCycle.objects.exclude(pk=self.pk)
        previous = others.filter(number__lt=self.number).order_by("-number").first()
        following = others.filter(number__gt=self.number).order_by("number").first()
        if previous and self.year < previous.year + previous.interval_years:
            add(
                "year",
                _("上一届（第%(n)d届，%(y)d年）的评审周期为%(i)d年，本届年度不能早于%(min)d年。")
                % {
                    "n": previous.number,
                    "y": previous.year,
                    "i": previous.interval_years,
                    "min": previous.year + previous.interval_years,
                },
            )
        if following and self.interval_years and following.year < self.year + self.interval_years:
            add(
                "year",
                _("下一届（第%(n)d届）为%(y)d年，本届年度不能晚于%(max)d年。")
                % {
                    "n": following.number,
                    "y": following.year,
                    "max": following.year - self.interval_years,
                },
            )


class AuditLog(InsertOnlyModel):
    """Insert-only record of everything that is not a case transition: logins and
    failures, cycle changes, permission grants, overrides."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # DA-2: each record carries the hash of the one before it (one chain for the
    # whole log, written under a lock), so a changed or removed record breaks it.
    prev_hash = models.CharField(max_length=64, blank=True, default="", db_default="")
    hash = models.CharField(max_length=64, blank=True, default="", db_default="", db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("audit", "审计记录")
        verbose_name_plural = pgettext_lazy("audit", "审计记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def compute_hash(self) -> str:
        payload = json.dumps(
            [
                self.prev_hash,
                self.at.isoformat(),
                self.actor_id,
                self.action,
                self.object_type,
                self.object_id,
                self.detail,
                self.ip,
            ],
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()


class ScoringItem(models.Model):
    """A scored item of GB/T 19580 (points per GB/Z 19579 Appendix A). Data, not
    code: seeded from `core/data/gbt19580_items.json`, editable by the office; a
    cycle cannot open unless the points add up to its total."""

    class Kind(models.TextChoices):
        PROCESS = "process", _("过程")
        RESULT = "result", _("结果")

    code = models.CharField(_("条款"), max_length=10, unique=True)
    category_code = models.CharField(_("类目"), max_length=10)
    category_name = models.CharField(_("类目名称"), max_length=40)
    name = models.CharField(_("评分项"), max_length=60)
    points = models.PositiveSmallIntegerField(_("分值"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    objects = natural_key_manager("code")

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def natural_key(self) -> tuple:
        return (self.code,)


class FileCheckRun(models.Model):
    """One run of the periodic check of every stored file against its SHA-256
    (FI-4, `core/filecheck.py`). A run without `finished_at` is in progress or
    was interrupted."""

    started_at = models.DateTimeField(_("开始时间"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    checked = models.PositiveIntegerField(_("检查文件数"), default=0)
    ok = models.PositiveIntegerField(_("完好"), default=0)
    corrupt = models.PositiveIntegerField(_("损坏"), default=0)
    missing = models.PositiveIntegerField(_("缺失"), default=0)

    class Meta:
        verbose_name = _("文件完整性检查")
        verbose_name_plural = _("文件完整性检查")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.checked}"


class FileProblem(models.Model):
    """A stored file found corrupt or missing by the periodic check: reported once
    when first seen, kept open while later runs see it, resolved when the file
    verifies again."""

    class Kind(models.TextChoices):
        CORRUPT = "corrupt", _("损坏（与校验值不符）")
        MISSING = "missing", _("缺失")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=40)
    stored = GenericForeignKey("content_type", "object_id")
    path = models.CharField(_("存储路径"), max_length=255)
    kind = models.CharField(_("问题"), max_length=10, choices=Kind.choices)
    first_seen_at = models.DateTimeField(_("首次发现"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("最近发现"), default=timezone.now)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文件问题")
        verbose_name_plural = _("文件问题")
        ordering = ["-first_seen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(resolved_at=None),
                name="one_open_problem_per_file",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"
