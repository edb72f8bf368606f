"""Approval (审批, Art. 10(7)): the committee director reviews the candidates whose
publicity ended without a sustained objection, then the mayor approves. Both work
on the list of a cycle; each decision is one transition fired through
`applications.services.fire` (which locks, checks, audits and notifies)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Case, CaseEvent
from applications.selectors import cases_visible_to
from applications.services import TransitionBlocked, fire
from applications.workflow import CaseState
from hengyang_award.core.models import AwardCycle, User


@dataclass(frozen=True)
class Level:
    """One level of approval: who decides, on which state, with which edges."""

    key: str
    state: str
    approve: str
    send_back: str
    permission: str
    title: str
    refused: str


LEVELS = {
    "director": Level(
        key="director",
        state=CaseState.DIRECTOR_REVIEW,
        approve="director_approve",
        send_back="director_send_back",
        permission="applications.director_approve_case",
        title=gettext_lazy("评委会主任审核"),
        refused=gettext_lazy("只有评委会主任可以进行主任审核。"),
    ),
    "mayor": Level(
        key="mayor",
        state=CaseState.MAYOR_APPROVAL,
        approve="mayor_approve",
        send_back="mayor_send_back",
        permission="applications.mayor_approve_case",
        title=gettext_lazy("市长审定"),
        refused=gettext_lazy("只有市长可以进行审定。"),
    ),
}

# The case events the approvers read: the committee's decision, the publicity, the
# objections and how they ended, the director's opinion, earlier send-backs.
EVENTS_SHOWN = (
    "propose",
    "publish",
    "raise_objection",
    "dismiss_objection",
    "clear_objection",
    "close_publicity",
    "director_approve",
    "director_send_back",
    "mayor_send_back",
)


def approval_require(user: User, level: Level) -> None:
    if not user.has_perm(level.permission):
        raise PermissionDenied(level.refused)


@dataclass
class ApprovalRow:
    case: Case
    resolution: CaseEvent | None = None
    objections: list[CaseEvent] = field(default_factory=list)
    objection_outcomes: list[CaseEvent] = field(default_factory=list)
    director_opinion: CaseEvent | None = None
    send_backs: list[CaseEvent] = field(default_factory=list)
    committee_entry: object | None = None
    document_total: Decimal | None = None
    onsite_total: Decimal | None = None

    @property
    def publicity(self) -> tuple[datetime.date | None, datetime.date | None]:
        return self.case.publicity_starts_on, self.case.publicity_ends_on


def approval_rows(user: User, level: Level, cycle: AwardCycle) -> list[ApprovalRow]:
    """The cases of the cycle waiting at this level that the user may see, with
    what the decision rests on. A fixed number of queries, whatever the rows."""
    from review.models import Consensus

    from .models import ResolutionEntry

    approval_require(user, level)
    cases = (
        cases_visible_to(user)
        .filter(cycle=cycle, state=level.state)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.filter(name__in=EVENTS_SHOWN)
                .select_related("actor")
                .order_by("at", "pk"),
                to_attr="approval_events",
            ),
            Prefetch(
                "committee_outcomes",
                queryset=ResolutionEntry.objects.filter(
                    resolution__adopted_at__isnull=False,
                    outcome=ResolutionEntry.Outcome.PROPOSED,
                )
                .select_related("resolution__meeting")
                .order_by("resolution__adopted_at", "pk"),
                to_attr="adopted_outcomes",
            ),
            Prefetch(
                "consensuses",
                queryset=Consensus.objects.filter(status=Consensus.Status.SUBMITTED),
                to_attr="submitted_consensuses",
            ),
        )
        .order_by("organisation__name", "pk")
    )
    rows = []
    for case in cases:
        row = ApprovalRow(case=case)
        # Events of the current round only: after a send-back the case went through
        # the committee again.
        for event in case.approval_events:
            if event.name == "propose":
                row = ApprovalRow(case=case, send_backs=row.send_backs, resolution=event)
            elif event.name == "raise_objection":
                row.objections.append(event)
            elif event.name in ("dismiss_objection", "clear_objection"):
                row.objection_outcomes.append(event)
            elif event.name == "director_approve":
                row.director_opinion = event
            elif event.name in ("director_send_back", "mayor_send_back"):
                row.send_backs.append(event)
        # The committee's adopted resolution on this round (votes, rank, summary).
        row.committee_entry = next(
            (
                entry
                for entry in reversed(case.adopted_outcomes)
                if row.resolution is None or entry.resolution.adopted_at <= row.resolution.at
            ),
            None,
        )
        for consensus in case.submitted_consensuses:
            if consensus.stage == "document":
                row.document_total = consensus.total
            elif consensus.stage == "onsite":
                row.onsite_total = consensus.total
        rows.append(row)
    return rows


def approval_decide(
    case_id: int,
    *,
    level: Level,
    approve: bool,
    by: User,
    note: str = "",
) -> Case:
    """Approve one case, or send it back to the committee with reasons."""
    approval_require(by, level)
    if not approve and not note.strip():
        raise ValidationError({"note": _("退回时请填写理由。")})
    name = level.approve if approve else level.send_back
    return fire(case_id, name, by=by, note=note, expected_state=level.state)


@dataclass
class ListedResult:
    approved: list[Case] = field(default_factory=list)
    refused: list[tuple[int, list[str]]] = field(default_factory=list)


def approval_approve_listed(
    case_ids: list[int], *, level: Level, cycle: AwardCycle, by: User, note: str = ""
) -> ListedResult:
    """Approve every case the approver saw listed, each in its own transaction: a
    case someone else handled meanwhile is reported, the others go through."""
    approval_require(by, level)
    visible = set(
        cases_visible_to(by)
        .filter(cycle=cycle, state=level.state, pk__in=case_ids)
        .values_list("pk", flat=True)
    )
    result = ListedResult()
    for case_id in case_ids:
        if case_id not in visible:
            result.refused.append((case_id, [_("此事项已由他人处理或不在本届待审批名单中。")]))
            continue
        try:
            case = fire(case_id, level.approve, by=by, note=note, expected_state=level.state)
        except TransitionBlocked as exc:
            result.refused.append((case_id, exc.reasons))
        else:
            result.approved.append(case)
    return result
