"""out/quiz.pdf and out/quiz-key.pdf: questions drawn from the chosen chapters, and their answers.

The same seed draws the same questions in the same order, so a teacher can print the quiz again.
"""

from __future__ import annotations

from ..i18n import css_string, strings
from ..geometry.paper import parse_paper
from ..layout.workbook import LINE_PITCH_MM, margins_for, with_answer_lines
from ..select import draw_quiz
from . import Context, Plan


def plan(context: Context) -> Plan:
    settings = context.settings
    order = [card.anchor for card in draw_quiz(context.guide, settings.build.quiz, settings.build.seed)]
    views = {view.card.anchor: view for chapter in with_answer_lines(context.views, settings)
             for view in chapter.cards}
    items = [views[anchor] for anchor in order]
    paper = parse_paper(settings.workbook.paper)
    words = strings(context.language)
    css = dict(paper=paper, margins=margins_for(paper), duplex=False, content_height_mm=0, page_numbers=None,
               body_size_pt=10.5 if paper.width_mm >= 170 else 9.5, line_pitch_mm=LINE_PITCH_MM,
               footer=css_string(words["page_of"], page="counter(page)", pages="counter(pages)"))
    stylesheet = context.layouts.stylesheet("fonts.css.j2", "typography.css", "workbook.css.j2",
                                            font_url=context.font_url, **css) + "\n" + context.code_css
    jobs = []
    for key in (False, True):
        html = context.layouts.render("quiz.html.j2", language=context.language, meta=context.print_meta,
                                      words=words, items=items, key=key, stylesheet=stylesheet,
                                      answer_space=settings.workbook.answer_space, line_pitch_mm=LINE_PITCH_MM)
        jobs.append(context.job("quiz:key" if key else "quiz", html, label="quiz answers" if key else "quiz"))

    def files(rendered):
        from ..printing.finish import with_info

        return {"quiz.pdf": with_info(rendered["quiz"].pdf, context.info()),
                "quiz-key.pdf": with_info(rendered["quiz:key"].pdf, context.info())}

    return Plan(jobs, files, pages=lambda r: {"quiz.pdf": r["quiz"].pages, "quiz-key.pdf": r["quiz:key"].pages},
                cards={"quiz.pdf": len(items), "quiz-key.pdf": len(items)})
