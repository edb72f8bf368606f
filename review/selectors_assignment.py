"""Reads of review teams: a case's team per stage, the office's view of flags and
draws, a reviewer's own assignments with their deadlines, and the replay of a
recorded draw."""

import datetime
import random
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.deadlines import Deadline
from applications.models import Case
from applications.workflow import CaseState
from hengyang_award.core.models import AwardCycle, User
from hengyang_award.workcalendar.days import WorkingCalendar, add_working_days

from .conflicts import cleared_reviewer_ids, conflicts_by_reviewer, recused_reviewer_ids
from .models import Assignment, AssignmentDraw, ConflictFlag, Reviewer

DOCUMENT = Assignment.Stage.DOCUMENT
ONSITE = Assignment.Stage.ONSITE
ACTIVE = Assignment.Status.ACTIVE
LEADER = Assignment.Role.LEADER
REVIEW_DEADLINE_LABEL = _("资料评审评分")
# The document-review deadline runs while the case waits for or is in review.
REVIEW_DEADLINE_STATES = (CaseState.ACCEPTED, CaseState.DOCUMENT_REVIEW)
ONE_DAY = datetime.timedelta(days=1)


def team_size(cycle: AwardCycle, stage: str) -> int:
    """The cycle's number of reviewers for a stage (the on-site team includes its
    leader)."""
    return cycle.reviewers_per_case if stage == DOCUMENT else cycle.onsite_team_size


