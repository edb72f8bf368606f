"""Reads of the on-site review (现场评审): who is on the team, the report and its
deadlines, the team's scores beside the document consensus, and the applicant's
evaluations of the team members, which the reviewer evaluated never sees."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Case
from applications.selectors import case_for_user
from applications.workflow import CaseState
from hengyang_award.core.models import ScoringItem, User
from hengyang_award.core.roles import Role
from hengyang_award.workcalendar.days import ONE_DAY, WorkingCalendar, WorkingDayResult

from .models import (
    Assignment,
    Consensus,
    ConsensusEntry,
    OnsiteReport,
    Reviewer,
    ReviewerEvaluation,
)

ONSITE = Assignment.Stage.ONSITE
DOCUMENT = Assignment.Stage.DOCUMENT
OFFICE_PERMISSION = "applications.manage_review_case"
EVALUATION_PERMISSION = "review.view_reviewerevaluation"
CENT = Decimal("0.01")


def is_review_office(user: User, case: Case) -> bool:
    return user.has_perm(OFFICE_PERMISSION) or user.has_perm(OFFICE_PERMISSION, case)


def onsite_team(case: Case) -> list[Assignment]:
    """The active on-site team, leader first."""
    return list(
        Assignment.objects.filter(case=case, stage=ONSITE, status=Assignment.Status.ACTIVE)
        .select_related("reviewer__user")
        .order_by("role", "reviewer__name", "pk")
    )


def onsite_assignment_of(user: User, case: Case) -> Assignment | None:
    """The user's active place on the case's on-site team, if any."""
    if not user.is_authenticated:
        return None
    return (
        Assignment.objects.filter(
            case=case, stage=ONSITE, status=Assignment.Status.ACTIVE, reviewer__user=user
        )
        .select_related("reviewer")
        .first()
    )


def onsite_case_for_office(user: User, pk: int) -> Case:
    """A case the user can see (404 otherwise) and organise the review of (403)."""
    case = case_for_user(user, pk)
    if not is_review_office(user, case):
        raise PermissionDenied(_("只有评审办工作人员可以组织现场评审。"))
    return case


def onsite_case_for_team(user: User, pk: int) -> tuple[Case, Assignment | None]:
    """A case the user can see, with the user's place on its on-site team; the
    office reads along without a place. Anyone else is refused."""
    case = case_for_user(user, pk)
    assignment = onsite_assignment_of(user, case)
    if assignment is None and not is_review_office(user, case):
        raise PermissionDenied(_("您不是该案卷现场评审组的成员。"))
    if assignment is not None and assignment.declared_at is None:
        raise PermissionDenied(_("请先签署本案的公正性和保密声明。"))
    return case, assignment


def onsite_case_for_applicant(user: User, pk: int) -> Case:
    """The case of the user's own organisation: 404 for a case the user cannot
    see, 403 for one they see in another capacity (office, county, reviewer)."""
    case = case_for_user(user, pk)
    if user.organisation_id != case.organisation_id or not user.has_role(Role.APPLICANT):
        raise PermissionDenied(_("只有申报单位的用户可以办理此事项。"))
    return case


def onsite_pool() -> QuerySet[Reviewer]:
    """Pool entries the office may put on a team (the conflict rules are checked
    when they are assigned)."""
    return Reviewer.objects.filter(
        status=Reviewer.Status.ACTIVE, user__isnull=False, user__is_active=True
    ).order_by("name", "pk")


def onsite_editable(case: Case, report: OnsiteReport | None) -> bool:
    """Whether the team may still change the schedule, scores or report: not once
    submitted, nor while the applicant is reading it (the services enforce this)."""
    if case.state != CaseState.ONSITE_REVIEW:
        return False
    if report is None:
        return True
    awaiting = (
        report.sent_for_confirmation_at is not None
        and report.confirmation == OnsiteReport.Confirmation.PENDING
    )
    return report.submitted_at is None and not awaiting


def onsite_report_of(case: Case) -> OnsiteReport | None:
    return OnsiteReport.objects.filter(case=case).select_related("confirmed_by").first()


def consensus_of(case: Case, stage: str) -> Consensus | None:
    return Consensus.objects.filter(case=case, stage=stage).select_related("leader").first()


def item_points(item: ScoringItem, percent: int | None) -> Decimal | None:
    if percent is None:
        return None
    return (Decimal(item.points) * percent / 100).quantize(CENT)


@dataclass(frozen=True)
class ScoreRow:
    """One scoring item: the document consensus and the team's on-site score."""

    item: ScoringItem
    document: ConsensusEntry | None
    onsite: ConsensusEntry | None

    @property
    def document_percent(self) -> int | None:
        return self.document.percent if self.document else None

    @property
    def onsite_percent(self) -> int | None:
        return self.onsite.percent if self.onsite else None

    @property
    def changed(self) -> bool:
        return self.onsite is not None and self.onsite_percent != self.document_percent

    @property
    def onsite_points(self) -> Decimal | None:
        return item_points(self.item, self.onsite_percent)


