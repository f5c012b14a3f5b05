"""The only way a build reads anything while rendering: data: URLs and files in allowed folders.

Without this, a Markdown image or a CSS url() could make the renderer read any local file or
open any network address. Refusals are recorded and turned into diagnostics by the caller.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class GuardedFetcher(URLFetcher):
    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[tuple[str, str]] = []  # (url, reason)

    def allows(self, path: Path) -> bool:
        return any(path.is_relative_to(root) for root in self.roots)

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()  # resolve() follows symlinks
            if not self.allows(path):
                return self._refuse(url, "outside the content, layouts and fonts folders")
            try:
                body = path.read_bytes()
            except OSError as exc:
                return self._refuse(url, f"cannot be read: {exc.strerror or exc}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        return self._refuse(url, "a build never opens network connections")

    def _refuse(self, url: str, reason: str):
        self.refused.append((url, reason))
        raise ValueError(f"refused {url}: {reason}")
