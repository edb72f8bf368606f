from dataclasses import dataclass

import pytest

from applications.models import Case
from committee.models import Membership
from tests.factories import World
from tests.factories.committee import committee_of, evaluation_case, nominate


@dataclass
class Committee:
    world: World
    members: list[Membership]  # the director first, then four members

    @property
    def office(self):
        return self.world.office

    @property
    def cycle(self):
        return self.world.cycle

    @property
    def director(self) -> Membership:
        return self.members[0]

    def candidate(self, *, percent: int = 70) -> Case:
        return nominate(evaluation_case(self.world, percent=percent), office=self.office)


@pytest.fixture
def committee(world) -> Committee:
    return Committee(world=world, members=committee_of(world.cycle, office=world.office))
