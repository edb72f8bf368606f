import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.models import Case
from applications.services import deadlines_process, fire
from hengyang_award.core.models import AuditLog
from hengyang_award.jobs.models import OutboxMessage
from hengyang_award.notifications.models import Notification
from publicity.models import Notice
from supervision.models import Award, Certificate
from supervision.services import (
    announcement_issue,
    announcement_readiness,
    certificate_number_new,
    certificate_number_normalise,
    title_last_day,
)
from tests.factories import World, make_cycle
from tests.factories.awards import announce, drive_to, winner_in
from tests.shared import shared_fixtures

D = datetime.date
pytestmark = pytest.mark.django_db


shared, world, winner = shared_fixtures(lambda world: drive_to(world, "awarded"), "winner")


def test_announcement_issue_winner_gets_award_dates_prize_certificate_and_notice(world, winner):
    world.cycle.prize_amount = Decimal("600000.00")
    world.cycle.save(update_fields=["prize_amount"])

    issued = announce(
        world.cycle, office=world.office, number="衡政公告〔2026〕8号", issued_on=D(2026, 11, 27)
    )

    award = Award.objects.get(case=winner)
    assert (award.starts_on, award.ends_on) == (D(2026, 11, 27), D(2029, 11, 26))
    assert award.award_year == world.cycle.year
    assert award.announcement == issued
    assert (award.prize_amount, award.prize_basis) == (Decimal("600000.00"), "first_win")
    case = Case.objects.get(pk=winner.pk)
    assert (case.state, case.awarded_on, case.award_valid_until) == (
        "awarded",
        D(2026, 11, 27),
        D(2029, 11, 26),
    )
    notice = issued.notice
    assert (notice.kind, notice.number, notice.is_published) == (
        Notice.Kind.ANNOUNCEMENT,
        "衡政公告〔2026〕8号",
        True,
    )
    assert notice.body["table"]["rows"][0][1] == world.org.name
    assert f"（{world.cycle.year}年度）" in notice.body["paragraphs"][0]
    certificate = Certificate.objects.get(award=award)
    assert (
        OutboxMessage.objects.filter(
            task="pdf.render_certificate", kwargs={"certificate_id": certificate.pk}
        ).count()
        == 1
    )
    audit = AuditLog.objects.get(action="award.announce")
    assert audit.detail["awards"][0]["certificate"] == certificate.number
    assert (
        Notification.objects.filter(recipient=world.applicant, kind="award.announced").count() == 1
    )


def test_announcement_issue_twice_for_same_winner_second_refused(world, winner):
    announce(world.cycle, office=world.office)

    with pytest.raises(ValidationError) as refused:
        announce(world.cycle, office=world.office)

    assert "本届没有尚未公告的获奖组织。" in refused.value.messages
    assert Award.objects.filter(case=winner).count() == 1


@pytest.mark.parametrize(
    ("starts_on", "years", "ends_on"),
    [
        (D(2026, 11, 27), 3, D(2029, 11, 26)),
        (D(2028, 2, 29), 3, D(2031, 2, 28)),
        (D(2028, 2, 29), 4, D(2032, 2, 28)),
        (D(2027, 3, 1), 3, D(2030, 2, 28)),
        (D(2026, 1, 1), 3, D(2028, 12, 31)),
    ],
)
def test_title_last_day_day_before_anniversary(starts_on, years, ends_on):
    assert title_last_day(starts_on, years=years) == ends_on


def test_announcement_issue_on_29_february_ends_on_28_february(world, winner):
    announce(world.cycle, office=world.office, issued_on=D(2028, 2, 29))

    award = Award.objects.get(case=winner)
    assert (award.starts_on, award.ends_on) == (D(2028, 2, 29), D(2031, 2, 28))
    assert Case.objects.get(pk=winner.pk).award_valid_until == D(2031, 2, 28)


def test_announcement_issue_reads_validity_years_from_cycle(world, winner):
    world.cycle.validity_years = 2
    world.cycle.save(update_fields=["validity_years"])

    announce(world.cycle, office=world.office, issued_on=D(2026, 11, 27))

    assert Award.objects.get(case=winner).ends_on == D(2028, 11, 26)


