import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications import services as case_services
from applications.models import CaseDocument, CaseEvent
from hengyang_award.core.models import AuditLog
from hengyang_award.jobs.models import OutboxMessage
from review.models import Assignment, Consensus, OnsiteReport, Reviewer, ReviewerEvaluation
from review.selectors_onsite import (
    onsite_score_rows,
    reviewer_evaluation_summary,
    reviewers_with_evaluation_averages,
)
from review.services import onsite as services
from tests.review.onsite_support import (
    EVIDENCE,
    SECTIONS,
    confirmed_report,
    form_team,
    make_reviewer,
    onsite_case,
    ready_report,
    schedule,
    score_all,
    sent_report,
)
from tests.shared import prepared_world, world_with_prepared_case

pytestmark = pytest.mark.django_db

shared = prepared_world("onsite_review")
world = world_with_prepared_case()

Confirmation = OnsiteReport.Confirmation


def _messages(excinfo) -> list[str]:
    return excinfo.value.messages


# --- Team --------------------------------------------------------------------------


def test_onsite_team_set_forms_team_with_one_leader_and_opens_case(world):
    case = onsite_case(world)
    reviewers = [make_reviewer(world.office) for _ in range(case.cycle.onsite_team_size)]

    team = services.onsite_team_set(
        case.pk,
        by=world.office,
        leader_id=reviewers[0].pk,
        member_ids=[r.pk for r in reviewers[1:]],
        reason="按专业领域指定",
    )

    assert (team[0].reviewer_id, team[0].role) == (reviewers[0].pk, "leader")
    assert {(a.reviewer_id, a.role) for a in team[1:]} == {(r.pk, "member") for r in reviewers[1:]}
    assert all(r.user.has_perm("applications.view_case", case) for r in reviewers) is True
    assert list(
        AuditLog.objects.filter(action="review.onsite_team_set").values_list("object_id", "detail")
    ) == [
        (
            str(case.pk),
            {
                "leader": reviewers[0].pk,
                "members": [r.pk for r in reviewers[1:]],
                "reason": "按专业领域指定",
            },
        )
    ]


def test_onsite_team_set_size_other_than_cycle_refused(world):
    case = onsite_case(world)
    reviewers = [make_reviewer(world.office) for _ in range(case.cycle.onsite_team_size + 1)]

    with pytest.raises(ValidationError) as excinfo:
        services.onsite_team_set(
            case.pk,
            by=world.office,
            leader_id=reviewers[0].pk,
            member_ids=[r.pk for r in reviewers[1:]],
            reason="指定",
        )

    size = case.cycle.onsite_team_size
    assert excinfo.value.message_dict == {
        "members": [f"现场评审组应由{size}人组成（含组长），请选择{size - 1}名组员。"]
    }
    assert Assignment.objects.filter(case=case, stage="onsite").exists() is False


def test_onsite_team_set_leader_listed_as_member_refused(world):
    case = onsite_case(world)
    reviewers = [make_reviewer(world.office) for _ in range(case.cycle.onsite_team_size)]

    with pytest.raises(ValidationError) as excinfo:
        services.onsite_team_set(
            case.pk,
            by=world.office,
            leader_id=reviewers[0].pk,
            member_ids=[r.pk for r in reviewers],
            reason="指定",
        )

    assert excinfo.value.message_dict == {"members": ["组长不能同时列为组员。"]}


def test_onsite_team_set_by_reviewer_refused(world):
    team = form_team(world)
    others = [make_reviewer(world.office) for _ in range(len(team.all))]

    with pytest.raises(PermissionDenied):
        services.onsite_team_set(
            team.case.pk,
            by=team.leader_user,
            leader_id=others[0].pk,
            member_ids=[r.pk for r in others[1:]],
            reason="指定",
        )


