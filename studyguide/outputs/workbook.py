"""out/workbook.pdf: title page, contents, questions with answer space, answer key."""

from __future__ import annotations

from ..layout.workbook import workbook_html
from ..printing.finish import finish_workbook
from . import Context, Plan


def plan(context: Context) -> Plan:
    html = workbook_html(context.layouts, context.views, context.meta, context.settings, context.language,
                         "workbook", font_url=context.font_url)

    def files(rendered):
        return {"workbook.pdf": finish_workbook(rendered["workbook"].pdf, context.meta, context.language)}

    return Plan([context.job("workbook", html)], files, pages=lambda r: {"workbook.pdf": r["workbook"].pages})
