"""Readings across neighbouring cards of the numbered reader, each reported with a note:

- `3. 关于 TCP：` with no answer, then `3.1 …？` `3.2 …？`: the sub-questions are the cards, the
  first of them opened by the question they belong to;
- `1. What is a closure?` with no answer, then `2. A closure is …` that asks nothing and has no
  answer either: one card, the second item its answer; not when the item commands
  (`2. Create a closure.`): that is a task of its own.

Word bullets pasted as text (`•⇥`, `o⇥`, U+F0A7, U+F0B7) become Markdown list items.
"""

from __future__ import annotations

import re

from ..text import asks

# An item that commands (`Create a tensor of ones.`, `列举三种方法。`) is a task of its own, never the
# answer of the question before it; only a statement is.
_TASK = re.compile(r"^\s*(?:\*\*|__)?(?:(?:create|write|compute|calculate|implement|explain|list|describe|define|"
                   r"compare|contrast|give|name|draw|plot|prove|derive|convert|move|find|show|sort|design|solve|"
                   r"translate|state|outline|discuss|summari[sz]e|sketch|build|load|print|identify)\b|"
                   r"创建|计算|列举|列出|写出|编写|画出|求出?|设计|简述|解释|说明|比较|证明|实现|请|试|把|将|给出|"
                   r"举例|描述|分析|推导|定义|编程)", re.IGNORECASE)
_WORD_BULLET = re.compile(r"^(\s*)([•o\uf0a7\uf0b7▪◦])(?:\t|\s{2,})")
_SECOND_LEVEL = "o◦"  # Word's second-level bullets: nested under the item before them


def mend(cards: list[dict]) -> list[tuple[int, str, str]]:
    """Mends the cards in place; returns notes (line, what was read, how to ask otherwise)."""
    notes = []
    k = 0
    while k + 1 < len(cards):
        made, after = cards[k], cards[k + 1]
        if made["rule"] != "numbered" or after["rule"] != "numbered" or _text(made["answer"]):
            k += 1
            continue
        label = made["number"] or "?"
        if made["number"] and after["number"].startswith(made["number"] + "."):
            after["question"] = made["question"] + [(made["question"][-1][0], "")] + after["question"]
            after["line"] = made["line"]
            after["absorbed"] = made["number"]  # question 2 opens 2.1: its number is used, not skipped
            notes.append((made["line"], f"question {label} has no answer of its own: it is read as the opening "
                          f"of its sub-question {after['number']}", "to make it a card, give it an answer"))
            del cards[k]
            continue
        if not _text(after["answer"]) and asks(_text(made["question"])) and not asks(_text(after["question"])) \
                and not _TASK.match(_text(after["question"])):
            made["answer"] = after["question"]
            made["absorbed"] = after["number"]  # its number is used, not skipped
            notes.append((made["line"], f"question {label} has no answer and item {after['number'] or '?'} "
                          "after it asks nothing: the item is read as its answer",
                          "if the item is a question of its own, end it with a question mark"))
            del cards[k + 1]
        k += 1
    if len(cards) > 1 and all(made.get("absorbed") and made["number"].isdigit() for made in cards):
        # `1.` question, `2.` its answer, `3.` question…: the numbers count lines, not questions
        for k, made in enumerate(cards, 1):
            made["number"] = str(k)
        notes.append((cards[0]["line"], "every answer is numbered as the next question: the questions are "
                      "numbered 1, 2, 3… in order", "to keep the numbers as written, give each answer its own "
                      "paragraph under its question"))
    for made in cards:
        for side in ("question", "answer"):
            made[side] = _word_bullets(made[side])
    return notes


def _word_bullets(lines):
    """Word's bullets as Markdown items; a second-level one (`o`) right after an item is nested
    under it, as Word showed it."""
    out, in_list = [], False
    for n, text in lines:
        match = _WORD_BULLET.match(text)
        if match:
            nested = match[2] in _SECOND_LEVEL and in_list
            text = match[1] + ("  - " if nested else "- ") + text[match.end():]
        in_list = bool(match) or (in_list and text.startswith((" ", "\t")) and bool(text.strip()))
        out.append((n, text))
    return out


def _text(lines) -> str:
    return "\n".join(text for _, text in lines).strip()
