"""The ballot arithmetic: quorum, majority readings and the choice of winners
with the cycle's tie-break (pure functions, no database)."""

from decimal import Decimal

import pytest

from committee.tally import Standing, majority_reached, quorum_of, winners_of

PASS = 600


def standing(case_id: int, approvals: int, onsite: int = 700, *, majority: bool = True) -> Standing:
    return Standing(
        case_id=case_id,
        approvals=approvals,
        onsite=Decimal(onsite),
        majority=majority,
        pass_score=PASS,
    )


@pytest.mark.parametrize(
    ("eligible", "numerator", "denominator", "expected"),
    [(9, 2, 3, 6), (8, 2, 3, 6), (7, 2, 3, 5), (6, 1, 2, 3), (5, 1, 2, 3), (0, 2, 3, 0)],
)
def test_quorum_of_rounds_up(eligible, numerator, denominator, expected):
    assert quorum_of(eligible, numerator=numerator, denominator=denominator) == expected


@pytest.mark.parametrize(
    ("approve", "present", "rule", "expected"),
    [
        (3, 6, "half", False),  # exactly half is not more than half
        (4, 6, "half", True),
        (3, 5, "half", True),
        (0, 0, "half", False),
        (4, 6, "two_thirds", True),  # 4/6 = 2/3
        (3, 5, "two_thirds", False),
        (5, 7, "two_thirds", True),
        (4, 7, "two_thirds", False),
    ],
)
def test_majority_reached_readings(approve, present, rule, expected):
    assert majority_reached(approve, present, rule=rule) is expected


def test_winners_of_ranks_by_approvals_then_onsite():
    standings = [standing(1, 4, 650), standing(2, 5, 610), standing(3, 4, 720)]

    outcome = winners_of(standings, places=6, onsite_first=True)

    assert outcome.winners == (2, 3, 1)
    assert outcome.complete


def test_winners_of_without_majority_or_pass_score_are_others():
    standings = [standing(1, 5, 590), standing(2, 2, 700, majority=False), standing(3, 5, 600)]

    outcome = winners_of(standings, places=6, onsite_first=True)

    assert outcome.winners == (3,)
    assert set(outcome.others) == {1, 2}


def test_winners_of_nobody_passing_is_a_complete_no_winner_outcome():
    standings = [standing(1, 1, 700, majority=False), standing(2, 5, 550)]

    outcome = winners_of(standings, places=6, onsite_first=False)

    assert outcome.winners == ()
    assert outcome.complete
    assert set(outcome.others) == {1, 2}


def test_winners_of_tie_at_boundary_broken_by_onsite_total_when_cycle_says_so():
    standings = [standing(1, 6, 700), standing(2, 5, 640), standing(3, 5, 660)]

    outcome = winners_of(standings, places=2, onsite_first=True)

    assert outcome.winners == (1, 3)
    assert outcome.others == (2,)


def test_winners_of_tie_at_boundary_goes_to_runoff_without_onsite_rule():
    standings = [standing(1, 6, 700), standing(2, 5, 640), standing(3, 5, 660)]

    outcome = winners_of(standings, places=2, onsite_first=False)

    assert outcome.winners == (1,)
    assert outcome.runoff == frozenset({2, 3})
    assert not outcome.complete


def test_winners_of_same_onsite_total_still_needs_runoff():
    standings = [standing(1, 5, 640), standing(2, 5, 640)]

    outcome = winners_of(standings, places=1, onsite_first=True)

    assert outcome.runoff == frozenset({1, 2})


def test_winners_of_runoff_decides_among_the_tied():
    standings = [standing(1, 6, 700), standing(2, 5, 640), standing(3, 5, 660)]
    runoffs = {frozenset({2, 3}): [{2: 4, 3: 2}]}

    outcome = winners_of(standings, places=2, onsite_first=False, runoffs=runoffs)

    assert outcome.winners == (1, 2)
    assert outcome.others == (3,)


def test_winners_of_tied_runoff_needs_another_then_second_decides():
    standings = [standing(1, 5, 640), standing(2, 5, 640)]
    tied_again = {frozenset({1, 2}): [{1: 3, 2: 3}]}
    decided = {frozenset({1, 2}): [{1: 3, 2: 3}, {1: 2, 2: 4}]}

    first = winners_of(standings, places=1, onsite_first=False, runoffs=tied_again)
    second = winners_of(standings, places=1, onsite_first=False, runoffs=decided)

    assert first.runoff == frozenset({1, 2})
    assert second.winners == (2,)
    assert second.complete


def test_winners_of_no_places_left_selects_nobody():
    outcome = winners_of([standing(1, 6)], places=0, onsite_first=True)

    assert outcome.winners == ()
    assert outcome.others == (1,)
