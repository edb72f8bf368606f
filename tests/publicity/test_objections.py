import datetime
import hashlib
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import CaseEvent
from hengyang_award.core.models import AuditLog
from hengyang_award.jobs.models import OutboxMessage
from hengyang_award.notifications.models import Notification
from hengyang_award.workcalendar.days import add_working_days
from publicity import receipts
from publicity.models import Objection, ObjectionFile
from publicity.services import (
    objection_close,
    objection_committee_decide,
    objection_investigation_start,
    objection_lookup,
    objection_outcome_mail,
    objection_submit,
)
from tests.factories import PATH_TO, World, tiny_pdf
from tests.factories.publicity import in_period, lodge, objector, proposed_case, publish_notice
from tests.shared import shared_fixtures

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _published(world):
    case = proposed_case(world)
    notice = publish_notice(world)
    case.refresh_from_db()
    return case, notice


# A proposed case and its published notice, built once per module.
shared, world, published = shared_fixtures(_published, "published")


@pytest.mark.django_db
def test_objection_submit_complete_accepted_with_receipt_due_date_and_evidence(world, published):
    case, notice = published
    pdf = tiny_pdf("抽检报告")

    objection = objection_submit(
        case_id=case.pk,
        at=in_period(notice),
        evidence=[(io.BytesIO(pdf), "抽检报告.pdf")],
        **objector(),
    )

    assert receipts.receipt_normalise(objection.receipt) == objection.receipt
    assert objection.status == Objection.Status.RECEIVED
    assert (
        objection.due_on
        == add_working_days(notice.period_starts_on, n=world.cycle.objection_working_days).day
    )
    stored = ObjectionFile.objects.get(objection=objection)
    assert (stored.sha256, stored.original_name, stored.source) == (
        hashlib.sha256(pdf).hexdigest(),
        "抽检报告.pdf",
        ObjectionFile.Source.OBJECTOR,
    )
    assert "抽检报告" not in stored.file.name
    assert AuditLog.objects.filter(action="objection.receive", object_id=str(objection.pk)).exists()
    assert (
        Notification.objects.filter(recipient=world.office, kind="objection_received").count() == 1
    )
    case.refresh_from_db()
    assert case.state == "in_publicity"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"objector_name": "匿名"}, "objector_name", "匿名"),
        ({"objector_name": ""}, "objector_name", "匿名"),
        ({"objector_id_number": "", "objector_organisation": ""}, "objector_id_number", "至少"),
        ({"objector_id_number": "430405198001010000"}, "objector_id_number", "不正确"),
        ({"phone": ""}, "phone", "电话"),
        ({"facts": "  "}, "facts", "事实"),
    ],
)
def test_objection_submit_anonymous_or_incomplete_refused_with_reason(
    published, overrides, field, reason
):
    case, notice = published

    with pytest.raises(ValidationError) as refused:
        objection_submit(case_id=case.pk, at=in_period(notice), **objector(**overrides))

    assert reason in " ".join(refused.value.message_dict[field])
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_objection_submit_outside_period_refused_showing_dates(published):
    case, notice = published
    dates = f"{notice.period_starts_on.isoformat()}至{notice.period_ends_on.isoformat()}"
    before = in_period(notice) - datetime.timedelta(days=1)
    after = datetime.datetime.combine(
        notice.period_ends_on + datetime.timedelta(days=1), datetime.time(9), tzinfo=SHANGHAI
    )

    with pytest.raises(ValidationError) as early:
        objection_submit(case_id=case.pk, at=before, **objector())
    with pytest.raises(ValidationError) as late:
        objection_submit(case_id=case.pk, at=after, **objector())

    assert dates in early.value.message_dict["case"][0]
    assert "尚未开始" in early.value.message_dict["case"][0]
    assert dates in late.value.message_dict["case"][0]
    assert "已经结束" in late.value.message_dict["case"][0]
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_objection_submit_html_named_pdf_refused_nothing_stored(published):
    case, notice = published

    with pytest.raises(ValidationError) as refused:
        objection_submit(
            case_id=case.pk,
            at=in_period(notice),
            evidence=[(io.BytesIO(b"<html><script>alert(1)</script></html>"), "证据.pdf")],
            **objector(),
        )

    assert "证据.pdf" in refused.value.message_dict["evidence"][0]
    assert not Objection.objects.exists()
    assert not ObjectionFile.objects.exists()


@pytest.mark.django_db
def test_objection_lookup_right_pair_found_wrong_pair_none(published):
    case, notice = published
    objection = lodge(case, notice, phone="139 0000 1111")
    display = receipts.receipt_display(objection.receipt)
    wrong_check = objection.receipt[:-1] + next(
        c for c in receipts.ALPHABET if c != objection.receipt[-1]
    )

    assert objection_lookup(display.lower(), "13900001111") == objection
    assert objection_lookup(objection.receipt, "13900001112") is None
    assert objection_lookup(wrong_check, "13900001111") is None
    assert objection_lookup(receipts.receipt_new(), "13900001111") is None
    assert objection_lookup(objection.receipt, "") is None


