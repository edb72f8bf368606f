"""Demo/test preparation for the review area `assignment`: before
`start_document_review`, form the case's document-review team through the real
services (a recorded draw, its confirmation, every member's declaration).
Registered in review.demo.PREPARERS by `register()`."""

import itertools
import re

from django.db import transaction

from applications.models import Case
from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import user_create

from .models import Assignment, ConflictFlag, Reviewer
from .selectors_assignment import pool_for_case
from .services.assignment import assignment_declare, conflict_decide, draw_confirm, draw_suggest

DOCUMENT = Assignment.Stage.DOCUMENT
# seed_demo's reviewer accounts ("reviewer1" …) get their pool entries here, so
# that logging in as one of them shows its assignments; other users of the role
# (the tests' own) are left alone.
DEMO_ACCOUNT = re.compile(r"^reviewer\d+$")
DEMO_EMPLOYER = "衡阳市质量技术评审中心"


def _reviewer_for(user: User, *, industry: str) -> Reviewer:
    return Reviewer.objects.create(
        user=user,
        name=user.display_name,
        employer=DEMO_EMPLOYER,
        title="高级工程师",
        specialties="卓越绩效评价",
        industries=industry,
        years_in_quality=10,
    )


def _ensure_pool(case: Case, *, needed: int) -> None:
    """Add reviewers until `needed` can be drawn for the case without conflicts."""
    available = sum(1 for entry in pool_for_case(case, stage=DOCUMENT) if not entry.blocked)
    missing = needed - available
    if missing <= 0:
        return
    industry = case.organisation.industry
    for user in (
        User.objects.filter(groups__name=Role.REVIEWER, reviewer_profile__isnull=True)
        .order_by("username")
        .iterator()
    ):
        if missing <= 0:
            return
        if DEMO_ACCOUNT.match(user.username):
            _reviewer_for(user, industry=industry)
            missing -= 1
    for n in itertools.count(1):
        if missing <= 0:
            return
        username = f"demo-reviewer-{n}"
        if User.objects.filter(username=username).exists():
            continue
        user = user_create(
            username=username,
            password=None,
            roles=[Role.REVIEWER],
            full_name=f"演示评审专家{n}",
        )
        _reviewer_for(user, industry=industry)
        missing -= 1


@transaction.atomic
def document_team_prepare(case: Case, *, office: User) -> None:
    """Form and declare the document-review team unless it is complete."""
    case = Case.objects.select_related("cycle", "organisation").get(pk=case.pk)
    active = Assignment.objects.filter(case=case, stage=DOCUMENT, status=Assignment.Status.ACTIVE)
    needed = case.cycle.reviewers_per_case - active.count()
    if needed > 0:
        _ensure_pool(case, needed=needed)
        draw = draw_suggest(case.pk, by=office, stage=DOCUMENT, seed=f"demo:{case.pk}")
        has_leader = active.filter(role=Assignment.Role.LEADER).exists()
        draw_confirm(
            draw.pk,
            by=office,
            reviewer_ids=draw.result,
            leader_id=None if has_leader else draw.result[0],
        )
    # Flags the draw raised on reviewers who were not drawn: the demo keeps them out
    # (deciding one flag "recuse" settles the reviewer's other pending flags).
    team = set(active.values_list("reviewer_id", flat=True))
    pending = ConflictFlag.objects.filter(case=case, decision=ConflictFlag.Decision.PENDING)
    for reviewer_id in set(pending.values_list("reviewer_id", flat=True)) - team:
        flag = pending.filter(reviewer=reviewer_id).first()
        conflict_decide(flag.pk, by=office, decision=ConflictFlag.Decision.RECUSE, note="")
    for assignment in active.filter(declared_at__isnull=True).select_related("reviewer__user"):
        assignment_declare(
            assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
        )


def register(preparers: dict) -> None:
    """Add this area's preparers (transition name -> callable(case, *, office))."""
    preparers["start_document_review"] = document_team_prepare
