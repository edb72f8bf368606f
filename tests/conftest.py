import pytest

from tests.factories import World, make_cycle


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def cycle(db):
    return make_cycle()
