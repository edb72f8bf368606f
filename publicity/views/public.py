"""The public site (no login): home, notices, objections, complaints. Pages show
no personal data; the notice pages' bodies are cached per language until the next
publication."""

from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applications.files import content_disposition
from applications.views.downloads import verified_download
from hengyang_award.core.pagecache import public_page

from .. import receipts, selectors
from ..cache import FRAGMENT_TIMEOUT, public_cache_version
from ..forms import ObjectionForm, ObjectionLookupForm
from ..models import Notice
from ..services import objection_lookup, objection_submit

NOTICES_PER_PAGE = 20
RECEIPT_SESSION_KEY = "public_objection_receipt"


def _cached(name: str, build: Callable[[], str]) -> str:
    """A rendered fragment, cached per language and publication version."""
    key = f"public:{public_cache_version()}:{translation.get_language()}:{name}"
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, FRAGMENT_TIMEOUT)
    return mark_safe(html)  # noqa: S308 - our own template output


def _page(request: HttpRequest, template: str, **context) -> HttpResponse:
    return render(request, template, {"office": selectors.office_contact(), **context})


@require_GET
@public_page(public_cache_version)
def home(request: HttpRequest) -> HttpResponse:
    def build() -> str:
        cycle = selectors.cycle_public_current()
        publicity = (
            selectors.notices_public(cycle=cycle).filter(kind=Notice.Kind.PUBLICITY).first()
            if cycle
            else None
        )
        return render_to_string(
            "public/_home_body.html",
            {
                "cycle": cycle,
                "publicity": publicity,
                "today": timezone.localdate(),
                "latest": list(selectors.notices_public()[:5]),
            },
        )

    return _page(request, "public/home.html", body=_cached("home", build))


@require_GET
@public_page(public_cache_version)
def notice_list(request: HttpRequest) -> HttpResponse:
    page_number = request.GET.get("page", "1")
    page_number = page_number if page_number.isdigit() else "1"

    def build() -> str:
        page = Paginator(selectors.notices_public(), NOTICES_PER_PAGE).get_page(page_number)
        return render_to_string("public/_notice_list_body.html", {"page": page})

    return _page(request, "public/notice_list.html", body=_cached(f"notices:{page_number}", build))


@require_GET
@public_page(public_cache_version)
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_public_get(pk)

    def build() -> str:
        return render_to_string("public/_notice_body.html", {"notice": notice})

    return _page(
        request,
        "public/notice_detail.html",
        notice=notice,
        body=_cached(f"notice:{notice.pk}", build),
    )


@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_public_get(pk)
    if not notice.file:
        response = _page(request, "public/notice_pdf_pending.html", notice=notice)
        response.status_code = 503
        response["Retry-After"] = "60"
        return response
    return verified_download(
        request,
        notice,
        content_disposition=content_disposition(f"{notice.title}.pdf"),
        content_type="application/pdf",
        kind="notice",
    )


@require_GET
def complaint(request: HttpRequest) -> HttpResponse:
    return _page(request, "public/complaint.html")


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                message = " ".join(error.messages)
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@require_http_methods(["GET", "POST"])
def objection_new(request: HttpRequest) -> HttpResponse:
    cycle = selectors.cycle_public_current()
    candidates = selectors.objection_candidates(cycle)
    form = ObjectionForm(request.POST or None, request.FILES or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection = objection_submit(
                case_id=data["case"],
                objector_name=data["objector_name"],
                objector_id_number=data["objector_id_number"],
                objector_organisation=data["objector_organisation"],
                phone=data["phone"],
                email=data["email"],
                facts=data["facts"],
                evidence=[(f, f.name) for f in data["evidence"]],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            request.session[RECEIPT_SESSION_KEY] = objection.receipt
            return redirect("public:objection_done")
    notices = {notice.pk: notice for _case, notice in candidates}
    response = _page(
        request,
        "public/objection_form.html",
        form=form,
        candidates=candidates,
        notices=list(notices.values()),
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def objection_done(request: HttpRequest) -> HttpResponse:
    receipt = request.session.get(RECEIPT_SESSION_KEY)
    if not receipt:
        return redirect("public:objection_lookup")
    response = _page(
        request, "public/objection_done.html", receipt=receipts.receipt_display(receipt)
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def objection_lookup_view(request: HttpRequest) -> HttpResponse:
    form = ObjectionLookupForm(request.POST or None)
    objection = None
    if request.method == "POST" and form.is_valid():
        objection = objection_lookup(form.cleaned_data["receipt"], form.cleaned_data["phone"])
        if objection is None:
            messages.error(
                request,
                _("未找到与该受理编号和联系电话相符的异议，请核对后重试。"),
            )
        else:
            # The answer is on the page; the phone is not echoed back into the form.
            form = ObjectionLookupForm()
    response = _page(
        request,
        "public/objection_lookup.html",
        form=form,
        objection=objection,
        receipt=receipts.receipt_display(objection.receipt) if objection else "",
    )
    response["Cache-Control"] = "no-store"
    return response
