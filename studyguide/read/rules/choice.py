"""Multiple choice: options `A. …` `B、…` `(C) …` stay on the question side, and the answer is
what follows `答案：B` / `Answer: B`, explanation included. Applied to the cards any rule made.
"""

from __future__ import annotations

import re

NAME = "choice"
OPTION = re.compile(r"^\s*(?:[-*+]\s+)?(?:[(（][A-Ha-h][)）]|[A-H]\s*[.．、)）:：])\s*\S")
KEY = re.compile(r"^\s*(?:\*\*|__)?(?:参考答案|答案|正确答案|Answer|Correct answer|Key)\s*(?:\*\*|__)?\s*[:：]"
                 r"\s*(?:\*\*|__)?\s*[(（]?[A-H](?:\s*[,，、]?\s*[A-H])*\b", re.IGNORECASE)


def options(lines) -> int:
    return sum(1 for _, text in lines if OPTION.match(text))


def regroup(made: dict) -> bool:
    """Options read into the answer go back to the question, up to the `答案：B` line."""
    answer = made["answer"]
    key = next((k for k, (_, text) in enumerate(answer) if KEY.match(text)), None)
    if key is None or options(answer[:key]) < 2:
        return False
    if any(text.strip() and not OPTION.match(text) for _, text in answer[:key]
           if not re.match(r"^\s*(?:[-*+]\s+)?[A-H]\s*$", text)):
        # prose between the options and the key: it is explanation, not options, when it
        # follows the last option; keep it simple and leave such cards as they are
        return False
    options_start = next(n for n, text in answer if text.strip())
    # the author's paragraph break between the question and its options stays, as in a card
    # whose options were read on the question side to begin with
    gap = [(options_start - 1, "")] if answer[0][1].strip() and options_start > made["question"][-1][0] + 1 else []
    made["question"] = made["question"] + gap + answer[:key]
    made["answer"] = answer[key:]
    return True


def recognise(made: dict) -> bool:
    """Whether a card is multiple choice: its options put back on the question, or already there.
    Each option then starts a line of its own (a hard break), as on the page it came from."""
    if not (regroup(made) or options(made["question"]) >= 2):
        return False
    lines = made["question"]
    for k in range(len(lines) - 1):
        if lines[k][1].strip() and re.match(r"^\s*(?:[(（][A-Ha-h][)）]|[A-H]\s*[.．、)）:：])", lines[k + 1][1]):
            lines[k] = (lines[k][0], lines[k][1].rstrip() + "  ")
    return True
