"""Reads of the ban register."""

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from hengyang_award.core.models import Organisation

from .models import Ban


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
