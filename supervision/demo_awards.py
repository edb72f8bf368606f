"""Demo data of the award stage, through the real services: `seed_demo` calls
`demo_awards_issue` once its cases are awarded. The supervision app registers no
stage condition, so it has no preparer."""

import datetime

from django.utils import timezone

from hengyang_award.core.models import AwardCycle, User

from .models import Announcement, Certificate
from .services import announcement_issue, announcement_readiness, certificate_render, plaque_record


def demo_document_number(cycle: AwardCycle, *, issued_on: datetime.date) -> str:
    """An unused document number in the city government's style."""
    serial = cycle.number * 10
    while True:
        number = f"衡政公告〔{issued_on.year}〕{serial}号"
        if not Announcement.objects.filter(number=number).exists():
            return number
        serial += 1


def demo_awards_issue(
    cycle: AwardCycle,
    *,
    office: User,
    issued_on: datetime.date | None = None,
    render: bool = True,
    plaque_receiver: str = "",
) -> Announcement | None:
    """Announce the cycle's awarded cases (idempotent: nothing to announce, nothing
    done), render their certificates here rather than in a worker when `render`,
    and, when a receiver is named, enter each plaque as handed over."""
    ready = announcement_readiness(cycle)
    if not ready.winners or not ready.can_issue:
        return None
    issued_on = issued_on or timezone.localdate()
    announcement = announcement_issue(
        cycle.pk,
        number=demo_document_number(cycle, issued_on=issued_on),
        issued_on=issued_on,
        by=office,
    )
    for award in announcement.awards.all():
        if render:
            certificate_render(Certificate.objects.get(award=award).pk)
        if plaque_receiver:
            plaque_record(award.pk, by=office, issued_on=issued_on, received_by=plaque_receiver)
    return announcement
