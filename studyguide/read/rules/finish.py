"""The last touches to the cards any rule kept, forms found inside one card: a numbered question
that is a true/false statement, a `<details>` answer, and multiple choice (`A.` `B.` options, then
`答案：B`).
"""

from __future__ import annotations

from ..text import ANSWER_LABEL, strip_label
from . import choice, details, truefalse


def finish(cards: list[dict], language: str, declared: str) -> None:
    """Finishes the cards in place; `declared` is the format the author named, or `auto`."""
    for made in cards:
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
