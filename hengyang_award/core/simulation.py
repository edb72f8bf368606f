"""A whole award cycle simulated through the real services (`manage.py
simulate_cycle`): registrations, applications, county recommendations,
screening, document and on-site review, the committee's ballot, publicity with
objections, approvals, the announcement with certificates, and the titles'
expiry, each stage on its own day of a moving clock (time-machine). Every state
change goes through `applications.services.fire` or a stage service; outcomes
vary with a seeded `random.Random`, so one seed always gives the same cycle.

Afterwards the outcome is read back from the database (`outcome_collect`) and
checked against the Measures' rules (`rules_check`): pure comparisons of the
collected facts with the cycle's parameters, so a checker can be fed a made-up
outcome and fail."""

import datetime
import io
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications import services as case_services
from applications.demo import application_fill_example, screening_pass_all
from applications.models import Case, CaseEvent
from applications.workflow import CaseState
from hengyang_award.core.audit_chain import chain_first_break
from hengyang_award.core.models import AwardCycle, County, Organisation, ScoringItem, User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import (
    cycle_create,
    cycle_open,
    organisation_register,
    system_user,
    user_create,
)

BASE_YEAR = 2025  # a year whose holiday calendar is published
INDUSTRIES = ("装备制造", "食品加工", "电子信息", "医药", "建材", "纺织", "化工", "有色金属")
NOISE = (-10, -5, 0, 5, 10)
ONSITE_ABOVE = (0, 5, 10, 15)  # on-site offsets (percentage points) from the pass level
ONSITE_BELOW = (-5, -10, -15)
COMMITTEE_SIZE = 7
RUNOFF_RANDOM_ROUNDS = 3
PLACE = "衡阳市人民政府第三会议室"


# --- the outcome and the rules ------------------------------------------------------
@dataclass(frozen=True)
class Winner:
    case_id: int
    organisation: str
    onsite_total: Decimal | None
    announcement: str
    certificate: str
    valid_until: datetime.date | None
    final_state: str
    expired_on: datetime.date | None = None


@dataclass(frozen=True)
class PublicityRow:
    case_id: int
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    working_days: int


@dataclass(frozen=True)
class NoticeFacts:
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    working_days: int
    body_shows_dates: bool


@dataclass(frozen=True)
class Revocation:
    case_id: int
    revoked_on: datetime.date
    fraud: bool
    ban_starts_on: datetime.date | None = None
    ban_ends_on: datetime.date | None = None
    ban_in_force: bool = False


@dataclass
class Outcome:
    max_winners: int
    pass_score: int
    publicity_working_days: int
    validity_years: int
    fraud_ban_years: int
    winners: list[Winner] = field(default_factory=list)
    publicity: list[PublicityRow] = field(default_factory=list)
    notice: NoticeFacts | None = None
    cases_checked: int = 0
    chain_breaks: dict[int, str] = field(default_factory=dict)
    expired_early: list[int] = field(default_factory=list)
    revocations: list[Revocation] = field(default_factory=list)


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    detail: str


def rule_max_winners(o: Outcome) -> RuleResult:
    n = len(o.winners)
    return RuleResult(
        "winners ≤ max_winners", n <= o.max_winners, f"{n} winners, max {o.max_winners}"
    )


def rule_pass_score(o: Outcome) -> RuleResult:
    low = [w for w in o.winners if w.onsite_total is None or w.onsite_total < o.pass_score]
    detail = (
        f"lowest winner on-site total {min(w.onsite_total for w in o.winners)} ≥ {o.pass_score}"
        if o.winners and not low
        else f"{len(low)} winner(s) below {o.pass_score}: {[w.case_id for w in low]}"
    )
    return RuleResult("winners' on-site total ≥ pass_score", not low, detail)


def rule_publicity(o: Outcome) -> RuleResult:
    n = o.publicity_working_days
    problems = []
    if not o.publicity:
        problems.append("no case was published")
    if o.notice is None:
        problems.append("no published publicity notice")
    else:
        if o.notice.working_days != n:
            problems.append(f"notice period has {o.notice.working_days} working days")
        if not o.notice.body_shows_dates:
            problems.append("notice text does not show the period's dates")
    for row in o.publicity:
        if row.working_days != n:
            problems.append(f"case {row.case_id}: {row.working_days} working days")
        if o.notice and (row.starts_on, row.ends_on) != (o.notice.starts_on, o.notice.ends_on):
            problems.append(f"case {row.case_id}: dates differ from the notice")
    detail = (
        "; ".join(problems)
        if problems
        else f"{o.notice.starts_on}–{o.notice.ends_on}: {n} working days, "
        f"notice and {len(o.publicity)} case(s) agree"
    )
    return RuleResult(
        f"publicity period = {n} working days, notice shows the same dates",
        not problems,
        detail,
    )


def rule_chains(o: Outcome) -> RuleResult:
    ok = o.cases_checked > 0 and not o.chain_breaks
    detail = (
        f"{o.cases_checked} case chains intact"
        if ok
        else f"{o.cases_checked} checked, broken: {o.chain_breaks}"
    )
    return RuleResult("every case's event chain verifies", ok, detail)


