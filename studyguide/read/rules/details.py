"""`<details><summary>答案</summary> … </details>` under a question: the block's content is the
answer, and the wrapper is markup. Applied to the cards any rule made.
"""

from __future__ import annotations

import re

NAME = "details"
_OPEN = re.compile(r"^\s*<details(?:\s[^>]*)?>\s*(?:<summary>.*?</summary>)?\s*", re.IGNORECASE)
_SUMMARY = re.compile(r"^\s*<summary>.*?</summary>\s*", re.IGNORECASE)
CLOSE = re.compile(r"\s*</details>\s*$", re.IGNORECASE)
_PARAGRAPH = re.compile(r"^\s*</?p>\s*$", re.IGNORECASE)  # `<p>` lines some collections wrap answers in
_LABEL_HEADING = re.compile(r"^\s*#{1,6}\s+(?=(?:answer|答案|参考答案|解答)\b)", re.IGNORECASE)


def holds(lines) -> bool:
    return any(_OPEN.match(text) for _, text in lines)


def unwrap(made: dict) -> bool:
    """Take the `<details>` wrapper out of a card; the question's own text before it stays."""
    question, answer = made["question"], made["answer"]
    at = next((k for k, (_, text) in enumerate(question) if _OPEN.match(text)), None)
    if at is not None:  # the wrapper was read into the question: what follows it is the answer
        question, answer = question[:at], question[at:] + answer
    if not holds(answer):
        return False
    at = next(k for k, (_, text) in enumerate(answer) if _OPEN.match(text))
    question, answer = question + answer[:at], answer[at:]  # code and options before it ask
    while question and not question[-1][1].strip():
        question = question[:-1]
    out = []
    for n, text in answer:
        if _OPEN.match(text):
            text = _OPEN.sub("", text)
        elif _SUMMARY.match(text):
            text = _SUMMARY.sub("", text)
        text = _LABEL_HEADING.sub("", _PARAGRAPH.sub("", CLOSE.sub("", text)))
        out.append((n, text))
    while out and not out[0][1].strip():
        out.pop(0)
    while out and not out[-1][1].strip():
        out.pop()
    made["question"], made["answer"] = question, out
    return True
