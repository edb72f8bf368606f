"""The review office's decisions on the eligibility pre-checks (Art. 10(2)): one row
per check and submission round, the officer's last word on it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .case import Case


class ScreeningDecision(models.Model):
    """The officer either confirms the automatic result of a check (pass or fail) or
    overrides it with a final result and a reason; a check that needs human
    judgement can only be decided by an override. `automatic_result` is the result
    the officer saw: when the check later computes something else (a ban was
    recorded meanwhile), the decision no longer counts."""

    class Decision(models.TextChoices):
        CONFIRM = "confirm", _("确认自动检查结果")
        OVERRIDE = "override", _("人工判定")

    class Result(models.TextChoices):
        PASS = "pass", _("通过")
        FAIL = "fail", _("不通过")
        JUDGEMENT = "judgement", _("需人工判断")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="screening_decisions")
    round = models.PositiveSmallIntegerField(_("提交轮次"))
    code = models.CharField(_("审查项"), max_length=40)
    decision = models.CharField(_("审查决定"), max_length=10, choices=Decision.choices)
    automatic_result = models.CharField(_("自动检查结果"), max_length=10, choices=Result.choices)
    final_result = models.CharField(
        _("审查结论"),
        max_length=10,
        choices=[(Result.PASS, Result.PASS.label), (Result.FAIL, Result.FAIL.label)],
    )
    note = models.TextField(_("说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), default=timezone.now)

    class Meta:
        verbose_name = _("资格审查确认")
        verbose_name_plural = _("资格审查确认")
        ordering = ["case", "round", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "round", "code"], name="one_screening_decision_per_check_and_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round} {self.code}: {self.final_result}"
