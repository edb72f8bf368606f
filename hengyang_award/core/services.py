"""Every write on the shared core data: one function per use case."""

import json
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import credit_code
from .jsonable import jsonable
from .models import AuditLog, AwardCycle, County, Organisation, User
from .roles import ROLE_MODEL_PERMISSIONS, Role

# The key of the transaction-scoped PostgreSQL advisory lock that serialises
# writers of the audit chain (any constant unique to this use).
AUDIT_CHAIN_LOCK = 7_195_800_001


def _audit_chain_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])


@transaction.atomic
def audit_log_write(
    action: str, *, actor: User | None = None, obj: Any = None, ip: str | None = None, **detail
) -> AuditLog:
    """Append one record to the audit chain (DA-1, DA-2). Writers wait for each
    other until commit, so each record links to the one committed before it."""
    _audit_chain_lock()
    previous = AuditLog.objects.order_by("-pk").values_list("hash", flat=True).first()
    entry = AuditLog(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        # The stored form (as read back) is what the hash covers.
        detail=json.loads(json.dumps(detail, cls=DjangoJSONEncoder, ensure_ascii=False)),
        ip=ip,
        prev_hash=previous or "",
    )
    entry.hash = entry.compute_hash()
    entry.save()
    return entry


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def role_groups_sync() -> None:
    """Create every role group and give it exactly its model-level permissions."""
    for role, perms in ROLE_MODEL_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([_permission(p) for p in perms])