def test_onsite_team_set_new_leader_replaces_old_and_closes_case_to_them(world):
    team = form_team(world)
    newcomer = make_reviewer(world.office)
    old_leader = team.leader_user

    services.onsite_team_set(
        team.case.pk,
        by=world.office,
        leader_id=newcomer.pk,
        member_ids=[a.reviewer_id for a in team.members],
        reason="原组长因公出差，更换组长",
    )

    active = Assignment.objects.filter(case=team.case, stage="onsite", status="active")
    assert active.get(role="leader").reviewer_id == newcomer.pk
    assert Assignment.objects.get(pk=team.leader.pk).status == Assignment.Status.REPLACED
    assert old_leader.has_perm("applications.view_case", team.case) is False


def test_onsite_team_set_reviewer_with_conflict_refused_and_flag_kept(world):
    case = onsite_case(world)
    reviewers = [make_reviewer(world.office) for _ in range(case.cycle.onsite_team_size)]
    Reviewer.objects.filter(pk=reviewers[1].pk).update(employer_credit_code=world.org.credit_code)

    with pytest.raises(ValidationError):
        services.onsite_team_set(
            case.pk,
            by=world.office,
            leader_id=reviewers[0].pk,
            member_ids=[r.pk for r in reviewers[1:]],
            reason="指定",
        )

    assert Assignment.objects.filter(case=case, stage="onsite").exists() is False
    assert list(case.conflict_flags.values_list("reviewer_id", "decision")) == [
        (reviewers[1].pk, "pending")
    ]


# --- Schedule ----------------------------------------------------------------------


def test_onsite_schedule_save_longer_than_cycle_days_refused(world):
    team = form_team(world)
    days = team.case.cycle.onsite_days + 1

    with pytest.raises(ValidationError) as excinfo:
        schedule(team, world.office, days=days)

    assert excinfo.value.message_dict == {
        "ends_on": [f"现场评审最多{team.case.cycle.onsite_days}天，所选日期共{days}天。"]
    }


def test_onsite_schedule_save_by_leader_within_days_saved(world):
    team = form_team(world)

    report = schedule(team, team.leader_user, days=team.case.cycle.onsite_days)

    report.refresh_from_db()
    assert (report.visit_ends_on - report.visit_starts_on).days + 1 == team.case.cycle.onsite_days
    assert report.agenda == "首次会议；现场查看；访谈；末次会议。"


def test_onsite_schedule_save_by_member_refused(world):
    team = form_team(world)

    with pytest.raises(PermissionDenied):
        schedule(team, team.member_user)


# --- Scores ------------------------------------------------------------------------


def test_onsite_scores_save_starts_from_document_consensus(world):
    team = form_team(world)

    services.onsite_scores_save(team.case.pk, by=team.leader_user, entries={})

    rows = onsite_score_rows(team.case)
    assert {r.item.code: r.onsite_percent for r in rows} == {
        r.item.code: r.document_percent for r in rows
    }
    assert Consensus.objects.get(case=team.case, stage="onsite").leader == team.leader.reviewer


def test_onsite_scores_save_change_without_evidence_refused(world):
    team = form_team(world)
    row = onsite_score_rows(team.case)[0]
    changed = 5 if row.document_percent != 5 else 10

    with pytest.raises(ValidationError) as excinfo:
        services.onsite_scores_save(
            team.case.pk,
            by=team.leader_user,
            entries={row.item.code: {"percent": changed, "evidence": "  "}},
        )

    assert _messages(excinfo) == [
        f"条款{row.item.code} {row.item.name}的现场得分与资料评审共识不同，请填写现场核实的证据。"
    ]


def test_onsite_scores_save_change_with_evidence_saved_and_totalled(world):
    team = form_team(world)

    score_all(team, percent=50)

    consensus = Consensus.objects.get(case=team.case, stage="onsite")
    rows = onsite_score_rows(team.case)
    assert consensus.total == sum(r.item.points for r in rows) / 2
    assert {e.evidence for e in consensus.entries.all()} == {EVIDENCE}


