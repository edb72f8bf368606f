"""Comprehensive evaluation and the award committee (Art. 5, 9, 10(5)): the office's
written comparison and the candidate list, the committee of each cycle, its
meetings with attendance, conflict declarations, secret ballots in rounds, the
resolution and the minutes.

Ballot secrecy: `BallotCast` proves that a member took part in a round on a
candidate (unique, so a second ballot is one row), `Vote` holds the choice with
no reference to the member, a random key and no timestamp or ordering, so no
page, export or join can link a voter to a choice. Both rows are written in the
same transaction."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Case, CaseEvent
from hengyang_award.core.models import AwardCycle


class CycleEvaluation(models.Model):
    """The office's written comparison of the cycle's cases (综合评价意见) and the
    dispatch of the candidate list to the committee."""

    cycle = models.OneToOneField(
        AwardCycle, on_delete=models.PROTECT, related_name="committee_evaluation"
    )
    comparison = models.TextField(_("综合评价意见"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(_("送评委会时间"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("综合评价")
        verbose_name_plural = _("综合评价")

    def __str__(self) -> str:
        return str(self.cycle)


class Membership(models.Model):
    """A user on the committee of one cycle (Art. 5)."""

    class Role(models.TextChoices):
        DIRECTOR = "director", _("主任")
        DEPUTY = "deputy", _("副主任")
        MEMBER = "member", _("委员")

    cycle = models.ForeignKey(
        AwardCycle, on_delete=models.PROTECT, related_name="committee_members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_memberships"
    )
    role = models.CharField(_("职务"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("评委会成员")
        verbose_name_plural = _("评委会成员")
        ordering = ["cycle", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user"], name="one_membership_per_cycle"),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(role="director"),
                name="one_committee_director_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Declaration(models.Model):
    """A member's conflict-of-interest declaration on one candidate (the grounds of
    the reviewers' declarations, Art. 24). A member with a conflict is recused."""

    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="declarations")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="committee_declarations")
    has_conflict = models.BooleanField(_("存在利害关系"))
    grounds = models.CharField(_("利害关系类型"), max_length=20, blank=True)
    description = models.TextField(_("说明"), blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("评委利害关系声明")
        verbose_name_plural = _("评委利害关系声明")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "case"], name="one_declaration_per_member_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} / {self.case_id}"


class Meeting(models.Model):
    """A committee meeting: its agenda is the cycle's candidates when it is called."""

    cycle = models.ForeignKey(
        AwardCycle, on_delete=models.PROTECT, related_name="committee_meetings"
    )
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("会议地点"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("评委会会议")
        verbose_name_plural = _("评委会会议")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.cycle} {self.held_on:%Y-%m-%d}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="committee_agenda")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="one_agenda_item_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.case_id}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(_("出席"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.present}"


class BallotRound(models.Model):
    """One secret ballot of a meeting: the first on every agenda item, run-offs
    among candidates tied at the last place."""

    class Kind(models.TextChoices):
        MAIN = "main", _("表决")
        RUNOFF = "runoff", _("决胜投票")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次"))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MAIN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("投票轮次")
        verbose_name_plural = _("投票轮次")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_round_number"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_round_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoundItem(models.Model):
    """A candidate in a round; the tally is written when the round closes."""

    round = models.ForeignKey(BallotRound, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    eligible = models.PositiveSmallIntegerField(_("应参加表决人数"), null=True)
    present = models.PositiveSmallIntegerField(_("出席且未回避人数"), null=True)
    quorum = models.PositiveSmallIntegerField(_("法定人数"), null=True)
    approve = models.PositiveSmallIntegerField(_("赞成"), null=True)
    oppose = models.PositiveSmallIntegerField(_("反对"), null=True)
    abstain = models.PositiveSmallIntegerField(_("弃权"), null=True)
    not_cast = models.PositiveSmallIntegerField(_("未投票"), null=True)
    passed = models.BooleanField(_("达到通过所需多数"), null=True)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "case"], name="one_round_item_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.case_id}"


class BallotCast(models.Model):
    """That a member voted on a candidate in a round (not how): one row at most."""

    round = models.ForeignKey(BallotRound, on_delete=models.PROTECT, related_name="casts")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="casts")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("投票记录（仅记录参加投票）")
        verbose_name_plural = _("投票记录（仅记录参加投票）")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member", "case"], name="one_ballot_per_member_case_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.round} / {self.case_id}"


class Vote(models.Model):
    """A secret vote: the choice, the round and the candidate, nothing else. The
    key is random and there is no timestamp, so rows cannot be matched to the
    `BallotCast` written in the same transaction. Never registered in the admin,
    never listed: only aggregated when the round closes."""

    class Choice(models.TextChoices):
        APPROVE = "approve", _("赞成")
        OPPOSE = "oppose", _("反对")
        ABSTAIN = "abstain", _("弃权")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(BallotRound, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice.choices)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return str(_("无记名票"))


class Resolution(models.Model):
    """The result of a meeting's ballots (决议): computed whenever a round closes,
    adopted by the committee director."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="resolution")
    computed_at = models.DateTimeField(default=timezone.now)
    complete = models.BooleanField(default=False)
    runoff_case_ids = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(default=0)
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("评委会决议")
        verbose_name_plural = _("评委会决议")

    def __str__(self) -> str:
        return str(self.meeting)


class ResolutionEntry(models.Model):
    class Outcome(models.TextChoices):
        PROPOSED = "proposed", _("拟获奖")
        NOT_SELECTED = "not_selected", _("未入选")
        PENDING = "pending", _("待决胜投票")

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="committee_outcomes")
    # The event that made the case a candidate when the result was computed: a
    # case sent back to candidate later needs a new decision.
    candidate_event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    approvals = models.PositiveSmallIntegerField(default=0)
    onsite_total = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["resolution", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "case"], name="one_entry_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.outcome}"


class Minutes(models.Model):
    """The meeting's minutes (会议纪要) as a PDF, rendered once by a worker."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    file = models.FileField(upload_to="committee/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("会议纪要")
        verbose_name_plural = _("会议纪要")

    def __str__(self) -> str:
        return str(self.meeting)
