"""The committee's preparers and the whole-cycle demo decision, through the real
services."""

import pytest

from applications.demo import prepare
from applications.models import Case
from committee import selectors
from committee.demo import committee_decide_demo
from committee.models import Membership, ResolutionEntry
from tests.factories import PATH_TO, World
from tests.factories.committee import evaluation_case

pytestmark = pytest.mark.django_db


def test_committee_decide_demo_runs_a_whole_decision(world):
    high = evaluation_case(world, percent=70)
    low = evaluation_case(world, percent=55)

    resolution = committee_decide_demo(world.cycle, office=world.office)

    assert resolution.adopted_at is not None
    assert Case.objects.get(pk=high.pk).state == "proposed"
    assert Case.objects.get(pk=low.pk).state == "not_selected"
    members = Membership.objects.filter(cycle=world.cycle)
    assert {m.user_id for m in members} >= {world.member.pk, world.director.pk}
    assert resolution.adopted_by == members.get(role="director").user


def test_prepare_committee_reject_brings_a_rejecting_resolution(world):
    case = world.drive(world.new_case(), PATH_TO["candidate"])

    prepare(case, "committee_reject", office=world.office)

    assert selectors.current_entry(case).outcome == ResolutionEntry.Outcome.NOT_SELECTED
    assert Case.objects.get(pk=case.pk).state == "candidate"


def test_prepare_propose_for_two_cases_of_one_cycle(world):
    first = world.drive(world.new_case(), PATH_TO["candidate"])
    other = World(cycle=world.cycle)
    second = other.drive(other.new_case(), PATH_TO["candidate"])

    first = world.drive(first, ["propose"])
    second = other.drive(second, ["propose"])

    assert (first.state, second.state) == ("proposed", "proposed")
