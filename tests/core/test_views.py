import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertInHTML, assertRedirects

from applications import services as case_services
from hengyang_award.core.models import AuditLog, AwardCycle, County
from hengyang_award.core.roles import Role
from tests.factories import complete_application, make_cycle, make_organisation, make_user

pytestmark = pytest.mark.django_db

PASS_SCORE_ERROR = "获奖最低总分不能高于评分总分。"


def field_block(html: str, name: str) -> str:
    """The rendered `<div class="field">` wrapping one form field."""
    match = re.search(
        rf'<div class="field[^"]*">\s*<label for="id_{name}">'
        r'.*?(?=<div class="field|<div class="actions")',
        html,
        re.S,
    )
    assert match is not None, name
    return match.group(0)


def home_queries(client) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))
    return len(queries), response


def submitted_case_in(cycle: AwardCycle, county_code: str):
    org = make_organisation(county_code=county_code)
    applicant = make_user(Role.APPLICANT, organisation=org)
    case = case_services.case_create(cycle=cycle, organisation=org, by=applicant)
    complete_application(case, by=applicant)
    return case_services.case_transition(case.pk, "submit", by=applicant)


# --- index and home -----------------------------------------------------------------


def test_home_anonymous_redirects_to_login(client):
    response = client.get(reverse("core:home"))

    assertRedirects(response, f"{reverse('login')}?next={reverse('core:home')}")


def test_index_anonymous_shows_opened_cycles_only(client, office):
    opened = make_cycle(office=office, opened=True)
    unopened = make_cycle(office=office, opened=False)

    response = client.get(reverse("core:index"))

    assert response.status_code == 200
    assert list(response.context["cycles"]) == [opened]
    html = response.content.decode()
    assert (opened.title in html, unopened.title in html) == (True, False)


def test_index_no_opened_cycle_says_so(client, office):
    make_cycle(office=office, opened=False)

    response = client.get(reverse("core:index"))

    assert list(response.context["cycles"]) == []
    assert "暂无已启动的评审届次。" in response.content.decode()


def test_index_authenticated_redirects_to_home(client, office):
    client.force_login(office)

    response = client.get(reverse("core:index"))

    assertRedirects(response, reverse("core:home"))


def test_home_applicant_200(client, applicant):
    client.force_login(applicant)

    response = client.get(reverse("core:home"))

    assert response.status_code == 200


# --- cycle_detail -------------------------------------------------------------------


def test_cycle_detail_unopened_anonymous_404(client, office):
    cycle = make_cycle(office=office, opened=False)

    response = client.get(reverse("core:cycle_detail", args=[cycle.pk]))

    assert response.status_code == 404


def test_cycle_detail_unopened_applicant_404(client, office, applicant):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(applicant)

    response = client.get(reverse("core:cycle_detail", args=[cycle.pk]))

    assert response.status_code == 404


