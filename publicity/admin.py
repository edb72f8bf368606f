"""Notices in the admin, for looking things up: every change goes through the
office's pages and the services. Objections are not listed here: the objectors'
personal data is shown on the office's objection pages only."""

from django.contrib import admin

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "cycle", "published_at", "sha256")
    list_filter = ("kind", "cycle")
    search_fields = ("title", "number")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
