"""Demo data for `make run`: a cycle, one user per role, organisations in several
counties, and cases spread over the workflow, each moved there by firing the real
transitions (never by writing a state). Safe to run again."""

import datetime
import io
import os

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from applications import services as case_services
from applications.demo import application_fill_example, screening_pass_all
from applications.demo import prepare as stage_prepare
from applications.models import Case
from hengyang_award.core import credit_code
from hengyang_award.core.models import AwardCycle, County, Organisation, User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import (
    cycle_create,
    cycle_open,
    organisation_register,
    system_user,
    user_create,
)
from hengyang_award.pdf import render_html_pdf

DEFAULT_DEMO_PASSWORD = "hengyang-demo-2026"  # noqa: S105 — documented demo default

STAFF_USERS = [
    ("office", "评审办 王主任", [Role.OFFICE_STAFF]),
    *[(f"reviewer{i}", f"评审专家{i}", [Role.REVIEWER]) for i in range(1, 6)],
    *[(f"committee{i}", f"评委会委员{i}", [Role.COMMITTEE_MEMBER]) for i in range(1, 8)],
    ("director", "评委会主任（分管副市长）", [Role.COMMITTEE_DIRECTOR, Role.COMMITTEE_MEMBER]),
    ("mayor", "市长", [Role.MAYOR]),
    ("sysadmin", "系统管理员", [Role.SYSADMIN]),
]

# (organisation name, county code, industry, path of transitions) — the path is a
# list of (transition, actor key, note); actor keys: org, county, office, director,
# mayor, system; "publish_past" publishes with a period that has already ended.
R = "recommend"
DEMO_CASES = [
    (
        "衡阳恒远机械制造有限公司",
        "430408",
        "装备制造",
        [
            ("submit", "org", ""),
            ("return_to_applicant", "county", "请补充 ISO 45001 证书扫描件后重新提交。"),
        ],
    ),
    ("衡阳湘江食品有限公司", "430408", "食品加工", []),
    ("衡阳雁城电子科技有限公司", "430408", "电子信息", [("submit", "org", "")]),
    (
        "衡阳南岳茶业股份有限公司",
        "430412",
        "农副产品",
        [("submit", "org", ""), (R, "county", "该单位质量管理基础扎实，同意推荐。")],
    ),
    (
        "衡南县建材有限公司",
        "430422",
        "建材",
        [("submit", "org", ""), ("decline", "county", "近三年发生一般安全事故，暂不推荐。")],
    ),
    (
        "衡阳石鼓医药有限公司",
        "430407",
        "医药",
        [("submit", "org", ""), (R, "county", "同意推荐。"), ("accept", "office", "")],
    ),
    (
        "常宁市有色金属有限公司",
        "430482",
        "有色金属",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("reject", "office", "正常运行不满规定年限。"),
        ],
    ),
    (
        "耒阳市能源有限公司",
        "430481",
        "能源",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
        ],
    ),
    (
        "衡东县陶瓷有限公司",
        "430424",
        "陶瓷",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
            ("not_shortlist", "office", "资料评审得分未达现场评审线。"),
        ],
    ),
    (
        "衡阳珠晖纺织有限公司",
        "430405",
        "纺织",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
            ("shortlist", "office", ""),
        ],
    ),
    (
        "衡阳县粮油有限公司",
        "430421",
        "粮油",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
            ("shortlist", "office", ""),
            ("finish_onsite", "office", ""),
        ],
    ),
    (
        "祁东县黄花菜食品有限公司",
        "430426",
        "食品加工",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
            ("shortlist", "office", ""),
            ("finish_onsite", "office", ""),
            ("nominate", "office", ""),
        ],
    ),
    (
        "衡山县旅游服务有限公司",
        "430423",
        "旅游服务",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
            ("shortlist", "office", ""),
            ("finish_onsite", "office", ""),
            ("nominate", "office", ""),
            ("propose", "director", ""),
        ],
    ),
    (
        "衡阳雁峰物流有限公司",
        "430406",
        "物流",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
            ("shortlist", "office", ""),
            ("finish_onsite", "office", ""),
            ("nominate", "office", ""),
            ("propose", "director", ""),
            ("publish", "office", ""),
        ],
    ),
    (
        "衡阳蒸湘汽车零部件有限公司",
        "430408",
        "汽车零部件",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
            ("shortlist", "office", ""),
            ("finish_onsite", "office", ""),
            ("nominate", "office", ""),
            ("propose", "director", ""),
            ("publish", "office", ""),
            ("raise_objection", "office", "收到实名书面异议，反映该单位产品抽检不合格，正在核查。"),
        ],
    ),
    (
        "衡阳华新输变电设备有限公司",
        "430407",
        "输变电设备",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
            ("shortlist", "office", ""),
            ("finish_onsite", "office", ""),
            ("nominate", "office", ""),
            ("propose", "director", ""),
            ("publish_past", "office", ""),
            ("close_publicity", "system", ""),
        ],
    ),
    (
        "衡阳钢管集团有限公司",
        "430405",
        "冶金",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
            ("shortlist", "office", ""),
            ("finish_onsite", "office", ""),
            ("nominate", "office", ""),
            ("propose", "director", ""),
            ("publish_past", "office", ""),
            ("close_publicity", "system", ""),
            ("director_approve", "director", ""),
        ],
    ),
    (
        "衡阳特变电工有限公司",
        "430406",
        "电气机械",
        [
            ("submit", "org", ""),
            (R, "county", "同意推荐。"),
            ("accept", "office", ""),
            ("start_document_review", "office", ""),
            ("shortlist", "office", ""),
            ("finish_onsite", "office", ""),
            ("nominate", "office", ""),
            ("propose", "director", ""),
            ("publish_past", "office", ""),
            ("close_publicity", "system", ""),
            ("director_approve", "director", ""),
            ("mayor_approve", "mayor", ""),
        ],
    ),
    (
        "衡阳白沙洲化工有限公司",
        "430407",
        "化工",
        [("submit", "org", ""), ("withdraw", "org", "本单位决定下届再申报。")],
    ),
]


