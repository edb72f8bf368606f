"""A reviewer's scorebook: drafts, then one submission that locks it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Case
from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write
from hengyang_award.notifications.services import notify

from ... import scoring
from ...models import Assignment, Scorebook, ScoreEntry
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


def _own_assignment(assignment_id: int, *, by: User) -> Assignment:
    """The reviewer's own active document assignment, locked: every write on its
    scorebook is serialised here (two tabs, two clicks)."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("case__cycle", "case__organisation", "reviewer")
        .filter(pk=assignment_id)
        .first()
    )
    if (
        assignment is None
        or assignment.stage != DOCUMENT
        or assignment.status != Assignment.Status.ACTIVE
        or assignment.reviewer.user_id != by.pk
        or not by.has_perm("applications.review_case", assignment.case)
    ):
        raise PermissionDenied(_("这不是您在资料评审中的评分任务。"))
    _declared(assignment)
    return assignment


@transaction.atomic
def scorebook_save(assignment_id: int, *, by: User, entries: Entries) -> Scorebook:
    """Save a draft. Each item given replaces that item's percentage and findings;
    items not given keep what they had. A submitted scorebook is locked. Every
    save is audited with the percentages it set (DA-1)."""
    assignment = _own_assignment(assignment_id, by=by)
    _case_in_document_review(assignment.case)
    cleaned = _clean_entries(entries)
    scorebook, _created = Scorebook.objects.get_or_create(assignment=assignment)
    if scorebook.status == SUBMITTED:
        raise ValidationError(_("评分表已提交并锁定，不能再修改。"), code="locked")
    ScoreEntry.objects.bulk_create(
        [
            ScoreEntry(scorebook=scorebook, item_code=code, **values)
            for code, values in cleaned.items()
        ],
        update_conflicts=True,
        unique_fields=["scorebook", "item_code"],
        update_fields=["percent", "strengths", "opportunities"],
    )
    scorebook.save(update_fields=["updated_at"])
    audit_draft_save(
        "review.scorebook_save", by=by, obj=scorebook, case_id=assignment.case_id, cleaned=cleaned
    )
    return scorebook


@transaction.atomic
def scorebook_submit(assignment_id: int, *, by: User) -> Scorebook:
    """Submit a complete scorebook (every item has a percentage); it is locked from
    then on. The group leader is told when the last scorebook of the case is in."""
    assignment = _own_assignment(assignment_id, by=by)
    case = assignment.case
    _case_in_document_review(case)
    scorebook, _created = Scorebook.objects.get_or_create(assignment=assignment)
    if scorebook.status == SUBMITTED:
        raise ValidationError(
            _("该评分表已于%(at)s提交，不能重复提交。")
            % {"at": timezone.localtime(scorebook.submitted_at).strftime("%Y-%m-%d %H:%M")},
            code="already_submitted",
        )
    items = _items()
    percents = dict(scorebook.entries.values_list("item_code", "percent"))
    missing = _missing_items(items, percents)
    if missing:
        raise ValidationError(
            _("评分表尚未完成，以下评分项还没有评分：%(items)s。") % {"items": "、".join(missing)},
            code="incomplete",
        )
    scorebook.status = SUBMITTED
    scorebook.submitted_at = timezone.now()
    scorebook.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_log_write(
        "review.scorebook_submit",
        actor=by,
        obj=scorebook,
        case=case.pk,
        total=str(scoring.total(items, percents)),
    )
    _notify_leader_when_complete(case)
    return scorebook


def _notify_leader_when_complete(case: Case) -> None:
    assignments = _active_document_assignments(case)
    if not all(_submitted(a) for a in assignments):
        return
    leaders = [
        a.reviewer.user
        for a in assignments
        if a.role == Assignment.Role.LEADER and a.reviewer.user is not None
    ]
    notify(
        leaders,
        kind="review.scorebooks_complete",
        subject=LEADER_NOTICE[0],
        body=LEADER_NOTICE[1],
        params={"org": case.organisation.name},
        link=reverse("review:consensus", args=[case.pk]),
        dedupe_key=f"review.scorebooks_complete:{case.pk}",
    )


LEADER_NOTICE = (
    gettext_lazy("评分表已全部提交：%(org)s"),
    gettext_lazy("%(org)s的资料评审评分表已全部提交，请组织形成共识评分。"),
)
