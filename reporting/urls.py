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
    path("edities/<id:pk>/", views.edition_detail, name="edition-detail"),
    path("edities/<id:pk>/wijzigen/", views.edition_edit, name="edition-edit"),
    path("edities/<id:pk>/pdf/", views.edition_pdf, name="edition-pdf"),
    path("edities/<id:pk>/pdf/maken/", views.pdf_job_create, name="pdf-job-create"),
    path("pdf/<id:pk>/", views.pdf_job, name="pdf-job"),
    path("pdf/<id:pk>/download/", views.pdf_job_download, name="pdf-job-download"),
    path("edities/<id:pk>/json/", views.edition_json, name="edition-json"),
    path("edities/<id:pk>/definitief/", views.edition_finalise, name="edition-finalise"),
    path("edities/<id:pk>/<str:kind>/nieuw/", views.item_edit, name="item-create"),
    path("edities/<id:pk>/<str:kind>/<id:item_pk>/", views.item_edit, name="item-edit"),
    path("projectjaren/nieuw/", views.project_year_edit, name="projectyear-create"),
    path("projectjaren/<id:pk>/", views.project_year_edit, name="projectyear-edit"),
]
