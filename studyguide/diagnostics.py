"""Every finding the compiler can report, by code. The README's table is generated from this."""

from __future__ import annotations

from .model import Diagnostic, Location, Severity

# code: (severity, one-line summary for the README)
CODES: dict[str, tuple[Severity, str]] = {
    # reading files
    "SG101": (Severity.ERROR, "a file cannot be read (missing, unreadable, a folder, or a content file over 1 MB)"),
    "SG102": (Severity.WARNING, "a file is not UTF-8; it was decoded as GB 18030 (GBK)"),
    "SG103": (Severity.ERROR, "a file is neither UTF-8 nor GB 18030 text"),
    "SG104": (Severity.NOTE, "a file has CRLF or CR line endings (read as LF)"),
    "SG105": (Severity.ERROR, "front matter is not valid YAML (aliases included), or has a value of the wrong type"),
    "SG106": (Severity.WARNING, "a file holds no text"),
    "SG107": (Severity.ERROR, "no Markdown files were found at the given path"),
    "SG108": (Severity.ERROR, "the content holds no questions at all"),
    "SG109": (Severity.ERROR, "a content file is a link to a file outside the content folder, or a folder in it is a link"),
    "SG110": (Severity.ERROR, "the fonts folder, or a font in it, is missing, not a font, or a link out of the folder"),
    "SG111": (Severity.WARNING, "a content folder is named like a Markdown file (x.md)"),
    "SG112": (Severity.ERROR, "a marker written as a regular expression takes too long on a line of the file"),
    # structure
    "SG201": (Severity.WARNING, "a chapter or a file holds no questions; it is not printed"),
    "SG202": (Severity.WARNING, "two chapters have the same number"),
    "SG203": (Severity.NOTE, "a section holds no questions and answers: inside a chapter it is shown with the "
                             "chapter's notes, outside one (a wrapper heading, an appendix) it is not printed"),
    "SG204": (Severity.NOTE, "text before the first question of a chapter is shown as chapter notes"),
    # cards
    "SG205": (Severity.NOTE, "of two readings of a section or a card, one was chosen: the note says which, and the "
              "`format:` to write for the other"),
    "SG301": (Severity.WARNING, "a question has no answer"),
    "SG302": (Severity.WARNING, "an answer looks like the next question"),
    "SG303": (Severity.WARNING, "a question number is used twice in a chapter"),
    "SG304": (Severity.WARNING, "question numbers skip"),
    "SG305": (Severity.WARNING, "text could not be placed in any card or chapter (it comes before the first "
                                "chapter heading); it is not printed"),
    "SG306": (Severity.WARNING, "a fenced code block is never closed, so the text after it is shown as code"),
    "SG307": (Severity.ERROR, "lists or quotes nest so deeply that the text inside cannot be read"),
    "SG308": (Severity.ERROR, "a paragraph holds more cloze deletions than it may make cards (50), or a file's cloze "
                              "cards would repeat their paragraphs past 2,000,000 characters"),
    # characters and fonts
    "SG401": (Severity.ERROR, "a character is in no installed font (the regional Noto CJK face, the emoji "
                              "font, or the bundled fonts)"),
    "SG402": (Severity.WARNING, "an invisible control or format character"),
    "SG403": (Severity.NOTE, "a bullet or tick pasted from a Word symbol font (a private-use character) is "
                             "printed as the character it shows in Word (•, ▪ or ✓)"),
    "SG404": (Severity.NOTE, "the Noto CJK fonts are not installed, so Traditional Chinese, Japanese or Korean "
                             "text is set in the bundled Simplified Chinese fonts"),
    "SG405": (Severity.WARNING, "an emoji, and no emoji font is installed: it prints as an empty box"),
    # links, images, maths and layouts
    "SG501": (Severity.NOTE, "link-like text whose target is not a URL is shown as text"),
    "SG502": (Severity.WARNING, "an image that cannot be used (remote, outside the content folder, missing, not an "
                                "image, more than 30 million pixels or 64 MB) is shown as text"),
    "SG503": (Severity.ERROR, "a layout, stylesheet or SVG image asked for a file or URL outside the allowed folders"),
    "SG504": (Severity.WARNING, "maths that cannot be typeset (unreadable TeX, a character no font has) is shown as TeX"),
    "SG505": (Severity.ERROR, "a layout template cannot be read, fails, or does what its sandbox forbids"),
    "SG506": (Severity.NOTE, "HTML in the content (`<script>`, `<iframe>`, `<table>` …) is shown as text, never run"),
    "SG507": (Severity.WARNING, "a guide's layout holds a script or a remote address, which the HTML pages never run or load"),
    # layout
    "SG601": (Severity.WARNING, "a flashcard's text does not fit its card even at the smallest size"),
    # writing
    "SG701": (Severity.ERROR, "the output folder, or an output in it, cannot be written; no output is replaced"),
    "SG702": (Severity.NOTE, "a build was killed while it replaced the outputs; this run finished or undid the "
                             "switch, so the outputs are all from one build"),
}


def finding(code: str, message: str, location: Location | None = None, hint: str = "",
            severity: Severity | None = None) -> Diagnostic:
    """A Diagnostic for a registered code, with the code's default severity."""
    default, _ = CODES[code]
    return Diagnostic(severity if severity is not None else default, code, message, location, hint)


def readme_table() -> str:
    """The code table of the README's "Diagnostics" section (a test keeps the two the same)."""
    rows = ["| Code | Severity | What it means |", "| --- | --- | --- |"]
    rows += [f"| {code} | {severity} | {summary} |" for code, (severity, summary) in sorted(CODES.items())]
    return "\n".join(rows)
