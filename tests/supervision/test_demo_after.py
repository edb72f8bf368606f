import pytest

from applications.models import Case
from supervision.demo_after import after_award_demo
from supervision.models import Ban, FundReport, Inspection, Revocation
from tests.factories import World
from tests.factories.awards import announce, drive_to

pytestmark = pytest.mark.django_db


def test_after_award_demo_pays_reports_inspects_and_revokes(world):
    from decimal import Decimal

    world.cycle.prize_amount = Decimal("600000.00")
    world.cycle.save(update_fields=["prize_amount"])
    drive_to(world, "awarded")
    other = World(cycle=world.cycle)
    drive_to(other, "awarded")
    awards = list(announce(world.cycle, office=world.office).awards.order_by("pk"))

    after_award_demo(awards, office=world.office, director=world.director, mayor=world.mayor)
    after_award_demo(awards, office=world.office, director=world.director, mayor=world.mayor)

    first, second = awards
    assert sorted(FundReport.objects.filter(award=first).values_list("status", flat=True)) == [
        "accepted",
        "submitted",
    ]
    assert Inspection.objects.filter(award=first).exclude(follow_up="").count() == 1
    revocation = Revocation.objects.get(award=second)
    assert revocation.outcome == "revoked"
    assert revocation.notice.is_published
    assert revocation.recovery_tasks.filter(completed_on__isnull=False).count() == 1
    assert list(
        revocation.recovery_tasks.filter(completed_on__isnull=True).values_list("kind", flat=True)
    ) == ["prize"]
    assert Ban.objects.filter(organisation=second.organisation).count() == 1
    assert Case.objects.get(pk=second.case_id).state == "revoked"