def rule_expiry(o: Outcome) -> RuleResult:
    problems = [f"case {pk} expired on its last valid day" for pk in o.expired_early]
    for w in o.winners:
        if w.final_state == CaseState.REVOKED:
            continue
        if w.final_state != CaseState.EXPIRED:
            problems.append(f"case {w.case_id} is {w.final_state}, not expired")
        elif w.valid_until is None or w.expired_on is None or w.expired_on <= w.valid_until:
            problems.append(f"case {w.case_id} expired on {w.expired_on} (valid {w.valid_until})")
    kept = [w for w in o.winners if w.final_state != CaseState.REVOKED]
    detail = (
        "; ".join(problems)
        if problems
        else f"{len(kept)} title(s) valid {o.validity_years} years, expired the day after"
    )
    return RuleResult("titles expire after validity_years", not problems, detail)


def rule_fraud_bans(o: Outcome) -> RuleResult:
    fraud = [r for r in o.revocations if r.fraud]
    problems = []
    for r in fraud:
        if not r.ban_in_force:
            problems.append(f"case {r.case_id}: no ban in force on {r.revoked_on}")
        elif r.ban_starts_on is not None and r.ban_ends_on is not None:
            from supervision.services import ban_last_day

            expected = ban_last_day(r.ban_starts_on, years=o.fraud_ban_years)
            if r.ban_ends_on != expected:
                problems.append(f"case {r.case_id}: ban ends {r.ban_ends_on}, expected {expected}")
    if not fraud:
        detail = "no fraud revocation happened (nothing to check)"
    elif problems:
        detail = "; ".join(problems)
    else:
        detail = f"{len(fraud)} fraud revocation(s), ban in force for {o.fraud_ban_years} years"
    return RuleResult("ban in force after a fraud revocation", not problems, detail)


RULES: tuple[Callable[[Outcome], RuleResult], ...] = (
    rule_max_winners,
    rule_pass_score,
    rule_publicity,
    rule_chains,
    rule_expiry,
    rule_fraud_bans,
)


def rules_check(outcome: Outcome) -> list[RuleResult]:
    return [rule(outcome) for rule in RULES]


