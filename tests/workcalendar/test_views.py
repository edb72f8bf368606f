import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hengyang_award.core.models import AuditLog
from hengyang_award.core.roles import Role
from hengyang_award.workcalendar.models import CalendarException, CalendarYear
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return make_user(Role.OFFICE_STAFF)


def test_calendar_page_for_applicant_is_403(client):
    client.force_login(make_user(Role.REVIEWER))

    response = client.get(reverse("workcalendar:calendar"))

    assert response.status_code == 403


def test_calendar_page_marks_unpublished_year_provisional(client, office):
    client.force_login(office)

    published = client.get(reverse("workcalendar:calendar"), {"year": 2026})
    unpublished = client.get(reverse("workcalendar:calendar"), {"year": 2031})

    assert b"data-provisional" not in published.content
    assert b"data-provisional" in unpublished.content
    assert "春节" in published.content.decode()


def test_exception_save_adds_day_and_audits(client, office):
    client.force_login(office)

    response = client.post(
        reverse("workcalendar:exception_save"),
        {"day": "2031-01-01", "kind": "holiday", "name": "元旦", "notice": "国办发明电〔2030〕1号"},
    )

    assert response.status_code == 302
    assert CalendarException.objects.get(date=datetime.date(2031, 1, 1)).name == "元旦"
    assert AuditLog.objects.filter(action="calendar.exception_save", actor=office).count() == 1


def test_exception_save_workday_on_weekday_refused_and_typing_kept(client, office):
    client.force_login(office)

    response = client.post(
        reverse("workcalendar:exception_save"),
        {"day": "2031-01-02", "kind": "workday", "name": "我输入的名称", "notice": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "调休上班只能登记在周六或周日。" in html
    assert "我输入的名称" in html
    assert not CalendarException.objects.filter(date=datetime.date(2031, 1, 2)).exists()


def test_exception_save_by_reviewer_is_403(client):
    client.force_login(make_user(Role.REVIEWER))

    response = client.post(
        reverse("workcalendar:exception_save"), {"day": "2031-01-01", "kind": "holiday"}
    )

    assert response.status_code == 403


def test_import_csv_good_file_imports_and_publishes(client, office):
    client.force_login(office)
    data = "date,kind,name\n2031-01-01,holiday,元旦\n2031-01-04,workday,元旦调休\n"

    response = client.post(
        reverse("workcalendar:import_csv"),
        {
            "file": SimpleUploadedFile("2031.csv", data.encode(), content_type="text/csv"),
            "notice": "国办发明电〔2030〕9号",
        },
    )

    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2031).published is True
    assert CalendarException.objects.filter(date__year=2031).count() == 2


def test_import_csv_bad_row_imports_nothing_and_names_row(client, office):
    client.force_login(office)
    data = "date,kind,name\n2031-01-01,holiday,元旦\n2031-13-40,holiday,错\n"

    response = client.post(
        reverse("workcalendar:import_csv"),
        {
            "file": SimpleUploadedFile("2031.csv", data.encode(), content_type="text/csv"),
            "notice": "国办发明电〔2030〕9号",
        },
    )

    assert response.status_code == 200
    assert "第 3 行" in response.content.decode()
    assert CalendarException.objects.filter(date__year=2031).count() == 0


def test_year_save_marks_year_published(client, office):
    client.force_login(office)

    client.post(
        reverse("workcalendar:year_save"), {"year": 2031, "published": "on", "notice": "通知"}
    )

    assert CalendarYear.objects.get(year=2031).published is True


def test_period_page_shows_domain_example(client, office):
    client.force_login(office)

    response = client.get(reverse("workcalendar:period"), {"start": "2026-09-30", "count": 5})

    html = response.content.decode()
    assert 'data-start="2026-10-08"' in html
    assert 'data-end="2026-10-13"' in html
