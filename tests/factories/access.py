"""The objects of the access matrix (tests/security): one award cycle with a case
in each state where the pages of a stage make sense, each case of its own
organisation (county 430408) with its own applicant and county official, plus the
objects the stage apps hang on them (assignments, meetings, notices, objections,
complaints, awards, sharing entries, the award's after-award items, bans …), all
built through the real services once per test module.

Each role has an "own" user — related to the objects (the case's applicant, the
county's official, a reviewer assigned to the case, a member and the director of
the cycle's committee) — and, for the roles whose access is scoped, a "foreign"
user of the same role without that relation: an applicant of an organisation in
another county, that county's official, a pool reviewer assigned to nothing, a
member and the director of another cycle's committee. A foreign user asking for
an object is the same question as an own user asking for a foreign object."""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from applications.models import Attachment, Case, CaseDocument
from applications.services.cases import case_document_render
from committee.models import BallotRound, Meeting, Membership
from hengyang_award.core.models import AwardCycle, User
from hengyang_award.core.roles import Role
from hengyang_award.notifications.services import notify
from publicity.models import Notice
from review.models import Assignment, AssignmentDraw, ConflictFlag, Reviewer
from review.services.pool.profiles import reviewer_create
from supervision.models import Award, FundPurpose, MisuseReport, RecoveryTask
from supervision.services import (
    ban_record,
    fund_report_submit,
    inspection_plan,
    inspection_record,
    misuse_record,
)
from supervision.services.certificates import certificate_render

from . import PATH_TO, World, complete_application, make_cycle, tiny_pdf
from .awards import announce
from .committee import committee_of
from .publicity import lodge
from .supervision_after import PRIZE, paid, revocation_opened

ROLES = (
    "anonymous",
    "applicant",
    "county_official",
    "office_staff",
    "reviewer",
    "committee_member",
    "committee_director",
    "mayor",
    "sysadmin",
)
# Roles whose access depends on a relation to the object; the others see every
# object of their stage (or none).
SCOPED_ROLES = (
    "applicant",
    "county_official",
    "reviewer",
    "committee_member",
    "committee_director",
)

# The states a case is driven to, one organisation each.
SCENES = (
    "awarded",  # first: the announcement waits for no case still under approval
    "draft",
    "submitted",
    "recommended",
    "document_review",
    "onsite_review",
    "evaluation",
    "candidate",
    "in_publicity",
    "director_review",
    "mayor_approval",
)


def _drive(world: World, state: str) -> Case:
    if state == "candidate":
        from .committee import nominate

        case = world.drive(world.new_case(), PATH_TO["evaluation"])
        return nominate(case, office=world.office)
    if state == "in_publicity":
        from .publicity import publish_notice

        case = world.drive(world.new_case(), PATH_TO["proposed"])
        publish_notice(world)
        case.refresh_from_db()
        return case
    return world.drive(world.new_case(), PATH_TO[state])


def _assignee(case: Case, stage: str | None = None) -> User | None:
    """The leader (else any member) of the case's active team of `stage`."""
    team = Assignment.objects.filter(case=case, status=Assignment.Status.ACTIVE)
    if stage:
        team = team.filter(stage=stage)
    first = team.order_by("-role", "pk").select_related("reviewer__user").first()
    leader = team.filter(role=Assignment.Role.LEADER).select_related("reviewer__user").first()
    chosen = leader or first
    return chosen.reviewer.user if chosen else None


def _onsite_team(case: Case, *, office: User) -> None:
    """The on-site team set by the office and declared (the on-site stage's pages
    then have a leader and members); nothing scored yet."""
    from review.demo_onsite import _demo_reviewers
    from review.services.assignment import assignment_declare
    from review.services.onsite.team import onsite_team_set

    reviewers = _demo_reviewers(case, office=office, size=case.cycle.onsite_team_size)
    onsite_team_set(
        case.pk,
        by=office,
        leader_id=reviewers[0].pk,
        member_ids=[r.pk for r in reviewers[1:]],
        reason="访问矩阵测试：评审办指定现场评审组",
    )
    team = Assignment.objects.filter(case=case, stage="onsite", status=Assignment.Status.ACTIVE)
    for assignment in team.select_related("reviewer__user"):
        assignment_declare(
            assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
        )