def test_onsite_scores_save_percent_off_the_steps_refused(world):
    team = form_team(world)
    code = onsite_score_rows(team.case)[0].item.code

    with pytest.raises(ValidationError) as excinfo:
        services.onsite_scores_save(
            team.case.pk, by=team.leader_user, entries={code: {"percent": 52, "evidence": "x"}}
        )

    assert _messages(excinfo) == [f"条款{code}的得分须为0到100之间5的倍数。"]


def test_onsite_scores_save_by_member_refused(world):
    team = form_team(world)

    with pytest.raises(PermissionDenied):
        services.onsite_scores_save(team.case.pk, by=team.member_user, entries={})


def test_onsite_scores_save_before_declaration_refused(world):
    team = form_team(world, declared=False)

    with pytest.raises(PermissionDenied) as excinfo:
        services.onsite_scores_save(team.case.pk, by=team.leader_user, entries={})

    assert str(excinfo.value) == "请先签署本案的公正性和保密声明。"


# --- Report ------------------------------------------------------------------------


def test_onsite_report_save_member_writes_fact_finding(world):
    team = form_team(world)

    services.onsite_report_save(
        team.case.pk, by=team.member_user, verification="核对了三年财务报表。"
    )

    assert OnsiteReport.objects.get(case=team.case).verification == "核对了三年财务报表。"


def test_onsite_report_save_member_writing_conclusion_refused(world):
    team = form_team(world)

    with pytest.raises(PermissionDenied):
        services.onsite_report_save(team.case.pk, by=team.member_user, conclusion="建议授奖")


def test_onsite_report_save_stale_version_refused(world):
    team = form_team(world)
    report = services.onsite_report_save(team.case.pk, by=team.leader_user, conclusion="初稿")
    seen = report.updated_at.isoformat()
    services.onsite_report_save(team.case.pk, by=team.member_user, verification="组员补充")

    with pytest.raises(ValidationError) as excinfo:
        services.onsite_report_save(
            team.case.pk, by=team.leader_user, version=seen, verification="组长覆盖"
        )

    assert _messages(excinfo) == ["报告已被评审组其他成员修改，请刷新页面后重新填写。"]
    assert OnsiteReport.objects.get(case=team.case).verification == "组员补充"


def test_onsite_report_send_incomplete_lists_what_is_missing(world):
    team = form_team(world)
    schedule(team, world.office)

    with pytest.raises(ValidationError) as excinfo:
        services.onsite_report_send_for_confirmation(team.case.pk, by=team.leader_user)

    messages = _messages(excinfo)
    assert messages[1:] == [
        "尚未填写现场、访谈和抽查的文件。",
        "尚未填写关键信息核实情况。",
        "尚未填写结论。",
        "尚未选择评审组建议。",
        "尚未填写建议理由。",
    ]
    assert messages[0].startswith("现场评分尚未完成：")


def test_onsite_report_send_notifies_applicant(world):
    team = ready_report(world)

    report = services.onsite_report_send_for_confirmation(team.case.pk, by=team.leader_user)

    assert report.sent_for_confirmation_at is not None
    assert report.confirmation == Confirmation.PENDING
    assert list(
        world.applicant.notifications.filter(kind="review.onsite_confirmation").values_list(
            "subject", flat=True
        )
    ) == ["请确认现场评审报告"]


def test_onsite_report_save_while_awaiting_confirmation_refused(world):
    team = sent_report(world)

    with pytest.raises(ValidationError) as excinfo:
        services.onsite_report_save(team.case.pk, by=team.leader_user, conclusion="改")

    assert _messages(excinfo) == ["报告正在等待申报单位确认，确认前不能修改。"]


def test_onsite_report_confirm_by_other_organisation_refused(world):
    team = sent_report(world)

    with pytest.raises(PermissionDenied):
        services.onsite_report_confirm(team.case.pk, by=world.other_applicant, agree=True)

    assert OnsiteReport.objects.get(case=team.case).confirmation == Confirmation.PENDING


