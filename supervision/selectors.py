"""Reads of the supervision app: awards (office, winner, public) and the ban
register."""

import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hengyang_award.core.models import Organisation, User
from hengyang_award.core.pagecache import cache_version, cache_version_bump
from hengyang_award.core.roles import Role

from .models import Award, Ban

OFFICE_AWARD_PERMISSION = "supervision.view_award"
# Seconds a public fragment lives; a change of any award changes the key anyway.
PUBLIC_TIMEOUT = 300


def bans_in_force(organisation: Organisation, *, on: datetime.date) -> QuerySet[Ban]:
    """The organisation's bans that apply on that day (lifted bans never do)."""
    return Ban.objects.filter(
        organisation=organisation, lifted_at__isnull=True, starts_on__lte=on, ends_on__gte=on
    ).order_by("-ends_on", "-pk")


def bans_for_register(*, in_force_on: datetime.date | None = None) -> QuerySet[Ban]:
    """The register as the office lists it: every ban, or those in force on a day."""
    bans = Ban.objects.select_related("organisation", "case__cycle", "recorded_by")
    if in_force_on is not None:
        bans = bans.filter(
            lifted_at__isnull=True, starts_on__lte=in_force_on, ends_on__gte=in_force_on
        )
    return bans.order_by("-starts_on", "-pk")


def ban_for_register(pk: int) -> Ban:
    return get_object_or_404(
        Ban.objects.select_related("organisation", "case__cycle", "recorded_by", "lifted_by"),
        pk=pk,
    )


def awards_for_office(*, cycle_id: int | None = None) -> QuerySet[Award]:
    awards = Award.objects.select_related(
        "organisation__county",
        "cycle",
        "announcement",
        "certificate",
        "plaque",
        "previous_award__cycle",
    )
    if cycle_id is not None:
        awards = awards.filter(cycle_id=cycle_id)
    return awards.order_by("-cycle__number", "organisation__name", "pk")


def awards_of_user(user: User) -> QuerySet[Award]:
    """The awards of the applicant user's own organisation (none for others)."""
    if not user.is_authenticated or not user.organisation_id or not user.has_role(Role.APPLICANT):
        return Award.objects.none()
    return awards_for_office().filter(organisation_id=user.organisation_id)


def award_for_user(user: User, pk: int) -> Award:
    """An award the user may see: the office sees every award, a winner's users
    their own; any other award does not exist for them."""
    if user.has_perm(OFFICE_AWARD_PERMISSION):
        return get_object_or_404(awards_for_office(), pk=pk)
    return get_object_or_404(awards_of_user(user), pk=pk)


AWARDS_VERSION_KEY = "awards:version"


def public_stamp() -> str:
    """Changes whenever an award is added or changed (`awards_changed`, on every
    save) or the day turns (titles expire): part of every public cache key of
    award data, so no process serves stale rows. Read from the cache: no query."""
    return f"{timezone.localdate().isoformat()}:{cache_version(AWARDS_VERSION_KEY)}"


def awards_changed(**_signal) -> None:
    """An award was saved or deleted: bump now (this process's next page) and
    again at commit (a page cached between the two from the old rows is dropped)."""
    cache_version_bump(AWARDS_VERSION_KEY)
    transaction.on_commit(lambda: cache_version_bump(AWARDS_VERSION_KEY))


def _public_row(award: Award, today: datetime.date) -> dict[str, Any]:
    """Only what the register publishes: no person, no contact, no prize."""
    return {
        "organisation": award.organisation.name,
        "county": award.organisation.county.name,
        "cycle_number": award.cycle.number,
        "award_year": award.award_year,
        "starts_on": award.starts_on,
        "ends_on": award.ends_on,
        "status": award.status_on(today),
        "revoked_on": award.revoked_on,
        "announcement_number": award.announcement.number,
    }


def winners_register() -> list[dict[str, Any]]:
    """Every award as the public register shows it, newest cycle first."""
    key = f"awards:winners:{public_stamp()}"
    rows = cache.get(key)
    if rows is None:
        today = timezone.localdate()
        awards = Award.objects.select_related(
            "organisation__county", "cycle", "announcement"
        ).order_by("-cycle__number", "organisation__name", "pk")
        rows = [_public_row(award, today) for award in awards]
        cache.set(key, rows, PUBLIC_TIMEOUT)
    return rows


def certificate_lookup(number: str) -> dict[str, Any] | None:
    """The public facts of the certificate with exactly this (normalised) number,
    or None. No partial match, no hint."""
    key = f"awards:certificate:{number}:{public_stamp()}"
    found = cache.get(key)
    if found is None:
        award = (
            Award.objects.select_related("organisation__county", "cycle", "announcement")
            .filter(certificate__number=number)
            .first()
        )
        found = (
            {"row": _public_row(award, timezone.localdate()) | {"number": number}} if award else {}
        )
        cache.set(key, found, PUBLIC_TIMEOUT)
    return found.get("row")
