from dataclasses import dataclass

import pytest

from applications.models import Case
from committee.models import Membership
from tests.factories import World
from tests.factories.committee import committee_of, evaluation_case, nominate
from tests.shared import Shared, module_transaction, reread

# Cases in comprehensive evaluation each module's tests may take, by on-site
# percentage (a test takes at most these; more are built when asked for).
POOL = {70: 2, 65: 1, 75: 1, 60: 1, 55: 1}


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


@pytest.fixture(scope="module")
def shared_committee(django_db_setup, django_db_blocker) -> Shared:
    """A world, its cycle's committee and a pool of cases in evaluation, built
    once per module (rolled back at its end; each test in a savepoint)."""
    with module_transaction(django_db_blocker):
        world = World()
        members = committee_of(world.cycle, office=world.office)
        pool = {
            percent: [evaluation_case(world, percent=percent).pk for _ in range(n)]
            for percent, n in POOL.items()
        }
        yield Shared(world, (members, pool))


@pytest.fixture
def committee(shared_committee, db) -> Committee:
    """Fresh copies of the module's committee world, with the whole pool."""
    members, pool = shared_committee.thing
    world = shared_committee.fresh_world()
    world.evaluation_pool = {percent: list(pks) for percent, pks in pool.items()}
    return Committee(world=world, members=[reread(m) for m in members])


@pytest.fixture
def world(request, db) -> World:
    """The committee's world in a test that has one, else a new world."""
    if "committee" in request.fixturenames:
        return request.getfixturevalue("committee").world
    return World()
