import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hengyang_award.workcalendar.models import CalendarException, CalendarYear
from publicity.models import Notice, Objection
from publicity.services import objection_close, objection_investigation_start
from tests.factories import World, tiny_pdf
from tests.factories.publicity import in_period, lodge, proposed_case, publish_notice

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["publicity:notices", "publicity:objections"])
def test_office_pages_anonymous_redirected_to_login(client, world, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "actor", "status"),
    [
        ("publicity:notices", "applicant", 403),
        ("publicity:notices", "reviewer", 403),
        ("publicity:notices", "office", 200),
        ("publicity:objections", "applicant", 403),
        ("publicity:objections", "county", 403),
        ("publicity:objections", "office", 200),
        ("publicity:objections", "director", 200),
    ],
)
def test_office_pages_by_role(client, world, name, actor, status):
    response = _login(client, world.actor(actor)).get(reverse(name))

    assert response.status_code == status


@pytest.mark.django_db
def test_office_objection_detail_unknown_404(client, world):
    response = _login(client, world.office).get(
        reverse("publicity:objection_detail", args=[987654])
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_office_notices_generate_and_publish_through_pages(client, world):
    case = proposed_case(world)
    _login(client, world.office)

    page = client.get(reverse("publicity:notices") + f"?cycle={world.cycle.pk}").content.decode()
    client.post(
        reverse("publicity:notice_generate", args=[world.cycle.pk]),
        {"number": "衡质奖办〔2026〕3号"},
    )
    draft = Notice.objects.get(kind=Notice.Kind.PUBLICITY)
    preview = client.get(reverse("publicity:notices") + f"?cycle={world.cycle.pk}").content.decode()
    response = client.post(reverse("publicity:notice_publish", args=[draft.pk]))

    case.refresh_from_db()
    draft.refresh_from_db()
    assert case.organisation.name in page
    assert "衡质奖办〔2026〕3号" in preview
    assert response.status_code == 302
    assert draft.is_published
    assert case.state == "in_publicity"


@pytest.mark.django_db
def test_office_publish_provisional_without_checkbox_refused_then_confirmed(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 28, 10, tzinfo=SHANGHAI))
    CalendarException.objects.filter(date__year=2027).delete()
    CalendarYear.objects.filter(year=2027).delete()
    world = World()
    proposed_case(world)
    _login(client, world.office)
    client.post(reverse("publicity:notice_generate", args=[world.cycle.pk]), {"number": ""})
    draft = Notice.objects.get(kind=Notice.Kind.PUBLICITY)
    page = client.get(reverse("publicity:notices") + f"?cycle={world.cycle.pk}").content.decode()

    refused = client.post(reverse("publicity:notice_publish", args=[draft.pk]))
    confirmed = client.post(
        reverse("publicity:notice_publish", args=[draft.pk]), {"confirm_provisional": "on"}
    )

    assert "data-provisional" in page
    assert "id_confirm_provisional" in page
    assert refused.status_code == 400
    assert "勾选确认" in refused.content.decode()
    assert confirmed.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published


@pytest.mark.django_db
def test_office_objection_pages_investigate_close_decide(client, world, time_machine):
    case = proposed_case(world)
    notice = publish_notice(world)
    time_machine.move_to(in_period(notice))
    objection = lodge(case, notice, objector_organisation="某会计师事务所")
    detail = reverse("publicity:objection_detail", args=[objection.pk])
    _login(client, world.office)

    office_page = client.get(detail).content.decode()
    client.post(reverse("publicity:objection_start", args=[objection.pk]), {"note": ""})
    upload = io.BytesIO(tiny_pdf())
    upload.name = "核查记录.pdf"
    client.post(
        reverse("publicity:objection_close", args=[objection.pk]),
        {"outcome": "verified", "findings": "查实。", "evidence": [upload]},
    )
    forbidden = client.get(reverse("publicity:objection_decide", args=[objection.pk]))
    _login(client, world.director)
    director_page = client.get(detail).content.decode()
    decided = client.post(
        reverse("publicity:objection_decide", args=[objection.pk]),
        {"decision": "评委会决定取消其获奖资格。"},
    )

    objection.refresh_from_db()
    case.refresh_from_db()
    assert objection.objector_id_number in office_page
    assert objection.phone in office_page
    assert objection.objector_id_number not in director_page
    assert objection.phone not in director_page
    assert forbidden.status_code == 403
    assert decided.status_code == 302
    assert (objection.status, case.state) == ("disqualified", "disqualified")


@pytest.mark.django_db
def test_office_objection_close_without_findings_keeps_input(client, world, time_machine):
    case = proposed_case(world)
    notice = publish_notice(world)
    time_machine.move_to(in_period(notice))
    objection = lodge(case, notice)
    objection_investigation_start(objection.pk, by=world.office)
    _login(client, world.office)

    response = client.post(
        reverse("publicity:objection_close", args=[objection.pk]),
        {"outcome": "unfounded", "findings": ""},
    )

    assert response.status_code == 400
    objection.refresh_from_db()
    assert objection.status == Objection.Status.INVESTIGATING


@pytest.mark.django_db
def test_office_objection_list_overdue_flagged_and_query_count_flat(client, world, time_machine):
    case = proposed_case(world)
    notice = publish_notice(world)
    time_machine.move_to(in_period(notice))
    first = lodge(case, notice)
    _login(client, world.office)
    url = reverse("publicity:objections") + f"?cycle={world.cycle.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _i in range(3):
        lodge(case, notice)
    closed = lodge(case, notice)
    objection_investigation_start(closed.pk, by=world.office)
    objection_close(closed.pk, by=world.office, outcome="unfounded", findings="不成立。")
    time_machine.move_to(
        datetime.datetime.combine(
            first.due_on + datetime.timedelta(days=1), datetime.time(9), tzinfo=SHANGHAI
        )
    )
    _login(client, world.office).get(url)  # the session of the first login has timed out

    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()

    assert len(many) == len(one)
    assert page.count("data-overdue") == 4


@pytest.mark.django_db
def test_office_objection_file_download_office_only(client, world, time_machine):
    case = proposed_case(world)
    notice = publish_notice(world)
    time_machine.move_to(in_period(notice))
    upload = io.BytesIO(tiny_pdf())
    from publicity.services import objection_submit
    from tests.factories.publicity import objector

    objection = objection_submit(case_id=case.pk, evidence=[(upload, "证据.pdf")], **objector())
    stored = objection.files.get()
    url = reverse("publicity:objection_file", args=[objection.pk, stored.pk])

    denied = _login(client, world.applicant).get(url)
    served = _login(client, world.office).get(url)

    assert denied.status_code == 403
    assert served.status_code == 200
    assert served["Cache-Control"] == "no-store"
