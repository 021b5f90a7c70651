"""The case file's URLs (Dutch paths), namespaced `participants:`."""

from django.urls import path

from plp import login_audit

from . import imports, views
from .views import catalogue, judgment, learning, mentor

app_name = "participants"


def record_urls(name: str, create, edit) -> list:
    return [
        path(f"<id:pk>/{name}/nieuw/", create, name=f"{name}-create"),
        path(f"<id:pk>/{name}/<id:record_pk>/", edit, name=f"{name}-edit"),
    ]


urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("coaches/", views.coach_options, name="coach-options"),
    path("vandaag/", views.today, name="today"),
    path("nieuw/", views.participant_create, name="participant-create"),
    path("<id:pk>/", views.participant_detail, name="participant-detail"),
    path("<id:pk>/wijzigen/", views.participant_edit, name="participant-edit"),
    path("<id:pk>/intake/", views.intake_edit, name="intake-edit"),
    path("<id:pk>/gegevens/", views.participant_export, name="participant-export"),
    path("<id:pk>/anonimiseren/", views.participant_anonymise, name="participant-anonymise"),
    *record_urls("trajectory", views.trajectory_create, views.trajectory_edit),
    *record_urls("placement", views.placement_create, views.placement_edit),
    path("<id:pk>/placement/<id:record_pk>/wissel/", views.placement_switch, name="placement-switch"),
    path("<id:pk>/placement/<id:record_pk>/leermeester/", mentor.mentor_link, name="mentor-link"),
    path(
        "<id:pk>/placement/<id:record_pk>/leermeester/nieuw/",
        mentor.mentor_link_create,
        name="mentor-link-create",
    ),
    path(
        "<id:pk>/placement/<id:record_pk>/leermeester/intrekken/",
        mentor.mentor_link_revoke,
        name="mentor-link-revoke",
    ),
    *record_urls("entry", views.entry_create, views.entry_edit),
    path("<id:pk>/entry/<id:record_pk>/verwijderen/", views.entry_delete, name="entry-delete"),
    path("<id:pk>/signal/<id:record_pk>/sluiten/", views.signal_close, name="signal-close"),
    *record_urls("credential", views.credential_create, views.credential_edit),
    *record_urls("pause", views.pause_create, views.pause_edit),
    path("<id:pk>/pause/<id:record_pk>/beeindigen/", views.pause_end, name="pause-end"),
    *record_urls("dropout", views.dropout_create, views.dropout_edit),
    *record_urls("outflow", views.outflow_create, views.outflow_edit),
    *record_urls("reentry", views.reentry_create, views.reentry_edit),
    *record_urls("reminder", views.reminder_create, views.reminder_edit),
    path("<id:pk>/document/nieuw/", views.attachment_create, name="attachment-create"),
    path("<id:pk>/document/<id:record_pk>/", views.attachment_download, name="attachment-download"),
    path("<id:pk>/document/<id:record_pk>/verwijderen/", views.attachment_delete, name="attachment-delete"),
    *record_urls("supportneed", views.supportneed_create, views.supportneed_edit),
    path(
        "<id:pk>/supportneed/<id:record_pk>/afsluiten/", views.supportneed_settle, name="supportneed-settle"
    ),
    path("<id:pk>/reminder/<id:record_pk>/klaar/", views.reminder_done, name="reminder-done"),
    path(
        "<id:pk>/outflow/<id:record_pk>/nazorg/<int:months>/", views.followup_create, name="followup-create"
    ),
    path("register/import/", imports.import_upload, name="import"),
    path("register/import/<id:pk>/bevestigen/", imports.import_confirm, name="import-confirm"),
    path("register/import/<id:pk>/annuleren/", imports.import_cancel, name="import-cancel"),
    path("register/import/<id:pk>/koppelen/", imports.import_map, name="import-map"),
    path("register/export/", imports.export, name="export"),
    path("register/sjabloon/", imports.template, name="template"),
    path("groepslessen/", views.lesson_list, name="lesson-list"),
    path("groepslessen/nieuw/", views.lesson_edit, name="lesson-create"),
    path("groepslessen/<id:record_pk>/wijzigen/", views.lesson_edit, name="lesson-edit"),
    path("groepslessen/<id:record_pk>/", views.lesson_attendance, name="lesson-attendance"),
    path("leerwerkplekken/", views.learningplace_list, name="learningplace-list"),
    path("leerwerkplekken/nieuw/", views.learningplace_edit, name="learningplace-create"),
    path("leerwerkplekken/<id:record_pk>/", views.learningplace_edit, name="learningplace-edit"),
    path("leerroute/dossiers/", catalogue.qualification_list, name="qualification-list"),
    path("leerroute/dossiers/nieuw/", catalogue.qualification_edit, name="qualification-create"),
    path("leerroute/dossiers/<id:record_pk>/", catalogue.qualification_edit, name="qualification-edit"),
    path(
        "leerroute/dossiers/<id:record_pk>/werkproces/nieuw/",
        catalogue.work_process_edit,
        name="workprocess-create",
    ),
    path(
        "leerroute/dossiers/<id:record_pk>/werkproces/<id:wp_pk>/",
        catalogue.work_process_edit,
        name="workprocess-edit",
    ),
    path("leerroute/import/", catalogue.catalogue_import, name="catalogue-import"),
    path("leerroute/import/<id:pk>/bevestigen/", catalogue.catalogue_confirm, name="catalogue-confirm"),
    path("leerroute/import/<id:pk>/annuleren/", catalogue.catalogue_cancel, name="catalogue-cancel"),
    path("<id:pk>/leerroute/<id:trajectory_pk>/", learning.learning_page, name="learning"),
    path("<id:pk>/leerroute/<id:trajectory_pk>/doelen/", learning.goals_pick, name="goals-pick"),
    path(
        "<id:pk>/leerroute/<id:trajectory_pk>/observatie/nieuw/",
        learning.observation_create,
        name="observation-create",
    ),
    path("<id:pk>/leerdoel/<id:goal_pk>/", learning.goal_edit, name="goal-edit"),
    path("<id:pk>/leerroute/<id:trajectory_pk>/oordeel/", judgment.judgment_edit, name="judgment"),
    path("<id:pk>/oordeel/<id:record_pk>/pdf/", judgment.judgment_download, name="judgment-download"),
    path("<id:pk>/certificaat/", judgment.certificate_download, name="certificate-download"),
    path(
        "<id:pk>/observatie/<id:record_pk>/verwijderen/",
        learning.observation_delete,
        name="observation-delete",
    ),
    path("beheer/accounts/", views.user_list, name="user-list"),
    path("beheer/accounts/nieuw/", views.user_edit, name="user-create"),
    path("beheer/accounts/<id:user_pk>/", views.user_edit, name="user-edit"),
    path("beheer/aanmeldingen/", login_audit.failed_logins, name="failed-logins"),
    path("beheer/<str:kind>/", views.managed_list, name="managed-list"),
    path("beheer/<str:kind>/nieuw/", views.managed_edit, name="managed-create"),
    path("beheer/<str:kind>/<id:record_pk>/", views.managed_edit, name="managed-edit"),
]
