"""The only way a build reads anything while rendering: data: URLs and files in allowed folders.

Without this, a Markdown image or a CSS url() could make the renderer read any local file or
open any network address. Refusals are recorded and turned into diagnostics by the caller.
"""

from __future__ import annotations

import mimetypes
import os
import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

# bytes of any one file the renderer reads: a content image is refused at half this before any
# rendering (layout/content.py), and the system's biggest CJK font files are about 30 MB
LIMIT = 128 << 20


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
                body, why = _read(path)
            except OSError as exc:
                return self._refuse(url, f"cannot be read: {exc.strerror or exc}")
            if why:
                return self._refuse(url, why)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        return self._refuse(url, "a build never opens network connections")

    def _refuse(self, url: str, reason: str):
        self.refused.append((url, reason))
        raise ValueError(f"refused {url}: {reason}")


def _read(path: Path) -> tuple[bytes, str]:
    """A regular file's bytes, or why they are not read: a FIFO or device is never opened (a FIFO
    would wait for ever, /dev/zero never ends), and a file is read only up to LIMIT, never whole."""
    too_big = f"is more than {LIMIT >> 20} MB"
    if not stat.S_ISREG(os.stat(path).st_mode):
        return b"", "is not a regular file"
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # swapped for a FIFO since: no waiting
    with open(descriptor, "rb") as stream:
        found = os.fstat(stream.fileno())
        if not stat.S_ISREG(found.st_mode):
            return b"", "is not a regular file"
        if found.st_size > LIMIT:
            return b"", too_big
        body = stream.read(LIMIT + 1)  # a file still growing stops at the limit too
    return (b"", too_big) if len(body) > LIMIT else (body, "")
