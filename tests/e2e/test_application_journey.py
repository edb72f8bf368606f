"""In a real browser, the whole way in: an organisation registers itself, verifies
its e-mail address, fills in and submits its application file; its county
recommends it with a stamped scan; the review office screens and accepts it.
Each role acts in its own browser context; mistakes are tried once on the way
(mismatched passwords, a negative revenue, a disguised file, a missing scan)."""

import re

import pytest
from django.core import mail

from applications.models import ApplicationSnapshot, Case, CaseEvent
from applications.screening import CHECK_CODES
from hengyang_award.core import credit_code
from hengyang_award.core.models import County, ScoringItem
from hengyang_award.core.roles import Role
from hengyang_award.jobs.outbox import outbox_relay
from tests.factories import PASSWORD, make_cycle, make_user, tiny_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000

ORG_NAME = "衡阳蒸湘精工机械有限公司"
LEGAL_REPRESENTATIVE = "周正衡"
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


@pytest.fixture
def role_page(browser):
    """A page in a browser context of its own (one per role), closed afterwards."""
    contexts = []

    def open_page():
        context = browser.new_context(locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _login(page, live_server, username):
    if "/accounts/login/" not in page.url:
        page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/home/")


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": tiny_pdf(name)}


def _open_section(page, case_pk, section):
    page.click(f"nav.app-nav a[href='/cases/{case_pk}/application/{section}/']")
    page.wait_for_url(f"**/cases/{case_pk}/application/{section}/")


def _save_section(page, case_pk, section):
    page.click("form.section-form button[type=submit]")
    page.wait_for_url(f"**/cases/{case_pk}/application/{section}/")
    page.wait_for_selector(".messages .msg.success")
    assert "已保存" in page.inner_text(".messages"), page.inner_text("main")


def _fill_registration(page, *, password2):
    page.fill("#id_username", "zxjg_admin")
    page.fill("#id_full_name", "陈申报")
    page.fill("#id_email", "shenbao@zxjg.example.invalid")
    page.fill("#id_phone", "13807340000")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", password2)
    page.fill("#id_name", ORG_NAME)
    page.fill("#id_credit_code", CREDIT_CODE)
    page.fill("#id_registration_date", "2012-05-18")
    page.fill("#id_legal_representative", LEGAL_REPRESENTATIVE)
    page.fill("#id_address", "衡阳市蒸湘区长丰大道88号")
    page.select_option("#id_county", label="蒸湘区")
    page.fill("#id_industry", "通用设备制造")
    page.select_option("#id_size", label="中型")
    page.fill("#id_contact_name", "陈申报")
    page.fill("#id_contact_phone", "0734-8123456")
    page.fill("#id_contact_email", "contact@zxjg.example.invalid")


def test_organisation_registers_applies_county_recommends_office_accepts(
    role_page, live_server, shoot, settings
):
    # --- Arrange ---------------------------------------------------------------
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.SITE_URL = live_server.url
    office_user = make_user(Role.OFFICE_STAFF, full_name="评审办王工")
    cycle = make_cycle(office=office_user)
    county_area = County.objects.get(code="430408")
    assert county_area.name == "蒸湘区"
    county_user = make_user(Role.COUNTY_OFFICIAL, county=county_area, full_name="蒸湘区李工")
    item_codes = list(ScoringItem.objects.values_list("code", flat=True))
    assert len(item_codes) == 23, item_codes
    assert credit_code.check(CREDIT_CODE).checksum_ok

    # --- 1. Registration ---------------------------------------------------------
    applicant = role_page()
    applicant.goto(f"{live_server.url}/")
    applicant.click("main a[href='/accounts/register/']")
    applicant.wait_for_url("**/accounts/register/")
    shoot(applicant, "10-registration-form")

    _fill_registration(applicant, password2=PASSWORD + "x")
    applicant.click("main form button[type=submit]")
    applicant.wait_for_selector("#id_password2_error")
    assert "两次输入的密码不一致" in applicant.inner_text("#id_password2_error")
    assert applicant.input_value("#id_name") == ORG_NAME, "typed organisation name was lost"
    assert applicant.input_value("#id_credit_code") == CREDIT_CODE
    shoot(applicant, "11-registration-password-mismatch")

    # Passwords are not sent back; everything else was kept.
    applicant.fill("#id_password1", PASSWORD)
    applicant.fill("#id_password2", PASSWORD)
    applicant.click("main form button[type=submit]")
    applicant.wait_for_url("**/accounts/register/done/")
    assert "请验证邮箱" in applicant.inner_text("main")
    shoot(applicant, "12-registration-check-email")

    # --- 2. E-mail verification ----------------------------------------------------
    report = outbox_relay()
    assert report.failed == 0, report
    assert report.pending == 0, report
    verification_mails = [m for m in mail.outbox if m.to == ["shenbao@zxjg.example.invalid"]]
    assert len(verification_mails) == 1, [(m.to, m.subject) for m in mail.outbox]
    body = verification_mails[-1].body
    link = re.search(r"https?://\S+/accounts/verification/\S+/", body)
    assert link, body
    assert link.group(0).startswith(live_server.url), link.group(0)
    applicant.goto(link.group(0))
    assert "zxjg_admin" in applicant.inner_text("main")
    shoot(applicant, "13-verify-confirm")
    applicant.click("main form button[type=submit]")
    applicant.wait_for_url("**/accounts/login/")
    assert "邮箱验证成功" in applicant.inner_text(".messages")
    _login(applicant, live_server, "zxjg_admin")
    shoot(applicant, "14-applicant-home")

    # --- 3. The application file -----------------------------------------------------
    applicant.click("main form[action='/cases/start/'] button[type=submit]")
    applicant.wait_for_url(re.compile(r".*/cases/\d+/$"))
    case_pk = int(re.search(r"/cases/(\d+)/$", applicant.url).group(1))
    assert applicant.get_attribute("[data-state]", "data-state") == "draft"
    applicant.click(f"main a[href='/cases/{case_pk}/application/basic/']")
    applicant.wait_for_url(f"**/cases/{case_pk}/application/basic/")
    assert ORG_NAME in applicant.inner_text("dl.facts")
    assert CREDIT_CODE in applicant.inner_text("dl.facts")

    applicant.fill("#id_employees", "268")
    applicant.fill("#id_main_products", "矿山机械、液压件及其配套零部件的设计与制造")
    _save_section(applicant, case_pk, "basic")
    shoot(applicant, "15-section-basic")

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
    shoot(applicant, "16-figures-negative-revenue")
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
    for code in item_codes:
        key = code.replace(".", "_")
        applicant.fill(f"[name=item_{key}_text]", f"评分项{code}：方法、展开、学习和整合情况说明。")
        applicant.select_option(f"[name=item_{key}_percent]", "60")
    _save_section(applicant, case_pk, "assessment")
    assert applicant.input_value("[name=item_4_1_2_percent]") == "60"
    shoot(applicant, "17-section-assessment")

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
    shoot(applicant, "18-attachment-disguised-html-rejected")
    for kind, name in REQUIRED_FILES:
        applicant.select_option(f"{upload_form} [name=kind]", kind)
        applicant.set_input_files(f"{upload_form} [name=file]", _pdf(name))
        applicant.click(f"{upload_form} button[type=submit]")
        applicant.wait_for_url(f"**/cases/{case_pk}/application/attachments/")
        applicant.wait_for_selector(f".messages .msg.success:has-text('{name}')")
    listed = applicant.inner_text("main table.table")
    assert all(name in listed for _kind, name in REQUIRED_FILES), listed
    assert listed.count("营业执照.pdf") == 1, "the rejected file must not be listed"
    shoot(applicant, "19-attachments-uploaded")

    _open_section(applicant, case_pk, "pledge")
    applicant.fill("#id_signer", LEGAL_REPRESENTATIVE)
    applicant.check("#id_agree")
    _save_section(applicant, case_pk, "pledge")
    missing = applicant.inner_text("nav.app-nav")
    assert applicant.is_visible("nav.app-nav [data-missing='0']"), missing
    assert "申报材料已完整，可以提交" in missing
    shoot(applicant, "20-application-complete")

    applicant.click(f"main a[href='/cases/{case_pk}/']")
    applicant.wait_for_url(f"**/cases/{case_pk}/")
    applicant.click("form[data-action=submit] button[type=submit]")
    applicant.wait_for_selector("[data-state=submitted]")
    shoot(applicant, "21-applicant-submitted")

    # --- 4. County recommendation -------------------------------------------------
    county = role_page()
    _login(county, live_server, county_user.username)
    assert ORG_NAME in county.inner_text("main")
    shoot(county, "22-county-home")
    county.click(f"main a[href='/cases/{case_pk}/']")
    county.wait_for_url(f"**/cases/{case_pk}/")
    county.click("[data-action=recommend] a")
    county.wait_for_url(f"**/cases/{case_pk}/recommend/")
    opinion = "该单位质量管理基础扎实，经营规范，同意推荐。"
    county.fill("#id_opinion", opinion)
    county.click("main form button[type=submit]")
    county.wait_for_selector("#id_scan_error")
    assert "请上传盖章的推荐意见扫描件" in county.inner_text("#id_scan_error")
    assert county.input_value("#id_opinion") == opinion, "typed opinion was lost"
    shoot(county, "23-county-recommend-without-scan")
    county.set_input_files("#id_scan", _pdf("推荐意见.pdf"))
    county.click("main form button[type=submit]")
    county.wait_for_url(f"**/cases/{case_pk}/")
    county.wait_for_selector("[data-state=recommended]")
    shoot(county, "24-county-recommended")

    # --- 5. Screening and acceptance by the office ------------------------------------
    office = role_page()
    _login(office, live_server, office_user.username)
    office.click("header nav a[href='/cases/screening/']")
    office.wait_for_url("**/cases/screening/")
    office.wait_for_selector(f"[data-screening-desk] tr[data-case='{case_pk}']")
    shoot(office, "25-office-screening-desk")
    office.click(f"[data-screening-desk] tr[data-case='{case_pk}'] a")
    office.wait_for_url(f"**/cases/{case_pk}/screening/")
    shoot(office, "26-office-checklist")

    checks = office.eval_on_selector_all(
        "article.check", "els => els.map(e => [e.dataset.check, e.dataset.result])"
    )
    assert [code for code, _result in checks] == list(CHECK_CODES), checks
    failing = [code for code, result in checks if result not in ("pass", "judgement")]
    assert not failing, f"automatic checks failed for a complete application: {failing}"
    for code, result in checks:
        article = f"article[data-check='{code}']"
        if result == "pass":
            office.check(f"{article} input[name='{code}-outcome'][value=confirm]")
        else:
            office.check(f"{article} input[name='{code}-outcome'][value=pass]")
            office.fill(f"{article} textarea[name='{code}-note']", "认证范围与申报组织一致。")
        office.click(f"{article} button[type=submit]")
        office.wait_for_selector(f"{article} p.decision[data-final=pass]")
    assert "全部审查项已确认且均为通过" in office.inner_text("section[data-missing]")
    shoot(office, "27-office-checklist-decided")

    office.click(f"main a.button[href='/cases/{case_pk}/']")
    office.wait_for_url(f"**/cases/{case_pk}/")
    accept = "form[data-action=accept]"
    assert office.get_attribute(f"{accept} button[type=submit]", "aria-disabled") is None, (
        office.inner_text(accept)
    )
    office.click(f"{accept} button[type=submit]")
    office.wait_for_selector("[data-state=accepted]")
    shoot(office, "30-office-accepted")

    # --- The record ---------------------------------------------------------------
    case = Case.objects.get(pk=case_pk)
    assert case.state == "accepted"
    assert case.organisation.credit_code == CREDIT_CODE
    assert case.cycle_id == cycle.pk
    assert ApplicationSnapshot.objects.filter(case=case, round=1).exists()
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
    assert [e.name for e in events] == ["submit", "recommend", "accept"]
