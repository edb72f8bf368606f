"""AC-1 access matrix (table: tests/security/access_table.py), AC-5 (GET, CSRF,
open redirect), AC-2 sentinels (what a list shows to a scoped role), AC-3
sentinels (hidden fields) and RE-4 (no PDF rendered while answering a request)."""

import copy

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from applications.screening import CHECK_CODES
from tests.security.access_table import ADMIN_SAMPLE, ROWS, SCOPED_ROLES

pytestmark = pytest.mark.django_db

ROWS_BY_NAME = {row.name: row for row in ROWS}


class KnownAccessBugError(AssertionError):
    """A cell listed in a row's `bugs` still answers wrongly."""


def url_names(resolver=None, namespace=None):
    """Every named URL of the project, namespaced ("review:pool_list")."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.fixture(autouse=True)
def _no_pdf_rendered_while_answering(monkeypatch):
    """RE-4: PDFs are rendered by workers, never while a request waits. Every
    request of this module (every URL × role, GET and POST) runs with WeasyPrint's
    renderer counting its calls; the test fails on any."""
    import weasyprint

    calls = []
    render = weasyprint.HTML.write_pdf

    def counted(self, *args, **kwargs):
        calls.append(self)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    yield
    assert not calls, f"{len(calls)} PDF(s) rendered while answering a request"


def resolve_arg(access, key):
    if key == "=check_code":
        return CHECK_CODES[0]
    if key.startswith("="):
        return key[1:]
    if key.startswith("case:"):
        return access.pk(key)
    return access.objects[key].pk


def answer(client, method, url) -> str:
    """The response as a table code; the request's writes are rolled back and the
    client's cookies put back (a logout or a language switch changes nothing for
    the next request)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(resolve_url(settings.LOGIN_URL)):
            return "L"
        if location.startswith(reverse("admin:login")):
            return "A"
        return "R"
    return str(response.status_code)


@pytest.fixture(scope="module")
def clients(access, django_db_blocker):
    """One logged-in client per user, logged in before any test (inside the
    module's transaction, so the sessions outlive each test's rollback)."""
    from tests.factories.access import ROLES, SCENES

    users = {None: None}
    for scene in (None, *SCENES, "visitor"):
        for role in ROLES:
            user = access.user(role, "own", scene)
            users[user.pk if user else None] = user
    for role in SCOPED_ROLES:
        user = access.user(role, "foreign")
        users[user.pk] = user
    made = {}
    with django_db_blocker.unblock():
        for key, user in users.items():
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            made[key] = client

    def client_for(user):
        return made[user.pk if user else None]

    return client_for


def test_access_table_covers_every_url_name():
    names = set(url_names())
    missing = sorted(n for n in names - set(ROWS_BY_NAME) if not n.startswith("admin:"))
    assert not missing, (
        "URL names without a row in the access matrix — add an Access(...) row for each "
        "to ROWS in tests/security/access_table.py (the expected answer per role, own and "
        "foreign object; see its docstring), and the object it needs to "
        f"tests/factories/access.py: {missing}"
    )
    stale = sorted(set(ROWS_BY_NAME) - names)
    assert not stale, f"rows for URL names that no longer exist: {stale}"


def _row_param(row):
    """A row with known bugs is an expected failure that must fail with exactly
    those bugs (strict: once fixed, the row must drop them)."""
    if not row.bugs:
        return row
    mark = pytest.mark.xfail(raises=KnownAccessBugError, strict=True, reason="known access bug")
    return pytest.param(row, marks=mark)


