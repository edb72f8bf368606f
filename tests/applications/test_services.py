import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from applications import services
from applications.demo import prepare, screening_pass_all
from applications.models import Case, CaseEvent, Recommendation
from applications.selectors import cases_awaiting, cases_visible_to
from hengyang_award.core.insert_only import ImmutableRecordError
from hengyang_award.core.roles import Role
from tests.factories import PATH_TO, World, complete_application, make_cycle, make_user, tiny_pdf

pytestmark = pytest.mark.django_db


def _events(case):
    return list(
        CaseEvent.objects.filter(case=case)
        .order_by("at", "pk")
        .values_list("name", "source", "target", "actor__username", "note")
    )


def test_fire_submit_moves_case_and_writes_one_event(world):
    case = world.new_case()
    complete_application(case, by=world.applicant)

    case = services.case_transition(case.pk, "submit", by=world.applicant)

    assert case.state == "submitted"
    assert case.submission_round == 1
    assert _events(case) == [
        ("submit", "draft", "submitted", world.applicant.username, ""),
    ]


def test_fire_by_wrong_actor_raises_permission_denied_and_writes_nothing(world):
    case = world.new_case()

    with pytest.raises(PermissionDenied):
        services.case_transition(case.pk, "submit", by=world.office)

    case.refresh_from_db()
    assert case.state == "draft"
    assert _events(case) == []


def test_fire_note_required_without_note_is_blocked_with_reason(world):
    case = world.drive(world.new_case(), ["submit"])

    with pytest.raises(services.TransitionBlocked) as exc:
        services.case_transition(case.pk, "return_to_applicant", by=world.county, note="  ")

    assert exc.value.reasons == ["请填写理由或意见。"]
    case.refresh_from_db()
    assert case.state == "submitted"


def test_fire_wrong_state_raises_already_handled(world):
    case = world.drive(world.new_case(), ["submit", "recommend"])

    with pytest.raises(services.AlreadyHandled) as exc:
        services.case_transition(case.pk, "decline", by=world.county, note="不予推荐")

    assert "已推荐，待资格审查" in exc.value.reasons[0]


def test_fire_stale_expected_state_raises_already_handled(world):
    case = world.drive(world.new_case(), ["submit"])
    seen = case.state
    services.county_recommend(
        case.pk,
        by=world.county,
        opinion="同意推荐",
        scan=io.BytesIO(tiny_pdf()),
        scan_name="推荐.pdf",
    )

    with pytest.raises(services.AlreadyHandled):
        services.case_transition(
            case.pk, "return_to_applicant", by=world.county, note="退回", expected_state=seen
        )

    assert list(CaseEvent.objects.filter(case=case).values_list("name", flat=True)) == [
        "submit",
        "recommend",
    ]


def test_submit_outside_application_window_is_blocked(world, time_machine):
    case = world.new_case()
    complete_application(case, by=world.applicant)
    time_machine.move_to("2099-01-01 10:00+08:00")

    with pytest.raises(services.TransitionBlocked) as exc:
        services.case_transition(case.pk, "submit", by=world.applicant)

    assert exc.value.reasons == ["本届市长质量奖当前不在申报受理期内。"]


def test_county_recommend_stores_opinion_for_the_round(world):
    case = world.drive(world.new_case(), ["submit"])

    case = services.county_recommend(
        case.pk,
        by=world.county,
        opinion="  同意推荐。  ",
        scan=io.BytesIO(tiny_pdf()),
        scan_name="推荐.pdf",
    )

    assert case.state == "recommended"
    assert list(Recommendation.objects.filter(case=case).values_list("round", "opinion")) == [
        (1, "同意推荐。")
    ]
    assert _events(case)[-1] == (
        "recommend",
        "submitted",
        "recommended",
        world.county.username,
        "同意推荐。",
    )


def test_county_recommend_empty_opinion_refused_and_nothing_written(world):
    case = world.drive(world.new_case(), ["submit"])

    with pytest.raises(ValidationError):
        services.county_recommend(
            case.pk, by=world.county, opinion=" ", scan=io.BytesIO(tiny_pdf()), scan_name="推荐.pdf"
        )

    assert Recommendation.objects.count() == 0
    case.refresh_from_db()
    assert case.state == "submitted"


def test_resubmission_needs_a_new_recommendation(world):
    case = world.drive(world.new_case(), ["submit", "return_to_applicant", "submit"])

    assert case.submission_round == 2
    with pytest.raises(services.TransitionBlocked) as exc:
        services.fire(case.pk, "recommend", by=world.county, note="同意")

    assert exc.value.reasons == ["尚未填写推荐意见或上传盖章扫描件。"]


def test_case_create_twice_in_a_cycle_refused(world):
    world.new_case()

    with pytest.raises(ValidationError) as exc:
        world.new_case()

    assert exc.value.messages == ["本单位在本届已有一份申报，不能重复申报。"]


def test_case_create_for_another_organisation_refused(world):
    with pytest.raises(PermissionDenied):
        services.case_create(cycle=world.cycle, organisation=world.org, by=world.other_applicant)


def test_access_granted_at_named_points(world):
    case = world.new_case()
    visible = lambda user: set(cases_visible_to(user).values_list("pk", flat=True))  # noqa: E731

    assert visible(world.applicant) == {case.pk}
    assert visible(world.county) == set()
    assert visible(world.office) == set()
    world.drive(case, ["submit"])
    assert visible(world.county) == {case.pk}
    assert visible(world.other_county) == set()
    assert visible(world.office) == set()
    world.drive(case, ["recommend"])
    assert visible(world.office) == {case.pk}
    assert visible(world.director) == set()
    world.drive(case, ["accept", "start_document_review", "shortlist", "finish_onsite"])
    assert visible(world.member) == set()
    world.drive(case, ["nominate"])
    assert visible(world.member) == {case.pk}
    assert visible(world.director) == {case.pk}
    assert visible(world.mayor) == set()
    assert visible(world.other_applicant) == set()
    assert visible(world.reviewer) == set()
    assert visible(world.sysadmin) == set()


