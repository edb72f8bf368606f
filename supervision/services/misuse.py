"""Improper use of the title (Art. 15): the office records what it saw and what it
did; a serious case leads to a revocation procedure (`revocation_open`)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write

from ..models import Award, MisuseReport
from ._common import Upload, evidence_check, evidence_store, require_perm


@transaction.atomic
def misuse_record(
    award_id: int,
    *,
    by: User,
    kind: str,
    observed_on: datetime.date,
    description: str,
    action_taken: str = "",
    evidence: list[Upload] = (),
) -> MisuseReport:
    require_perm(by, "supervision.add_misusereport")
    award = Award.objects.select_related("cycle").get(pk=award_id)
    errors: dict[str, list[str]] = {}
    if kind not in MisuseReport.Kind.values:
        errors.setdefault("kind", []).append(_("请选择不当使用的类别。"))
    if not description.strip():
        errors.setdefault("description", []).append(_("请描述发现的情况。"))
    if observed_on > timezone.localdate():
        errors.setdefault("observed_on", []).append(_("发现日期不能晚于今天。"))
    if errors:
        raise ValidationError(errors)
    checked = evidence_check(award, list(evidence))
    report = MisuseReport.objects.create(
        award=award,
        kind=kind,
        observed_on=observed_on,
        description=description.strip(),
        action_taken=action_taken.strip(),
        recorded_by=by,
    )
    evidence_store(award, list(evidence), checked, by=by, source="office", misuse_report=report)
    audit_log_write(
        "misuse.record",
        actor=by,
        obj=report,
        award=award.pk,
        kind=kind,
        observed_on=observed_on.isoformat(),
        description=report.description,
        action_taken=report.action_taken,
    )
    return report
