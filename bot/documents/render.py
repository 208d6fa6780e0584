"""Fill a document template (data/documents/templates, Jinja2) and print it to PDF with
WeasyPrint; certificates carry a QR code (segno). Fonts come from data/documents/fonts, so
nothing is fetched while printing. CPU-bound: callers run it in a thread."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import jinja2
import segno

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def roman_month(month: int) -> str:
    """The month in Roman numerals, as Indonesian letter numbers write it (12 -> XII)."""
    return ROMAN[month - 1]


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


class Printer:
    """One template folder; `pdf(kind, context)` prints `<kind>.html` with it."""

    def __init__(self, templates: Path) -> None:
        self._folder = templates
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    def page(self, name: str, context: dict[str, Any]) -> str:
        """An HTML page from the same folder (the public verification page)."""
        return self._env.get_template(f"{name}.html").render(context)

    def pdf(self, kind: str, context: dict[str, Any]) -> bytes:
        # Imported on first use: WeasyPrint takes ~0.7 s to import, which the bot's start-up
        # (and every chat-only process) would otherwise pay.
        from weasyprint import HTML  # noqa: PLC0415

        html = self._env.get_template(f"{kind}.html").render(context)
        out = io.BytesIO()
        HTML(string=html, base_url=str(self._folder) + "/").write_pdf(out)
        return out.getvalue()
