"""Two tabs submitting the same scorebook at once, with real transactions and
threads: one submission, one record, one audit row."""

import importlib
import threading

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from hengyang_award.core.models import AuditLog
from review.models import Scorebook
from review.services import scoring as services
from tests.factories import World
from tests.review.scoring_support import document_review_case, entries


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """A transactional test may start after another one flushed the database,
    which empties the tables the data migrations fill: fill them again (the
    seeders are idempotent)."""
    for module, seeder in (
        ("hengyang_award.core.migrations.0002_auditlog_insert_only_and_counties", "seed_counties"),
        ("hengyang_award.core.migrations.0006_seed_scoring_items", "seed"),
    ):
        getattr(importlib.import_module(module), seeder)(apps, None)


@pytest.mark.django_db(transaction=True)
def test_scorebook_submit_twice_at_once_one_record():
    world = World()
    _case, (_leader, member, _third) = document_review_case(world)
    user = member.reviewer.user
    services.scorebook_save(member.pk, by=user, entries=entries(60))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait()
            services.scorebook_submit(member.pk, by=user)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.error_list[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["already_submitted", "ok"]
    assert Scorebook.objects.filter(assignment=member).count() == 1
    assert Scorebook.objects.get(assignment=member).status == Scorebook.Status.SUBMITTED
    assert AuditLog.objects.filter(action="review.scorebook_submit").count() == 1


@pytest.mark.django_db(transaction=True)
def test_scorebook_first_save_from_two_tabs_one_scorebook():
    world = World()
    _case, (_leader, member, _third) = document_review_case(world)
    user = member.reviewer.user
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def attempt(percent: int) -> None:
        try:
            barrier.wait()
            services.scorebook_save(member.pk, by=user, entries=entries(percent))
        except Exception as exc:  # any failure is the finding
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in (50, 70)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert Scorebook.objects.filter(assignment=member).count() == 1
    assert Scorebook.objects.get(assignment=member).entries.count() == 23
