"""Demo/test preparation for the review area `scoring`: functions that bring a case
to the point where a transition's review conditions hold, through the real
services. Registered in review.demo.PREPARERS by `register()`."""

from django.utils import timezone
from guardian.shortcuts import assign_perm

from applications.models import Case
from hengyang_award.core.models import ScoringItem, User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import user_create

from .models import Assignment, Consensus, Reviewer, Scorebook
from .services import scoring as services

DOCUMENT = Assignment.Stage.DOCUMENT
GROUP_SIZE = 3


def _demo_reviewers(n: int) -> list[Reviewer]:
    """Reviewers with a login for a stand-in group: the pool's, else our own demo
    reviewers (never an unrelated user who happens to hold the reviewer role)."""
    found = list(
        Reviewer.objects.filter(
            status=Reviewer.Status.ACTIVE, user__isnull=False, user__is_active=True
        ).order_by("pk")[:n]
    )
    index = 1
    while len(found) < n:
        username = f"demo-document-reviewer-{index}"
        index += 1
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            password=None,
            roles=[Role.REVIEWER],
            full_name=f"资料评审示范专家{index - 1}",
        )
        reviewer, _created = Reviewer.objects.get_or_create(
            user=user,
            defaults={
                "name": user.display_name,
                "employer": "衡阳市质量协会",
                "years_in_quality": 10,
            },
        )
        if reviewer not in found:
            found.append(reviewer)
    return found


def _document_group(case: Case, *, office: User) -> list[Assignment]:
    """The case's active document group with a leader. Assignments are made by the
    assignment area; until a case has some, a stand-in group is created here (the
    rows and object rights `assignment_create` would give)."""
    group = list(
        Assignment.objects.filter(case=case, stage=DOCUMENT, status=Assignment.Status.ACTIVE)
        .select_related("reviewer__user")
        .order_by("role", "pk")
    )
    if not group:
        for index, reviewer in enumerate(_demo_reviewers(GROUP_SIZE)):
            assignment = Assignment.objects.create(
                case=case,
                reviewer=reviewer,
                stage=DOCUMENT,
                role=Assignment.Role.LEADER if index == 0 else Assignment.Role.MEMBER,
                assigned_by=office,
                reason="演示数据",
                declared_at=timezone.now(),
            )
            for perm in ("applications.view_case", "applications.review_case"):
                assign_perm(perm, reviewer.user, case)
            group.append(assignment)
    if not any(a.role == Assignment.Role.LEADER for a in group):
        Assignment.objects.filter(pk=group[0].pk).update(role=Assignment.Role.LEADER)
        group[0].role = Assignment.Role.LEADER
    return group


def _entries(percent: int, *, with_reason: bool = False) -> dict[str, dict]:
    entries = {}
    for item in ScoringItem.objects.order_by("position", "code"):
        entries[item.code] = {
            "percent": percent,
            "strengths": [f"“{item.name}”方面已建立系统的方法并在主要部门展开。"],
            "opportunities": [f"“{item.name}”方面的评价改进和对标比较有待加强。"],
        }
        if with_reason:
            entries[item.code]["reason"] = ""
    return entries


def document_review_complete(case: Case, *, office: User, percent: int = 60) -> None:
    """Every active document reviewer submits a full scorebook and the leader
    submits the consensus (all at `percent`). Steps already done are skipped."""
    if Consensus.objects.filter(
        case=case, stage=DOCUMENT, status=Consensus.Status.SUBMITTED
    ).exists():
        return
    group = _document_group(case, office=office)
    for assignment in group:
        if Scorebook.objects.filter(
            assignment=assignment, status=Scorebook.Status.SUBMITTED
        ).exists():
            continue
        user = assignment.reviewer.user
        services.scorebook_save(assignment.pk, by=user, entries=_entries(percent))
        services.scorebook_submit(assignment.pk, by=user)
    leader = next(a for a in group if a.role == Assignment.Role.LEADER).reviewer.user
    services.consensus_save(case.pk, by=leader, entries=_entries(percent, with_reason=True))
    services.consensus_submit(case.pk, by=leader)


def _shortlist(case: Case, *, office: User) -> None:
    document_review_complete(case, office=office, percent=60)


def _not_shortlist(case: Case, *, office: User) -> None:
    # Below the default on-site threshold (500 of 1000), as a demo not advancing would be.
    document_review_complete(case, office=office, percent=40)


def register(preparers: dict) -> None:
    """Add this area's preparers (transition name -> callable(case, *, office))."""
    preparers["shortlist"] = _shortlist
    preparers["not_shortlist"] = _not_shortlist
