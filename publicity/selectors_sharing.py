"""Reads of experience sharing (Art. 16): the winner's own entries and sessions,
the public list (valid titles only), other organisations' registrations and the
office's participation table."""

import datetime

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from supervision.models import Award

from .models_sharing import SharingAttachment, SharingEntry, VisitRegistration, VisitSession


def awards_valid_q(day: datetime.date, prefix: str = "") -> Q:
    """Awards whose status on `day` is valid (as `Award.status_on` decides)."""
    return Q(**{f"{prefix}ends_on__gte": day}) & (
        Q(**{f"{prefix}revoked_on__isnull": True}) | Q(**{f"{prefix}revoked_on__gt": day})
    )


def is_applicant(user: User) -> bool:
    return bool(user.is_authenticated and user.organisation_id and user.has_role(Role.APPLICANT))


def award_current_of(user: User) -> Award | None:
    """The newest valid award of the applicant user's organisation, or None."""
    if not is_applicant(user):
        return None
    return (
        Award.objects.filter(
            awards_valid_q(timezone.localdate()), organisation_id=user.organisation_id
        )
        .select_related("cycle", "organisation")
        .order_by("-starts_on", "-pk")
        .first()
    )


def _taken_subquery() -> Subquery:
    return Coalesce(
        Subquery(
            VisitRegistration.objects.filter(
                session=OuterRef("pk"), status=VisitRegistration.Status.REGISTERED
            )
            .order_by()
            .values("session")
            .annotate(total=Sum("attendees"))
            .values("total"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def sessions_with_seats() -> QuerySet[VisitSession]:
    """Sessions annotated with `taken` (registered attendees) and `remaining` seats."""
    return VisitSession.objects.annotate(taken=_taken_subquery()).annotate(
        remaining=F("capacity") - F("taken")
    )


# --- the winner's own ----------------------------------------------------------


def entries_of_user(user: User) -> QuerySet[SharingEntry]:
    if not is_applicant(user):
        return SharingEntry.objects.none()
    return (
        SharingEntry.objects.filter(award__organisation_id=user.organisation_id)
        .select_related("award__cycle")
        .prefetch_related("attachments")
        .order_by("-created_at", "-pk")
    )


def entry_of_user(user: User, pk: int) -> SharingEntry:
    """An entry of the user's own organisation; any other does not exist (404)."""
    entry = entries_of_user(user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def sessions_of_user(user: User) -> QuerySet[VisitSession]:
    if not is_applicant(user):
        return VisitSession.objects.none()
    return (
        sessions_with_seats()
        .filter(award__organisation_id=user.organisation_id)
        .select_related("award__cycle")
        .order_by("-starts_at", "-pk")
    )


def session_of_user(user: User, pk: int) -> VisitSession:
    session = sessions_of_user(user).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def registrations_for_host(session: VisitSession) -> QuerySet[VisitRegistration]:
    """What the host sees of its visitors: organisations and attendee counts."""
    return (
        VisitRegistration.objects.filter(session=session)
        .select_related("organisation")
        .order_by("status", "registered_at", "pk")
    )


def registrations_of_user(user: User) -> QuerySet[VisitRegistration]:
    """The registrations the user's organisation made for other winners' visits."""
    if not is_applicant(user):
        return VisitRegistration.objects.none()
    return (
        VisitRegistration.objects.filter(organisation_id=user.organisation_id)
        .select_related("session__award__organisation")
        .order_by("-registered_at", "-pk")
    )


def registration_of_user(user: User, pk: int) -> VisitRegistration:
    registration = registrations_of_user(user).filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


# --- the public site -------------------------------------------------------------


def entries_public() -> QuerySet[SharingEntry]:
    """Published entries of titles valid today, newest first."""
    return (
        SharingEntry.objects.filter(
            awards_valid_q(timezone.localdate(), "award__"),
            status=SharingEntry.Status.PUBLISHED,
        )
        .select_related("award__organisation__county", "award__cycle")
        .order_by("-published_at", "-pk")
    )


def entry_public_get(pk: int) -> SharingEntry:
    entry = (
        entries_public()
        .prefetch_related(
            Prefetch(
                "attachments", queryset=SharingAttachment.objects.order_by("uploaded_at", "pk")
            )
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def sessions_public() -> QuerySet[VisitSession]:
    """Upcoming sessions still taking registrations, of titles valid today."""
    now = timezone.now()
    return (
        sessions_with_seats()
        .filter(
            awards_valid_q(timezone.localdate(), "award__"),
            status=VisitSession.Status.OPEN,
            registration_deadline__gte=now,
        )
        .select_related("award__organisation__county", "award__cycle")
        .order_by("starts_at", "pk")
    )


def session_public_get(pk: int) -> VisitSession:
    session = sessions_public().filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


# --- the office --------------------------------------------------------------------


def participation_by_award() -> QuerySet[Award]:
    """Per winner: entries published, sessions held (not cancelled), visiting
    organisations and attendees. One query whatever the number of rows."""
    now = timezone.now()
    registered = VisitRegistration.objects.filter(
        session__award=OuterRef("pk"), status=VisitRegistration.Status.REGISTERED
    ).order_by()

    def count_of(queryset, expression, group: str = "award") -> Coalesce:
        return Coalesce(
            Subquery(
                queryset.values(group).annotate(n=expression).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )

    return (
        Award.objects.select_related("organisation__county", "cycle")
        .annotate(
            entries_published=count_of(
                SharingEntry.objects.filter(
                    award=OuterRef("pk"), status=SharingEntry.Status.PUBLISHED
                ).order_by(),
                Count("pk"),
            ),
            entries_hidden=count_of(
                SharingEntry.objects.filter(
                    award=OuterRef("pk"), status=SharingEntry.Status.HIDDEN
                ).order_by(),
                Count("pk"),
            ),
            sessions_held=count_of(
                VisitSession.objects.filter(award=OuterRef("pk"), starts_at__lte=now)
                .exclude(status=VisitSession.Status.CANCELLED)
                .order_by(),
                Count("pk"),
            ),
            sessions_planned=count_of(
                VisitSession.objects.filter(award=OuterRef("pk"), starts_at__gt=now)
                .exclude(status=VisitSession.Status.CANCELLED)
                .order_by(),
                Count("pk"),
            ),
            visiting_organisations=count_of(
                registered, Count("organisation", distinct=True), "session__award"
            ),
            visiting_attendees=count_of(registered, Sum("attendees"), "session__award"),
        )
        .order_by("-cycle__number", "organisation__name", "pk")
    )


def entries_for_office() -> QuerySet[SharingEntry]:
    """Published and hidden entries, for the office to review."""
    return (
        SharingEntry.objects.exclude(status=SharingEntry.Status.DRAFT)
        .select_related("award__organisation", "award__cycle", "hidden_by")
        .order_by("-published_at", "-pk")
    )


def entry_for_office(pk: int) -> SharingEntry:
    entry = entries_for_office().prefetch_related("attachments").filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry
