"""Images in rendered cards: the renderer points at files (file: URLs); an export that travels on
its own carries the files instead, as Anki media or as data: URLs inside the page."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from html import escape, unescape
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse
from urllib.request import url2pathname

from markupsafe import Markup

# the renderer writes every image as <img src="..." alt="...">, the URL HTML-escaped
_FILE_IMAGE = re.compile(r'(<img src=")(file:[^"]*)(")')


def image_files(html: str) -> list[Path]:
    """The local files the images of a rendered fragment show, in order, without repeats."""
    return list(dict.fromkeys(_path(match.group(2)) for match in _FILE_IMAGE.finditer(html)))


def replace_images(html: str, new_src: Callable[[Path], str]) -> Markup:
    """The fragment with each file: image URL replaced by `new_src(path)` (HTML-escaped)."""
    return Markup(_FILE_IMAGE.sub(lambda m: m.group(1) + escape(new_src(_path(m.group(2)))) + m.group(3), html))


def media_name(path: Path) -> str:
    """A name for the file in a flat media folder: its content's hash keeps names from clashing."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.stem}-{digest}{path.suffix.lower()}"


def data_url(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _path(url: str) -> Path:
    return Path(url2pathname(urlparse(unescape(url)).path))