def test_onsite_report_confirm_disagreement_without_note_refused(world):
    team = sent_report(world)

    with pytest.raises(ValidationError) as excinfo:
        services.onsite_report_confirm(team.case.pk, by=world.applicant, agree=False, note=" ")

    assert excinfo.value.message_dict == {"note": ["如有不同意见，请逐条写明。"]}


def test_onsite_report_confirm_disagreement_recorded_and_leader_told(world):
    team = sent_report(world)

    report = services.onsite_report_confirm(
        team.case.pk, by=world.applicant, agree=False, note="【评分项得分】6.1得分偏低。"
    )

    assert (report.confirmation, report.confirmation_note, report.confirmed_by) == (
        Confirmation.DISAGREED,
        "【评分项得分】6.1得分偏低。",
        world.applicant,
    )
    assert team.leader_user.notifications.filter(kind="review.onsite_confirmed").count() == 1


def test_onsite_report_edit_after_answer_needs_new_confirmation(world):
    team = confirmed_report(world, agree=False, note="【结论和建议】结论措辞不准确。")

    services.onsite_report_save(team.case.pk, by=team.leader_user, conclusion="修改后的结论")

    report = OnsiteReport.objects.get(case=team.case)
    assert (report.sent_for_confirmation_at, report.confirmation, report.confirmation_note) == (
        None,
        Confirmation.PENDING,
        "",
    )
    assert list(
        AuditLog.objects.filter(action="review.onsite_confirmation_reset").values_list(
            "detail", flat=True
        )
    ) == [{"confirmation": "disagreed", "note": "【结论和建议】结论措辞不准确。"}]


# --- Submission and finish_onsite -------------------------------------------------


def test_onsite_report_submit_while_confirmation_pending_refused(world):
    team = sent_report(world)

    with pytest.raises(ValidationError) as excinfo:
        services.onsite_report_submit(team.case.pk, by=team.leader_user)

    assert _messages(excinfo) == ["申报单位尚未确认现场评审报告。"]


def test_onsite_report_submit_before_scores_complete_refused(world):
    team = form_team(world)
    schedule(team, world.office)
    services.onsite_report_save(team.case.pk, by=team.leader_user, **SECTIONS)

    with pytest.raises(ValidationError) as excinfo:
        services.onsite_report_submit(team.case.pk, by=team.leader_user)

    messages = _messages(excinfo)
    assert messages[0] == "报告尚未发送申报单位确认。"
    assert [m.split("：")[0] for m in messages[1:]] == ["现场评分尚未完成"]


def test_onsite_report_submit_by_member_refused(world):
    team = confirmed_report(world)

    with pytest.raises(PermissionDenied):
        services.onsite_report_submit(team.case.pk, by=team.member_user)


def test_onsite_report_submit_records_queues_pdf_and_leaves_case_to_office(
    world, django_capture_on_commit_callbacks
):
    team = confirmed_report(world)
    case = team.case

    with django_capture_on_commit_callbacks():
        report = services.onsite_report_submit(case.pk, by=team.leader_user)

    case.refresh_from_db()
    kind = CaseDocument.Kind.ONSITE_REPORT
    assert report.submitted_at is not None
    assert case.state == "onsite_review"
    assert Consensus.objects.get(case=case, stage="onsite").status == Consensus.Status.SUBMITTED
    assert list(
        OutboxMessage.objects.filter(
            task="pdf.render_case_document", kwargs__kind=kind
        ).values_list("kwargs", "dedupe_key")
    ) == [
        (
            {"case_id": case.pk, "kind": kind},
            f"document:{case.pk}:{kind}:{case.submission_round}",
        )
    ]
    assert list(
        AuditLog.objects.filter(action="review.onsite_report_submit").values_list(
            "actor", "object_id"
        )
    ) == [(team.leader_user.pk, str(report.pk))]


