"""`manage.py audit_verify`: check the audit log's chain and every case's event
chain; name the first broken record and exit non-zero if any is broken (DA-2)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import CaseEvent
from hengyang_award.core.audit_chain import chain_first_break
from hengyang_award.core.models import AuditLog

REASONS = {
    "link": gettext_lazy("与前一条记录的链接不符（记录被删除或插入）"),
    "content": gettext_lazy("内容与哈希不符（记录被修改）"),
}


def _in_batches(queryset, size: int = 2000):
    """Rows in primary-key order, a batch at a time (no server-side cursor left
    open when the walk stops early)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        yield from batch
        if len(batch) < size:
            return
        last = batch[-1].pk


class Command(BaseCommand):
    help = gettext_lazy("校验审计记录和案卷流转记录的哈希链，报告第一条被篡改的记录。")

    def handle(self, *args, **options) -> None:
        broken = []
        found = chain_first_break(_in_batches(AuditLog.objects.all()), allow_unchained_prefix=True)
        if found:
            broken.append(
                _("审计记录 #%(id)s（%(action)s，%(at)s）：%(reason)s")
                % {
                    "id": found.record.pk,
                    "action": found.record.action,
                    "at": found.record.at.isoformat(),
                    "reason": REASONS[found.reason],
                }
            )
        audit_count = AuditLog.objects.count()
        events = CaseEvent.objects.order_by("case_id")
        case_ids = events.values_list("case_id", flat=True).distinct()
        cases = 0
        for case_id in list(case_ids):
            cases += 1
            events = CaseEvent.objects.filter(case_id=case_id).order_by("at", "pk")
            found = chain_first_break(events)
            if found:
                broken.append(
                    _("案卷 %(case)s 的流转记录 #%(id)s（%(name)s，%(at)s）：%(reason)s")
                    % {
                        "case": case_id,
                        "id": found.record.pk,
                        "name": found.record.name,
                        "at": found.record.at.isoformat(),
                        "reason": REASONS[found.reason],
                    }
                )
        if broken:
            for line in broken:
                self.stderr.write(line)
            raise CommandError(_("哈希链校验失败：%(n)d 处断裂。") % {"n": len(broken)})
        self.stdout.write(
            _("哈希链完整：审计记录 %(audit)d 条，案卷 %(cases)d 个。")
            % {"audit": audit_count, "cases": cases}
        )
