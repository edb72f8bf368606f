"""Experience sharing (Art. 16): the winner's pages (entries, visit sessions and
who registered), another organisation's registration, the office's
participation table and hiding of entries, and the public list (no login, no
personal data, cached until the next change)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.files import content_disposition
from applications.views.downloads import verified_download
from hengyang_award.core.pagecache import public_page
from hengyang_award.core.roles import Role
from supervision.selectors import public_stamp

from .. import selectors_sharing as selectors
from .. import services
from ..cache import public_cache_version
from ..forms_sharing import ReasonForm, SharingEntryForm, VisitRegistrationForm, VisitSessionForm
from ..models_sharing import SharingEntry, VisitSession
from .public import _cached, _errors_to_form, _page


def _require_applicant(request: HttpRequest) -> None:
    if not selectors.is_applicant(request.user):
        raise PermissionDenied(_("只有申报组织的用户可以访问此页面。"))


def _require_office(request: HttpRequest) -> None:
    if not request.user.has_role(Role.OFFICE_STAFF):
        raise PermissionDenied(_("只有评审办工作人员可以访问此页面。"))


def _files_of(form) -> list:
    return [(f, f.name) for f in form.cleaned_data.get("attachments", [])]


# --- the winner -------------------------------------------------------------------


@login_required
@require_GET
def sharing_mine(request: HttpRequest) -> HttpResponse:
    """The organisation's sharing: its entries and sessions (as host), and its
    registrations for other winners' visits."""
    _require_applicant(request)
    return render(
        request,
        "publicity/sharing/mine.html",
        {
            "award": selectors.award_current_of(request.user),
            "entries": list(selectors.entries_of_user(request.user)),
            "sessions": list(selectors.sessions_of_user(request.user)),
            "registrations": list(selectors.registrations_of_user(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_entry_new(request: HttpRequest) -> HttpResponse:
    _require_applicant(request)
    award = selectors.award_current_of(request.user)
    if award is None:
        raise PermissionDenied(_("只有获奖称号在有效期内的组织可以发布经验分享。"))
    form = SharingEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.sharing_entry_create(
                by=request.user,
                title=data["title"],
                summary=data["summary"],
                methods=data["methods"],
                attachments=_files_of(form),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("草稿已保存，核对后请点击“发布”。"))
            return redirect("publicity:sharing_entry", pk=entry.pk)
    return render(request, "publicity/sharing/entry_form.html", {"form": form, "award": award})


@login_required
@require_http_methods(["GET", "POST"])
def sharing_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry as its organisation sees it; a draft is edited here."""
    _require_applicant(request)
    entry = selectors.entry_of_user(request.user, pk)
    draft = entry.status == SharingEntry.Status.DRAFT
    form = None
    if draft:
        initial = {"title": entry.title, "summary": entry.summary, "methods": entry.methods}
        form = SharingEntryForm(request.POST or None, request.FILES or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.sharing_entry_update(
                    entry.pk,
                    by=request.user,
                    title=data["title"],
                    summary=data["summary"],
                    methods=data["methods"],
                    attachments=_files_of(form),
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("草稿已保存。"))
                return redirect("publicity:sharing_entry", pk=entry.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("只有草稿可以修改。"))
    return render(
        request,
        "publicity/sharing/entry.html",
        {"entry": entry, "form": form, "attachments": list(entry.attachments.all())},
    )


@login_required
@require_POST
def sharing_entry_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require_applicant(request)
    entry = selectors.entry_of_user(request.user, pk)
    try:
        services.sharing_entry_publish(entry.pk, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("经验分享已发布，公众可在公开网站查看。"))
    return redirect("publicity:sharing_entry", pk=entry.pk)


@login_required
@require_GET
def sharing_entry_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    _require_applicant(request)
    entry = selectors.entry_of_user(request.user, pk)
    stored = next((a for a in entry.attachments.all() if a.pk == file_pk), None)
    if stored is None:
        raise Http404
    return verified_download(
        request,
        stored,
        content_disposition=content_disposition(stored.original_name),
        content_type=stored.mime,
        kind="sharing",
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_session_new(request: HttpRequest) -> HttpResponse:
    _require_applicant(request)
    award = selectors.award_current_of(request.user)
    if award is None:
        raise PermissionDenied(_("只有获奖称号在有效期内的组织可以发布观摩活动。"))
    form = VisitSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.visit_session_create(by=request.user, **data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("观摩活动已发布，其他组织可以报名。"))
            return redirect("publicity:sharing_session", pk=session.pk)
    return render(request, "publicity/sharing/session_form.html", {"form": form, "award": award})


def _session_page(request: HttpRequest, session: VisitSession, *, cancel_form=None, status=200):
    return render(
        request,
        "publicity/sharing/session.html",
        {
            "session": session,
            "remaining": max(session.remaining, 0),
            "registrations": list(selectors.registrations_for_host(session)),
            "cancel_form": cancel_form or ReasonForm(),
            "can_change": session.status in (VisitSession.Status.OPEN, VisitSession.Status.FULL),
        },
        status=status,
    )


@login_required
@require_GET
def sharing_session(request: HttpRequest, pk: int) -> HttpResponse:
    """The host's view of a session: who registered, with how many attendees."""
    _require_applicant(request)
    return _session_page(request, selectors.session_of_user(request.user, pk))


@login_required
@require_POST
def sharing_session_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require_applicant(request)
    session = selectors.session_of_user(request.user, pk)
    try:
        services.visit_session_close(session.pk, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已停止接受报名。"))
    return redirect("publicity:sharing_session", pk=session.pk)


@login_required
@require_POST
def sharing_session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _require_applicant(request)
    session = selectors.session_of_user(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.visit_session_cancel(
                session.pk, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("观摩活动已取消，已报名的组织会收到通知。"))
            return redirect("publicity:sharing_session", pk=session.pk)
    return _session_page(request, session, cancel_form=form, status=400)


# --- another organisation ----------------------------------------------------------------


@login_required
@require_GET
def sharing_visits(request: HttpRequest) -> HttpResponse:
    """The registrations the user's organisation made for other winners' visits."""
    _require_applicant(request)
    return render(
        request,
        "publicity/sharing/visits.html",
        {"registrations": list(selectors.registrations_of_user(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_register(request: HttpRequest, pk: int) -> HttpResponse:
    _require_applicant(request)
    session = (
        selectors.sessions_with_seats()
        .filter(selectors.awards_valid_q(timezone.localdate(), "award__"), pk=pk)
        .select_related("award__organisation")
        .first()
    )
    if session is None:
        raise Http404
    form = VisitRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_register(
                session.pk,
                by=request.user,
                attendees=form.cleaned_data["attendees"],
                attendee_names=form.cleaned_data["attendee_names"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("报名成功，举办单位已收到通知。"))
            return redirect("publicity:sharing_visits")
    return render(
        request,
        "publicity/sharing/register.html",
        {
            "session": session,
            "remaining": max(session.remaining, 0),
            "form": form,
        },
    )


@login_required
@require_POST
def sharing_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _require_applicant(request)
    registration = selectors.registration_of_user(request.user, pk)
    try:
        services.visit_registration_withdraw(registration.pk, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("报名已撤回。"))
    return redirect("publicity:sharing_visits")


# --- the office --------------------------------------------------------------------------


@login_required
@require_GET
def sharing_office(request: HttpRequest) -> HttpResponse:
    """Participation per winner, and the entries the public can see or the office hid."""
    _require_office(request)
    return render(
        request,
        "publicity/sharing/office.html",
        {
            "rows": list(selectors.participation_by_award()),
            "entries": list(selectors.entries_for_office()),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_office_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry as the office reads it, with the form to hide it."""
    _require_office(request)
    entry = selectors.entry_for_office(pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sharing_entry_hide(
                entry.pk, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("该经验分享已从公开网站隐藏，获奖组织已收到通知。"))
            return redirect("publicity:sharing_office")
    return render(
        request,
        "publicity/sharing/office_entry.html",
        {"entry": entry, "form": form, "attachments": list(entry.attachments.all())},
    )


# --- the public site ------------------------------------------------------------------------


def _sharing_stamp() -> str:
    """Publications of entries bump the public version; a revocation or expiry
    changes the awards' stamp (an entry's winner leaves the list)."""
    return f"{public_cache_version()}:{public_stamp()}"


@require_GET
@public_page(_sharing_stamp)
def public_sharing(request: HttpRequest) -> HttpResponse:
    def build() -> str:
        return render_to_string(
            "public/sharing/_list_body.html",
            {
                "entries": list(selectors.entries_public()[:50]),
                "sessions": list(selectors.sessions_public()[:50]),
            },
        )

    return _page(
        request,
        "public/sharing/list.html",
        body=_cached(f"sharing:{public_stamp()}", build),
    )


@require_GET
@public_page(_sharing_stamp)
def public_sharing_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_public_get(pk)

    def build() -> str:
        return render_to_string(
            "public/sharing/_entry_body.html",
            {"entry": entry, "attachments": list(entry.attachments.all())},
        )

    return _page(
        request,
        "public/sharing/entry.html",
        entry=entry,
        body=_cached(f"sharing-entry:{entry.pk}", build),
    )


@require_GET
def public_sharing_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    entry = selectors.entry_public_get(pk)
    stored = next((a for a in entry.attachments.all() if a.pk == file_pk), None)
    if stored is None:
        raise Http404
    return verified_download(
        request,
        stored,
        content_disposition=content_disposition(stored.original_name),
        content_type=stored.mime,
        kind="sharing",
    )