def test_cycle_detail_unopened_office_200_with_edit_and_open(client, office):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(office)

    response = client.get(reverse("core:cycle_detail", args=[cycle.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        reverse("core:cycle_edit", args=[cycle.pk]) in html,
        reverse("core:cycle_open", args=[cycle.pk]) in html,
    ) == (True, True)


def test_cycle_detail_opened_anonymous_200_without_edit(client, office):
    cycle = make_cycle(office=office, opened=True)

    response = client.get(reverse("core:cycle_detail", args=[cycle.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        reverse("core:cycle_edit", args=[cycle.pk]) in html,
        reverse("core:cycle_open", args=[cycle.pk]) in html,
    ) == (False, False)


# --- cycle_edit ---------------------------------------------------------------------


def test_cycle_edit_anonymous_redirects_to_login(client, office):
    cycle = make_cycle(office=office, opened=False)
    url = reverse("core:cycle_edit", args=[cycle.pk])

    response = client.get(url)

    assertRedirects(response, f"{reverse('login')}?next={url}")


def test_cycle_edit_get_applicant_403(client, office, applicant):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(applicant)

    response = client.get(reverse("core:cycle_edit", args=[cycle.pk]))

    assert response.status_code == 403


def test_cycle_edit_post_applicant_403_and_unchanged(client, office, applicant, cycle_form_data):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(applicant)

    response = client.post(
        reverse("core:cycle_edit", args=[cycle.pk]), cycle_form_data(cycle, max_winners=9)
    )

    assert response.status_code == 403
    cycle.refresh_from_db()
    assert cycle.max_winners == 6


def test_cycle_edit_get_office_200(client, office):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(office)

    response = client.get(reverse("core:cycle_edit", args=[cycle.pk]))

    assert response.status_code == 200
    assert response.context["form"].instance == cycle


def test_cycle_edit_post_invalid_combination_rerenders_with_field_error(
    client, office, cycle_form_data
):
    cycle = make_cycle(office=office, opened=False)
    before = AwardCycle.objects.filter(pk=cycle.pk).values().get()
    client.force_login(office)
    data = cycle_form_data(cycle, pass_score=1200, total_points=1000, max_winners=9)

    response = client.post(reverse("core:cycle_edit", args=[cycle.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"pass_score": [PASS_SCORE_ERROR]}
    html = response.content.decode()
    assertInHTML(
        f'<div class="error" id="id_pass_score_error" role="alert">{PASS_SCORE_ERROR} </div>',
        field_block(html, "pass_score"),
    )
    assertInHTML(
        '<input type="number" name="max_winners" value="9" min="0" required id="id_max_winners">',
        html,
    )
    assertInHTML(
        '<input type="number" name="pass_score" value="1200" min="0" required'
        ' aria-invalid="true" aria-describedby="id_pass_score_error" id="id_pass_score">',
        html,
    )
    assert AwardCycle.objects.filter(pk=cycle.pk).values().get() == before
    assert AuditLog.objects.filter(action="cycle.update").count() == 0


def test_cycle_edit_post_valid_redirects_and_saves(client, office, cycle_form_data):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(office)

    response = client.post(
        reverse("core:cycle_edit", args=[cycle.pk]), cycle_form_data(cycle, max_winners=8)
    )

    assertRedirects(response, reverse("core:cycle_detail", args=[cycle.pk]))
    cycle.refresh_from_db()
    assert cycle.max_winners == 8
    assert list(
        AuditLog.objects.filter(action="cycle.update").values_list("detail", flat=True)
    ) == [{"changed": {"max_winners": [6, 8]}}]


def test_cycle_edit_post_number_ignored(client, office, cycle_form_data):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(office)

    client.post(reverse("core:cycle_edit", args=[cycle.pk]), cycle_form_data(cycle, number=42))

    cycle.refresh_from_db()
    assert cycle.number == 1


# --- cycle_open ---------------------------------------------------------------------


def test_cycle_open_post_without_confirm_does_not_open(client, office):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(office)

    response = client.post(reverse("core:cycle_open", args=[cycle.pk]), {}, follow=True)

    assertRedirects(response, reverse("core:cycle_detail", args=[cycle.pk]))
    assert [str(m) for m in response.context["messages"]] == ["请勾选确认后再启动。"]
    cycle.refresh_from_db()
    assert cycle.opened_at is None


def test_cycle_open_post_with_confirm_opens_and_freezes_edit(client, office):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(office)

    response = client.post(reverse("core:cycle_open", args=[cycle.pk]), {"confirm": "on"})

    assertRedirects(response, reverse("core:cycle_detail", args=[cycle.pk]))
    cycle.refresh_from_db()
    assert cycle.opened_at is not None
    assert client.get(reverse("core:cycle_edit", args=[cycle.pk])).status_code == 403


def test_cycle_open_post_applicant_403(client, office, applicant):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(applicant)

    response = client.post(reverse("core:cycle_open", args=[cycle.pk]), {"confirm": "on"})

    assert response.status_code == 403
    cycle.refresh_from_db()
    assert cycle.opened_at is None


def test_cycle_open_get_405(client, office):
    cycle = make_cycle(office=office, opened=False)
    client.force_login(office)

    response = client.get(reverse("core:cycle_open", args=[cycle.pk]))

    assert response.status_code == 405


# --- healthz and language ---------------------------------------------------------


def test_healthz_database_ok(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")


def test_set_language_en_redirects_and_sets_cookie(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert response.cookies["django_language"].value == "en"


# --- query counts -------------------------------------------------------------------


def test_home_county_official_query_count_same_for_one_and_many_cases(client, cycle):
    official = make_user(Role.COUNTY_OFFICIAL, county=County.objects.get(code="430408"))
    submitted_case_in(cycle, "430421")  # another county's case: never on this list
    submitted_case_in(cycle, "430408")
    client.force_login(official)
    client.get(reverse("core:home"))  # warm per-process caches (content types, ...)

    one_count, one_response = home_queries(client)
    for _ in range(9):
        submitted_case_in(cycle, "430408")
    many_count, many_response = home_queries(client)

    assert [len(cases) for _s, _l, cases, _more in one_response.context["groups"]] == [1]
    assert [len(cases) for _s, _l, cases, _more in many_response.context["groups"]] == [10]
    assert many_count == one_count


def test_home_lists_longest_waiting_cases_per_state_and_links_to_the_rest(client, cycle):
    from hengyang_award.core.views import HOME_ROWS_PER_STATE

    official = make_user(Role.COUNTY_OFFICIAL, county=County.objects.get(code="430408"))
    cases = [submitted_case_in(cycle, "430408") for _ in range(HOME_ROWS_PER_STATE + 2)]
    client.force_login(official)

    response = client.get(reverse("core:home"))

    [(state, _label, shown, more)] = response.context["groups"]
    assert state == "submitted"
    assert more is True
    # Oldest first: the last two submitted are the ones left for the list.
    assert [c.pk for c in shown] == [c.pk for c in cases[:HOME_ROWS_PER_STATE]]
    assert all(c.deadline is not None for c in shown)
    assertInHTML(
        f'<a href="{reverse("applications:case_list")}?state=submitted">'
        f"以上为等待最久的 {HOME_ROWS_PER_STATE} 件，查看该状态的全部案卷</a>",
        response.content.decode(),
    )


def test_cycle_list_query_count_same_for_one_and_many_cycles(client, office):
    make_cycle(office=office)
    client.get(reverse("core:cycle_list"))

    with CaptureQueriesContext(connection) as one:
        one_response = client.get(reverse("core:cycle_list"))
    for _ in range(5):
        make_cycle(office=office)
    with CaptureQueriesContext(connection) as many:
        many_response = client.get(reverse("core:cycle_list"))

    assert (len(one_response.context["cycles"]), len(many_response.context["cycles"])) == (1, 6)
    assert len(many) == len(one)


def test_language_is_chinese_despite_english_browser_until_switched(client):
    default = client.get(reverse("core:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    switched = client.get(reverse("core:index"), HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert '<html lang="zh-CN">' in default.content.decode()
    assert '<html lang="en">' in switched.content.decode()
