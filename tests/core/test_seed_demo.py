import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applications.models import Case, CaseEvent
from hengyang_award.core.models import AuditLog, AwardCycle, Organisation, User

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = {
    "office",
    "applicant",
    "county",
    *{f"reviewer{i}" for i in range(1, 6)},
    *{f"committee{i}" for i in range(1, 8)},
    "director",
    "mayor",
    "sysadmin",
}

DEMO_STATES = {
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
    "proposed",
    "in_publicity",
    "under_objection",
    "director_review",
    "mayor_approval",
    "awarded",
    "withdrawn",
    # 第2届 (finished): one winner's title revoked for fraud by the after-award demo.
    "revoked",
}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "cycles": AwardCycle.objects.count(),
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "audit": AuditLog.objects.count(),
    }


def chain_problems(case: Case) -> list[str]:
    """Every break in the case's hash chain, as readable lines (none when intact)."""
    problems = []
    previous_hash, previous_target = "", "draft"
    for event in CaseEvent.objects.filter(case=case).order_by("at", "pk"):
        if event.prev_hash != previous_hash:
            problems.append(f"case {case.pk} event {event.pk}: prev_hash does not link")
        if event.hash != event.compute_hash():
            problems.append(f"case {case.pk} event {event.pk}: hash does not match")
        if event.source != previous_target:
            problems.append(f"case {case.pk} event {event.pk}: source {event.source}")
        previous_hash, previous_target = event.hash, event.target
    if previous_target != case.state:
        problems.append(f"case {case.pk}: last event ends in {previous_target}, not {case.state}")
    return problems


def test_seed_demo_debug_false_raises_command_error(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as excinfo:
        seed()

    assert str(excinfo.value) == "DEBUG=False：演示数据不应写入生产库。如确需执行，请加 --force。"
    assert User.objects.filter(username__in=DEMO_USERNAMES).exists() is False


# Seeding takes seconds: the module seeds once (DEBUG=False with --force, the
# production guard's way through), then each test checks what it names; the last
# one runs the command again with DEBUG=True and checks it adds nothing.
@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    from django.test import override_settings

    from tests.shared import module_transaction

    with module_transaction(django_db_blocker), override_settings(DEBUG=False):
        yield seed("--force")


def test_seed_demo_with_force_seeds_users_roles_and_password(seeded):
    names = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
    assert names == DEMO_USERNAMES
    assert "演示数据已就绪" in seeded
    roles = {
        u.username: set(u.role_names)
        for u in User.objects.filter(username__in=["office", "applicant", "county", "mayor"])
    }
    assert roles == {
        "office": {"office_staff"},
        "applicant": {"applicant"},
        "county": {"county_official"},
        "mayor": {"mayor"},
    }
    assert User.objects.get(username="office").check_password("hengyang-demo-2026") is True


def test_seed_demo_with_force_seeds_every_state_with_intact_chains(seeded):
    assert set(Case.objects.values_list("state", flat=True)) == DEMO_STATES
    cases = list(Case.objects.exclude(state="draft"))
    assert [line for case in cases for line in chain_problems(case)] == []
    assert all(case.events.exists() for case in cases) is True
    assert Case.objects.filter(state="draft", events__isnull=False).exists() is False


def test_seed_demo_second_run_with_debug_adds_nothing(seeded, settings):
    settings.DEBUG = True
    before = counts()

    output = seed()

    assert counts() == before
    assert "演示数据已就绪" in output
