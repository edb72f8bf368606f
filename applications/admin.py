from django.contrib import admin

from .models import Case, CaseEvent


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases move only through the workflow's services."""

    list_display = ("organisation", "cycle", "state", "updated_at")
    list_filter = ("cycle", "state")
    search_fields = ("organisation__name", "organisation__credit_code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ("at", "case", "name", "source", "target", "actor")
    list_filter = ("name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
