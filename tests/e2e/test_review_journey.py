"""In a real browser, the document review of one case: every reviewer of the drawn
team fills in a scorebook (a percentage and findings per item), watches the live
total, saves and submits it (it locks); the group leader tries to submit the
consensus too early and is told who is missing, then, once every scorebook is in,
sees the divergent item flagged, sets the consensus percentages, explains the one
that departs from the median, and submits. Each reviewer acts in a browser
context of their own."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hengyang_award.core.models import ScoringItem
from review.models import Assignment, Consensus, ConsensusEntry, Scorebook, ScoreEntry
from review.scoring import median, nearest_step
from tests.e2e.helpers import login
from tests.factories import PASSWORD, PATH_TO, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DOCUMENT = Assignment.Stage.DOCUMENT
# The item every reviewer scores far apart (30, 45, 60, 75, 90 …), and a few
# more that spread a little (50, 55, 60 …); all others get 60 %.
DIVERGENT_INDEX = 0
SPREAD_INDEXES = (1, 2, 3)
# The leader's consensus on the divergent item: away from the median by more than
# the margin, so a reason is required.
DIVERGENT_CONSENSUS = 85
REASON = "现场证据显示该评分项的方法已在全部部门展开，组内讨论后一致同意上调。"


def _key(code: str) -> str:
    return code.replace(".", "_")


def _cents(value) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _points(item: ScoringItem, percent: int) -> Decimal:
    return Decimal(item.points) * Decimal(percent) / Decimal(100)


def _plan(items: list[ScoringItem], index: int) -> dict[str, int]:
    """Reviewer number `index`'s percentage per item."""
    plan = {}
    for n, item in enumerate(items):
        if n == DIVERGENT_INDEX:
            plan[item.code] = min(30 + 15 * index, 90)
        elif n in SPREAD_INDEXES:
            plan[item.code] = min(50 + 5 * index, 90)
        else:
            plan[item.code] = 60
    return plan


def _messages(page) -> str:
    return page.inner_text(".messages") if page.locator(".messages").count() else ""


def _score_and_submit(page, live_server, case, assignment, items, plan, shoot=None):
    """Fill, save and submit one reviewer's scorebook in the browser."""
    name = assignment.reviewer.name
    divergent = items[DIVERGENT_INDEX]
    page.goto(live_server.url + reverse("review:scorebook", args=[case.pk]))
    page.wait_for_selector("form[data-scorebook]")
    assert name in page.inner_text("[data-scorebook-summary]")
    expect(page.locator("[data-status=draft]")).to_be_visible()
    assert page.locator("form[data-scorebook] select[data-points]").count() == len(items)

    # The live total follows the first choice of a percentage.
    total = page.locator("[data-total]")
    before = total.inner_text().strip()
    assert Decimal(before) == 0, f"{name}: an empty scorebook shows a total of {before!r}"
    first = items[0]
    page.select_option(f"select[name=percent_{_key(first.code)}]", str(plan[first.code]))
    expect(total).to_have_text(_cents(_points(first, plan[first.code])))
    expect(page.locator(f"[data-item-points='{first.code}']")).to_have_text(
        _cents(_points(first, plan[first.code]))
    )

    for item in items:
        key = _key(item.code)
        page.select_option(f"select[name=percent_{key}]", str(plan[item.code]))
        page.fill(f"textarea[name=strengths_{key}]", f"{item.code}：{name}认为方法已展开。")
        page.fill(f"textarea[name=opportunities_{key}]", f"{item.code}：{name}建议加强对标比较。")
    expected_total = sum((_points(i, plan[i.code]) for i in items), Decimal(0))
    expect(total).to_have_text(_cents(expected_total))

    page.click("form[data-scorebook] button[name=action][value=save]")
    page.wait_for_selector(".messages .msg.success")
    assert "评分表草稿已保存。" in _messages(page), page.inner_text("main")
    expect(page.locator("[data-status=draft]")).to_be_visible()
    # The server's total of the saved draft is the same.
    expect(total).to_have_text(_cents(expected_total))
    shown = page.input_value(f"select[name=percent_{_key(divergent.code)}]")
    assert shown == str(plan[divergent.code]), (
        f"{name}: the saved draft shows {shown!r}, not the chosen {plan[divergent.code]}"
    )
    if shoot:
        shoot(page, "40-scorebook-draft")

    page.click("form[data-scorebook] button[name=action][value=submit]")
    page.wait_for_selector("[data-status=submitted]")
    assert "评分表已提交。" in _messages(page), page.inner_text("main")
    assert "已锁定" in page.inner_text("[data-scorebook-summary]")
    assert page.locator("form[data-scorebook]").count() == 0, (
        f"{name}: the submitted scorebook is still editable"
    )
    assert page.locator("select[data-points]").count() == 0
    expect(total).to_have_text(_cents(expected_total))
    if shoot:
        shoot(page, "41-scorebook-submitted")

    book = Scorebook.objects.get(assignment=assignment)
    assert book.status == Scorebook.Status.SUBMITTED
    assert book.submitted_at is not None
    saved = dict(book.entries.values_list("item_code", "percent"))
    assert saved == plan, f"{name}: saved percentages {saved} differ from those chosen {plan}"
    entry = book.entries.get(item_code=items[0].code)
    assert entry.strengths, "the strengths were not saved"
    assert entry.opportunities, "the opportunities were not saved"


