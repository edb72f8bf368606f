import pytest

from supervision.demo_awards import demo_awards_issue
from supervision.models import Award
from tests.factories.awards import drive_to

pytestmark = pytest.mark.django_db


def test_demo_awards_issue_announces_renders_and_registers_plaque_once(world):
    drive_to(world, "awarded")

    first = demo_awards_issue(world.cycle, office=world.office, plaque_receiver="王五")
    second = demo_awards_issue(world.cycle, office=world.office)

    award = Award.objects.get()
    assert first is not None
    assert second is None
    assert award.certificate.is_rendered
    assert award.plaque.received_by == "王五"
    assert first.number == f"衡政公告〔{first.issued_on.year}〕{world.cycle.number * 10}号"
