"""Reads of the evaluation and the committee: scores from the review, the cycle's
committee, declarations and recusals, meetings and their tallies. Permission
lookups 404 on what the user was not given."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from applications.models import Case, CaseEvent
from applications.workflow import CaseState
from hengyang_award.core.models import AwardCycle, ScoringItem, User
from hengyang_award.core.roles import Role
from hengyang_award.core.selectors import cycles_public

from .models import (
    AgendaItem,
    Attendance,
    BallotCast,
    BallotRound,
    CycleEvaluation,
    Declaration,
    Meeting,
    Membership,
    Resolution,
    RoundItem,
)

OFFICE_PERMISSION = "applications.evaluate_case"
DIRECTOR_PERMISSION = "applications.decide_case"
COMMITTEE_ROLES = (Role.COMMITTEE_MEMBER, Role.COMMITTEE_DIRECTOR)
S = CaseState
# States in which the committee's members have the case file: from candidacy on.
COMMITTEE_STATES = (
    S.CANDIDATE,
    S.PROPOSED,
    S.IN_PUBLICITY,
    S.UNDER_OBJECTION,
    S.DIRECTOR_REVIEW,
    S.MAYOR_APPROVAL,
    S.AWARDED,
)
# A place among the cycle's winners is taken from `proposed` on.
WINNER_STATES = COMMITTEE_STATES[1:]
EVALUATION_STATES = (S.EVALUATION, S.CANDIDATE, S.NOT_SELECTED)


# --- cycles and the office -------------------------------------------------------
def require_office(user: User) -> None:
    if not user.has_perm(OFFICE_PERMISSION):
        raise PermissionDenied(_("只有评审办工作人员可以进行综合评价和组织评委会会议。"))


def require_director(user: User) -> None:
    if not user.has_perm(DIRECTOR_PERMISSION):
        raise PermissionDenied(_("只有评委会主任可以采纳评委会决议。"))


def cycle_choice(value: str | None) -> tuple[list[AwardCycle], AwardCycle | None]:
    """Opened cycles, newest first, and the one asked for (default the latest)."""
    cycles = list(cycles_public().order_by("-number"))
    chosen = next((c for c in cycles if str(c.pk) == (value or "")), None)
    return cycles, chosen or (cycles[0] if cycles else None)


# --- scores from the review ------------------------------------------------------
def onsite_total_of(case: Case) -> Decimal | None:
    """The on-site team's submitted total (points = percentages × item points)."""
    from review.models import Assignment, Consensus

    return (
        Consensus.objects.filter(
            case=case, stage=Assignment.Stage.ONSITE, status=Consensus.Status.SUBMITTED
        )
        .values_list("total", flat=True)
        .first()
    )


def onsite_totals(case_ids) -> dict[int, Decimal]:
    from review.models import Assignment, Consensus

    return dict(
        Consensus.objects.filter(
            case__in=case_ids, stage=Assignment.Stage.ONSITE, status=Consensus.Status.SUBMITTED
        ).values_list("case_id", "total")
    )


@dataclass
class EvaluationRow:
    case: Case
    document_total: Decimal | None
    onsite_total: Decimal | None
    categories: list = field(default_factory=list)
    recommendation: str = ""
    conclusion: str = ""
    recommendation_reason: str = ""
    quality: Decimal | None = None
    discipline: Decimal | None = None
    evaluations: int = 0
    errors: list = field(default_factory=list)  # a refused nomination's reasons
    typed_note: str = ""

    @property
    def open(self) -> bool:
        return self.case.state == S.EVALUATION


def evaluation_rows(cycle: AwardCycle) -> list[EvaluationRow]:
    """Every case of the cycle at or past the comprehensive evaluation, with the
    review's totals, the on-site category sums, the team's recommendation and the
    applicant's evaluation of the team; highest on-site total first. A fixed
    number of queries whatever the number of cases."""
    from review.models import Assignment, Consensus, ConsensusEntry, OnsiteReport
    from review.models import ReviewerEvaluation as Evaluation
    from review.scoring import category_sums

    cases = list(
        Case.objects.filter(cycle=cycle, state__in=EVALUATION_STATES).select_related(
            "organisation", "cycle"
        )
    )
    ids = [c.pk for c in cases]
    totals: dict[tuple[int, str], Decimal | None] = {
        (case_id, stage): total
        for case_id, stage, total in Consensus.objects.filter(
            case__in=ids, status=Consensus.Status.SUBMITTED
        ).values_list("case_id", "stage", "total")
    }
    percents: dict[int, dict[str, int | None]] = defaultdict(dict)
    for case_id, code, percent in ConsensusEntry.objects.filter(
        consensus__case__in=ids,
        consensus__stage=Assignment.Stage.ONSITE,
        consensus__status=Consensus.Status.SUBMITTED,
    ).values_list("consensus__case_id", "item_code", "percent"):
        percents[case_id][code] = percent
    reports = {r.case_id: r for r in OnsiteReport.objects.filter(case__in=ids)}
    averages = {
        row["assignment__case"]: row
        for row in Evaluation.objects.filter(
            assignment__case__in=ids, assignment__stage=Assignment.Stage.ONSITE
        )
        .values("assignment__case")
        .annotate(quality=Avg("quality"), discipline=Avg("discipline"))
    }
    counts = defaultdict(int)
    for case_id in Evaluation.objects.filter(
        assignment__case__in=ids, assignment__stage=Assignment.Stage.ONSITE
    ).values_list("assignment__case", flat=True):
        counts[case_id] += 1
    items = list(ScoringItem.objects.all())
    rows = []
    for case in cases:
        report = reports.get(case.pk)
        average = averages.get(case.pk, {})
        rows.append(
            EvaluationRow(
                case=case,
                document_total=totals.get((case.pk, Assignment.Stage.DOCUMENT)),
                onsite_total=totals.get((case.pk, Assignment.Stage.ONSITE)),
                categories=category_sums(items, percents.get(case.pk, {})),
                recommendation=report.get_recommendation_display() if report else "",
                conclusion=report.conclusion if report else "",
                recommendation_reason=report.recommendation_reason if report else "",
                quality=_round(average.get("quality")),
                discipline=_round(average.get("discipline")),
                evaluations=counts[case.pk],
            )
        )
    rows.sort(key=lambda r: (r.onsite_total is not None, r.onsite_total or 0), reverse=True)
    return rows


