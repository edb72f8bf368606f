import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services as case_services
from applications.models import ApplicationForm, Attachment, Case, ScreeningDecision
from applications.screening import CHECK_CODES, screening_checks, screening_missing
from applications.services import TransitionBlocked, screening_decide
from hengyang_award.core.models import AuditLog
from supervision.services import ban_lift, ban_record
from tests.factories import PATH_TO, World, make_cycle

pytestmark = pytest.mark.django_db

BLOCKED = "资格审查清单尚未全部确认，或存在未通过的条件。"
FORM_CHECKS = (
    "certificate_iso9001",
    "certificate_iso14001",
    "certificate_iso45001",
    "certificate_scope_iso9001",
    "certificate_scope_iso14001",
    "certificate_scope_iso45001",
    "chief_quality_officer",
    "accident_declaration",
    "violation_declaration",
    "credit_declaration",
)
JUDGEMENT_CHECKS = (
    "certificate_scope_iso9001",
    "certificate_scope_iso14001",
    "certificate_scope_iso45001",
)


def _certificate(reference_date: datetime.date, **overrides) -> dict:
    return {
        "number": "00124Q31234R2M",
        "body": "中国质量认证中心",
        "scope": "工程机械的设计、生产和服务",
        "issued_on": (reference_date - datetime.timedelta(days=365)).isoformat(),
        "expires_on": (reference_date + datetime.timedelta(days=365)).isoformat(),
        **overrides,
    }


def _application(case: Case, **overrides) -> ApplicationForm:
    certificate = _certificate(case.cycle.reference_date)
    values = {
        "certificates": {k: dict(certificate) for k in ("iso9001", "iso14001", "iso45001")},
        "cqo_name": "王质量",
        "cqo_post": "副总经理",
        "cqo_appointed_on": datetime.date(2023, 3, 1),
        "credit_good": True,
        "no_major_accident": True,
        "no_violation": True,
        **overrides,
    }
    return ApplicationForm.objects.create(case=case, **values)


def _attachment(case: Case, kind: str, *, by, removed: bool = False) -> Attachment:
    return Attachment.objects.create(
        case=case,
        kind=kind,
        file=f"cases/{case.pk}/{kind}.pdf",
        original_name=f"{kind}.pdf",
        mime="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=by,
        removed_at=timezone.now() if removed else None,
    )


def _check(case: Case, code: str) -> tuple[str, str]:
    found = next(c for c in screening_checks(case) if c.code == code)
    return found.result, found.evidence


def _screen_all_pass(case: Case, *, by) -> None:
    for check in screening_checks(case):
        if check.result == "pass":
            screening_decide(case.pk, by=by, code=check.code, decision="confirm")
        else:
            screening_decide(
                case.pk,
                by=by,
                code=check.code,
                decision="override",
                final_result="pass",
                note="经核对符合条件。",
            )


def _recommended(world: World) -> Case:
    return world.drive(world.new_case(), PATH_TO["recommended"])


def _awarded(world: World) -> Case:
    return world.drive(world.new_case(), PATH_TO["awarded"])


# --- Pre-checks ---------------------------------------------------------------------


def test_screening_checks_without_application_form_fail_the_form_checks(world):
    case = world.new_case()

    checks = {c.code: (c.result, c.evidence) for c in screening_checks(case)}

    assert list(checks) == list(CHECK_CODES)
    assert {code: checks[code] for code in FORM_CHECKS} == dict.fromkeys(
        FORM_CHECKS, ("fail", "申报表尚未填写")
    )


def test_screening_operating_years_registered_long_enough_passes(world):
    case = world.new_case()
    reference = case.cycle.reference_date.isoformat()

    result = _check(case, "operating_years")

    assert result == (
        "pass",
        f"注册日期 2015-01-01，满 3 年之日 2018-01-01，资格基准日 {reference}",
    )


def test_screening_operating_years_registered_too_recently_fails(world):
    reference = world.cycle.reference_date
    registered = datetime.date(reference.year - 2, 3, 1)
    world.org.registration_date = registered
    world.org.save(update_fields=["registration_date"])
    case = world.new_case()

    result = _check(case, "operating_years")

    assert result == (
        "fail",
        f"注册日期 {registered.isoformat()}，满 3 年之日 {reference.year + 1}-03-01，"
        f"资格基准日 {reference.isoformat()}",
    )