def system_user() -> User:
    """The actor of time-driven transitions (end of publicity, expiry). Active, so
    that it holds permissions, but with no usable password: nobody can log in as it."""
    user, created = User.objects.get_or_create(username="system", defaults={"full_name": _("系统")})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=Role.SYSTEM))
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    roles: list[str],
    by: User | None = None,
    organisation: Organisation | None = None,
    county: County | None = None,
    **fields,
) -> User:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(sorted(unknown))
    if Role.APPLICANT in roles and organisation is None:
        raise ValidationError(_("申报组织用户必须属于一个组织。"))
    if Role.COUNTY_OFFICIAL in roles and county is None:
        raise ValidationError(_("县市区用户必须属于一个县市区。"))
    user = User(username=username, organisation=organisation, county=county, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    _sync_body_groups(user)
    audit_log_write("user.create", actor=by, obj=user, roles=sorted(roles))
    return user


def _sync_body_groups(user: User) -> None:
    """Members of an organisation or county share its group, which holds the
    object permissions granted to that body."""
    body_groups = Group.objects.filter(county__isnull=False) | Group.objects.filter(
        organisation__isnull=False
    )
    user.groups.remove(
        *body_groups.exclude(
            pk__in=[
                g
                for g in (
                    user.organisation.group_id if user.organisation else None,
                    user.county.group_id if user.county else None,
                )
                if g
            ]
        )
    )
    if user.organisation:
        user.groups.add(user.organisation.group)
    if user.county:
        user.groups.add(user.county.group)


@transaction.atomic
def user_update_bodies(
    user: User, *, by: User, organisation: Organisation | None, county: County | None
) -> User:
    user.organisation = organisation
    user.county = county
    user.save(update_fields=["organisation", "county"])
    _sync_body_groups(user)
    audit_log_write(
        "user.bodies",
        actor=by,
        obj=user,
        organisation=organisation.pk if organisation else None,
        county=county.pk if county else None,
    )
    return user


@transaction.atomic
def county_create(*, code: str, name: str, kind: str, by: User | None = None) -> County:
    group = Group.objects.create(name=f"county:{code}")
    county = County(code=code, name=name, kind=kind, group=group)
    county.full_clean()
    county.save()
    audit_log_write("county.create", actor=by, obj=county, name=name, kind=kind)
    return county


@transaction.atomic
def organisation_register(
    *, by: User | None, credit_code_override_note: str = "", **fields
) -> Organisation:
    """Register an organisation. A code that is well formed but fails the checksum
    is accepted only with a note from review-office staff (early pilot codes)."""
    result = credit_code.check(fields.pop("credit_code"))
    if not result.usable:
        raise ValidationError({"credit_code": result.error})
    if Organisation.objects.filter(credit_code=result.code).exists():
        raise ValidationError(
            {
                "credit_code": _(
                    "该统一社会信用代码已注册。请联系本单位已注册的同事邀请您加入，或联系评审办。"
                )
            }
        )
    if not result.checksum_ok:
        if not credit_code_override_note.strip():
            raise ValidationError(
                {
                    "credit_code": _(
                        "统一社会信用代码校验位不符。请核对；如确为真实代码，请联系评审办核实确认。"
                    )
                }
            )
        if by is None or not by.has_perm("core.override_credit_code_organisation"):
            raise PermissionDenied(_("只有评审办工作人员可以确认校验位例外的信用代码。"))
    group = Group.objects.create(name=f"org:{result.code}")
    org = Organisation(
        credit_code=result.code,
        group=group,
        credit_code_override_note=credit_code_override_note.strip()
        if not result.checksum_ok
        else "",
        **fields,
    )
    org.full_clean()
    org.save()
    audit_log_write(
        "organisation.register",
        actor=by,
        obj=org,
        credit_code=org.credit_code,
        checksum_override=not result.checksum_ok,
    )
    return org


CYCLE_PARAMETER_FIELDS = (
    "max_winners",
    "total_points",
    "pass_score",
    "publicity_working_days",
    "validity_years",
    "fraud_ban_years",
    "min_operating_years",
    "interval_years",
    "accident_lookback_years",
    "reviewers_per_case",
    "committee_quorum_numerator",
    "committee_quorum_denominator",
    "committee_majority",
    "overview_char_limit",
    "self_assessment_char_limit",
    "file_size_limit_mb",
    "case_size_limit_mb",
    "recommendation_working_days",
    "screening_working_days",
    "approval_working_days",
    "reminder_lead_working_days",
    "review_working_days",
    "consensus_working_days",
    "consensus_margin_percent",
    "onsite_team_size",
    "onsite_days",
    "onsite_shortlist_max",
    "onsite_shortlist_threshold",
    "onsite_report_working_days",
    "confirmation_working_days",
    "confidential_files_to_reviewers",
    "prize_amount",
    "tie_break_onsite_first",
    "objection_working_days",
    "expiry_reminder_working_days",
    "revocation_statement_working_days",
    "fund_report_interval_months",
)
CYCLE_DATE_FIELDS = ("year", "application_opens", "application_closes", "reference_date")


@transaction.atomic
def cycle_create(*, by: User, number: int, **values) -> AwardCycle:
    if not by.has_perm("core.add_awardcycle"):
        raise PermissionDenied
    cycle = AwardCycle(number=number, **values)
    cycle.full_clean()
    cycle.save()
    audit_log_write("cycle.create", actor=by, obj=cycle, values=jsonable(values))
    return cycle


@transaction.atomic
def cycle_update(cycle_id: int, *, by: User, **values) -> AwardCycle:
    if not by.has_perm("core.change_awardcycle"):
        raise PermissionDenied
    unknown = set(values) - set(CYCLE_PARAMETER_FIELDS + CYCLE_DATE_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle_id)
    if cycle.is_frozen:
        raise ValidationError(_("本届评审已启动，规则参数已冻结，不能修改。"))
    before = {k: getattr(cycle, k) for k in values}
    for key, value in values.items():
        setattr(cycle, key, value)
    cycle.full_clean()
    cycle.save()
    changed = {k: [before[k], v] for k, v in values.items() if before[k] != v}
    audit_log_write("cycle.update", actor=by, obj=cycle, changed=jsonable(changed))
    return cycle


@transaction.atomic
def cycle_open(cycle_id: int, *, by: User) -> AwardCycle:
    """Start the cycle: its rule parameters are frozen from now on."""
    if not by.has_perm("core.change_awardcycle"):
        raise PermissionDenied
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle_id)
    if cycle.is_frozen:
        raise ValidationError(_("本届评审已经启动。"))
    cycle.full_clean()
    cycle.opened_at = timezone.now()
    cycle.save(update_fields=["opened_at"])
    audit_log_write("cycle.open", actor=by, obj=cycle)
    return cycle
