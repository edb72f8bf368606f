"""In a real browser: a winner publishes an experience-sharing entry and offers a
visit session; a user of another organisation registers for it; the public list
shows the entry and the remaining seats, with no personal data."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from publicity.models import VisitRegistration
from tests.e2e.helpers import login
from tests.factories import World, tiny_pdf
from tests.factories.sharing import winner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_winner_shares_other_organisation_registers_public_sees_entry(
    role_page, live_server, shoot
):
    world = World()
    winner(world)
    starts = timezone.now() + datetime.timedelta(days=14)

    host = role_page()
    login(host, live_server, world.applicant.username)
    host.goto(f"{live_server.url}/publicity/sharing/")
    host.click("main a:has-text('新建经验分享')")
    host.fill("#id_title", "质量改进小组十年经验")
    host.fill("#id_summary", "十年坚持质量改进小组活动，一次交验合格率提升到99.6%。")
    host.fill("#id_methods", "一、领导带头。\n二、全员参与。\n三、数据说话。")
    host.set_input_files(
        "#id_attachments",
        {"name": "改进案例.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()},
    )
    host.click("main form button[type=submit]")
    expect(host.locator("[data-attachments]")).to_contain_text("改进案例.pdf")
    host.click("[data-publish]")
    expect(host.locator("[data-status=published]")).to_be_visible()
    shoot(host, "sharing-01-entry-published")

    host.goto(f"{live_server.url}/publicity/sharing/sessions/new/")
    host.fill("#id_topic", "生产现场质量管理观摩")
    host.fill("#id_starts_at", _local(starts))
    host.fill("#id_place", "衡阳市测试路1号一号车间")
    host.fill("#id_capacity", "10")
    host.fill("#id_registration_deadline", _local(starts - datetime.timedelta(days=3)))
    host.fill("#id_contact_phone", "13912345678")
    host.click("main form button[type=submit]")
    expect(host.locator("#id_contact_phone_error")).to_contain_text("个人手机号码")
    expect(host.locator("#id_topic")).to_have_value("生产现场质量管理观摩")
    host.fill("#id_contact_phone", "0734-8123456")
    host.click("main form button[type=submit]")
    expect(host.locator("[data-seats]")).to_contain_text("共 10 人")
    shoot(host, "sharing-02-session")

    guest = role_page()
    login(guest, live_server, world.other_applicant.username)
    guest.goto(f"{live_server.url}/public/sharing/")
    guest.click("[data-public-sessions] a:has-text('登录后报名')")
    guest.fill("#id_attendees", "12")
    guest.fill("#id_attendee_names", "周某、吴某")
    guest.click("main form button[type=submit]")
    expect(guest.locator("#id_attendees_error")).to_contain_text("仅剩10个名额")
    guest.fill("#id_attendees", "3")
    guest.click("main form button[type=submit]")
    expect(guest.locator("[data-my-registrations]")).to_contain_text(world.org.name)
    shoot(guest, "sharing-03-registered")
    assert VisitRegistration.objects.get().organisation == world.other_org

    host.reload()
    expect(host.locator("[data-registrations]")).to_contain_text(world.other_org.name)

    page = role_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/public/")
    page.click("nav a:has-text('经验分享')")
    expect(page.locator("[data-public-entries]")).to_contain_text("质量改进小组十年经验")
    expect(page.locator("[data-public-sessions] [data-remaining]")).to_contain_text("剩余名额 7 人")
    assert "周某" not in page.content()
    assert world.other_org.name not in page.content()
    page.click("[data-public-entries] a:has-text('质量改进小组十年经验')")
    expect(page.locator("[data-attachments]")).to_contain_text("改进案例.pdf")
    shoot(page, "sharing-04-public")
