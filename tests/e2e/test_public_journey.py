"""In a real browser, with no account: a member of the public opens the home page,
reads the publicity notice, lodges an objection (refused first without a real name,
then accepted with a receipt number) and looks up its status."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from publicity.models import Objection
from tests.factories import World, tiny_pdf
from tests.factories.publicity import in_period, proposed_case, publish_notice, valid_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_public_reads_notice_objects_and_looks_up(role_page, live_server, shoot, time_machine):
    cache.clear()
    world = World()
    case = proposed_case(world)
    notice = publish_notice(world)
    time_machine.move_to(in_period(notice), tick=True)
    page = role_page(viewport={"width": 390, "height": 844})

    page.goto(f"{live_server.url}/public/")
    expect(page.locator("h1").first).to_contain_text("衡阳市市长质量奖")
    shoot(page, "public-01-home")
    page.click("main a:has-text('查看公示')")
    expect(page.locator("article.notice-doc h1")).to_contain_text("拟授奖组织名单的公示")
    expect(page.locator("article.notice-doc")).to_contain_text(case.organisation.name)
    shoot(page, "public-02-notice")

    page.click("main a.button.primary")
    page.select_option("#id_case", str(case.pk))
    page.fill("#id_objector_name", "匿名")
    page.fill("#id_objector_id_number", valid_id_number())
    page.fill("#id_phone", "13900005555")
    page.fill("#id_facts", "该组织申报的产品抽检合格率与市场监管部门公布的抽检结果不符。")
    page.check("#id_pledge")
    page.click("main form button[type=submit]")
    expect(page.locator("#id_objector_name_error")).to_contain_text("匿名")
    expect(page.locator("#id_facts")).to_have_value(
        "该组织申报的产品抽检合格率与市场监管部门公布的抽检结果不符。"
    )
    page.fill("#id_objector_name", "孙实名")
    page.check("#id_pledge")
    page.set_input_files(
        "#id_evidence",
        {"name": "抽检结果.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()},
    )
    page.click("main form button[type=submit]")
    receipt = page.locator("[data-receipt]").inner_text()
    shoot(page, "public-03-receipt")

    page.click("main a:has-text('查询处理结果')")
    page.fill("#id_receipt", receipt)
    page.fill("#id_phone", "13900005554")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("未找到")
    page.fill("#id_receipt", receipt)
    page.fill("#id_phone", "13900005555")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-objection-status=received]")).to_contain_text("已受理")
    shoot(page, "public-04-lookup")

    objection = Objection.objects.get()
    assert objection.objector_name == "孙实名"
    assert objection.files.count() == 1