def test_announcement_issue_without_number_refused(world, winner):
    with pytest.raises(ValidationError) as refused:
        announcement_issue(world.cycle.pk, number="  ", by=world.office)

    assert refused.value.message_dict == {"number": ["请填写公告文号。"]}
    assert not Award.objects.exists()


def test_announcement_issue_number_used_before_refused(world, winner):
    other_cycle = make_cycle(office=world.office)
    _other, _other_winner = winner_in(other_cycle)
    announce(other_cycle, office=world.office, number="衡政公告〔2026〕9号")

    with pytest.raises(ValidationError) as refused:
        announce(world.cycle, office=world.office, number="衡政公告〔2026〕9号")

    assert refused.value.message_dict == {"number": ["文号“衡政公告〔2026〕9号”已被使用。"]}
    assert not Award.objects.filter(case=winner).exists()


def test_announcement_issue_while_a_case_awaits_mayor_refused(world, winner):
    third = World(cycle=world.cycle)
    drive_to(third, "mayor_approval")

    ready = announcement_readiness(world.cycle)
    with pytest.raises(ValidationError) as refused:
        announce(world.cycle, office=world.office)

    assert not ready.can_issue
    assert refused.value.messages == [
        "尚有1个组织在评委会主任审核或市长审定中，审批完成后才能发布公告。"
    ]
    assert not Award.objects.exists()


def test_announcement_issue_by_non_office_refused(world, winner):
    with pytest.raises(PermissionDenied):
        announce(world.cycle, office=world.director)


def test_announcement_issue_vacant_cycle_announces_no_award(world):
    world.cycle.application_opens = world.cycle.application_opens - datetime.timedelta(days=60)
    world.cycle.application_closes = timezone.localdate() - datetime.timedelta(days=1)
    world.cycle.save(update_fields=["application_opens", "application_closes"])

    issued = announce(world.cycle, office=world.office, number="衡政公告〔2026〕10号")

    assert issued.is_vacant
    assert not Award.objects.exists()
    assert issued.notice.is_published
    assert "本届空缺，不予授奖" in issued.notice.body["paragraphs"][0]
    assert AuditLog.objects.get(action="award.announce").detail["vacant"] is True


def test_announcement_issue_vacant_while_applications_open_refused(world):
    with pytest.raises(ValidationError) as refused:
        announce(world.cycle, office=world.office)

    assert refused.value.messages == ["本届申报受理期尚未结束，不能公告本届空缺。"]


def test_announcement_issue_vacant_while_a_case_is_in_review_refused(world):
    drive_to(world, "candidate")
    world.cycle.application_closes = timezone.localdate() - datetime.timedelta(days=1)
    world.cycle.application_opens = world.cycle.application_closes - datetime.timedelta(days=30)
    world.cycle.save(update_fields=["application_opens", "application_closes"])

    with pytest.raises(ValidationError) as refused:
        announce(world.cycle, office=world.office)

    assert refused.value.messages == ["尚有1个组织的评审未结束，不能公告本届空缺。"]


def test_announcement_issue_repeat_winner_after_expiry_gets_no_second_prize(world, time_machine):
    world.cycle.prize_amount = Decimal("500000.00")
    world.cycle.save(update_fields=["prize_amount"])
    first_case = drive_to(world, "awarded")
    long_ago = timezone.localdate() - datetime.timedelta(days=4 * 366)
    first = announce(world.cycle, office=world.office, issued_on=long_ago).awards.get()
    deadlines_process()
    assert Case.objects.get(pk=first_case.pk).state == "expired"
    second_cycle = make_cycle(office=world.office, prize_amount=Decimal("800000.00"))
    world.cycle = second_cycle
    again = drive_to(world, "awarded")
    _newcomer_world, newcomer = winner_in(second_cycle)

    announce(second_cycle, office=world.office)

    repeat = Award.objects.get(case=again)
    assert (repeat.prize_amount, repeat.prize_basis, repeat.previous_award) == (
        Decimal("0.00"),
        Award.PrizeBasis.REPEAT_WINNER,
        first,
    )
    assert Award.objects.get(case=newcomer).prize_amount == Decimal("800000.00")
    rows = {row[1]: row[3] for row in repeat.announcement.notice.body["table"]["rows"]}
    assert rows[world.org.name] == "奖牌、证书（再次获奖，不重复奖励奖金）"


