"""The words studyguide itself prints, in the content's language."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "title": "复习题",
        "contents": "目录",
        "answers": "答案",
        "answer_key": "参考答案",
        "chapter": "第 {number} 章",
        "page_of": "第 {page} 页，共 {pages} 页",
        "question": "问题",
        "answer": "答案",
        "questions_count": "{chapters} 章 · {cards} 题",
        "continued": "续",
        "name": "姓名",
        "date": "日期",
        "back_to_question": "回到题目",
        "to_answer": "看答案",
        "questions_page": "问题",
        "answers_page": "答案",
        "edition_handout": "学生版",
        "edition_workbook": "练习册 · 附参考答案",
        "edition_teacher": "教师版 · 含答案",
        "quiz": "测验",
        "quiz_key": "测验答案",
        "score": "得分",
    },
    "zh-TW": {
        "title": "複習題",
        "contents": "目錄",
        "answers": "答案",
        "answer_key": "參考答案",
        "chapter": "第 {number} 章",
        "page_of": "第 {page} 頁，共 {pages} 頁",
        "question": "問題",
        "answer": "答案",
        "questions_count": "{chapters} 章 · {cards} 題",
        "continued": "續",
        "name": "姓名",
        "date": "日期",
        "back_to_question": "回到題目",
        "to_answer": "看答案",
        "questions_page": "問題",
        "answers_page": "答案",
        "edition_handout": "學生版",
        "edition_workbook": "練習冊 · 附參考答案",
        "edition_teacher": "教師版 · 含答案",
        "quiz": "測驗",
        "quiz_key": "測驗答案",
        "score": "得分",
    },
    "en": {
        "title": "Study guide",
        "contents": "Contents",
        "answers": "Answers",
        "answer_key": "Answer key",
        "chapter": "Chapter {number}",
        "page_of": "Page {page} of {pages}",
        "question": "Question",
        "answer": "Answer",
        "questions_count": "{chapters} chapters · {cards} questions",
        "continued": "continued",
        "name": "Name",
        "date": "Date",
        "back_to_question": "back to the question",
        "to_answer": "answer",
        "questions_page": "Questions",
        "answers_page": "Answers",
        "edition_handout": "Student handout",
        "edition_workbook": "Workbook with answer key",
        "edition_teacher": "Teacher's edition",
        "quiz": "Quiz",
        "quiz_key": "Quiz answers",
        "score": "Score",
    },
}

LANGUAGES = tuple(STRINGS)


def strings(language: str) -> dict[str, str]:
    if language in STRINGS:
        return STRINGS[language]
    if language.lower().startswith(("zh-tw", "zh-hk", "zh-hant")):
        return STRINGS["zh-TW"]
    return STRINGS["zh-CN"] if language.lower().startswith("zh") else STRINGS["en"]


def css_string(pattern: str, **counters: str) -> str:
    """A CSS `content` value from a pattern: `第 {page} 页` → `"第 " counter(page) " 页"`."""
    parts: list[str] = []
    rest = pattern
    while rest:
        start = rest.find("{")
        if start < 0:
            parts.append(_quoted(rest))
            break
        end = rest.index("}", start)
        if start:
            parts.append(_quoted(rest[:start]))
        parts.append(counters[rest[start + 1:end]])
        rest = rest[end + 1:]
    return " ".join(parts)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
