"""The images a guide may show: files inside its content folders, of a type we print, small enough
to decode, and SVGs that refer to nothing outside. Used when checking a guide and when rendering
it, the same rules in both."""

from __future__ import annotations

import functools
import html
import io
import os
import re
from pathlib import Path

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
# Decoded, an image takes 4 bytes a pixel, and the renderer holds more than one copy: 30 million
# pixels (a 6000 x 5000 photograph) is bigger than any page needs, and safe to hold in memory. A
# PNG of 12000 x 12000 pixels packs into half a megabyte; it would take gigabytes.
MAX_PIXELS = 30_000_000
# bytes in an image file: a 30-million-pixel photograph takes a few dozen MB, and the renderer reads
# an image whole (a 2 GB file of nothing after a sound header would fill the memory)
MAX_IMAGE_BYTES = 64 << 20


@functools.lru_cache(maxsize=256)
def _pixels_of_file(path: str, _mtime_ns: int, _size: int, only_images: bool = True) -> None:
    """ValueError if the image cannot be read or is too big (once per file and version of it).
    With `only_images` false, a file that is no image is let be (an SVG's font, say)."""
    with open(path, "rb") as stream:
        _check_pixels(stream, only_images)


def _check_pixels(stream, only_images: bool = True) -> None:
    """Reads the image's header first: its size is known before any pixel is decoded. Then, if it
    is not too big, decodes it whole, since a file cut short (a PNG or GIF whose download stopped)
    has a sound header and would print half black."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PIL's own decompression-bomb warning: we say it better
        try:
            image = Image.open(stream)
        except Image.DecompressionBombError as exc:
            raise ValueError(f"the image is too big to print: {_dimensions(exc)}more than the "
                             f"{MAX_PIXELS // 1_000_000} million allowed") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            if not only_images:
                return
            raise ValueError("the file is not an image that can be read (damaged, or another format "
                             "under an image's name)") from None
        with image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValueError(f"the image is too big to print: {width} x {height} pixels, more than the "
                                 f"{MAX_PIXELS // 1_000_000} million allowed")
            try:
                image.load()
            except (OSError, SyntaxError, ValueError, EOFError):
                raise ValueError("the file is not an image that can be read: it is damaged or cut short, "
                                 "so only part of it would print") from None


class SvgReference(ValueError):
    """An SVG image that refers to something the build may not read (SG503, not SG502)."""

    kind = "svg"


_SVG_REFERENCE = re.compile(r"""(?:\b(?:href|src)\s*=\s*["']\s*([^"']*)["']|url\(\s*["']?([^"')]*)|@import\s+["']([^"']*))""")


@functools.lru_cache(maxsize=256)
def _svg_references(path: str, _mtime_ns: int, roots: tuple[str, ...], _inside: tuple[str, ...] = ()) -> None:
    """SvgReference for the first thing an SVG refers to that the renderer would refuse, so the
    author hears of it at the line that shows the image, before anything is rendered; ValueError
    for an SVG that would cost too much to draw. What it shows is checked as an image in the
    Markdown is: an SVG it shows (`_inside` holds the SVGs showing this one, so a loop ends),
    a picture's pixels, a `data:` picture's too."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ValueError(f"the image cannot be read: {exc.strerror or exc}") from None
    if "<!ENTITY" in text:
        raise SvgReference("the SVG declares XML entities, which may read other files; remove its <!DOCTYPE …> part")
    root = _svg_tree(text)
    for match in _SVG_REFERENCE.finditer(text):
        # as the renderer reads it: `&#102;ile:` is `file:`
        target = html.unescape(next(group for group in match.groups() if group is not None)).strip()
        if not target or target.startswith("#"):
            continue
        if target.lower().startswith("data:"):
            _svg_shows(target, lambda: _data_pixels(target))
            continue
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("//"):
            raise SvgReference(f"the SVG refers to `{target}`: a build never opens network connections or "
                               "reads files by URL")
        inner = Path(os.path.realpath(Path(path).parent / target.split("#")[0]))
        if not any(inner.is_relative_to(root) for root in roots):
            raise SvgReference(f"the SVG refers to `{target}`, which is outside the content folder")
        if not inner.is_file():
            raise SvgReference(f"the SVG refers to `{target}`, which does not exist beside it")
        if str(inner) != path and str(inner) not in _inside:
            stat = inner.stat()
            if _is_svg(inner):
                if len(_inside) >= MAX_SVG_DEPTH:
                    raise ValueError(f"the SVG shows SVGs that show SVGs more than {MAX_SVG_DEPTH} deep")
                _svg_shows(target, lambda: _svg_references(str(inner), stat.st_mtime_ns, roots, (*_inside, path)))
            else:
                _svg_shows(target, lambda: _pixels_of_file(str(inner), stat.st_mtime_ns, stat.st_size, False))
    if _svg_drawn(root) > MAX_SVG_SHAPES:
        raise ValueError(f"the SVG is too big to print: its <use> elements draw more than the {MAX_SVG_SHAPES:,} "
                         "shapes a picture may have")


# The shapes an SVG may draw, counting each one a <use> repeats: nine levels of groups that each
# <use> the one below ten times are a kilobyte, and would draw a billion shapes.
MAX_SVG_SHAPES = 200_000
MAX_SVG_DEPTH = 10


def _svg_tree(text: str):
    """The SVG's elements, read as the renderer reads them; ValueError where it cannot be, since
    the renderer would leave the picture out without a word."""
    from xml.etree import ElementTree

    try:
        return ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        line, column = exc.position
        raise ValueError(f"the file is not an SVG image that can be read: its XML is broken at line {line}, "
                         f"column {column + 1} (damaged, cut short, or another format under an SVG's name)") from None


def _svg_drawn(root) -> int:
    """How many elements drawing the SVG visits: each element once, and what each <use> shows
    again (a <use> that shows itself, or what holds it, draws nothing more)."""
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    weights: dict[int, int] = {}

    def weight(element) -> int:
        key = id(element)
        if key in weights:
            return weights[key]
        weights[key] = 0  # while it is being counted: a loop back to it adds nothing
        total = 1 + sum(weight(child) for child in element)
        if element.tag.rpartition("}")[2] == "use":
            href = element.get("href") or element.get("{http://www.w3.org/1999/xlink}href") or ""
            shown = by_id.get(href[1:]) if href.startswith("#") else None
            total += weight(shown) if shown is not None else 0
        weights[key] = min(total, MAX_SVG_SHAPES + 1)
        return weights[key]

    try:
        return weight(root)
    except RecursionError:  # elements nested a thousand deep: the renderer would recurse as deep
        raise ValueError("the file is not an SVG image that can be printed: its elements nest too deeply") from None


def _is_svg(path: Path) -> bool:
    """Whether the renderer reads the file as SVG: by its name, or by the `<` it starts with."""
    if path.suffix.lower() in (".svg", ".svgz"):
        return True
    with open(path, "rb") as stream:
        return stream.read(256).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _svg_shows(target: str, check) -> None:
    """ValueError naming what the SVG shows, when `check` finds that picture unusable."""
    try:
        check()
    except ValueError as exc:
        raise type(exc)(f"the SVG shows `{target[:40]}`, and {exc}") from None  # SvgReference stays one


def _data_pixels(target: str) -> None:
    """A `data:` picture inside an SVG, checked as one in the Markdown is."""
    import base64
    import binascii

    from urllib.parse import unquote_to_bytes

    head, _, data = target.partition(",")
    if not head.lower().startswith("data:image/"):
        return
    try:
        raw = base64.b64decode(data, validate=False) if head.lower().endswith(";base64") else unquote_to_bytes(data)
    except (binascii.Error, ValueError):
        return
    if not head.lower().startswith("data:image/svg"):
        _check_pixels(io.BytesIO(raw), only_images=False)
        return
    text = raw.decode("utf-8", errors="replace")
    if "<!ENTITY" in text:
        raise ValueError("it declares XML entities")
    if _svg_drawn(_svg_tree(text)) > MAX_SVG_SHAPES:
        raise ValueError(f"it is too big to print: its <use> elements draw more than {MAX_SVG_SHAPES:,} shapes")


def _dimensions(exc: Exception) -> str:
    import re

    found = re.search(r"\((\d+) pixels\)", str(exc))
    return f"{int(found.group(1)):,} pixels, " if found else ""


def image_hint(reason: str) -> str:
    """How to fix an image refused for `reason`."""
    if "<use>" in reason or " deep" in reason:
        return "draw it with fewer repeated parts, or save it as a PNG"
    if "too big" in reason:
        return "scale it down: a printed page needs no more than about 3000 pixels across"
    if "not an SVG image" in reason:
        return "save it again from a drawing program as plain SVG, or as PNG"
    if "not an image" in reason:
        return "save it again as PNG or JPEG from an image editor"
    return "put the image file inside the content folder and link it by a relative path"


class ImageRules:
    """Whether an image may be used, for the chapter in `chapter_dir`; images must sit inside one
    of `roots` (the content folders)."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [root.resolve() for root in roots]
        self.chapter_dir: Path | None = None

    def resolve(self, target: str) -> str:
        """The file URL of an image next to the chapter, or ValueError saying why it may not be used."""
        if target.lower().startswith("data:image/"):
            if ";base64," in target[:64].lower():
                import base64
                import binascii

                try:
                    data = base64.b64decode(target.split(",", 1)[1], validate=False)
                except (binascii.Error, ValueError):
                    raise ValueError("the data: URL is not valid base64") from None
                _check_pixels(io.BytesIO(data))
            return target
        if "://" in target or target.lower().startswith(("file:", "data:", "//")):
            raise ValueError("only images inside the content folder are used; remote and file: URLs are not")
        if self.chapter_dir is None:
            raise ValueError("no chapter file to resolve the image against")
        path = Path(os.path.realpath(self.chapter_dir / target))  # never raises, even for a link loop
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError("the image is outside the content folder")
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            raise ValueError(f"{path.suffix or 'a file without suffix'} is not an image type we print "
                             "(png, jpg, gif, svg, webp)")
        if not path.is_file():
            raise ValueError("the image is a folder, a pipe or a device, not a file" if path.exists()
                             else "the image file does not exist")
        stat = path.stat()
        if stat.st_size > MAX_IMAGE_BYTES:
            raise ValueError(f"the image file is too big to print: {stat.st_size / (1 << 20):,.0f} MB, more "
                             f"than the {MAX_IMAGE_BYTES >> 20} MB allowed")
        if path.suffix.lower() == ".svg":
            _svg_references(str(path), stat.st_mtime_ns, tuple(str(root) for root in self.roots))
        else:
            _pixels_of_file(str(path), stat.st_mtime_ns, stat.st_size)
        return path.as_uri()
