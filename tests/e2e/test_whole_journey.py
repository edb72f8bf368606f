"""In a real browser, one organisation's whole way through a cycle: it registers
itself, verifies its e-mail address, fills in and submits its application file;
its county recommends it with a stamped scan; the review office screens and
accepts it and forms the document-review team; each expert signs the declaration
and scores (one item far apart, one draft saved on the way); the group leader,
told first who has not yet submitted, submits the consensus with a reason for
the item that departs from the median; the office fixes the on-site list; the
on-site team scores and reports, the applicant confirms and evaluates the team;
the office nominates it to the committee, which meets, declares, votes by secret
ballot, and whose director adopts the resolution; the office publishes
the publicity notice, the period runs out (the deadline scan closes it); the
director (signing in again: days went by) and the mayor approve; the office
announces the award and the certificate is rendered; finally the public finds the
organisation among the winners and verifies its certificate number.

Each role acts in a browser context of its own. Only what a deployment has before
the first applicant arrives is arranged (the cycle, staff accounts, the reviewer
pool, the committee); everything afterwards goes through the pages, except the
deadline scan and the outbox relay, which no person clicks. A few mistakes are
tried on the way and must be refused with what was typed kept (mismatched
passwords, a negative revenue, an HTML file named .pdf, a decline without a
reason, a recommendation without the stamped scan)."""

import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import ApplicationSnapshot, Case, CaseEvent
from applications.screening import CHECK_CODES
from applications.tasks import deadline_scan_task
from committee.models import Membership
from hengyang_award.core import credit_code
from hengyang_award.core.models import AwardCycle, County, ScoringItem, User
from hengyang_award.core.roles import Role
from hengyang_award.jobs.outbox import outbox_relay
from review.models import Consensus, ConsensusEntry, Reviewer
from review.services.pool import reviewer_create
from supervision.models import Award, Certificate
from tests.e2e.helpers import login, pdf_file
from tests.factories import PASSWORD, PATH_TO, make_cycle, make_user
from tests.factories.committee import committee_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORG_NAME = "衡阳蒸湘精工机械有限公司"
INDUSTRY = "通用设备制造"
LEGAL_REPRESENTATIVE = "周正衡"
APPLICANT_USERNAME = "zxjg_admin"
APPLICANT_EMAIL = "shenbao@zxjg.example.invalid"
CREDIT_BODY = "91430408MA4L9X001"  # 17 characters, all in credit_code.ALPHABET
CREDIT_CODE = CREDIT_BODY + credit_code.check_character(CREDIT_BODY)
REQUIRED_FILES = (
    ("business_licence", "营业执照.pdf"),
    ("cert_iso9001", "质量管理体系认证证书.pdf"),
    ("cert_iso14001", "环境管理体系认证证书.pdf"),
    ("cert_iso45001", "职业健康安全管理体系认证证书.pdf"),
    ("cqo_appointment", "首席质量官任命文件.pdf"),
    ("financial_statements", "经审计的财务报表.pdf"),
    ("integrity_pledge", "诚信承诺书.pdf"),
)
REVIEWER_NAMES = ("贺评审", "蒋评审", "罗评审")
# Each reviewer's percentage on every item: the group's median is the middle one.
REVIEWER_PERCENTS = (65, 70, 75)
MEDIAN_PERCENT = 70
# Findings (optional per item) each expert writes, on the first items.
FINDINGS_ITEMS = 3
# One item the experts score far apart (reviewer1, the leader, high; reviewer3
# low; the median stays MEDIAN_PERCENT): the board flags it, and the consensus
# the leader gives it departs from the median by more than the cycle's margin,
# so it needs a reason.
DIVERGENT_INDEX = 1
DIVERGENT_PERCENTS = (95, 70, 40)
DIVERGENT_CONSENSUS = 95
DIVERGENCE_REASON = "现场证据显示该评分项的方法已在全部部门展开，组内讨论后一致同意上调。"
# The on-site team raises the first item by one step, with the evidence seen.
ONSITE_RAISED_PERCENT = 75
# The transitions of the journey, in order (the case's events must be these): the
# usual path to a proposed winner, then the publicity run to its end and approval.
TRANSITIONS = [
    *PATH_TO["proposed"],
    "publish",
    "close_publicity",
    "director_approve",
    "mayor_approve",
]


@dataclass
class Journey:
    """The actors arranged before the first applicant, the pages they work in,
    and what the journey learns on the way (the case, the certificate number)."""

    live_server: object
    role_page: object
    shoot: object
    cycle: AwardCycle
    office: User
    county: User
    reviewers: list[Reviewer]
    committee: list[Membership]
    mayor: User
    items: list[ScoringItem]
    pages: dict = field(default_factory=dict)
    case_pk: int = 0
    consensus_percents: dict = field(default_factory=dict)
    onsite_total: Decimal = Decimal(0)
    publicity_ends_on: datetime.date | None = None
    certificate_number: str = ""
    title_ends_on: str = ""
    shots: int = 0

    @property
    def url(self) -> str:
        return self.live_server.url

    @property
    def leader(self) -> Reviewer:
        return self.reviewers[0]

    @property
    def director(self) -> Membership:
        return next(m for m in self.committee if m.role == Membership.Role.DIRECTOR)

    def role_of(self, member: Membership) -> str:
        if member == self.director:
            return "director"
        others = [m for m in self.committee if m != self.director]
        return f"member{others.index(member) + 1}"

    def page(self, role: str, username: str | None = None, **context_options):
        """The role's page, opened (and signed in as `username`) the first time."""
        if role not in self.pages:
            page = self.role_page(**context_options)
            if username:
                login(page, self.live_server, username)
            self.pages[role] = page
        return self.pages[role]

    def come_back(self, role: str, username: str, path: str):
        """The role opens `path` days after its last visit: its session has ended,
        so it signs in again and lands on `path`."""
        page = self.pages[role]
        page.goto(f"{self.url}{path}")
        page.wait_for_url("**/accounts/login/**")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"**{path}")
        return page

    def snap(self, page, role: str, step: str, *, full_page: bool = True) -> None:
        """Screenshot `whole-NN-<role>-<step>`; a window-sized one shows the top of
        the page (state and totals)."""
        self.shots += 1
        if not full_page:
            page.evaluate("window.scrollTo(0, 0)")
        self.shoot(page, f"whole-{self.shots:02d}-{role}-{step}", full_page=full_page)

    def case(self) -> Case:
        return Case.objects.get(pk=self.case_pk)


