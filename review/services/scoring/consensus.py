"""The group leader's consensus from the submitted scorebooks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Case
from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write

from ... import scoring
from ...models import Assignment, Consensus, ConsensusEntry, ScoreEntry
from .common import (
    DOCUMENT,
    SUBMITTED,
    Entries,
    _active_document_assignments,
    _case_in_document_review,
    _clean_entries,
    _declared,
    _items,
    _missing_items,
    _submitted,
    audit_draft_save,
)


def _leader_assignment(case_id: int, *, by: User) -> Assignment:
    """The active document-review leader's assignment of the case, locked; only
    that reviewer may write the consensus."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("case__cycle", "case__organisation", "reviewer")
        .filter(
            case_id=case_id,
            stage=DOCUMENT,
            status=Assignment.Status.ACTIVE,
            role=Assignment.Role.LEADER,
        )
        .first()
    )
    if (
        assignment is None
        or assignment.reviewer.user_id != by.pk
        or not by.has_perm("applications.review_case", assignment.case)
    ):
        raise PermissionDenied(_("只有本案卷资料评审组组长可以形成共识评分。"))
    _declared(assignment)
    return assignment


@transaction.atomic
def consensus_save(case_id: int, *, by: User, entries: Entries) -> Consensus:
    """Save the leader's draft consensus: per item the agreed percentage, the
    findings, and a reason where it departs from the reviewers' median. Every
    save is audited with the percentages it set (DA-1)."""
    leader = _leader_assignment(case_id, by=by)
    case = leader.case
    _case_in_document_review(case)
    cleaned = _clean_entries(entries, with_reason=True)
    consensus, _created = Consensus.objects.get_or_create(
        case=case, stage=DOCUMENT, defaults={"leader": leader.reviewer}
    )
    if consensus.status == Consensus.Status.SUBMITTED:
        raise ValidationError(_("共识评分已提交并锁定，不能再修改。"), code="locked")
    if consensus.leader_id != leader.reviewer_id:
        consensus.leader = leader.reviewer
        consensus.save(update_fields=["leader"])
    ConsensusEntry.objects.bulk_create(
        [
            ConsensusEntry(consensus=consensus, item_code=code, **values)
            for code, values in cleaned.items()
        ],
        update_conflicts=True,
        unique_fields=["consensus", "item_code"],
        update_fields=["percent", "strengths", "opportunities", "reason"],
    )
    audit_draft_save(
        "review.consensus_save", by=by, obj=consensus, case_id=case.pk, cleaned=cleaned
    )
    return consensus


def submitted_percents(case: Case) -> dict[str, list[int]]:
    """Item code -> the percentages of the submitted scorebooks of the case's
    active document reviewers."""
    rows = ScoreEntry.objects.filter(
        scorebook__assignment__case=case,
        scorebook__assignment__stage=DOCUMENT,
        scorebook__assignment__status=Assignment.Status.ACTIVE,
        scorebook__status=SUBMITTED,
        percent__isnull=False,
    ).values_list("item_code", "percent")
    found: dict[str, list[int]] = {}
    for code, percent in rows:
        found.setdefault(code, []).append(percent)
    return found


@transaction.atomic
def consensus_submit(case_id: int, *, by: User) -> Consensus:
    """Submit the consensus: only when every active reviewer has submitted, every
    item has a percentage, and each departure from the median by more than the
    cycle's margin is explained. Its total is the case's document-review total."""
    leader = _leader_assignment(case_id, by=by)
    case = leader.case
    _case_in_document_review(case)
    consensus = Consensus.objects.select_for_update().filter(case=case, stage=DOCUMENT).first()
    if consensus is not None and consensus.status == Consensus.Status.SUBMITTED:
        raise ValidationError(_("共识评分已提交，不能重复提交。"), code="already_submitted")
    errors = []
    waiting = [a.reviewer.name for a in _active_document_assignments(case) if not _submitted(a)]
    if waiting:
        errors.append(
            ValidationError(
                _("以下评审员尚未提交评分表：%(names)s。") % {"names": "、".join(waiting)},
                code="scorebooks_missing",
            )
        )
    items = _items()
    entries = {e.item_code: e for e in consensus.entries.all()} if consensus else {}
    percents = {code: e.percent for code, e in entries.items()}
    missing = _missing_items(items, percents)
    if missing:
        errors.append(
            ValidationError(
                _("以下评分项尚未确定共识百分比：%(items)s。") % {"items": "、".join(missing)},
                code="incomplete",
            )
        )
    margin = case.cycle.consensus_margin_percent
    scores = submitted_percents(case)
    unexplained = [
        item.code
        for item in items
        if item.code in entries
        and entries[item.code].percent is not None
        and scoring.departs(
            entries[item.code].percent, scoring.median(scores.get(item.code, [])), margin
        )
        and not entries[item.code].reason.strip()
    ]
    if unexplained:
        errors.append(
            ValidationError(
                _(
                    "以下评分项的共识百分比与评审员评分的中位数相差超过%(margin)s个百分点，"
                    "请填写理由：%(items)s。"
                )
                % {"margin": margin, "items": "、".join(unexplained)},
                code="reason_required",
            )
        )
    if errors or consensus is None:
        raise ValidationError(errors or [_("尚未填写共识评分。")])
    consensus.total = scoring.total(items, percents)
    consensus.status = Consensus.Status.SUBMITTED
    consensus.submitted_at = timezone.now()
    consensus.leader = leader.reviewer
    consensus.save(update_fields=["total", "status", "submitted_at", "leader"])
    audit_log_write(
        "review.consensus_submit", actor=by, obj=consensus, case=case.pk, total=str(consensus.total)
    )
    return consensus
