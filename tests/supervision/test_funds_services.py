import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from hengyang_award.core.models import AuditLog
from hengyang_award.notifications.models import Notification
from supervision.models import AfterAwardFile, FundReport, Revocation
from supervision.services import (
    fund_report_answer,
    fund_report_dues,
    fund_report_review,
    fund_report_submit,
    prize_payment_record,
)
from tests.factories import tiny_pdf
from tests.factories.supervision_after import announced_award, paid
from tests.shared import shared_fixtures

pytestmark = pytest.mark.django_db
D = Decimal


shared, world, award = shared_fixtures(announced_award, "award")


def _submit(world, award, *, total, lines, by=None, **kwargs):
    return fund_report_submit(
        award.pk,
        by=by or world.applicant,
        period_start=kwargs.pop("period_start", award.starts_on),
        period_end=kwargs.pop("period_end", award.starts_on),
        total=total,
        lines=lines,
        **kwargs,
    )


def _line(purpose, amount):
    return {"purpose": purpose, "amount": amount, "description": ""}


def test_prize_payment_record_stores_audits_and_notifies(world, award):
    payment = paid(world, award, amount=D("500000.00"))

    assert (payment.amount, payment.paid_on, payment.reference) == (
        D("500000.00"),
        award.starts_on,
        "财拨〔2026〕1号",
    )
    assert AuditLog.objects.filter(action="prize.pay", object_id=str(payment.pk)).count() == 1
    assert Notification.objects.filter(recipient=world.applicant, kind="prize.paid").count() == 1


def test_prize_payment_over_prize_refused(world, award):
    with pytest.raises(ValidationError) as raised:
        paid(world, award, amount=award.prize_amount + 1)

    assert "拨付金额不能超过奖金600000.00元。" in raised.value.message_dict["amount"]


def test_prize_payment_award_without_prize_refused(world):
    award = announced_award(world, prize=D("0"))

    with pytest.raises(ValidationError) as raised:
        paid(world, award, amount=D("1.00"))

    assert raised.value.messages == ["该获奖记录不设奖金（本届未设奖金），无需登记拨付。"]


def test_prize_payment_second_time_refused(world, award):
    paid(world, award, amount=D("100.00"))

    with pytest.raises(ValidationError) as raised:
        paid(world, award, amount=D("100.00"))

    assert raised.value.messages == ["该获奖组织的奖金拨付已登记。"]


def test_prize_payment_by_applicant_forbidden(world, award):
    with pytest.raises(PermissionDenied):
        prize_payment_record(
            award.pk,
            by=world.applicant,
            paid_on=award.starts_on,
            amount=D("1.00"),
            reference="x",
        )


def test_fund_report_submit_lines_and_evidence_stored(world, award):
    paid(world, award)

    report = _submit(
        world,
        award,
        total=D("300.00"),
        lines=[_line("training", D("100.00")), _line("research", D("200.00"))],
        evidence=[(io.BytesIO(tiny_pdf()), "发票.pdf")],
    )

    assert report.status == FundReport.Status.SUBMITTED
    assert sorted((li.purpose, li.amount) for li in report.lines.all()) == [
        ("research", D("200.00")),
        ("training", D("100.00")),
    ]
    stored = AfterAwardFile.objects.get(fund_report=report)
    assert stored.original_name == "发票.pdf"
    assert stored.file.name != "发票.pdf"
    assert len(stored.sha256) == 64
    assert (
        AuditLog.objects.filter(action="fund_report.submit", object_id=str(report.pk)).count() == 1
    )
    assert (
        Notification.objects.filter(recipient=world.office, kind="fund_report.submitted").count()
        == 1
    )


def test_fund_report_lines_not_adding_up_refused_with_reason(world, award):
    paid(world, award)

    with pytest.raises(ValidationError) as raised:
        _submit(
            world,
            award,
            total=D("500.00"),
            lines=[_line("training", D("100.00")), _line("research", D("200.00"))],
        )

    assert raised.value.message_dict["total"] == [
        "各项用途金额之和为300.00元，与填写的合计500.00元不一致。"
    ]
    assert not FundReport.objects.exists()


