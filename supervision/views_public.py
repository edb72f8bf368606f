"""The public site's award pages: the winners register and certificate
verification. No login, no personal data; whole pages are cached until an
award changes or the day turns (hengyang_award.core.pagecache)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hengyang_award.core.pagecache import public_page

from . import selectors
from .forms import CertificateVerifyForm
from .services import certificate_number_normalise


@require_GET
@public_page(selectors.public_stamp)
def winners(request: HttpRequest) -> HttpResponse:
    return render(request, "public/awards/winners.html", {"rows": selectors.winners_register()})


@require_GET
@public_page(selectors.public_stamp)
def verify(request: HttpRequest) -> HttpResponse:
    """GET form: the number is the whole query. An unknown number, a mistyped
    one and a malformed one all get the same answer."""
    form = CertificateVerifyForm(request.GET if "number" in request.GET else None)
    result = None
    searched = False
    if form.is_bound and form.is_valid():
        searched = True
        number = certificate_number_normalise(form.cleaned_data["number"])
        result = selectors.certificate_lookup(number) if number else None
    response = render(
        request,
        "public/awards/verify.html",
        {"form": form, "result": result, "searched": searched},
    )
    # A verification answer is never stored by a shared cache or the browser.
    response["Cache-Control"] = "no-store"
    return response
