from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hengyang_award.workcalendar.days import period_after


class Command(BaseCommand):
    help = "打印某日之后第一个工作日起连续 N 个工作日的起止日期（如公示期）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="from_date",
            required=True,
            metavar="YYYY-MM-DD",
            help="起算日（不计入），如通知发布日。",
        )
        parser.add_argument("--count", type=int, required=True, metavar="N", help="工作日数。")

    def handle(self, *args, from_date: str, count: int, **options) -> None:
        try:
            day = date.fromisoformat(from_date)
        except ValueError:
            raise CommandError(
                _("日期“%(value)s”无效，应为 YYYY-MM-DD 格式。") % {"value": from_date}
            ) from None
        if count < 1:
            raise CommandError(_("工作日数必须至少为 1。"))

        period = period_after(day, n=count)

        line = f"{period.start.isoformat()} {period.end.isoformat()}"
        if period.provisional:
            line += " provisional"
        self.stdout.write(line)
