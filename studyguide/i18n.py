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
        # the study page (out/study.html)
        "study_page": "自测卡片",
        "chapter_select": "章节",
        "all_chapters": "全部章节",
        "flip": "翻面",
        "previous": "上一张",
        "next": "下一张",
        "known": "已掌握",
        "shuffle": "打乱",
        "hide_known": "隐藏已掌握",
        "clear_known": "清除本组标记",
        "confirm_clear": "清除这一组卡片的全部“已掌握”标记？",
        "progress": "{position} / {total}",
        "known_count": "已掌握 {known} / {total}",
        "all_known": "这一组的卡片都已掌握。",
        "show_known": "显示已掌握的卡片",
        "flip_hint": "点按卡片或按空格键看答案",
        "tap_hint": "轻点卡片看答案",
        "keyboard": "键盘",
        "space_key": "空格",
        "previous_next": "上一张 / 下一张",
        "previous_next_chapter": "上一章 / 下一章",
        "noscript": "这个页面要用 JavaScript 才能翻卡片。题目和答案也在 questions.html 和 answers.html 里。",
        # exports
        "number": "编号",
        "chapter_field": "章节",
        "card_type": "问答",
        "chapter_tag": "第{number}章",
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
        "study_page": "自測卡片",
        "chapter_select": "章節",
        "all_chapters": "全部章節",
        "flip": "翻面",
        "previous": "上一張",
        "next": "下一張",
        "known": "已掌握",
        "shuffle": "打亂",
        "hide_known": "隱藏已掌握",
        "clear_known": "清除本組標記",
        "confirm_clear": "清除這一組卡片的全部「已掌握」標記？",
        "progress": "{position} / {total}",
        "known_count": "已掌握 {known} / {total}",
        "all_known": "這一組的卡片都已掌握。",
        "show_known": "顯示已掌握的卡片",
        "flip_hint": "點按卡片或按空白鍵看答案",
        "tap_hint": "輕點卡片看答案",
        "keyboard": "鍵盤",
        "space_key": "空白鍵",
        "previous_next": "上一張 / 下一張",
        "previous_next_chapter": "上一章 / 下一章",
        "noscript": "這個頁面要用 JavaScript 才能翻卡片。題目和答案也在 questions.html 和 answers.html 裡。",
        "number": "編號",
        "chapter_field": "章節",
        "card_type": "問答",
        "chapter_tag": "第{number}章",
    },
    "ja": {
        "title": "復習問題",
        "contents": "目次",
        "answers": "解答",
        "answer_key": "解答集",
        "chapter": "第 {number} 章",
        "page_of": "{page} / {pages} ページ",
        "question": "問題",
        "answer": "解答",
        "questions_count": "{chapters} 章 · {cards} 問",
        "continued": "続き",
        "name": "氏名",
        "date": "日付",
        "back_to_question": "問題に戻る",
        "to_answer": "解答を見る",
        "questions_page": "問題",
        "answers_page": "解答",
        "edition_handout": "生徒用プリント",
        "edition_workbook": "解答付きワークブック",
        "edition_teacher": "教師用",
        "quiz": "小テスト",
        "quiz_key": "小テストの解答",
        "score": "得点",
        "study_page": "フラッシュカード",
        "chapter_select": "章",
        "all_chapters": "すべての章",
        "flip": "めくる",
        "previous": "前へ",
        "next": "次へ",
        "known": "覚えた",
        "shuffle": "シャッフル",
        "hide_known": "覚えたカードを隠す",
        "clear_known": "印を消す",
        "confirm_clear": "このセットのすべてのカードから「覚えた」の印を消しますか？",
        "progress": "{position} / {total}",
        "known_count": "{total} 枚中 {known} 枚を覚えた",
        "all_known": "このセットのカードはすべて覚えました。",
        "show_known": "覚えたカードも表示",
        "flip_hint": "カードをクリックするか Space キーを押すと解答が出ます",
        "tap_hint": "カードをタップすると解答が出ます",
        "keyboard": "キーボード",
        "space_key": "Space",
        "previous_next": "前 / 次のカード",
        "previous_next_chapter": "前 / 次の章",
        "noscript": "カードをめくるには JavaScript が必要です。問題と解答は questions.html と answers.html にもあります。",
        "number": "番号",
        "chapter_field": "章",
        "card_type": "問題と解答",
        "chapter_tag": "第{number}章",
    },
    "ko": {
        "title": "복습 문제",
        "contents": "차례",
        "answers": "답",
        "answer_key": "정답",
        "chapter": "제{number}장",
        "page_of": "{page} / {pages}쪽",
        "question": "문제",
        "answer": "답",
        "questions_count": "{chapters}장 · {cards}문제",
        "continued": "계속",
        "name": "이름",
        "date": "날짜",
        "back_to_question": "문제로 돌아가기",
        "to_answer": "답 보기",
        "questions_page": "문제",
        "answers_page": "답",
        "edition_handout": "학생용 유인물",
        "edition_workbook": "정답이 있는 워크북",
        "edition_teacher": "교사용",
        "quiz": "퀴즈",
        "quiz_key": "퀴즈 정답",
        "score": "점수",
        "study_page": "플래시카드",
        "chapter_select": "장",
        "all_chapters": "모든 장",
        "flip": "뒤집기",
        "previous": "이전",
        "next": "다음",
        "known": "외웠음",
        "shuffle": "섞기",
        "hide_known": "외운 카드 숨기기",
        "clear_known": "표시 지우기",
        "confirm_clear": "이 세트의 모든 카드에서 외웠음 표시를 지울까요?",
        "progress": "{position} / {total}",
        "known_count": "{total}장 중 {known}장 외움",
        "all_known": "이 세트의 카드를 모두 외웠습니다.",
        "show_known": "외운 카드 보기",
        "flip_hint": "카드를 누르거나 Space 키를 누르면 답이 보입니다",
        "tap_hint": "카드를 탭하면 답이 보입니다",
        "keyboard": "키보드",
        "space_key": "Space",
        "previous_next": "이전 / 다음 카드",
        "previous_next_chapter": "이전 / 다음 장",
        "noscript": "카드를 뒤집으려면 JavaScript가 필요합니다. 문제와 답은 questions.html과 answers.html에도 있습니다.",
        "number": "번호",
        "chapter_field": "장",
        "card_type": "문제와 답",
        "chapter_tag": "제{number}장",
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
        "study_page": "Flashcards",
        "chapter_select": "Chapter",
        "all_chapters": "All chapters",
        "flip": "Flip",
        "previous": "Previous",
        "next": "Next",
        "known": "Known",
        "shuffle": "Shuffle",
        "hide_known": "Hide known cards",
        "clear_known": "Clear these marks",
        "confirm_clear": "Clear the known marks of every card in this set?",
        "progress": "{position} / {total}",
        "known_count": "{known} of {total} known",
        "all_known": "You know every card in this set.",
        "show_known": "Show known cards",
        "flip_hint": "Click the card or press Space to see the answer",
        "tap_hint": "Tap the card to see the answer",
        "keyboard": "Keyboard",
        "space_key": "Space",
        "previous_next": "previous / next card",
        "previous_next_chapter": "previous / next chapter",
        "noscript": "This page needs JavaScript to flip cards. The questions and answers are also in questions.html and answers.html.",
        "number": "Number",
        "chapter_field": "Chapter",
        "card_type": "Question and answer",
        "chapter_tag": "chapter-{number}",
    },
}

