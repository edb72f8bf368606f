import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hengyang_award.core.models import AuditLog
from hengyang_award.core.roles import Role
from supervision.models import Ban
from supervision.selectors import bans_in_force
from supervision.services import ban_lift, ban_record
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 12, 1)


def _ban(office, organisation, **overrides) -> Ban:
    values = {
        "by": office,
        "organisation": organisation,
        "reason": "提供虚假检测报告",
        "legal_basis": "art19_fraud",
        "starts_on": START,
        "ends_on": datetime.date(2031, 11, 30),
        **overrides,
    }
    return ban_record(**values)


def test_ban_record_fraud_finding_on_a_case_runs_for_the_cycles_ban_years(world):
    case = world.new_case()

    ban = _ban(world.office, world.org, ends_on=None, case=case)

    assert (ban.starts_on, ban.ends_on, ban.credit_code, ban.case) == (
        START,
        datetime.date(2031, 11, 30),
        world.org.credit_code,
        case,
    )
    assert [
        (a.actor, a.object_id, a.detail) for a in AuditLog.objects.filter(action="ban.record")
    ] == [
        (
            world.office,
            str(ban.pk),
            {
                "organisation": world.org.pk,
                "credit_code": world.org.credit_code,
                "legal_basis": "art19_fraud",
                "starts_on": "2026-12-01",
                "ends_on": "2031-11-30",
                "case": case.pk,
            },
        )
    ]


def test_ban_record_explicit_dates_are_kept(office, organisation):
    ban = _ban(
        office,
        organisation,
        legal_basis="art20",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2028, 6, 30),
    )

    assert (ban.legal_basis, ban.starts_on, ban.ends_on) == (
        "art20",
        datetime.date(2027, 1, 1),
        datetime.date(2028, 6, 30),
    )


def test_ban_record_end_not_after_start_is_refused(office, organisation):
    with pytest.raises(ValidationError) as refused:
        _ban(office, organisation, ends_on=START)

    assert refused.value.message_dict == {"ends_on": ["禁止申报截止日必须晚于起始日。"]}
    assert Ban.objects.count() == 0


def test_ban_record_without_end_or_case_is_refused(office, organisation):
    with pytest.raises(ValidationError) as refused:
        _ban(office, organisation, ends_on=None)

    assert refused.value.message_dict == {
        "ends_on": ["请填写禁止申报截止日（仅依据第十九条并关联案卷时可按届次规则自动计算）。"]
    }


def test_ban_record_case_of_another_organisation_is_refused(world):
    case = world.new_case()

    with pytest.raises(ValidationError) as refused:
        _ban(world.office, world.other_org, case=case)

    assert refused.value.message_dict == {"case": ["所选案卷不属于该申报组织。"]}


def test_ban_record_blank_reason_is_refused(office, organisation):
    with pytest.raises(ValidationError) as refused:
        _ban(office, organisation, reason="  ")

    assert refused.value.message_dict == {"reason": ["请填写禁止申报的事由。"]}


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.COUNTY_OFFICIAL, Role.REVIEWER, Role.COMMITTEE_DIRECTOR]
)
def test_ban_record_by_non_office_user_is_permission_denied(organisation, role):
    bodies = {
        Role.APPLICANT: {"organisation": organisation},
        Role.COUNTY_OFFICIAL: {"county": organisation.county},
    }.get(role, {})
    user = make_user(role, **bodies)

    with pytest.raises(PermissionDenied):
        _ban(user, organisation)

    assert Ban.objects.count() == 0


def test_ban_lift_sets_who_when_and_why_and_audits(office, organisation):
    ban = _ban(office, organisation)

    lifted = ban_lift(ban.pk, by=office, reason=" 复核认定登记有误 ")

    assert (lifted.lifted_by, lifted.lift_reason, lifted.lifted_at is not None) == (
        office,
        "复核认定登记有误",
        True,
    )
    assert [(a.object_id, a.detail) for a in AuditLog.objects.filter(action="ban.lift")] == [
        (str(ban.pk), {"organisation": organisation.pk, "reason": "复核认定登记有误"})
    ]


def test_ban_lift_without_reason_is_refused(office, organisation):
    ban = _ban(office, organisation)

    with pytest.raises(ValidationError) as refused:
        ban_lift(ban.pk, by=office, reason="")

    assert refused.value.message_dict == {"reason": ["请填写解除理由。"]}
    assert Ban.objects.get(pk=ban.pk).lifted_at is None


def test_ban_lift_twice_is_refused(office, organisation):
    ban = _ban(office, organisation)
    ban_lift(ban.pk, by=office, reason="登记有误")

    with pytest.raises(ValidationError):
        ban_lift(ban.pk, by=office, reason="再次解除")

    assert AuditLog.objects.filter(action="ban.lift").count() == 1


def test_ban_lift_by_applicant_is_permission_denied(office, organisation):
    ban = _ban(office, organisation)
    applicant = make_user(Role.APPLICANT, organisation=organisation)

    with pytest.raises(PermissionDenied):
        ban_lift(ban.pk, by=applicant, reason="我们不服")

    assert Ban.objects.get(pk=ban.pk).lifted_at is None


def test_bans_in_force_only_unlifted_bans_covering_the_day(office, organisation):
    in_force = _ban(office, organisation)
    _ban(
        office, organisation, starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2021, 1, 1)
    )
    _ban(
        office, organisation, starts_on=datetime.date(2030, 1, 1), ends_on=datetime.date(2032, 1, 1)
    )
    lifted = _ban(office, organisation)
    ban_lift(lifted.pk, by=office, reason="登记有误")
    _ban(office, make_organisation())

    found = list(bans_in_force(organisation, on=datetime.date(2027, 6, 1)))

    assert found == [in_force]


def test_bans_in_force_first_and_last_day_count(office, organisation):
    ban = _ban(office, organisation)

    on_days = [
        list(bans_in_force(organisation, on=day))
        for day in (
            START - datetime.timedelta(days=1),
            START,
            ban.ends_on,
            ban.ends_on + datetime.timedelta(days=1),
        )
    ]

    assert on_days == [[], [ban], [ban], []]
