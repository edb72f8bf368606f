"""Expert review: the reviewer pool, conflicts and recusal, assignments with a
recorded random draw, document-review scorebooks and the group's consensus, the
on-site review with its report, and the applicant's evaluation of the reviewers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Case


class Reviewer(models.Model):
    """An entry of the expert reviewer pool (评审员专家库, Art. 6)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在库可用")
        SUSPENDED = "suspended", _("暂停")
        DISQUALIFIED = "disqualified", _("取消资格")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewer_profile",
        verbose_name=_("登录账号"),
    )
    name = models.CharField(_("姓名"), max_length=60)
    employer = models.CharField(_("工作单位"), max_length=120)
    employer_credit_code = models.CharField(_("工作单位信用代码"), max_length=18, blank=True)
    title = models.CharField(_("职称"), max_length=60, blank=True)
    specialties = models.CharField(_("专业领域"), max_length=200, blank=True)
    industries = models.CharField(
        _("熟悉行业"), max_length=200, blank=True, help_text=_("多个行业用顿号或逗号分隔。")
    )
    years_in_quality = models.PositiveSmallIntegerField(_("质量工作年限"), default=0)
    qualifications = models.CharField(_("资格证书"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    status = models.CharField(
        _("状态"), max_length=15, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.TextField(_("状态变更理由"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("评审员")
        verbose_name_plural = _("评审员专家库")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def industry_list(self) -> list[str]:
        import re

        return [p.strip() for p in re.split(r"[、,，;；\s]+", self.industries) if p.strip()]


class ReviewerRelation(models.Model):
    """A relation of a reviewer to an organisation, declared by the reviewer or
    recorded by the office; kept across cycles for conflict detection (Art. 24)."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("本人或配偶、近亲属三年内在该单位任职")
        CONSULTING = "consulting", _("曾为该单位提供咨询服务")
        INVESTMENT = "investment", _("投资、控股或共同法定代表人关系")
        DISPUTE = "dispute", _("三年内与该单位有法律纠纷")
        KINSHIP = "kinship", _("与该单位负责人有亲属关系")
        OTHER = "other", _("其他可能影响公正的关系")

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="relations")
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credit_code = models.CharField(_("单位信用代码"), max_length=18, blank=True)
    organisation_name = models.CharField(_("单位名称"), max_length=120, blank=True)
    kind = models.CharField(_("关系类型"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("说明"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("评审员利害关系")
        verbose_name_plural = _("评审员利害关系")

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.organisation_name or self.credit_code}"


class AssignmentDraw(models.Model):
    """The record of a random suggestion, so it can be shown to have been fair."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="review_draws")
    stage = models.CharField(max_length=10)
    pool = models.JSONField()
    excluded = models.JSONField(default=dict)
    seed = models.CharField(max_length=64)
    result = models.JSONField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("抽取记录")
        verbose_name_plural = _("抽取记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage} {self.drawn_at:%Y-%m-%d}"


class Assignment(models.Model):
    """A reviewer on a case at a stage: document review or the on-site team."""

    class Stage(models.TextChoices):
        DOCUMENT = "document", _("资料评审")
        ONSITE = "onsite", _("现场评审")

    class Role(models.TextChoices):
        MEMBER = "member", _("评审员")
        LEADER = "leader", _("组长")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在岗")
        RECUSED = "recused", _("已回避")
        REPLACED = "replaced", _("已更换")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="review_assignments")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="assignments")
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    draw = models.ForeignKey(AssignmentDraw, null=True, blank=True, on_delete=models.PROTECT)
    reason = models.CharField(_("人工调整理由"), max_length=300, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    # The reviewer's impartiality and confidentiality declaration (Art. 24-25),
    # signed before the case file opens.
    declared_at = models.DateTimeField(_("声明签署时间"), null=True, blank=True)
    declared_relations = models.TextField(_("申报的利害关系"), blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("评审任务")
        verbose_name_plural = _("评审任务")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reviewer", "stage"],
                condition=models.Q(status="active"),
                name="one_active_assignment_per_reviewer_case_stage",
            ),
            models.UniqueConstraint(
                fields=["case", "stage"],
                condition=models.Q(status="active", role="leader"),
                name="one_active_leader_per_case_stage",
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "status"])]

    def __str__(self) -> str:
        return f"{self.reviewer} @ {self.case_id} ({self.stage})"


class ConflictFlag(models.Model):
    """A likely conflict found before or after assignment; the office decides."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待处理")
        RECUSE = "recuse", _("回避")
        CLEARED = "cleared", _("经核实无利害关系")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conflict_flags")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="conflict_flags")
    reason = models.TextField(_("原因"))
    source = models.CharField(max_length=20)  # detected, declared, office
    decision = models.CharField(
        _("处理"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    note = models.TextField(_("处理说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("利害关系提示")
        verbose_name_plural = _("利害关系提示")

    def __str__(self) -> str:
        return f"{self.reviewer} / {self.case_id}: {self.reason[:30]}"


class Scorebook(models.Model):
    """One reviewer's document-review scores of a case (a draft until submitted,
    then locked)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")

    assignment = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="scorebook"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self) -> str:
        return str(self.assignment)


class ScoreEntry(models.Model):
    """One item of a scorebook: percentage in the guide's steps and the findings."""

    scorebook = models.ForeignKey(Scorebook, on_delete=models.CASCADE, related_name="entries")
    item_code = models.CharField(max_length=10)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    strengths = models.JSONField(default=list, blank=True)
    opportunities = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorebook", "item_code"], name="one_entry_per_item"),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True)
                | models.Q(percent__gte=0, percent__lte=100),
                name="score_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.percent}"


class Consensus(models.Model):
    """The group's agreed scores for a case at a stage (document review: set by
    the group leader from the submitted scorebooks; on-site: the team's scores)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consensuses")
    stage = models.CharField(max_length=10, choices=Assignment.Stage.choices)
    leader = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    total = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("共识评分")
        verbose_name_plural = _("共识评分")
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="one_consensus_per_case_stage")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage} {self.total}"


class ConsensusEntry(models.Model):
    consensus = models.ForeignKey(Consensus, on_delete=models.CASCADE, related_name="entries")
    item_code = models.CharField(max_length=10)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    strengths = models.JSONField(default=list, blank=True)
    opportunities = models.JSONField(default=list, blank=True)
    reason = models.TextField(_("偏离中位数的理由"), blank=True)
    evidence = models.TextField(_("现场核实的证据"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consensus", "item_code"], name="one_consensus_entry_per_item"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True)
                | models.Q(percent__gte=0, percent__lte=100),
                name="consensus_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.percent}"


class OnsiteReport(models.Model):
    """The on-site review report (现场评审报告, Art. 10(4)) written by the leader."""

    class Recommendation(models.TextChoices):
        RECOMMEND = "recommend", _("建议授奖")
        NOT_RECOMMEND = "not_recommend", _("不建议授奖")

    class Confirmation(models.TextChoices):
        PENDING = "pending", _("待申报单位确认")
        CONFIRMED = "confirmed", _("申报单位已确认")
        DISAGREED = "disagreed", _("申报单位有不同意见")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="onsite_report")
    visit_starts_on = models.DateField(_("现场评审开始日期"), null=True, blank=True)
    visit_ends_on = models.DateField(_("现场评审结束日期"), null=True, blank=True)
    agenda = models.TextField(_("日程安排"), blank=True)
    issues_to_verify = models.TextField(_("需现场核实的问题"), blank=True)
    sites_and_interviews = models.TextField(_("现场、访谈和抽查的文件"), blank=True)
    verification = models.TextField(_("关键信息核实情况"), blank=True)
    veto_findings = models.TextField(_("否决性发现（事故、违法等）"), blank=True)
    conclusion = models.TextField(_("结论"), blank=True)
    recommendation = models.CharField(
        _("评审组建议"), max_length=15, choices=Recommendation.choices, blank=True
    )
    recommendation_reason = models.TextField(_("建议理由"), blank=True)
    confirmation = models.CharField(
        max_length=10, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    # Set when the leader hands the report to the applicant; cleared when the team
    # changes it again after an answer, so the applicant confirms the final text.
    sent_for_confirmation_at = models.DateTimeField(_("送申报单位确认时间"), null=True, blank=True)
    confirmation_note = models.TextField(_("申报单位意见"), blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("现场评审报告")
        verbose_name_plural = _("现场评审报告")

    def __str__(self) -> str:
        return str(self.case)


class ReviewerEvaluation(models.Model):
    """The reviewed organisation's written evaluation of an on-site reviewer's work
    quality and discipline (Art. 22). Never shown to the reviewer evaluated."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="evaluation"
    )
    quality = models.PositiveSmallIntegerField(_("工作质量（1–5分）"))
    discipline = models.PositiveSmallIntegerField(_("纪律作风（1–5分）"))
    comment = models.TextField(_("评价意见"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("对评审员的评价")
        verbose_name_plural = _("对评审员的评价")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    quality__gte=1, quality__lte=5, discipline__gte=1, discipline__lte=5
                ),
                name="evaluation_scores_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.quality}/{self.discipline}"


from .models_complaints import Complaint, ComplaintFile  # noqa: E402, F401
