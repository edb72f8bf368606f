import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hengyang_award.core.roles import Role
from supervision.models import Ban
from supervision.services import ban_lift, ban_record
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db


def _ban(office, organisation, **overrides) -> Ban:
    values = {
        "by": office,
        "organisation": organisation,
        "reason": "提供虚假检测报告",
        "legal_basis": "art19_fraud",
        "starts_on": datetime.date(2025, 1, 1),
        "ends_on": datetime.date(2029, 12, 31),
        **overrides,
    }
    return ban_record(**values)


def test_ban_list_shows_bans_in_force_by_default_and_all_on_request(client, office, organisation):
    in_force = _ban(office, organisation)
    ended = _ban(
        office, organisation, starts_on=datetime.date(2019, 1, 1), ends_on=datetime.date(2020, 1, 1)
    )
    client.force_login(office)

    default = client.get(reverse("supervision:ban_list"))
    everything = client.get(reverse("supervision:ban_list"), {"show": "all"})

    assert [b.pk for b in default.context["page"]] == [in_force.pk]
    assert [b.pk for b in everything.context["page"]] == [in_force.pk, ended.pk]


def test_ban_list_query_count_does_not_grow_with_rows(client, office, world):
    _ban(office, world.org, case=world.new_case())
    client.force_login(office)
    url = reverse("supervision:ban_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(4):
        _ban(office, make_organisation())

    with CaptureQueriesContext(connection) as five:
        response = client.get(url)

    assert len(response.context["page"]) == 5
    assert len(five) == len(one)


@pytest.mark.parametrize(
    ("method", "name", "needs_ban"),
    [
        ("get", "supervision:ban_list", False),
        ("get", "supervision:ban_record", False),
        ("post", "supervision:ban_record", False),
        ("get", "supervision:ban_detail", True),
        ("post", "supervision:ban_lift", True),
    ],
)
def test_ban_pages_for_applicant_are_403(client, office, organisation, method, name, needs_ban):
    ban = _ban(office, organisation)
    client.force_login(make_user(Role.APPLICANT, organisation=organisation))
    url = reverse(name, args=[ban.pk] if needs_ban else [])

    response = getattr(client, method)(url, {"reason": "我们不服"} if method == "post" else {})

    assert response.status_code == 403
    assert Ban.objects.get(pk=ban.pk).lifted_at is None


def test_ban_record_success_redirects_to_the_ban(client, office, organisation):
    client.force_login(office)

    response = client.post(
        reverse("supervision:ban_record"),
        {
            "credit_code": organisation.credit_code.lower(),
            "legal_basis": "art20",
            "reason": "发生较大质量事故",
            "starts_on": "2027-01-01",
            "ends_on": "2029-12-31",
        },
    )

    ban = Ban.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("supervision:ban_detail", args=[ban.pk])
    assert (ban.organisation, ban.legal_basis, ban.ends_on) == (
        organisation,
        "art20",
        datetime.date(2029, 12, 31),
    )


def test_ban_record_end_before_start_keeps_input_and_shows_error(client, office, organisation):
    client.force_login(office)

    response = client.post(
        reverse("supervision:ban_record"),
        {
            "credit_code": organisation.credit_code,
            "legal_basis": "art19_fraud",
            "reason": "我们写的事由说明",
            "starts_on": "2027-01-01",
            "ends_on": "2026-12-31",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == ["禁止申报截止日必须晚于起始日。"]
    assert "我们写的事由说明" in html
    assert f'value="{organisation.credit_code}"' in html
    assert 'value="2026-12-31"' in html
    assert Ban.objects.count() == 0


def test_ban_record_unknown_credit_code_shows_error(client, office):
    client.force_login(office)

    response = client.post(
        reverse("supervision:ban_record"),
        {
            "credit_code": "91430408MA0000000X",
            "legal_basis": "other",
            "reason": "事由",
            "starts_on": "2027-01-01",
            "ends_on": "2028-01-01",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == [
        "未找到该统一社会信用代码对应的申报组织。"
    ]


def test_ban_lift_without_reason_shows_error_and_keeps_ban(client, office, organisation):
    ban = _ban(office, organisation)
    client.force_login(office)

    response = client.post(reverse("supervision:ban_lift", args=[ban.pk]), {"reason": ""})

    assert response.status_code == 200
    assert response.context["lift_form"].errors["reason"] == ["请填写解除理由。"]
    assert Ban.objects.get(pk=ban.pk).lifted_at is None


def test_ban_lift_with_reason_lifts_and_redirects(client, office, organisation):
    ban = _ban(office, organisation)
    client.force_login(office)

    response = client.post(reverse("supervision:ban_lift", args=[ban.pk]), {"reason": "复核撤销"})

    assert response.status_code == 302
    assert response.url == reverse("supervision:ban_detail", args=[ban.pk])
    assert Ban.objects.get(pk=ban.pk).lift_reason == "复核撤销"


def test_ban_lift_get_is_not_allowed(client, office, organisation):
    ban = _ban(office, organisation)
    client.force_login(office)

    response = client.get(reverse("supervision:ban_lift", args=[ban.pk]))

    assert response.status_code == 405


def test_ban_detail_of_lifted_ban_has_no_lift_form(client, office, organisation):
    ban = _ban(office, organisation)
    ban_lift(ban.pk, by=office, reason="复核撤销")
    client.force_login(office)

    response = client.get(reverse("supervision:ban_detail", args=[ban.pk]))

    assert response.status_code == 200
    assert response.context["can_lift"] is False
    assert "复核撤销" in response.content.decode()
