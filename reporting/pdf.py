"""The funder report as PDF (WeasyPrint through plp.pdf: static files only)."""

from plp.pdf import RESOURCE_SCHEME, StaticOnlyFetcher, html_to_pdf

__all__ = ["REPORT_TEMPLATE", "StaticOnlyFetcher", "render_pdf", "with_resources"]
REPORT_TEMPLATE = "reporting/report_pdf.html"


def with_resources(context: dict) -> tuple[dict, dict]:
    """The report's context and the in-memory files WeasyPrint may read besides static/:
    an edition's logo, handed over through the restricted fetcher (never a file path)."""
    edition = context.get("edition")
    if edition is None or not edition.logo:
        return context, {}
    resources = {"logo": (bytes(edition.logo), edition.logo_type)}
    return {**context, "logo_url": f"{RESOURCE_SCHEME}:logo"}, resources


def render_pdf(context: dict) -> bytes:
    """Render the funder report as PDF bytes."""
    context, resources = with_resources(context)
    return html_to_pdf(REPORT_TEMPLATE, context, resources)