def test_finish_onsite_blocked_until_report_submitted(world):
    team = confirmed_report(world)

    with pytest.raises(case_services.TransitionBlocked) as excinfo:
        case_services.case_transition(team.case.pk, "finish_onsite", by=world.office)

    assert excinfo.value.reasons == ["现场评审报告尚未由评审组组长提交评审办。"]


def test_finish_onsite_after_submission_fired_by_office(world):
    team = confirmed_report(world)
    services.onsite_report_submit(team.case.pk, by=team.leader_user)

    case = case_services.case_transition(team.case.pk, "finish_onsite", by=world.office)

    assert case.state == "evaluation"
    assert list(
        CaseEvent.objects.filter(case=case, name="finish_onsite").values_list(
            "actor", "source", "target"
        )
    ) == [(world.office.pk, "onsite_review", "evaluation")]


def test_finish_onsite_by_leader_refused(world):
    team = confirmed_report(world)
    services.onsite_report_submit(team.case.pk, by=team.leader_user)

    with pytest.raises(PermissionDenied):
        case_services.case_transition(team.case.pk, "finish_onsite", by=team.leader_user)


# --- Evaluations (Art. 22) ---------------------------------------------------------


def test_reviewer_evaluation_submit_once_per_assignment(world):
    team = sent_report(world)
    services.reviewer_evaluation_submit(
        team.leader.pk, by=world.applicant, quality=5, discipline=4, comment="认真负责"
    )

    with pytest.raises(ValidationError) as excinfo:
        services.reviewer_evaluation_submit(
            team.leader.pk, by=world.applicant, quality=1, discipline=1
        )

    assert _messages(excinfo) == ["已评价过该评审员，每名评审员只能评价一次。"]
    assert list(ReviewerEvaluation.objects.values_list("quality", "discipline", "comment")) == [
        (5, 4, "认真负责")
    ]


@pytest.mark.parametrize(("quality", "discipline"), [(0, 3), (3, 6), (True, 3)])
def test_reviewer_evaluation_submit_outside_1_to_5_refused(world, quality, discipline):
    team = sent_report(world)

    with pytest.raises(ValidationError):
        services.reviewer_evaluation_submit(
            team.leader.pk, by=world.applicant, quality=quality, discipline=discipline
        )

    assert ReviewerEvaluation.objects.exists() is False


def test_reviewer_evaluation_submit_by_other_organisation_refused(world):
    team = sent_report(world)

    with pytest.raises(PermissionDenied):
        services.reviewer_evaluation_submit(
            team.leader.pk, by=world.other_applicant, quality=5, discipline=5
        )


def test_reviewer_evaluation_submit_before_visit_refused(world):
    team = form_team(world)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    services.onsite_schedule_save(
        team.case.pk,
        by=world.office,
        starts_on=tomorrow,
        ends_on=tomorrow,
        agenda="",
        issues_to_verify="",
    )

    with pytest.raises(ValidationError) as excinfo:
        services.reviewer_evaluation_submit(
            team.leader.pk, by=world.applicant, quality=5, discipline=5
        )

    assert _messages(excinfo) == ["现场评审开始后才能评价评审员。"]


def test_reviewer_evaluation_averages_for_office_never_for_reviewer(world):
    team = sent_report(world)
    for assignment, quality in zip(team.all, (5, 3, 4), strict=False):
        services.reviewer_evaluation_submit(
            assignment.pk, by=world.applicant, quality=quality, discipline=4
        )
    leader = team.leader.reviewer

    annotated = reviewers_with_evaluation_averages(Reviewer.objects.filter(pk=leader.pk)).get()

    assert (annotated.evaluation_count, annotated.evaluation_quality) == (1, 5)
    assert reviewer_evaluation_summary(leader, viewer=world.office) == {
        "count": 1,
        "quality": 5,
        "discipline": 4,
    }
    assert reviewer_evaluation_summary(leader, viewer=team.leader_user) is None
