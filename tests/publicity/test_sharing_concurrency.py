"""Two organisations registering for the last seat at once, with real
transactions and threads: the session row lock lets one win; the other is told
the session is full (no overbooking)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from hengyang_award.core.models import AuditLog
from publicity.models import VisitRegistration, VisitSession
from publicity.services import visit_register
from tests.factories import World
from tests.factories.sharing import register, session, visitor, winner


@pytest.mark.django_db(transaction=True)
def test_visit_register_last_seat_at_once_one_wins():
    world = World()
    award = winner(world)
    offered = session(award, by=world.applicant, capacity=3)
    register(offered, by=visitor(), attendees=2)
    guests = [visitor(), visitor()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(guest) -> None:
        try:
            barrier.wait()
            visit_register(offered.pk, by=guest, attendees=1, attendee_names="某某")
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.message_dict["attendees"][0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(g,)) for g in guests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    offered.refresh_from_db()
    assert sorted(outcomes) == sorted(["ok", "名额已满。"])
    assert (
        VisitRegistration.objects.filter(
            session=offered, status=VisitRegistration.Status.REGISTERED
        ).count()
        == 2
    )
    assert offered.status == VisitSession.Status.FULL
    assert AuditLog.objects.filter(action="sharing.visit_register").count() == 2
