"""Automatic detection of likely conflicts of interest between reviewers and an
applicant (Art. 24; grounds in DOMAIN.md): same employer, relations recorded for
the reviewer (from any cycle), relations the reviewer declared on earlier
assignments, and recusals in earlier cycles. Reads only; the office decides."""

import re
import unicodedata
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Case
from hengyang_award.core import credit_code

from .models import Assignment, ConflictFlag, Reviewer, ReviewerRelation

SOURCE_DETECTED, SOURCE_DECLARED, SOURCE_OFFICE = "detected", "declared", "office"

# Legal-form suffixes that do not distinguish one employer from another, longest
# first so that "股份有限公司" is not cut to "股份".
_NAME_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "(集团)",
    "集团",
)
_PUNCTUATION = re.compile(r"[\s·.,，。、\"'“”‘’]+")


def normalise_name(name: str) -> str:
    """An organisation name reduced for comparison: full-width characters folded
    (NFKC), spaces and punctuation removed, legal-form suffixes stripped."""
    text = _PUNCTUATION.sub("", unicodedata.normalize("NFKC", name or "")).lower()
    stripped = True
    while stripped:
        stripped = False
        for suffix in _NAME_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                stripped = True
    return text


def _same_name(a: str, b: str) -> bool:
    na, nb = normalise_name(a), normalise_name(b)
    return bool(na) and na == nb


def _same_code(a: str, b: str) -> bool:
    ca, cb = credit_code.normalise(a or ""), credit_code.normalise(b or "")
    return bool(ca) and ca == cb


def declared_reason(text: str) -> str:
    """The reason of a flag raised by a reviewer's own declaration."""
    return _("评审员本人申报的利害关系：%(text)s") % {"text": text}


def conflicts_by_reviewer(case: Case, reviewers: Iterable[Reviewer]) -> dict[int, list[str]]:
    """Readable reasons per reviewer id (only reviewers with at least one), in a
    fixed number of queries whatever the number of reviewers."""
    reviewers = list(reviewers)
    if not reviewers:
        return {}
    org = case.organisation
    ids = [r.pk for r in reviewers]
    found: dict[int, list[str]] = {}

    def add(reviewer_id: int, reason: str) -> None:
        reasons = found.setdefault(reviewer_id, [])
        if reason not in reasons:
            reasons.append(reason)

    for reviewer in reviewers:
        if _same_code(reviewer.employer_credit_code, org.credit_code):
            add(
                reviewer.pk,
                _("评审员工作单位即申报组织（统一社会信用代码%(code)s相同）。")
                % {"code": org.credit_code},
            )
        elif _same_name(reviewer.employer, org.name):
            add(
                reviewer.pk,
                _("评审员工作单位“%(employer)s”与申报组织“%(org)s”为同一单位。")
                % {"employer": reviewer.employer, "org": org.name},
            )

    # Relations are kept across cycles: every recorded one counts. The name is
    # compared in Python because normalisation is not expressible in SQL here.
    relations = ReviewerRelation.objects.filter(reviewer__in=ids).order_by("recorded_at", "pk")
    for relation in relations:
        if (
            relation.organisation_id == org.pk
            or _same_code(relation.credit_code, org.credit_code)
            or _same_name(relation.organisation_name, org.name)
        ):
            detail = f"：{relation.description}" if relation.description else ""
            add(
                relation.reviewer_id,
                _("已登记的利害关系（%(date)s）：%(kind)s%(detail)s")
                % {
                    "date": timezone.localdate(relation.recorded_at).isoformat(),
                    "kind": relation.get_kind_display(),
                    "detail": detail,
                },
            )

    # This case's own declarations are its "declared" flags (their reason is
    # `declared_reason`), so detection and flags name them identically.
    for flag in ConflictFlag.objects.filter(
        case=case, reviewer__in=ids, source=SOURCE_DECLARED
    ).order_by("created_at", "pk"):
        add(flag.reviewer_id, flag.reason)
    declared = (
        Assignment.objects.filter(reviewer__in=ids, case__organisation=org)
        .exclude(case=case)
        .exclude(declared_relations="")
        .select_related("case__cycle")
        .order_by("assigned_at", "pk")
    )
    for assignment in declared:
        add(
            assignment.reviewer_id,
            _("评审员在%(cycle)s中申报过与该单位的利害关系：%(text)s")
            % {"cycle": assignment.case.cycle.title, "text": assignment.declared_relations},
        )

    earlier = (
        ConflictFlag.objects.filter(
            reviewer__in=ids,
            case__organisation=org,
            decision=ConflictFlag.Decision.RECUSE,
        )
        .exclude(case=case)
        .select_related("case__cycle")
        .order_by("created_at", "pk")
    )
    for flag in earlier:
        add(
            flag.reviewer_id,
            _("评审员在%(cycle)s中已就该单位回避：%(reason)s")
            % {"cycle": flag.case.cycle.title, "reason": flag.reason},
        )
    return found


def conflicts_for(reviewer: Reviewer, case: Case) -> list[str]:
    """Readable reasons why `reviewer` likely has an interest in the applicant of
    `case`; empty when none is known."""
    return conflicts_by_reviewer(case, [reviewer]).get(reviewer.pk, [])


def recused_reviewer_ids(case: Case) -> set[int]:
    """Reviewers who must stay off this case: a flag decided "recuse", or an
    assignment ended by recusal."""
    return set(
        ConflictFlag.objects.filter(case=case, decision=ConflictFlag.Decision.RECUSE).values_list(
            "reviewer_id", flat=True
        )
    ) | set(
        Assignment.objects.filter(case=case, status=Assignment.Status.RECUSED).values_list(
            "reviewer_id", flat=True
        )
    )


def cleared_reviewer_ids(case: Case) -> set[int]:
    """Reviewers whose flags on this case were all examined and cleared by the
    office (and none decided "recuse" or still pending)."""
    flags = ConflictFlag.objects.filter(case=case).values_list("reviewer_id", "decision")
    cleared, other = set(), set()
    for reviewer_id, decision in flags:
        (cleared if decision == ConflictFlag.Decision.CLEARED else other).add(reviewer_id)
    return cleared - other