def test_fund_report_unknown_purpose_refused(world, award):
    paid(world, award)

    with pytest.raises(ValidationError) as raised:
        _submit(world, award, total=D("100.00"), lines=[_line("banquet", D("100.00"))])

    assert raised.value.message_dict["lines"] == [
        "第1行：用途“banquet”不在第十三条规定的使用范围内。"
    ]


def test_fund_report_cumulative_over_paid_refused(world, award):
    paid(world, award, amount=D("1000.00"))
    _submit(world, award, total=D("800.00"), lines=[_line("training", D("800.00"))])

    with pytest.raises(ValidationError) as raised:
        _submit(world, award, total=D("300.00"), lines=[_line("research", D("300.00"))])

    assert raised.value.message_dict["total"] == [
        "累计报告使用金额1100.00元超过已拨付奖金1000.00元（此前已报告800.00元）。"
    ]


def test_fund_report_before_payment_refused(world, award):
    with pytest.raises(ValidationError) as raised:
        _submit(world, award, total=D("1.00"), lines=[_line("training", D("1.00"))])

    assert raised.value.messages == ["奖金尚未拨付，暂无需报告使用情况。"]


def test_fund_report_by_other_organisation_forbidden(world, award):
    paid(world, award)

    with pytest.raises(PermissionDenied):
        _submit(
            world,
            award,
            total=D("1.00"),
            lines=[_line("training", D("1.00"))],
            by=world.other_applicant,
        )


def test_fund_report_review_questions_then_answer_then_accept(world, award):
    paid(world, award)
    report = _submit(world, award, total=D("10.00"), lines=[_line("training", D("10.00"))])

    fund_report_review(report.pk, by=world.office, outcome="questions", note="请补充培训签到表。")
    fund_report_answer(report.pk, by=world.applicant, answer="已补充。")
    accepted = fund_report_review(report.pk, by=world.office, outcome="accept")

    assert accepted.status == FundReport.Status.ACCEPTED
    assert accepted.answer == "已补充。"
    assert list(
        AuditLog.objects.filter(object_id=str(report.pk), action__startswith="fund_report.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["fund_report.submit", "fund_report.review", "fund_report.answer", "fund_report.review"]
    assert (
        Notification.objects.filter(recipient=world.applicant, kind="fund_report.questions").count()
        == 1
    )


def test_fund_report_review_misuse_opens_revocation(world, award):
    paid(world, award)
    report = _submit(world, award, total=D("10.00"), lines=[_line("training", D("10.00"))])

    fund_report_review(report.pk, by=world.office, outcome="misuse", note="实际用于发放福利。")

    revocation = Revocation.objects.get(award=award)
    assert (revocation.grounds, revocation.fund_report, revocation.outcome) == (
        "breach",
        report,
        "open",
    )
    assert "实际用于发放福利。" in revocation.facts


def test_fund_report_dues_every_interval_while_valid(world, award):
    paid(world, award, paid_on=award.starts_on)
    months = world.cycle.fund_report_interval_months

    dues = fund_report_dues(award, today=award.starts_on)

    assert len(dues) == (world.cycle.validity_years * 12) // months - (
        1 if (world.cycle.validity_years * 12) % months == 0 else 0
    )
    assert dues[0].period_start == award.starts_on
    assert not any(d.overdue for d in dues)


def test_fund_report_dues_overdue_until_reported(world, award):
    paid(world, award)
    first_due = fund_report_dues(award)[0].due_on

    with time_machine.travel(first_due + datetime.timedelta(days=1), tick=False):
        before = fund_report_dues(award)[0]
        _submit(
            world,
            award,
            total=D("10.00"),
            lines=[_line("training", D("10.00"))],
            period_end=first_due - datetime.timedelta(days=1),
        )
        award.refresh_from_db()
        after = fund_report_dues(award)[0]

    assert (before.overdue, before.met) == (True, False)
    assert (after.overdue, after.met) == (False, True)
