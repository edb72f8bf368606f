import dataclasses
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applications.models import Case
from applications.workflow import CaseState
from hengyang_award.core.simulation import (
    NoticeFacts,
    Outcome,
    PublicityRow,
    Revocation,
    Winner,
    rule_fraud_bans,
    rule_max_winners,
    rule_pass_score,
    rules_check,
)


def simulate(**options) -> str:
    out = io.StringIO()
    call_command("simulate_cycle", stdout=out, **options)
    return out.getvalue()


def rule_lines(output: str) -> list[str]:
    return re.findall(r"^  (PASS|FAIL)  (.*)$", output, flags=re.MULTILINE)


@pytest.mark.django_db
def test_simulate_cycle_seed_7_every_rule_passes():
    output = simulate(applicants=12, seed=7)

    rules = rule_lines(output)
    assert len(rules) == 6
    assert all(verdict == "PASS" for verdict, _text in rules), output
    assert "elapsed:" in output
    cases = Case.objects.all()
    assert cases.count() == 12
    # Every applicant's case reached an end: nothing is left in a working state.
    assert set(cases.values_list("state", flat=True)) <= {
        CaseState.NOT_RECOMMENDED,
        CaseState.INELIGIBLE,
        CaseState.NOT_SHORTLISTED,
        CaseState.NOT_SELECTED,
        CaseState.DISQUALIFIED,
        CaseState.EXPIRED,
        CaseState.REVOKED,
    }
    assert cases.filter(state=CaseState.EXPIRED).exists()
    assert cases.filter(state=CaseState.DISQUALIFIED).count() == 1
    # One fraud revocation before expiry, when the supervision app offers the procedure.
    revoked = cases.filter(state=CaseState.REVOKED).count()
    assert revoked == 1 or "revocation: not available" in output
    assert "publicity: " in output


@pytest.mark.django_db
def test_simulate_cycle_another_seed_every_rule_passes():
    output = simulate(applicants=10, seed=2025)

    rules = rule_lines(output)
    assert len(rules) == 6
    assert all(verdict == "PASS" for verdict, _text in rules), output


@pytest.mark.django_db
def test_simulate_cycle_database_with_cases_refused_without_force(world):
    world.new_case()

    with pytest.raises(CommandError, match="already holds cases"):
        simulate(applicants=12, seed=1)


@pytest.mark.django_db
def test_simulate_cycle_too_few_applicants_refused():
    with pytest.raises(CommandError, match="at least"):
        simulate(applicants=2)


def _outcome(winners: int) -> Outcome:
    """A made-up outcome consistent with every rule except, possibly, the number
    of winners."""
    start, end = datetime.date(2025, 5, 16), datetime.date(2025, 5, 22)
    valid_until = datetime.date(2028, 6, 9)
    return Outcome(
        max_winners=6,
        pass_score=600,
        publicity_working_days=5,
        validity_years=3,
        fraud_ban_years=5,
        winners=[
            Winner(
                case_id=i,
                organisation=f"组织{i}",
                onsite_total=Decimal("650.00"),
                announcement="衡政公告〔2025〕1号",
                certificate=f"HY01TEST{i}",
                valid_until=valid_until,
                final_state=CaseState.EXPIRED,
                expired_on=valid_until + datetime.timedelta(days=1),
            )
            for i in range(1, winners + 1)
        ],
        publicity=[PublicityRow(i, start, end, 5) for i in range(1, winners + 1)],
        notice=NoticeFacts(start, end, 5, body_shows_dates=True),
        cases_checked=winners,
    )


def test_rules_check_too_many_winners_fails_that_rule_only():
    results = rules_check(_outcome(winners=7))

    failed = [r.rule for r in results if not r.passed]
    assert failed == [rule_max_winners(_outcome(7)).rule]
    assert "7 winners, max 6" in rule_max_winners(_outcome(7)).detail


def test_rules_check_winners_at_the_maximum_pass():
    assert all(r.passed for r in rules_check(_outcome(winners=6)))


def test_rule_pass_score_winner_below_fails():
    outcome = _outcome(winners=2)
    outcome.winners[1] = dataclasses.replace(outcome.winners[1], onsite_total=Decimal("599.95"))

    result = rule_pass_score(outcome)

    assert not result.passed
    assert "[2]" in result.detail


def test_rule_publicity_case_period_of_other_length_fails():
    outcome = _outcome(winners=2)
    outcome.publicity[0] = PublicityRow(1, outcome.notice.starts_on, outcome.notice.ends_on, 4)

    failed = [r.rule for r in rules_check(outcome) if not r.passed]

    assert len(failed) == 1
    assert failed[0].startswith("publicity period")


def test_rule_fraud_bans_fraud_revocation_without_ban_in_force_fails():
    outcome = _outcome(winners=2)
    day = datetime.date(2025, 9, 8)
    outcome.revocations = [Revocation(case_id=1, revoked_on=day, fraud=True)]

    assert not rule_fraud_bans(outcome).passed

    outcome.revocations = [
        Revocation(
            case_id=1,
            revoked_on=day,
            fraud=True,
            ban_starts_on=day,
            ban_ends_on=datetime.date(2030, 9, 7),
            ban_in_force=True,
        )
    ]
    assert rule_fraud_bans(outcome).passed
