"""Certificate numbers and the rendering of certificate PDFs (Art. 11)."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..models import Certificate

# Crockford's base32: no I, L, O, U, so a number read aloud or retyped survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "HY"
# 10 random symbols = 50 bits: guessing a valid number is hopeless, and no number
# says anything about the next one.
RANDOM_LENGTH = 10
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _check_character(body: str) -> str:
    """Luhn mod 32 over the body: catches any single wrong symbol and any swap
    of two neighbours."""
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return ALPHABET[(32 - total % 32) % 32]


def certificate_number_new(cycle_number: int) -> str:
    """ "HY" + the cycle's number (two digits) + random symbols + a check symbol."""
    body = f"{PREFIX}{cycle_number:02d}" + "".join(
        secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH)
    )
    return body + _check_character(body)


def certificate_number_normalise(raw: str) -> str | None:
    """The number as stored, or None when it cannot be one (wrong symbols, wrong
    check character). Spaces, hyphens, lower case and O/I/L typed for 0/1 are
    forgiven."""
    text = "".join(raw.split()).replace("-", "").upper().translate(_LOOKALIKES)
    if len(text) < len(PREFIX) + 2 + RANDOM_LENGTH + 1 or len(text) > 32:
        return None
    if not text.startswith(PREFIX) or any(c not in ALPHABET for c in text):
        return None
    body, check = text[:-1], text[-1]
    if _check_character(body) != check:
        return None
    return text


def certificate_verify_url(number: str) -> str:
    """The absolute public verification address printed (and QR-coded) on the
    certificate."""
    base = getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000"
    return f"{base.rstrip('/')}{reverse('public_awards:verify')}?number={number}"


def certificate_render(certificate_id: int) -> Certificate:
    """Render and store the certificate's PDF unless stored already. Rendering runs
    outside any transaction; storing happens under the certificate's row lock, so
    two workers leave one file."""
    from ..pdf import render_certificate

    certificate = Certificate.objects.select_related(
        "award__organisation", "award__cycle", "award__announcement"
    ).get(pk=certificate_id)
    if certificate.file:
        return certificate
    content = render_certificate(certificate)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.file:
            return certificate
        certificate.file = default_storage.save(
            f"certificates/{certificate.award_id}/{uuid.uuid4().hex}.pdf", ContentFile(content)
        )
        certificate.sha256 = hashlib.sha256(content).hexdigest()
        certificate.size = len(content)
        certificate.rendered_at = timezone.now()
        certificate.save(update_fields=["file", "sha256", "size", "rendered_at"])
    return certificate