def _leader_first() -> models.Case:
    return models.Case(
        When(role=LEADER, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def case_team(case: Case, *, stage: str) -> list[Assignment]:
    """The active team of a stage, leader first."""
    return list(
        Assignment.objects.filter(case=case, stage=stage, status=ACTIVE)
        .select_related("reviewer__user", "draw")
        .annotate(leader_first=_leader_first())
        .order_by("leader_first", "assigned_at", "pk")
    )


def case_assignments_ended(case: Case, *, stage: str) -> QuerySet[Assignment]:
    """Assignments of a stage that ended (recused or replaced), latest first."""
    return (
        Assignment.objects.filter(case=case, stage=stage)
        .exclude(status=ACTIVE)
        .select_related("reviewer", "assigned_by")
        .order_by("-ended_at", "-pk")
    )


def case_flags(case: Case) -> QuerySet[ConflictFlag]:
    """Every conflict flag of the case, pending first."""
    pending_first = models.Case(
        When(decision=ConflictFlag.Decision.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        ConflictFlag.objects.filter(case=case)
        .select_related("reviewer", "decided_by")
        .annotate(pending_first=pending_first)
        .order_by("pending_first", "-created_at", "-pk")
    )


def case_draws(case: Case, *, stage: str) -> QuerySet[AssignmentDraw]:
    return (
        AssignmentDraw.objects.filter(case=case, stage=stage)
        .select_related("drawn_by")
        .order_by("-drawn_at", "-pk")
    )


def team_incomplete(case: Case, *, stage: str) -> list[str]:
    """What keeps the team of a stage from being complete, as readable lines."""
    team = Assignment.objects.filter(case=case, stage=stage, status=ACTIVE)
    counts = team.aggregate(
        n=Count("pk"),
        leaders=Count("pk", filter=Q(role=LEADER)),
        undeclared=Count("pk", filter=Q(declared_at__isnull=True)),
    )
    size = team_size(case.cycle, stage)
    missing = []
    if counts["n"] != size:
        missing.append(
            str(_("评审组应有%(size)d人，目前%(n)d人。") % {"size": size, "n": counts["n"]})
        )
    if counts["leaders"] != 1:
        missing.append(str(_("评审组须有且只有一名组长。")))
    if counts["undeclared"]:
        missing.append(
            str(_("%(n)d名评审员尚未签署公正性和保密声明。") % {"n": counts["undeclared"]})
        )
    pending = ConflictFlag.objects.filter(case=case, decision=ConflictFlag.Decision.PENDING)
    if pending.exists():
        missing.append(str(_("尚有利害关系提示未处理。")))
    return missing


def reviewer_loads(cycle: AwardCycle, reviewer_ids: list[int]) -> dict[int, int]:
    """Active assignments per reviewer in the cycle (any stage)."""
    rows = (
        Assignment.objects.filter(case__cycle=cycle, status=ACTIVE, reviewer__in=reviewer_ids)
        .values("reviewer")
        .annotate(n=Count("pk"))
    )
    loads = dict.fromkeys(reviewer_ids, 0)
    loads.update({row["reviewer"]: row["n"] for row in rows})
    return loads


def draw_pick(candidates: list[int], *, loads: dict[int, int], count: int, seed: str) -> list[int]:
    """The draw itself: a shuffle seeded by `seed`, then the least loaded first
    (the sort is stable, so reviewers with equal load keep the random order)."""
    order = sorted(candidates)
    random.Random(seed).shuffle(order)  # noqa: S311 — reproducible from the recorded seed
    order.sort(key=lambda pk: loads.get(pk, 0))
    return order[:count]


def draw_replays(draw: AssignmentDraw) -> bool:
    """Whether the recorded inputs (candidates, loads, count, seed) give the
    recorded result: anyone can check that the suggestion was not chosen by hand."""
    pool = draw.pool
    loads = {int(k): v for k, v in pool.get("loads", {}).items()}
    replayed = draw_pick(
        [int(pk) for pk in pool.get("candidates", [])],
        loads=loads,
        count=int(pool.get("count", 0)),
        seed=draw.seed,
    )
    return replayed == [int(pk) for pk in draw.result]


@dataclass(frozen=True)
class PoolEntry:
    reviewer: Reviewer
    load: int
    conflicts: tuple[str, ...]
    on_team: bool
    recused: bool
    cleared: bool

    @property
    def blocked(self) -> bool:
        return self.recused or self.on_team or (bool(self.conflicts) and not self.cleared)


def pool_for_case(case: Case, *, stage: str) -> list[PoolEntry]:
    """Active reviewers with a login, each with its load in the cycle and what is
    known against it for this case: for the office's manual choice."""
    reviewers = list(
        Reviewer.objects.filter(
            status=Reviewer.Status.ACTIVE, user__isnull=False, user__is_active=True
        ).order_by("name", "pk")
    )
    ids = [r.pk for r in reviewers]
    loads = reviewer_loads(case.cycle, ids)
    conflicts = conflicts_by_reviewer(case, reviewers)
    on_team = set(
        Assignment.objects.filter(case=case, stage=stage, status=ACTIVE).values_list(
            "reviewer_id", flat=True
        )
    )
    recused = recused_reviewer_ids(case)
    cleared = cleared_reviewer_ids(case)
    return [
        PoolEntry(
            reviewer=r,
            load=loads[r.pk],
            conflicts=tuple(conflicts.get(r.pk, ())),
            on_team=r.pk in on_team,
            recused=r.pk in recused,
            cleared=r.pk in cleared,
        )
        for r in reviewers
    ]


def review_deadline(
    assignment: Assignment, *, today: datetime.date, calendar: WorkingCalendar | None = None
) -> Deadline | None:
    """The document-review deadline of an assignment: the cycle's review working
    days from the day of assignment (None for on-site assignments, whose dates
    the on-site area sets, and once the case has left document review)."""
    case = assignment.case
    if assignment.stage != DOCUMENT or case.state not in REVIEW_DEADLINE_STATES:
        return None
    start = timezone.localdate(assignment.assigned_at)
    n = case.cycle.review_working_days
    due = calendar.add(start, n=n) if calendar else add_working_days(start, n=n)
    if due.day > today:
        calendar = calendar or WorkingCalendar(today, due.day)
        days_left = calendar.count(today + ONE_DAY, end=due.day)
    elif due.day == today:
        days_left = 0
    else:
        calendar = calendar or WorkingCalendar(due.day, today)
        days_left = -max(1, calendar.count(due.day + ONE_DAY, end=today))
    return Deadline(
        "review", REVIEW_DEADLINE_LABEL, "reviewer", due.day, due.provisional, days_left
    )


def assignments_for_reviewer(user: User) -> list[Assignment]:
    """The user's active assignments with case, organisation and cycle, each with
    `deadline` (or None) and `needs_declaration`."""
    if not user.is_authenticated:
        return []
    assignments = list(
        Assignment.objects.filter(reviewer__user=user, status=ACTIVE)
        .select_related("case__organisation__county", "case__cycle", "reviewer")
        .order_by("assigned_at", "pk")
    )
    if not assignments:
        return []
    today = timezone.localdate()
    calendar = WorkingCalendar(today - 120 * ONE_DAY, today + 120 * ONE_DAY)
    pending = set(
        ConflictFlag.objects.filter(
            reviewer__user=user,
            case__in=[a.case_id for a in assignments],
            decision=ConflictFlag.Decision.PENDING,
        ).values_list("case_id", "reviewer_id")
    )
    for assignment in assignments:
        assignment.deadline = review_deadline(assignment, today=today, calendar=calendar)
        assignment.awaiting_office = (assignment.case_id, assignment.reviewer_id) in pending
        assignment.needs_declaration = assignment.declared_at is None or assignment.awaiting_office
    return assignments


def assignment_of_reviewer(user: User, pk: int) -> Assignment:
    """The user's own active assignment (404 for anyone else's or an ended one)."""
    assignment = (
        Assignment.objects.filter(pk=pk, reviewer__user=user, status=ACTIVE)
        .select_related("case__organisation", "case__cycle", "reviewer")
        .first()
    )
    if assignment is None or not user.is_authenticated:
        raise Http404
    return assignment


def declaration_pending(user: User, case: Case) -> Assignment | None:
    """The user's active assignment on the case that keeps the case file closed:
    the declaration is unsigned, or a relation the reviewer declared awaits the
    office's decision. None when the user may open the file (or is not a reviewer
    of the case at all)."""
    if not user.is_authenticated:
        return None
    assignments = list(
        Assignment.objects.filter(case=case, reviewer__user=user, status=ACTIVE).order_by("pk")
    )
    if not assignments:
        return None
    unsigned = next((a for a in assignments if a.declared_at is None), None)
    if unsigned is not None:
        return unsigned
    awaiting = ConflictFlag.objects.filter(
        case=case, reviewer=assignments[0].reviewer_id, decision=ConflictFlag.Decision.PENDING
    ).exists()
    return assignments[0] if awaiting else None


def case_file_gate(user: User, case: Case) -> str | None:
    """Where a reviewer must go before the case file opens (the declaration
    page), or None when nothing stands in the way. For the application file's
    views, through a hook applications calls without importing review."""
    from django.urls import reverse

    pending = declaration_pending(user, case)
    return reverse("review:assign_declare", args=[pending.pk]) if pending else None
