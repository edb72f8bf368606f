"""Helpers shared by the committee's views."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse


def form_errors(form, exc: ValidationError) -> None:
    """Put a service's refusal on the form (field errors where it names one)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def back_to(name: str, *, cycle=None, args=None):
    url = reverse(name, args=args or [])
    if cycle is not None:
        url += f"?cycle={cycle.pk if hasattr(cycle, 'pk') else cycle}"
    return redirect(url)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")