@pytest.mark.parametrize("row", [_row_param(row) for row in ROWS], ids=lambda row: row.name)
def test_access_matrix(row, access, clients):
    url = reverse(row.name, args=[resolve_arg(access, a) for a in row.args])
    wrong, known = [], []
    for method, role, relation, expected in row.cells():
        client = clients(access.user(role, relation, row.scene))
        got = answer(client, method, url)
        bug = row.bugs.get((method, role, relation))
        line = (
            f"{method.upper()} {url} ({row.name}) as {role}/{relation}: "
            f"expected {expected}, got {got}"
        )
        if bug:
            wrong_answer, _reason = bug
            if got == expected:
                wrong.append(f"{line} — listed as a bug in BUGS but now right: remove it")
            elif got != wrong_answer:
                wrong.append(f"{line} — listed bug answered {wrong_answer}")
            else:
                known.append(line)
        elif got != expected:
            wrong.append(line)
    assert not wrong, "\n".join(wrong)
    if known:
        raise KnownAccessBugError("\n".join(known))


@pytest.mark.parametrize("name", ADMIN_SAMPLE)
def test_admin_urls_send_every_role_to_the_admin_login(name, access, clients):
    """One rule for the Django admin: none of our roles is staff (the system
    administrator's /admin/ use needs staff status and a second factor)."""
    url = reverse(name)
    for role in ("anonymous", *SCOPED_ROLES, "office_staff", "mayor", "sysadmin"):
        got = answer(clients(access.user(role)), "get", url)
        assert got == "A", f"GET {url} ({name}) as {role}: expected A, got {got}"


# --- AC-5: no state change on GET, CSRF on every state change, no open redirect --


def _state_changes(access):
    """A sample of state-changing POST views: (url name, args, role, scene, probe)
    where probe() reads what the POST would change."""
    from applications.models import Case
    from committee.models import BallotRound
    from review.models import Assignment

    draft = access.cases["draft"]
    round_ = access.objects["round"]
    assignment = access.objects["assignment"]
    return [
        (
            "applications:case_action",
            (draft.pk, "submit"),
            "applicant",
            "draft",
            lambda: Case.objects.get(pk=draft.pk).state,
        ),
        (
            "committee:round_close",
            (round_.pk,),
            "office_staff",
            None,
            lambda: BallotRound.objects.get(pk=round_.pk).closed_at,
        ),
        (
            "review:assign_recuse",
            (assignment.pk,),
            "office_staff",
            "document_review",
            lambda: Assignment.objects.get(pk=assignment.pk).status,
        ),
        (
            "notifications:mark_all_read",
            (),
            "applicant",
            "draft",
            lambda: (
                access.objects["notification"]
                .__class__.objects.get(pk=access.objects["notification"].pk)
                .read_at
            ),
        ),
    ]


def test_state_changing_views_get_changes_nothing(access, clients):
    for name, args, role, scene, probe in _state_changes(access):
        before = probe()
        response = clients(access.user(role, "own", scene)).get(reverse(name, args=args))
        assert response.status_code == 405, (name, response.status_code)
        assert probe() == before, name


def test_state_changing_views_without_csrf_token_refused(access):
    for name, args, role, scene, probe in _state_changes(access):
        client = Client(enforce_csrf_checks=True)
        client.force_login(access.user(role, "own", scene))
        before = probe()
        response = client.post(reverse(name, args=args), {"note": "测试"})
        assert response.status_code == 403, (name, response.status_code)
        assert probe() == before, name


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "https:/evil.example/", "/\\evil.example/"],
)
def test_login_next_to_another_site_redirects_locally(next_url, access):
    from tests.factories import PASSWORD

    user = access.user("applicant", "own", "draft")
    client = Client()
    response = client.post(
        f"{reverse('login')}?next={next_url}",
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/"), location
    assert not location.startswith(("//", "/\\")), location
    assert "evil.example" not in location


def test_login_next_local_path_followed(access):
    from tests.factories import PASSWORD

    user = access.user("applicant", "own", "draft")
    response = Client().post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": "/cases/"}
    )
    assert response["Location"] == "/cases/"


# --- AC-2 sentinels: what a list shows to a scoped role ---------------------------
# Committee members see only their cycle's candidates:
# tests/committee/test_views.py::test_my_meetings_and_candidates_only_own_cycle.


def _names(access, states):
    return {access.cases[s].organisation.name for s in states}


