"""The scoring deadline reminds the reviewers who have not submitted, once."""

import pytest

from applications.models import CaseReminder
from applications.services import deadlines_process
from hengyang_award.core.models import ScoringItem
from hengyang_award.notifications.models import Notification
from review.models import Assignment
from review.services.scoring import scorebook_save, scorebook_submit
from tests.factories import PATH_TO, World

pytestmark = pytest.mark.django_db


def test_scoring_deadline_reminds_only_reviewers_who_have_not_submitted(time_machine):
    time_machine.move_to("2026-11-02 10:00+08:00")
    world = World()
    case = world.drive(world.new_case(), PATH_TO["document_review"])
    team = list(
        Assignment.objects.filter(case=case, stage="document", status="active").select_related(
            "reviewer__user"
        )
    )
    done = team[0]
    entries = {
        i.code: {"percent": 60, "strengths": [], "opportunities": []}
        for i in ScoringItem.objects.all()
    }
    scorebook_save(done.pk, by=done.reviewer.user, entries=entries)
    scorebook_submit(done.pk, by=done.reviewer.user)
    # 15 working days from 2026-11-02 end on 2026-11-23; one day left on the 20th.
    time_machine.move_to("2026-11-20 10:00+08:00")

    deadlines_process()
    deadlines_process()

    reminded = set(
        Notification.objects.filter(kind="reminder.document_scoring").values_list(
            "recipient__username", flat=True
        )
    )
    assert reminded == {a.reviewer.user.username for a in team[1:]}
    assert list(
        CaseReminder.objects.filter(case=case, kind="document_scoring").values_list(
            "lead", flat=True
        )
    ) == [1]
