"""In a real browser: a member of the public checks a certificate number on the
public site and sees the title valid; a wrong number is simply not found."""

import pytest

from supervision.services import certificate_render
from tests.factories import World
from tests.factories.awards import announce, drive_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_public_verifies_certificate_number_valid_and_wrong_number_not_found(
    browser, live_server, shoot
):
    world = World()
    drive_to(world, "awarded")
    award = announce(world.cycle, office=world.office).awards.get()
    certificate = certificate_render(award.certificate.pk)

    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/public/winners/")
    assert world.org.name in page.inner_text("[data-winners]")
    assert f"{world.cycle.year}年度" in page.inner_text("[data-winners]")
    shoot(page, "certificate-01-winners")
    page.click("main a[href='/public/verify/']")
    page.fill("#id_number", certificate.number)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-verify-result=valid]")
    result = page.inner_text("[data-verify-result]")
    assert "证书有效" in result
    assert world.org.name in result
    assert f"{award.ends_on:%Y-%m-%d}" in result
    shoot(page, "certificate-02-valid")

    wrong = certificate.number[:-3] + ("000" if certificate.number[-3:] != "000" else "111")
    page.fill("#id_number", wrong)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-verify-result=not_found]")
    assert "未找到该证书编号" in page.inner_text("[data-verify-result]")
    assert world.org.name not in page.inner_text("main")
    shoot(page, "certificate-03-not-found")