# The previous cycle (第2届), finished two years ago: three winners announced with
# certificates and plaques, one applicant not shortlisted. Moved through the real
# services with the clock set back (time-machine), so every date is consistent.
TO_EVALUATION = [
    ("submit", "org", ""),
    (R, "county", "同意推荐。"),
    ("accept", "office", ""),
    ("start_document_review", "office", ""),
    ("shortlist", "office", ""),
    ("finish_onsite", "office", ""),
]
EARLIER_CASES = [
    ("衡阳华菱钢管有限公司", "430405", "冶金", TO_EVALUATION),
    ("衡阳中钢衡重设备有限公司", "430407", "装备制造", TO_EVALUATION),
    ("衡阳南岳电控有限公司", "430412", "电气机械", TO_EVALUATION),
    (
        "衡南县农产品加工有限公司",
        "430422",
        "农副产品",
        [*TO_EVALUATION[:4], ("not_shortlist", "office", "资料评审得分未达现场评审线。")],
    ),
]
EARLIER_INDEX = 100
# The demo cycles' prize per winner (the Measures leave the amount to the budget).
DEMO_PRIZE = 500000


def demo_credit_code(index: int, county_code: str) -> str:
    body = f"91{county_code}MA4L{index:03d}"[:17].ljust(17, "0")
    return body + credit_code.check_character(body)


