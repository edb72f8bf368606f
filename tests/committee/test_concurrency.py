"""Two tabs casting the same member's ballot at once, with real transactions and
threads: one participation row, one vote, one audit row (RE-1)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from committee import services
from committee.models import BallotCast, Vote
from hengyang_award.core.models import AuditLog
from tests.factories import World
from tests.factories.committee import (
    committee_of,
    declare_none,
    evaluation_case,
    meeting_for,
    nominate,
)


@pytest.mark.django_db(transaction=True)
def test_vote_cast_twice_at_once_one_ballot():
    world = World()
    members = committee_of(world.cycle, office=world.office, members=2)
    case = nominate(evaluation_case(world, percent=70), office=world.office)
    meeting = meeting_for(world.cycle, office=world.office)
    member = members[1]
    declare_none([member], case)
    round_ = services.round_open(meeting.pk, by=world.office)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(choice: str) -> None:
        try:
            barrier.wait()
            services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice=choice)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in ("approve", "oppose")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert BallotCast.objects.filter(round=round_, member=member).count() == 1
    assert Vote.objects.filter(round=round_).count() == 1
    assert AuditLog.objects.filter(action="committee.ballot_cast").count() == 1
