"""In a real browser: the office records the city government's decision to revoke
a title (the procedure's earlier steps prepared through the services); the public
then reads the revocation notice and the certificate verification shows the title
revoked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import Award
from tests.e2e.helpers import login
from tests.factories import World
from tests.factories.supervision_after import announced_award, paid, revocation_decided

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_revokes_title_public_sees_notice_and_revoked_certificate(
    role_page, live_server, shoot
):
    world = World()
    award = announced_award(world)
    paid(world, award)
    revocation = revocation_decided(world, award)
    today = timezone.localdate()

    office = role_page()
    login(office, live_server, world.office.username)
    office.goto(live_server.url + reverse("supervision:revocation_detail", args=[revocation.pk]))
    office.check("input[name=decision][value=revoke]")
    office.fill("#id_number", "衡政发〔2026〕77号")
    office.fill("#id_decided_on", today.isoformat())
    office.fill("#id_note", "市人民政府批准撤销其市长质量奖称号。")
    office.fill("#id_recovery_due_on", (today + datetime.timedelta(days=30)).isoformat())
    shoot(office, "revocation-01-city-decision")
    office.click("form[action$='/city/'] button[type=submit]")
    office.wait_for_selector("[data-outcome=revoked]")
    assert office.locator("[data-section=recovery] tr[data-task]").count() == 2
    office.locator("tr[data-task=certificate] button[type=submit]").click()
    office.wait_for_selector("tr[data-task=certificate][data-done=yes]")
    shoot(office, "revocation-02-recovery")

    public = role_page()
    public.goto(f"{live_server.url}/public/notices/")
    public.click(f"text={world.org.name}")
    assert "撤销" in public.inner_text("main")
    assert "衡政发〔2026〕77号" in public.inner_text("main")
    shoot(public, "revocation-03-notice")
    public.goto(f"{live_server.url}/public/verify/")
    public.fill("#id_number", Award.objects.get(pk=award.pk).certificate.number)
    public.click("main form button[type=submit]")
    public.wait_for_selector("[data-verify-result=revoked]")
    assert today.strftime("%Y-%m-%d") in public.inner_text("[data-verify-result]")
    shoot(public, "revocation-04-verify-revoked")
