"""What the document-review services share: input checks and the group's state."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from applications.models import Case
from applications.workflow import CaseState
from hengyang_award.core.models import ScoringItem, User
from hengyang_award.core.services import audit_log_write

from ... import scoring
from ...models import Assignment, Scorebook

DOCUMENT = Assignment.Stage.DOCUMENT
SUBMITTED = Scorebook.Status.SUBMITTED

# The form of an entry: {"percent": int | None, "strengths": [str], "opportunities":
# [str]} and, for the consensus, "reason": str.
Entries = Mapping[str, Mapping[str, Any]]


def _items() -> list[ScoringItem]:
    return list(ScoringItem.objects.order_by("position", "code"))


def _lines(value: Any, *, code: str, label: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(
            _("%(code)s的%(label)s应为逐条列出的文字。") % {"code": code, "label": label},
            code="invalid_list",
        )
    lines = []
    for line in value:
        if not isinstance(line, str):
            raise ValidationError(
                _("%(code)s的%(label)s应为逐条列出的文字。") % {"code": code, "label": label},
                code="invalid_list",
            )
        if line.strip():
            lines.append(line.strip())
    return lines


def _clean_entries(entries: Entries, *, with_reason: bool = False) -> dict[str, dict[str, Any]]:
    """Check the shape and the percentages of submitted entries; every error at once."""
    known = set(ScoringItem.objects.values_list("code", flat=True))
    errors: list[ValidationError] = []
    cleaned: dict[str, dict[str, Any]] = {}
    for code, entry in entries.items():
        if code not in known:
            errors.append(
                ValidationError(_("未知的评分项：%(code)s。") % {"code": code}, code="unknown_item")
            )
            continue
        if not isinstance(entry, Mapping):
            errors.append(
                ValidationError(
                    _("%(code)s的评分内容格式不正确。") % {"code": code}, code="invalid_entry"
                )
            )
            continue
        percent = entry.get("percent")
        if percent is not None and not scoring.percent_valid(percent):
            errors.append(
                ValidationError(
                    _("%(code)s的评分百分比应为0到100之间5的整数倍，收到的是“%(value)s”。")
                    % {"code": code, "value": percent},
                    code="invalid_percent",
                )
            )
            continue
        try:
            values = {
                "percent": percent,
                "strengths": _lines(entry.get("strengths"), code=code, label=_("优势")),
                "opportunities": _lines(entry.get("opportunities"), code=code, label=_("改进机会")),
            }
        except ValidationError as exc:
            errors.append(exc)
            continue
        if with_reason:
            values["reason"] = str(entry.get("reason") or "").strip()
        cleaned[code] = values
    if errors:
        raise ValidationError(errors)
    return cleaned


def _case_in_document_review(case: Case) -> None:
    if case.state != CaseState.DOCUMENT_REVIEW:
        raise ValidationError(
            _("案卷当前为“%(state)s”，已不在资料评审阶段，评分不能再修改。")
            % {"state": case.get_state_display()},
            code="wrong_state",
        )


def _declared(assignment: Assignment) -> None:
    # Art. 24-25: the impartiality and confidentiality declaration comes first.
    if assignment.declared_at is None:
        raise PermissionDenied(_("请先签署公正性和保密声明，再开始评分。"))


def _missing_items(items: list[ScoringItem], percents: Mapping[str, int | None]) -> list[str]:
    return [item.code for item in items if percents.get(item.code) is None]


def _active_document_assignments(case: Case) -> list[Assignment]:
    return list(
        Assignment.objects.filter(case=case, stage=DOCUMENT, status=Assignment.Status.ACTIVE)
        .select_related("reviewer__user", "scorebook")
        .order_by("role", "reviewer__name", "pk")
    )


def _submitted(assignment: Assignment) -> bool:
    scorebook = getattr(assignment, "scorebook", None)
    return scorebook is not None and scorebook.status == SUBMITTED


def audit_draft_save(action: str, *, by: User, obj: Any, case_id: int, cleaned: dict) -> None:
    """A saved draft of scores (a scorebook or the consensus) is audited with the
    percentages it set (DA-1)."""
    audit_log_write(
        action,
        actor=by,
        obj=obj,
        case=case_id,
        percents={code: values["percent"] for code, values in cleaned.items()},
    )