def test_screening_certificate_valid_at_reference_date_passes(world):
    case = world.new_case()
    _application(case)
    cert = _certificate(case.cycle.reference_date)

    result = _check(case, "certificate_iso14001")

    assert result == (
        "pass",
        f"证书编号 00124Q31234R2M，发证机构 中国质量认证中心，有效期 {cert['issued_on']} 至 "
        f"{cert['expires_on']}，覆盖资格基准日 {case.cycle.reference_date.isoformat()}",
    )


def test_screening_certificate_expired_before_reference_date_fails(world):
    case = world.new_case()
    reference = case.cycle.reference_date
    expired = _certificate(
        reference, expires_on=(reference - datetime.timedelta(days=1)).isoformat()
    )
    _application(case, certificates={"iso9001": expired})

    result, evidence = _check(case, "certificate_iso9001")

    assert result == "fail"
    assert evidence.endswith(f"资格基准日 {reference.isoformat()} 不在有效期内")


def test_screening_certificate_without_body_fails(world):
    case = world.new_case()
    _application(case, certificates={"iso45001": _certificate(case.cycle.reference_date, body="")})

    result = _check(case, "certificate_iso45001")

    assert result == ("fail", "未填写证书编号或发证机构")


def test_screening_certificate_with_unreadable_date_fails(world):
    case = world.new_case()
    broken = _certificate(case.cycle.reference_date, expires_on="2027年1月")
    _application(case, certificates={"iso9001": broken})

    result, evidence = _check(case, "certificate_iso9001")

    assert result == "fail"
    assert evidence.endswith(f"（发证日期：{broken['issued_on']}，有效期至：2027年1月）")


def test_screening_certificate_scope_present_needs_judgement(world):
    case = world.new_case()
    _application(case)

    result = _check(case, "certificate_scope_iso9001")

    assert result == (
        "judgement",
        f"认证范围：工程机械的设计、生产和服务；申报组织名称：{world.org.name}",
    )


def test_screening_certificate_scope_missing_fails(world):
    case = world.new_case()
    _application(case, certificates={"iso9001": _certificate(case.cycle.reference_date, scope="")})

    result = _check(case, "certificate_scope_iso9001")

    assert result == ("fail", "未填写认证范围")


def test_screening_certificate_attachments_all_present_pass(world):
    case = world.new_case()
    for kind in ("cert_iso9001", "cert_iso14001", "cert_iso45001"):
        _attachment(case, kind, by=world.applicant)

    result = _check(case, "certificate_attachments")

    assert result == (
        "pass",
        "已上传：质量管理体系认证证书、环境管理体系认证证书、职业健康安全管理体系认证证书",
    )


def test_screening_certificate_attachments_removed_one_fails(world):
    case = world.new_case()
    _attachment(case, "cert_iso9001", by=world.applicant)
    _attachment(case, "cert_iso14001", by=world.applicant, removed=True)
    _attachment(case, "cert_iso45001", by=world.applicant)

    result = _check(case, "certificate_attachments")

    assert result == ("fail", "缺少：环境管理体系认证证书")


def test_screening_chief_quality_officer_complete_passes(world):
    case = world.new_case()
    _application(case)

    result = _check(case, "chief_quality_officer")

    assert result == ("pass", "王质量，副总经理，2023-03-01任命")


def test_screening_chief_quality_officer_without_post_and_date_fails(world):
    case = world.new_case()
    _application(case, cqo_post="", cqo_appointed_on=None)

    result = _check(case, "chief_quality_officer")

    assert result == ("fail", "未填写：首席质量官职务、首席质量官任命日期")


DECLARATIONS = [
    (
        "accident_declaration",
        "no_major_accident",
        "accident_description",
        "近三年无较大及以上责任事故",
    ),
    ("violation_declaration", "no_violation", "violation_description", "近三年无违法违规行为"),
    ("credit_declaration", "credit_good", "credit_note", "诚信记录良好"),
]


@pytest.mark.parametrize(("code", "answer", "_note", "label"), DECLARATIONS)
def test_screening_declaration_declared_yes_passes(world, code, answer, _note, label):
    case = world.new_case()
    _application(case, **{answer: True})

    result = _check(case, code)

    assert result == ("pass", f"已声明：{label}")


