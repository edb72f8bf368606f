import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hengyang_award.core.models import AuditLog
from supervision.models import Revocation
from supervision.services import misuse_record, revocation_open
from tests.factories.supervision_after import announced_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(world):
    return announced_award(world)


def test_misuse_record_then_revocation_from_it(world, award):
    report = misuse_record(
        award.pk,
        by=world.office,
        kind="no_year",
        observed_on=award.starts_on,
        description="广告牌未注明获奖年度",
        action_taken="责令改正",
    )

    revocation = revocation_open(
        award.pk, by=world.office, grounds="breach", facts=report.description, misuse_report=report
    )

    assert Revocation.objects.get(pk=revocation.pk).misuse_report == report
    assert AuditLog.objects.filter(action="misuse.record", object_id=str(report.pk)).count() == 1


def test_misuse_record_unknown_kind_refused(world, award):
    with pytest.raises(ValidationError) as raised:
        misuse_record(
            award.pk, by=world.office, kind="x", observed_on=award.starts_on, description="d"
        )

    assert raised.value.message_dict["kind"] == ["请选择不当使用的类别。"]


def test_misuse_record_by_applicant_forbidden(world, award):
    with pytest.raises(PermissionDenied):
        misuse_record(
            award.pk, by=world.applicant, kind="other", observed_on=award.starts_on, description="d"
        )
