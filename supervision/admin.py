from django.contrib import admin

from .models import Ban


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    """Read-only: bans are recorded and lifted through the office's pages, which
    audit every change."""

    list_display = (
        "organisation",
        "credit_code",
        "legal_basis",
        "starts_on",
        "ends_on",
        "lifted_at",
    )
    list_filter = ("legal_basis",)
    search_fields = ("organisation__name", "credit_code")
    readonly_fields = [f.name for f in Ban._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
