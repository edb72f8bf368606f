"""The office's on-site list and the feedback reports of the others."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from applications.models import Case, CaseDocument
from applications.services import fire
from applications.workflow import CaseState
from hengyang_award.core.models import AwardCycle, User
from hengyang_award.core.services import audit_log_write
from hengyang_award.jobs.outbox import outbox_enqueue

from ...models import Consensus
from .common import DOCUMENT


@dataclass(frozen=True)
class ShortlistResult:
    shortlisted: list[int]
    not_shortlisted: list[int]


def document_totals(cycle: AwardCycle) -> QuerySet[Case]:
    """The cycle's cases in document review, each with `document_total` (None until
    its consensus is submitted)."""
    total = Consensus.objects.filter(
        case=OuterRef("pk"), stage=DOCUMENT, status=Consensus.Status.SUBMITTED
    ).values("total")[:1]
    return (
        Case.objects.filter(cycle=cycle, state=CaseState.DOCUMENT_REVIEW)
        .select_related("organisation")
        .annotate(document_total=Subquery(total))
        .order_by(F("document_total").desc(nulls_last=True), "organisation__name", "pk")
    )


@transaction.atomic
def shortlist_apply(
    cycle_id: int, *, by: User, case_ids_in: Iterable[int], note: str = ""
) -> ShortlistResult:
    """Fix the on-site list of the cycle: the chosen cases go to on-site review, the
    other cases in document review go to "not shortlisted" with the note, and
    their feedback reports are queued. The list respects the cycle's maximum
    number (0: no maximum) and minimum total; it is fixed once every case in
    document review has its consensus, so all are compared together."""
    if not by.has_perm("applications.manage_review_case"):
        raise PermissionDenied(_("只有评审办工作人员可以确定现场评审名单。"))
    cycle = AwardCycle.objects.get(pk=cycle_id)
    cases = list(document_totals(cycle))
    chosen = set(case_ids_in)
    pending = [c.organisation.name for c in cases if c.document_total is None]
    if pending:
        raise ValidationError(
            _("以下案卷的资料评审共识评分尚未提交，暂不能确定现场评审名单：%(names)s。")
            % {"names": "、".join(pending)},
            code="consensus_pending",
        )
    if not cases:
        raise ValidationError(_("本届没有处于资料评审阶段的案卷。"), code="nothing_to_decide")
    if chosen - {c.pk for c in cases}:
        raise ValidationError(
            _("所选案卷不在本届资料评审阶段，请刷新页面后重试。"), code="unknown_case"
        )
    limit = cycle.onsite_shortlist_max
    if limit and len(chosen) > limit:
        raise ValidationError(
            _("本届进入现场评审的组织最多%(max)s个，已选择%(n)s个。")
            % {"max": limit, "n": len(chosen)},
            code="too_many",
        )
    below = [
        c.organisation.name
        for c in cases
        if c.pk in chosen and c.document_total < cycle.onsite_shortlist_threshold
    ]
    if below:
        raise ValidationError(
            _("以下组织的资料评审得分低于本届进入现场评审的最低分（%(min)s分）：%(names)s。")
            % {"min": cycle.onsite_shortlist_threshold, "names": "、".join(below)},
            code="below_threshold",
        )
    others = [c for c in cases if c.pk not in chosen]
    if others and not note.strip():
        raise ValidationError(_("请填写未进入现场评审的说明。"), code="note_required")
    for case in cases:
        if case.pk in chosen:
            fire(case.pk, "shortlist", by=by, expected_state=CaseState.DOCUMENT_REVIEW)
    for case in others:
        fire(case.pk, "not_shortlist", by=by, note=note, expected_state=CaseState.DOCUMENT_REVIEW)
        feedback_report_enqueue(case)
    result = ShortlistResult(
        shortlisted=[c.pk for c in cases if c.pk in chosen],
        not_shortlisted=[c.pk for c in others],
    )
    audit_log_write(
        "review.shortlist_apply",
        actor=by,
        obj=cycle,
        shortlisted=result.shortlisted,
        not_shortlisted=result.not_shortlisted,
        note=note.strip(),
    )
    return result


def feedback_report_enqueue(case: Case) -> None:
    """Queue the rendering of the case's feedback report (once per round)."""
    kind = CaseDocument.Kind.FEEDBACK_REPORT
    outbox_enqueue(
        "pdf.render_case_document",
        dedupe_key=f"document:{case.pk}:{kind}:{case.submission_round}",
        case_id=case.pk,
        kind=kind,
    )
