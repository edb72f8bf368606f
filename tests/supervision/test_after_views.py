import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Case
from supervision.models import FundReport, Inspection, PrizePayment, Revocation
from supervision.services import fund_report_submit, inspection_plan
from tests.factories.supervision_after import (
    announced_award,
    paid,
    revocation_decided,
    revocation_opened,
)
from tests.shared import shared_fixtures

pytestmark = pytest.mark.django_db


shared, world, award = shared_fixtures(announced_award, "award")


@pytest.mark.parametrize(
    ("actor", "status"),
    [("office", 200), ("applicant", 200), ("other_applicant", 404), ("reviewer", 404)],
)
def test_award_after_page_by_role(world, award, client, actor, status):
    client.force_login(world.actor(actor))

    response = client.get(reverse("supervision:award_after", args=[award.pk]))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("actor", "status"), [("office", 200), ("applicant", 403), ("director", 403)]
)
def test_after_dashboard_by_role(world, client, actor, status):
    client.force_login(world.actor(actor))

    assert client.get(reverse("supervision:after_dashboard")).status_code == status


def test_prize_payment_page_records_payment(world, award, client):
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:prize_payment", args=[award.pk]),
        {"paid_on": award.starts_on.isoformat(), "amount": "600000.00", "reference": "财拨1号"},
    )

    assert response.status_code == 302
    assert PrizePayment.objects.get(award=award).reference == "财拨1号"


def test_prize_payment_page_over_prize_keeps_input_and_shows_error(world, award, client):
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:prize_payment", args=[award.pk]),
        {"paid_on": award.starts_on.isoformat(), "amount": "700000.00", "reference": "财拨1号"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "拨付金额不能超过奖金600000.00元。" in body
    assert 'value="财拨1号"' in body


def test_prize_payment_by_applicant_403(world, award, client):
    client.force_login(world.applicant)

    response = client.post(reverse("supervision:prize_payment", args=[award.pk]), {})

    assert response.status_code == 403


def test_fund_report_page_offers_only_permitted_purposes_and_submits(world, award, client):
    paid(world, award)
    client.force_login(world.applicant)
    url = reverse("supervision:fund_report_new", args=[award.pk])

    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "period_start": award.starts_on.isoformat(),
            "period_end": award.starts_on.isoformat(),
            "amount_training": "100.00",
            "amount_research": "50.00",
            "total": "150.00",
        },
    )

    assert "id_amount_laboratory" in form
    assert "banquet" not in form
    assert response.status_code == 302
    assert FundReport.objects.get(award=award).total == Decimal("150.00")


def test_fund_report_page_sum_mismatch_shows_reason(world, award, client):
    paid(world, award)
    client.force_login(world.applicant)

    response = client.post(
        reverse("supervision:fund_report_new", args=[award.pk]),
        {
            "period_start": award.starts_on.isoformat(),
            "period_end": award.starts_on.isoformat(),
            "amount_training": "100.00",
            "total": "150.00",
        },
    )

    assert response.status_code == 200
    assert "各项用途金额之和为100.00元，与填写的合计150.00元不一致。" in response.content.decode()
    assert not FundReport.objects.exists()


def test_fund_report_page_foreign_award_404(world, award, client):
    client.force_login(world.other_applicant)

    assert client.get(reverse("supervision:fund_report_new", args=[award.pk])).status_code == 404


def test_fund_report_detail_foreign_404_office_reviews(world, award, client):
    paid(world, award)
    report = fund_report_submit(
        award.pk,
        by=world.applicant,
        period_start=award.starts_on,
        period_end=award.starts_on,
        total=Decimal("10"),
        lines=[{"purpose": "training", "amount": "10"}],
    )
    client.force_login(world.other_applicant)
    foreign = client.get(reverse("supervision:fund_report_detail", args=[report.pk]))
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:fund_report_review", args=[report.pk]), {"outcome": "accept"}
    )

    assert foreign.status_code == 404
    assert response.status_code == 302
    assert FundReport.objects.get(pk=report.pk).status == "accepted"


