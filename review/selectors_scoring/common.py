"""The scoring items and the guide's bands; who sees the group's scores."""

from dataclasses import dataclass

from django.db.models import Q

from applications.models import Case
from hengyang_award.core.models import ScoringItem, User
from hengyang_award.core.scoring import standard

from .. import scoring
from ..models import Assignment, Scorebook

DOCUMENT = Assignment.Stage.DOCUMENT
ACTIVE = Assignment.Status.ACTIVE
SUBMITTED = Scorebook.Status.SUBMITTED
OFFICE_PERMISSION = "applications.manage_review_case"


def scoring_items() -> list[ScoringItem]:
    return list(ScoringItem.objects.order_by("position", "code"))


@dataclass(frozen=True)
class BandGuide:
    """One band of the guide with its descriptors for an item kind."""

    band: scoring.Band
    percents: tuple[int, ...]
    descriptors: tuple[tuple[str, str], ...]  # (factor, text)


def band_guides() -> dict[str, list[BandGuide]]:
    """Kind ("process" / "result") -> the six bands with their descriptors
    (approach–deployment–learning–integration or levels–trends–comparisons–
    integration)."""
    guides: dict[str, list[BandGuide]] = {}
    for kind in (ScoringItem.Kind.PROCESS, ScoringItem.Kind.RESULT):
        data = standard()["scoring_bands"][kind]
        factors = data["factors"]
        guides[kind] = [
            BandGuide(
                band=scoring.Band(b["min"], b["max"]),
                percents=tuple(b["percents"]),
                descriptors=tuple((label, b[key]) for key, label in factors.items()),
            )
            for b in data["bands"]
        ]
    return guides


@dataclass(frozen=True)
class Standing:
    """The user's place in a case's document review."""

    assignment: Assignment | None
    is_office: bool

    @property
    def is_leader(self) -> bool:
        return self.assignment is not None and self.assignment.role == Assignment.Role.LEADER

    @property
    def has_submitted(self) -> bool:
        scorebook = getattr(self.assignment, "scorebook", None) if self.assignment else None
        return scorebook is not None and scorebook.status == SUBMITTED

    @property
    def sees_group_scores(self) -> bool:
        """The office and the leader see every submitted scorebook; a member sees
        the others' only once their own is submitted."""
        return self.is_office or self.is_leader or self.has_submitted


def standing_of(user: User, case: Case) -> Standing:
    assignment = (
        Assignment.objects.filter(case=case, stage=DOCUMENT, status=ACTIVE, reviewer__user=user)
        .select_related("reviewer", "scorebook")
        .first()
    )
    if assignment is not None and not user.has_perm("applications.review_case", case):
        assignment = None
    return Standing(assignment=assignment, is_office=user.has_perm(OFFICE_PERMISSION))


def scorebooks_visible_to(user: User, case: Case) -> list[Scorebook]:
    """The submitted scorebooks of the case's active reviewers this user may read
    (their own, submitted or not, always)."""
    standing = standing_of(user, case)
    books = Scorebook.objects.filter(
        assignment__case=case, assignment__stage=DOCUMENT, assignment__status=ACTIVE
    ).select_related("assignment__reviewer")
    if standing.sees_group_scores:
        own = standing.assignment.pk if standing.assignment else None
        books = books.filter(Q(status=SUBMITTED) | Q(assignment_id=own))
    elif standing.assignment is not None:
        books = books.filter(assignment=standing.assignment)
    else:
        books = books.none()
    return list(books.order_by("assignment__role", "assignment__reviewer__name", "pk"))
