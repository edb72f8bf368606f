"""Public notices of the award (公示, 公告, 撤销公告) and the objections raised
against a publicity notice (Art. 10(6)-(7))."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.models import AwardCycle


class Notice(models.Model):
    """A notice in official-document style (GB/T 9704 essentials). A draft is
    edited by the office; once published it is read-only, listed on the public site
    and served as the PDF rendered from it (stored with its SHA-256).

    `body` is structured so one renderer serves every kind:
    {"paragraphs": [str, …],                      # before the list
     "table": {"head": [str, …], "rows": [[str, …], …]},   # optional
     "closing": [str, …]}                          # after the list (contact, …)
    """

    class Kind(models.TextChoices):
        PUBLICITY = "publicity", _("公示")
        ANNOUNCEMENT = "announcement", _("公告")
        REVOCATION = "revocation", _("撤销公告")

    cycle = models.ForeignKey(
        AwardCycle, on_delete=models.PROTECT, related_name="notices", verbose_name=_("届次")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.JSONField(_("正文"), default=dict)
    issuer = models.CharField(_("发布机关"), max_length=100)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="notices/", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("公告公示")
        verbose_name_plural = _("公告公示")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
