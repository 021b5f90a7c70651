from django.contrib import admin

from . import models


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
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


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "participant_id", "object_repr"]
    list_filter = ["action"]
    search_fields = ["username", "action", "object_repr"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
