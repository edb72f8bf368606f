import datetime
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from hengyang_award.core.insert_only import InsertOnlyModel
from hengyang_award.core.models import AwardCycle, Organisation

from .. import workflow
from ..workflow import CaseState as S

NOTE_REQUIRED = {"note_required": True}
# The office fixes the on-site list for the whole cycle on the ranking page.
ON_RANKING_PAGE = {"page": "review:ranking"}
ON_RANKING_PAGE_WITH_NOTE = {"note_required": True, "page": "review:ranking"}
# Comprehensive evaluation and the committee's resolution work on lists for the
# whole cycle; objections, notices and approvals have pages of their own.
ON_EVALUATION_PAGE = {"page": "committee:evaluation"}
ON_EVALUATION_PAGE_WITH_NOTE = {"note_required": True, "page": "committee:evaluation"}
ON_DECISION_PAGE = {"page": "committee:decision"}
ON_DECISION_PAGE_WITH_NOTE = {"note_required": True, "page": "committee:decision"}
ON_NOTICE_PAGE = {"page": "publicity:notices"}
ON_OBJECTION_PAGE_WITH_NOTE = {"note_required": True, "page": "publicity:objections"}
ON_DIRECTOR_PAGE = {"page": "approvals:director"}
ON_DIRECTOR_PAGE_WITH_NOTE = {"note_required": True, "page": "approvals:director"}
ON_MAYOR_PAGE = {"page": "approvals:mayor"}
ON_MAYOR_PAGE_WITH_NOTE = {"note_required": True, "page": "approvals:mayor"}
# Fired by the deadline engine as the system actor, never from a button.
TIME_DRIVEN = {"time_driven": True}
# The recommendation form carries the opinion itself: the condition is not shown as
# a reason to block the button, but the service still checks it.
OPINION_REQUIRED = {
    "note_required": True,
    "note_label": _("推荐意见"),
    "provided_by_form": (workflow.has_recommendation_opinion,),
    # Its form (opinion + stamped scan) is a page of its own.
    "page": "applications:case_recommend",
}


