"""Awards built through the real services: cases driven to `awarded`, then the
office's announcement."""

import datetime
import itertools

from applications.models import Case
from hengyang_award.core.models import AwardCycle, User
from supervision.models import Announcement
from supervision.services import announcement_issue

from . import PATH_TO, World

_numbers = itertools.count(1)


def document_number() -> str:
    return f"衡政公告〔2026〕{next(_numbers)}号"


def drive_to(world: World, state: str) -> Case:
    """The world's case in `state`: its module's prepared case when there is one
    on the way (tests/shared.py), else a new case driven there."""
    from tests.shared import take_prepared

    return take_prepared(world, state) or world.drive(world.new_case(), PATH_TO[state])


def winner_in(cycle: AwardCycle) -> tuple[World, Case]:
    """A further organisation of `cycle`, with its case awarded."""
    other = World(cycle=cycle)
    return other, drive_to(other, "awarded")


def announce(
    cycle: AwardCycle,
    *,
    office: User,
    number: str | None = None,
    issued_on: datetime.date | None = None,
) -> Announcement:
    return announcement_issue(
        cycle.pk, number=number or document_number(), issued_on=issued_on, by=office
    )
