"""The last touches to the cards any rule kept, forms found inside one card: a numbered question
that is a true/false statement, a `<details>` answer, and multiple choice (`A.` `B.` options, then
`答案：B`).
"""

from __future__ import annotations

import re

from ..text import ANSWER_LABEL, strip_label
from . import choice, details, truefalse

_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+(?=\S)")


def finish(cards: list[dict], language: str, declared: str) -> None:
    """Finishes the cards in place; `declared` is the format the author named, or `auto`."""
    for made in cards:
        question = made["question"]
        if question and (match := _HEADING_MARK.match(question[0][1])):
            # `1. ### What is a generator`: the item's heading marks are its question's markup
            made["question"] = [(question[0][0], question[0][1][match.end():])] + question[1:]
        if made["rule"] == "numbered":
            truefalse.convert(made, language)
        if details.unwrap(made):
            made["answer"] = _unlabel(made["answer"])
        if made["rule"] in ("numbered", "headings") and choice.recognise(made) or declared == "choice":
            made["answer"] = _unlabel(made["answer"])
            made["rule"] = choice.NAME


def _unlabel(answer: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The answer without the `答：` label its first line starts with."""
    if answer:
        text, _ = strip_label(answer[0][1].lstrip(), ANSWER_LABEL)
        answer = [(answer[0][0], text)] + answer[1:]
    return answer
