"""The report's URLs, namespaced `reporting:`."""

from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("herkomst/", views.trace, name="trace"),
    path("overzicht/", views.dashboard, name="dashboard"),
    path("edities/", views.edition_list, name="edition-list"),
    path("edities/nieuw/", views.edition_edit, name="edition-create"),
    path("edities/<int:pk>/", views.edition_detail, name="edition-detail"),
    path("edities/<int:pk>/wijzigen/", views.edition_edit, name="edition-edit"),
    path("edities/<int:pk>/pdf/", views.edition_pdf, name="edition-pdf"),
    path("edities/<int:pk>/pdf/maken/", views.pdf_job_create, name="pdf-job-create"),
    path("pdf/<int:pk>/", views.pdf_job, name="pdf-job"),
    path("pdf/<int:pk>/download/", views.pdf_job_download, name="pdf-job-download"),
    path("edities/<int:pk>/json/", views.edition_json, name="edition-json"),
    path("edities/<int:pk>/definitief/", views.edition_finalise, name="edition-finalise"),
    path("edities/<int:pk>/<str:kind>/nieuw/", views.item_edit, name="item-create"),
    path("edities/<int:pk>/<str:kind>/<int:item_pk>/", views.item_edit, name="item-edit"),
    path("projectjaren/nieuw/", views.project_year_edit, name="projectyear-create"),
    path("projectjaren/<int:pk>/", views.project_year_edit, name="projectyear-edit"),
]
