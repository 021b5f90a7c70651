"""The language of each request: Dutch unless the user chose another."""

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Dutch unless the user picked another language (the language cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the
    programme works in Dutch, whatever language the phone at the workplace is set to.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
