import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hengyang_award.core.models import AuditLog, AwardCycle, Organisation, User
from hengyang_award.core.roles import ROLE_MODEL_PERMISSIONS, Role
from hengyang_award.core.services import (
    cycle_create,
    cycle_open,
    cycle_update,
    organisation_register,
    user_create,
)
from tests.factories import PASSWORD, make_cycle, make_organisation, make_user

pytestmark = pytest.mark.django_db

VALID_CODE = "91512081MA62K0260E"
CHECKSUM_FAILS = "91512081MA62K0260F"
OVERRIDE_NOTE = "经评审办核对营业执照原件，该代码为早期试点代码。"
DUPLICATE_MESSAGE = "该统一社会信用代码已注册。请联系本单位已注册的同事邀请您加入，或联系评审办。"
CHECKSUM_MESSAGE = "统一社会信用代码校验位不符。请核对；如确为真实代码，请联系评审办核实确认。"


def audit_rows(action: str) -> list[tuple]:
    return list(
        AuditLog.objects.filter(action=action)
        .order_by("pk")
        .values_list("actor_id", "object_type", "object_id", "detail")
    )


# --- organisation_register -----------------------------------------------------


def test_organisation_register_valid_code_stores_normalised_code_and_audits(office, org_values):
    values = org_values(credit_code=" 9151 2081 ma62k0260e ")

    org = organisation_register(by=office, **values)

    org.refresh_from_db()
    assert org.credit_code == VALID_CODE
    assert org.credit_code_override_note == ""
    assert org.group.name == f"org:{VALID_CODE}"
    assert audit_rows("organisation.register") == [
        (
            office.pk,
            "core.Organisation",
            str(org.pk),
            {"credit_code": VALID_CODE, "checksum_override": False},
        )
    ]


def test_organisation_register_by_nobody_audits_without_actor(org_values):
    values = org_values(credit_code=VALID_CODE)

    org = organisation_register(by=None, **values)

    assert audit_rows("organisation.register") == [
        (
            None,
            "core.Organisation",
            str(org.pk),
            {"credit_code": VALID_CODE, "checksum_override": False},
        )
    ]


@pytest.mark.parametrize("second_input", [VALID_CODE, "91512081ma62k0260e", " 91512081MA62K0260E"])
def test_organisation_register_duplicate_code_refused_with_contact_hint(org_values, second_input):
    first = organisation_register(by=None, **org_values(credit_code=VALID_CODE))

    with pytest.raises(ValidationError) as excinfo:
        organisation_register(by=None, **org_values(credit_code=second_input, name="另一家公司"))

    assert excinfo.value.message_dict == {"credit_code": [DUPLICATE_MESSAGE]}
    assert list(Organisation.objects.values_list("pk", flat=True)) == [first.pk]
    assert len(audit_rows("organisation.register")) == 1


def test_organisation_register_checksum_failure_without_note_refused(office, org_values):
    values = org_values(credit_code=CHECKSUM_FAILS)

    with pytest.raises(ValidationError) as excinfo:
        organisation_register(by=office, **values)

    assert excinfo.value.message_dict == {"credit_code": [CHECKSUM_MESSAGE]}
    assert Organisation.objects.filter(credit_code=CHECKSUM_FAILS).exists() is False


def test_organisation_register_checksum_failure_blank_note_refused(office, org_values):
    values = org_values(credit_code=CHECKSUM_FAILS)

    with pytest.raises(ValidationError) as excinfo:
        organisation_register(by=office, credit_code_override_note="   ", **values)

    assert excinfo.value.message_dict == {"credit_code": [CHECKSUM_MESSAGE]}


def test_organisation_register_malformed_code_refused_even_with_office_note(office, org_values):
    values = org_values(credit_code="91350100M000100Y4Z")

    with pytest.raises(ValidationError) as excinfo:
        organisation_register(by=office, credit_code_override_note=OVERRIDE_NOTE, **values)

    assert excinfo.value.message_dict == {
        "credit_code": ["统一社会信用代码含有不允许的字符：Z（不使用 I、O、S、V、Z）。"]
    }


def test_organisation_register_checksum_override_by_nobody_permission_denied(org_values):
    values = org_values(credit_code=CHECKSUM_FAILS)

    with pytest.raises(PermissionDenied):
        organisation_register(by=None, credit_code_override_note=OVERRIDE_NOTE, **values)

    assert Organisation.objects.filter(credit_code=CHECKSUM_FAILS).exists() is False
    assert Group.objects.filter(name=f"org:{CHECKSUM_FAILS}").exists() is False


