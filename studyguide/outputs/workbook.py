"""The workbook editions: out/handout.pdf, out/workbook.pdf (with the answer key), out/teacher.pdf,
and, when asked, out/handout-booklet.pdf (the handout on A5, imposed for saddle stitching).

WeasyPrint writes the metadata (title, author, subject, keywords, creator, dates, language)
from the HTML head, the bookmarks from CSS, and the page numbers from CSS counters, so a
one-document edition needs no work after layout.
"""

from __future__ import annotations

from .. import __version__
from ..layout.paper import PAPERS
from ..layout.workbook import edition_html, whole, with_answer_lines
from ..printing.impose import booklet
from . import Context, Plan

BOOKLET_KEY = "workbook:handout:a5"


def plan(context: Context) -> Plan:
    settings = context.settings
    chapters = whole(with_answer_lines(context.views, settings))
    variant = settings.workbook.pdf_variant
    jobs = []
    for edition in settings.workbook.editions:
        html = edition_html(context.layouts, chapters, context.meta, settings, context.language, edition,
                            context.font_url)
        jobs.append(context.job(f"workbook:{edition}", html, variant=variant))
    if settings.workbook.booklet:
        html = edition_html(context.layouts, chapters, context.meta, settings, context.language, "handout",
                            context.font_url, paper=PAPERS["a5"])
        jobs.append(context.job(BOOKLET_KEY, html))

    def files(rendered):
        result = {f"{edition}.pdf": rendered[f"workbook:{edition}"].pdf for edition in settings.workbook.editions}
        if settings.workbook.booklet:
            meta = context.meta
            result["handout-booklet.pdf"] = booklet(rendered[BOOKLET_KEY].pdf, {
                "/Title": meta.title, "/Author": meta.author, "/Subject": meta.subject,
                "/Creator": f"studyguide {__version__}"})
        return result

    def pages(rendered):
        counts = {f"{e}.pdf": rendered[f"workbook:{e}"].pages for e in settings.workbook.editions}
        if settings.workbook.booklet:
            counts["handout-booklet.pdf"] = (rendered[BOOKLET_KEY].pages + 3) // 4 * 2
        return counts

    return Plan(jobs, files, pages=pages)
