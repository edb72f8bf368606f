import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications import services as case_services
from applications.models import Case
from applications.screening import screening_checks
from hengyang_award.core.models import AuditLog
from hengyang_award.notifications.models import Notification
from hengyang_award.workcalendar.days import add_working_days
from publicity.cache import VERSION_KEY
from publicity.models import Notice
from supervision.models import Award, Ban, RecoveryTask
from supervision.selectors import certificate_lookup
from supervision.services import (
    revocation_city_decide,
    revocation_committee_decide,
    revocation_findings_record,
    revocation_open,
    revocation_statement_file,
)
from tests.factories import make_cycle
from tests.factories.supervision_after import (
    announced_award,
    paid,
    revocation_decided,
    revocation_opened,
)
from tests.shared import shared_fixtures

pytestmark = pytest.mark.django_db


shared, world, award = shared_fixtures(announced_award, "award")


def _city(world, revocation, **overrides):
    today = timezone.localdate()
    values = {
        "decision": "revoke",
        "number": "衡政发〔2026〕9号",
        "decided_on": today,
        "note": "批准撤销。",
        "recovery_due_on": today + datetime.timedelta(days=30),
    }
    return revocation_city_decide(revocation.pk, by=world.office, **(values | overrides))


def test_revocation_open_sets_statement_period_and_notifies(world, award):
    revocation = revocation_opened(world, award)

    today = timezone.localdate()
    assert revocation.notified_on == today
    assert (
        revocation.statement_ends_on
        == add_working_days(today, n=world.cycle.revocation_statement_working_days).day
    )
    assert (
        AuditLog.objects.filter(action="revocation.open", object_id=str(revocation.pk)).count() == 1
    )
    assert Notification.objects.filter(recipient=world.applicant, kind="revocation").count() == 1


def test_revocation_open_expired_title_refused(world, award):
    with (
        time_machine.travel(award.ends_on + datetime.timedelta(days=1), tick=False),
        pytest.raises(ValidationError) as raised,
    ):
        revocation_opened(world, award)

    assert raised.value.messages == [f"该称号已于{award.ends_on.isoformat()}到期，不能再撤销。"]


def test_revocation_open_second_open_procedure_refused(world, award):
    first = revocation_opened(world, award)

    with pytest.raises(ValidationError) as raised:
        revocation_opened(world, award, grounds="breach")

    assert raised.value.messages == [
        f"该称号已有正在办理的撤销程序（{timezone.localdate(first.opened_at).isoformat()}立案），不能重复立案。"
    ]


def test_revocation_open_revoked_title_refused(world, award):
    _city(world, revocation_decided(world, award))
    award.refresh_from_db()

    with pytest.raises(ValidationError) as raised:
        revocation_opened(world, award)

    assert raised.value.messages == [f"该称号已于{award.revoked_on.isoformat()}被撤销。"]


def test_revocation_open_by_applicant_forbidden(world, award):
    with pytest.raises(PermissionDenied):
        revocation_open(award.pk, by=world.applicant, grounds="fraud", facts="x")


def test_revocation_decide_before_statement_period_refused_with_date(world, award):
    revocation = revocation_opened(world, award)
    revocation_findings_record(revocation.pk, by=world.office, findings="核实属实。")

    with pytest.raises(ValidationError) as raised:
        revocation_committee_decide(
            revocation.pk, by=world.director, decision="revoke", note="同意。"
        )

    assert raised.value.messages == [
        f"组织的陈述申辩期至{revocation.statement_ends_on.isoformat()}结束，"
        "期满或组织提交陈述申辩后才能作出决定。"
    ]


def test_revocation_decide_after_statement_period_allowed(world, award):
    revocation = revocation_opened(world, award)
    revocation_findings_record(revocation.pk, by=world.office, findings="核实属实。")

    with time_machine.travel(revocation.statement_ends_on + datetime.timedelta(days=1)):
        decided = revocation_committee_decide(
            revocation.pk, by=world.director, decision="revoke", note="同意。"
        )

    assert decided.committee_decision == "revoke"


def test_revocation_decide_by_office_forbidden(world, award):
    revocation = revocation_opened(world, award)

    with pytest.raises(PermissionDenied):
        revocation_committee_decide(revocation.pk, by=world.office, decision="revoke", note="x")