def _round(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


def evaluation_of(cycle: AwardCycle) -> CycleEvaluation | None:
    return CycleEvaluation.objects.filter(cycle=cycle).first()


# --- the committee of a cycle ----------------------------------------------------
ROLE_ORDER = {Membership.Role.DIRECTOR: 0, Membership.Role.DEPUTY: 1, Membership.Role.MEMBER: 2}


def members_of(cycle: AwardCycle) -> list[Membership]:
    members = list(Membership.objects.filter(cycle=cycle).select_related("user"))
    return sorted(members, key=lambda m: (ROLE_ORDER[m.role], m.pk))


def committee_users() -> QuerySet[User]:
    """Active users who may sit on a committee (the committee roles)."""
    return (
        User.objects.filter(is_active=True, groups__name__in=COMMITTEE_ROLES)
        .distinct()
        .order_by("username")
    )


def membership_of(user: User, cycle_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, cycle_id=cycle_id).first()


def director_of(cycle: AwardCycle) -> Membership | None:
    return (
        Membership.objects.filter(cycle=cycle, role=Membership.Role.DIRECTOR)
        .select_related("user")
        .first()
    )


def committee_audience(case: Case) -> QuerySet[User]:
    """Who is told about a candidate: the committee of the case's cycle only."""
    return User.objects.filter(committee_memberships__cycle=case.cycle_id)


# --- declarations and recusal ----------------------------------------------------
def detected_conflicts(member: Membership, case: Case) -> list[str]:
    """Known ties between the member and the applicant, on the reviewers' grounds:
    working for the applicant, and, for a member who is also in the reviewer
    pool, every relation and recusal the review knows of."""
    reasons = []
    user = member.user
    if user.organisation_id is not None and user.organisation_id == case.organisation_id:
        reasons.append(_("委员本人是申报组织的用户。"))
    reviewer = getattr(user, "reviewer_profile", None)
    if reviewer is not None:
        from review.conflicts import conflicts_for

        reasons.extend(conflicts_for(reviewer, case))
    return reasons


def declarations_by(member: Membership) -> dict[int, Declaration]:
    return {d.case_id: d for d in Declaration.objects.filter(member=member)}


def recused_member_ids(case: Case) -> set[int]:
    return set(
        Declaration.objects.filter(case=case, has_conflict=True).values_list("member_id", flat=True)
    )


def is_recused(member: Membership, case: Case) -> bool:
    return Declaration.objects.filter(member=member, case=case, has_conflict=True).exists()


def case_file_gate(user: User, case: Case) -> str | None:
    """While the committee deliberates, a member opens a candidate's file only
    after declaring no conflict; a recused member never does (the declaration page
    says so). For the application file's views, via applications' gate hook."""
    from django.urls import reverse

    if (
        case.state != S.CANDIDATE
        or not user.is_authenticated
        or user.has_perm("applications.screen_case")
    ):
        return None
    member = membership_of(user, case.cycle_id)
    if member is None:
        return None
    declaration = Declaration.objects.filter(member=member, case=case).first()
    if declaration is None or declaration.has_conflict:
        return reverse("committee:declare", args=[case.pk])
    return None


# --- the member's side -----------------------------------------------------------
def candidates_for_member(user: User) -> QuerySet[Case]:
    """Candidates of the cycles whose committee the user sits on (AC-2)."""
    return (
        Case.objects.filter(state=S.CANDIDATE, cycle__committee_members__user=user)
        .select_related("organisation", "cycle")
        .order_by("cycle", "organisation__name")
    )


def candidate_for_member(user: User, case_pk: int) -> tuple[Case, Membership]:
    case = get_object_or_404(candidates_for_member(user), pk=case_pk)
    member = membership_of(user, case.cycle_id)
    return case, member


def meetings_for_member(user: User) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(cycle__committee_members__user=user)
        .select_related("cycle")
        .order_by("-held_on", "-pk")
    )