@dataclass
class AccessWorld:
    main: World
    worlds: dict[str, World] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)
    other_cycle: AwardCycle | None = None
    foreign_users: dict[str, User] = field(default_factory=dict)
    reviewers: dict[str, User] = field(default_factory=dict)
    visitor: User | None = None

    @property
    def cycle(self) -> AwardCycle:
        return self.main.cycle

    def pk(self, key: str) -> int:
        """The id of a scene's case ("case:<state>") or of a named object."""
        if key.startswith("case:"):
            return self.cases[key.removeprefix("case:")].pk
        return self.objects[key].pk

    def user(self, role: str, relation: str = "own", scene: str | None = None) -> User | None:
        if role == "anonymous":
            return None
        if relation == "foreign":
            return self.foreign_users[role]
        world = self.worlds.get(scene or "", self.main)
        if role == "applicant" and scene == "visitor":
            return self.visitor
        if role == "applicant":
            return world.applicant
        if role == "county_official":
            return world.county
        if role == "reviewer":
            return self.reviewers.get(scene or "", self.reviewers["document_review"])
        if role == "committee_member":
            return self.objects["membership:member"].user
        if role == "committee_director":
            return self.objects["membership:director"].user
        return {
            "office_staff": self.main.office,
            "mayor": self.main.mayor,
            "sysadmin": self.main.sysadmin,
        }[role]


def _after_award(aw: AccessWorld, world: World, award: Award) -> None:
    """The after-award items of the awarded case's title, through the services:
    the prize paid, a fund report submitted with an evidence file, an inspection
    planned and one recorded with a follow-up, a misuse report, and an open
    revocation procedure (statement period running) with a recovery task."""
    today = timezone.localdate()
    office = world.office
    aw.objects["prize_payment"] = paid(world, award)
    report = fund_report_submit(
        award.pk,
        by=world.applicant,
        period_start=aw.objects["prize_payment"].paid_on,
        period_end=today,
        total=Decimal("1000.00"),
        lines=[{"purpose": FundPurpose.TRAINING, "amount": "1000.00", "description": "质量培训"}],
        summary="访问矩阵测试：奖金用于人才培训。",
        evidence=[(io.BytesIO(tiny_pdf("fund report")), "培训发票.pdf")],
    )
    aw.objects["fund_report"] = report
    aw.objects["after_file"] = report.files.order_by("pk").first()
    aw.objects["inspection:planned"] = inspection_plan(
        award.pk,
        by=office,
        planned_on=today + datetime.timedelta(days=30),
        inspectors="评审办甲、评审办乙",
        scope="质量管理体系运行情况",
    )
    recorded = inspection_plan(
        award.pk, by=office, planned_on=today, inspectors="评审办甲", scope="奖金使用情况"
    )
    aw.objects["inspection:recorded"] = inspection_record(
        recorded.pk,
        by=office,
        held_on=today,
        findings="台账基本完整。",
        follow_up="补充培训签到记录。",
        follow_up_due=today + datetime.timedelta(days=30),
    )
    aw.objects["misuse_report"] = misuse_record(
        award.pk,
        by=office,
        kind=MisuseReport.Kind.NO_YEAR,
        observed_on=today,
        description="宣传册引用称号未注明获奖年度。",
        action_taken="已口头提醒。",
    )
    revocation = revocation_opened(world, award)
    aw.objects["revocation"] = revocation
    # The services create recovery tasks only when the city revokes the title,
    # which would end the award the other rows need: the task is put on the open
    # procedure directly (its page only needs the task to exist).
    aw.objects["recovery_task"] = RecoveryTask.objects.create(
        revocation=revocation,
        kind=RecoveryTask.Kind.CERTIFICATE,
        due_on=today + datetime.timedelta(days=30),
    )


