"""China's official working-day calendar: the State Council's yearly arrangement as
data, so an administrator can enter next year's notice without a code change."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.natural_keys import natural_key_manager


class CalendarYear(models.Model):
    """Whether a year's arrangement has been entered. A year without a published
    row is computed as plain Monday–Friday and every result for it is provisional."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    published = models.BooleanField(
        _("已发布"), default=False, help_text=_("国务院办公厅当年的放假安排已完整录入。")
    )
    notice = models.CharField(_("依据通知"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = natural_key_manager("year")

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    def natural_key(self) -> tuple:
        return (self.year,)


class CalendarException(models.Model):
    """A day that differs from the Monday–Friday rule: a statutory holiday on a
    weekday, or an adjusted working day (调休) on a weekend."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日休息")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=50, blank=True)
    notice = models.CharField(_("依据通知"), max_length=200, blank=True)

    objects = natural_key_manager("date")

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]
        constraints = [
            # A holiday row on a weekend or a workday row on a weekday would change
            # nothing, so it can only be a data-entry mistake.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="holiday", date__iso_week_day__lte=5)
                    | models.Q(kind="workday", date__iso_week_day__gte=6)
                ),
                name="workcalendar_exception_kind_matches_weekday",
                violation_error_message=_("法定节假日只能是周一至周五，调休上班只能是周六或周日。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"

    def natural_key(self) -> tuple:
        return (self.date,)
