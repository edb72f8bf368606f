"""In a real browser, a committee meeting: a member logs in, declares no conflict
with the candidate, opens the meeting and casts a secret ballot; the office
closes the ballot on the meeting page and the tally appears (counts only)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from committee import services
from committee.models import BallotCast, Declaration, Vote
from tests.e2e.helpers import login
from tests.factories import World
from tests.factories.committee import (
    committee_of,
    declare_none,
    evaluation_case,
    meeting_for,
    nominate,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_declares_and_votes_office_closes_and_tally_shows(role_page, live_server, shoot):
    # --- Arrange: a candidate, the committee, a meeting with everyone present ----
    world = World()
    members = committee_of(world.cycle, office=world.office, members=4)
    case = nominate(evaluation_case(world, percent=70), office=world.office)
    meeting = meeting_for(world.cycle, office=world.office)
    me, others = members[1], [m for m in members if m != members[1]]
    declare_none(others, case)
    round_ = services.round_open(meeting.pk, by=world.office)
    for member, choice in zip(others, ["approve", "approve", "oppose", "abstain"], strict=True):
        services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice=choice)

    # --- 1. The member declares no conflict with the candidate --------------------
    page = role_page()
    login(page, live_server, me.user.username)
    page.goto(live_server.url + reverse("committee:candidates"))
    row = page.locator(f"[data-candidates] tr[data-case='{case.pk}']")
    expect(row).to_contain_text(case.organisation.name)
    row.get_by_role("link", name="作出声明").click()
    page.check("input[name=answer][value=none]")
    page.click("main button[type=submit]")
    expect(page.locator("[data-declared]")).to_contain_text("不存在利害关系")
    assert Declaration.objects.filter(member=me, case=case, has_conflict=False).exists()
    shoot(page, "60-committee-declared")

    # --- 2. The member opens the meeting and votes ---------------------------------
    page.goto(live_server.url + reverse("committee:my_meetings"))
    page.click(f"a[href='{reverse('committee:member_meeting', args=[meeting.pk])}']")
    page.click("[data-go-ballot]")
    expect(page.locator(f"[data-ballot-status] li[data-case='{case.pk}']")).to_contain_text(
        "待投票"
    )
    page.check(f"input[name=case_{case.pk}][value=approve]")
    page.click("main form button[type=submit]")
    expect(page.locator(f"[data-ballot-status] li[data-case='{case.pk}']")).to_contain_text(
        "已投票"
    )
    assert BallotCast.objects.filter(round=round_, member=me, case=case).count() == 1
    assert Vote.objects.filter(round=round_, case=case).count() == len(members)
    shoot(page, "61-committee-ballot")

    # --- 3. The office closes the ballot; the tally shows ---------------------------
    office = role_page()
    login(office, live_server, world.office.username)
    office.goto(live_server.url + reverse("committee:meeting", args=[meeting.pk]))
    expect(office.locator("[data-tally]")).to_contain_text("投票结束后显示")
    office.click("[data-close-round]")
    tally = office.locator(f"[data-tally] tr[data-case='{case.pk}']")
    expect(tally.locator("[data-approve]")).to_have_text("3")
    expect(tally.locator("[data-oppose]")).to_have_text("1")
    expect(tally.locator("[data-abstain]")).to_have_text("1")
    expect(office.locator(f"[data-resolution] tr[data-entry='{case.pk}']")).to_have_attribute(
        "data-outcome", "proposed"
    )
    body = office.inner_text("main")
    for member in members:
        assert member.user.username not in body.split("无记名投票")[-1].split("决议")[0]
    shoot(office, "62-committee-tally")
