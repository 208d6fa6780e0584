"""The text of a PDF, as a reader's copy-paste would give it (pypdf)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """Every page's text, pages separated by a blank line, whitespace runs collapsed."""
    pages = PdfReader(io.BytesIO(content)).pages
    return "\n\n".join(" ".join(page.extract_text().split()) for page in pages)


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
