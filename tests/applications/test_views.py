import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Case, CaseEvent
from tests.factories import World, complete_application, tiny_pdf

pytestmark = pytest.mark.django_db


def _action_url(case, name):
    return reverse("applications:case_action", args=[case.pk, name])


def test_case_detail_foreign_case_is_404(client, world):
    case = world.new_case()
    client.force_login(world.other_applicant)

    response = client.get(reverse("applications:case_detail", args=[case.pk]))

    assert response.status_code == 404


def test_case_detail_shows_timeline_and_allowed_buttons(client, world):
    case = world.drive(world.new_case(), ["submit"])
    client.force_login(world.county)

    response = client.get(reverse("applications:case_detail", args=[case.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert [a.name for a, _f in response.context["actions"]] == [
        "recommend",
        "return_to_applicant",
        "decline",
    ]
    assert "提交申报" in html


def test_case_action_success_redirects_and_moves_case(client, world):
    case = world.drive(world.new_case(), ["submit"])
    client.force_login(world.county)

    response = client.post(
        _action_url(case, "return_to_applicant"),
        {
            "return_to_applicant-note": "请补充证书。",
            "return_to_applicant-expected_state": "submitted",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("applications:case_detail", args=[case.pk])
    assert Case.objects.get(pk=case.pk).state == "returned"


def test_case_action_missing_reason_keeps_page_and_shows_error(client, world):
    case = world.drive(world.new_case(), ["submit"])
    client.force_login(world.county)

    response = client.post(
        _action_url(case, "decline"),
        {"decline-note": "", "decline-expected_state": "submitted"},
    )

    assert response.status_code == 200
    assert "此操作需要填写意见或理由。" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "submitted"


def test_case_action_blocked_condition_keeps_typed_text(client, world, time_machine):
    case = world.new_case()
    complete_application(case, by=world.applicant)
    time_machine.move_to("2099-01-01 10:00+08:00")
    client.force_login(world.applicant)

    response = client.post(
        _action_url(case, "submit"),
        {"submit-note": "我们写的说明", "submit-expected_state": "draft"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "本届市长质量奖当前不在申报受理期内。" in html
    assert "我们写的说明" in html
    assert Case.objects.get(pk=case.pk).state == "draft"


def test_case_action_stale_form_is_403_already_handled(client, world):
    case = world.drive(world.new_case(), ["submit", "recommend"])
    client.force_login(world.county)

    response = client.post(
        _action_url(case, "return_to_applicant"),
        {"return_to_applicant-note": "退回", "return_to_applicant-expected_state": "submitted"},
    )

    assert response.status_code == 403
    assert "可能已由他人处理" in response.content.decode()
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_case_action_by_wrong_role_on_visible_case_is_403(client, world):
    case = world.drive(world.new_case(), ["submit"])
    client.force_login(world.applicant)

    response = client.post(
        _action_url(case, "recommend"),
        {"recommend-note": "自己推荐自己", "recommend-expected_state": "submitted"},
    )

    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == "submitted"


def test_case_action_foreign_case_is_404(client, world):
    case = world.drive(world.new_case(), ["submit"])
    client.force_login(world.other_county)

    response = client.post(
        _action_url(case, "recommend"),
        {"recommend-note": "同意", "recommend-expected_state": "submitted"},
    )

    assert response.status_code == 404


def test_case_action_get_is_not_allowed(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.get(_action_url(case, "submit"))

    assert response.status_code == 405
    assert Case.objects.get(pk=case.pk).state == "draft"


def test_case_action_extra_fields_change_nothing(client, world):
    case = world.drive(world.new_case(), ["submit"])
    client.force_login(world.county)

    client.post(
        reverse("applications:case_recommend", args=[case.pk]),
        {
            "opinion": "同意",
            "scan": SimpleUploadedFile("推荐.pdf", tiny_pdf(), content_type="application/pdf"),
            "expected_state": "submitted",
            "state": "awarded",
            "organisation": world.other_org.pk,
        },
    )

    case.refresh_from_db()
    assert (case.state, case.organisation_id) == ("recommended", world.org.pk)


def test_case_action_requires_csrf_token(world):
    from django.test import Client

    case = world.new_case()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.applicant)

    response = client.post(_action_url(case, "submit"), {"submit-expected_state": "draft"})

    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == "draft"


def test_case_start_creates_draft_for_applicant(client, world):
    client.force_login(world.applicant)

    response = client.post(reverse("applications:case_start"))

    case = Case.objects.get(organisation=world.org)
    assert response.status_code == 302
    assert (case.state, case.cycle_id) == ("draft", world.cycle.pk)


def test_case_start_by_non_applicant_is_403(client, world):
    client.force_login(world.office)

    response = client.post(reverse("applications:case_start"))

    assert response.status_code == 403


def _list_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("applications:case_list"))
    assert response.status_code == 200
    return len(ctx)


def test_case_list_query_count_does_not_grow_with_rows(client):
    world = World()
    world.drive(world.new_case(), ["submit", "recommend"])
    one = _list_queries(client, world.office)
    for _ in range(6):
        other = World(cycle=world.cycle)
        other.drive(other.new_case(), ["submit", "recommend"])

    many = _list_queries(client, world.office)

    assert len(list(Case.objects.all())) == 7
    assert one == many
    assert many <= 12


def test_case_list_shows_only_the_countys_cases(client, world):
    world.drive(world.new_case(), ["submit"])
    theirs = services.case_create(
        cycle=world.cycle, organisation=world.other_org, by=world.other_applicant
    )
    complete_application(theirs, by=world.other_applicant)
    services.case_transition(theirs.pk, "submit", by=world.other_applicant)
    client.force_login(world.other_county)

    response = client.get(reverse("applications:case_list"))

    assert [c.pk for c in response.context["page"]] == [theirs.pk]