def test_reviewers_score_and_leader_forms_consensus(role_page, live_server, shoot):
    # --- Arrange: a case in document review with its drawn, declared team -------
    world = World()
    case = world.drive(world.new_case(), PATH_TO["document_review"])
    assert case.state == "document_review"
    cycle = case.cycle
    margin = cycle.consensus_margin_percent
    team = list(
        Assignment.objects.filter(case=case, stage=DOCUMENT, status=Assignment.Status.ACTIVE)
        .select_related("reviewer__user")
        .order_by("role", "reviewer__name", "pk")
    )
    assert len(team) == cycle.reviewers_per_case, team
    assert all(a.declared_at is not None for a in team), "the team has unsigned declarations"
    leaders = [a for a in team if a.role == Assignment.Role.LEADER]
    assert len(leaders) == 1, team
    leader = leaders[0]
    members = [a for a in team if a.role == Assignment.Role.MEMBER]
    assert len(members) >= 3, "the journey needs at least three members besides the leader"
    for assignment in team:
        user = assignment.reviewer.user
        if not user.has_usable_password():
            user.set_password(PASSWORD)
            user.save()

    items = list(ScoringItem.objects.order_by("position", "code"))
    assert len(items) == 23, [i.code for i in items]
    # Reviewer number i: the members first, the leader last.
    order = [*members, leader]
    plans = {a.pk: _plan(items, i) for i, a in enumerate(order)}
    divergent = items[DIVERGENT_INDEX]
    divergent_values = [plans[a.pk][divergent.code] for a in order]
    assert max(divergent_values) - min(divergent_values) > margin

    pages = {}

    def page_of(assignment):
        if assignment.pk not in pages:
            page = role_page()
            login(page, live_server, assignment.reviewer.user.username)
            pages[assignment.pk] = page
        return pages[assignment.pk]

    # --- 1. The first two members score and submit -------------------------------
    for n, assignment in enumerate(members[:2]):
        _score_and_submit(
            page_of(assignment),
            live_server,
            case,
            assignment,
            items,
            plans[assignment.pk],
            shoot=shoot if n == 0 else None,
        )

    # --- 2. Too early: the leader is told who has not submitted yet ---------------
    boss = page_of(leader)
    consensus_url = live_server.url + reverse("review:consensus", args=[case.pk])
    boss.goto(consensus_url)
    boss.wait_for_selector("form[data-consensus-form]")
    expect(boss.locator("[data-columns]")).to_have_text("2")
    late = members[-1].reviewer.name
    assert late in boss.inner_text("[data-waiting]"), boss.inner_text("[data-board]")
    boss.click("form[data-consensus-form] button[name=action][value=submit]")
    boss.wait_for_selector("form[data-consensus-form] .errors")
    errors = boss.inner_text("form[data-consensus-form] .errors")
    assert "尚未提交评分表" in errors, errors
    assert late in errors, (
        f"the early consensus submission does not name the missing reviewer {late}: {errors!r}"
    )
    assert leader.reviewer.name in errors, errors
    assert not Consensus.objects.filter(
        case=case, stage=DOCUMENT, status=Consensus.Status.SUBMITTED
    ).exists(), "a consensus was submitted before every scorebook was in"

    # --- 3. The other members and the leader score and submit --------------------
    for assignment in [*members[2:], leader]:
        _score_and_submit(
            page_of(assignment), live_server, case, assignment, items, plans[assignment.pk]
        )

    # --- 4. The consensus ----------------------------------------------------------
    boss.goto(consensus_url)
    boss.wait_for_selector("form[data-consensus-form]")
    expect(boss.locator("[data-columns]")).to_have_text(str(len(team)))
    assert boss.locator("[data-waiting]").count() == 0, boss.inner_text("[data-waiting]")
    row = boss.locator(f"tr[data-item='{divergent.code}']")
    expect(row).to_have_attribute("data-diverges", "")
    assert "分歧较大" in row.inner_text(), row.inner_text()
    assert str(max(divergent_values) - min(divergent_values)) in row.inner_text()
    flagged = boss.locator("tr[data-diverges]").count()
    assert flagged == 1, f"{flagged} items flagged as divergent, only {divergent.code} diverges"

    # The medians from the database entries of the submitted scorebooks.
    found: dict[str, list[int]] = {}
    for code, percent in ScoreEntry.objects.filter(
        scorebook__assignment__in=team, scorebook__status=Scorebook.Status.SUBMITTED
    ).values_list("item_code", "percent"):
        found.setdefault(code, []).append(percent)
    medians = {code: median(values) for code, values in found.items()}
    assert f"{medians[divergent.code]:.0f}%" in row.inner_text(), row.inner_text()

    agreed = {item.code: nearest_step(medians[item.code]) for item in items}
    agreed[divergent.code] = DIVERGENT_CONSENSUS
    assert abs(DIVERGENT_CONSENSUS - medians[divergent.code]) > margin
    for item in items:
        key = _key(item.code)
        boss.select_option(f"select[name=percent_{key}]", str(agreed[item.code]))
        boss.fill(f"textarea[name=reason_{key}]", "")
    boss.fill(f"textarea[name=strengths_{_key(divergent.code)}]", "方法系统并已全面展开。")
    boss.fill(f"textarea[name=opportunities_{_key(divergent.code)}]", "对标比较有待加强。")
    expected_total = sum((_points(i, agreed[i.code]) for i in items), Decimal(0))
    expect(boss.locator("[data-consensus-total]")).to_have_text(_cents(expected_total))

    # Without a reason the departing item is refused …
    boss.click("form[data-consensus-form] button[name=action][value=submit]")
    boss.wait_for_selector("form[data-consensus-form] .errors")
    errors = boss.inner_text("form[data-consensus-form] .errors")
    assert "请填写理由" in errors, errors
    assert divergent.code in errors, errors
    assert "尚未提交评分表" not in errors, errors
    expect(row).to_contain_text("需说明理由")

    # … with one it is accepted.
    boss.select_option(f"select[name=percent_{_key(divergent.code)}]", str(DIVERGENT_CONSENSUS))
    boss.fill(f"textarea[name=reason_{_key(divergent.code)}]", REASON)
    boss.click("form[data-consensus-form] button[name=action][value=submit]")
    boss.wait_for_selector("[data-consensus=submitted]")
    assert "共识评分已提交。" in _messages(boss), boss.inner_text("main")
    assert boss.locator("form[data-consensus-form]").count() == 0
    expect(boss.locator("[data-consensus-total]")).to_have_text(_cents(expected_total))
    assert REASON in boss.inner_text("main")
    shoot(boss, "42-consensus")

    # --- The database --------------------------------------------------------------
    consensus = Consensus.objects.get(case=case, stage=DOCUMENT)
    assert consensus.status == Consensus.Status.SUBMITTED
    assert consensus.submitted_at is not None
    assert consensus.leader_id == leader.reviewer_id
    entries = {e.item_code: e for e in ConsensusEntry.objects.filter(consensus=consensus)}
    assert {code: e.percent for code, e in entries.items()} == agreed
    assert entries[divergent.code].reason == REASON
    points = {item.code: item.points for item in items}
    from_entries = sum(
        (Decimal(e.percent) * points[code] / 100 for code, e in entries.items()), Decimal(0)
    )
    assert consensus.total == from_entries, (
        f"consensus total {consensus.total} != Σ percent × points / 100 = {from_entries}"
    )
    assert consensus.total == expected_total
