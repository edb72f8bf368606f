"""In a real browser: the applicant submits, the county recommends, the office sees
the case waiting for screening. Each role acts in its own browser context."""

import pytest

from applications.models import Case
from tests.factories import PASSWORD, World, complete_application, tiny_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, username):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/home/")
    return page


def test_applicant_submits_and_county_recommends(browser, live_server, shoot):
    world = World()
    case = world.new_case()
    complete_application(case, by=world.applicant)

    applicant = _login(browser, live_server, world.applicant.username)
    shoot(applicant, "01-applicant-home")
    applicant.click(f"a[href='/cases/{case.pk}/']")
    applicant.click("form[data-action=submit] button[type=submit]")
    applicant.wait_for_selector("[data-state=submitted]")
    shoot(applicant, "02-applicant-submitted")

    county = _login(browser, live_server, world.county.username)
    assert world.org.name in county.inner_text("main")
    county.click(f"a[href='/cases/{case.pk}/']")
    county.click("form[data-action=decline] button[type=submit]")
    assert "此操作需要填写意见或理由。" in county.inner_text("form[data-action=decline]")
    county.click("[data-action=recommend] a")
    county.fill("#id_opinion", "该单位质量管理基础扎实，同意推荐。")
    county.set_input_files(
        "#id_scan", {"name": "推荐意见.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}
    )
    county.click("form button[type=submit].primary")
    county.wait_for_selector("[data-state=recommended]")
    shoot(county, "03-county-recommended")

    office = _login(browser, live_server, world.office.username)
    assert world.org.name in office.inner_text("main")
    shoot(office, "04-office-home")

    assert Case.objects.get(pk=case.pk).state == "recommended"