@pytest.mark.parametrize(("code", "answer", "note", "label"), DECLARATIONS)
def test_screening_declaration_declared_no_needs_judgement(world, code, answer, note, label):
    case = world.new_case()
    _application(case, **{answer: False, note: "2024年发生一起一般生产安全事故，已整改。"})

    result = _check(case, code)

    assert result == (
        "judgement",
        f"申报组织声明不符合“{label}”，说明：2024年发生一起一般生产安全事故，已整改。",
    )


@pytest.mark.parametrize(("code", "answer", "_note", "_label"), DECLARATIONS)
def test_screening_declaration_not_answered_fails(world, code, answer, _note, _label):
    case = world.new_case()
    _application(case, **{answer: None})

    result = _check(case, code)

    assert result == ("fail", "未作声明")


def test_screening_other_open_case_in_another_cycle_fails(world):
    world.new_case()
    later = make_cycle(office=world.office)
    case = case_services.case_create(cycle=later, organisation=world.org, by=world.applicant)

    result = _check(case, "no_other_open_case")

    assert result == ("fail", f"尚有未结束的申报：{world.cycle.title}（草稿）")


def test_screening_other_case_withdrawn_passes(world):
    earlier = world.new_case()
    case_services.case_transition(earlier.pk, "withdraw", by=world.applicant, note="暂不申报")
    later = make_cycle(office=world.office)
    case = case_services.case_create(cycle=later, organisation=world.org, by=world.applicant)

    result = _check(case, "no_other_open_case")

    assert result == ("pass", "无其他未结束的申报")


def test_screening_valid_title_from_previous_cycle_fails(world):
    awarded = _awarded(world)
    later = make_cycle(office=world.office)
    case = case_services.case_create(cycle=later, organisation=world.org, by=world.applicant)

    checks = {c.code: (c.result, c.evidence) for c in screening_checks(case)}

    assert checks["no_valid_title"] == (
        "fail",
        f"已获{world.cycle.title}，称号有效期至 {awarded.award_valid_until.isoformat()}，"
        f"资格基准日 {later.reference_date.isoformat()} 仍在有效期内",
    )
    assert checks["no_other_open_case"] == ("pass", "无其他未结束的申报")


def test_screening_title_ended_before_reference_date_passes(world):
    _awarded(world)
    later = make_cycle(
        office=world.office, reference_date=timezone.localdate() + datetime.timedelta(days=4 * 366)
    )
    case = case_services.case_create(cycle=later, organisation=world.org, by=world.applicant)

    result = _check(case, "no_valid_title")

    assert result == (
        "pass",
        f"资格基准日 {later.reference_date.isoformat()} 无有效期内的获奖称号",
    )


def _fraud_ban(world: World, *, starts_on: datetime.date, ends_on: datetime.date):
    return ban_record(
        by=world.office,
        organisation=world.org,
        reason="提供虚假检测报告",
        legal_basis="art19_fraud",
        starts_on=starts_on,
        ends_on=ends_on,
    )


def test_screening_ban_in_force_at_reference_date_fails(world):
    case = world.new_case()
    ends_on = case.cycle.reference_date + datetime.timedelta(days=400)
    _fraud_ban(world, starts_on=datetime.date(2024, 1, 1), ends_on=ends_on)

    result = _check(case, "no_ban")

    assert result == (
        "fail",
        f"第十九条：弄虚作假：提供虚假检测报告（禁止申报至 {ends_on.isoformat()}）",
    )


def test_screening_lifted_ban_passes(world):
    case = world.new_case()
    ban = _fraud_ban(
        world,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=case.cycle.reference_date + datetime.timedelta(days=400),
    )
    ban_lift(ban.pk, by=world.office, reason="复核认定登记有误")

    result = _check(case, "no_ban")

    assert result == (
        "pass",
        f"资格基准日 {case.cycle.reference_date.isoformat()} 无有效的禁止申报记录",
    )


def test_screening_ban_ended_before_reference_date_passes(world):
    case = world.new_case()
    _fraud_ban(
        world,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=case.cycle.reference_date - datetime.timedelta(days=1),
    )

    result, _evidence = _check(case, "no_ban")

    assert result == "pass"


def test_screening_recommendation_missing_fails(world):
    case = world.drive(world.new_case(), PATH_TO["submitted"])

    result = _check(case, "recommendation")

    assert result == ("fail", "第 1 次提交尚无县市区推荐意见")


