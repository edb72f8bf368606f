import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction

from applications import services
from applications.demo import prepare, screening_pass_all
from applications.models import Case
from applications.selectors import transitions_of_case
from applications.workflow import STAGE_OF_STATE, CaseState
from tests.factories import PATH_TO, World, complete_application, tiny_pdf
from tests.shared import module_transaction

# The whole graph, pinned: (transition, source, target). A change to the workflow
# must change this table too.
GRAPH = {
    ("submit", "draft", "submitted"),
    ("submit", "returned", "submitted"),
    ("recommend", "submitted", "recommended"),
    ("return_to_applicant", "submitted", "returned"),
    ("decline", "submitted", "not_recommended"),
    ("accept", "recommended", "accepted"),
    ("reject", "recommended", "ineligible"),
    ("screening_return", "recommended", "returned"),
    ("start_document_review", "accepted", "document_review"),
    ("shortlist", "document_review", "onsite_review"),
    ("not_shortlist", "document_review", "not_shortlisted"),
    ("finish_onsite", "onsite_review", "evaluation"),
    ("nominate", "evaluation", "candidate"),
    ("pass_over", "evaluation", "not_selected"),
    ("propose", "candidate", "proposed"),
    ("committee_reject", "candidate", "not_selected"),
    ("publish", "proposed", "in_publicity"),
    ("raise_objection", "in_publicity", "under_objection"),
    ("dismiss_objection", "under_objection", "in_publicity"),
    ("clear_objection", "under_objection", "director_review"),
    ("disqualify", "under_objection", "disqualified"),
    ("close_publicity", "in_publicity", "director_review"),
    ("director_approve", "director_review", "mayor_approval"),
    ("director_send_back", "director_review", "candidate"),
    ("mayor_approve", "mayor_approval", "awarded"),
    ("mayor_send_back", "mayor_approval", "candidate"),
    ("revoke", "awarded", "revoked"),
    ("expire", "awarded", "expired"),
    *{
        ("withdraw", s, "withdrawn")
        for s in (
            "draft",
            "submitted",
            "returned",
            "recommended",
            "accepted",
            "document_review",
            "onsite_review",
            "evaluation",
            "candidate",
        )
    },
}

STATES = [
    "draft",
    "submitted",
    "returned",
    "recommended",
    "not_recommended",
    "accepted",
    "ineligible",
    "document_review",
    "not_shortlisted",
    "onsite_review",
    "evaluation",
    "candidate",
    "not_selected",
    "proposed",
    "in_publicity",
    "under_objection",
    "disqualified",
    "director_review",
    "mayor_approval",
    "awarded",
    "revoked",
    "expired",
    "withdrawn",
]


def test_case_graph_matches_pinned_table():
    field = Case._meta.get_field("state")

    edges = {(t.name, t.source, t.target) for t in field.get_all_transitions(Case)}

    assert edges == GRAPH


def test_case_states_have_exact_values_and_a_stage():
    assert CaseState.values == STATES
    assert set(STAGE_OF_STATE) == set(STATES)


def test_every_state_is_reachable_from_draft():
    reached, frontier = {"draft"}, ["draft"]
    while frontier:
        state = frontier.pop()
        for _name, source, target in GRAPH:
            if source == state and target not in reached:
                reached.add(target)
                frontier.append(target)

    assert reached == set(STATES)