def test_inspection_planned_hidden_from_winner_until_recorded(world, award, client):
    inspection = inspection_plan(
        award.pk, by=world.office, planned_on=award.starts_on, inspectors="王", scope="范围"
    )
    url = reverse("supervision:inspection_detail", args=[inspection.pk])
    client.force_login(world.applicant)
    hidden = client.get(url)
    client.force_login(world.office)

    client.post(
        reverse("supervision:inspection_record", args=[inspection.pk]),
        {
            "held_on": award.starts_on.isoformat(),
            "findings": "未注明年度",
            "follow_up": "整改",
            "follow_up_due": (award.starts_on + datetime.timedelta(days=5)).isoformat(),
        },
    )
    client.force_login(world.applicant)
    shown = client.get(url)
    answered = client.post(
        reverse("supervision:inspection_answer", args=[inspection.pk]), {"answer": "已整改"}
    )

    assert hidden.status_code == 404
    assert shown.status_code == 200
    assert "未注明年度" in shown.content.decode()
    assert answered.status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).answer == "已整改"


def test_revocation_new_page_opens_procedure(world, award, client):
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:revocation_new", args=[award.pk]),
        {"grounds": "fraud", "facts": "伪造检测报告"},
    )

    revocation = Revocation.objects.get(award=award)
    assert response.status_code == 302
    assert response.url == reverse("supervision:revocation_detail", args=[revocation.pk])


def test_revocation_new_page_second_procedure_shows_refusal(world, award, client):
    revocation_opened(world, award)
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:revocation_new", args=[award.pk]),
        {"grounds": "fraud", "facts": "再次"},
    )

    assert response.status_code == 200
    assert "不能重复立案" in response.content.decode()
    assert Revocation.objects.filter(award=award).count() == 1


@pytest.mark.parametrize(
    ("actor", "status"),
    [("office", 200), ("director", 200), ("applicant", 200), ("other_applicant", 404)],
)
def test_revocation_detail_by_role(world, award, client, actor, status):
    revocation = revocation_opened(world, award)
    client.force_login(world.actor(actor))

    response = client.get(reverse("supervision:revocation_detail", args=[revocation.pk]))

    assert response.status_code == status


def test_revocation_decide_page_before_period_shows_date(world, award, client):
    revocation = revocation_opened(world, award)
    client.force_login(world.office)
    client.post(
        reverse("supervision:revocation_findings", args=[revocation.pk]), {"findings": "属实"}
    )
    client.force_login(world.director)

    response = client.post(
        reverse("supervision:revocation_decide", args=[revocation.pk]),
        {"decision": "revoke", "note": "同意"},
    )

    assert response.status_code == 200
    assert revocation.statement_ends_on.isoformat() in response.content.decode()
    assert Revocation.objects.get(pk=revocation.pk).committee_decision == ""


def test_revocation_decide_by_office_403(world, award, client):
    revocation = revocation_opened(world, award)
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:revocation_decide", args=[revocation.pk]),
        {"decision": "revoke", "note": "同意"},
    )

    assert response.status_code == 403


def test_revocation_city_page_revokes_and_recovery_completes(world, award, client):
    revocation = revocation_decided(world, award)
    today = timezone.localdate()
    client.force_login(world.office)

    response = client.post(
        reverse("supervision:revocation_city", args=[revocation.pk]),
        {
            "decision": "revoke",
            "number": "衡政发〔2026〕5号",
            "decided_on": today.isoformat(),
            "note": "批准撤销",
            "recovery_due_on": (today + datetime.timedelta(days=30)).isoformat(),
        },
    )
    task = Revocation.objects.get(pk=revocation.pk).recovery_tasks.get(kind="certificate")
    done = client.post(
        reverse("supervision:recovery_complete", args=[task.pk]),
        {"completed_on": today.isoformat(), "note": "已交回"},
    )
    verify = client.get(reverse("public_awards:verify"), {"number": award.certificate.number})

    assert response.status_code == 302
    assert Case.objects.get(pk=award.case_id).state == "revoked"
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.completed_on == today
    assert 'data-verify-result="revoked"' in verify.content.decode()


def test_after_file_download_foreign_404(world, award, client):
    import io

    from supervision.services import misuse_record
    from tests.factories import tiny_pdf

    report = misuse_record(
        award.pk,
        by=world.office,
        kind="other",
        observed_on=award.starts_on,
        description="d",
        evidence=[(io.BytesIO(tiny_pdf()), "证据.pdf")],
    )
    stored = report.files.get()
    url = reverse("supervision:after_file", args=[stored.pk])
    client.force_login(world.applicant)
    foreign = client.get(url)
    client.force_login(world.office)

    own = client.get(url)

    assert foreign.status_code == 404
    assert own.status_code == 200
