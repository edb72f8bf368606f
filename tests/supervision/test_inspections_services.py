import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hengyang_award.core.models import AuditLog
from hengyang_award.notifications.models import Notification
from supervision.models import AfterAwardFile
from supervision.services import inspection_answer, inspection_plan, inspection_record
from tests.factories import tiny_pdf
from tests.factories.supervision_after import announced_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(world):
    award = announced_award(world)
    return inspection_plan(
        award.pk, by=world.office, planned_on=award.starts_on, inspectors="王、李", scope="称号使用"
    )


def _record(world, inspection, **overrides):
    held = inspection.planned_on
    values = {
        "held_on": held,
        "findings": "未注明获奖年度",
        "follow_up": "注明年度",
        "follow_up_due": held + datetime.timedelta(days=10),
    }
    return inspection_record(inspection.pk, by=world.office, **(values | overrides))


def test_inspection_record_and_answer(world, inspection):
    _record(world, inspection)

    answered = inspection_answer(
        inspection.pk,
        by=world.applicant,
        answer="已整改。",
        evidence=[(io.BytesIO(tiny_pdf()), "整改.pdf")],
    )

    assert (answered.answer, answered.follow_up_open) == ("已整改。", False)
    assert AfterAwardFile.objects.filter(inspection=inspection, source="winner").count() == 1
    assert list(
        AuditLog.objects.filter(object_id=str(inspection.pk), action__startswith="inspection.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["inspection.plan", "inspection.record", "inspection.answer"]
    assert (
        Notification.objects.filter(recipient=world.applicant, kind="inspection.recorded").count()
        == 1
    )


def test_inspection_record_follow_up_without_deadline_refused(world, inspection):
    with pytest.raises(ValidationError) as raised:
        _record(world, inspection, follow_up_due=None)

    assert raised.value.message_dict["follow_up_due"] == ["提出整改要求时请填写整改期限。"]


def test_inspection_answer_by_other_organisation_forbidden(world, inspection):
    _record(world, inspection)

    with pytest.raises(PermissionDenied):
        inspection_answer(inspection.pk, by=world.other_applicant, answer="x")


def test_inspection_answer_twice_refused(world, inspection):
    _record(world, inspection)
    inspection_answer(inspection.pk, by=world.applicant, answer="已整改。")

    with pytest.raises(ValidationError) as raised:
        inspection_answer(inspection.pk, by=world.applicant, answer="再次")

    assert raised.value.messages == ["整改情况已答复。"]


def test_inspection_plan_by_applicant_forbidden(world, inspection):
    with pytest.raises(PermissionDenied):
        inspection_plan(
            inspection.award_id,
            by=world.applicant,
            planned_on=inspection.planned_on,
            inspectors="x",
            scope="y",
        )