def _key(code: str) -> str:
    return code.replace(".", "_")


def _points(items: list[ScoringItem], percents: dict[str, int]) -> Decimal:
    return sum(
        (Decimal(i.points) * Decimal(percents[i.code]) / Decimal(100) for i in items), Decimal(0)
    )


def _success(page, text: str) -> None:
    expect(page.locator(".messages .msg.success")).to_contain_text(text)


def _relay() -> None:
    """The outbox relay (a beat job every few seconds, nobody clicks it): hand
    everything pending to the workers, which run eagerly here."""
    while True:
        report = outbox_relay()
        assert report.failed == 0, report
        if report.pending == 0:
            return


def _fire(page, name: str, state: str) -> None:
    """Fire a case action from the case page's action form (no note needed) and
    wait for the case's new state."""
    form = f"form[data-action={name}]"
    assert page.get_attribute(f"{form} button[type=submit]", "aria-disabled") is None, (
        page.inner_text(form)
    )
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(f"[data-state={state}]")


# --- Arrangement: what a deployment has before the first applicant ------------------------


def _arrange(live_server, role_page, shoot) -> Journey:
    office = make_user(Role.OFFICE_STAFF, full_name="评审办王工")
    # Three document reviewers per case (a rule parameter of this cycle).
    cycle = make_cycle(office=office, reviewers_per_case=3)
    county_area = County.objects.get(code="430408")
    assert county_area.name == "蒸湘区"
    county = make_user(Role.COUNTY_OFFICIAL, county=county_area, full_name="蒸湘区李工")
    reviewers = []
    for n, name in enumerate(REVIEWER_NAMES, start=1):
        reviewer = reviewer_create(
            by=office,
            username=f"zhuanjia{n}",
            name=name,
            employer="湖南省质量协会",
            title="高级工程师",
            specialties="卓越绩效评价",
            industries=INDUSTRY,
            years_in_quality=12,
        )
        # The pool's logins start without a password; the expert sets one.
        reviewer.user.set_password(PASSWORD)
        reviewer.user.save(update_fields=["password"])
        reviewers.append(reviewer)
    committee = committee_of(cycle, office=office, members=2)
    mayor = make_user(Role.MAYOR, full_name="市长")
    items = list(ScoringItem.objects.order_by("position", "code"))
    assert len(items) == 23, [i.code for i in items]
    assert sum(i.points for i in items) == cycle.total_points
    assert cycle.onsite_team_size == len(reviewers), "the on-site team is the same experts"
    assert credit_code.check(CREDIT_CODE).checksum_ok
    return Journey(
        live_server=live_server,
        role_page=role_page,
        shoot=shoot,
        cycle=cycle,
        office=office,
        county=county,
        reviewers=reviewers,
        committee=committee,
        mayor=mayor,
        items=items,
    )


# --- 1. Registration and e-mail verification ----------------------------------------------


def _fill_registration(page, *, password2: str) -> None:
    page.fill("#id_username", APPLICANT_USERNAME)
    page.fill("#id_full_name", "陈申报")
    page.fill("#id_email", APPLICANT_EMAIL)
    page.fill("#id_phone", "13807340000")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", password2)
    page.fill("#id_name", ORG_NAME)
    page.fill("#id_credit_code", CREDIT_CODE)
    page.fill("#id_registration_date", "2012-05-18")
    page.fill("#id_legal_representative", LEGAL_REPRESENTATIVE)
    page.fill("#id_address", "衡阳市蒸湘区长丰大道88号")
    page.select_option("#id_county", label="蒸湘区")
    page.fill("#id_industry", INDUSTRY)
    page.select_option("#id_size", label="中型")
    page.fill("#id_contact_name", "陈申报")
    page.fill("#id_contact_phone", "0734-8123456")
    page.fill("#id_contact_email", "contact@zxjg.example.invalid")


def _register(j: Journey) -> None:
    applicant = j.page("applicant")
    applicant.goto(f"{j.url}/")
    applicant.click("main a[href='/accounts/register/']")
    applicant.wait_for_url("**/accounts/register/")
    j.snap(applicant, "applicant", "registration-form")

    _fill_registration(applicant, password2=PASSWORD + "x")
    applicant.click("main form button[type=submit]")
    applicant.wait_for_selector("#id_password2_error")
    assert "两次输入的密码不一致" in applicant.inner_text("#id_password2_error")
    assert applicant.input_value("#id_name") == ORG_NAME, "typed organisation name was lost"
    assert applicant.input_value("#id_credit_code") == CREDIT_CODE
    j.snap(applicant, "applicant", "registration-password-mismatch")

    # Passwords are not sent back; everything else was kept.
    applicant.fill("#id_password1", PASSWORD)
    applicant.fill("#id_password2", PASSWORD)
    applicant.click("main form button[type=submit]")
    applicant.wait_for_url("**/accounts/register/done/")
    assert "请验证邮箱" in applicant.inner_text("main")
    j.snap(applicant, "applicant", "registration-check-email")

    _relay()
    sent = [m for m in mail.outbox if m.to == [APPLICANT_EMAIL]]
    assert len(sent) == 1, [(m.to, m.subject) for m in mail.outbox]
    link = re.search(r"https?://\S+/accounts/verification/\S+/", sent[0].body)
    assert link, sent[0].body
    assert link.group(0).startswith(j.url), link.group(0)
    applicant.goto(link.group(0))
    assert APPLICANT_USERNAME in applicant.inner_text("main")
    j.snap(applicant, "applicant", "verify-confirm")
    applicant.click("main form button[type=submit]")
    applicant.wait_for_url("**/accounts/login/")
    assert "邮箱验证成功" in applicant.inner_text(".messages")
    login(applicant, j.live_server, APPLICANT_USERNAME)
    j.snap(applicant, "applicant", "home")


# --- 2. The application file --------------------------------------------------------------


def _open_section(page, case_pk: int, section: str) -> None:
    page.click(f"nav.app-nav a[href='/cases/{case_pk}/application/{section}/']")
    page.wait_for_url(f"**/cases/{case_pk}/application/{section}/")


def _save_section(page, case_pk: int, section: str) -> None:
    page.click("form.section-form button[type=submit]")
    page.wait_for_url(f"**/cases/{case_pk}/application/{section}/")
    page.wait_for_selector(".messages .msg.success")
    assert "已保存" in page.inner_text(".messages"), page.inner_text("main")


