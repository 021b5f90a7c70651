"""The case file in the Django admin (for superusers; coaches and coordinators use the app)."""

from django.contrib import admin
from import_export import resources
from import_export.admin import ImportExportModelAdmin

from . import models


class OrganisationResource(resources.ModelResource):
    class Meta:
        model = models.Organisation
        fields = ["id", "name", "kind", "role", "accredited", "contact_name", "email", "phone", "active"]


class ProgressEntryResource(resources.ModelResource):
    """Export only: contact moments with the participant number, never names."""

    class Meta:
        model = models.ProgressEntry
        fields = ["id", "participant__number", "date", "kind", "duration_minutes", "author__username"]


class CoordinatorImportExport(ImportExportModelAdmin):
    """django-import-export in the admin: exports for superusers only. Imports go through
    the register import (all or nothing, never a temporary file), not the admin."""

    def has_import_permission(self, request):
        return False

    def has_export_permission(self, request):
        return request.user.is_superuser


@admin.register(models.ProgressEntry)
class ProgressEntryAdmin(CoordinatorImportExport):
    resource_classes = [ProgressEntryResource]
    list_display = ["date", "participant", "kind", "duration_minutes"]
    list_select_related = ["participant"]
    raw_id_fields = ["participant", "author"]


@admin.register(models.Organisation)
class OrganisationAdmin(CoordinatorImportExport):
    resource_classes = [OrganisationResource]
    list_display = ["name", "kind", "accredited", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]


@admin.register(models.Mentor)
class MentorAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "active"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]


@admin.register(models.DropoutReason)
class DropoutReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "position", "active"]


@admin.register(models.Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["number", "first_name", "last_name", "coach", "registration_date"]
    search_fields = ["number", "first_name", "last_name"]
    list_select_related = ["coach"]
    raw_id_fields = ["coach", "referrer"]