# --- the simulation -------------------------------------------------------------------
def tiny_pdf(text: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def cycle_slot() -> tuple[int, int]:
    """The next cycle's number and a year that keeps every cycle `interval_years`
    apart (AwardCycle._check_interval)."""
    last = AwardCycle.objects.order_by("-number").first()
    if last is None:
        return 1, BASE_YEAR
    return last.number + 1, max(BASE_YEAR, last.year + last.interval_years)


def first_monday_of_march(year: int) -> datetime.date:
    day = datetime.date(year, 3, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def weekday_on_or_after(day: datetime.date) -> datetime.date:
    from hengyang_award.workcalendar.days import is_working_day

    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def clamp_percent(value: int) -> int:
    return max(0, min(100, value))


@dataclass
class Log:
    conflicts: int = 0
    declined: int = 0
    rejected: int = 0
    objections: list[str] = field(default_factory=list)
    committee: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stage_days: list[tuple[str, datetime.date]] = field(default_factory=list)


class Simulation:
    def __init__(self, *, applicants: int, seed: int, say: Callable[[str], None]) -> None:
        self.n = applicants
        self.rng = random.Random(seed)  # noqa: S311 — reproducible simulation, not security
        self.say = say
        self.log = Log()
        self._pdfs: dict[str, bytes] = {}
        self.quality: dict[int, int] = {}  # case id -> the applicant's document level (%)
        self.today = datetime.date(BASE_YEAR, 1, 1)
        self.expired_early: list[int] = []

    # -- clock ---------------------------------------------------------------------
    @contextmanager
    def on(self, day: datetime.date, stage: str) -> Iterator[None]:
        """Run a stage on `day` (09:00 local time, the clock ticking)."""
        import time_machine

        if day <= self.today and self.log.stage_days:
            day = self.today + datetime.timedelta(days=1)
        self.today = day
        self.log.stage_days.append((stage, day))
        moment = datetime.datetime.combine(
            day, datetime.time(9, 0), tzinfo=ZoneInfo(settings.TIME_ZONE)
        )
        with time_machine.travel(moment, tick=True):
            yield

    def later(self, days: int) -> datetime.date:
        return weekday_on_or_after(self.today + datetime.timedelta(days=days))

    def pdf(self, title: str) -> bytes:
        if title not in self._pdfs:
            self._pdfs[title] = tiny_pdf(title)
        return self._pdfs[title]

    def cases(self, state: str) -> list[Case]:
        return list(
            Case.objects.filter(cycle=self.cycle, state=state)
            .select_related("organisation", "cycle")
            .order_by("pk")
        )

    # -- run -------------------------------------------------------------------------
    def run(self) -> Outcome:
        number, year = cycle_slot()
        self.prefix = f"sim{number}"
        start = weekday_on_or_after(first_monday_of_march(year))
        with self.on(start, "cycle and applications"):
            self._setup(number, year, start)
            self._applications()
        with self.on(self.later(7), "county recommendations"):
            self._recommendations()
        with self.on(self.later(7), "screening"):
            self._screening()
        with self.on(self.later(7), "reviewer pool and assignments"):
            self._pool()
            self._document_teams()
        with self.on(self.later(14), "document scoring"):
            self._document_scoring()
        with self.on(self.later(3), "on-site list"):
            self._shortlist()
        with self.on(self.later(14), "on-site review"):
            self._onsite()
        with self.on(self.later(14), "evaluation and committee"):
            self._committee()
        with self.on(self.later(7), "publicity"):
            notice = self._publicity()
        if notice is not None:
            with self.on(weekday_on_or_after(notice.period_starts_on), "objections"):
                self._objections()
            with self.on(notice.period_ends_on + datetime.timedelta(days=1), "publicity ends"):
                report = case_services.deadlines_process()
                closed = [pk for pk, name in report.fired if name == "close_publicity"]
                self.log.notes.append(f"deadlines_process closed publicity of {len(closed)}")
            with self.on(self.later(3), "director review"):
                self._approve("director", self.director)
            with self.on(self.later(7), "mayor approval"):
                self._approve("mayor", self.mayor)
            with self.on(self.later(7), "announcement and certificates"):
                self._announce()
            self._revocation()
            self._expiry()
        return outcome_collect(self.cycle, expired_early=self.expired_early)

    # -- stages ----------------------------------------------------------------------
    def _user(self, name: str, full_name: str, roles: list[str], **bodies) -> User:
        return user_create(
            username=f"{self.prefix}-{name}",
            password=None,
            roles=roles,
            full_name=full_name,
            email=f"{self.prefix}-{name}@example.invalid",
            **bodies,
        )

    def _setup(self, number: int, year: int, start: datetime.date) -> None:
        self.system = system_user()
        self.office = self._user("office", "模拟评审办", [Role.OFFICE_STAFF])
        self.director = self._user(
            "director", "模拟评委会主任", [Role.COMMITTEE_DIRECTOR, Role.COMMITTEE_MEMBER]
        )
        self.members = [self.director] + [
            self._user(f"member{i}", f"模拟评委{i}", [Role.COMMITTEE_MEMBER])
            for i in range(1, COMMITTEE_SIZE)
        ]
        self.mayor = self._user("mayor", "模拟市长", [Role.MAYOR])
        closes = start + datetime.timedelta(days=30)
        cycle = cycle_create(
            by=self.office,
            number=number,
            year=year,
            application_opens=start,
            application_closes=closes,
            reference_date=closes,
        )
        self.cycle = cycle_open(cycle.pk, by=self.office)
        self.say(f"cycle: {self.cycle.title} (number {number}, year {year}), starts {start}")

    def _applications(self) -> None:
        counties = list(County.objects.filter(active=True).order_by("code"))
        self.county_users: dict[int, User] = {}
        for i in range(1, self.n + 1):
            county = self.rng.choice(counties)
            industry = self.rng.choice(INDUSTRIES)
            quality = self.rng.choice(range(40, 95, 5))
            with transaction.atomic():
                org = organisation_register(
                    by=None,
                    credit_code=self._credit_code(county, i),
                    name=f"衡阳模拟{number_word(i)}{industry}有限公司（第{self.cycle.number}届）",
                    registration_date=datetime.date(2005 + i % 12, 3, 1),
                    legal_representative=f"法定代表人{i}",
                    address=f"衡阳市{county.name}模拟路{i}号",
                    county=county,
                    industry=industry,
                    size=self.rng.choice(list(Organisation.Size.values)),
                    contact_name=f"联系人{i}",
                    contact_phone=f"0734-8{i:06d}",
                    contact_email=f"{self.prefix}-org{i}@example.invalid",
                )
                applicant = self._user(
                    f"applicant{i}", f"申报联系人{i}", [Role.APPLICANT], organisation=org
                )
                if county.pk not in self.county_users:
                    self.county_users[county.pk] = self._user(
                        f"county-{county.code}",
                        f"{county.name}推荐单位",
                        [Role.COUNTY_OFFICIAL],
                        county=county,
                    )
                case = case_services.case_create(cycle=self.cycle, organisation=org, by=applicant)
                application_fill_example(case, by=applicant, make_pdf=self.pdf)
                case_services.case_submit(case.pk, by=applicant)
            self.quality[case.pk] = quality

    def _credit_code(self, county: County, i: int) -> str:
        from hengyang_award.core import credit_code

        body = f"91{county.code}MB{self.cycle.number % 100:02d}{i:05d}"[:17]
        return body + credit_code.check_character(body)

    def _recommendations(self) -> None:
        cases = self.cases(CaseState.SUBMITTED)
        declined = set(self.rng.sample([c.pk for c in cases], k=max(1, round(len(cases) * 0.1))))
        for case in cases:
            county = self.county_users[case.organisation.county_id]
            if case.pk in declined:
                case_services.fire(
                    case.pk, "decline", by=county, note="近三年发生一般质量事故，暂不推荐。"
                )
                self.log.declined += 1
            else:
                case_services.county_recommend(
                    case.pk,
                    by=county,
                    opinion="该单位质量管理基础扎实，同意推荐。",
                    scan=io.BytesIO(self.pdf("推荐意见（盖章）")),
                    scan_name="推荐意见.pdf",
                )

    def _screening(self) -> None:
        cases = self.cases(CaseState.RECOMMENDED)
        rejected = set(self.rng.sample([c.pk for c in cases], k=max(1, round(len(cases) * 0.08))))
        for case in cases:
            with transaction.atomic():
                if case.pk in rejected:
                    case_services.fire(
                        case.pk, "reject", by=self.office, note="正常运行不满规定年限。"
                    )
                    self.log.rejected += 1
                else:
                    screening_pass_all(case, by=self.office)
                    case_services.fire(case.pk, "accept", by=self.office)

    def _pool(self) -> None:
        from review.services.pool import reviewer_create

        accepted = self.cases(CaseState.ACCEPTED)
        size = max(
            self.cycle.reviewers_per_case + self.cycle.onsite_team_size + 3, len(accepted) // 2
        )
        for i in range(1, size + 1):
            reviewer_create(
                by=self.office,
                username=f"{self.prefix}-reviewer{i}",
                name=f"模拟评审专家{self.cycle.number}-{i}",
                employer=f"衡阳市质量技术评审中心第{i % 7 + 1}部",
                title="高级工程师",
                specialties="卓越绩效评价",
                industries="、".join(INDUSTRIES),
                years_in_quality=5 + i % 20,
            )
        if accepted:
            # One reviewer works for an applicant: the draw for that case must find it.
            org = self.rng.choice(accepted).organisation
            reviewer_create(
                by=self.office,
                username=f"{self.prefix}-reviewer-insider",
                name=f"模拟内部专家{self.cycle.number}",
                employer=org.name,
                employer_credit_code=org.credit_code,
                title="质量部部长",
                industries=org.industry,
                years_in_quality=12,
            )
        self.say(f"reviewer pool: {size + bool(accepted)} reviewers added")

    def _team(self, case: Case, stage: str) -> None:
        """Draw, confirm and declare a team; flags on reviewers left out are
        decided "recuse" (the detected conflict handled)."""
        from review.models import Assignment, ConflictFlag
        from review.services.assignment import (
            assignment_declare,
            conflict_decide,
            draw_confirm,
            draw_suggest,
        )

        draw = draw_suggest(
            case.pk, by=self.office, stage=stage, seed=f"{self.rng.getrandbits(64):016x}"
        )
        for flag in ConflictFlag.objects.filter(
            case=case, decision=ConflictFlag.Decision.PENDING
        ).order_by("pk"):
            if ConflictFlag.objects.filter(
                pk=flag.pk, decision=ConflictFlag.Decision.PENDING
            ).exists():
                conflict_decide(
                    flag.pk,
                    by=self.office,
                    decision=ConflictFlag.Decision.RECUSE,
                    note="经核实存在利害关系，决定回避。",
                )
                self.log.conflicts += 1
        draw_confirm(draw.pk, by=self.office, reviewer_ids=draw.result, leader_id=draw.result[0])
        for assignment in Assignment.objects.filter(
            case=case, stage=stage, status=Assignment.Status.ACTIVE, declared_at__isnull=True
        ).select_related("reviewer__user"):
            assignment_declare(
                assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
            )

    def _document_teams(self) -> None:
        from review.models import Assignment

        for case in self.cases(CaseState.ACCEPTED):
            with transaction.atomic():
                self._team(case, Assignment.Stage.DOCUMENT)
                case_services.fire(case.pk, "start_document_review", by=self.office)

    def _entries(self, percents: dict[str, int], *, reason: bool = False) -> dict[str, dict]:
        entries = {}
        for code, percent in percents.items():
            entries[code] = {
                "percent": percent,
                "strengths": [f"{code}方面已建立系统的方法并有效展开。"],
                "opportunities": [f"{code}方面的对标比较和改进有待加强。"],
            }
            if reason:
                entries[code]["reason"] = ""
        return entries

    def _document_scoring(self) -> None:
        from review import scoring
        from review.models import Assignment
        from review.services import scoring as services

        items = list(ScoringItem.objects.order_by("position", "code"))
        for case in self.cases(CaseState.DOCUMENT_REVIEW):
            level = self.quality[case.pk]
            team = list(
                Assignment.objects.filter(
                    case=case, stage=Assignment.Stage.DOCUMENT, status=Assignment.Status.ACTIVE
                )
                .select_related("reviewer__user")
                .order_by("pk")
            )
            given: dict[str, list[int]] = {item.code: [] for item in items}
            with transaction.atomic():
                for assignment in team:
                    percents = {
                        item.code: clamp_percent(level + self.rng.choice(NOISE)) for item in items
                    }
                    for code, p in percents.items():
                        given[code].append(p)
                    user = assignment.reviewer.user
                    services.scorebook_save(assignment.pk, by=user, entries=self._entries(percents))
                    services.scorebook_submit(assignment.pk, by=user)
                leader = next(a for a in team if a.role == Assignment.Role.LEADER).reviewer.user
                agreed = {
                    code: scoring.nearest_step(scoring.median(v)) for code, v in given.items()
                }
                services.consensus_save(
                    case.pk, by=leader, entries=self._entries(agreed, reason=True)
                )
                services.consensus_submit(case.pk, by=leader)

    def _shortlist(self) -> None:
        from review.services.scoring import document_totals, shortlist_apply

        rows = list(document_totals(self.cycle))
        if not rows:
            return
        eligible = [c.pk for c in rows if c.document_total >= self.cycle.onsite_shortlist_threshold]
        limit = self.cycle.onsite_shortlist_max or len(eligible)
        chosen = eligible[:limit]
        shortlist_apply(
            self.cycle.pk,
            by=self.office,
            case_ids_in=chosen,
            note="资料评审得分未达到进入现场评审的最低分或名次在名额之外。",
        )
        self.say(
            f"on-site list: {len(chosen)} of {len(rows)} (threshold "
            f"{self.cycle.onsite_shortlist_threshold}, max {self.cycle.onsite_shortlist_max})"
        )

    def _onsite_percents(self, items: list[ScoringItem], above: bool) -> dict[str, int]:
        from review import scoring

        share = Decimal(self.cycle.pass_score) * 100 / Decimal(self.cycle.total_points)
        level = int((share / 5).to_integral_value(rounding=ROUND_CEILING)) * 5
        offset = self.rng.choice(ONSITE_ABOVE if above else ONSITE_BELOW)
        percents = {
            item.code: clamp_percent(level + offset + self.rng.choice((-5, 0, 5))) for item in items
        }
        step = 5 if above else -5
        while (scoring.total(items, percents) >= self.cycle.pass_score) != above:
            percents = {code: clamp_percent(p + step) for code, p in percents.items()}
        return percents

    def _onsite(self) -> None:
        from review.models import Assignment, OnsiteReport
        from review.selectors_onsite import onsite_team
        from review.services import onsite

        items = list(ScoringItem.objects.order_by("position", "code"))
        cases = self.cases(CaseState.ONSITE_REVIEW)
        above_n = max(min(len(cases), 3), math.ceil(len(cases) * 0.6))
        classes = [True] * above_n + [False] * (len(cases) - above_n)
        self.rng.shuffle(classes)
        days = min(2, self.cycle.onsite_days)
        for case, above in zip(cases, classes, strict=True):
            with transaction.atomic():
                self._team(case, Assignment.Stage.ONSITE)
                team = onsite_team(case)
                leader = next(a.reviewer.user for a in team if a.role == Assignment.Role.LEADER)
                onsite.onsite_schedule_save(
                    case.pk,
                    by=self.office,
                    starts_on=self.today - datetime.timedelta(days=days - 1),
                    ends_on=self.today,
                    agenda="首次会议；现场查看；访谈；文件抽查；末次会议。",
                    issues_to_verify="核实自评报告中的关键绩效数据。",
                )
                percents = self._onsite_percents(items, above)
                onsite.onsite_scores_save(
                    case.pk,
                    by=leader,
                    entries={
                        code: {"percent": p, "evidence": "现场查看记录并访谈责任部门。"}
                        for code, p in percents.items()
                    },
                )
                recommendation = (
                    OnsiteReport.Recommendation.RECOMMEND
                    if above
                    else OnsiteReport.Recommendation.NOT_RECOMMEND
                )
                onsite.onsite_report_save(
                    case.pk,
                    by=leader,
                    sites_and_interviews="生产车间、检验中心；访谈管理层和员工。",
                    verification="主要经营数据经核对财务报表，真实准确。",
                    veto_findings="未发现否决性问题。",
                    conclusion="卓越绩效管理体系运行情况与得分相符。",
                    recommendation=recommendation,
                    recommendation_reason="依据现场评审得分。",
                )
                onsite.onsite_report_send_for_confirmation(case.pk, by=leader)
                applicant = User.objects.get(username=self._applicant_name(case))
                onsite.onsite_report_confirm(case.pk, by=applicant, agree=True, note="确认。")
                for assignment in team:
                    onsite.reviewer_evaluation_submit(
                        assignment.pk,
                        by=applicant,
                        quality=self.rng.choice((4, 5)),
                        discipline=5,
                        comment="工作认真，遵守纪律。",
                    )
                onsite.onsite_report_submit(case.pk, by=leader)
                case_services.fire(case.pk, "finish_onsite", by=self.office)

    def _applicant_name(self, case: Case) -> str:
        return (
            User.objects.filter(organisation=case.organisation, groups__name=Role.APPLICANT)
            .order_by("pk")
            .values_list("username", flat=True)
            .first()
        )

    def _committee(self) -> None:
        from committee import selectors, services
        from committee.models import Membership, Vote
        from review.models import ReviewerRelation

        evaluation = self.cases(CaseState.EVALUATION)
        if not evaluation:
            return
        services.evaluation_comparison_save(
            self.cycle.pk,
            by=self.office,
            comparison="评审办对比了各组织的资料评审与现场评审得分、评审组建议和申报单位的评价，"
            "现场评审总分达到获奖最低总分的组织列为获奖候选。",
        )
        for user in self.members:
            role = Membership.Role.DIRECTOR if user == self.director else Membership.Role.MEMBER
            services.membership_add(self.cycle.pk, by=self.office, user_id=user.pk, role=role)
        for case in evaluation:
            total = selectors.onsite_total_of(case)
            if total is not None and total >= self.cycle.pass_score:
                services.evaluation_decide(case.pk, by=self.office, nominate=True)
            else:
                services.evaluation_decide(
                    case.pk, by=self.office, nominate=False, note="现场评审总分未达到获奖最低总分。"
                )
        candidates = self.cases(CaseState.CANDIDATE)
        if not candidates:
            return
        services.evaluation_dispatch(self.cycle.pk, by=self.office)
        meeting = services.meeting_create(
            self.cycle.pk, by=self.office, held_on=self.today, place=PLACE
        )
        members = selectors.members_of(self.cycle)
        absent = {self.rng.choice([m.pk for m in members if m.user != self.director])}
        if self.rng.random() < 0.5:
            absent = set()
        services.attendance_record(
            meeting.pk, by=self.office, present_ids=[m.pk for m in members if m.pk not in absent]
        )
        recusal = (self.rng.choice(members[1:]).pk, self.rng.choice(candidates).pk)
        for case in candidates:
            for member in members:
                conflict = (member.pk, case.pk) == recusal or bool(
                    selectors.detected_conflicts(member, case)
                )
                services.declaration_make(
                    case.pk,
                    by=member.user,
                    has_conflict=conflict,
                    grounds=ReviewerRelation.Kind.OTHER if conflict else "",
                    description="曾为该单位提供咨询服务，申请回避。" if conflict else "",
                )
        present = [m for m in members if m.pk not in absent]
        round_ = services.round_open(meeting.pk, by=self.office)
        choices = [Vote.Choice.APPROVE, Vote.Choice.OPPOSE, Vote.Choice.ABSTAIN]
        for case in candidates:
            recused = selectors.recused_member_ids(case)
            for member in present:
                if member.pk not in recused:
                    choice = self.rng.choices(choices, weights=[80, 12, 8])[0]
                    services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice=choice)
        resolution = services.round_close(round_.pk, by=self.office)
        runoffs = 0
        while not resolution.complete and resolution.runoff_case_ids:
            runoffs += 1
            tied = sorted(resolution.runoff_case_ids)
            runoff = services.runoff_open(meeting.pk, by=self.office)
            for member in present:
                # Seeded choices first; then everyone backs the first tied case, so
                # each further run-off has fewer tied candidates and the ballot ends.
                backed = self.rng.choice(tied) if runoffs <= RUNOFF_RANDOM_ROUNDS else tied[0]
                for case_id in tied:
                    if member.pk in selectors.recused_member_ids(Case.objects.get(pk=case_id)):
                        continue
                    choice = Vote.Choice.APPROVE if case_id == backed else Vote.Choice.OPPOSE
                    services.vote_cast(runoff.pk, by=member.user, case_id=case_id, choice=choice)
            resolution = services.round_close(runoff.pk, by=self.office)
        services.resolution_adopt(meeting.pk, by=self.director)
        proposed = len(self.cases(CaseState.PROPOSED))
        self.log.committee.append(
            f"{len(candidates)} candidate(s), {len(present)} of {len(members)} members present, "
            f"{runoffs} run-off(s), {proposed} proposed"
        )

    def _publicity(self):
        from publicity.services import publicity_notice_generate, publicity_notice_publish

        if not self.cases(CaseState.PROPOSED):
            self.log.notes.append("no proposed winner: no publicity")
            return None
        notice = publicity_notice_generate(
            self.cycle.pk,
            by=self.office,
            number=f"衡质奖办〔{self.today.year}〕{self.cycle.number}号",
        )
        return publicity_notice_publish(notice.pk, by=self.office, confirm_provisional=True)

    def _objections(self) -> None:
        from publicity.models import Objection
        from publicity.services import (
            objection_close,
            objection_committee_decide,
            objection_investigation_start,
            objection_submit,
        )

        cases = self.cases(CaseState.IN_PUBLICITY)
        targets = self.rng.sample(cases, k=min(2, len(cases)))
        if len(targets) < 2:
            self.log.objections.append("verified objection skipped: only one case in publicity")
        outcomes = [Objection.Status.UNFOUNDED, Objection.Status.VERIFIED][: len(targets)]
        plan = list(zip(targets, outcomes, strict=True))
        for case, outcome in plan:
            objection = objection_submit(
                case_id=case.pk,
                objector_name="张建国",
                objector_organisation="衡阳市消费者协会",
                phone="0734-8234567",
                facts=f"反映{case.organisation.name}的产品质量抽检情况与申报材料不符。",
            )
            objection_investigation_start(objection.pk, by=self.office)
            if outcome == Objection.Status.VERIFIED:
                objection_close(
                    objection.pk,
                    by=self.office,
                    outcome=outcome,
                    findings="经核查，申报材料中的抽检数据与监督抽查结果不符，异议属实。",
                )
                objection_committee_decide(
                    objection.pk, by=self.director, decision="评委会决定取消其获奖资格。"
                )
                self.log.objections.append(f"case {case.pk}: verified → disqualified")
            else:
                objection_close(
                    objection.pk,
                    by=self.office,
                    outcome=outcome,
                    findings="经核查，反映的抽检批次合格，异议不成立。",
                )
                state = Case.objects.get(pk=case.pk).state
                self.log.objections.append(f"case {case.pk}: unfounded → dismissed ({state})")

    def _approve(self, key: str, user: User) -> None:
        from committee.approval import LEVELS, approval_decide

        level = LEVELS[key]
        for case in self.cases(level.state):
            approval_decide(case.pk, level=level, approve=True, by=user, note="同意。")

    def _announce(self) -> None:
        from supervision.models import Certificate
        from supervision.services import announcement_issue, certificate_render

        if not self.cases(CaseState.AWARDED):
            return
        announcement = announcement_issue(
            self.cycle.pk,
            number=f"衡政公告〔{self.today.year}〕{self.cycle.number}号",
            by=self.office,
            issued_on=self.today,
        )
        for certificate in Certificate.objects.filter(award__announcement=announcement):
            certificate_render(certificate.pk)

    def _revocation(self) -> None:
        """A fraud revocation of one winner (another than the disqualified case)
        before expiry, through the supervision app's revocation procedure when it
        has one: opening, the winner's statement, the office's findings, the
        committee's and the city government's decisions."""
        import supervision.services as supervision_services

        steps = (
            "revocation_open",
            "revocation_statement_file",
            "revocation_findings_record",
            "revocation_committee_decide",
            "revocation_city_decide",
        )
        if not all(hasattr(supervision_services, name) for name in steps):
            self.say("revocation: not available")
            self.log.notes.append("revocation: not available")
            return
        from supervision.models import Award, Revocation

        awards = list(
            Award.objects.filter(cycle=self.cycle, revoked_on__isnull=True).order_by("case_id")
        )
        if len(awards) < 2:
            self.log.notes.append("revocation: skipped (fewer than two winners)")
            return
        award = self.rng.choice(awards)
        with self.on(self.later(90), "revocation"):
            revocation = supervision_services.revocation_open(
                award.pk,
                by=self.office,
                grounds=Revocation.Grounds.FRAUD,
                facts="经核查，该组织申报材料中的质量指标数据系编造。",
            )
            applicant = User.objects.get(username=self._applicant_name(award.case))
            supervision_services.revocation_statement_file(
                revocation.pk, by=applicant, statement="本单位对数据差错作出说明，请予考虑。"
            )
            supervision_services.revocation_findings_record(
                revocation.pk, by=self.office, findings="经调查核实，弄虚作假情况属实。"
            )
            supervision_services.revocation_committee_decide(
                revocation.pk,
                by=self.director,
                decision=Revocation.Decision.REVOKE,
                note="评审委员会决定撤销其称号。",
            )
            supervision_services.revocation_city_decide(
                revocation.pk,
                by=self.office,
                decision=Revocation.Decision.REVOKE,
                number=f"衡政决〔{self.today.year}〕{self.cycle.number}号",
                decided_on=self.today,
                note="撤销其市长质量奖称号，收回奖牌、证书和奖金。",
                recovery_due_on=self.today + datetime.timedelta(days=30),
            )
        self.log.notes.append(f"revocation: case {award.case_id} revoked for fraud")

    def _expiry(self) -> None:
        """On the last valid day nothing expires; the day after, every title does."""
        from supervision.models import Award

        last = Award.objects.filter(cycle=self.cycle).order_by("ends_on").first()
        if last is None:
            return
        mine = set(Case.objects.filter(cycle=self.cycle).values_list("pk", flat=True))
        with self.on(last.ends_on, "last valid day"):
            report = case_services.deadlines_process()
            self.expired_early = [
                pk for pk, name in report.fired if name == "expire" and pk in mine
            ]
        with self.on(last.ends_on + datetime.timedelta(days=1), "titles expire"):
            report = case_services.deadlines_process()
            expired = [pk for pk, name in report.fired if name == "expire" and pk in mine]
            self.log.notes.append(f"deadlines_process expired {len(expired)} title(s)")


def number_word(i: int) -> str:
    """A short distinct Chinese-looking tag for the i-th simulated applicant."""
    digits = "零一二三四五六七八九"
    return "".join(digits[int(d)] for d in str(i))


# --- reading the outcome back ------------------------------------------------------------
def outcome_collect(cycle: AwardCycle, *, expired_early: list[int]) -> Outcome:
    from committee.selectors import onsite_totals
    from hengyang_award.workcalendar.days import count_working_days
    from publicity.models import Notice
    from publicity.pdf import chinese_date
    from supervision.models import Award, Ban
    from supervision.selectors import bans_in_force

    outcome = Outcome(
        max_winners=cycle.max_winners,
        pass_score=cycle.pass_score,
        publicity_working_days=cycle.publicity_working_days,
        validity_years=cycle.validity_years,
        fraud_ban_years=cycle.fraud_ban_years,
        expired_early=list(expired_early),
    )
    cases = list(Case.objects.filter(cycle=cycle).select_related("organisation").order_by("pk"))
    awarded_ids = set(
        CaseEvent.objects.filter(case__cycle=cycle, target=CaseState.AWARDED).values_list(
            "case_id", flat=True
        )
    )
    totals = onsite_totals([c.pk for c in cases if c.pk in awarded_ids])
    awards = {
        a.case_id: a
        for a in Award.objects.filter(cycle=cycle).select_related("announcement", "certificate")
    }
    expired_on = {
        e.case_id: timezone.localdate(e.at)
        for e in CaseEvent.objects.filter(case__cycle=cycle, name="expire")
    }
    for case in cases:
        if case.pk not in awarded_ids:
            continue
        award = awards.get(case.pk)
        outcome.winners.append(
            Winner(
                case_id=case.pk,
                organisation=case.organisation.name,
                onsite_total=totals.get(case.pk),
                announcement=award.announcement.number if award else "",
                certificate=award.certificate.number if award else "",
                valid_until=case.award_valid_until,
                final_state=case.state,
                expired_on=expired_on.get(case.pk),
            )
        )
    published = [c for c in cases if c.publicity_starts_on is not None]
    for case in published:
        outcome.publicity.append(
            PublicityRow(
                case_id=case.pk,
                starts_on=case.publicity_starts_on,
                ends_on=case.publicity_ends_on,
                working_days=count_working_days(
                    case.publicity_starts_on, end=case.publicity_ends_on
                ),
            )
        )
    notice = (
        Notice.objects.filter(cycle=cycle, kind=Notice.Kind.PUBLICITY, published_at__isnull=False)
        .order_by("-published_at")
        .first()
    )
    if notice is not None:
        text = " ".join(notice.body.get("paragraphs", []))
        outcome.notice = NoticeFacts(
            starts_on=notice.period_starts_on,
            ends_on=notice.period_ends_on,
            working_days=count_working_days(notice.period_starts_on, end=notice.period_ends_on),
            body_shows_dates=chinese_date(notice.period_starts_on) in text
            and chinese_date(notice.period_ends_on) in text,
        )
    for case in cases:
        events = CaseEvent.objects.filter(case=case).order_by("at", "pk")
        outcome.cases_checked += 1
        found = chain_first_break(events)
        if found:
            outcome.chain_breaks[case.pk] = f"event {found.record.pk}: {found.reason}"
    fraud_cases = _fraud_revoked_case_ids(cycle)
    for event in CaseEvent.objects.filter(case__cycle=cycle, name="revoke").select_related("case"):
        day = timezone.localdate(event.at)
        ban = (
            Ban.objects.filter(case=event.case, legal_basis=Ban.Basis.ART19_FRAUD)
            .order_by("pk")
            .first()
        )
        outcome.revocations.append(
            Revocation(
                case_id=event.case_id,
                revoked_on=day,
                fraud=event.case_id in fraud_cases or ban is not None,
                ban_starts_on=ban.starts_on if ban else None,
                ban_ends_on=ban.ends_on if ban else None,
                ban_in_force=bool(ban)
                and bans_in_force(event.case.organisation, on=day).filter(pk=ban.pk).exists(),
            )
        )
    return outcome


def _fraud_revoked_case_ids(cycle: AwardCycle) -> set[int]:
    """Cases of the cycle whose title a revocation procedure on the grounds of
    fraud revoked (none while the supervision app has no such procedure)."""
    import supervision.models as supervision_models

    procedure = getattr(supervision_models, "Revocation", None)
    if procedure is None:
        return set()
    return set(
        procedure.objects.filter(
            award__cycle=cycle,
            grounds=procedure.Grounds.FRAUD,
            outcome=procedure.Outcome.REVOKED,
        ).values_list("award__case_id", flat=True)
    )


def state_counts(cycle: AwardCycle) -> list[tuple[str, str, int, int]]:
    """(state, label, cases that passed through it, cases that ended in it)."""
    events = CaseEvent.objects.filter(case__cycle=cycle).values_list("case_id", "source", "target")
    through: dict[str, set[int]] = {}
    for case_id, source, target in events:
        through.setdefault(source, set()).add(case_id)
        through.setdefault(target, set()).add(case_id)
    ended: dict[str, int] = {}
    for state in Case.objects.filter(cycle=cycle).values_list("state", flat=True):
        ended[state] = ended.get(state, 0) + 1
    return [
        (
            state.value,
            str(state.label),
            len(through.get(state.value, ())),
            ended.get(state.value, 0),
        )
        for state in CaseState
    ]


def onsite_rows(cycle: AwardCycle) -> list[tuple[int, str, Decimal | None, str]]:
    """(case id, organisation, on-site total, final state) of every case of the
    cycle that had an on-site review, highest total first."""
    from committee.selectors import onsite_totals

    cases = list(
        Case.objects.filter(cycle=cycle, events__target=CaseState.ONSITE_REVIEW)
        .select_related("organisation")
        .distinct()
    )
    totals = onsite_totals([c.pk for c in cases])
    rows = [(c.pk, c.organisation.name, totals.get(c.pk), c.state) for c in cases]
    return sorted(rows, key=lambda r: (-(r[2] or 0), r[0]))
