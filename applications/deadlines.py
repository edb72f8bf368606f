"""Stage deadlines of a case, in working days from the cycle's parameters, and the
scan that reminds people and fires the time-driven transitions."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hengyang_award.workcalendar.days import WorkingCalendar

from .models import Case, CaseEvent
from .workflow import CaseState as S


@dataclass(frozen=True)
class DeadlineRule:
    """A stage deadline: while a case is in `state`, `audience` must act within
    the cycle's `cycle_field` working days of the case entering the state."""

    kind: str
    state: str
    audience: str
    label: object
    cycle_field: str

    def working_days(self, cycle) -> int:
        return getattr(cycle, self.cycle_field)


RULES = (
    # Reviewers who have not submitted their scorebook (audience named by review).
    DeadlineRule(
        "document_scoring",
        S.DOCUMENT_REVIEW,
        "document_reviewers_pending",
        _("资料评审评分"),
        "review_working_days",
    ),
    DeadlineRule(
        "recommendation",
        S.SUBMITTED,
        "county",
        _("县市区推荐"),
        "recommendation_working_days",
    ),
    DeadlineRule("screening", S.RECOMMENDED, "office", _("资格审查"), "screening_working_days"),
    DeadlineRule(
        "director_review",
        S.DIRECTOR_REVIEW,
        "director",
        _("评委会主任审核"),
        "approval_working_days",
    ),
    DeadlineRule(
        "mayor_approval",
        S.MAYOR_APPROVAL,
        "mayor",
        _("市长审定"),
        "approval_working_days",
    ),
)
RULE_BY_STATE = {r.state: r for r in RULES}
# The columns a deadline reads, for lists that load only what they show.
DEADLINE_COLUMNS = ("cycle__number", *sorted({f"cycle__{r.cycle_field}" for r in RULES}))
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: object
    audience: str
    due_on: datetime.date
    provisional: bool
    days_left: int  # working days from tomorrow to the due date; negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def with_entered_at(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate each case with the time it entered its current state."""
    last_entry = (
        CaseEvent.objects.filter(case=OuterRef("pk"), target=OuterRef("state"))
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    return cases.annotate(entered_at=Subquery(last_entry))


def case_deadline(
    case: Case, *, today: datetime.date, calendar: WorkingCalendar
) -> Deadline | None:
    """The deadline of the case's current stage (needs `with_entered_at`)."""
    rule = RULE_BY_STATE.get(case.state)
    if rule is None or getattr(case, "entered_at", None) is None:
        return None
    entered = timezone.localdate(case.entered_at)
    due = calendar.add(entered, n=rule.working_days(case.cycle))
    if due.day > today:
        days_left = calendar.count(today + ONE_DAY, end=due.day)
    elif due.day == today:
        days_left = 0
    else:  # overdue: at least one day late even if today is not a working day
        days_left = -max(1, calendar.count(due.day + ONE_DAY, end=today))
    return Deadline(rule.kind, rule.label, rule.audience, due.day, due.provisional, days_left)


def deadlines_for(cases: Iterable[Case], *, today: datetime.date) -> dict[int, Deadline]:
    """Deadlines of many annotated cases with one calendar load."""
    cases = list(cases)
    if not cases:
        return {}
    calendar = WorkingCalendar(today - 90 * ONE_DAY, today + 90 * ONE_DAY)
    found = {}
    for case in cases:
        deadline = case_deadline(case, today=today, calendar=calendar)
        if deadline is not None:
            found[case.pk] = deadline
    return found
