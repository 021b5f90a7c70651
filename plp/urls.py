"""The site's URLs: the two apps, login and two-step login, passkeys, error handlers."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import accounts, landing, passkeys

handler500 = "plp.errors.server_error"

urlpatterns = [
    path("", landing.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord/klaar/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("login/tweestaps/", accounts.otp_verify, name="otp-verify"),
    path("login/tweestaps/instellen/", accounts.otp_setup, name="otp-setup"),
    path("login/passkey/", include(passkeys)),
    path("taal/", login_not_required(set_language), name="set_language"),
    path("deelnemers/", include("participants.urls")),
    # The workplace mentor's page: no login, the token in the path (never logged).
    path("leermeester/", include("participants.mentor_urls")),
    path("rapportage/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