# Who may fire each transition. Keys are World attributes; "applicant" and "county"
# are the case's own organisation and county, "other_*" are foreign ones.
ALLOWED = {
    "submit": {"applicant"},
    "withdraw": {"applicant"},
    "recommend": {"county"},
    "return_to_applicant": {"county"},
    "decline": {"county"},
    "accept": {"office"},
    "reject": {"office"},
    "screening_return": {"office"},
    "start_document_review": {"office"},
    "shortlist": {"office"},
    "not_shortlist": {"office"},
    "finish_onsite": {"office"},
    "nominate": {"office"},
    "pass_over": {"office"},
    "propose": {"director"},
    "committee_reject": {"director"},
    "disqualify": {"director"},
    "publish": {"office"},
    "raise_objection": {"office"},
    "dismiss_objection": {"office"},
    "clear_objection": {"office"},
    "close_publicity": {"system"},
    "director_approve": {"director"},
    "director_send_back": {"director"},
    "mayor_approve": {"mayor"},
    "mayor_send_back": {"mayor"},
    "revoke": {"office"},
    "expire": {"system"},
}
ACTORS = [
    "applicant",
    "other_applicant",
    "county",
    "other_county",
    "office",
    "reviewer",
    "member",
    "director",
    "mayor",
    "sysadmin",
    "system",
]
# The state to put a case in before trying each transition (conditions satisfied).
START = {
    "submit": "draft",
    "withdraw": "submitted",
    "recommend": "submitted",
    "return_to_applicant": "submitted",
    "decline": "submitted",
    "accept": "recommended",
    "reject": "recommended",
    "screening_return": "recommended",
    "start_document_review": "accepted",
    "shortlist": "document_review",
    "not_shortlist": "document_review",
    "finish_onsite": "onsite_review",
    "nominate": "evaluation",
    "pass_over": "evaluation",
    "propose": "candidate",
    "committee_reject": "candidate",
    "publish": "proposed",
    "raise_objection": "in_publicity",
    "dismiss_objection": "under_objection",
    "clear_objection": "under_objection_ended",
    "disqualify": "under_objection",
    "close_publicity": "in_publicity_ended",
    "director_approve": "director_review",
    "director_send_back": "director_review",
    "mayor_approve": "mayor_approval",
    "mayor_send_back": "mayor_approval",
    "revoke": "awarded",
    "expire": "awarded",
}


def test_role_matrix_covers_every_transition():
    assert set(ALLOWED) == {name for name, _s, _t in GRAPH} == set(START)
    assert {name for name, _sources, _perm in transitions_of_case()} == set(ALLOWED)


def _day_after(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(10), tzinfo=ZoneInfo("Asia/Shanghai")
    )


def _attempt(world: World, case: Case, name: str, actor: str) -> bool:
    """Fire inside a savepoint that is rolled back, so the case stays put."""
    with transaction.atomic():
        try:
            if name == "recommend":
                services.county_recommend(
                    case.pk,
                    by=world.actor(actor),
                    opinion="同意推荐",
                    scan=io.BytesIO(tiny_pdf()),
                    scan_name="推荐.pdf",
                )
            else:
                services.case_transition(case.pk, name, by=world.actor(actor), note="意见")
        except PermissionDenied:
            return False
        transaction.set_rollback(True)
        return True


def _attempts_from(world: World, case: Case, name: str) -> set[str]:
    """The actors for whom `name` fires on `case`, after its preparations; all of
    it rolled back, so the case stays in its state."""
    with transaction.atomic():
        if name == "submit":
            complete_application(case, by=world.applicant)
        if name == "accept":
            screening_pass_all(case, by=world.office)
        prepare(case, name, office=world.office)
        if name == "expire":
            with time_machine.travel(_day_after(case.award_valid_until)):
                succeeded = {actor for actor in ACTORS if _attempt(world, case, name, actor)}
        else:
            succeeded = {actor for actor in ACTORS if _attempt(world, case, name, actor)}
        transaction.set_rollback(True)
    return succeeded


@pytest.fixture(scope="module")
def attempts(django_db_setup, django_db_blocker) -> dict[str, set[str]]:
    """Every transition tried by every actor, from a case in its start state. The
    start states lie on a few paths from draft: a case is driven on along its
    path from one start state to the next (each try rolled back) instead of a new
    case being driven from draft for each transition."""
    results: dict[str, set[str]] = {}
    walks: list[tuple[World, Case, list[str]]] = []
    with module_transaction(django_db_blocker):
        for name in sorted(ALLOWED, key=lambda n: (len(PATH_TO[START[n]]), n)):
            target = PATH_TO[START[name]]
            for i, (world, case, path) in enumerate(walks):
                if target[: len(path)] == path:
                    case = world.drive(Case.objects.get(pk=case.pk), target[len(path) :])
                    walks[i] = (world, case, target)
                    break
            else:
                world = World()
                case = world.drive(world.new_case(), target)
                walks.append((world, case, target))
            results[name] = _attempts_from(world, Case.objects.get(pk=case.pk), name)
        yield results


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_role_transition_matrix_only_allowed_actors_succeed(name, attempts):
    assert attempts[name] == ALLOWED[name]


def test_workflow_document_is_generated_from_the_model():
    from pathlib import Path

    from django.conf import settings

    from applications.diagram import workflow_markdown

    on_disk = (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text(encoding="utf-8")

    assert on_disk == workflow_markdown()
