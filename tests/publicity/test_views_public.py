import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from hengyang_award.core.models import User
from publicity import receipts
from publicity.models import Notice, Objection
from publicity.services import notice_draft, notice_make_public, notice_render
from tests.factories import World, tiny_pdf
from tests.factories.publicity import (
    lodge,
    objector,
    proposed_case,
    publish_notice,
    valid_id_number,
)

PUBLIC_PAGES = ("public:home", "public:notices", "public:objection_new", "public:complaint")


def _announcement(world, title="关于第1届衡阳市市长质量奖授奖的公告") -> Notice:
    return notice_draft(
        cycle=world.cycle,
        kind=Notice.Kind.ANNOUNCEMENT,
        title=title,
        body={"paragraphs": ["经评审，现予公告。"]},
        issuer="衡阳市人民政府",
        by=world.office,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_anonymous_ok_accessible_basics(client, world, name):
    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "<h1" in html
    assert 'name="viewport"' in html
    assert reverse("public:objection_lookup") in html


@pytest.mark.django_db
def test_public_notice_draft_is_404_published_is_shown(client, world):
    notice = _announcement(world)
    url = reverse("public:notice_detail", args=[notice.pk])

    assert client.get(url).status_code == 404
    assert client.get(reverse("public:notice_pdf", args=[notice.pk])).status_code == 404

    notice_make_public(notice.pk, by=world.office)
    response = client.get(url)
    assert response.status_code == 200
    assert notice.title in response.content.decode()


@pytest.mark.django_db
def test_public_home_cached_until_next_publication(
    client, world, django_capture_on_commit_callbacks
):
    first = _announcement(world, title="第一份公告")
    with django_capture_on_commit_callbacks(execute=True):
        notice_make_public(first.pk, by=world.office)
    assert "第一份公告" in client.get(reverse("public:home")).content.decode()
    Notice.objects.filter(pk=first.pk).update(title="数据库里改过的标题")

    cached = client.get(reverse("public:home")).content.decode()
    second = _announcement(world, title="第二份公告")
    with django_capture_on_commit_callbacks(execute=True):
        notice_make_public(second.pk, by=world.office)
    fresh = client.get(reverse("public:home")).content.decode()

    assert "第一份公告" in cached
    assert "第二份公告" in fresh
    assert "数据库里改过的标题" in fresh


@pytest.mark.django_db
def test_public_pages_cached_per_language(client, world):
    notice_make_public(_announcement(world).pk, by=world.office)

    client.get(reverse("public:notices"))
    client.cookies["django_language"] = "en"
    english = client.get(reverse("public:notices"))

    assert '<html lang="en">' in english.content.decode()
    keys = [k for k in cache._cache if ":notices:" in k]  # locmem's own store
    assert {":zh-hans:" in k for k in keys} | {":en:" in k for k in keys} == {True, False}
    assert len(keys) == 2
    translation.activate("zh-hans")


@pytest.mark.django_db
def test_public_notice_pdf_pending_then_verified_download(client, world):
    notice = notice_make_public(_announcement(world).pk, by=world.office)
    url = reverse("public:notice_pdf", args=[notice.pk])
    assert client.get(url).status_code == 503

    notice_render(notice.pk)
    response = client.get(url)

    content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    assert "第1届" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_public_notice_pdf_corrupted_not_served(client, world):
    notice = notice_render(notice_make_public(_announcement(world).pk, by=world.office).pk)
    with open(notice.file.path, "ab") as handle:
        handle.write(b"tampered")

    response = client.get(reverse("public:notice_pdf", args=[notice.pk]))

    assert response.status_code == 500


@pytest.mark.django_db
def test_public_objection_journey_form_receipt_lookup(client, world, time_machine):
    from tests.factories.publicity import in_period

    case = proposed_case(world)
    notice = publish_notice(world)
    time_machine.move_to(in_period(notice))
    data = {**objector(phone="13900002222"), "case": case.pk, "pledge": "on"}

    page = client.get(reverse("public:objection_new")).content.decode()
    response = client.post(reverse("public:objection_new"), data)

    assert case.organisation.name in page
    assert response.status_code == 302
    objection = Objection.objects.get()
    done = client.get(response["Location"]).content.decode()
    assert receipts.receipt_display(objection.receipt) in done
    found = client.post(
        reverse("public:objection_lookup"),
        {"receipt": receipts.receipt_display(objection.receipt), "phone": "13900002222"},
    ).content.decode()
    assert "已受理" in found
    assert data["objector_name"] not in found
    assert data["objector_id_number"] not in found


@pytest.mark.django_db
def test_public_objection_anonymous_refused_keeps_input(client, world, time_machine):
    from tests.factories.publicity import in_period

    case = proposed_case(world)
    notice = publish_notice(world)
    time_machine.move_to(in_period(notice))
    data = {**objector(objector_name="匿名"), "case": case.pk, "pledge": "on"}

    response = client.post(reverse("public:objection_new"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "匿名或未署真实姓名的异议不予受理" in html
    assert data["facts"] in html
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_public_objection_lookup_wrong_receipt_or_phone_same_answer(client, world):
    case = proposed_case(world)
    notice = publish_notice(world)
    objection = lodge(case, notice, phone="13900003333")
    url = reverse("public:objection_lookup")

    wrong_phone = client.post(url, {"receipt": objection.receipt, "phone": "13900003334"})
    wrong_receipt = client.post(url, {"receipt": receipts.receipt_new(), "phone": "13900003333"})

    def answer(response):
        html = response.content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        return main[main.index('<ul class="messages">') : main.index("</ul>")], main

    (phone_message, phone_main), (receipt_message, receipt_main) = map(
        answer, (wrong_phone, wrong_receipt)
    )
    assert phone_message == receipt_message
    assert "未找到与该受理编号和联系电话相符的异议" in phone_message
    for main in (phone_main, receipt_main):
        assert "data-objection-status" not in main
        assert case.organisation.name not in main


SENTINELS = {
    "contact": "哨兵联系人甲",
    "phone": "0734-5550199",
    "mobile": "13955501999",
    "email": "sentinel-org@example.invalid",
    "legal": "哨兵法人乙",
    "user": "哨兵用户丙",
    "objector": "哨兵异议人丁",
    "objector_org": "哨兵异议单位戊",
    "objector_phone": "13955502888",
    "objector_email": "sentinel-objector@example.invalid",
}


@pytest.mark.django_db
def test_public_pages_show_no_personal_data(client, time_machine):
    from tests.factories import make_organisation
    from tests.factories.publicity import in_period

    org = make_organisation(
        contact_name=SENTINELS["contact"],
        contact_phone=SENTINELS["phone"],
        contact_email=SENTINELS["email"],
        legal_representative=SENTINELS["legal"],
    )
    world = World()
    world.org = org
    from hengyang_award.core.roles import Role
    from tests.factories import make_user

    world.applicant = make_user(Role.APPLICANT, organisation=org)
    User.objects.filter(pk=world.applicant.pk).update(
        full_name=SENTINELS["user"], phone=SENTINELS["mobile"]
    )
    case = proposed_case(world)
    notice = publish_notice(world)
    notice_render(notice.pk)
    id_number = valid_id_number()
    objection = lodge(
        case,
        notice,
        objector_name=SENTINELS["objector"],
        objector_id_number=id_number,
        objector_organisation=SENTINELS["objector_org"],
        phone=SENTINELS["objector_phone"],
        email=SENTINELS["objector_email"],
    )
    time_machine.move_to(in_period(notice))
    secrets = [*SENTINELS.values(), id_number, org.credit_code, org.address]

    pages = [client.get(reverse(name)).content.decode() for name in PUBLIC_PAGES]
    pages.append(client.get(reverse("public:notice_detail", args=[notice.pk])).content.decode())
    pages.append(
        client.post(
            reverse("public:objection_lookup"),
            {"receipt": objection.receipt, "phone": SENTINELS["objector_phone"]},
        ).content.decode()
    )
    pdf = b"".join(client.get(reverse("public:notice_pdf", args=[notice.pk])).streaming_content)
    pages.append("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))

    assert org.name in pages[-1]
    assert org.name in pages[-3]
    leaks = [(secret, i) for secret in secrets for i, page in enumerate(pages) if secret in page]
    assert leaks == []


@pytest.mark.django_db
def test_public_notice_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    notice_make_public(_announcement(world, title="公告1").pk, by=world.office)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("public:notices"))
    for i in range(2, 6):
        notice_make_public(_announcement(world, title=f"公告{i}").pk, by=world.office)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("public:notices"))

    assert len(many) == len(one)


@pytest.mark.django_db
def test_public_evidence_upload_in_form_stored(client, world, time_machine):
    from tests.factories.publicity import in_period

    case = proposed_case(world)
    notice = publish_notice(world)
    time_machine.move_to(in_period(notice))
    upload = io.BytesIO(tiny_pdf("证据"))
    upload.name = "证据.pdf"

    response = client.post(
        reverse("public:objection_new"),
        {**objector(), "case": case.pk, "pledge": "on", "evidence": [upload]},
    )

    assert response.status_code == 302
    assert Objection.objects.get().files.count() == 1


# --- whole pages from the cache (PF-4) -------------------------------------------------

CACHED_PAGES = [
    "public:home",
    "public:notices",
    "public:sharing",
    "public_awards:winners",
    "public_awards:verify",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CACHED_PAGES)
def test_public_page_second_visit_answered_whole_from_the_cache_without_a_query(
    name, client, world, django_assert_num_queries
):
    notice_make_public(_announcement(world).pk, by=world.office)
    url = reverse(name)
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CACHED_PAGES)
def test_public_page_carries_no_csrf_token_so_it_can_be_shared(name, client):
    response = client.get(reverse(name))

    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies


@pytest.mark.django_db
def test_public_notice_page_new_publication_shown_at_once(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice_make_public(_announcement(world, title="第一份公告").pk, by=world.office)
    before = client.get(reverse("public:notices")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notice_make_public(_announcement(world, title="第二份公告").pk, by=world.office)

    after = client.get(reverse("public:notices")).content.decode()

    assert "第二份公告" not in before
    assert "第二份公告" in after


@pytest.mark.django_db
def test_public_page_with_a_pending_message_neither_served_from_nor_stored(client, world):
    """The objection form's receipt message shows on the next page: that page is
    the visitor's own, neither taken from the cache nor put there."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    notice_make_public(_announcement(world).pk, by=world.office)
    url = reverse("public:notices")
    shared = client.get(url).content.decode()
    storage = CookieStorage(HttpRequest())
    storage.add(constants.SUCCESS, "您的异议已收到。")
    client.cookies["messages"] = storage._encode(storage._queued_messages)

    own = client.get(url).content.decode()
    del client.cookies["messages"]
    again = client.get(url).content.decode()

    assert "您的异议已收到。" not in shared
    assert "您的异议已收到。" in own
    assert "您的异议已收到。" not in again
    assert again == shared


@pytest.mark.django_db
def test_set_language_needs_no_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("set_language"), {"language": "en", "next": "/public/"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    translation.activate("zh-hans")