def access_world() -> AccessWorld:
    main = World()
    aw = AccessWorld(main=main)
    for state in SCENES:
        world = World(cycle=main.cycle)
        world.office = main.office
        aw.worlds[state] = world
        aw.cases[state] = _drive(world, state)
        if state == "awarded":
            # A prize, so that the winner's prize can be paid and its use reported.
            main.cycle.prize_amount = PRIZE
            main.cycle.save(update_fields=["prize_amount"])
            announce(main.cycle, office=main.office)
    complete_application(aw.cases["draft"], by=aw.worlds["draft"].applicant)

    _onsite_team(aw.cases["onsite_review"], office=main.office)
    # Reviewers: the leader of the case's current team.
    aw.reviewers["document_review"] = _assignee(aw.cases["document_review"], "document")
    aw.reviewers["onsite_review"] = _assignee(aw.cases["onsite_review"], "onsite")
    for state in ("evaluation", "candidate", "in_publicity", "awarded"):
        aw.reviewers[state] = _assignee(aw.cases[state], "onsite") or _assignee(aw.cases[state])

    office = main.office
    cycle = main.cycle
    members = Membership.objects.filter(cycle=cycle).select_related("user").order_by("pk")
    # A member whose user holds only the member role (the demo committee also
    # seats other committee-director users as plain members).
    aw.objects["membership:member"] = (
        members.filter(role=Membership.Role.MEMBER, user__groups__name=Role.COMMITTEE_MEMBER)
        .exclude(user__groups__name=Role.COMMITTEE_DIRECTOR)
        .first()
    )
    aw.objects["membership:director"] = members.filter(role=Membership.Role.DIRECTOR).first()

    review_case = aw.cases["document_review"]
    aw.objects["assignment"] = (
        Assignment.objects.filter(case=review_case, reviewer__user=aw.reviewers["document_review"])
        .order_by("pk")
        .first()
    )
    aw.objects["onsite_assignment"] = (
        Assignment.objects.filter(case=aw.cases["onsite_review"], stage="onsite")
        .exclude(reviewer__user=aw.reviewers["onsite_review"])
        .order_by("pk")
        .first()
        or Assignment.objects.filter(case=aw.cases["onsite_review"]).order_by("pk").first()
    )
    aw.objects["draw"] = AssignmentDraw.objects.filter(case=review_case).order_by("pk").first()
    aw.objects["flag"] = ConflictFlag.objects.order_by("pk").first()
    aw.objects["pool_reviewer"] = Reviewer.objects.order_by("pk").first()
    aw.objects["attachment"] = (
        Attachment.objects.filter(case=aw.cases["draft"]).order_by("pk").first()
    )
    aw.objects["meeting"] = Meeting.objects.filter(cycle=cycle).order_by("pk").first()
    aw.objects["round"] = (
        BallotRound.objects.filter(meeting=aw.objects["meeting"]).order_by("pk").first()
    )
    aw.objects["notice"] = (
        Notice.objects.filter(cases=aw.cases["in_publicity"]).order_by("-pk").first()
    )
    aw.objects["objection"] = lodge(
        aw.cases["in_publicity"],
        aw.objects["notice"],
        evidence=[(io.BytesIO(tiny_pdf("objection")), "证据.pdf")],
    )
    aw.objects["objection_file"] = aw.objects["objection"].files.order_by("pk").first()
    aw.objects["document"] = case_document_render(
        aw.cases["recommended"].pk, kind=CaseDocument.Kind.APPLICATION_SUMMARY
    )

    # Awards: the awarded case's organisation wins; its sharing entry and a visit.
    from .sharing import entry, register, session, visitor

    award_world = aw.worlds["awarded"]
    award = Award.objects.get(case=aw.cases["awarded"])
    aw.objects["award"] = award
    aw.objects["sharing_entry"] = entry(
        award, by=award_world.applicant, files=[("案例材料.pdf", tiny_pdf("sharing"))]
    )
    aw.objects["sharing_file"] = aw.objects["sharing_entry"].attachments.order_by("pk").first()
    aw.objects["visit_session"] = session(award, by=award_world.applicant)
    guest = visitor()
    aw.objects["visit_registration"] = register(aw.objects["visit_session"], by=guest)
    aw.visitor = guest

    from .complaints import lodge_complaint

    aw.objects["complaint"] = lodge_complaint(
        cycle, evidence=[(io.BytesIO(tiny_pdf("complaint")), "证据.pdf")]
    )
    aw.objects["complaint_file"] = aw.objects["complaint"].files.order_by("pk").first()
    aw.objects["ban"] = ban_record(
        by=office,
        organisation=main.other_org,
        reason="提供虚假检测报告",
        legal_basis="art19_fraud",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2029, 12, 31),
    )
    aw.objects["notification"] = notify(
        [aw.worlds["draft"].applicant],
        kind="access-matrix",
        subject="访问矩阵测试通知",
        body="访问矩阵测试通知正文",
        dedupe_key="access-matrix",
    )[0]
    certificate_render(award.certificate.pk)
    _after_award(aw, award_world, award)

    # Foreign users: same roles, no relation to the objects above.
    other_cycle = make_cycle(office=office, opened=False)
    aw.other_cycle = other_cycle
    other_committee = committee_of(other_cycle, office=office, members=1)
    lone = reviewer_create(
        by=office,
        username="access-foreign-reviewer",
        name="无关评审专家",
        employer="衡阳测试评审单位甲",
        years_in_quality=8,
    )
    aw.foreign_users = {
        "applicant": main.other_applicant,
        "county_official": main.other_county,
        "reviewer": lone.user,
        "committee_director": other_committee[0].user,
        "committee_member": other_committee[1].user,
    }
    aw.objects["cycle"] = cycle
    aw.objects["other_cycle"] = other_cycle
    aw.objects["org"] = aw.worlds["draft"].org
    return aw
