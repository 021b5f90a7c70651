"""The funder report as PDF (WeasyPrint through plp.pdf: static files only)."""

from plp.pdf import StaticOnlyFetcher, html_to_pdf

__all__ = ["StaticOnlyFetcher", "render_pdf"]


def render_pdf(context: dict) -> bytes:
    """Render the funder report as PDF bytes."""
    return html_to_pdf("reporting/report_pdf.html", context)
