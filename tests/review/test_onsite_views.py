import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from hengyang_award.core.roles import Role
from review.models import OnsiteReport, ReviewerEvaluation
from review.selectors_onsite import onsite_issues_suggested, onsite_links_for, onsite_score_rows
from review.services import onsite as services
from tests.factories import make_user
from tests.review.onsite_support import (
    SECTIONS,
    confirmed_report,
    form_team,
    make_reviewer,
    onsite_case,
    ready_report,
    sent_report,
)
from tests.shared import prepared_world, world_with_prepared_case

pytestmark = pytest.mark.django_db

shared = prepared_world("onsite_review")
world = world_with_prepared_case()

SECRET_COMMENT = "评审员甲作风严谨，但曾迟到半小时"


def _url(name: str, case, *args) -> str:
    return reverse(f"review:{name}", args=[case.pk, *args])


def _text(response) -> str:
    return response.content.decode()


# --- Team and schedule ---------------------------------------------------------------


def test_onsite_team_page_office_forms_team(client, world):
    case = onsite_case(world)
    reviewers = [make_reviewer(world.office) for _ in range(case.cycle.onsite_team_size)]
    client.force_login(world.office)

    response = client.post(
        _url("onsite_team", case),
        {
            "leader": reviewers[0].pk,
            "members": [r.pk for r in reviewers[1:]],
            "reason": "按专业领域指定",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == _url("onsite_team", case)
    page = client.get(_url("onsite_team", case))
    assert page.status_code == 200
    assert reviewers[0].name in _text(page)


def test_onsite_team_page_wrong_size_shows_error(client, world):
    case = onsite_case(world)
    leader, member = make_reviewer(world.office), make_reviewer(world.office)
    client.force_login(world.office)

    response = client.post(
        _url("onsite_team", case), {"leader": leader.pk, "members": [member.pk], "reason": "指定"}
    )

    assert response.status_code == 400
    assert "现场评审组应由" in _text(response)


def test_onsite_team_page_reviewer_not_on_team_refused(client, world):
    team = form_team(world)
    outsider = make_reviewer(world.office)
    client.force_login(outsider.user)

    response = client.get(_url("onsite_team", team.case))

    assert response.status_code == 404


def test_onsite_schedule_longer_than_cycle_days_shows_error(client, world):
    team = form_team(world)
    today = timezone.localdate()
    client.force_login(team.leader_user)

    response = client.post(
        _url("onsite_schedule", team.case),
        {
            "starts_on": (today - datetime.timedelta(days=5)).isoformat(),
            "ends_on": today.isoformat(),
            "agenda": "",
            "issues_to_verify": "",
        },
    )

    assert response.status_code == 400
    assert f"现场评审最多{team.case.cycle.onsite_days}天，所选日期共6天。" in _text(response)


def test_onsite_team_page_prefills_issues_from_document_opportunities(client, world):
    team = form_team(world)
    suggested = onsite_issues_suggested(team.case)
    client.force_login(team.leader_user)

    response = client.get(_url("onsite_team", team.case))

    assert response.status_code == 200
    assert suggested.count("\n") + 1 == len(onsite_score_rows(team.case))
    assert escape(suggested) in _text(response)


# --- Scores and report ------------------------------------------------------------------


def test_onsite_scores_page_shows_document_consensus_to_leader(client, world):
    team = form_team(world)
    client.force_login(team.leader_user)

    response = client.get(_url("onsite_scores", team.case))

    assert response.status_code == 200
    assert "资料评审共识" in _text(response)
    first = onsite_score_rows(team.case)[0].item.code.replace(".", "_")
    assert f'name="percent_{first}"' in _text(response)


def test_onsite_scores_page_change_without_evidence_shows_error(client, world):
    team = form_team(world)
    rows = onsite_score_rows(team.case)
    data = {}
    for row in rows:
        key = row.item.code.replace(".", "_")
        data[f"percent_{key}"] = "" if row.document_percent is None else row.document_percent
    first = rows[0]
    data[f"percent_{first.item.code.replace('.', '_')}"] = 5 if first.document_percent != 5 else 10
    client.force_login(team.leader_user)

    response = client.post(_url("onsite_scores", team.case), data)

    assert response.status_code == 400
    assert "请填写现场核实的证据" in _text(response)


def test_onsite_scores_page_member_cannot_post(client, world):
    team = form_team(world)
    client.force_login(team.member_user)

    response = client.post(_url("onsite_scores", team.case), {})

    assert response.status_code == 403


def test_onsite_report_page_member_adds_fact_finding(client, world):
    team = form_team(world)
    client.force_login(team.member_user)

    response = client.post(
        _url("onsite_report", team.case),
        {"sites_and_interviews": "组员：查看了二号车间。", "verification": "", "version": ""},
    )

    assert response.status_code == 302
    report = OnsiteReport.objects.get(case=team.case)
    assert report.sites_and_interviews == "组员：查看了二号车间。"


def test_onsite_report_send_and_submit_by_leader(client, world):
    team = ready_report(world)
    client.force_login(team.leader_user)

    sent = client.post(_url("onsite_report_send", team.case))
    services.onsite_report_confirm(team.case.pk, by=world.applicant, agree=True, note="")
    submitted = client.post(_url("onsite_report_submit", team.case))

    assert (sent.status_code, submitted.status_code) == (302, 302)
    assert OnsiteReport.objects.get(case=team.case).submitted_at is not None


def test_onsite_report_submit_while_pending_shows_reason(client, world):
    team = sent_report(world)
    client.force_login(team.leader_user)

    response = client.post(_url("onsite_report_submit", team.case))

    assert response.status_code == 400
    assert "申报单位尚未确认现场评审报告。" in _text(response)


# --- The applicant ------------------------------------------------------------------------


def test_onsite_confirm_page_other_organisation_404(client, world):
    team = sent_report(world)
    client.force_login(world.other_applicant)

    response = client.get(_url("onsite_confirm", team.case))

    assert response.status_code == 404


def test_onsite_confirm_page_disagreement_without_points_shows_error(client, world):
    team = sent_report(world)
    client.force_login(world.applicant)

    response = client.post(_url("onsite_confirm", team.case), {"decision": "disagree"})

    assert response.status_code == 400
    assert "选择有不同意见时，请至少就一处写明不同意见。" in _text(response)
    assert OnsiteReport.objects.get(case=team.case).confirmation == "pending"


def test_onsite_confirm_page_disagreement_per_point_recorded(client, world):
    team = sent_report(world)
    client.force_login(world.applicant)

    response = client.post(
        _url("onsite_confirm", team.case),
        {"decision": "disagree", "point_scores": "6.1得分偏低。", "remarks": "请复核。"},
    )

    assert response.status_code == 302
    report = OnsiteReport.objects.get(case=team.case)
    assert (report.confirmation, report.confirmation_note) == (
        "disagreed",
        "【评分项得分】6.1得分偏低。\n请复核。",
    )


def test_onsite_confirm_page_agree_confirms(client, world):
    team = sent_report(world)
    client.force_login(world.applicant)

    response = client.post(_url("onsite_confirm", team.case), {"decision": "agree"})

    assert response.status_code == 302
    assert OnsiteReport.objects.get(case=team.case).confirmation == "confirmed"


def test_onsite_evaluate_member_once_and_in_range(client, world):
    team = sent_report(world)
    client.force_login(world.applicant)
    url = _url("onsite_evaluate_member", team.case, team.leader.pk)
    prefix = f"a{team.leader.pk}"

    invalid = client.post(url, {f"{prefix}-quality": 7, f"{prefix}-discipline": 5})
    valid = client.post(url, {f"{prefix}-quality": 4, f"{prefix}-discipline": 5})
    again = client.post(url, {f"{prefix}-quality": 1, f"{prefix}-discipline": 1})

    assert (invalid.status_code, valid.status_code, again.status_code) == (400, 302, 400)
    assert list(ReviewerEvaluation.objects.values_list("quality", "discipline")) == [(4, 5)]


def test_onsite_evaluate_page_other_organisation_404(client, world):
    team = sent_report(world)
    client.force_login(world.other_applicant)

    response = client.get(_url("onsite_evaluate", team.case))

    assert response.status_code == 404


# --- Evaluations are never shown to the reviewer evaluated -----------------------------


def _evaluated(world):
    team = confirmed_report(world)
    services.reviewer_evaluation_submit(
        team.leader.pk, by=world.applicant, quality=3, discipline=2, comment=SECRET_COMMENT
    )
    return team


def test_onsite_evaluations_page_office_reads_comment(client, world):
    team = _evaluated(world)
    client.force_login(world.office)

    response = client.get(_url("onsite_evaluations", team.case))

    assert response.status_code == 200
    assert SECRET_COMMENT in _text(response)


def test_onsite_evaluation_invisible_to_reviewer_evaluated(client, world):
    team = _evaluated(world)
    client.force_login(team.leader_user)

    pages = [
        client.get(_url(name, team.case))
        for name in ("onsite_team", "onsite_scores", "onsite_report")
    ]
    case_page = client.get(reverse("applications:case_detail", args=[team.case.pk]))
    evaluations = client.get(_url("onsite_evaluations", team.case))

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert any(SECRET_COMMENT in _text(p) for p in [*pages, case_page]) is False
    assert evaluations.status_code == 403


def test_onsite_evaluations_page_reviewer_who_is_also_committee_member_sees_others_only(
    client, world
):
    team = _evaluated(world)
    services.reviewer_evaluation_submit(
        team.members[0].pk, by=world.applicant, quality=5, discipline=5, comment="组员表现很好"
    )
    team.leader_user.groups.add(Group.objects.get(name=Role.COMMITTEE_MEMBER))
    client.force_login(team.leader_user)

    response = client.get(_url("onsite_evaluations", team.case))

    assert response.status_code == 200
    assert "组员表现很好" in _text(response)
    assert SECRET_COMMENT not in _text(response)


def test_onsite_evaluations_page_query_count_does_not_grow(client, world):
    team = _evaluated(world)
    client.force_login(world.office)
    with CaptureQueriesContext(connection) as one:
        client.get(_url("onsite_evaluations", team.case))
    for assignment in team.members:
        services.reviewer_evaluation_submit(
            assignment.pk, by=world.applicant, quality=4, discipline=4, comment="好"
        )

    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("onsite_evaluations", team.case))

    assert len(response.context["evaluations"]) == len(team.all)
    assert len(many) == len(one)


def test_onsite_evaluations_page_applicant_refused(client, world):
    team = _evaluated(world)
    client.force_login(world.applicant)

    response = client.get(_url("onsite_evaluations", team.case))

    assert response.status_code == 403


def test_onsite_evaluations_page_committee_member_without_case_404(client, world):
    team = _evaluated(world)
    member = make_user(Role.COMMITTEE_MEMBER)
    client.force_login(member)

    response = client.get(_url("onsite_evaluations", team.case))

    assert response.status_code == 404


def test_onsite_confirm_page_shows_report_to_applicant(client, world):
    team = sent_report(world)
    client.force_login(world.applicant)

    response = client.get(_url("onsite_confirm", team.case))

    assert response.status_code == 200
    assert SECTIONS["conclusion"] in _text(response)
    assert 'name="point_scores"' in _text(response)


def test_onsite_evaluate_page_lists_team_members(client, world):
    team = sent_report(world)
    client.force_login(world.applicant)

    response = client.get(_url("onsite_evaluate", team.case))

    assert response.status_code == 200
    assert all(a.reviewer.name in _text(response) for a in team.all) is True


def test_onsite_team_page_office_sees_finish_action_once_submitted(client, world):
    team = confirmed_report(world)
    services.onsite_report_submit(team.case.pk, by=team.leader_user)
    client.force_login(world.office)

    response = client.get(_url("onsite_team", team.case))

    assert response.status_code == 200
    assert 'data-action="finish_onsite"' in _text(response)
    assert "现场评审报告尚未由评审组组长提交评审办。" not in _text(response)


def test_onsite_links_for_each_party(world):
    team = sent_report(world)

    links = {
        key: [label for label, _url in onsite_links_for(team.case, user)]
        for key, user in (
            ("office", world.office),
            ("leader", team.leader_user),
            ("applicant", world.applicant),
            ("county", world.county),
        )
    }

    assert links == {
        "office": ["现场评审组和日程", "现场评分", "现场评审报告", "申报单位对评审员的评价"],
        "leader": ["现场评审组和日程", "现场评分", "现场评审报告"],
        "applicant": ["确认现场评审报告", "评价现场评审组成员"],
        "county": [],
    }


@pytest.mark.parametrize("name", ["onsite_confirm", "onsite_evaluate"])
def test_onsite_applicant_pages_for_office_or_county_403(client, world, name):
    team = sent_report(world)
    statuses = []
    for user in (world.office, world.county, team.leader_user):
        client.force_login(user)
        statuses.append(client.get(_url(name, team.case)).status_code)

    assert statuses == [403, 403, 403]


def test_onsite_schedule_while_awaiting_confirmation_shows_reason(client, world):
    team = sent_report(world)
    today = timezone.localdate().isoformat()
    client.force_login(team.leader_user)

    response = client.post(
        _url("onsite_schedule", team.case),
        {"starts_on": today, "ends_on": today, "agenda": "", "issues_to_verify": ""},
    )

    assert response.status_code == 400
    assert "报告正在等待申报单位确认，确认前不能修改。" in _text(response)
