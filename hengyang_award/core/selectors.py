from django.db.models import QuerySet
from django.utils import timezone

from .models import AwardCycle, User
from .roles import Role


def cycles_public() -> QuerySet[AwardCycle]:
    """Cycles whose rules are frozen and therefore shown to the public."""
    return AwardCycle.objects.filter(opened_at__isnull=False)


def cycle_current_open() -> AwardCycle | None:
    today = timezone.localdate()
    return (
        cycles_public()
        .filter(application_opens__lte=today, application_closes__gte=today)
        .order_by("-number")
        .first()
    )


def cycle_parameters(cycle: AwardCycle) -> list[tuple[str, object]]:
    """The cycle's rule parameters as (label, value) rows, for display."""
    from .services import CYCLE_PARAMETER_FIELDS

    rows = []
    for name in CYCLE_PARAMETER_FIELDS:
        field = AwardCycle._meta.get_field(name)
        value = getattr(cycle, f"get_{name}_display")() if field.choices else getattr(cycle, name)
        rows.append((str(field.verbose_name), value))
    return rows


def office_users() -> QuerySet[User]:
    """The review office's active users: who is told of work for the office."""
    return User.objects.filter(groups__name=Role.OFFICE_STAFF, is_active=True)