def test_screening_recommendation_of_current_round_passes(world):
    case = _recommended(world)
    rec = case.recommendations.get(round=1)

    result = _check(case, "recommendation")

    assert result == (
        "pass",
        f"{world.county.display_name} 于 {timezone.localdate(rec.signed_at).isoformat()} "
        f"签署：{rec.opinion}",
    )


def test_screening_complete_example_application_only_scopes_need_judgement(world):
    case = _recommended(world)

    results = {c.code: c.result for c in screening_checks(case)}

    assert {code for code, result in results.items() if result != "pass"} == set(JUDGEMENT_CHECKS)
    assert {results[code] for code in JUDGEMENT_CHECKS} == {"judgement"}


# --- Decisions ---------------------------------------------------------------------


def _refuse_chief_quality_officer(case, world) -> None:
    """The officer overrides the automatic pass of the chief quality officer."""
    screening_decide(
        case.pk,
        by=world.office,
        code="chief_quality_officer",
        decision="override",
        final_result="fail",
        note="任命文件无公章",
    )


def test_screening_decide_confirm_records_decision_and_audit(world):
    case = _recommended(world)

    decision = screening_decide(
        case.pk, by=world.office, code="operating_years", decision="confirm"
    )

    assert (
        decision.round,
        decision.decision,
        decision.automatic_result,
        decision.final_result,
        decision.decided_by,
    ) == (1, "confirm", "pass", "pass", world.office)
    audit = AuditLog.objects.filter(action="screening.decide")
    assert [(a.actor, a.object_type, a.object_id, a.detail) for a in audit] == [
        (
            world.office,
            "applications.Case",
            str(case.pk),
            {
                "round": 1,
                "code": "operating_years",
                "decision": "confirm",
                "automatic_result": "pass",
                "final_result": "pass",
                "note": "",
                "replaces": None,
            },
        )
    ]


def test_screening_decide_again_replaces_the_decision(world):
    case = _recommended(world)
    screening_decide(case.pk, by=world.office, code="chief_quality_officer", decision="confirm")

    _refuse_chief_quality_officer(case, world)

    assert list(
        ScreeningDecision.objects.filter(case=case).values_list("decision", "final_result", "note")
    ) == [("override", "fail", "任命文件无公章")]
    assert [
        a.detail["replaces"]
        for a in AuditLog.objects.filter(action="screening.decide").order_by("pk")
    ] == [None, "pass"]


def test_screening_decide_override_without_note_is_refused(world):
    case = _recommended(world)

    with pytest.raises(ValidationError) as refused:
        screening_decide(
            case.pk,
            by=world.office,
            code="certificate_scope_iso9001",
            decision="override",
            final_result="pass",
            note="  ",
        )

    assert refused.value.message_dict == {"note": ["人工判定或改变自动检查结果时，必须填写理由。"]}
    assert ScreeningDecision.objects.count() == 0


def test_screening_decide_confirm_of_judgement_is_refused(world):
    case = _recommended(world)

    with pytest.raises(ValidationError) as refused:
        screening_decide(
            case.pk, by=world.office, code="certificate_scope_iso9001", decision="confirm"
        )

    assert refused.value.messages == ["此项需要人工判断：请选择“通过”或“不通过”，并说明理由。"]


def test_screening_decide_outside_screening_is_refused(world):
    case = world.new_case()

    with pytest.raises(ValidationError) as refused:
        screening_decide(case.pk, by=world.office, code="operating_years", decision="confirm")

    assert refused.value.messages == ["当前状态为“草稿”，不在资格审查阶段，不能确认审查项。"]


@pytest.mark.parametrize("actor", ["county", "applicant", "reviewer", "director"])
def test_screening_decide_by_non_office_user_is_permission_denied(world, actor):
    case = _recommended(world)

    with pytest.raises(PermissionDenied):
        screening_decide(case.pk, by=world.actor(actor), code="operating_years", decision="confirm")

    assert ScreeningDecision.objects.count() == 0


def test_screening_missing_undecided_case_lists_every_check(world):
    case = _recommended(world)

    missing = screening_missing(case)

    assert len(missing) == len(CHECK_CODES)
    assert missing[0] == "“依法注册并正常运行满规定年限”尚未确认。"


def test_case_accept_blocked_until_every_check_decided_then_succeeds(world):
    case = _recommended(world)
    _screen_all_pass(case, by=world.office)
    ScreeningDecision.objects.filter(case=case, code="no_ban").delete()

    with pytest.raises(TransitionBlocked) as blocked:
        case_services.case_transition(case.pk, "accept", by=world.office)
    screening_decide(case.pk, by=world.office, code="no_ban", decision="confirm")
    accepted = case_services.case_transition(case.pk, "accept", by=world.office)

    assert blocked.value.reasons == [BLOCKED]
    assert accepted.state == "accepted"