def test_cases_awaiting_follow_the_workflow(world):
    draft = world.new_case()
    other = World(cycle=world.cycle)
    submitted = other.drive(other.new_case(), ["submit"])
    county_peer = make_user(Role.COUNTY_OFFICIAL, county=other.org.county)

    assert set(cases_awaiting(world.applicant)) == {draft}
    assert set(cases_awaiting(county_peer)) == {submitted}
    assert set(cases_awaiting(world.county)) == {submitted}  # same county (蒸湘区)
    assert set(cases_awaiting(world.other_county)) == set()
    assert set(cases_awaiting(world.office)) == set()


def test_mayor_approve_sets_validity_from_cycle_parameter(time_machine):
    time_machine.move_to("2026-11-27 10:00+08:00")
    office = make_user(Role.OFFICE_STAFF)
    cycle = make_cycle(office=office, validity_years=4)
    w = World(cycle=cycle)

    case = w.drive(w.new_case(), PATH_TO["awarded"])

    assert (case.awarded_on.isoformat(), case.award_valid_until.isoformat()) == (
        "2026-11-27",
        "2030-11-26",
    )


def test_publish_period_uses_working_day_calendar(time_machine):
    time_machine.move_to("2026-09-30 10:00+08:00")
    world = World()
    case = world.drive(world.new_case(), PATH_TO["proposed"])
    prepare(case, "publish", office=world.office)

    case = services.case_publish(case.pk, by=world.office)

    assert (case.publicity_starts_on.isoformat(), case.publicity_ends_on.isoformat()) == (
        "2026-10-08",
        "2026-10-13",
    )
    assert _events(case)[-1][4] == "公示期：2026-10-08 至 2026-10-13"


def test_close_publicity_before_period_end_is_blocked(time_machine):
    time_machine.move_to("2026-09-30 10:00+08:00")
    world = World()
    case = world.drive(world.new_case(), PATH_TO["in_publicity"])
    time_machine.move_to("2026-10-13 18:00+08:00")

    with pytest.raises(services.TransitionBlocked) as blocked:
        services.fire(case.pk, "close_publicity", by=world.system)
    time_machine.move_to("2026-10-14 00:10+08:00")
    case = services.fire(case.pk, "close_publicity", by=world.system)

    assert blocked.value.reasons == ["公示期尚未结束。"]
    assert case.state == "director_review"
    assert _events(case)[-1][:4] == ("close_publicity", "in_publicity", "director_review", "system")


def test_case_event_chain_links_each_event_to_the_previous(world):
    case = world.drive(world.new_case(), ["submit", "return_to_applicant", "submit"])

    events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))

    assert [e.prev_hash for e in events] == ["", events[0].hash, events[1].hash]
    assert all(e.hash == e.compute_hash() for e in events)


def test_case_event_orm_update_and_delete_refused(world):
    case = world.drive(world.new_case(), ["submit"])
    event = CaseEvent.objects.get(case=case)

    event.note = "改写"
    with pytest.raises(ImmutableRecordError):
        event.save()
    with pytest.raises(ImmutableRecordError):
        event.delete()
    with pytest.raises(ImmutableRecordError):
        CaseEvent.objects.filter(pk=event.pk).update(note="改写")
    with pytest.raises(ImmutableRecordError):
        CaseEvent.objects.filter(pk=event.pk).delete()

    assert CaseEvent.objects.get(pk=event.pk).note == "测试意见"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE applications_caseevent SET note = 'forged'",
        "DELETE FROM applications_caseevent",
    ],
)
def test_case_event_raw_sql_change_refused_by_trigger(world, sql):
    world.drive(world.new_case(), ["submit"])

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert list(CaseEvent.objects.values_list("note", flat=True)) == ["测试意见"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_same_transition_exactly_one_wins():
    world = World()
    case = world.drive(world.new_case(), ["submit", "recommend"])
    screening_pass_all(case, by=world.office)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait()
            services.case_transition(
                case.pk, "accept", by=world.office, expected_state="recommended"
            )
            outcomes.append("ok")
        except services.AlreadyHandled:
            outcomes.append("already handled")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["already handled", "ok"]
    assert CaseEvent.objects.filter(case=case, name="accept").count() == 1
    assert Case.objects.get(pk=case.pk).state == "accepted"


def test_submit_incomplete_application_is_blocked_with_reason(world):
    case = world.new_case()

    with pytest.raises(services.TransitionBlocked) as exc:
        services.case_transition(case.pk, "submit", by=world.applicant)

    assert exc.value.reasons == ["申报材料尚不完整，请先补齐“完整性检查”中列出的内容。"]
    case.refresh_from_db()
    assert case.state == "draft"


def test_mayor_approve_on_29_february_title_ends_28_february(time_machine):
    """The same rule as the award record: the anniversary of 29 February is 1 March."""
    time_machine.move_to("2028-02-29 10:00+08:00")
    world = World()
    case = world.drive(world.new_case(), PATH_TO["awarded"])

    assert case.awarded_on.isoformat() == "2028-02-29"
    assert case.award_valid_until.isoformat() == "2031-02-28"
