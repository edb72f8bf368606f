"""The scorebook, consensus and ranking pages: access, success paths, refusals,
and the ranking's query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Case
from hengyang_award.core.models import ScoringItem
from review.models import Assignment, Consensus, Scorebook
from tests.factories import World
from tests.review.scoring_support import (
    agree,
    another_case,
    assign,
    document_review_case,
    make_reviewer,
    score,
)
from tests.shared import prepared_world, world_with_prepared_case

pytestmark = pytest.mark.django_db

shared = prepared_world("document_review")
world = world_with_prepared_case()


def _scorebook_url(case):
    return reverse("review:scorebook", args=[case.pk])


def _consensus_url(case):
    return reverse("review:consensus", args=[case.pk])


def _form_data(percent="60", action="save", **overrides) -> dict:
    data = {"action": action}
    for item in ScoringItem.objects.all():
        key = item.code.replace(".", "_")
        data[f"percent_{key}"] = overrides.get(key, percent)
        data[f"strengths_{key}"] = "方法系统\n展开充分"
        data[f"opportunities_{key}"] = "缺少对标"
    return data


# --- scorebook ------------------------------------------------------------------


def test_scorebook_page_non_assigned_reviewer_404(client, world):
    case, _group = document_review_case(world)
    elsewhere, _other_group = another_case(world)
    outsider = make_reviewer("孙评审")
    assign(elsewhere, outsider, by=world.office)
    client.force_login(outsider.user)

    response = client.get(_scorebook_url(case))

    assert response.status_code == 404


def test_scorebook_page_office_404(client, world):
    case, _group = document_review_case(world)
    client.force_login(world.office)

    response = client.get(_scorebook_url(case))

    assert response.status_code == 404


def test_scorebook_page_shows_self_assessment_evidence_and_band_descriptors(client, world):
    case, (_leader, member, _third) = document_review_case(world)
    client.force_login(member.reviewer.user)

    response = client.get(_scorebook_url(case))

    assert response.status_code == 200
    html = response.content.decode()
    assert "关于“高层领导的作用”：方法、展开、学习和整合情况说明。" in html
    assert "有回应评分项基本要求的有效、系统的方法" in html  # process band 30–45
    assert "大多数重要方面绩效水平良好" in html  # result band 50–65
    assert "营业执照.pdf" in html
    assert "提交您自己的评分表后，才能查看评审组其他成员的评分。" in html


def test_scorebook_post_save_then_submit_locks(client, world):
    case, (_leader, member, _third) = document_review_case(world)
    client.force_login(member.reviewer.user)

    saved = client.post(_scorebook_url(case), _form_data("60", "save"))
    submitted = client.post(_scorebook_url(case), _form_data("60", "submit"))

    assert saved.status_code == 302
    assert submitted.status_code == 302
    book = Scorebook.objects.get(assignment=member)
    assert book.status == Scorebook.Status.SUBMITTED
    assert book.entries.get(item_code="4.1.2").strengths == ["方法系统", "展开充分"]


def test_scorebook_post_percent_not_in_steps_shows_error_stores_nothing(client, world):
    case, (_leader, member, _third) = document_review_case(world)
    client.force_login(member.reviewer.user)

    response = client.post(_scorebook_url(case), _form_data("60", "save", **{"4_1_2": "62"}))

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"percent_4_1_2"}
    assert Scorebook.objects.filter(assignment=member).exists() is False


def test_scorebook_post_submit_incomplete_shows_missing_keeps_draft(client, world):
    case, (_leader, member, _third) = document_review_case(world)
    client.force_login(member.reviewer.user)

    response = client.post(_scorebook_url(case), _form_data("60", "submit", **{"4_7_7": ""}))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "评分表尚未完成，以下评分项还没有评分：4.7.7。"
    ]
    assert Scorebook.objects.get(assignment=member).status == Scorebook.Status.DRAFT


def test_scorebook_post_after_submission_403(client, world):
    case, (_leader, member, _third) = document_review_case(world)
    score(member, 60)
    client.force_login(member.reviewer.user)

    response = client.post(_scorebook_url(case), _form_data("90", "save"))

    assert response.status_code == 403
    assert set(
        Scorebook.objects.get(assignment=member).entries.values_list("percent", flat=True)
    ) == {60}


# --- consensus board ------------------------------------------------------------


def test_consensus_board_member_before_own_submission_403(client, world):
    case, (leader, member, _third) = document_review_case(world)
    score(leader, 60)
    client.force_login(member.reviewer.user)

    response = client.get(_consensus_url(case))

    assert response.status_code == 403


def test_consensus_board_member_after_own_submission_sees_submitted_others(client, world):
    case, (leader, member, third) = document_review_case(world)
    score(leader, 70)
    score(member, 60)
    services_draft = {"4.1.2": {"percent": 95}}
    from review.services import scoring as services

    services.scorebook_save(third.pk, by=third.reviewer.user, entries=services_draft)
    client.force_login(member.reviewer.user)

    response = client.get(_consensus_url(case))

    assert response.status_code == 200
    board = response.context["board"]
    assert [b.assignment.reviewer.name for b in board.columns] == ["张组长", "李评审"]
    assert board.waiting == ["王评审"]
    assert "95%" not in response.content.decode()


def test_consensus_board_leader_sees_spread_and_divergence_flag(client, world):
    case, (leader, member, _third) = document_review_case(world)
    score(leader, 60, _4_1_2=40)
    score(member, 60, _4_1_2=70)
    client.force_login(leader.reviewer.user)

    response = client.get(_consensus_url(case))

    assert response.status_code == 200
    row = response.context["board"].categories[0].rows[0]
    assert (row.item.code, row.percents, row.spread, row.diverges) == (
        "4.1.2",
        [40, 70],
        30,
        True,
    )
    assert response.context["form"] is not None
    assert 'data-item="4.1.2" data-diverges' in response.content.decode()


def test_consensus_board_applicant_403(client, world):
    case, _group = document_review_case(world)
    client.force_login(world.applicant)

    response = client.get(_consensus_url(case))

    assert response.status_code == 403


def test_consensus_post_submit_before_all_scorebooks_shows_missing(client, world):
    case, (leader, _member, third) = document_review_case(world)
    score(leader)
    score(third)
    client.force_login(leader.reviewer.user)
    data = _form_data("60", "submit")
    data.update(
        {k.replace("strengths_", "reason_"): "" for k in list(data) if k.startswith("strengths_")}
    )

    response = client.post(_consensus_url(case), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["以下评审员尚未提交评分表：李评审。"]
    # A refused submission leaves nothing behind (no draft from 2 of 3 scorebooks).
    assert Consensus.objects.filter(case=case).exists() is False


def test_consensus_post_by_member_403(client, world):
    case, (leader, member, third) = document_review_case(world)
    for a in (leader, member, third):
        score(a)
    client.force_login(member.reviewer.user)

    response = client.post(_consensus_url(case), _form_data("60", "submit"))

    assert response.status_code == 403
    assert Consensus.objects.filter(case=case).exists() is False


def test_consensus_post_submit_by_leader_redirects(client, world):
    case, (leader, member, third) = document_review_case(world)
    for a in (leader, member, third):
        score(a)
    client.force_login(leader.reviewer.user)

    response = client.post(_consensus_url(case), _form_data("60", "submit"))

    assert response.status_code == 302
    consensus = Consensus.objects.get(case=case)
    assert (consensus.status, str(consensus.total)) == ("submitted", "600.00")


# --- ranking --------------------------------------------------------------------


def _ranking_queries(client, cycle) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("review:ranking"), {"cycle": cycle.pk})
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def empty_cycle_world(db) -> World:
    """A world whose cycle has no case yet: the ranking and the shortlist take
    every case of the cycle, the module's prepared one included."""
    return World()


