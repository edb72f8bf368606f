"""In a real browser: a member of the public, with no account, files a complaint
about a reviewer (refused first without facts, keeping what was typed, then
accepted with a receipt number) and looks it up; the office sees it in its list
and opens it, with the complainant's identity that the public pages never show."""

import pytest
from playwright.sync_api import expect

from review.models_complaints import Complaint
from tests.e2e.helpers import login
from tests.factories import PATH_TO, World, tiny_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FACTS = "现场评审期间，该评审员接受申报单位宴请，并暗示可以提高评分。"


def test_public_files_complaint_looks_it_up_office_sees_it(role_page, live_server, shoot):
    world = World()
    case = world.drive(world.new_case(), PATH_TO["accepted"])
    page = role_page(viewport={"width": 390, "height": 844})

    page.goto(f"{live_server.url}/public/complaints/new/")
    expect(page.locator("h1")).to_contain_text("投诉举报")
    page.select_option("#id_kind", "reviewer")
    page.select_option("#id_case", str(case.pk))
    page.fill("#id_person_concerned", "某评审员")
    page.fill("#id_complainant_name", "吴实名")
    page.fill("#id_phone", "13600007777")
    page.fill("#id_facts", "评审不公。")
    page.check("#id_pledge")
    page.click("main form button[type=submit]")
    expect(page.locator("#id_facts_error")).to_contain_text("具体事实")
    expect(page.locator("#id_complainant_name")).to_have_value("吴实名")
    shoot(page, "complaint-01-refused")

    page.fill("#id_facts", FACTS)
    page.check("#id_pledge")
    page.set_input_files(
        "#id_evidence",
        {"name": "照片.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()},
    )
    page.click("main form button[type=submit]")
    receipt = page.locator("[data-receipt]").inner_text()
    shoot(page, "complaint-02-receipt")

    page.click("main a:has-text('查询处理结果')")
    page.fill("#id_receipt", receipt)
    page.fill("#id_phone", "13600007770")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("未找到")
    page.fill("#id_receipt", receipt)
    page.fill("#id_phone", "13600007777")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-complaint-status=received]")).to_contain_text("已受理")
    expect(page.locator("main")).not_to_contain_text("吴实名")
    shoot(page, "complaint-03-lookup")

    complaint = Complaint.objects.get()
    assert complaint.files.count() == 1
    desk = role_page()
    login(desk, live_server, world.office.username)
    desk.goto(f"{live_server.url}/review/complaints/")
    row = desk.locator(f"[data-complaint='{complaint.pk}']")
    expect(row).to_contain_text(receipt)
    expect(row).to_contain_text("吴实名")
    expect(row).to_contain_text(case.organisation.name)
    row.locator("a").click()
    expect(desk.locator("[data-complainant]")).to_contain_text("13600007777")
    expect(desk.locator("main")).to_contain_text(FACTS)
    shoot(desk, "complaint-04-office")
