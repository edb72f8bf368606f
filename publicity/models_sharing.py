"""Experience sharing of the winners (经验分享, Art. 16): what a winner publishes
for others to learn from, and the visit sessions (观摩交流) it offers to other
organisations. Everything hangs off the `supervision.Award` it was offered under,
so an expired or revoked title takes its entries and sessions off the public site."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.models import Organisation


class SharingEntry(models.Model):
    """A case the winner describes: draft → published; the office may hide a
    published entry (with a reason, audited)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        HIDDEN = "hidden", _("已被评审办隐藏")

    award = models.ForeignKey(
        "supervision.Award",
        on_delete=models.PROTECT,
        related_name="sharing_entries",
        verbose_name=_("获奖记录"),
    )
    title = models.CharField(_("标题"), max_length=120)
    summary = models.TextField(_("案例简介"), max_length=2000)
    methods = models.TextField(_("经验做法"), max_length=20000)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    hidden_at = models.DateTimeField(_("隐藏时间"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_reason = models.TextField(_("隐藏理由"), blank=True)

    class Meta:
        verbose_name = _("经验分享")
        verbose_name_plural = _("经验分享")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class SharingAttachment(models.Model):
    """A PDF or image of an entry, stored under a generated name with its SHA-256."""

    entry = models.ForeignKey(SharingEntry, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="sharing/", max_length=200)
    original_name = models.CharField(max_length=120)
    mime = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class VisitSession(models.Model):
    """A visit the winner hosts. `status` is kept by the services: full when the
    registered attendees fill the capacity, open again after a withdrawal; closed
    by the host; cancelled with a reason. Past its deadline a session takes no
    registration whatever its status."""

    class Status(models.TextChoices):
        OPEN = "open", _("报名中")
        FULL = "full", _("名额已满")
        CLOSED = "closed", _("报名已截止")
        CANCELLED = "cancelled", _("已取消")

    award = models.ForeignKey(
        "supervision.Award",
        on_delete=models.PROTECT,
        related_name="visit_sessions",
        verbose_name=_("获奖记录"),
    )
    topic = models.CharField(_("观摩主题"), max_length=120)
    starts_at = models.DateTimeField(_("观摩时间"))
    place = models.CharField(_("地点"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("名额（人）"))
    registration_deadline = models.DateTimeField(_("报名截止时间"))
    contact_phone = models.CharField(_("联系电话（单位办公电话）"), max_length=30)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("观摩交流")
        verbose_name_plural = _("观摩交流")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gt=0), name="visit_session_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(registration_deadline__lte=models.F("starts_at")),
                name="visit_session_deadline_before_start",
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    def accepts_registrations(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and now <= self.registration_deadline


class VisitRegistration(models.Model):
    """Another organisation's registration for a session. The attendees' names are
    for the office and the registering organisation only."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已报名")
        WITHDRAWN = "withdrawn", _("已撤回")

    session = models.ForeignKey(
        VisitSession, on_delete=models.PROTECT, related_name="registrations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="visit_registrations"
    )
    attendees = models.PositiveSmallIntegerField(_("参加人数"))
    attendee_names = models.TextField(_("参加人员姓名"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=Status.choices,
        default=Status.REGISTERED,
        db_index=True,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("观摩报名")
        verbose_name_plural = _("观摩报名")
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation"],
                condition=models.Q(status="registered"),
                name="visit_registration_once_per_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(attendees__gt=0), name="visit_registration_attendees_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.session}"