class Case(ConcurrentTransitionMixin, models.Model):
    """One organisation's application in one award cycle, from draft to the end of
    its title. Every edge of its life is declared below; `services.fire` is the only
    caller of these methods."""

    cycle = models.ForeignKey(
        AwardCycle, on_delete=models.PROTECT, related_name="cases", verbose_name=_("届次")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("申报组织")
    )
    state = FSMField(_("状态"), choices=S.choices, default=S.DRAFT, protected=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submission_round = models.PositiveSmallIntegerField(_("提交轮次"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    publicity_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    awarded_on = models.DateField(_("获奖日期"), null=True, blank=True)
    award_valid_until = models.DateField(_("称号有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("申报案卷")
        verbose_name_plural = _("申报案卷")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organisation"], name="one_case_per_organisation_and_cycle"
            )
        ]
        indexes = [
            models.Index(fields=["cycle", "state"]),
            # The case lists' order (PF-1): walked backwards, stopped after a page.
            models.Index(fields=["updated_at", "id"], name="case_updated_order"),
            # The home page's worklist: the longest-waiting cases of one state.
            models.Index(fields=["state", "updated_at", "id"], name="case_state_updated"),
        ]
        permissions = [
            ("submit_case", _("提交或撤回本组织的申报")),
            ("withdraw_case", _("撤回本组织的申报")),
            ("recommend_case", _("县市区推荐")),
            ("screen_case", _("资格审查")),
            ("review_case", _("参与专家评审")),
            ("manage_review_case", _("组织资料评审和现场评审")),
            ("evaluate_case", _("综合评价")),
            ("decide_case", _("记录评委会决定")),
            ("publish_case", _("发布公示")),
            ("handle_objection_case", _("处理公示异议")),
            ("director_approve_case", _("评委会主任审核")),
            ("mayor_approve_case", _("市长审定")),
            ("revoke_case", _("撤销奖项")),
            ("close_publicity_case", _("公示期满（系统）")),
            ("expire_case", _("称号到期（系统）")),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.cycle}"

    def get_state_display(self) -> str:
        """The state's label, looked up directly (PF-1): Django's generic
        `get_FOO_display` hashes every lazy label of the choices on each call."""
        return S(self.state).label

    @property
    def stage(self) -> str:
        return workflow.STAGE_OF_STATE[self.state]

    @property
    def stage_label(self) -> str:
        return workflow.Stage(self.stage).label

    # --- Application (Art. 10(1)) -------------------------------------------------
    @transition(
        field=state,
        source=[S.DRAFT, S.RETURNED],
        target=S.SUBMITTED,
        permission="applications.submit_case",
        conditions=[workflow.cycle_accepts_applications, workflow.application_complete],
    )
    def submit(self) -> None:
        self.submission_round += 1
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=workflow.WITHDRAWABLE,
        target=S.WITHDRAWN,
        permission="applications.withdraw_case",
        custom=NOTE_REQUIRED,
    )
    def withdraw(self) -> None:
        pass

    # --- County recommendation (Art. 10(1)) --------------------------------------
    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.RECOMMENDED,
        permission="applications.recommend_case",
        conditions=[workflow.has_recommendation_opinion],
        custom=OPINION_REQUIRED,
    )
    def recommend(self) -> None:
        pass

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.RETURNED,
        permission="applications.recommend_case",
        custom=NOTE_REQUIRED,
    )
    def return_to_applicant(self) -> None:
        pass

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.NOT_RECOMMENDED,
        permission="applications.recommend_case",
        custom=NOTE_REQUIRED,
    )
    def decline(self) -> None:
        pass

    # --- Eligibility screening (Art. 10(2)) --------------------------------------
    @transition(
        field=state,
        source=S.RECOMMENDED,
        target=S.ACCEPTED,
        permission="applications.screen_case",
        conditions=[workflow.screening_complete],
    )
    def accept(self) -> None:
        pass

    @transition(
        field=state,
        source=S.RECOMMENDED,
        target=S.INELIGIBLE,
        permission="applications.screen_case",
        custom=NOTE_REQUIRED,
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=S.RECOMMENDED,
        target=S.RETURNED,
        permission="applications.screen_case",
        custom=NOTE_REQUIRED,
    )
    def screening_return(self) -> None:
        pass

    # --- Document and on-site review (Art. 10(3)-(4)) ----------------------------
    @transition(
        field=state,
        source=S.ACCEPTED,
        target=S.DOCUMENT_REVIEW,
        conditions=[workflow.stage_conditions("start_document_review")],
        permission="applications.manage_review_case",
    )
    def start_document_review(self) -> None:
        pass

    @transition(
        field=state,
        source=S.DOCUMENT_REVIEW,
        target=S.ONSITE_REVIEW,
        conditions=[workflow.stage_conditions("shortlist")],
        permission="applications.manage_review_case",
        custom=ON_RANKING_PAGE,
    )
    def shortlist(self) -> None:
        pass

    @transition(
        field=state,
        source=S.DOCUMENT_REVIEW,
        target=S.NOT_SHORTLISTED,
        conditions=[workflow.stage_conditions("not_shortlist")],
        permission="applications.manage_review_case",
        custom=ON_RANKING_PAGE_WITH_NOTE,
    )
    def not_shortlist(self) -> None:
        pass

    @transition(
        field=state,
        source=S.ONSITE_REVIEW,
        target=S.EVALUATION,
        conditions=[workflow.stage_conditions("finish_onsite")],
        permission="applications.manage_review_case",
    )
    def finish_onsite(self) -> None:
        pass

    # --- Comprehensive evaluation and committee (Art. 10(5)) ---------------------
    @transition(
        field=state,
        source=S.EVALUATION,
        target=S.CANDIDATE,
        conditions=[workflow.stage_conditions("nominate")],
        permission="applications.evaluate_case",
        custom=ON_EVALUATION_PAGE,
    )
    def nominate(self) -> None:
        pass

    @transition(
        field=state,
        source=S.EVALUATION,
        target=S.NOT_SELECTED,
        conditions=[workflow.stage_conditions("pass_over")],
        permission="applications.evaluate_case",
        custom=ON_EVALUATION_PAGE_WITH_NOTE,
    )
    def pass_over(self) -> None:
        pass

    @transition(
        field=state,
        source=S.CANDIDATE,
        target=S.PROPOSED,
        conditions=[workflow.stage_conditions("propose")],
        permission="applications.decide_case",
        custom=ON_DECISION_PAGE,
    )
    def propose(self) -> None:
        pass

    @transition(
        field=state,
        source=S.CANDIDATE,
        target=S.NOT_SELECTED,
        conditions=[workflow.stage_conditions("committee_reject")],
        permission="applications.decide_case",
        custom=ON_DECISION_PAGE_WITH_NOTE,
    )
    def committee_reject(self) -> None:
        pass

    # --- Publicity (Art. 10(6)) ----------------------------------------------------
    @transition(
        field=state,
        source=S.PROPOSED,
        target=S.IN_PUBLICITY,
        conditions=[workflow.stage_conditions("publish")],
        permission="applications.publish_case",
        custom=ON_NOTICE_PAGE,
    )
    def publish(self, *, starts_on: datetime.date, ends_on: datetime.date) -> None:
        self.publicity_starts_on = starts_on
        self.publicity_ends_on = ends_on

    @transition(
        field=state,
        source=S.IN_PUBLICITY,
        target=S.UNDER_OBJECTION,
        conditions=[workflow.stage_conditions("raise_objection")],
        permission="applications.handle_objection_case",
        custom=ON_OBJECTION_PAGE_WITH_NOTE,
    )
    def raise_objection(self) -> None:
        pass

    @transition(
        field=state,
        source=S.UNDER_OBJECTION,
        target=S.IN_PUBLICITY,
        permission="applications.handle_objection_case",
        conditions=[
            workflow.stage_conditions("dismiss_objection"),
            workflow.publicity_period_running,
        ],
        custom=ON_OBJECTION_PAGE_WITH_NOTE,
    )
    def dismiss_objection(self) -> None:
        pass

    @transition(
        field=state,
        source=S.UNDER_OBJECTION,
        target=S.DIRECTOR_REVIEW,
        permission="applications.handle_objection_case",
        conditions=[
            workflow.stage_conditions("clear_objection"),
            workflow.publicity_period_over,
        ],
        custom=ON_OBJECTION_PAGE_WITH_NOTE,
    )
    def clear_objection(self) -> None:
        pass

    @transition(
        field=state,
        source=S.UNDER_OBJECTION,
        target=S.DISQUALIFIED,
        conditions=[workflow.stage_conditions("disqualify")],
        permission="applications.decide_case",
        custom=ON_OBJECTION_PAGE_WITH_NOTE,
    )
    def disqualify(self) -> None:
        pass

    @transition(
        field=state,
        source=S.IN_PUBLICITY,
        target=S.DIRECTOR_REVIEW,
        permission="applications.close_publicity_case",
        conditions=[workflow.stage_conditions("close_publicity"), workflow.publicity_period_over],
        custom=TIME_DRIVEN,
    )
    def close_publicity(self) -> None:
        pass

    # --- Approval and announcement (Art. 10(7)) ----------------------------------
    @transition(
        field=state,
        source=S.DIRECTOR_REVIEW,
        target=S.MAYOR_APPROVAL,
        permission="applications.director_approve_case",
        custom=ON_DIRECTOR_PAGE,
    )
    def director_approve(self) -> None:
        pass

    @transition(
        field=state,
        source=S.DIRECTOR_REVIEW,
        target=S.CANDIDATE,
        permission="applications.director_approve_case",
        custom=ON_DIRECTOR_PAGE_WITH_NOTE,
    )
    def director_send_back(self) -> None:
        pass

    @transition(
        field=state,
        source=S.MAYOR_APPROVAL,
        target=S.AWARDED,
        permission="applications.mayor_approve_case",
        custom=ON_MAYOR_PAGE,
    )
    def mayor_approve(self) -> None:
        today = timezone.localdate()
        self.awarded_on = today
        years = self.cycle.validity_years
        try:
            anniversary = today.replace(year=today.year + years)
        except ValueError:  # 29 February: the anniversary is 1 March (as for awards)
            anniversary = datetime.date(today.year + years, 3, 1)
        self.award_valid_until = anniversary - datetime.timedelta(days=1)

    @transition(
        field=state,
        source=S.MAYOR_APPROVAL,
        target=S.CANDIDATE,
        permission="applications.mayor_approve_case",
        custom=ON_MAYOR_PAGE_WITH_NOTE,
    )
    def mayor_send_back(self) -> None:
        pass

    # --- Supervision (Art. 17, 19, 20) ---------------------------------------------
    @transition(
        field=state,
        source=S.AWARDED,
        target=S.REVOKED,
        conditions=[workflow.stage_conditions("revoke")],
        permission="applications.revoke_case",
        custom=NOTE_REQUIRED,
    )
    def revoke(self) -> None:
        pass

    @transition(
        field=state,
        source=S.AWARDED,
        target=S.EXPIRED,
        permission="applications.expire_case",
        conditions=[workflow.validity_ended],
        custom=TIME_DRIVEN,
    )
    def expire(self) -> None:
        pass


