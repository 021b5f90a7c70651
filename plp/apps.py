"""The project app: the audit trail's model, login signals, commands that use both apps."""

from django.apps import AppConfig


class PlpConfig(AppConfig):
    name = "plp"

    def ready(self):
        from django.urls import register_converter

        from .converters import IdConverter

        register_converter(IdConverter, "id")

        from django.contrib.auth.signals import user_logged_out

        from .security import end_sessions_on_logout

        user_logged_out.connect(end_sessions_on_logout, dispatch_uid="plp-end-sessions")

        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed

        from .login_audit import on_locked_out, on_login_failed

        user_login_failed.connect(on_login_failed, dispatch_uid="plp-audit-login-failed")
        user_locked_out.connect(on_locked_out, dispatch_uid="plp-audit-locked-out")