LANGUAGES = tuple(STRINGS)

# English nouns change with their number, (one, other) as CLDR's rules have it; Chinese ones do
# not, so questions_count serves every number there
PLURALS = {"en": (("chapter", "chapters"), ("question", "questions"))}


def counts(language: str, chapters: int, cards: int) -> str:
    """The title page's count line, "1 chapter · 12 questions", each noun agreeing with its number."""
    words = strings(language)
    if words is not STRINGS["en"]:
        return words["questions_count"].format(chapters=chapters, cards=cards)
    (chapter, chapters_word), (card, cards_word) = PLURALS["en"]
    return (f"{chapters} {chapter if chapters == 1 else chapters_word} · "
            f"{cards} {card if cards == 1 else cards_word}")


def list_separator(language: str) -> str:
    """How a list of titles is joined: 、 between Chinese titles, a comma between English ones."""
    return ", " if strings(language) is STRINGS["en"] else "、"


def strings(language: str) -> dict[str, str]:
    if language in STRINGS:
        return STRINGS[language]
    if language.lower().startswith(("zh-tw", "zh-hk", "zh-hant")):
        return STRINGS["zh-TW"]
    if language.lower().startswith(("ja", "ko")):
        return STRINGS[language.lower()[:2]]
    return STRINGS["zh-CN"] if language.lower().startswith("zh") else STRINGS["en"]


