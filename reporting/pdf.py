"""The funder report as PDF (WeasyPrint through plp.pdf: static files only)."""

from plp.pdf import StaticOnlyFetcher, html_to_pdf

__all__ = ["REPORT_TEMPLATE", "StaticOnlyFetcher", "render_pdf"]
REPORT_TEMPLATE = "reporting/report_pdf.html"


def render_pdf(context: dict) -> bytes:
    """Render the funder report as PDF bytes."""
    return html_to_pdf(REPORT_TEMPLATE, context)
