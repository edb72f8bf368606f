"""Signed, expiring e-mail verification tokens. Nothing is stored: the signature
proves the link came from us, the timestamp bounds its life, and the address
digest makes the link worthless once the user's address changes."""

import datetime
import secrets

from django.core import signing
from django.utils.crypto import salted_hmac

VERIFICATION_SALT = "hengyang_award.accounts.verification"
VERIFICATION_MAX_AGE = datetime.timedelta(days=3)


class LinkRefusedError(Exception):
    """A verification or invitation link that cannot be used. `code` is for code
    ("invalid", "expired", "used", "verified", "revoked"); `reason` is for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class TokenExpiredError(Exception):
    pass


class TokenInvalidError(Exception):
    pass


def _email_digest(email: str) -> str:
    return salted_hmac(VERIFICATION_SALT, email.strip().lower()).hexdigest()[:16]


def verification_token_make(*, user_id: int, email: str) -> str:
    return signing.dumps([user_id, _email_digest(email)], salt=VERIFICATION_SALT)


def verification_token_read(token: str) -> tuple[int, str]:
    """(user id, address digest) of a token; raises TokenExpiredError or TokenInvalidError."""
    try:
        value = signing.loads(token, salt=VERIFICATION_SALT, max_age=VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise TokenExpiredError from exc
    except signing.BadSignature as exc:
        raise TokenInvalidError from exc
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        raise TokenInvalidError
    return value[0], value[1]


def verification_token_matches(email: str, digest: str) -> bool:
    return secrets.compare_digest(_email_digest(email), digest)


def invitation_token_make() -> str:
    return secrets.token_urlsafe(32)
