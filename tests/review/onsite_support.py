"""Arrangements shared by the on-site review tests: a case in on-site review
(driven there by the real transitions and the other areas' preparers), a team
formed by the office through `onsite_team_set`, and a report brought to each
step through the real services."""

import datetime
import itertools
from dataclasses import dataclass

from django.utils import timezone

from applications.models import Case
from hengyang_award.core.models import User
from review.models import Assignment, OnsiteReport, Reviewer
from review.selectors_onsite import onsite_score_rows, onsite_team
from review.services import onsite as services
from review.services.assignment import assignment_declare
from review.services.pool import reviewer_create
from tests.factories import PATH_TO, World
from tests.shared import take_prepared

_seq = itertools.count(1)
EVIDENCE = "现场查看检验记录和顾客满意度调查原始数据，与申报材料一致。"


def make_reviewer(office: User, name: str = "") -> Reviewer:
    n = next(_seq)
    return reviewer_create(
        by=office,
        username=f"onsite-test-{n}",
        name=name or f"现场专家{n}",
        employer=f"衡阳测试评审单位{n}",
        years_in_quality=8,
    )


def onsite_case(world: World) -> Case:
    return take_prepared(world, "onsite_review") or world.drive(
        world.new_case(), PATH_TO["onsite_review"]
    )


@dataclass
class Team:
    case: Case
    leader: Assignment
    members: list[Assignment]

    @property
    def leader_user(self) -> User:
        return self.leader.reviewer.user

    @property
    def member_user(self) -> User:
        return self.members[0].reviewer.user

    @property
    def all(self) -> list[Assignment]:
        return [self.leader, *self.members]


def form_team(world: World, case: Case | None = None, *, declared: bool = True) -> Team:
    """The cycle's number of new pool reviewers put on the case by the office,
    the first as leader; each signs the declaration unless told otherwise."""
    case = case or onsite_case(world)
    reviewers = [make_reviewer(world.office) for _ in range(case.cycle.onsite_team_size)]
    services.onsite_team_set(
        case.pk,
        by=world.office,
        leader_id=reviewers[0].pk,
        member_ids=[r.pk for r in reviewers[1:]],
        reason="评审办根据专业领域指定",
    )
    team = onsite_team(case)
    if declared:
        for assignment in team:
            assignment_declare(
                assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
            )
        team = onsite_team(case)
    leader = next(a for a in team if a.role == Assignment.Role.LEADER)
    return Team(case=case, leader=leader, members=[a for a in team if a != leader])


def schedule(team: Team, by: User, *, days: int = 2) -> OnsiteReport:
    today = timezone.localdate()
    return services.onsite_schedule_save(
        team.case.pk,
        by=by,
        starts_on=today - datetime.timedelta(days=days - 1),
        ends_on=today,
        agenda="首次会议；现场查看；访谈；末次会议。",
        issues_to_verify="核实关键绩效数据。",
    )


def score_all(team: Team, *, percent: int | None = None) -> None:
    """Every item scored: the document consensus kept (or `percent`, with evidence)."""
    services.onsite_scores_save(
        team.case.pk,
        by=team.leader_user,
        entries={
            row.item.code: {
                "percent": percent if percent is not None else (row.document_percent or 60),
                "evidence": EVIDENCE,
            }
            for row in onsite_score_rows(team.case)
        },
    )


SECTIONS = {
    "sites_and_interviews": "生产车间、检验中心；访谈总经理和质量部长。",
    "verification": "主要经营数据经核对财务报表，真实准确。",
    "veto_findings": "未发现较大及以上事故和违法行为。",
    "conclusion": "卓越绩效管理体系运行有效。",
    "recommendation": OnsiteReport.Recommendation.RECOMMEND,
    "recommendation_reason": "现场评审得分较高，经验具有推广价值。",
}


def ready_report(world: World, team: Team | None = None) -> Team:
    """Schedule, scores and every section written: ready to send."""
    team = team or form_team(world)
    schedule(team, world.office)
    score_all(team)
    services.onsite_report_save(team.case.pk, by=team.leader_user, **SECTIONS)
    return team


def sent_report(world: World) -> Team:
    team = ready_report(world)
    services.onsite_report_send_for_confirmation(team.case.pk, by=team.leader_user)
    return team


def confirmed_report(world: World, *, agree: bool = True, note: str = "") -> Team:
    team = sent_report(world)
    services.onsite_report_confirm(team.case.pk, by=world.applicant, agree=agree, note=note)
    return team
