"""Unified social credit code (统一社会信用代码, GB 32100-2015)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


@dataclass(frozen=True)
class CreditCodeCheck:
    code: str
    error: str | None = None
    checksum_ok: bool = False

    @property
    def usable(self) -> bool:
        """Well-formed; a checksum failure still needs a staff override."""
        return self.error is None


def normalise(raw: str) -> str:
    return "".join(raw.split()).upper()


def check_character(code17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(code17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def check(raw: str) -> CreditCodeCheck:
    code = normalise(raw)
    if len(code) != LENGTH:
        return CreditCodeCheck(
            code,
            error=str(_("统一社会信用代码应为18位，当前为%(n)d位。") % {"n": len(code)}),
        )
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return CreditCodeCheck(
            code,
            error=str(
                _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、S、V、Z）。")
                % {"chars": "、".join(bad)}
            ),
        )
    return CreditCodeCheck(code, checksum_ok=check_character(code[:17]) == code[17])
