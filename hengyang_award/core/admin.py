from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditLog, AwardCycle, County, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "organisation", "county", "is_active")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("所属单位"), {"fields": ("full_name", "phone", "organisation", "county")}),
    )


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "active")
    list_filter = ("kind", "active")
    readonly_fields = ("group",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "county", "industry", "size")
    list_filter = ("county", "size")
    search_fields = ("name", "credit_code")
    readonly_fields = ("group", "credit_code")


@admin.register(AwardCycle)
class AwardCycleAdmin(admin.ModelAdmin):
    list_display = ("number", "year", "application_opens", "application_closes", "opened_at")
    readonly_fields = ("opened_at",)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor", "object_type", "object_id", "ip")
    list_filter = ("action",)
    search_fields = ("object_id", "detail")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