def onsite_score_rows(case: Case) -> list[ScoreRow]:
    """Every scoring item with both consensuses' entries (three queries)."""
    entries: dict[str, dict[str, ConsensusEntry]] = {DOCUMENT: {}, ONSITE: {}}
    for entry in ConsensusEntry.objects.filter(
        consensus__case=case, consensus__stage__in=[DOCUMENT, ONSITE]
    ).select_related("consensus"):
        entries[entry.consensus.stage][entry.item_code] = entry
    return [
        ScoreRow(
            item=item,
            document=entries[DOCUMENT].get(item.code),
            onsite=entries[ONSITE].get(item.code),
        )
        for item in ScoringItem.objects.all()
    ]


def onsite_total(rows: list[ScoreRow]) -> Decimal | None:
    """The team's total, once every item has an on-site score."""
    if not rows or any(row.onsite_percent is None for row in rows):
        return None
    return sum((row.onsite_points for row in rows), Decimal("0.00"))


def onsite_issues_suggested(case: Case) -> str:
    """The site-visit issues drawn from the document consensus: each item's
    opportunities for improvement, one line each."""
    names = dict(ScoringItem.objects.values_list("code", "name"))
    lines = []
    for entry in ConsensusEntry.objects.filter(consensus__case=case, consensus__stage=DOCUMENT):
        for opportunity in entry.opportunities or []:
            text = str(opportunity).strip()
            if text:
                lines.append(f"{entry.item_code} {names.get(entry.item_code, '')}：{text}")
    return "\n".join(sorted(lines, key=_item_order(names)))


def _item_order(names: dict[str, str]):
    order = {code: i for i, code in enumerate(names)}
    return lambda line: order.get(line.split(" ", 1)[0], len(order))


def onsite_report_missing(
    case: Case,
    report: OnsiteReport | None,
    *,
    team: list[Assignment] | None = None,
    rows: list[ScoreRow] | None = None,
) -> list[str]:
    """What the report still lacks before the applicant can be asked to confirm it
    (`team` and `rows` save the queries when the caller has them)."""
    missing = []
    team = onsite_team(case) if team is None else team
    undeclared = [a.reviewer.name for a in team if a.declared_at is None]
    if undeclared:
        missing.append(
            _("评审组成员%(names)s尚未签署公正性和保密声明。") % {"names": "、".join(undeclared)}
        )
    if report is None or report.visit_starts_on is None:
        missing.append(_("尚未确定现场评审日程。"))
    rows = onsite_score_rows(case) if rows is None else rows
    items = [row.item for row in rows if row.onsite_percent is None]
    if items:
        missing.append(
            _("现场评分尚未完成：%(items)s。") % {"items": "、".join(i.code for i in items)}
        )
    labels = [
        ("sites_and_interviews", _("尚未填写现场、访谈和抽查的文件。")),
        ("verification", _("尚未填写关键信息核实情况。")),
        ("conclusion", _("尚未填写结论。")),
        ("recommendation", _("尚未选择评审组建议。")),
        ("recommendation_reason", _("尚未填写建议理由。")),
    ]
    for field, message in labels:
        if report is None or not getattr(report, field).strip():
            missing.append(message)
    return missing


@dataclass(frozen=True)
class OnsiteDeadlines:
    """The applicant confirms within `confirmation_working_days` of receiving the
    report; the leader submits within `onsite_report_working_days` of the visit's
    last day."""

    report_due: WorkingDayResult | None
    confirmation_due: WorkingDayResult | None
    report_overdue: bool
    confirmation_overdue: bool


