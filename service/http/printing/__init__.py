"""The printable forms as PDF, for the pages and the API alike (neither imports the other).

queries/print_forms.py says what a form holds; the templates under http/web/templates/print lay it
out for A4; WeasyPrint turns that HTML and CSS into PDF with pango, so Chinese text is shaped and
embedded from the system's CJK font (fonts-noto-cjk).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from flask import Response, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from service.persistence.models import ProcessInstance
from service.queries.print_forms import FORM_TITLES, print_form

PDF_MIMETYPE = "application/pdf"
FORM_KINDS = tuple(FORM_TITLES)

# WeasyPrint reports every CSS property it skips as a warning; the forms' CSS is ours and fixed.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def refusing_fetcher() -> URLFetcher:
    """A fetcher that fetches nothing: the forms carry their own CSS and use the system's fonts,
    so no text a user typed can make the renderer open a file or a URL."""
    return URLFetcher(allowed_protocols=())


def render_pdf(row: ProcessInstance, kind: str) -> bytes:
    """The PDF of form `kind` of the visible case `row` (NotFound when the case has no such form)."""
    form = print_form(row, kind)
    html = render_template(f"print/{kind}.html", form=form)
    pdf: bytes = HTML(string=html, url_fetcher=refusing_fetcher()).write_pdf()
    return pdf


def pdf_response(row: ProcessInstance, kind: str) -> Response:
    """The form shown in the browser (inline), saved as 审批表-<case>.pdf (approval-<case>.pdf for
    a client that reads no UTF-8 file names). Personal data: kept in no shared cache."""
    pdf = render_pdf(row, kind)
    response = Response(pdf, mimetype=PDF_MIMETYPE)
    response.headers["Content-Disposition"] = (
        f'inline; filename="{kind}-{row.id}.pdf"; '
        f"filename*=UTF-8''{quote(f'{FORM_TITLES[kind]}-{row.id}.pdf')}")
    response.headers["Cache-Control"] = "private, no-store"
    return response
