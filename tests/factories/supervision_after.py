"""After-award data built through the real services: an announced award with its
prize, and revocation procedures at each step."""

import datetime
from decimal import Decimal

from django.utils import timezone

from supervision.models import Award, Revocation
from supervision.services import (
    prize_payment_record,
    revocation_committee_decide,
    revocation_findings_record,
    revocation_open,
    revocation_statement_file,
)

from . import World
from .awards import announce, drive_to

PRIZE = Decimal("600000.00")


def announced_award(
    world: World, *, prize: Decimal = PRIZE, issued_on: datetime.date | None = None
) -> Award:
    """The world's organisation's case awarded and announced, with `prize`."""
    world.cycle.prize_amount = prize
    world.cycle.save(update_fields=["prize_amount"])
    case = drive_to(world, "awarded")
    announce(world.cycle, office=world.office, issued_on=issued_on)
    return Award.objects.get(case=case)


def paid(world: World, award: Award, *, amount: Decimal | None = None, paid_on=None):
    return prize_payment_record(
        award.pk,
        by=world.office,
        paid_on=paid_on or award.starts_on,
        amount=amount if amount is not None else award.prize_amount,
        reference="财拨〔2026〕1号",
    )


def revocation_opened(world: World, award: Award, *, grounds: str = "fraud") -> Revocation:
    return revocation_open(
        award.pk, by=world.office, grounds=grounds, facts="申报材料中的检测报告系伪造。"
    )


def revocation_decided(world: World, award: Award, *, grounds: str = "fraud") -> Revocation:
    """A procedure in which the organisation has been heard, the office has
    recorded findings and the committee has decided to revoke: the city's decision
    is next."""
    revocation = revocation_opened(world, award, grounds=grounds)
    revocation_statement_file(revocation.pk, by=world.applicant, statement="我单位无异议。")
    revocation_findings_record(revocation.pk, by=world.office, findings="经核实，检测报告系伪造。")
    return revocation_committee_decide(
        revocation.pk, by=world.director, decision="revoke", note="同意撤销。"
    )


def today() -> datetime.date:
    return timezone.localdate()