@pytest.mark.parametrize(
    "role",
    [Role.REVIEWER, Role.COMMITTEE_DIRECTOR, Role.MAYOR, Role.SYSADMIN, Role.COUNTY_OFFICIAL],
)
def test_organisation_register_checksum_override_by_non_office_permission_denied(org_values, role):
    bodies = {"county": org_values()["county"]} if role == Role.COUNTY_OFFICIAL else {}
    user = make_user(role, **bodies)
    values = org_values(credit_code=CHECKSUM_FAILS)

    with pytest.raises(PermissionDenied):
        organisation_register(by=user, credit_code_override_note=OVERRIDE_NOTE, **values)

    assert Organisation.objects.filter(credit_code=CHECKSUM_FAILS).exists() is False


def test_organisation_register_checksum_override_by_applicant_permission_denied(
    applicant, org_values
):
    values = org_values(credit_code=CHECKSUM_FAILS)

    with pytest.raises(PermissionDenied):
        organisation_register(by=applicant, credit_code_override_note=OVERRIDE_NOTE, **values)

    assert Organisation.objects.filter(credit_code=CHECKSUM_FAILS).exists() is False


def test_organisation_register_checksum_override_by_office_accepted_and_audited(office, org_values):
    values = org_values(credit_code=CHECKSUM_FAILS.lower())

    org = organisation_register(
        by=office, credit_code_override_note=f"  {OVERRIDE_NOTE} ", **values
    )

    org.refresh_from_db()
    assert (org.credit_code, org.credit_code_override_note) == (CHECKSUM_FAILS, OVERRIDE_NOTE)
    assert audit_rows("organisation.register") == [
        (
            office.pk,
            "core.Organisation",
            str(org.pk),
            {"credit_code": CHECKSUM_FAILS, "checksum_override": True},
        )
    ]


def test_organisation_register_note_with_valid_code_not_stored(office, org_values):
    values = org_values(credit_code=VALID_CODE)

    org = organisation_register(by=office, credit_code_override_note=OVERRIDE_NOTE, **values)

    org.refresh_from_db()
    assert org.credit_code_override_note == ""


# --- user_create -----------------------------------------------------------------


def test_user_create_applicant_without_organisation_refused():
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="lonely", password=PASSWORD, roles=[Role.APPLICANT])

    assert excinfo.value.messages == ["申报组织用户必须属于一个组织。"]
    assert User.objects.filter(username="lonely").exists() is False


def test_user_create_county_official_without_county_refused():
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="nocounty", password=PASSWORD, roles=[Role.COUNTY_OFFICIAL])

    assert excinfo.value.messages == ["县市区用户必须属于一个县市区。"]
    assert User.objects.filter(username="nocounty").exists() is False


def test_user_create_applicant_joins_role_and_organisation_groups(office):
    org = make_organisation()

    user = user_create(
        username="member", password=PASSWORD, roles=[Role.APPLICANT], organisation=org, by=office
    )

    assert set(user.groups.values_list("name", flat=True)) == {"applicant", org.group.name}
    assert org.group in user.groups.all()
    assert user.check_password(PASSWORD) is True
    assert audit_rows("user.create")[-1] == (
        office.pk,
        "core.User",
        str(user.pk),
        {"roles": ["applicant"]},
    )


def test_user_create_county_official_joins_county_group():
    org = make_organisation(county_code="430421")

    user = user_create(
        username="official", password=PASSWORD, roles=[Role.COUNTY_OFFICIAL], county=org.county
    )

    assert set(user.groups.values_list("name", flat=True)) == {"county_official", "county:430421"}


def test_user_create_without_password_cannot_log_in():
    user = user_create(username="nopass", password=None, roles=[Role.REVIEWER])

    assert user.has_usable_password() is False


# --- cycle_create / cycle_update / cycle_open --------------------------------------


def cycle_values(**overrides) -> dict:
    today = timezone.localdate()
    return {
        "year": today.year,
        "application_opens": today,
        "application_closes": today + datetime.timedelta(days=30),
        "reference_date": today + datetime.timedelta(days=30),
        **overrides,
    }


