import datetime
import re
from collections.abc import Callable

import pytest
from django.core import mail

from hengyang_award.accounts.services import registration_submit
from hengyang_award.celery import registered_task
from hengyang_award.core.models import County, Organisation, User
from hengyang_award.core.roles import Role
from hengyang_award.jobs.models import OutboxMessage
from tests.factories import PASSWORD, make_organisation, make_user, valid_credit_code


@pytest.fixture
def registration_data(db) -> Callable[..., dict[str, str]]:
    """The registration page's POST body as a browser sends it, with a fresh code."""

    def data(**overrides) -> dict[str, str]:
        county = County.objects.get(code="430408")
        return {
            "username": "zhangwei",
            "full_name": "张伟",
            "email": "zhangwei@example.invalid",
            "phone": "13800000000",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "name": "衡阳注册测试有限公司",
            "credit_code": valid_credit_code(),
            "registration_date": "2016-03-01",
            "legal_representative": "张三",
            "address": "衡阳市蒸湘区注册路1号",
            "county": str(county.pk),
            "industry": "装备制造",
            "size": Organisation.Size.SMALL,
            "contact_name": "李四",
            "contact_phone": "0734-8000001",
            "contact_email": "contact@example.invalid",
            **overrides,
        }

    return data


@pytest.fixture
def register(registration_data) -> Callable[..., User]:
    """Register through the service as the page would, with the same values."""

    def submit(**overrides) -> User:
        data = registration_data(**overrides)
        organisation = {
            "name": data["name"],
            "credit_code": data["credit_code"],
            "registration_date": datetime.date.fromisoformat(data["registration_date"]),
            "legal_representative": data["legal_representative"],
            "address": data["address"],
            "county": County.objects.get(pk=data["county"]),
            "industry": data["industry"],
            "size": data["size"],
            "contact_name": data["contact_name"],
            "contact_phone": data["contact_phone"],
            "contact_email": data["contact_email"],
        }
        return registration_submit(
            username=data["username"],
            password=data["password1"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            organisation=organisation,
            ip="203.0.113.9",
        )

    return submit


@pytest.fixture
def applicant(db) -> User:
    return make_user(Role.APPLICANT, organisation=make_organisation())


@pytest.fixture
def outbox_run(db) -> Callable[[], list[tuple[str, object]]]:
    """Run every outbox row's task in this process by its registered name, as a
    worker does after the relay. Rows are left as they are, so a second call
    delivers the same work again (a redelivery)."""

    def run() -> list[tuple[str, object]]:
        return [
            (message.task, registered_task(message.task).apply(kwargs=message.kwargs).get())
            for message in OutboxMessage.objects.order_by("pk")
        ]

    return run


@pytest.fixture
def mail_link() -> Callable[..., str]:
    """The path of the one absolute link in the index-th mail sent."""

    def link(index: int = 0) -> str:
        links = re.findall(r"http://127\.0\.0\.1:8000(/\S+)", mail.outbox[index].body)
        assert len(links) == 1, mail.outbox[index].body
        return links[0]

    return link