class CaseEvent(InsertOnlyModel):
    """The immutable timeline of a case. Each row carries the hash of the previous
    row of the same case, so a changed or removed row breaks the chain."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=40)
    source = models.CharField(max_length=20, choices=S.choices)
    target = models.CharField(max_length=20, choices=S.choices)
    note = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("案卷流转记录")
        verbose_name_plural = _("案卷流转记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.name} {self.source}→{self.target}"

    def compute_hash(self) -> str:
        payload = json.dumps(
            [
                self.prev_hash,
                self.case_id,
                self.at.isoformat(),
                self.actor_id,
                self.name,
                self.source,
                self.target,
                self.note,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()


class Recommendation(models.Model):
    """The county government's recommendation opinion (推荐意见), one per
    submission round."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="recommendations")
    round = models.PositiveSmallIntegerField()
    opinion = models.TextField(_("推荐意见"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)
    scan = models.ForeignKey(
        "applications.Attachment",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("盖章扫描件"),
    )

    class Meta:
        verbose_name = _("推荐意见")
        verbose_name_plural = _("推荐意见")
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="one_recommendation_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.case} #{self.round}"


class CaseReminder(models.Model):
    """A deadline reminder that was sent; the unique key makes each one go out once
    however often the scan runs. `lead` is the working days before the due date,
    or OVERDUE."""

    OVERDUE = -1

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=40)
    due_on = models.DateField()
    lead = models.SmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("截止提醒")
        verbose_name_plural = _("截止提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "due_on", "lead"], name="one_reminder_per_deadline_lead"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.due_on} {self.lead}"


class CaseDocument(models.Model):
    """A document rendered for a case (a PDF), stored under a generated name with
    its SHA-256, verified on every download."""

    class Kind(models.TextChoices):
        APPLICATION_SUMMARY = "application_summary", _("申报表摘要")
        FEEDBACK_REPORT = "feedback_report", _("资料评审反馈报告")
        ONSITE_REPORT = "onsite_report", _("现场评审报告")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("类别"), max_length=40, choices=Kind.choices)
    round = models.PositiveSmallIntegerField(_("提交轮次"))
    file = models.FileField(upload_to="cases/", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("案卷文书")
        verbose_name_plural = _("案卷文书")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "round"], name="one_document_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} #{self.round}"

    @property
    def download_name(self) -> str:
        return f"{self.get_kind_display()}-{self.case.organisation.name}-{self.round}.pdf"


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
