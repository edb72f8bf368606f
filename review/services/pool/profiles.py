"""Writes on the reviewer pool's profiles: add, edit, and the office's
misconduct decisions (Art. 26). Each leaves an audit row."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hengyang_award.core import credit_code
from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import audit_log_write, user_create

from ...models import Assignment, Reviewer
from ...selectors_pool import reviewer_open_assignments

REVIEWER_FIELDS = (
    "name",
    "employer",
    "employer_credit_code",
    "title",
    "specialties",
    "industries",
    "years_in_quality",
    "qualifications",
    "phone",
    "email",
)


def require_pool_perm(by: User, permission: str) -> None:
    if not by.has_perm(permission):
        raise PermissionDenied(_("只有评审办工作人员可以管理评审员专家库。"))


def _years(value: Any) -> int | None:
    """A non-negative whole number from a form, a cell or a string; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            return None
        value = int(value)
    if isinstance(value, int) and value >= 0:
        return value
    return None


def reviewer_fields_check(
    raw: dict[str, Any], *, exclude_pk: int | None = None, against_pool: bool = True
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Normalise a reviewer's fields and collect every error, keyed by field
    (NON_FIELD_ERRORS for the duplicate rule)."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for name in REVIEWER_FIELDS:
        value = raw.get(name, "")
        values[name] = value.strip() if isinstance(value, str) else value

    if not values["name"]:
        add("name", _("请填写姓名。"))
    if not values["employer"]:
        add("employer", _("请填写工作单位。"))
    if values["employer_credit_code"]:
        result = credit_code.check(values["employer_credit_code"])
        if result.usable:
            values["employer_credit_code"] = result.code
        else:
            add("employer_credit_code", result.error)
    years = _years(values["years_in_quality"] if values["years_in_quality"] != "" else 0)
    if years is None:
        add("years_in_quality", _("质量工作年限应为非负整数。"))
    else:
        values["years_in_quality"] = years
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            add("email", _("电子邮箱格式不正确。"))
    for name in REVIEWER_FIELDS:
        if name in errors:
            continue
        try:
            values[name] = Reviewer._meta.get_field(name).clean(values[name], None)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
    if against_pool and values["name"] and values["employer"]:
        duplicate = Reviewer.objects.filter(name=values["name"], employer=values["employer"])
        if exclude_pk is not None:
            duplicate = duplicate.exclude(pk=exclude_pk)
        if duplicate.exists():
            add(NON_FIELD_ERRORS, _("专家库中已有同名且工作单位相同的评审员。"))
    return values, errors


def _username_checked(username: str) -> str:
    username = username.strip()
    try:
        username = User._meta.get_field("username").clean(username, None)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该登录账号名已被使用。")})
    return username


def _login_create(username: str, *, by: User, values: dict[str, Any]) -> User:
    """A reviewer login without a usable password: the reviewer sets one through
    the password reset."""
    return user_create(
        username=_username_checked(username),
        password=None,
        roles=[Role.REVIEWER],
        by=by,
        full_name=values["name"],
        email=values["email"],
        phone=values["phone"],
    )


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in REVIEWER_FIELDS}


@transaction.atomic
def reviewer_create(*, by: User, username: str = "", **fields: Any) -> Reviewer:
    """Add a reviewer to the pool; with a username, also open their login."""
    require_pool_perm(by, "review.add_reviewer")
    unknown = set(fields) - set(REVIEWER_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    values, errors = reviewer_fields_check(fields)
    if errors:
        raise ValidationError(errors)
    user = _login_create(username, by=by, values=values) if username.strip() else None
    reviewer = Reviewer.objects.create(user=user, **values)
    audit_log_write(
        "reviewer.create",
        actor=by,
        obj=reviewer,
        values=_audit_values(values),
        user=user.pk if user else None,
    )
    return reviewer


@transaction.atomic
def reviewer_update(reviewer_id: int, *, by: User, username: str = "", **fields: Any) -> Reviewer:
    """Edit a reviewer's profile (not the status: see `reviewer_status_change`).
    A username opens a login for a reviewer who has none yet."""
    require_pool_perm(by, "review.change_reviewer")
    unknown = set(fields) - set(REVIEWER_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    reviewer = Reviewer.objects.select_for_update().get(pk=reviewer_id)
    before = {name: getattr(reviewer, name) for name in REVIEWER_FIELDS}
    values, errors = reviewer_fields_check({**before, **fields}, exclude_pk=reviewer.pk)
    if errors:
        raise ValidationError(errors)
    username = username.strip()
    if username and reviewer.user_id is not None and username != reviewer.user.username:
        raise ValidationError({"username": _("该评审员已有登录账号，账号名不能在此修改。")})
    update_fields = [name for name in REVIEWER_FIELDS if values[name] != before[name]]
    for name in update_fields:
        setattr(reviewer, name, values[name])
    if username and reviewer.user_id is None:
        reviewer.user = _login_create(username, by=by, values=values)
        update_fields.append("user")
    if not update_fields:
        return reviewer
    reviewer.save(update_fields=update_fields)
    audit_log_write(
        "reviewer.update",
        actor=by,
        obj=reviewer,
        changed={
            name: [before[name], values[name]] for name in update_fields if name in REVIEWER_FIELDS
        },
        user=reviewer.user_id if "user" in update_fields else None,
    )
    return reviewer


@transaction.atomic
def reviewer_status_change(
    reviewer_id: int, *, by: User, status: str, reason: str, evidence: str = ""
) -> list[Assignment]:
    """Suspend, reinstate or disqualify a reviewer (Art. 26). Disqualification is
    final. Returns the reviewer's open assignments, which the office must
    reassign, when the reviewer leaves active service (empty on reinstatement)."""
    require_pool_perm(by, "review.change_reviewer")
    reviewer = Reviewer.objects.select_for_update().get(pk=reviewer_id)
    if reviewer.status == Reviewer.Status.DISQUALIFIED:
        raise ValidationError(
            _("该评审员已于%(date)s被取消评审员资格，不能恢复或变更状态。")
            % {
                "date": timezone.localtime(reviewer.status_changed_at).date().isoformat()
                if reviewer.status_changed_at
                else "—"
            }
        )
    errors: dict[str, list[str]] = {}
    if status not in Reviewer.Status.values:
        errors["status"] = [_("请选择新的状态。")]
    elif status == reviewer.status:
        errors["status"] = [
            _("该评审员当前已是“%(status)s”状态。") % {"status": reviewer.get_status_display()}
        ]
    reason = reason.strip()
    if not reason:
        errors["reason"] = [_("请填写状态变更理由。")]
    if errors:
        raise ValidationError(errors)
    source = reviewer.status
    reviewer.status = status
    reviewer.status_reason = reason
    reviewer.status_changed_at = timezone.now()
    reviewer.save(update_fields=["status", "status_reason", "status_changed_at"])
    open_assignments = (
        [] if status == Reviewer.Status.ACTIVE else list(reviewer_open_assignments(reviewer.pk))
    )
    audit_log_write(
        "reviewer.status",
        actor=by,
        obj=reviewer,
        source=source,
        target=status,
        reason=reason,
        evidence=evidence.strip(),
        open_assignments=[a.pk for a in open_assignments],
    )
    return open_assignments
