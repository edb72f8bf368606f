"""Receipt numbers of objections: 10 random characters and a check character,
from an alphabet without look-alikes (no 0/O, 1/I/L). Random, so one receipt
says nothing about another; the check character catches typing mistakes."""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RANDOM_LENGTH = 10


def check_character(body: str) -> str:
    total = sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def receipt_new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def receipt_normalise(text: str) -> str | None:
    """The stored form of a receipt as typed (any case, spaces or dashes), or None
    when it cannot be one."""
    value = re.sub(r"[\s\-]", "", text or "").upper()
    if len(value) != RANDOM_LENGTH + 1 or any(c not in ALPHABET for c in value):
        return None
    if check_character(value[:-1]) != value[-1]:
        return None
    return value


def receipt_display(value: str) -> str:
    """GS-XXXXX-XXXXX-C style grouping for reading aloud over the phone."""
    return f"{value[:5]}-{value[5:10]}-{value[10:]}"
