"""Certificates (Art. 11): PDF rendered once by a worker, downloadable by the office
and the winner, verified on the public site by number."""

import datetime
import hashlib
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hengyang_award.core.models import AuditLog
from supervision.models import Certificate
from supervision.services import certificate_render
from supervision.services.certificates import certificate_verify_url
from tests.factories import World
from tests.factories.awards import announce, drive_to
from tests.shared import shared_fixtures

pytestmark = pytest.mark.django_db


def _certificate(world) -> Certificate:
    drive_to(world, "awarded")
    award = announce(world.cycle, office=world.office).awards.get()
    return award.certificate


shared, world, certificate = shared_fixtures(_certificate, "certificate")


def _text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_certificate_render_pdf_names_recipient_award_and_number(world, certificate):
    rendered = certificate_render(certificate.pk)

    with rendered.file.open("rb") as handle:
        content = handle.read()
    text = re.sub(r"\s+", "", _text(content))
    assert world.org.name in text
    assert f"荣获第{world.cycle.number}届衡阳市市长质量奖" in text
    assert certificate.number in text
    assert rendered.sha256 == hashlib.sha256(content).hexdigest()
    assert rendered.size == len(content)


def test_certificate_render_twice_stores_one_file(world, certificate, settings):
    folder = settings.MEDIA_ROOT / "certificates" / str(certificate.award_id)
    before = set(folder.iterdir()) if folder.exists() else set()

    first = certificate_render(certificate.pk)
    second = certificate_render(certificate.pk)

    assert first.file.name == second.file.name
    added = set(folder.iterdir()) - before
    assert [path.name for path in added] == [first.file.name.rsplit("/", 1)[-1]]


def test_certificate_verify_url_absolute_under_site_url(settings):
    settings.SITE_URL = "https://zlj.hengyang.example/"

    url = certificate_verify_url("HY01ABCDEFGHJK0")

    assert url == "https://zlj.hengyang.example/public/verify/?number=HY01ABCDEFGHJK0"


def test_certificate_download_office_and_winner_get_file_others_404(world, certificate, client):
    certificate_render(certificate.pk)
    url = reverse("supervision:certificate_download", args=[certificate.award_id])
    outsider = World(cycle=world.cycle)

    client.force_login(world.applicant)
    own = client.get(url)
    client.force_login(world.office)
    office = client.get(url)
    client.force_login(outsider.applicant)
    foreign = client.get(url)
    client.force_login(world.member)
    member = client.get(url)

    assert (own.status_code, office.status_code, foreign.status_code, member.status_code) == (
        200,
        200,
        404,
        404,
    )
    assert own["Content-Type"] == "application/pdf"
    assert own["Cache-Control"] == "no-store"
    assert b"".join(own.streaming_content).startswith(b"%PDF")
    assert AuditLog.objects.filter(action="file.download").count() == 2


def test_certificate_download_corrupted_file_not_served(world, certificate, client):
    rendered = certificate_render(certificate.pk)
    with open(rendered.file.path, "ab") as handle:
        handle.write(b"tampered")
    client.force_login(world.applicant)

    response = client.get(reverse("supervision:certificate_download", args=[certificate.award_id]))

    assert response.status_code == 500
    assert AuditLog.objects.filter(action="file.corrupt").count() == 1


def test_certificate_download_before_render_404(world, certificate, client):
    client.force_login(world.office)

    response = client.get(reverse("supervision:certificate_download", args=[certificate.award_id]))

    assert response.status_code == 404


def _verify(client, number: str):
    return client.get(reverse("public_awards:verify"), {"number": number})


def test_verify_valid_certificate_shows_holder_dates_and_status(world, certificate, client):
    response = _verify(client, certificate.number.lower())

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-verify-result="valid"' in body
    assert "证书有效" in body
    assert world.org.name in body
    assert f"（{world.cycle.year}年度）" in body
    award = certificate.award
    assert f"{award.starts_on:%Y-%m-%d} — {award.ends_on:%Y-%m-%d}" in body
    assert response["Cache-Control"] == "no-store"


def test_verify_after_validity_shows_expired(world, certificate, client, time_machine):
    time_machine.move_to(
        datetime.datetime.combine(
            certificate.award.ends_on + datetime.timedelta(days=1),
            datetime.time(10),
            tzinfo=timezone.get_current_timezone(),
        )
    )

    body = _verify(client, certificate.number).content.decode()

    assert 'data-verify-result="expired"' in body
    assert world.org.name in body


def test_verify_last_day_of_validity_still_valid(world, certificate, client, time_machine):
    time_machine.move_to(
        datetime.datetime.combine(
            certificate.award.ends_on,
            datetime.time(23, 0),
            tzinfo=timezone.get_current_timezone(),
        )
    )

    body = _verify(client, certificate.number).content.decode()

    assert 'data-verify-result="valid"' in body


def test_verify_revoked_shows_revoked_with_date(world, certificate, client):
    assert 'data-verify-result="valid"' in _verify(client, certificate.number).content.decode()

    _revoke_through_procedure(world, certificate.award)

    body = _verify(client, certificate.number).content.decode()
    assert 'data-verify-result="revoked"' in body
    assert f"已撤销（{timezone.localdate():%Y-%m-%d}）" in body


@pytest.mark.parametrize("mangle", ["unknown", "one_symbol", "garbage"])
def test_verify_unknown_number_not_found_without_hint(world, certificate, client, mangle):
    number = certificate.number
    typed = {
        "unknown": "HY01" + "0" * 10 + "0",
        "one_symbol": number[:-2] + ("0" if number[-2] != "0" else "1") + number[-1],
        "garbage": "<script>",
    }[mangle]

    body = _verify(client, typed).content.decode()

    assert 'data-verify-result="not_found"' in body
    assert "未找到该证书编号" in body
    assert world.org.name not in body
    assert number not in body


def test_winners_register_shows_award_year_and_no_personal_data(world, certificate, client):
    org = world.org

    response = client.get(reverse("public_awards:winners"))

    body = response.content.decode()
    assert response.status_code == 200
    assert org.name in body
    assert f"<strong>{world.cycle.year}年度</strong>" in body
    for private in (
        org.contact_name,
        org.contact_phone,
        org.contact_email,
        org.legal_representative,
        org.credit_code,
        certificate.number,
    ):
        assert private not in body


def test_winners_register_new_award_shows_at_once(world, client):
    first = client.get(reverse("public_awards:winners")).content.decode()
    drive_to(world, "awarded")

    announce(world.cycle, office=world.office)

    assert world.org.name not in first
    assert world.org.name in client.get(reverse("public_awards:winners")).content.decode()


def test_winners_register_query_count_same_for_one_and_many(
    world, client, django_assert_max_num_queries
):
    drive_to(world, "awarded")
    other = World(cycle=world.cycle)
    drive_to(other, "awarded")
    announce(world.cycle, office=world.office)
    from django.core.cache import cache

    cache.clear()

    with django_assert_max_num_queries(4):
        client.get(reverse("public_awards:winners"))


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


def test_verify_cached_answer_follows_a_revocation_at_once(certificate, client):
    before = _verify(client, certificate.number).content.decode()
    award = certificate.award
    award.revoked_on = timezone.localdate()
    award.save()

    after = _verify(client, certificate.number).content.decode()

    assert 'data-verify-result="valid"' in before
    assert 'data-verify-result="revoked"' in after