INVALID_COMBINATIONS = [
    pytest.param(
        {"pass_score": 1001, "total_points": 1000},
        {"pass_score": ["获奖最低总分不能高于评分总分。"]},
        id="pass_score>total_points",
    ),
    pytest.param(
        {
            "application_opens": datetime.date(2031, 5, 1),
            "application_closes": datetime.date(2031, 4, 30),
        },
        {"application_closes": ["申报截止日期不能早于申报开始日期。"]},
        id="closes<opens",
    ),
    pytest.param(
        {"committee_quorum_numerator": 4, "committee_quorum_denominator": 3},
        {"committee_quorum_numerator": ["法定人数比例应在0到1之间（不含0）。"]},
        id="quorum>1",
    ),
    pytest.param(
        {"file_size_limit_mb": 201, "case_size_limit_mb": 200},
        {"file_size_limit_mb": ["单个附件上限不能超过每份申报的附件总量上限。"]},
        id="file>case",
    ),
]


@pytest.mark.parametrize(("overrides", "errors"), INVALID_COMBINATIONS)
def test_cycle_create_invalid_combination_refused_with_field_error(office, overrides, errors):
    values = cycle_values(**overrides)

    with pytest.raises(ValidationError) as excinfo:
        cycle_create(by=office, number=1, **values)

    assert excinfo.value.message_dict == errors
    assert AwardCycle.objects.count() == 0
    assert audit_rows("cycle.create") == []


def test_cycle_create_year_before_previous_interval_refused(office):
    previous = make_cycle(office=office)
    values = cycle_values(year=previous.year + 1)

    with pytest.raises(ValidationError) as excinfo:
        cycle_create(by=office, number=previous.number + 1, **values)

    y = previous.year
    assert excinfo.value.message_dict == {
        "year": [f"上一届（第1届，{y}年）的评审周期为2年，本届年度不能早于{y + 2}年。"]
    }
    assert list(AwardCycle.objects.values_list("pk", flat=True)) == [previous.pk]


def test_cycle_create_year_after_previous_interval_accepted(office):
    previous = make_cycle(office=office)
    values = cycle_values(year=previous.year + 2)

    cycle = cycle_create(by=office, number=2, **values)

    assert (cycle.number, cycle.year, cycle.is_frozen) == (2, previous.year + 2, False)


def test_cycle_create_valid_writes_audit_with_values(office):
    values = cycle_values(max_winners=4)

    cycle = cycle_create(by=office, number=1, **values)

    assert audit_rows("cycle.create") == [
        (
            office.pk,
            "core.AwardCycle",
            str(cycle.pk),
            {"values": {k: v if isinstance(v, int) else str(v) for k, v in values.items()}},
        )
    ]


@pytest.mark.parametrize(("overrides", "errors"), INVALID_COMBINATIONS)
def test_cycle_update_invalid_combination_refused_and_cycle_unchanged(office, overrides, errors):
    cycle = make_cycle(office=office, opened=False)
    before = AwardCycle.objects.filter(pk=cycle.pk).values().get()

    with pytest.raises(ValidationError) as excinfo:
        cycle_update(cycle.pk, by=office, **overrides)

    assert excinfo.value.message_dict == errors
    assert AwardCycle.objects.filter(pk=cycle.pk).values().get() == before
    assert audit_rows("cycle.update") == []


def test_cycle_update_year_before_previous_interval_refused(office):
    previous = make_cycle(office=office)
    cycle = make_cycle(office=office, opened=False)

    with pytest.raises(ValidationError) as excinfo:
        cycle_update(cycle.pk, by=office, year=previous.year + 1)

    y = previous.year
    assert excinfo.value.message_dict == {
        "year": [f"上一届（第1届，{y}年）的评审周期为2年，本届年度不能早于{y + 2}年。"]
    }
    cycle.refresh_from_db()
    assert cycle.year == y + 2


def test_cycle_update_after_open_refused_as_frozen(office):
    cycle = make_cycle(office=office, opened=True)

    with pytest.raises(ValidationError) as excinfo:
        cycle_update(cycle.pk, by=office, max_winners=9)

    assert excinfo.value.messages == ["本届评审已启动，规则参数已冻结，不能修改。"]
    assert "冻结" in excinfo.value.messages[0]
    cycle.refresh_from_db()
    assert cycle.max_winners == 6


@pytest.mark.parametrize("field", ["number", "opened_at"])
def test_cycle_update_field_outside_parameters_refused(office, field):
    cycle = make_cycle(office=office, opened=False)

    with pytest.raises(ValueError, match=field):
        cycle_update(cycle.pk, by=office, **{field: 99 if field == "number" else timezone.now()})

    cycle.refresh_from_db()
    assert (cycle.number, cycle.opened_at) == (1, None)


