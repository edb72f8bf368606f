"""The review models in the admin, for looking things up: every change goes
through the office's pages and the services, which check the rules and audit."""

from django.contrib import admin

from .models import (
    Assignment,
    AssignmentDraw,
    ConflictFlag,
    Consensus,
    ConsensusEntry,
    OnsiteReport,
    Reviewer,
    ReviewerEvaluation,
    ReviewerRelation,
    Scorebook,
    ScoreEntry,
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


@admin.register(Reviewer)
class ReviewerAdmin(ReadOnlyAdmin):
    list_display = ("name", "employer", "title", "years_in_quality", "status")
    list_filter = ("status",)
    search_fields = ("name", "employer", "employer_credit_code", "specialties", "industries")


@admin.register(ReviewerRelation)
class ReviewerRelationAdmin(ReadOnlyAdmin):
    list_display = ("reviewer", "organisation_name", "credit_code", "kind", "recorded_at")
    list_filter = ("kind",)
    search_fields = ("reviewer__name", "organisation_name", "credit_code")
    list_select_related = ("reviewer",)


@admin.register(AssignmentDraw)
class AssignmentDrawAdmin(ReadOnlyAdmin):
    list_display = ("case", "stage", "drawn_by", "drawn_at")
    list_filter = ("stage",)
    list_select_related = ("case__organisation", "drawn_by")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("reviewer", "case", "stage", "role", "status", "assigned_at", "declared_at")
    list_filter = ("stage", "role", "status")
    search_fields = ("reviewer__name", "case__organisation__name")
    list_select_related = ("reviewer", "case__organisation")


@admin.register(ConflictFlag)
class ConflictFlagAdmin(ReadOnlyAdmin):
    list_display = ("reviewer", "case", "source", "decision", "created_at")
    list_filter = ("decision", "source")
    search_fields = ("reviewer__name", "case__organisation__name")
    list_select_related = ("reviewer", "case__organisation")


class ScoreEntryInline(admin.TabularInline):
    model = ScoreEntry
    fields = ("item_code", "percent", "strengths", "opportunities")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Scorebook)
class ScorebookAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "status", "submitted_at", "updated_at")
    list_filter = ("status",)
    list_select_related = ("assignment__reviewer",)
    inlines = [ScoreEntryInline]


@admin.register(ScoreEntry)
class ScoreEntryAdmin(ReadOnlyAdmin):
    list_display = ("scorebook", "item_code", "percent")
    list_select_related = ("scorebook__assignment__reviewer",)


class ConsensusEntryInline(admin.TabularInline):
    model = ConsensusEntry
    fields = ("item_code", "percent", "strengths", "opportunities", "reason", "evidence")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Consensus)
class ConsensusAdmin(ReadOnlyAdmin):
    list_display = ("case", "stage", "leader", "status", "total", "submitted_at")
    list_filter = ("stage", "status")
    list_select_related = ("case__organisation", "leader")
    inlines = [ConsensusEntryInline]


@admin.register(ConsensusEntry)
class ConsensusEntryAdmin(ReadOnlyAdmin):
    list_display = ("consensus", "item_code", "percent")
    list_select_related = ("consensus",)


@admin.register(OnsiteReport)
class OnsiteReportAdmin(ReadOnlyAdmin):
    list_display = ("case", "recommendation", "confirmation", "submitted_at", "updated_at")
    list_filter = ("recommendation", "confirmation")
    list_select_related = ("case__organisation",)


@admin.register(ReviewerEvaluation)
class ReviewerEvaluationAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "quality", "discipline", "at")
    list_select_related = ("assignment__reviewer",)
