"""Random documents in the README's forms: the reader finds every card, and loses no text.

Bounded (a hundred or two examples each, no deadline) so the suite stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lossless import normalise, unaccounted
from studyguide.read import detect_language, read_guide

ZH_WORDS = ["神经网络", "梯度", "卷积", "模型", "损失", "张量", "训练", "数据", "权重", "图像", "1e-5",
            "`nn.Linear`", "**批量**", "GPU", "ReLU", "(x)", "[0，255]", "90%"]
EN_WORDS = ["model", "gradient", "layer", "loss", "tensor", "weights", "data", "image", "`x[0]`",
            "*fast*", "GPU", "3.5", "(a)", "e.g.", "f(x)"]
CHINESE_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]

HEADINGS = [
    lambda n, t: f"第 {n} 章-{t}",
    lambda n, t: f"第{CHINESE_NUMERALS[n - 1]}章：{t}",
    lambda n, t: f"第 {n} 章，{t}",
    lambda n, t: f"Chapter {n} – {t}",
    lambda n, t: f"{n}. {t}",
    lambda n, t: t,
]


@st.composite
def sentence(draw, language: str, end: str) -> str:
    words = draw(st.lists(st.sampled_from(ZH_WORDS if language == "zh" else EN_WORDS), min_size=1,
                          max_size=6))
    joined = ("" if language == "zh" else " ").join(words)
    if language == "zh":
        # `(x)` or `**批量**` at the end would hide the mark from a reader as much as from us
        joined += "的"
    return joined + end


@st.composite
def question(draw, language: str) -> str:
    first = draw(sentence(language, "？" if language == "zh" else "?"))
    if draw(st.booleans()) and draw(st.booleans()):  # now and then two questions on one line
        first += " " + draw(sentence(language, "？" if language == "zh" else "?"))
    return first


@st.composite
def answer(draw, language: str) -> str:
    return draw(sentence(language, "。" if language == "zh" else "."))


@st.composite
def card(draw, form: str, number: int, language: str, level: str = "#") -> tuple[str, str, str]:
    """(markdown, question, answer) for one card in the given form, in a chapter at `level`."""
    q, a = draw(question(language)), draw(answer(language))
    if form == "same-line":
        return f"{number}. {q}{'' if language == 'zh' else ' '}{a}\n", q, a
    if form == "next-line":
        return f"{number}. {q}\n   {a}\n", q, a
    if form == "indented-paragraphs":
        a2 = draw(answer(language))
        return f"{number}.  {q}\n\n    {a}\n\n    {a2}\n", q, f"{a}\n\n{a2}"
    if form == "unindented":
        a2 = draw(answer(language))
        return f"{number}. {q}\n\n{a}\n\n{a2}\n", q, f"{a}\n\n{a2}"
    if form == "labels":
        label_q, label_a = draw(st.sampled_from([("Q: ", "A: "), ("问：", "答："), ("**Q:** ", "**A:** ")]))
        return f"{label_q}{q}\n{label_a}{a}\n", q, a
    if form == "pseudo":
        mark = draw(st.sampled_from(["、", ".", "．"]))
        if q[0].isdigit() and mark != "、":
            mark = "、"  # `1.3.5?` asks about 1.3.5: a number right after the dot is no question number
        return f"{number}{mark}{q}\n答：{a}\n", q, a
    if form == "task":
        task = draw(answer(language))
        return f"{number}. {task}\n\n   ```python\n   print({number})\n   ```\n", task, \
            f"```python\nprint({number})\n```"
    if form == "heading":
        a2 = draw(answer(language))
        return f"{level}# {q}\n\n{a}\n\n{a2}\n", q, f"{a}\n\n{a2}"
    if form == "code-in-question":
        lead = "下面的代码输出什么？" if language == "zh" else "What does the following code print?"
        return (f"{number}. {lead}\n\n   ```python\n   print({number})\n   ```\n\n   {a}\n",
                f"{lead}\n\n```python\nprint({number})\n```", a)
    if form == "table":
        header = "| 问题 | 答案 |\n| --- | --- |\n" if number == 1 else ""
        return f"{header}| {q} | {a} |", q, a  # no blank line after it: that would end the table
    if form == "details":
        summary = "答案" if language == "zh" else "Answer"
        return f"{number}. {q}\n\n   <details><summary>{summary}</summary>\n\n   {a}\n\n   </details>\n", q, a
    if form == "separator":
        tag = "#flashcards\n\n" if number == 1 else ""
        return f"{tag}{q}::{a}\n", q, a
    if form == "multi-line-separator":
        tag = "#flashcards\n\n" if number == 1 else ""
        return f"{tag}{q}\n?\n{a}\n", q, a
    if form == "truefalse":
        mark = draw(st.sampled_from(["**T** -", "(F)", "**F**:"]))
        return f"{number}. {mark} {a}\n", a, f"@{'T' if 'T' in mark else 'F'}"
    if form == "choice":
        w1, w2 = draw(answer(language)), draw(answer(language))
        key = "答案：B" if language == "zh" else "Answer: B"
        return f"{number}. {q}\n   A. {w1}\n   B. {w2}\n\n   {key}\n", f"{q}\nA. {w1}\nB. {w2}", "B"
    if form == "decorated":
        mark = draw(st.sampled_from(["▍", "■ ", "★", "●"]))
        return f"{mark}{number}、{q}\n答：{a}\n", q, a
    if form == "cloze":
        word = draw(st.sampled_from(["梯度", "模型", "model", "tensor"]))
        blank = "\\_" * max(4, sum(2 if ord(ch) > 0x2e80 else 1 for ch in word))
        lead = draw(answer(language))[:-1]
        return f"{lead} {{{{c1::{word}}}}}。\n", f"{lead} {blank}。", f"{lead} **{word}**。"
    raise AssertionError(form)


FORMS = ["same-line", "next-line", "indented-paragraphs", "unindented", "labels", "pseudo", "task",
         "code-in-question", "heading", "table", "details", "separator", "multi-line-separator", "truefalse",
         "choice", "decorated", "cloze"]
VERDICTS = {"zh-CN": {"@T": "正确", "@F": "错误"}, "en": {"@T": "True", "@F": "False"}}


@st.composite
def document(draw, noise: bool):
    """(markdown, [(chapter, question, answer)]) for a file of one to three chapters."""
    language = draw(st.sampled_from(["zh", "en"]))
    heading = draw(st.sampled_from(HEADINGS))
    wrapper = draw(st.sampled_from(["", "# 答案\n\n", "# Chapter Questions\n\n"]))
    level = "##" if wrapper and draw(st.booleans()) else "#"
    chapters = draw(st.integers(1, 3))
    parts, expected = [wrapper], []
    for n in range(1, chapters + 1):
        title = draw(st.sampled_from(["基础", "训练技巧", "Basics", "Convolutions", "图像分割"]))
        parts.append(f"{level} {heading(n, title)}\n\n")
        if draw(st.booleans()):
            parts.append(draw(answer(language)) + "\n\n")  # an introduction
        form = draw(st.sampled_from(FORMS))
        for number in range(1, draw(st.integers(1, 5)) + 1):
            markdown, q, a = draw(card(form, number, language, level))
            parts.append(markdown + "\n")
            expected.append((n, q, a))
            if noise and draw(st.integers(0, 3)) == 0:
                parts.append(draw(noise_text()) + "\n\n")
        if noise and draw(st.booleans()):
            parts.append(f"{level}# 小结\n\n{draw(noise_text())}\n\n")
    return "".join(parts), expected


@st.composite
def noise_text(draw) -> str:
    """Lines of Markdown-ish characters: markers, brackets, labels, numbers, CJK, blanks."""
    alphabet = st.sampled_from(list("ab中文 #*_-`>|[]()!1.?？：:、答问QA\t") + ["\n", "1. ", "- ", "答：", "Q: ",
                                                                      "```", "---", "**", "2、"])
    text = "".join(draw(st.lists(alphabet, min_size=1, max_size=40)))
    return text if text.strip() else "x"


def _read(tmp_path: Path, text: str):
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    return path, read_guide([path], base=tmp_path)


# tools/fuzz.py runs these with many times more examples
SCALE = int(os.environ.get("STUDYGUIDE_FUZZ_SCALE", "1"))
COMMON = dict(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@settings(**COMMON)
@given(document(noise=False))
# once read as one chapter named after the wrapper: `## 1.` headings over cloze cards are chapters
@example(("# 答案\n\n## 1. 基础\n\n神经网络的 {{c1::梯度}}。\n\n## 2. 基础\n\n神经网络的 {{c1::梯度}}。\n\n",
          [(1, "神经网络的 \\_\\_\\_\\_。", "神经网络的 **梯度**。"), (2, "神经网络的 \\_\\_\\_\\_。", "神经网络的 **梯度**。")]))
def test_every_card_is_found_exactly(tmp_path, doc):
    text, expected = doc
    path, guide = _read(tmp_path, text)
    got = [(c.chapter_index, normalise(c.question), normalise(c.answer)) for c in guide.cards]
    verdicts = VERDICTS[detect_language(text)]
    assert got == [(n, normalise(q), normalise(verdicts.get(a, a))) for n, q, a in expected], text
    assert [d for d in guide.diagnostics if d.severity.name != "NOTE"] == [], text
    assert unaccounted(guide, path, Path(path.name)) == [], text


@settings(**COMMON)
@given(document(noise=True))
def test_no_text_is_ever_lost(tmp_path, doc):
    text, _ = doc
    path, guide = _read(tmp_path, text)
    assert unaccounted(guide, path, Path(path.name)) == [], text


@settings(**COMMON)
@given(st.text(alphabet=st.sampled_from(list("ab中 #*-`>|[]()1.?？：:、答问QA\n")), max_size=200))
@example("1::?")  # once read as question `1:` asking `:?`: a `::` after a number is no question number
def test_no_text_is_lost_from_any_text_at_all(tmp_path, text):
    path, guide = _read(tmp_path, text)
    assert unaccounted(guide, path, Path(path.name)) == [], text