def test_revocation_statement_by_other_organisation_forbidden(world, award):
    revocation = revocation_opened(world, award)

    with pytest.raises(PermissionDenied):
        revocation_statement_file(revocation.pk, by=world.other_applicant, statement="x")


def test_revocation_statement_after_period_refused(world, award):
    revocation = revocation_opened(world, award)

    with (
        time_machine.travel(revocation.statement_ends_on + datetime.timedelta(days=1)),
        pytest.raises(ValidationError) as raised,
    ):
        revocation_statement_file(revocation.pk, by=world.applicant, statement="迟到的申辩")

    assert raised.value.messages == [
        f"陈述申辩期已于{revocation.statement_ends_on.isoformat()}结束。"
    ]


def test_revocation_committee_keep_closes_procedure(world, award):
    revocation = revocation_opened(world, award)
    revocation_statement_file(revocation.pk, by=world.applicant, statement="情况不属实。")
    revocation_findings_record(revocation.pk, by=world.office, findings="举报不属实。")

    kept = revocation_committee_decide(
        revocation.pk, by=world.director, decision="keep", note="不予撤销。"
    )

    assert (kept.outcome, kept.is_open) == ("kept", False)
    assert Case.objects.get(pk=award.case_id).state == "awarded"


def test_revocation_city_before_committee_refused(world, award):
    revocation = revocation_opened(world, award)

    with pytest.raises(ValidationError) as raised:
        _city(world, revocation)

    assert raised.value.messages == ["评审委员会尚未作出撤销决定，不能登记市政府决定。"]


def test_revocation_full_path_fraud(world, award, django_capture_on_commit_callbacks):
    paid(world, award)
    revocation = revocation_decided(world, award)
    cache.set(VERSION_KEY, 5, timeout=None)

    with django_capture_on_commit_callbacks(execute=True):
        revocation = _city(world, revocation)

    today = timezone.localdate()
    case = Case.objects.get(pk=award.case_id)
    assert case.state == "revoked"
    assert case.events.order_by("-pk").first().note == "衡政发〔2026〕9号：批准撤销。"
    award = Award.objects.get(pk=award.pk)
    assert (award.revoked_on, award.status) == (today, "revoked")
    assert revocation.outcome == "revoked"
    notice = Notice.objects.get(pk=revocation.notice_id)
    assert (notice.kind, notice.number, notice.is_published) == (
        Notice.Kind.REVOCATION,
        "衡政发〔2026〕9号",
        True,
    )
    assert world.org.name in notice.title
    assert sorted(
        RecoveryTask.objects.filter(revocation=revocation).values_list("kind", "amount")
    ) == [("certificate", None), ("prize", award.prize_amount)]
    ban = Ban.objects.get(pk=revocation.ban_id)
    assert (ban.organisation_id, ban.legal_basis, ban.starts_on, ban.status) == (
        world.org.pk,
        "art19_fraud",
        today,
        "in_force",
    )
    assert ban.ends_on.year == today.year + world.cycle.fraud_ban_years
    number = award.certificate.number
    assert certificate_lookup(number)["status"] == "revoked"
    assert certificate_lookup(number)["revoked_on"] == today
    assert cache.get(VERSION_KEY) > 5
    assert (
        AuditLog.objects.filter(action="revocation.city", object_id=str(revocation.pk)).count() == 1
    )
    assert Notification.objects.filter(recipient=world.applicant, kind="revocation").count() == 2


def test_revocation_for_fraud_then_screening_refuses_new_application(world, award):
    _city(world, revocation_decided(world, award))
    later = make_cycle(office=world.office)
    case = case_services.case_create(cycle=later, organisation=world.org, by=world.applicant)
    case = world.drive(case, ["submit", "recommend"])

    check = next(c for c in screening_checks(case) if c.code == "no_ban")

    assert check.result == "fail"
    assert "第十九条：弄虚作假" in check.evidence


def test_revocation_for_breach_records_no_ban(world, award):
    revocation = _city(world, revocation_decided(world, award, grounds="breach"))

    assert revocation.ban_id is None
    assert not Ban.objects.filter(organisation=world.org).exists()


def test_revocation_city_keep_leaves_title(world, award):
    revocation = _city(world, revocation_decided(world, award), decision="keep")

    assert revocation.outcome == "kept"
    assert Case.objects.get(pk=award.case_id).state == "awarded"
    assert revocation.notice_id is None