def test_case_accept_blocked_by_failed_check_but_reject_works(world):
    case = _recommended(world)
    _screen_all_pass(case, by=world.office)
    screening_decide(
        case.pk,
        by=world.office,
        code="chief_quality_officer",
        decision="override",
        final_result="fail",
        note="首席质量官任命文件无法核实",
    )

    with pytest.raises(TransitionBlocked) as blocked:
        case_services.case_transition(case.pk, "accept", by=world.office)
    rejected = case_services.case_transition(
        case.pk, "reject", by=world.office, note="首席质量官条件不符合"
    )

    assert blocked.value.reasons == [BLOCKED]
    assert rejected.state == "ineligible"


def test_case_screening_return_possible_with_nothing_decided(world):
    case = _recommended(world)

    returned = case_services.case_transition(
        case.pk, "screening_return", by=world.office, note="请补充认证证书扫描件"
    )

    assert returned.state == "returned"


def test_screening_missing_ban_recorded_after_confirmation_makes_decision_stale(world):
    case = _recommended(world)
    _screen_all_pass(case, by=world.office)
    _fraud_ban(
        world,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=case.cycle.reference_date + datetime.timedelta(days=400),
    )

    missing = screening_missing(case)

    assert missing == ["“不处于禁止申报期内（第十九条）”的自动检查结果已变化，需重新确认。"]


# --- Views -------------------------------------------------------------------------


def test_screening_desk_lists_only_recommended_cases(client, world):
    recommended = _recommended(world)
    accepted_world = World(cycle=world.cycle)
    accepted = _recommended(accepted_world)
    _screen_all_pass(accepted, by=world.office)
    case_services.case_transition(accepted.pk, "accept", by=world.office)
    client.force_login(world.office)

    response = client.get(reverse("applications:screening_desk"))

    assert response.status_code == 200
    assert [c.pk for c in response.context["cases"]] == [recommended.pk]
    assert response.context["cases"][0].deadline.kind == "screening"


def test_screening_desk_query_count_does_not_grow_with_rows(client, world):
    _recommended(world)
    client.force_login(world.office)
    url = reverse("applications:screening_desk")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(4):
        _recommended(World(cycle=world.cycle))

    with CaptureQueriesContext(connection) as five:
        response = client.get(url)

    assert len(response.context["cases"]) == 5
    assert len(five) == len(one)


def test_screening_desk_for_applicant_is_403(client, world):
    client.force_login(world.applicant)

    response = client.get(reverse("applications:screening_desk"))

    assert response.status_code == 403


