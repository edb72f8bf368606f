import datetime
from collections.abc import Callable

import pytest

from hengyang_award.core.forms import CycleForm
from hengyang_award.core.models import AwardCycle, County, Organisation, User
from hengyang_award.core.roles import Role
from tests.factories import make_organisation, make_user


@pytest.fixture
def office(db) -> User:
    return make_user(Role.OFFICE_STAFF)


@pytest.fixture
def applicant(db) -> User:
    return make_user(Role.APPLICANT, organisation=make_organisation())


@pytest.fixture
def org_values(db) -> Callable[..., dict]:
    """Everything `organisation_register` needs except the credit code."""

    def values(**overrides) -> dict:
        return {
            "name": "衡阳核心测试有限公司",
            "registration_date": datetime.date(2012, 5, 1),
            "legal_representative": "王五",
            "address": "衡阳市蒸湘区测试路8号",
            "county": County.objects.get(code="430408"),
            "industry": "装备制造",
            "size": Organisation.Size.SMALL,
            "contact_name": "赵六",
            "contact_phone": "0734-8123456",
            "contact_email": "core-test@example.invalid",
            **overrides,
        }

    return values


@pytest.fixture
def cycle_form_data() -> Callable[..., dict[str, str]]:
    """The POST body of the cycle form as a browser would send it for a cycle."""

    def data(cycle: AwardCycle, **overrides) -> dict[str, str]:
        body = {}
        for name in CycleForm._meta.fields:
            value = getattr(cycle, name)
            body[name] = value.isoformat() if isinstance(value, datetime.date) else str(value)
        body.update({k: str(v) for k, v in overrides.items()})
        return body

    return data