def _apply(j: Journey) -> None:
    applicant = j.page("applicant")
    applicant.click("main form[action='/cases/start/'] button[type=submit]")
    applicant.wait_for_url(re.compile(r".*/cases/\d+/$"))
    j.case_pk = case_pk = int(re.search(r"/cases/(\d+)/$", applicant.url).group(1))
    assert applicant.get_attribute("[data-state]", "data-state") == "draft"
    applicant.click(f"main a[href='/cases/{case_pk}/application/basic/']")
    applicant.wait_for_url(f"**/cases/{case_pk}/application/basic/")
    assert ORG_NAME in applicant.inner_text("dl.facts")
    assert CREDIT_CODE in applicant.inner_text("dl.facts")
    applicant.fill("#id_employees", "268")
    applicant.fill("#id_main_products", "矿山机械、液压件及其配套零部件的设计与制造")
    _save_section(applicant, case_pk, "basic")
    j.snap(applicant, "applicant", "section-basic")

    _open_section(applicant, case_pk, "figures")
    figures = {
        "revenue": ("48200", "52650.5", "57300"),
        "profit": ("2900", "3310", "3725.8"),
        "tax": ("1650", "1820", "2010"),
        "rnd": ("1450", "1690", "1985"),
    }
    for key, values in figures.items():
        for i, value in enumerate(values, start=1):
            applicant.fill(f"#id_{key}_{i}", value)
    applicant.fill("#id_revenue_1", "-48200")
    applicant.click("form.section-form button[type=submit]")
    applicant.wait_for_selector("#id_revenue_1_error")
    assert "0" in applicant.inner_text("#id_revenue_1_error")
    assert applicant.input_value("#id_profit_3") == "3725.8"
    j.snap(applicant, "applicant", "figures-negative-revenue")
    applicant.fill("#id_revenue_1", "48200")
    _save_section(applicant, case_pk, "figures")

    _open_section(applicant, case_pk, "systems")
    for key in ("iso9001", "iso14001", "iso45001"):
        applicant.fill(f"#id_{key}_number", f"00124{key.upper()}R2M")
        applicant.fill(f"#id_{key}_body", "中国质量认证中心")
        applicant.fill(f"#id_{key}_scope", f"{ORG_NAME}矿山机械及液压件的设计、生产和服务")
        applicant.fill(f"#id_{key}_issued_on", "2024-06-10")
        applicant.fill(f"#id_{key}_expires_on", "2030-06-09")
    applicant.fill("#id_cqo_name", "刘质量")
    applicant.fill("#id_cqo_post", "副总经理")
    applicant.fill("#id_cqo_appointed_on", "2023-03-01")
    applicant.fill(
        "#id_excellence_model_usage", "自2019年起推行卓越绩效管理模式，每年开展自我评价。"
    )
    _save_section(applicant, case_pk, "systems")

    _open_section(applicant, case_pk, "declarations")
    for name in ("credit_good", "no_major_accident", "no_violation"):
        applicant.check(f"input[name={name}][value=True]")
    _save_section(applicant, case_pk, "declarations")
    for name in ("credit_good", "no_major_accident", "no_violation"):
        assert applicant.is_checked(f"input[name={name}][value=True]")

    _open_section(applicant, case_pk, "assessment")
    applicant.fill(
        "#id_overview", f"{ORG_NAME}成立于2012年，坚持质量第一，建立了完善的质量管理体系。"
    )
    for item in j.items:
        key = _key(item.code)
        applicant.fill(
            f"[name=item_{key}_text]", f"评分项{item.code}：方法、展开、学习和整合情况说明。"
        )
        applicant.select_option(f"[name=item_{key}_percent]", "70")
    _save_section(applicant, case_pk, "assessment")
    assert applicant.input_value("[name=item_4_1_2_percent]") == "70"
    j.snap(applicant, "applicant", "section-assessment", full_page=False)

    _open_section(applicant, case_pk, "attachments")
    upload_form = "main form[action$='/files/']"
    applicant.select_option(f"{upload_form} [name=kind]", "business_licence")
    applicant.set_input_files(
        f"{upload_form} [name=file]",
        {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": b"<html>hi</html>"},
    )
    applicant.click(f"{upload_form} button[type=submit]")
    applicant.wait_for_selector("#id_file_error")
    assert "不是 PDF 文件" in applicant.inner_text("#id_file_error"), applicant.inner_text(
        "#id_file_error"
    )
    j.snap(applicant, "applicant", "attachment-disguised-html-refused")
    for kind, name in REQUIRED_FILES:
        applicant.select_option(f"{upload_form} [name=kind]", kind)
        applicant.set_input_files(f"{upload_form} [name=file]", pdf_file(name))
        applicant.click(f"{upload_form} button[type=submit]")
        applicant.wait_for_url(f"**/cases/{case_pk}/application/attachments/")
        applicant.wait_for_selector(f".messages .msg.success:has-text('{name}')")
    listed = applicant.inner_text("main table.table")
    assert all(name in listed for _kind, name in REQUIRED_FILES), listed
    assert listed.count("营业执照.pdf") == 1, "the refused file must not be listed"
    j.snap(applicant, "applicant", "attachments-uploaded")

    _open_section(applicant, case_pk, "pledge")
    applicant.fill("#id_signer", LEGAL_REPRESENTATIVE)
    applicant.check("#id_agree")
    _save_section(applicant, case_pk, "pledge")
    missing = applicant.inner_text("nav.app-nav")
    assert applicant.is_visible("nav.app-nav [data-missing='0']"), missing
    assert "申报材料已完整，可以提交" in missing
    j.snap(applicant, "applicant", "application-complete")

    applicant.click(f"main a[href='/cases/{case_pk}/']")
    applicant.wait_for_url(f"**/cases/{case_pk}/")
    _fire(applicant, "submit", "submitted")
    j.snap(applicant, "applicant", "submitted")
    _relay()


# --- 3. County recommendation -------------------------------------------------------------


def _recommend(j: Journey) -> None:
    county = j.page("county", j.county.username)
    assert ORG_NAME in county.inner_text("main")
    j.snap(county, "county", "home")
    county.click(f"main a[href='/cases/{j.case_pk}/']")
    county.wait_for_url(f"**/cases/{j.case_pk}/")

    # Declining needs a reason: refused without one, and nothing changes.
    county.click("form[data-action=decline] button[type=submit]")
    expect(county.locator("form[data-action=decline]")).to_contain_text(
        "此操作需要填写意见或理由。"
    )
    expect(county.locator("[data-state]")).to_have_attribute("data-state", "submitted")
    j.snap(county, "county", "decline-without-reason")

    county.click("[data-action=recommend] a")
    county.wait_for_url(f"**/cases/{j.case_pk}/recommend/")
    opinion = "该单位质量管理基础扎实，经营规范，同意推荐。"
    county.fill("#id_opinion", opinion)
    county.click("main form button[type=submit]")
    county.wait_for_selector("#id_scan_error")
    assert "请上传盖章的推荐意见扫描件" in county.inner_text("#id_scan_error")
    assert county.input_value("#id_opinion") == opinion, "typed opinion was lost"
    j.snap(county, "county", "recommend-without-scan")
    county.set_input_files("#id_scan", pdf_file("推荐意见.pdf"))
    county.click("main form button[type=submit]")
    county.wait_for_url(f"**/cases/{j.case_pk}/")
    county.wait_for_selector("[data-state=recommended]")
    j.snap(county, "county", "recommended")


# --- 4. Screening and acceptance ----------------------------------------------------------


def _screen_and_accept(j: Journey) -> None:
    office = j.page("office", j.office.username)
    assert ORG_NAME in office.inner_text("main"), "the office's home does not list the case"
    j.snap(office, "office", "home")
    office.click("header nav a[href='/cases/screening/']")
    office.wait_for_url("**/cases/screening/")
    expect(office.locator(f"[data-screening-desk] tr[data-case='{j.case_pk}']")).to_contain_text(
        ORG_NAME
    )
    j.snap(office, "office", "screening-desk")
    office.click(f"[data-screening-desk] tr[data-case='{j.case_pk}'] a")
    office.wait_for_url(f"**/cases/{j.case_pk}/screening/")
    checks = office.eval_on_selector_all(
        "article.check", "els => els.map(e => [e.dataset.check, e.dataset.result])"
    )
    assert [code for code, _result in checks] == list(CHECK_CODES), checks
    failing = [code for code, result in checks if result not in ("pass", "judgement")]
    assert not failing, f"automatic checks failed for a complete application: {failing}"
    # The automatic passes are confirmed in one step; what needs judgement is
    # decided check by check, with a reason.
    passes = [code for code, result in checks if result == "pass"]
    j.snap(office, "office", "screening-confirm-passes")
    office.click("form[data-confirm-passes] button[type=submit]")
    _success(office, f"已确认{len(passes)}项自动检查通过的审查项。")
    for code in passes:
        expect(office.locator(f"article[data-check='{code}'] p.decision")).to_have_attribute(
            "data-final", "pass"
        )
    for code in (code for code, result in checks if result != "pass"):
        article = f"article[data-check='{code}']"
        office.check(f"{article} input[name='{code}-outcome'][value=pass]")
        office.fill(f"{article} textarea[name='{code}-note']", "认证范围与申报组织一致。")
        office.click(f"{article} button[type=submit]")
        office.wait_for_selector(f"{article} p.decision[data-final=pass]")
    assert "全部审查项已确认且均为通过" in office.inner_text("section[data-missing]")
    j.snap(office, "office", "screening-checklist-decided")

    office.click(f"main a.button[href='/cases/{j.case_pk}/']")
    office.wait_for_url(f"**/cases/{j.case_pk}/")
    _fire(office, "accept", "accepted")
    j.snap(office, "office", "accepted")


# --- 5. The document-review team ----------------------------------------------------------


def _form_document_team(j: Journey) -> None:
    office = j.page("office")
    office.click("[data-review-links] a:has-text('评审组与回避')")
    office.wait_for_url(f"**/review/cases/{j.case_pk}/team/**")
    office.click("#draw button[type=submit]")
    office.wait_for_url("**/review/draws/*/")
    _success(office, "已完成随机抽取")
    assert office.get_attribute("[data-replays]", "data-replays") == "yes"
    drawn = office.inner_text("[data-result]")
    assert all(r.name in drawn for r in j.reviewers), drawn
    office.select_option("#id_leader", label=j.leader.name)
    j.snap(office, "office", "team-draw")
    office.click("main form button[type=submit]")
    office.wait_for_url(f"**/review/cases/{j.case_pk}/team/**")
    _success(office, "已按抽取结果指派评审员")
    expect(office.locator("[data-team] tr[data-assignment]")).to_have_count(len(j.reviewers))
    expect(office.locator("[data-team] tr[data-role=leader]")).to_contain_text(j.leader.name)
    assert "未签署" in office.inner_text("[data-team]")
    j.snap(office, "office", "team-formed")


def _sign_declaration(j: Journey, page, role: str, *, snap: bool) -> None:
    """The expert signs the declaration of the one assignment still unsigned."""
    page.goto(f"{j.url}/review/my/")
    page.click("[data-my-assignments] a.button:has-text('签署声明')")
    page.wait_for_url("**/review/my/*/declaration/")
    assert ORG_NAME in page.inner_text("main")
    page.check("#id_pledge")
    page.check("input[name=relation][value=none]")
    if snap:
        j.snap(page, role, "declaration")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/cases/{j.case_pk}/")
    _success(page, "已签署声明")


def _declare_and_start(j: Journey) -> None:
    for n, reviewer in enumerate(j.reviewers, start=1):
        page = j.page(f"reviewer{n}", reviewer.user.username)
        _sign_declaration(j, page, f"reviewer{n}", snap=True)

    office = j.page("office")
    office.reload()
    assert "评审组已满" in office.inner_text("[data-incomplete]"), office.inner_text(
        "[data-incomplete]"
    )
    office.click("main a:has-text('返回案卷')")
    office.wait_for_url(f"**/cases/{j.case_pk}/")
    _fire(office, "start_document_review", "document_review")
    j.snap(office, "office", "document-review-started")


# --- 6. Scoring and the consensus ---------------------------------------------------------


def _plan(j: Journey, n: int) -> dict[str, int]:
    """Reviewer number `n`'s percentage per item."""
    plan = dict.fromkeys((i.code for i in j.items), REVIEWER_PERCENTS[n - 1])
    plan[j.items[DIVERGENT_INDEX].code] = DIVERGENT_PERCENTS[n - 1]
    return plan


def _score(j: Journey, n: int, *, draft: bool = False) -> None:
    """Reviewer number `n` fills in the scorebook, watching the live total (and,
    with `draft`, saves a draft first), and submits it: it locks."""
    role, reviewer, plan = f"reviewer{n}", j.reviewers[n - 1], _plan(j, n)
    page = j.page(role)
    page.goto(f"{j.url}/cases/{j.case_pk}/")
    page.click("[data-review-links] a:has-text('我的评分表')")
    page.wait_for_selector("form[data-scorebook]")
    assert reviewer.name in page.inner_text("[data-scorebook-summary]")
    total = page.locator("[data-total]")
    assert Decimal(total.inner_text().strip()) == 0, "an empty scorebook shows a total"
    first = j.items[0]
    page.select_option(f"select[name=percent_{_key(first.code)}]", str(plan[first.code]))
    expect(total).to_have_text(f"{_points([first], plan):.2f}")
    for item in j.items:
        page.select_option(f"select[name=percent_{_key(item.code)}]", str(plan[item.code]))
    # Findings are optional per item; each expert writes some.
    for item in j.items[:FINDINGS_ITEMS]:
        key = _key(item.code)
        page.fill(f"textarea[name=strengths_{key}]", f"{item.code}：方法已系统展开。")
        page.fill(f"textarea[name=opportunities_{key}]", f"{item.code}：对标比较有待加强。")
    expected = _points(j.items, plan)
    expect(total).to_have_text(f"{expected:.2f}")
    if draft:
        page.click("form[data-scorebook] button[name=action][value=save]")
        _success(page, "评分表草稿已保存。")
        expect(page.locator("[data-status=draft]")).to_be_visible()
        # The server's total of the saved draft is the same, and so are the choices.
        expect(total).to_have_text(f"{expected:.2f}")
        divergent = j.items[DIVERGENT_INDEX].code
        shown = page.input_value(f"select[name=percent_{_key(divergent)}]")
        assert shown == str(plan[divergent]), f"the saved draft shows {shown!r}"
        j.snap(page, role, "scorebook-draft", full_page=False)
    page.click("form[data-scorebook] button[name=action][value=submit]")
    page.wait_for_selector("[data-status=submitted]")
    _success(page, "评分表已提交。")
    assert page.locator("form[data-scorebook]").count() == 0, "the scorebook is still open"
    expect(total).to_have_text(f"{expected:.2f}")
    j.snap(page, role, "scorebook-submitted", full_page=False)


def _consensus_too_early(j: Journey) -> None:
    """With one scorebook in, the leader tries to submit the consensus and is
    told who has not submitted yet."""
    leader = j.page("reviewer1")
    leader.goto(f"{j.url}{reverse('review:consensus', args=[j.case_pk])}")
    leader.wait_for_selector("form[data-consensus-form]")
    expect(leader.locator("[data-columns]")).to_have_text("1")
    late = j.reviewers[2].name
    assert late in leader.inner_text("[data-waiting]"), leader.inner_text("[data-board]")
    leader.click("form[data-consensus-form] button[name=action][value=submit]")
    errors = leader.locator("form[data-consensus-form] .errors")
    expect(errors).to_contain_text("尚未提交评分表")
    assert late in errors.inner_text(), f"the missing expert {late} is not named"
    assert j.leader.name in errors.inner_text(), errors.inner_text()
    assert not Consensus.objects.filter(case_id=j.case_pk, status="submitted").exists()
    j.snap(leader, "reviewer1", "consensus-too-early", full_page=False)


def _consensus(j: Journey) -> None:
    leader = j.page("reviewer1")
    margin = j.cycle.consensus_margin_percent
    divergent = j.items[DIVERGENT_INDEX]
    spread = max(DIVERGENT_PERCENTS) - min(DIVERGENT_PERCENTS)
    assert spread > margin >= max(REVIEWER_PERCENTS) - min(REVIEWER_PERCENTS)
    assert abs(DIVERGENT_CONSENSUS - MEDIAN_PERCENT) > margin
    # The leader reaches the board from the scorebook (the case page links to it
    # only once a consensus draft exists).
    assert leader.url.endswith(f"/review/scoring/cases/{j.case_pk}/scorebook/"), leader.url
    leader.reload()
    leader.click("main a:has-text('查看评审组评分和共识')")
    leader.wait_for_selector("form[data-consensus-form]")
    expect(leader.locator("[data-columns]")).to_have_text(str(len(j.reviewers)))
    assert leader.locator("[data-waiting]").count() == 0
    # The item scored far apart is flagged with its spread and median; only it.
    row = leader.locator(f"tr[data-item='{divergent.code}']")
    expect(row).to_have_attribute("data-diverges", "")
    assert "分歧较大" in row.inner_text(), row.inner_text()
    assert str(spread) in row.inner_text(), row.inner_text()
    assert f"{MEDIAN_PERCENT}%" in row.inner_text(), row.inner_text()
    assert leader.locator("tr[data-diverges]").count() == 1
    # The form starts from the median of the submitted scorebooks.
    first = _key(j.items[0].code)
    assert leader.input_value(f"select[name=percent_{first}]") == str(MEDIAN_PERCENT)
    medians = dict.fromkeys((i.code for i in j.items), MEDIAN_PERCENT)
    expect(leader.locator("[data-consensus-total]")).to_have_text(
        f"{_points(j.items, medians):.2f}"
    )
    j.snap(leader, "reviewer1", "consensus-board", full_page=False)

    agreed = {**medians, divergent.code: DIVERGENT_CONSENSUS}
    key = _key(divergent.code)
    leader.select_option(f"select[name=percent_{key}]", str(DIVERGENT_CONSENSUS))
    leader.fill(f"textarea[name=strengths_{key}]", "方法系统并已全面展开。")
    expected = _points(j.items, agreed)
    expect(leader.locator("[data-consensus-total]")).to_have_text(f"{expected:.2f}")
    assert expected >= j.cycle.onsite_shortlist_threshold
    # Without a reason the departing item is refused, the choice kept …
    leader.click("form[data-consensus-form] button[name=action][value=submit]")
    errors = leader.locator("form[data-consensus-form] .errors")
    expect(errors).to_contain_text("请填写理由")
    assert divergent.code in errors.inner_text(), errors.inner_text()
    assert "尚未提交评分表" not in errors.inner_text(), errors.inner_text()
    expect(row).to_contain_text("需说明理由")
    assert leader.input_value(f"select[name=percent_{key}]") == str(DIVERGENT_CONSENSUS)
    # … with one it is accepted.
    leader.fill(f"textarea[name=reason_{key}]", DIVERGENCE_REASON)
    leader.click("form[data-consensus-form] button[name=action][value=submit]")
    leader.wait_for_selector("[data-consensus=submitted]")
    _success(leader, "共识评分已提交。")
    assert leader.locator("form[data-consensus-form]").count() == 0
    expect(leader.locator("[data-consensus-total]")).to_have_text(f"{expected:.2f}")
    assert DIVERGENCE_REASON in leader.inner_text("main")
    j.snap(leader, "reviewer1", "consensus-submitted", full_page=False)

    consensus = Consensus.objects.get(case_id=j.case_pk, stage="document")
    assert (consensus.status, consensus.leader_id) == ("submitted", j.leader.pk)
    entries = {e.item_code: e for e in ConsensusEntry.objects.filter(consensus=consensus)}
    assert {code: e.percent for code, e in entries.items()} == agreed
    assert entries[divergent.code].reason == DIVERGENCE_REASON
    assert consensus.total == expected
    j.consensus_percents = agreed


# --- 7. The on-site list ------------------------------------------------------------------


def _shortlist(j: Journey) -> None:
    office = j.page("office")
    office.click("header nav a[href='/review/scoring/ranking/']")
    office.wait_for_url("**/review/scoring/ranking/**")
    row = office.locator(f"[data-ranking] tr[data-case='{j.case_pk}']")
    expect(row).to_contain_text(ORG_NAME)
    expect(row.locator("input[name=cases]")).to_be_checked()
    j.snap(office, "office", "ranking")
    office.click("main form button.primary")
    _success(office, "现场评审名单已确定：1个组织进入现场评审")
    expect(office.locator(f"[data-ranking] tr[data-case='{j.case_pk}']")).to_contain_text(
        "现场评审"
    )
    assert j.case().state == "onsite_review"


# --- 8. On-site review --------------------------------------------------------------------


def _onsite_team(j: Journey) -> None:
    office = j.page("office")
    office.goto(f"{j.url}/cases/{j.case_pk}/")
    office.click("[data-review-links] a:has-text('现场评审组和日程')")
    office.wait_for_url(f"**/review/cases/{j.case_pk}/onsite/")
    office.select_option("#id_leader", value=str(j.leader.pk))
    for reviewer in j.reviewers[1:]:
        office.check(f"input[name=members][value='{reviewer.pk}']")
    office.fill("#id_reason", "由资料评审组专家组成现场评审组，熟悉案卷。")
    office.click(f"form[action='/review/cases/{j.case_pk}/onsite/'] button[type=submit]")
    _success(office, "现场评审组已保存。")
    expect(office.locator("[data-team] tr[data-role=leader]")).to_contain_text(j.leader.name)
    today = timezone.localdate().isoformat()
    office.fill("#id_starts_on", today)
    office.fill("#id_ends_on", today)
    office.fill("#id_agenda", "首次会议；现场查看生产和检验过程；高层和员工访谈；末次会议。")
    office.click(f"form[action='/review/cases/{j.case_pk}/onsite/schedule/'] button[type=submit]")
    _success(office, "现场评审日程已保存。")
    j.snap(office, "office", "onsite-team-and-schedule")

    for n in range(1, len(j.reviewers) + 1):
        _sign_declaration(j, j.page(f"reviewer{n}"), f"reviewer{n}", snap=n == 1)


def _onsite_report(j: Journey) -> None:
    leader = j.page("reviewer1")  # on the case page, having signed the declaration
    leader.click("[data-review-links] a:has-text('现场评分')")
    leader.wait_for_url(f"**/review/cases/{j.case_pk}/onsite/scores/")
    first = _key(j.items[0].code)
    assert leader.input_value(f"select[name=percent_{first}]") == str(MEDIAN_PERCENT)
    leader.select_option(f"select[name=percent_{first}]", str(ONSITE_RAISED_PERCENT))
    leader.fill(f"textarea[name=evidence_{first}]", "现场查看了战略规划会议纪要和年度目标分解表。")
    leader.click("main form button[type=submit]")
    _success(leader, "现场评分已保存。")
    # The on-site scores start from the document consensus.
    onsite = {**j.consensus_percents, j.items[0].code: ONSITE_RAISED_PERCENT}
    j.onsite_total = _points(j.items, onsite)
    expect(leader.locator("[data-total]")).to_have_text(f"{j.onsite_total:.2f}")
    j.snap(leader, "reviewer1", "onsite-scores", full_page=False)

    leader.click("nav.filters a:has-text('现场评审报告')")
    leader.wait_for_url(f"**/review/cases/{j.case_pk}/onsite/report/")
    leader.fill("#id_sites_and_interviews", "生产车间、检验中心；访谈总经理和员工12人。")
    leader.fill("#id_verification", "主要经营数据经核对财务报表和统计台账，真实准确。")
    leader.fill("#id_veto_findings", "未发现较大及以上质量、安全、环境事故和违法行为。")
    leader.fill("#id_conclusion", "卓越绩效管理体系运行有效，质量管理水平在本行业领先。")
    leader.check("input[name=recommendation][value=recommend]")
    leader.fill("#id_recommendation_reason", "现场评审得分较高，质量管理经验具有推广价值。")
    leader.click(f"form[action='/review/cases/{j.case_pk}/onsite/report/'] button[type=submit]")
    _success(leader, "现场评审报告已保存。")
    leader.click(f"form[action='/review/cases/{j.case_pk}/onsite/report/send/'] button")
    _success(leader, "报告已发送申报单位确认。")
    j.snap(leader, "reviewer1", "onsite-report-sent")


def _applicant_confirms(j: Journey) -> None:
    applicant = j.page("applicant")
    applicant.goto(f"{j.url}/cases/{j.case_pk}/")
    applicant.click("[data-review-links] a:has-text('确认现场评审报告')")
    applicant.wait_for_url(f"**/review/cases/{j.case_pk}/onsite/confirm/")
    assert "卓越绩效管理体系运行有效" in applicant.inner_text("main")
    applicant.check("input[name=decision][value=agree]")
    applicant.click("main form button[type=submit]")
    _success(applicant, "您的确认意见已提交。")
    j.snap(applicant, "applicant", "onsite-report-confirmed")

    applicant.click("main a:has-text('评价现场评审组成员')")
    applicant.wait_for_url(f"**/review/cases/{j.case_pk}/onsite/evaluate/")
    sections = applicant.locator("section[data-member]")
    expect(sections).to_have_count(len(j.reviewers))
    for pk in sections.evaluate_all("els => els.map(e => e.dataset.member)"):
        section = f"section[data-member='{pk}']"
        applicant.check(f"{section} input[name=a{pk}-quality][value='5']")
        applicant.check(f"{section} input[name=a{pk}-discipline][value='5']")
        applicant.fill(f"{section} textarea[name=a{pk}-comment]", "工作认真，遵守纪律。")
        applicant.click(f"{section} button[type=submit]")
        expect(applicant.locator(f"{section} form")).to_have_count(0)
    j.snap(applicant, "applicant", "onsite-team-evaluated")


def _onsite_finish(j: Journey) -> None:
    leader = j.page("reviewer1")
    leader.reload()
    leader.click(f"form[action='/review/cases/{j.case_pk}/onsite/report/submit/'] button")
    _success(leader, "现场评审报告已提交评审办。")
    j.snap(leader, "reviewer1", "onsite-report-submitted")

    office = j.page("office")
    office.reload()
    _fire(office, "finish_onsite", "evaluation")
    j.snap(office, "office", "onsite-finished")
    _relay()


# --- 9. Comprehensive evaluation and the committee ----------------------------------------


def _nominate(j: Journey) -> None:
    office = j.page("office")
    office.click("header nav a[href='/committee/evaluation/']")
    office.wait_for_url("**/committee/evaluation/**")
    row = office.locator(f"[data-evaluation] tr[data-case='{j.case_pk}']")
    expect(row.locator("[data-onsite]")).to_contain_text(f"{j.onsite_total:.2f}")
    assert j.onsite_total >= j.cycle.pass_score
    expect(row).to_contain_text("建议授奖")
    office.fill("#id_comparison", "该组织资料评审与现场评审得分一致，评审组建议授奖，依据充分。")
    office.click(f"form[action='/committee/evaluation/{j.cycle.pk}/comparison/'] button")
    _success(office, "综合评价意见已保存。")
    office.click(f"[data-evaluation] tr[data-case='{j.case_pk}'] button[value=nominate]")
    _success(office, "已列为获奖候选")
    office.click(f"form[action='/committee/evaluation/{j.cycle.pk}/dispatch/'] button")
    _success(office, "获奖候选名单已送评委会")
    expect(office.locator("[data-dispatched]")).to_be_visible()
    j.snap(office, "office", "evaluation-nominated")


def _committee_meeting(j: Journey) -> None:
    office = j.page("office")
    office.click("header nav a[href='/committee/meetings/']")
    office.wait_for_url("**/committee/meetings/**")
    office.fill("#id_held_on", timezone.localdate().isoformat())
    office.fill("#id_place", "衡阳市人民政府第三会议室")
    office.click("main form button.primary")
    office.wait_for_url("**/committee/meetings/*/")
    _success(office, "会议已创建")
    for box in office.locator("input[name=present]").all():
        box.check()
    office.click("form[action$='/attendance/'] button[type=submit]")
    _success(office, "出席情况已记录。")
    j.snap(office, "office", "meeting-attendance")

    for member in j.committee:
        role = j.role_of(member)
        page = j.page(role, member.user.username)
        page.goto(f"{j.url}/committee/my/candidates/")
        row = page.locator(f"[data-candidates] tr[data-case='{j.case_pk}']")
        expect(row).to_contain_text(ORG_NAME)
        row.get_by_role("link", name="作出声明").click()
        page.check("input[name=answer][value=none]")
        page.click("main button[type=submit]")
        expect(page.locator("[data-declared]")).to_contain_text("不存在利害关系")
        j.snap(page, role, "declared")

    office.click("[data-open-round]")
    _success(office, "投票已开始")
    expect(office.locator("[data-tally]")).to_contain_text("投票结束后显示")


def _ballot(j: Journey) -> dict[str, int]:
    """Every member votes in secret: the director and one member approve, the
    other member abstains. Returns the expected counts."""
    choices = {}
    for n, member in enumerate(j.committee):
        choices[member.pk] = "abstain" if n == len(j.committee) - 1 else "approve"
    for member in j.committee:
        role = j.role_of(member)
        page = j.page(role)
        page.goto(f"{j.url}/committee/my/")
        page.click("[data-my-meetings] a")
        page.click("[data-go-ballot]")
        status = page.locator(f"[data-ballot-status] li[data-case='{j.case_pk}']")
        expect(status).to_contain_text("待投票")
        page.check(f"input[name=case_{j.case_pk}][value={choices[member.pk]}]")
        page.click("main form button[type=submit]")
        expect(status).to_contain_text("已投票")
        j.snap(page, role, "ballot-cast")
    return {c: list(choices.values()).count(c) for c in ("approve", "oppose", "abstain")}


def _tally_and_adopt(j: Journey, counts: dict[str, int]) -> None:
    office = j.page("office")
    office.reload()
    office.click("[data-close-round]")
    tally = office.locator(f"[data-tally] tr[data-case='{j.case_pk}']")
    for choice, count in counts.items():
        expect(tally.locator(f"[data-{choice}]")).to_have_text(str(count))
    expect(office.locator(f"[data-resolution] tr[data-entry='{j.case_pk}']")).to_have_attribute(
        "data-outcome", "proposed"
    )
    j.snap(office, "office", "ballot-tally")

    director = j.page("director")
    director.click("header nav a[href='/committee/decision/']")
    director.wait_for_url("**/committee/decision/**")
    director.click("[data-adopt]")
    _success(director, "决议已采纳：1个组织确定为拟获奖组织")
    j.snap(director, "director", "resolution-adopted")
    assert j.case().state == "proposed"
    _relay()


# --- 10. Publicity and its end ------------------------------------------------------------


def _publicity(j: Journey) -> None:
    office = j.page("office")
    office.click("header nav a[href='/publicity/notices/']")
    office.wait_for_url("**/publicity/notices/**")
    expect(office.locator("main")).to_contain_text(ORG_NAME)
    office.click(f"form[action='/publicity/notices/generate/{j.cycle.pk}/'] button")
    _success(office, "公示草稿已生成")
    expect(office.locator("section[aria-labelledby=draft-title]")).to_contain_text(ORG_NAME)
    j.snap(office, "office", "publicity-draft")
    provisional = office.locator("input[name=confirm_provisional]")
    if provisional.count():
        provisional.check()
    office.click("form[action$='/publish/'] button[type=submit]")
    _success(office, "公示已发布")
    period = re.search(
        r"公示期为(\d{4}-\d{2}-\d{2})至(\d{4}-\d{2}-\d{2})", office.inner_text(".messages")
    )
    assert period, office.inner_text(".messages")
    j.publicity_ends_on = datetime.date.fromisoformat(period.group(2))
    published = office.locator("section[aria-labelledby=published-title] table")
    expect(published).to_contain_text("拟授奖组织名单的公示")
    j.snap(office, "office", "publicity-published")
    assert j.case().state == "in_publicity"


def _publicity_runs_out(j: Journey, time_machine) -> None:
    """No objection arrives; the morning after the last day the scheduled deadline
    scan (nobody clicks it) closes the publicity."""
    morning = datetime.datetime.combine(
        j.publicity_ends_on + datetime.timedelta(days=1), datetime.time(9)
    )
    time_machine.move_to(timezone.make_aware(morning), tick=True)
    assert j.case().state == "in_publicity"

    result = deadline_scan_task()

    assert result["fired"] == [(j.case_pk, "close_publicity")], result
    assert j.case().state == "director_review"


# --- 11. Approvals ------------------------------------------------------------------------


def _director_approves(j: Journey) -> None:
    page = j.come_back("director", j.director.user.username, "/approvals/director/")
    _approve(j, page, "director", then="mayor_approval")


def _mayor_approves(j: Journey) -> None:
    page = j.page("mayor", j.mayor.username)
    page.click("header nav a[href='/approvals/mayor/']")
    page.wait_for_url("**/approvals/mayor/**")
    _approve(j, page, "mayor", then="awarded")


def _approve(j: Journey, page, role: str, *, then: str) -> None:
    card = f"section[data-case='{j.case_pk}']"
    expect(page.locator(card)).to_contain_text(ORG_NAME)
    expect(page.locator(f"{card} [data-objections]")).to_contain_text("公示期内无异议")
    page.check(f"{card} input[name=decision][value=approve]")
    page.fill(f"{card} textarea[name=note]", "同意。")
    j.snap(page, role, "approval")
    page.click(f"{card} button[type=submit]")
    _success(page, f"已同意：{ORG_NAME}")
    assert j.case().state == then


# --- 12. The announcement and the certificate ---------------------------------------------


def _announce(j: Journey) -> None:
    office = j.come_back("office", j.office.username, "/supervision/announcement/")
    expect(office.locator(f"[data-winners] tr[data-case='{j.case_pk}']")).to_contain_text(ORG_NAME)
    office.fill("#id_number", f"衡政公告〔{timezone.localdate().year}〕8号")
    j.snap(office, "office", "announcement")
    office.click("form[action$='/issue/'] button[type=submit]")
    office.wait_for_url("**/supervision/awards/**")
    _success(office, "证书正在生成")
    row = office.locator("[data-awards] tr[data-award]")
    expect(row).to_have_count(1)
    expect(row.locator("[data-render=pending]")).to_be_visible()

    _relay()
    office.reload()
    download = row.locator("a:has-text('下载证书')")
    expect(download).to_be_visible()
    response = office.request.get(j.url + download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF"), response.body()[:20]
    j.certificate_number = re.search(r"\S+", row.locator("td").nth(4).inner_text()).group(0)
    j.title_ends_on = re.findall(r"\d{4}-\d{2}-\d{2}", row.locator("td").nth(2).inner_text())[-1]
    j.snap(office, "office", "award-certificate")


# --- 13. The public verifies --------------------------------------------------------------


def _public_verifies(j: Journey) -> None:
    public = j.page("public", viewport={"width": 390, "height": 844})
    public.goto(f"{j.url}/public/")
    public.click("nav.public-nav a:has-text('获奖组织')")
    expect(public.locator("[data-winners]")).to_contain_text(ORG_NAME)
    expect(public.locator("[data-winners]")).to_contain_text(f"{j.cycle.year}年度")
    j.snap(public, "public", "winners")
    public.click("nav.public-nav a:has-text('证书核验')")
    public.fill("#id_number", j.certificate_number)
    public.click("main form button[type=submit]")
    result = public.locator("[data-verify-result=valid]")
    expect(result).to_contain_text("证书有效")
    expect(result).to_contain_text(ORG_NAME)
    expect(result).to_contain_text(j.title_ends_on)
    j.snap(public, "public", "certificate-valid")

    number = j.certificate_number
    wrong = number[:-3] + ("000" if number[-3:] != "000" else "111")
    public.fill("#id_number", wrong)
    public.click("main form button[type=submit]")
    expect(public.locator("[data-verify-result=not_found]")).to_contain_text("未找到该证书编号")
    assert ORG_NAME not in public.inner_text("main")
    j.snap(public, "public", "certificate-not-found")


# --- The record ---------------------------------------------------------------------------


def _assert_record(j: Journey) -> None:
    case = j.case()
    assert case.state == "awarded"
    assert case.organisation.credit_code == CREDIT_CODE
    assert case.cycle_id == j.cycle.pk
    assert ApplicationSnapshot.objects.filter(case=case, round=1).exists()
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
    assert [e.name for e in events] == TRANSITIONS
    assert events[TRANSITIONS.index("close_publicity")].actor.username == "system"

    award = Award.objects.get(case=case)
    today = timezone.localdate()
    assert award.organisation_id == case.organisation_id
    assert award.cycle_id == j.cycle.pk
    assert award.starts_on == today
    assert award.starts_on > j.publicity_ends_on
    assert award.ends_on.isoformat() == j.title_ends_on
    certificate = Certificate.objects.get(award=award)
    assert certificate.number == j.certificate_number
    assert certificate.is_rendered

    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "哈希链完整" in out.getvalue(), out.getvalue()


def test_organisation_from_registration_to_verified_certificate(
    role_page, live_server, shoot, settings, time_machine
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.SITE_URL = live_server.url
    j = _arrange(live_server, role_page, shoot)

    _register(j)
    _apply(j)
    _recommend(j)
    _screen_and_accept(j)
    _form_document_team(j)
    _declare_and_start(j)
    _score(j, 2, draft=True)
    _consensus_too_early(j)
    _score(j, 3)
    _score(j, 1)
    _consensus(j)
    _shortlist(j)
    _onsite_team(j)
    _onsite_report(j)
    _applicant_confirms(j)
    _onsite_finish(j)
    _nominate(j)
    _committee_meeting(j)
    counts = _ballot(j)
    _tally_and_adopt(j, counts)
    _publicity(j)
    _publicity_runs_out(j, time_machine)
    _director_approves(j)
    _mayor_approves(j)
    _announce(j)
    _public_verifies(j)

    _assert_record(j)