def meeting_for_member(user: User, pk: int) -> tuple[Meeting, Membership]:
    meeting = get_object_or_404(meetings_for_member(user), pk=pk)
    return meeting, membership_of(user, meeting.cycle_id)


def meeting_for_office(user: User, pk: int) -> Meeting:
    require_office(user)
    return get_object_or_404(Meeting.objects.select_related("cycle"), pk=pk)


def meeting_for_viewer(user: User, pk: int) -> Meeting:
    """The office, the director and the cycle's members see a meeting's record."""
    if user.has_perm(OFFICE_PERMISSION) or user.has_perm(DIRECTOR_PERMISSION):
        return get_object_or_404(Meeting.objects.select_related("cycle"), pk=pk)
    return meeting_for_member(user, pk)[0]


def open_round(meeting: Meeting) -> BallotRound | None:
    return meeting.rounds.filter(closed_at__isnull=True).first()


def present_member_ids(meeting: Meeting) -> set[int]:
    return set(
        Attendance.objects.filter(meeting=meeting, present=True).values_list("member_id", flat=True)
    )


@dataclass
class BallotLine:
    case: Case
    declared: bool
    recused: bool
    cast: bool

    @property
    def can_vote(self) -> bool:
        return self.declared and not self.recused and not self.cast


def ballot_lines(member: Membership, round_: BallotRound) -> list[BallotLine]:
    cases = [item.case for item in round_.items.select_related("case__organisation")]
    declarations = declarations_by(member)
    cast = set(
        BallotCast.objects.filter(round=round_, member=member).values_list("case_id", flat=True)
    )
    return [
        BallotLine(
            case=case,
            declared=case.pk in declarations,
            recused=case.pk in declarations and declarations[case.pk].has_conflict,
            cast=case.pk in cast,
        )
        for case in cases
    ]


# --- the record of a meeting -----------------------------------------------------
@dataclass
class RoundView:
    round: BallotRound
    items: list[RoundItem]
    casts: int  # ballots cast so far (how many, never whose choice)


def rounds_of(meeting: Meeting) -> list[RoundView]:
    rounds = list(meeting.rounds.order_by("number"))
    items = defaultdict(list)
    for item in RoundItem.objects.filter(round__meeting=meeting).select_related(
        "case__organisation"
    ):
        items[item.round_id].append(item)
    casts = defaultdict(int)
    for round_id in BallotCast.objects.filter(round__meeting=meeting).values_list(
        "round_id", flat=True
    ):
        casts[round_id] += 1
    return [RoundView(round=r, items=items[r.pk], casts=casts[r.pk]) for r in rounds]


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda.select_related("case__organisation"))


def attendance_of(meeting: Meeting) -> dict[int, bool]:
    return dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "present"))


@dataclass
class Recusal:
    member: Membership
    case: Case
    description: str


def recusals_of(meeting: Meeting) -> list[Recusal]:
    """Who is recused from which candidate of the agenda (not secret)."""
    ids = list(meeting.agenda.values_list("case_id", flat=True))
    return [
        Recusal(member=d.member, case=d.case, description=d.description)
        for d in Declaration.objects.filter(
            case__in=ids, has_conflict=True, member__cycle=meeting.cycle_id
        )
        .select_related("member__user", "case__organisation")
        .order_by("case", "member")
    ]


def resolution_of(meeting: Meeting) -> Resolution | None:
    return (
        Resolution.objects.filter(meeting=meeting)
        .prefetch_related("entries__case__organisation")
        .first()
    )


def meetings_of(cycle: AwardCycle) -> list[Meeting]:
    return list(
        Meeting.objects.filter(cycle=cycle).select_related("resolution").order_by("-held_on", "-pk")
    )


def latest_candidate_event(case: Case) -> CaseEvent | None:
    return CaseEvent.objects.filter(case=case, target=S.CANDIDATE).order_by("-at", "-pk").first()


def current_entry(case: Case):
    """The latest complete resolution's entry for the case's current candidacy."""
    from .models import ResolutionEntry

    event = latest_candidate_event(case)
    if event is None:
        return None
    return (
        ResolutionEntry.objects.filter(case=case, candidate_event=event, resolution__complete=True)
        .select_related("resolution")
        .order_by("-resolution__computed_at", "-pk")
        .first()
    )


def winners_taken(cycle: AwardCycle, *, excluding=()) -> int:
    return (
        Case.objects.filter(cycle=cycle, state__in=WINNER_STATES).exclude(pk__in=excluding).count()
    )


def decision_meetings(cycle: AwardCycle) -> list[Meeting]:
    """Meetings of the cycle with a computed resolution, newest first."""
    return [m for m in meetings_of(cycle) if hasattr(m, "resolution")]