@pytest.mark.django_db
def test_objection_investigation_then_unfounded_in_period_dismisses(
    world, published, time_machine, django_capture_on_commit_callbacks
):
    case, notice = published
    time_machine.move_to(in_period(notice))
    objection = lodge(case, notice)

    objection_investigation_start(objection.pk, by=world.office)
    case.refresh_from_db()
    assert case.state == "under_objection"

    objection_close(
        objection.pk,
        by=world.office,
        outcome=Objection.Status.UNFOUNDED,
        findings="经调取抽检记录，数据一致，异议不成立。",
    )

    case.refresh_from_db()
    assert case.state == "in_publicity"
    assert list(
        CaseEvent.objects.filter(case=case).order_by("at", "pk").values_list("name", flat=True)
    )[-2:] == ["raise_objection", "dismiss_objection"]
    assert (
        OutboxMessage.objects.filter(
            task="publicity.objection_outcome_mail", kwargs={"objection_id": objection.pk}
        ).count()
        == 1
    )
    assert objection_outcome_mail(objection.pk) is True
    assert objection_outcome_mail(objection.pk) is False
    assert [m.to for m in mail.outbox] == [[objection.email]]
    assert "异议不成立" in mail.outbox[0].body
    assert objection.objector_name not in mail.outbox[0].body


@pytest.mark.django_db
def test_objection_unfounded_while_another_open_case_stays_under_objection(
    world, published, time_machine
):
    case, notice = published
    time_machine.move_to(in_period(notice))
    first, second = lodge(case, notice), lodge(case, notice)
    objection_investigation_start(first.pk, by=world.office)
    objection_investigation_start(second.pk, by=world.office)

    objection_close(first.pk, by=world.office, outcome="unfounded", findings="不成立。")

    case.refresh_from_db()
    assert case.state == "under_objection"
    assert CaseEvent.objects.filter(case=case, name="raise_objection").count() == 1


@pytest.mark.django_db
def test_objection_unfounded_after_period_clears_to_director(world, published, time_machine):
    case, notice = published
    time_machine.move_to(in_period(notice))
    objection = lodge(case, notice)
    objection_investigation_start(objection.pk, by=world.office)
    time_machine.move_to(
        datetime.datetime.combine(
            notice.period_ends_on + datetime.timedelta(days=1), datetime.time(9), tzinfo=SHANGHAI
        )
    )

    objection_close(objection.pk, by=world.office, outcome="unfounded", findings="不成立。")

    case.refresh_from_db()
    assert case.state == "director_review"
    assert CaseEvent.objects.filter(case=case).latest("at").name == "clear_objection"


@pytest.mark.django_db
def test_objection_verified_then_committee_decision_disqualifies(world, published, time_machine):
    case, notice = published
    time_machine.move_to(in_period(notice))
    objection = lodge(case, notice)
    objection_investigation_start(objection.pk, by=world.office)

    objection_close(
        objection.pk,
        by=world.office,
        outcome=Objection.Status.VERIFIED,
        findings="经现场核实，申报数据失实。",
        evidence=[(io.BytesIO(tiny_pdf()), "核查记录.pdf")],
    )
    case.refresh_from_db()
    assert case.state == "under_objection"
    with pytest.raises(PermissionDenied):
        objection_committee_decide(objection.pk, by=world.office, decision="取消资格。")

    objection_committee_decide(
        objection.pk, by=world.director, decision="评委会审议决定取消其拟授奖资格。"
    )

    case.refresh_from_db()
    objection.refresh_from_db()
    assert case.state == "disqualified"
    assert objection.status == Objection.Status.DISQUALIFIED
    assert (
        ObjectionFile.objects.filter(
            objection=objection, source=ObjectionFile.Source.OFFICE
        ).count()
        == 1
    )
    assert list(
        AuditLog.objects.filter(object_id=str(objection.pk), object_type="publicity.Objection")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["objection.receive", "objection.investigate", "objection.close", "objection.decide"]


@pytest.mark.django_db
def test_objection_investigation_by_applicant_forbidden(world, published):
    case, notice = published
    objection = lodge(case, notice)

    with pytest.raises(PermissionDenied):
        objection_investigation_start(objection.pk, by=world.applicant)

    objection.refresh_from_db()
    assert objection.status == Objection.Status.RECEIVED


@pytest.mark.django_db
def test_objection_preparers_drive_every_objection_edge():
    world = World()

    dismissed = world.drive(world.new_case(), [*PATH_TO["under_objection"], "dismiss_objection"])

    assert dismissed.state == "in_publicity"
    assert Objection.objects.get(case=dismissed).status == Objection.Status.UNFOUNDED


@pytest.mark.django_db
def test_close_publicity_waits_for_an_objection_not_yet_taken_up(world, published, time_machine):
    from applications.services import deadlines_process

    case, notice = published
    time_machine.move_to(in_period(notice))
    objection = lodge(case, notice)
    after = notice.period_ends_on + datetime.timedelta(days=1)
    time_machine.move_to(datetime.datetime.combine(after, datetime.time(9), tzinfo=SHANGHAI))

    deadlines_process(today=after)

    case.refresh_from_db()
    assert case.state == "in_publicity"
    objection_investigation_start(objection.pk, by=world.office)
    objection_close(objection.pk, by=world.office, outcome="unfounded", findings="不成立。")
    case.refresh_from_db()
    assert case.state == "director_review"


@pytest.mark.django_db
def test_close_publicity_without_objection_fires_at_period_end(world, published, time_machine):
    from applications.services import deadlines_process

    case, notice = published
    after = notice.period_ends_on + datetime.timedelta(days=1)
    time_machine.move_to(datetime.datetime.combine(after, datetime.time(9), tzinfo=SHANGHAI))

    deadlines_process(today=after)

    case.refresh_from_db()
    assert case.state == "director_review"