# the calibration sheet's (out/calibration.pdf): Japanese and Korean read the English
CALIBRATION: dict[str, dict] = {
    "en": {
        "title": "Flashcard printer calibration",
        "setup": "Paper {paper} · flip on the {flip} edge · back offset in use: {x}, {y} mm",
        "long": "long", "short": "short",
        "steps": [
            "Print this file on both sides of one sheet, at 100 % ('actual size'), with the duplex "
            "setting you use for flashcards.",
            "Check the bar below: it must be exactly 100 mm long. If it is shorter, the page was "
            "scaled: turn off 'fit to page'.",
            "Turn the sheet over about its {flip} edge. The back must read the right way up; if it is "
            "upside down, your printer flips on the other edge: build with --flip {other}.",
            "Push a pin through the centre of each cross (or hold the sheet against a window), then "
            "look at the grid on the back where the pin came through.",
            "The numbers on the grid's top edge at the hole give X, those on its left edge give Y. "
            "Build with --back-offset=X,Y (the average of the five grids, to the nearest half millimetre).",
        ],
        "scale": "100 mm",
        "top": "↑ top of the sheet",
        "back": "Back: read X on the top edge and Y on the left edge of each grid, where the pin came through",
    },
    "zh-CN": {
        "title": "卡片打印校准页",
        "setup": "纸张 {paper} · 沿{flip}边翻转 · 当前背面偏移：{x}, {y} 毫米",
        "long": "长", "short": "短",
        "steps": [
            "用打印卡片时的双面设置，把本文件按 100%（“实际大小”）打印在一张纸的两面。",
            "检查下面的线段：它必须正好 100 毫米长。如果较短，说明页面被缩放了：请关闭“适合页面大小”。",
            "沿{flip}边把纸翻过来。背面的字应当是正的；如果是倒的，说明打印机沿另一条边翻转：请用 --flip {other} 生成。",
            "用大头针穿过每个十字的中心（或对着窗户看），再看背面网格上针孔的位置。",
            "针孔处网格上边的数字是 X，左边的数字是 Y。用 --back-offset=X,Y 生成卡片"
            "（取五个网格的平均值，精确到半毫米）。",
        ],
        "scale": "100 毫米",
        "top": "↑ 纸的上边",
        "back": "背面：在针孔处读出每个网格上边的 X 和左边的 Y",
    },
    "zh-TW": {
        "title": "卡片列印校準頁",
        "setup": "紙張 {paper} · 沿{flip}邊翻轉 · 目前背面偏移：{x}, {y} 公釐",
        "long": "長", "short": "短",
        "steps": [
            "用列印卡片時的雙面設定，把本檔案按 100%（「實際大小」）列印在一張紙的兩面。",
            "檢查下面的線段：它必須正好 100 公釐長。如果較短，表示頁面被縮放了：請關閉「符合頁面大小」。",
            "沿{flip}邊把紙翻過來。背面的字應當是正的；如果是倒的，表示印表機沿另一條邊翻轉：請用 --flip {other} 產生。",
            "用大頭針穿過每個十字的中心（或對著窗戶看），再看背面網格上針孔的位置。",
            "針孔處網格上邊的數字是 X，左邊的數字是 Y。用 --back-offset=X,Y 產生卡片"
            "（取五個網格的平均值，精確到半公釐）。",
        ],
        "scale": "100 公釐",
        "top": "↑ 紙的上邊",
        "back": "背面：在針孔處讀出每個網格上邊的 X 和左邊的 Y",
    },
}


def calibration_words(language: str) -> dict:
    if language in CALIBRATION:
        return CALIBRATION[language]
    if language.lower().startswith(("zh-tw", "zh-hk", "zh-hant")):
        return CALIBRATION["zh-TW"]
    return CALIBRATION["zh-CN"] if language.lower().startswith("zh") else CALIBRATION["en"]


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