def _scored_case(world, percent=60):
    case, group = another_case(world, ("周组长",))
    score(group[0], percent)
    agree(case, group[0], percent)
    return case


def test_ranking_query_count_constant_for_one_and_eight_cases(client, world):
    client.force_login(world.office)
    _scored_case(world)
    one = _ranking_queries(client, world.cycle)
    for percent in (40, 45, 50, 55, 65, 70, 75):
        _scored_case(world, percent)

    eight = _ranking_queries(client, world.cycle)

    assert one == eight


def test_ranking_orders_by_total_and_proposes_within_cycle_rules(client, empty_cycle_world):
    world = empty_cycle_world
    world.cycle.onsite_shortlist_max = 1
    world.cycle.save(update_fields=["onsite_shortlist_max"])
    low = _scored_case(world, 55)
    high = _scored_case(world, 70)
    below = _scored_case(world, 45)
    client.force_login(world.office)

    response = client.get(reverse("review:ranking"), {"cycle": world.cycle.pk})

    rows = response.context["rows"]
    assert [(r.case.pk, str(r.total), r.band.label, r.proposed) for r in rows] == [
        (high.pk, "700.00", "70%–85%", True),
        (low.pk, "550.00", "50%–65%", False),
        (below.pk, "450.00", "30%–45%", False),
    ]
    assert response.context["selected"] == {str(high.pk)}