@pytest.mark.parametrize(
    "role",
    [Role.REVIEWER, Role.COMMITTEE_MEMBER, Role.COMMITTEE_DIRECTOR, Role.MAYOR, Role.SYSADMIN],
)
def test_cycle_services_non_office_user_permission_denied(office, role):
    user = make_user(role)
    cycle = make_cycle(office=office, opened=False)

    with pytest.raises(PermissionDenied):
        cycle_create(by=user, number=2, **cycle_values(year=cycle.year + 2))
    with pytest.raises(PermissionDenied):
        cycle_update(cycle.pk, by=user, max_winners=9)
    with pytest.raises(PermissionDenied):
        cycle_open(cycle.pk, by=user)

    cycle.refresh_from_db()
    assert (AwardCycle.objects.count(), cycle.max_winners, cycle.opened_at) == (1, 6, None)


def test_cycle_services_applicant_permission_denied(office, applicant):
    cycle = make_cycle(office=office, opened=False)

    with pytest.raises(PermissionDenied):
        cycle_update(cycle.pk, by=applicant, max_winners=9)
    with pytest.raises(PermissionDenied):
        cycle_open(cycle.pk, by=applicant)

    cycle.refresh_from_db()
    assert (cycle.max_winners, cycle.opened_at) == (6, None)


def test_cycle_update_audit_lists_exactly_changed_fields(office):
    cycle = make_cycle(office=office, opened=False)
    old_closes = cycle.application_closes
    new_closes = old_closes + datetime.timedelta(days=5)

    cycle_update(
        cycle.pk,
        by=office,
        max_winners=8,
        pass_score=600,
        total_points=1000,
        committee_majority=AwardCycle.Majority.MORE_THAN_HALF,
        application_closes=new_closes,
        application_opens=cycle.application_opens,
    )

    assert audit_rows("cycle.update") == [
        (
            office.pk,
            "core.AwardCycle",
            str(cycle.pk),
            {
                "changed": {
                    "max_winners": [6, 8],
                    "application_closes": [old_closes.isoformat(), new_closes.isoformat()],
                }
            },
        )
    ]
    cycle.refresh_from_db()
    assert (cycle.max_winners, cycle.application_closes) == (8, new_closes)


def test_cycle_update_nothing_changed_audits_empty_change(office):
    cycle = make_cycle(office=office, opened=False)

    cycle_update(cycle.pk, by=office, max_winners=6)

    assert [row[3] for row in audit_rows("cycle.update")] == [{"changed": {}}]


def test_cycle_open_sets_opened_at_and_audits(office):
    cycle = make_cycle(office=office, opened=False)

    opened = cycle_open(cycle.pk, by=office)

    cycle.refresh_from_db()
    assert cycle.opened_at == opened.opened_at
    assert cycle.is_frozen is True
    assert audit_rows("cycle.open") == [(office.pk, "core.AwardCycle", str(cycle.pk), {})]


def test_cycle_open_twice_refused(office):
    cycle = make_cycle(office=office, opened=True)
    first_opened_at = cycle.opened_at

    with pytest.raises(ValidationError) as excinfo:
        cycle_open(cycle.pk, by=office)

    assert excinfo.value.messages == ["本届评审已经启动。"]
    cycle.refresh_from_db()
    assert cycle.opened_at == first_opened_at


@pytest.mark.parametrize(("overrides", "errors"), INVALID_COMBINATIONS)
def test_cycle_open_invalid_stored_combination_refused(office, overrides, errors):
    cycle = make_cycle(office=office, opened=False)
    AwardCycle.objects.filter(pk=cycle.pk).update(**overrides)

    with pytest.raises(ValidationError) as excinfo:
        cycle_open(cycle.pk, by=office)

    assert excinfo.value.message_dict == errors
    cycle.refresh_from_db()
    assert cycle.opened_at is None
    assert audit_rows("cycle.open") == []


# --- role groups ---------------------------------------------------------------------


def test_role_groups_after_migrate_every_role_exists_as_group():
    names = set(Group.objects.filter(name__in=Role.values).values_list("name", flat=True))

    assert names == set(Role.values)


def test_role_groups_office_staff_holds_exactly_listed_permissions():
    group = Group.objects.get(name=Role.OFFICE_STAFF)

    held = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert held == set(ROLE_MODEL_PERMISSIONS[Role.OFFICE_STAFF])


@pytest.mark.parametrize("role", Role.values)
def test_role_groups_every_role_holds_exactly_listed_permissions(role):
    group = Group.objects.get(name=role)

    held = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert held == set(ROLE_MODEL_PERMISSIONS[role])
