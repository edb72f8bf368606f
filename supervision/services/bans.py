"""Writes on the ban register: record a ban, lift it. Each leaves an audit row."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Case
from hengyang_award.core.models import Organisation, User
from hengyang_award.core.services import audit_log_write

from ..models import Ban


def ban_last_day(starts_on: datetime.date, *, years: int) -> datetime.date:
    """The last day of a ban of `years` years starting on `starts_on`."""
    try:
        end = starts_on.replace(year=starts_on.year + years)
    except ValueError:  # 29 February
        end = starts_on.replace(year=starts_on.year + years, day=28)
    return end - datetime.timedelta(days=1)


@transaction.atomic
def ban_record(
    *,
    by: User,
    organisation: Organisation,
    reason: str,
    legal_basis: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    case: Case | None = None,
) -> Ban:
    """Record a ban. Without an end date, a fraud finding (Art. 19) on a case runs
    for the case's cycle's `fraud_ban_years`; any other ban needs explicit dates."""
    if not by.has_perm("supervision.add_ban"):
        raise PermissionDenied(_("只有评审办工作人员可以登记禁止申报。"))
    errors: dict[str, list[str]] = {}
    reason = reason.strip()
    if not reason:
        errors.setdefault("reason", []).append(_("请填写禁止申报的事由。"))
    if legal_basis not in Ban.Basis.values:
        errors.setdefault("legal_basis", []).append(_("请选择依据。"))
    if case is not None and case.organisation_id != organisation.pk:
        errors.setdefault("case", []).append(_("所选案卷不属于该申报组织。"))
    if ends_on is None:
        if case is not None and legal_basis == Ban.Basis.ART19_FRAUD:
            ends_on = ban_last_day(starts_on, years=case.cycle.fraud_ban_years)
        else:
            errors.setdefault("ends_on", []).append(
                _("请填写禁止申报截止日（仅依据第十九条并关联案卷时可按届次规则自动计算）。")
            )
    if ends_on is not None and ends_on <= starts_on:
        errors.setdefault("ends_on", []).append(_("禁止申报截止日必须晚于起始日。"))
    if errors:
        raise ValidationError(errors)
    ban = Ban.objects.create(
        organisation=organisation,
        credit_code=organisation.credit_code,
        reason=reason,
        legal_basis=legal_basis,
        starts_on=starts_on,
        ends_on=ends_on,
        case=case,
        recorded_by=by,
    )
    audit_log_write(
        "ban.record",
        actor=by,
        obj=ban,
        organisation=organisation.pk,
        credit_code=organisation.credit_code,
        legal_basis=legal_basis,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
        case=case.pk if case is not None else None,
    )
    return ban


@transaction.atomic
def ban_lift(ban_id: int, *, by: User, reason: str) -> Ban:
    """Lift a ban: it stops applying; the record and the reason stay."""
    if not by.has_perm("supervision.change_ban"):
        raise PermissionDenied(_("只有评审办工作人员可以解除禁止申报。"))
    ban = Ban.objects.select_for_update().get(pk=ban_id)
    if ban.lifted_at is not None:
        raise ValidationError(
            _("该禁止申报记录已于%(at)s解除。")
            % {"at": timezone.localtime(ban.lifted_at).date().isoformat()}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写解除理由。")})
    ban.lifted_at = timezone.now()
    ban.lifted_by = by
    ban.lift_reason = reason
    ban.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_log_write("ban.lift", actor=by, obj=ban, organisation=ban.organisation_id, reason=reason)
    return ban