def onsite_deadlines(case: Case, report: OnsiteReport | None) -> OnsiteDeadlines:
    today = timezone.localdate()
    report_due = confirmation_due = None
    ends_on = report.visit_ends_on if report else None
    sent_on = (
        timezone.localdate(report.sent_for_confirmation_at)
        if report and report.sent_for_confirmation_at
        else None
    )
    starts = [day for day in (ends_on, sent_on) if day is not None]
    if starts:
        calendar = WorkingCalendar(min(starts), max(starts) + 60 * ONE_DAY)
        if ends_on is not None:
            report_due = calendar.add(ends_on, n=case.cycle.onsite_report_working_days)
        if sent_on is not None:
            confirmation_due = calendar.add(sent_on, n=case.cycle.confirmation_working_days)
    submitted_on = (
        timezone.localdate(report.submitted_at) if report and report.submitted_at else None
    )
    confirmed_on = (
        timezone.localdate(report.confirmed_at) if report and report.confirmed_at else None
    )
    return OnsiteDeadlines(
        report_due=report_due,
        confirmation_due=confirmation_due,
        report_overdue=_late(report_due, submitted_on or today),
        confirmation_overdue=_late(confirmation_due, confirmed_on or today),
    )


def _late(due: WorkingDayResult | None, day: datetime.date) -> bool:
    return due is not None and day > due.day


def can_view_evaluations(user: User, case: Case) -> bool:
    """The office and the committee read the applicant's evaluations (Art. 22)."""
    if user.has_perm(EVALUATION_PERMISSION):
        return True
    committee = user.has_role(Role.COMMITTEE_MEMBER) or user.has_role(Role.COMMITTEE_DIRECTOR)
    return committee and user.has_perm("applications.view_case", case)


def onsite_evaluations_for(user: User, case: Case) -> QuerySet[ReviewerEvaluation]:
    """The case's evaluations this user may read; a reviewer never reads those of
    themself, whatever other role they hold."""
    if not can_view_evaluations(user, case):
        return ReviewerEvaluation.objects.none()
    return (
        ReviewerEvaluation.objects.filter(assignment__case=case)
        .exclude(assignment__reviewer__user=user)
        .select_related("assignment__reviewer", "by")
        .order_by("assignment__role", "assignment__reviewer__name")
    )


def onsite_members_to_evaluate(case: Case) -> list[tuple[Assignment, ReviewerEvaluation | None]]:
    """The applicant's view: each active on-site member with its evaluation, if given."""
    team = onsite_team(case)
    given = {
        e.assignment_id: e
        for e in ReviewerEvaluation.objects.filter(assignment__in=[a.pk for a in team])
    }
    return [(a, given.get(a.pk)) for a in team]


def reviewers_with_evaluation_averages(reviewers: QuerySet[Reviewer]) -> QuerySet[Reviewer]:
    """Annotate pool entries with the applicants' evaluations (count and averages
    of quality and discipline), for the pool record seen by the office."""
    evaluated = Q(assignments__evaluation__isnull=False)
    return reviewers.annotate(
        evaluation_count=Count("assignments__evaluation", filter=evaluated),
        evaluation_quality=Avg("assignments__evaluation__quality", filter=evaluated),
        evaluation_discipline=Avg("assignments__evaluation__discipline", filter=evaluated),
    )


def reviewer_evaluation_summary(reviewer: Reviewer, *, viewer: User) -> dict | None:
    """Count and averages of a reviewer's evaluations, or None for a viewer who
    may not read them (anyone without the office's right, and the reviewer)."""
    if reviewer.user_id is not None and reviewer.user_id == viewer.pk:
        return None
    if not viewer.has_perm(EVALUATION_PERMISSION):
        return None
    return ReviewerEvaluation.objects.filter(assignment__reviewer=reviewer).aggregate(
        count=Count("pk"), quality=Avg("quality"), discipline=Avg("discipline")
    )


def onsite_links_for(case: Case, user: User) -> list[tuple[str, str]]:
    """The on-site pages this user has on the case page, as (label, url)."""
    if case.state == CaseState.ONSITE_REVIEW:
        started = True
    else:
        started = Assignment.objects.filter(case=case, stage=ONSITE).exists()
    if not started:
        return []
    links = []
    if is_review_office(user, case) or onsite_assignment_of(user, case) is not None:
        links.append((_("现场评审组和日程"), reverse("review:onsite_team", args=[case.pk])))
        links.append((_("现场评分"), reverse("review:onsite_scores", args=[case.pk])))
        links.append((_("现场评审报告"), reverse("review:onsite_report", args=[case.pk])))
    if user.organisation_id == case.organisation_id and user.has_role(Role.APPLICANT):
        links.append((_("确认现场评审报告"), reverse("review:onsite_confirm", args=[case.pk])))
        links.append((_("评价现场评审组成员"), reverse("review:onsite_evaluate", args=[case.pk])))
    if can_view_evaluations(user, case):
        links.append(
            (_("申报单位对评审员的评价"), reverse("review:onsite_evaluations", args=[case.pk]))
        )
    return links
