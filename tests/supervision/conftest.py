import pytest

from hengyang_award.core.models import Organisation, User
from hengyang_award.core.roles import Role
from tests.factories import make_organisation, make_user


@pytest.fixture
def office(db) -> User:
    return make_user(Role.OFFICE_STAFF)


@pytest.fixture
def organisation(db) -> Organisation:
    return make_organisation()
