import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from applications import services as case_services
from applications.models import CaseEvent
from applications.services import TransitionBlocked
from hengyang_award.core.models import AuditLog
from hengyang_award.workcalendar.models import CalendarException, CalendarYear
from publicity.models import Notice
from publicity.services import (
    ProvisionalPeriod,
    publicity_notice_generate,
    publicity_notice_publish,
    publicity_period,
)
from tests.factories import World
from tests.factories.publicity import proposed_case, publish_notice

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("published", "start", "end"),
    [
        # DOMAIN.md: Sun 09-20 is an adjusted working day.
        (datetime.date(2026, 9, 18), datetime.date(2026, 9, 20), datetime.date(2026, 9, 24)),
        # National Day holiday 10-01..10-07, Sat 10-10 worked.
        (datetime.date(2026, 9, 30), datetime.date(2026, 10, 8), datetime.date(2026, 10, 13)),
    ],
)
def test_publicity_period_domain_examples_exact_dates(cycle, published, start, end):
    period = publicity_period(cycle, published)

    assert (period.start, period.end, period.provisional) == (start, end, False)


@pytest.mark.django_db
def test_publicity_notice_publish_on_2026_09_30_notice_and_case_show_same_dates(time_machine):
    time_machine.move_to(_at(datetime.date(2026, 9, 30)))
    world = World()
    case = proposed_case(world)

    notice = publish_notice(world, confirm_provisional=False)

    case.refresh_from_db()
    assert (notice.period_starts_on, notice.period_ends_on) == (
        datetime.date(2026, 10, 8),
        datetime.date(2026, 10, 13),
    )
    assert (case.state, case.publicity_starts_on, case.publicity_ends_on) == (
        "in_publicity",
        datetime.date(2026, 10, 8),
        datetime.date(2026, 10, 13),
    )
    assert "公示期为2026年10月8日至2026年10月13日（共5个工作日）。" in notice.body["paragraphs"]
    assert notice.issued_on == datetime.date(2026, 9, 30)
    assert list(notice.cases.all()) == [case]


@pytest.mark.django_db
def test_publicity_notice_generate_lists_organisation_and_county_only(world):
    case = proposed_case(world)

    draft = publicity_notice_generate(world.cycle.pk, by=world.office)

    assert draft.title == f"关于第{world.cycle.number}届衡阳市市长质量奖拟授奖组织名单的公示"
    assert draft.body["table"] == {
        "head": ["序号", "组织名称", "所在县市区"],
        "rows": [["1", case.organisation.name, case.organisation.county.name]],
    }
    text = str(draft.body)
    assert "匿名异议" in text
    assert "0734" in text
    for private in (world.org.contact_name, world.org.contact_phone, world.org.credit_code):
        assert private not in text
    assert draft.is_published is False


@pytest.mark.django_db
def test_publicity_notice_generate_without_proposed_cases_refused(world):
    with pytest.raises(ValidationError):
        publicity_notice_generate(world.cycle.pk, by=world.office)


@pytest.mark.django_db
def test_publicity_notice_provisional_period_needs_confirmation(time_machine):
    time_machine.move_to(_at(datetime.date(2026, 12, 28)))
    CalendarException.objects.filter(date__year=2027).delete()
    CalendarYear.objects.filter(year=2027).delete()
    world = World()
    case = proposed_case(world)
    draft = publicity_notice_generate(world.cycle.pk, by=world.office)
    assert draft.period_provisional is True

    with pytest.raises(ProvisionalPeriod) as refused:
        publicity_notice_publish(draft.pk, by=world.office)
    assert "暂定" in refused.value.messages[0]
    case.refresh_from_db()
    assert case.state == "proposed"

    notice = publicity_notice_publish(draft.pk, by=world.office, confirm_provisional=True)

    case.refresh_from_db()
    assert case.state == "in_publicity"
    assert notice.period_provisional is True
    assert (
        AuditLog.objects.filter(
            action="notice.provisional_confirm", object_id=str(notice.pk)
        ).count()
        == 1
    )
    publish_log = AuditLog.objects.get(action="notice.publish", object_id=str(notice.pk))
    assert publish_log.detail["provisional_confirmed"] is True


@pytest.mark.django_db
def test_publicity_notice_publish_list_changed_refused(world):
    proposed_case(world)
    draft = publicity_notice_generate(world.cycle.pk, by=world.office)
    proposed_case(World(cycle=world.cycle))

    with pytest.raises(ValidationError) as refused:
        publicity_notice_publish(draft.pk, by=world.office)

    assert "重新生成" in refused.value.messages[0]


@pytest.mark.django_db
def test_case_publish_without_notice_blocked_with_reason(world):
    case = proposed_case(world)

    with pytest.raises(TransitionBlocked) as blocked:
        case_services.case_publish(case.pk, by=world.office)

    assert blocked.value.reasons == ["该组织尚未列入本届拟授奖组织名单公示。"]
    assert not CaseEvent.objects.filter(case=case, name="publish").exists()


@pytest.mark.django_db
def test_publicity_notice_publish_queues_pdf_and_is_public(world):
    proposed_case(world)

    notice = publish_notice(world)

    assert Notice.objects.filter(pk=notice.pk, published_at__isnull=False).exists()
    assert notice.published_by == world.office