def test_ranking_non_office_403(client, world):
    client.force_login(world.reviewer)

    response = client.get(reverse("review:ranking"))

    assert response.status_code == 403


def test_shortlist_post_applies_and_redirects(client, empty_cycle_world):
    world = empty_cycle_world
    high = _scored_case(world, 70)
    low = _scored_case(world, 40)
    client.force_login(world.office)

    response = client.post(
        reverse("review:shortlist_apply", args=[world.cycle.pk]),
        {"cases": [str(high.pk)], "note": "资料评审得分未达现场评审线。"},
    )

    assert response.status_code == 302
    assert dict(Case.objects.filter(pk__in=[high.pk, low.pk]).values_list("pk", "state")) == {
        high.pk: "onsite_review",
        low.pk: "not_shortlisted",
    }


def test_shortlist_post_without_note_shows_error(client, empty_cycle_world):
    world = empty_cycle_world
    high = _scored_case(world, 70)
    _scored_case(world, 40)
    client.force_login(world.office)

    response = client.post(
        reverse("review:shortlist_apply", args=[world.cycle.pk]), {"cases": [str(high.pk)]}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["请填写未进入现场评审的说明。"]
    assert Case.objects.get(pk=high.pk).state == "document_review"


def test_scoring_pages_need_login(client, world):
    case, _group = document_review_case(world)

    responses = [
        client.get(_scorebook_url(case)),
        client.get(_consensus_url(case)),
        client.get(reverse("review:ranking")),
    ]

    assert [r.status_code for r in responses] == [302, 302, 302]


def test_world_drive_through_shortlist_and_not_shortlist_uses_preparers(db):
    world = World()
    from tests.factories import PATH_TO

    shortlisted = world.drive(world.new_case(), PATH_TO["onsite_review"])
    other = World(cycle=world.cycle)
    not_shortlisted = other.drive(other.new_case(), [*PATH_TO["document_review"], "not_shortlist"])

    assert (shortlisted.state, not_shortlisted.state) == ("onsite_review", "not_shortlisted")
    assert Consensus.objects.filter(status="submitted").count() == 2
    assert Assignment.objects.filter(case=shortlisted, stage="document").exists() is True


def test_scorebook_page_after_submission_read_only_with_link_to_board(client, world):
    case, (_leader, member, _third) = document_review_case(world)
    score(member, 65)
    client.force_login(member.reviewer.user)

    response = client.get(_scorebook_url(case))

    assert response.status_code == 200
    assert response.context["form"] is None
    html = response.content.decode()
    assert "65%" in html
    assert reverse("review:consensus", args=[case.pk]) in html


def test_consensus_board_office_sees_submitted_consensus_with_radar(client, world):
    case, (leader, member, third) = document_review_case(world)
    for a in (leader, member, third):
        score(a)
    agree(case, leader)
    client.force_login(world.office)

    response = client.get(_consensus_url(case))

    assert response.status_code == 200
    assert response.context["form"] is None
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="radar"' in html
    assert "600.00" in html


def test_scorebook_before_declaration_read_only_and_post_403(client, world):
    case, (_leader, member, _third) = document_review_case(world)
    Assignment.objects.filter(pk=member.pk).update(declared_at=None)
    client.force_login(member.reviewer.user)

    page = client.get(_scorebook_url(case))
    post = client.post(_scorebook_url(case), _form_data("60", "save"))

    assert page.status_code == 200
    assert page.context["form"] is None
    assert "请先签署公正性和保密声明，再开始评分。" in page.content.decode()
    assert post.status_code == 403
    assert Scorebook.objects.filter(assignment=member).exists() is False
