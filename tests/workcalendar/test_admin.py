import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_exception_changelist_year_and_kind_filters_show_only_matching(admin_client):
    url = reverse("admin:workcalendar_calendarexception_changelist")

    response = admin_client.get(url, {"year": "2026", "kind": "workday"})

    assert response.status_code == 200
    shown = [row.date.isoformat() for row in response.context["cl"].result_list]
    assert shown == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]


@pytest.mark.django_db
def test_year_changelist_search_by_year_finds_row(admin_client):
    url = reverse("admin:workcalendar_calendaryear_changelist")

    response = admin_client.get(url, {"q": "2026"})

    assert response.status_code == 200
    assert [row.year for row in response.context["cl"].result_list] == [2026]
