"""The workplace mentor's pages (no login), namespaced `mentor:`; the token is the path's
last part (plp.logfilters keeps it out of the logs)."""

from django.urls import path

from .views import mentor

app_name = "mentor"

urlpatterns = [
    path("<str:token>/", mentor.mentor_page, name="page"),
    path("<str:token>/waarneming/", mentor.mentor_observation, name="observation"),
    path("<str:token>/hoe-gaat-het/", mentor.mentor_checkin, name="checkin"),
]
