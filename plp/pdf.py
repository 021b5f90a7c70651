"""PDF rendering with WeasyPrint, allowed to read only the app's own static files."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_ROOT = (Path(settings.BASE_DIR) / "static").resolve()


# In-memory resources a document may use (an edition's logo): `plp-resource:<name>`.
RESOURCE_SCHEME = "plp-resource"


class StaticOnlyFetcher(URLFetcher):
    """Serves file:// URLs inside static/ (CSS, fonts, images) and the in-memory
    `resources` given by name (plp-resource:<name>, e.g. an uploaded logo, checked on
    upload), and refuses everything else: other files, http(s), data from elsewhere.
    No network, so no redirects."""

    def __init__(self, resources: dict[str, tuple[bytes, str]] | None = None):
        super().__init__(allowed_protocols=["file", RESOURCE_SCHEME], allow_redirects=False)
        self.resources = resources or {}

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == RESOURCE_SCHEME and parts.path in self.resources:
            content, mime = self.resources[parts.path]
            return URLFetcherResponse(url, content, {"Content-Type": mime})
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Refused to load {url!r}: only the app's static files may be used.")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(STATIC_ROOT) or not path.is_file():
            raise ValueError(f"Refused to load {url!r}: outside the app's static files.")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})


def html_document(html: str, resources: dict[str, tuple[bytes, str]] | None = None) -> HTML:
    """A WeasyPrint document of `html` that may use only files under static/ (and the
    named in-memory `resources`)."""
    return HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=StaticOnlyFetcher(resources))


def html_to_pdf(template: str, context: dict, resources: dict[str, tuple[bytes, str]] | None = None) -> bytes:
    """Render a template to PDF bytes; it may use only files under static/ and `resources`."""
    return html_document(render_to_string(template, context), resources).write_pdf()
