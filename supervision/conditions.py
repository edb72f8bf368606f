"""Conditions the supervision app adds to the case workflow's edges."""

from django.utils.translation import gettext_lazy as _

from applications import workflow
from applications.models import Case


@workflow.condition(
    _("该组织的称号已登记在案：撤销须经撤销程序（告知、陈述申辩、核实、评委会决定、市政府决定）。")
)
def revocation_approved(case: Case) -> bool:
    """A title on the register is revoked only by the city's approval at the end
    of a revocation procedure (Art. 19-20); a case awarded but not yet announced
    has no title on record yet."""
    from .models import Award, Revocation

    award = Award.objects.filter(case=case).first()
    if award is None:
        return True
    return Revocation.objects.filter(
        award=award,
        city_decision=Revocation.Decision.REVOKE,
        outcome=Revocation.Outcome.REVOKED,
    ).exists()


def register() -> None:
    workflow.register_stage_condition("revoke", revocation_approved)