class Command(BaseCommand):
    _samples: dict[str, bytes]

    def _sample_pdf(self, title: str) -> bytes:
        """A one-page demo document, rendered once per title."""
        if title not in self._samples:
            self._samples[title] = render_html_pdf(
                f'<html lang="zh-CN"><body style="font-family: \'Noto Sans CJK SC\'">'
                f"<h1>{title}</h1><p>演示数据，非真实文件。</p></body></html>"
            )
        return self._samples[title]

    help = "Create demo users, a cycle, organisations and cases (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG=False")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG=False：演示数据不应写入生产库。如确需执行，请加 --force。")
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        self._samples = {}
        self._hashes: dict[str, str] = {}
        with transaction.atomic():
            users = self._users(password)
        self._earlier_cycle(users, password)
        with transaction.atomic():
            cycle = self._cycle(users["office"])
        for index, (name, county_code, industry, path) in enumerate(DEMO_CASES, start=1):
            with transaction.atomic():
                self._case(index, name, county_code, industry, path, cycle, users, password)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready"))
        self.stdout.write(
            "演示账号 / demo accounts (password = $DEMO_PASSWORD, default shown in README):"
        )
        for username in [
            "office",
            "applicant",
            "county",
            "reviewer1",
            "committee1",
            "director",
            "mayor",
            "sysadmin",
        ]:
            user = User.objects.get(username=username)
            self.stdout.write(f"  {username:<12} {user.display_name}")

    def _user(self, username, full_name, roles, password, **bodies) -> User:
        existing = User.objects.filter(username=username).first()
        if existing:
            return existing
        user = user_create(
            username=username,
            password=None,
            roles=roles,
            full_name=full_name,
            email=f"{username}@example.invalid",
            **bodies,
        )
        # One PBKDF2 hash for all demo users (hashing ~50 times takes ~20 s).
        if password not in self._hashes:
            self._hashes[password] = make_password(password)
        user.password = self._hashes[password]
        user.save(update_fields=["password"])
        return user

    def _users(self, password: str) -> dict[str, User]:
        users = {u: self._user(u, n, r, password) for u, n, r in STAFF_USERS}
        county = County.objects.get(code="430408")
        users["county"] = self._user(
            "county", "蒸湘区市场监管局 李科长", [Role.COUNTY_OFFICIAL], password, county=county
        )
        users["system"] = system_user()
        return users

    def _cycle(self, office: User) -> AwardCycle:
        cycle = AwardCycle.objects.filter(number=3).first()
        if cycle is None:
            today = timezone.localdate()
            cycle = cycle_create(
                by=office,
                number=3,
                year=today.year,
                application_opens=today - datetime.timedelta(days=30),
                application_closes=today + datetime.timedelta(days=60),
                reference_date=today + datetime.timedelta(days=60),
                prize_amount=DEMO_PRIZE,
            )
        if not cycle.is_frozen:
            cycle = cycle_open(cycle.pk, by=office)
        return cycle

    def _earlier_cycle(self, users: dict[str, User], password: str) -> None:
        """第2届: applications two years and two months ago, the committee's decision,
        publicity, approvals and the announcement with certificates — each step on
        its own (past) day."""
        import time_machine

        from applications.services import deadlines_process
        from committee.demo import committee_decide_demo
        from publicity.services import publicity_notice_generate, publicity_notice_publish
        from supervision.demo_awards import demo_awards_issue
        from supervision.models import Announcement

        if Announcement.objects.filter(cycle__number=2).exists():
            return
        today = timezone.localdate()
        start = today.replace(year=today.year - 2) - datetime.timedelta(days=60)
        office = users["office"]
        with time_machine.travel(start, tick=True):
            cycle = AwardCycle.objects.filter(number=2).first() or cycle_create(
                by=office,
                number=2,
                year=start.year,
                application_opens=start - datetime.timedelta(days=30),
                application_closes=start + datetime.timedelta(days=30),
                reference_date=start + datetime.timedelta(days=30),
                prize_amount=DEMO_PRIZE,
            )
            if not cycle.is_frozen:
                cycle = cycle_open(cycle.pk, by=office)
            for offset, (name, county, industry, path) in enumerate(EARLIER_CASES):
                with transaction.atomic():
                    self._case(
                        EARLIER_INDEX + offset, name, county, industry, path, cycle, users, password
                    )
        with time_machine.travel(start + datetime.timedelta(days=14), tick=True):
            committee_decide_demo(cycle, office=office)
        with time_machine.travel(start + datetime.timedelta(days=21), tick=True):
            notice = publicity_notice_generate(cycle.pk, by=office)
            publicity_notice_publish(notice.pk, by=office, confirm_provisional=True)
        with time_machine.travel(start + datetime.timedelta(days=35), tick=True):
            deadlines_process()
            for case in Case.objects.filter(cycle=cycle, state="director_review"):
                case_services.case_transition(case.pk, "director_approve", by=users["director"])
        with time_machine.travel(start + datetime.timedelta(days=42), tick=True):
            for case in Case.objects.filter(cycle=cycle, state="mayor_approval"):
                case_services.case_transition(case.pk, "mayor_approve", by=users["mayor"])
        with time_machine.travel(start + datetime.timedelta(days=49), tick=True):
            announcement = demo_awards_issue(
                cycle, office=office, plaque_receiver="办公室主任 王某"
            )
        if announcement is not None:
            from publicity.demo_sharing import sharing_demo

            award = announcement.awards.order_by("pk").first()
            sharing_demo(award, by_user=award.organisation.members.filter(is_active=True).first())
            from supervision.demo_after import after_award_demo

            # Prize paid with use reports and an inspection for the first winner;
            # the second winner's title revoked for fraud, with its notice and ban.
            after_award_demo(
                announcement.awards.order_by("pk"),
                office=office,
                director=users["director"],
                mayor=users["mayor"],
            )

    def _county_official(self, county: County, password: str) -> User:
        if county.code == "430408":
            return User.objects.get(username="county")
        return self._user(
            f"county-{county.code}",
            f"{county.name}推荐单位",
            [Role.COUNTY_OFFICIAL],
            password,
            county=county,
        )

    def _case(self, index, name, county_code, industry, path, cycle, users, password) -> None:
        county = County.objects.get(code=county_code)
        code = demo_credit_code(index, county_code)
        org = Organisation.objects.filter(credit_code=code).first()
        if org is None:
            org = organisation_register(
                by=users["office"],
                credit_code=code,
                name=name,
                registration_date=datetime.date(2008 + index % 10, 3, 1),
                legal_representative=f"法定代表人{index}",
                address=f"衡阳市{county.name}示范路{index}号",
                county=county,
                industry=industry,
                size=Organisation.Size.LARGE,
                contact_name=f"联系人{index}",
                contact_phone=f"0734-8{index:06d}",
                contact_email=f"contact{index}@example.invalid",
            )
        applicant = "applicant" if index == 1 else f"applicant{index}"
        org_user = self._user(
            applicant, f"{name}申报联系人", [Role.APPLICANT], password, organisation=org
        )
        if Case.objects.filter(cycle=cycle, organisation=org).exists():
            return
        case = case_services.case_create(cycle=cycle, organisation=org, by=org_user)
        actors = {**users, "org": org_user, "county": self._county_official(county, password)}
        for name_, actor, note in path:
            self._fire(case, name_, actors[actor], note)

    def _fire(self, case: Case, name: str, actor: User, note: str) -> None:
        if name == "publish_past":
            stage_prepare(case, name, office=User.objects.get(username="office"))
            three_weeks_ago = timezone.localdate() - datetime.timedelta(days=21)
            case_services.case_publish(case.pk, by=actor, published_on=three_weeks_ago)
            return
        if name == "submit" and not case.events.exists():
            application_fill_example(case, by=actor, make_pdf=self._sample_pdf)
        if name in ("accept", "reject"):
            screening_pass_all(case, by=actor)
        stage_prepare(case, name, office=User.objects.get(username="office"))
        if name == "recommend":
            case_services.county_recommend(
                case.pk,
                by=actor,
                opinion=note,
                scan=io.BytesIO(self._sample_pdf("推荐意见（盖章）")),
                scan_name="推荐意见.pdf",
            )
            return
        case_services.case_transition(case.pk, name, by=actor, note=note)
