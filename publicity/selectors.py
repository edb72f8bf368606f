"""Reads of the publicity app: public notices, the publicity list, objections."""

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from applications.models import Case
from applications.workflow import CaseState
from hengyang_award.core.models import AwardCycle
from hengyang_award.core.selectors import cycles_public

from .models import Notice, Objection


def office_contact() -> dict[str, str]:
    """The review office as printed on notices and public pages."""
    return {
        "name": settings.AWARD_OFFICE_NAME,
        "phone": settings.AWARD_OFFICE_PHONE,
        "address": settings.AWARD_OFFICE_ADDRESS,
    }


def notices_public(*, cycle: AwardCycle | None = None) -> QuerySet[Notice]:
    """Published notices of every kind, newest first (no personal data in them)."""
    notices = Notice.objects.filter(published_at__isnull=False).select_related("cycle")
    if cycle is not None:
        notices = notices.filter(cycle=cycle)
    return notices.order_by("-published_at", "-pk")


def notice_public_get(notice_id: int) -> Notice:
    """A published notice, or 404 (drafts do not exist for the public)."""
    notice = notices_public().filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    return notice


def cycle_public_current() -> AwardCycle | None:
    """The cycle the public home page is about: the newest one with frozen rules."""
    return cycles_public().order_by("-number").first()


def publicity_candidates(cycle: AwardCycle) -> QuerySet[Case]:
    """The cases the committee proposed and that await publicity."""
    return (
        Case.objects.filter(cycle=cycle, state=CaseState.PROPOSED)
        .select_related("organisation__county")
        .order_by("organisation__county__code", "organisation__name", "pk")
    )


def publicity_notices(cycle: AwardCycle) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(cycle=cycle, kind=Notice.Kind.PUBLICITY)
        .prefetch_related(
            Prefetch(
                "cases",
                queryset=Case.objects.select_related("organisation__county").order_by(
                    "organisation__county__code", "organisation__name", "pk"
                ),
            )
        )
        .order_by("-created_at", "-pk")
    )


def publicity_draft(cycle: AwardCycle) -> Notice | None:
    return publicity_notices(cycle).filter(published_at__isnull=True).first()


def objection_candidates(cycle: AwardCycle | None) -> list[tuple[Case, Notice]]:
    """(case, notice) pairs of the cycle's published publicity notices, for the
    objection form's choices. A case whose period has not begun or is over stays
    listed: the objection is then refused with the dates, not silently impossible."""
    if cycle is None:
        return []
    notices = (
        Notice.objects.filter(cycle=cycle, kind=Notice.Kind.PUBLICITY, published_at__isnull=False)
        .prefetch_related(
            Prefetch(
                "cases",
                queryset=Case.objects.exclude(state=CaseState.DISQUALIFIED)
                .select_related("organisation__county")
                .order_by("organisation__name", "pk"),
            )
        )
        .order_by("-published_at", "-pk")
    )
    seen: set[int] = set()
    pairs = []
    for notice in notices:
        for case in notice.cases.all():
            if case.pk not in seen:
                seen.add(case.pk)
                pairs.append((case, notice))
    return pairs


def objections_for_office(cycle: AwardCycle) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(cycle=cycle)
        .select_related("case__organisation", "notice")
        .order_by("-received_at", "-pk")
    )


def objection_for_office(objection_id: int) -> Objection:
    objection = (
        Objection.objects.select_related("case__organisation__county", "notice", "cycle")
        .prefetch_related("files")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None:
        raise Http404
    return objection


def objection_open_exists(case: Case) -> bool:
    return Objection.objects.filter(case=case, status__in=Objection.OPEN).exists()
