"""HTML to a laid-out WeasyPrint document, and that document to PDF bytes."""

from __future__ import annotations

import logging
from pathlib import Path

from .libraries import quick_library_lookup

with quick_library_lookup():  # WeasyPrint loads Pango, HarfBuzz and fontconfig as it is imported
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

from .fetch import GuardedFetcher


class RenderLog(logging.Handler):
    """WeasyPrint reports problems only through logging; we keep them to show the user."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class Printer:
    """Renders HTML with one font configuration, reading only files under `roots`."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = tuple(str(root) for root in roots)
        self.fetcher = GuardedFetcher(roots)
        self.font_config = FontConfiguration()
        self.log = RenderLog()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(self.log)
        logger.propagate = False

    def render(self, html: str, base_url: Path):
        """A laid-out document (pages, anchors, links), ready to write."""
        document = HTML(string=html, base_url=str(base_url), url_fetcher=self.fetcher)
        return document.render(font_config=self.font_config)

    def pdf(self, document, identifier: bytes, variant: str | None = None) -> bytes:
        options = {"pdf_identifier": identifier, "uncompressed_pdf": False}
        if variant:
            options["pdf_variant"] = variant
        return document.write_pdf(**options)
