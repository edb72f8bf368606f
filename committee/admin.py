"""The committee's records in the admin, for looking things up. Every change goes
through the services. `Vote` (the secret choices) is deliberately not registered;
`BallotCast` shows who took part, never how they voted."""

from django.contrib import admin

from .models import (
    BallotCast,
    BallotRound,
    CycleEvaluation,
    Declaration,
    Meeting,
    Membership,
    Resolution,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CycleEvaluation)
class CycleEvaluationAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "written_by", "written_at", "dispatched_at")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "user", "role", "added_at")
    list_filter = ("cycle", "role")
    list_select_related = ("cycle", "user")


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ("member", "case", "has_conflict", "grounds", "declared_at")
    list_select_related = ("member__user", "case__organisation", "case__cycle")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "held_on", "place", "created_at")


@admin.register(BallotRound)
class BallotRoundAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "number", "kind", "opened_at", "closed_at")


@admin.register(BallotCast)
class BallotCastAdmin(ReadOnlyAdmin):
    list_display = ("round", "member", "case")
    list_select_related = ("round__meeting__cycle", "member__user", "case__organisation")


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "computed_at", "complete", "adopted_at", "adopted_by")