def test_certificate_numbers_unique_checked_and_not_sequential():
    numbers = [certificate_number_new(3) for _ in range(500)]

    assert len(set(numbers)) == 500
    assert all(re.fullmatch(r"HY03[0-9A-HJKMNP-TV-Z]{11}", n) for n in numbers)
    assert all(certificate_number_normalise(n) == n for n in numbers)
    # Consecutive numbers share no common stem: nothing to step through.
    shared_prefix = [len(_common_prefix(a[4:], b[4:])) for a, b in itertools.pairwise(numbers)]
    assert max(shared_prefix) < 5


def _common_prefix(a: str, b: str) -> str:
    out = ""
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        out += x
    return out


def test_certificate_number_normalise_one_symbol_changed_rejected():
    number = certificate_number_new(1)
    changed = number[:6] + ("0" if number[6] != "0" else "1") + number[7:]
    swapped = number[:6] + number[7] + number[6] + number[8:]

    assert certificate_number_normalise(changed) is None
    assert number[6] == number[7] or certificate_number_normalise(swapped) is None
    assert certificate_number_normalise(f" {number[:6].lower()}-{number[6:]} ") == number


def test_certificate_numbers_of_one_announcement_differ(world, winner):
    winner_in(world.cycle)

    announce(world.cycle, office=world.office)

    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == 2
    assert len(set(numbers)) == 2


def test_case_revoke_marks_award_revoked(world, winner):
    announce(world.cycle, office=world.office)

    _revoke_through_procedure(world, Award.objects.get(case=winner))

    award = Award.objects.get(case=winner)
    assert award.revoked_on == timezone.localdate()
    assert award.status == "revoked"
    assert AuditLog.objects.filter(action="award.revoke", object_id=str(award.pk)).count() == 1


def test_plaque_record_then_correct_audits_both(world, winner):
    from supervision.services import plaque_record

    award = announce(world.cycle, office=world.office).awards.get()

    plaque_record(award.pk, by=world.office, issued_on=timezone.localdate(), received_by="王五")
    plaque = plaque_record(
        award.pk, by=world.office, issued_on=timezone.localdate(), received_by="赵六"
    )

    assert plaque.received_by == "赵六"
    assert list(
        AuditLog.objects.filter(object_type="supervision.Plaque")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["plaque.record", "plaque.correct"]


def test_plaque_record_by_applicant_refused(world, winner):
    from supervision.services import plaque_record

    award = announce(world.cycle, office=world.office).awards.get()

    with pytest.raises(PermissionDenied):
        plaque_record(
            award.pk, by=world.applicant, issued_on=timezone.localdate(), received_by="王五"
        )


def test_case_revoke_of_a_title_on_record_needs_the_procedure(world, winner):
    from applications.services import TransitionBlocked

    announce(world.cycle, office=world.office)

    with pytest.raises(TransitionBlocked) as blocked:
        fire(winner.pk, "revoke", by=world.office, note="查实弄虚作假。")

    assert "撤销须经撤销程序" in str(blocked.value.reasons)
    assert Award.objects.get(case=winner).revoked_on is None


def _revoke_through_procedure(world, award) -> None:
    """The way a title on record is revoked: the whole procedure, then the city."""
    import datetime as _dt

    from supervision.services import revocation_city_decide
    from tests.factories.supervision_after import revocation_decided

    revocation = revocation_decided(world, award)
    revocation_city_decide(
        revocation.pk,
        by=world.office,
        decision="revoke",
        number="衡政发〔2026〕99号",
        decided_on=timezone.localdate(),
        note="查实弄虚作假，撤销称号。",
        recovery_due_on=timezone.localdate() + _dt.timedelta(days=30),
    )
