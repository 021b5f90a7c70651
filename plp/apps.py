from django.apps import AppConfig


class PlpConfig(AppConfig):
    name = "plp"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from .security import end_sessions_on_logout

        user_logged_out.connect(end_sessions_on_logout, dispatch_uid="plp-end-sessions")