def test_county_case_list_and_home_show_only_the_countys_organisations(access, clients):
    from tests.factories.access import SCENES

    visible = set(SCENES) - {"draft"}  # a draft is the applicant's until submitted
    foreign_case = access.main  # the other county's organisation
    other_name = foreign_case.other_org.name
    for url in (reverse("applications:case_list"), reverse("core:home")):
        own = clients(access.user("county_official")).get(url).content.decode()
        assert other_name not in own, url
        foreign = clients(access.user("county_official", "foreign")).get(url).content.decode()
        for name in _names(access, visible):
            assert name not in foreign, (url, name)
    listed = clients(access.user("county_official")).get(reverse("applications:case_list"))
    page = listed.content.decode()
    assert any(name in page for name in _names(access, visible))


def test_reviewer_case_list_and_home_show_only_assigned_cases(access, clients):
    from review.models import Assignment

    reviewer = access.user("reviewer", "own", "document_review")
    assigned = set(
        Assignment.objects.filter(reviewer__user=reviewer).values_list(
            "case__organisation__name", flat=True
        )
    )
    others = {c.organisation.name for c in access.cases.values()} - assigned
    assert assigned
    assert others
    for url in (reverse("applications:case_list"), reverse("review:reviewer_home")):
        page = clients(reviewer).get(url).content.decode()
        assert any(name in page for name in assigned), url
        for name in others:
            assert name not in page, (url, name)
    lone = clients(access.user("reviewer", "foreign")).get(reverse("applications:case_list"))
    for name in assigned | others:
        assert name not in lone.content.decode()


# --- AC-3 sentinels: hidden fields --------------------------------------------------


def _text(response) -> str:
    """What a page or a download shows: the HTML, or a PDF's extracted text."""
    import io

    from pypdf import PdfReader

    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"%PDF-"):
        return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode(errors="replace")


def _pages_opened_by(access, clients, role: str):
    """Every page and download of the table that `role`'s own users open (answer
    200), with what it shows."""
    for row in ROWS:
        for method, cell_role, relation, expected in row.cells():
            if (method, cell_role, relation, expected) != ("get", role, "own", "200"):
                continue
            url = reverse(row.name, args=[resolve_arg(access, a) for a in row.args])
            with transaction.atomic():
                response = clients(access.user(role, "own", row.scene)).get(url)
                text = _text(response)
                transaction.set_rollback(True)
            assert response.status_code == 200, url
            yield url, text


def test_reviewer_never_sees_the_applicants_contact_person(access, clients):
    from hengyang_award.core.models import Organisation

    contacts = {
        value
        for org in Organisation.objects.filter(cases__in=[c.pk for c in access.cases.values()])
        for value in (org.contact_phone, org.contact_email)
    }
    opened = 0
    for url, text in _pages_opened_by(access, clients, "reviewer"):
        opened += 1
        shown = sorted(value for value in contacts if value in text)
        assert not shown, f"{url} shows the applicant's contact details to a reviewer: {shown}"
    assert opened >= 10, "the reviewer opened too few pages for the check to mean anything"


def test_applicant_never_sees_the_document_reviewers_identities(access, clients):
    """The document review stays anonymous to the applicant (the feedback report
    gives bands only); the on-site team meets the applicant in person and is
    evaluates each of them in writing (Art. 22)."""
    from review.models import Assignment

    names = set(
        Assignment.objects.filter(stage=Assignment.Stage.DOCUMENT)
        .exclude(
            reviewer__in=Assignment.objects.filter(stage=Assignment.Stage.ONSITE).values("reviewer")
        )
        .values_list("reviewer__name", flat=True)
    )
    assert names, "the access world has no document reviewer to look for"
    opened = 0
    for url, text in _pages_opened_by(access, clients, "applicant"):
        opened += 1
        shown = sorted(name for name in names if name in text)
        assert not shown, f"{url} names document reviewers to the applicant: {shown}"
    assert opened >= 10
