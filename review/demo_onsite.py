"""Demo/test preparation for the review area `onsite`: functions that bring a case
to the point where a transition's review conditions hold, through the real
services. Registered in review.demo.PREPARERS by `register()`."""

import datetime
import itertools

from django.utils import timezone

from applications.models import Case
from hengyang_award.core.models import User
from hengyang_award.core.roles import Role

from .models import Assignment, OnsiteReport, Reviewer
from .selectors_onsite import onsite_score_rows, onsite_team
from .services import onsite as services
from .services.assignment import assignment_declare
from .services.pool import reviewer_create

_seq = itertools.count(1)


def register(preparers: dict) -> None:
    """Add this area's preparers (transition name -> callable(case, *, office))."""
    preparers["finish_onsite"] = onsite_prepare_finish


def onsite_prepare_finish(case: Case, *, office: User) -> None:
    """Team, schedule, scores, report, the applicant's confirmation and the
    leader's submission: afterwards the office can fire `finish_onsite`."""
    if OnsiteReport.objects.filter(case=case, submitted_at__isnull=False).exists():
        return
    if not onsite_team(case):
        reviewers = _demo_reviewers(case, office=office, size=case.cycle.onsite_team_size)
        services.onsite_team_set(
            case.pk,
            by=office,
            leader_id=reviewers[0].pk,
            member_ids=[r.pk for r in reviewers[1:]],
            reason="演示数据：评审办指定现场评审组",
        )
    team = onsite_team(case)
    for assignment in team:
        if assignment.declared_at is None:
            assignment_declare(
                assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
            )
    leader = next(a.reviewer.user for a in team if a.role == Assignment.Role.LEADER)
    today = timezone.localdate()
    services.onsite_schedule_save(
        case.pk,
        by=office,
        starts_on=today - datetime.timedelta(days=min(2, case.cycle.onsite_days) - 1),
        ends_on=today,
        agenda="首次会议；现场查看生产和检验过程；高层和员工访谈；文件抽查；末次会议。",
        issues_to_verify="核实自评报告中的关键绩效数据和质量管理体系运行情况。",
    )
    services.onsite_scores_save(
        case.pk,
        by=leader,
        entries={
            row.item.code: {
                "percent": row.document_percent if row.document_percent is not None else 60,
                "evidence": "现场查看相关记录并访谈责任部门，情况与申报材料一致。",
            }
            for row in onsite_score_rows(case)
        },
    )
    services.onsite_report_save(
        case.pk,
        by=leader,
        sites_and_interviews="生产车间、检验中心、研发中心；访谈总经理、质量负责人及一线员工12人；"
        "抽查质量手册、内审记录和顾客满意度调查报告。",
        verification="申报材料中的主要经营数据和质量指标经核对财务报表和统计台账，真实准确。",
        veto_findings="未发现较大及以上质量、安全、环境、公共卫生事故和违法行为。",
        conclusion="该组织卓越绩效管理体系运行有效，质量管理水平在本行业处于领先地位。",
        recommendation=OnsiteReport.Recommendation.RECOMMEND,
        recommendation_reason="现场评审得分较高，质量管理经验具有推广价值。",
    )
    services.onsite_report_send_for_confirmation(case.pk, by=leader)
    applicant = User.objects.filter(
        organisation=case.organisation, is_active=True, groups__name=Role.APPLICANT
    ).first()
    services.onsite_report_confirm(case.pk, by=applicant, agree=True, note="确认。")
    for assignment in team:
        services.reviewer_evaluation_submit(
            assignment.pk, by=applicant, quality=5, discipline=5, comment="工作认真，遵守纪律。"
        )
    services.onsite_report_submit(case.pk, by=leader)


def _demo_reviewers(case: Case, *, office: User, size: int) -> list[Reviewer]:
    """Pool entries with a login and no recorded tie to the applicant, then new
    entries added to the pool as the office would."""
    org = case.organisation
    chosen = list(
        Reviewer.objects.filter(status=Reviewer.Status.ACTIVE, user__is_active=True)
        .exclude(employer_credit_code=org.credit_code)
        .exclude(relations__organisation=org)
        .exclude(relations__credit_code=org.credit_code)
        .exclude(conflict_flags__case=case)
        .distinct()
        .order_by("pk")[:size]
    )
    while len(chosen) < size:
        n = next(_seq)
        username = f"onsite-expert-{n}"
        if User.objects.filter(username=username).exists():
            continue
        chosen.append(
            reviewer_create(
                by=office,
                username=username,
                name=f"现场评审专家{n}",
                employer="衡阳市质量协会",
                title="高级工程师",
                specialties="卓越绩效管理",
                industries="装备制造、食品加工、电子信息",
                years_in_quality=10,
            )
        )
    return chosen