def test_screening_case_shows_checks_and_missing(client, world):
    case = _recommended(world)
    client.force_login(world.office)

    response = client.get(reverse("applications:screening_case", args=[case.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert [row.check.code for row, _form in response.context["items"]] == list(CHECK_CODES)
    assert len(response.context["missing"]) == len(CHECK_CODES)
    assert "“依法注册并正常运行满规定年限”尚未确认。" in html
    assert [a.name for a in response.context["actions"]] == ["accept", "reject", "screening_return"]


def test_screening_case_other_county_official_is_404(client, world):
    case = _recommended(world)
    client.force_login(world.other_county)

    response = client.get(reverse("applications:screening_case", args=[case.pk]))

    assert response.status_code == 404


def test_screening_case_own_applicant_is_403(client, world):
    case = _recommended(world)
    client.force_login(world.applicant)

    response = client.get(reverse("applications:screening_case", args=[case.pk]))

    assert response.status_code == 403


def test_screening_decision_view_success_redirects_to_the_check(client, world):
    case = _recommended(world)
    client.force_login(world.office)

    response = client.post(
        reverse("applications:screening_decision", args=[case.pk, "certificate_scope_iso9001"]),
        {
            "certificate_scope_iso9001-outcome": "pass",
            "certificate_scope_iso9001-note": "认证范围覆盖申报组织全部产品",
        },
    )

    assert response.status_code == 302
    assert response.url == (
        reverse("applications:screening_case", args=[case.pk]) + "#certificate_scope_iso9001"
    )
    assert list(ScreeningDecision.objects.values_list("code", "decision", "final_result")) == [
        ("certificate_scope_iso9001", "override", "pass")
    ]


def test_screening_decision_view_override_without_note_shows_reason(client, world):
    case = _recommended(world)
    client.force_login(world.office)

    response = client.post(
        reverse("applications:screening_decision", args=[case.pk, "operating_years"]),
        {"operating_years-outcome": "fail", "operating_years-note": ""},
    )

    assert response.status_code == 200
    assert "人工判定或改变自动检查结果时，必须填写理由。" in response.content.decode()
    assert ScreeningDecision.objects.count() == 0


def test_screening_decision_view_invalid_choice_keeps_typed_text(client, world):
    case = _recommended(world)
    client.force_login(world.office)

    response = client.post(
        reverse("applications:screening_decision", args=[case.pk, "certificate_scope_iso9001"]),
        {
            "certificate_scope_iso9001-outcome": "confirm",
            "certificate_scope_iso9001-note": "我们写的核对说明",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "我们写的核对说明" in html
    form = next(f for row, f in response.context["items"] if row.check.code == JUDGEMENT_CHECKS[0])
    assert form.errors["outcome"] == ["选择一个有效的选项。 confirm 不在可用的选项中。"]
    assert ScreeningDecision.objects.count() == 0


def test_screening_decision_view_by_applicant_is_403(client, world):
    case = _recommended(world)
    client.force_login(world.applicant)

    response = client.post(
        reverse("applications:screening_decision", args=[case.pk, "operating_years"]),
        {"operating_years-outcome": "confirm"},
    )

    assert response.status_code == 403
    assert ScreeningDecision.objects.count() == 0


# --- Confirming every automatic pass at once ------------------------------------------


def test_screening_confirm_passes_confirms_undecided_passes_only(world):
    case = _recommended(world)
    _refuse_chief_quality_officer(case, world)

    confirmed = case_services.screening_confirm_passes(case.pk, by=world.office)

    passes = [c.code for c in screening_checks(case) if c.result == "pass"]
    assert confirmed == [code for code in passes if code != "chief_quality_officer"]
    decisions = dict(
        ScreeningDecision.objects.filter(case=case).values_list("code", "final_result")
    )
    assert decisions == {**dict.fromkeys(confirmed, "pass"), "chief_quality_officer": "fail"}
    assert AuditLog.objects.filter(action="screening.decide").count() == len(confirmed) + 1
    # What needs judgement is still for the officer, check by check.
    judgement = {c.code for c in screening_checks(case) if c.result == "judgement"}
    assert judgement == set(JUDGEMENT_CHECKS)
    assert not judgement & set(decisions)


def test_screening_confirm_passes_twice_confirms_nothing_more(world):
    case = _recommended(world)
    first = case_services.screening_confirm_passes(case.pk, by=world.office)

    second = case_services.screening_confirm_passes(case.pk, by=world.office)

    assert first
    assert second == []
    assert AuditLog.objects.filter(action="screening.decide").count() == len(first)


@pytest.mark.parametrize("actor", ["county", "applicant", "reviewer"])
def test_screening_confirm_passes_by_non_office_user_denied(world, actor):
    case = _recommended(world)

    with pytest.raises(PermissionDenied):
        case_services.screening_confirm_passes(case.pk, by=world.actor(actor))

    assert ScreeningDecision.objects.count() == 0


def test_screening_confirm_passes_outside_screening_refused(world):
    case = world.new_case()

    with pytest.raises(ValidationError) as refused:
        case_services.screening_confirm_passes(case.pk, by=world.office)

    assert refused.value.messages == ["当前状态为“草稿”，不在资格审查阶段，不能确认审查项。"]


def test_screening_confirm_passes_page_button_confirms_and_says_how_many(client, world):
    case = _recommended(world)
    client.force_login(world.office)
    page = reverse("applications:screening_case", args=[case.pk])
    passes = sum(1 for c in screening_checks(case) if c.result == "pass")
    before = client.get(page).content.decode()

    response = client.post(
        reverse("applications:screening_confirm_passes", args=[case.pk]), follow=True
    )

    body = response.content.decode()
    assert f"确认全部自动通过项（{passes}项）" in before
    assert f"已确认{passes}项自动检查通过的审查项。" in body
    assert "data-confirm-passes" not in body  # nothing left to confirm at once
    assert ScreeningDecision.objects.filter(case=case).count() == passes
