"""Each reading rule on small documents: the exact cards, the rule that made them, the notes about
readings chosen, and no text lost. The forms are those of the README's "Writing content"."""

from pathlib import Path

import pytest

from lossless import unaccounted
from studyguide.read import read_guide
from studyguide.read.settings import Markers, ReadSettings


def read(tmp_path: Path, text: str, reading: ReadSettings | None = None, lossless: bool = True):
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    guide = read_guide([path], base=tmp_path, reading=reading)
    if lossless:
        assert unaccounted(guide, path, Path(path.name), reading=reading) == []
    return guide


def cards(guide):
    return [(c.number, c.question, c.answer, c.rule) for c in guide.cards]


def notes(guide, code="SG205"):
    return [d for d in guide.diagnostics if d.code == code]


def test_question_answer_table(tmp_path):
    guide = read(tmp_path, "# 术语\n\n| 问题 | 答案 |\n| --- | --- |\n| 什么是梯度 | 损失对参数的导数 |\n"
                           "| 学习率太大会怎样 | 训练发散<br>损失变成 NaN |\n")
    assert cards(guide) == [("", "什么是梯度", "损失对参数的导数", "table"),
                            ("", "学习率太大会怎样", "训练发散  \n损失变成 NaN", "table")]
    assert guide.chapters[0].readers == ("table",)
    assert [d for d in guide.diagnostics if d.severity.name != "NOTE"] == []


def test_a_table_with_an_empty_header_in_english(tmp_path):
    guide = read(tmp_path, "# Terms\n\n| | |\n|---|---|\n| Lexer | Splits text into tokens |\n"
                           "| Parser | Builds a tree from tokens |\n")
    assert cards(guide) == [("", "Lexer", "Splits text into tokens", "table"),
                            ("", "Parser", "Builds a tree from tokens", "table")]


def test_a_table_inside_an_answer_stays_in_the_answer(tmp_path):
    text = ("# Chapter 1\n\n1. How do the two compare?\n\n   | Name | Speed |\n   | --- | --- |\n"
            "   | A | fast |\n   | B | slow |\n\n2. Which is cheaper?\n   B.\n")
    guide = read(tmp_path, text)
    assert [c.rule for c in guide.cards] == ["numbered", "numbered"]
    assert "| A | fast |" in guide.cards[0].answer


def test_note_app_flashcards(tmp_path):
    text = ("#flashcards\n\n# Biology\n\nMitochondria::the powerhouse of the cell\n"
            "Osmosis:::movement of water across a membrane\n<!--SR:!2024-01-02,3,250-->\n\n"
            "What are the stages\nof mitosis?\n?\nProphase, metaphase,\nanaphase, telophase.\n")
    guide = read(tmp_path, text)
    assert cards(guide) == [
        ("", "Mitochondria", "the powerhouse of the cell", "separator"),
        ("", "Osmosis", "movement of water across a membrane", "separator"),
        ("", "What are the stages\nof mitosis?", "Prophase, metaphase,\nanaphase, telophase.", "separator")]
    assert [d.location.line for d in notes(guide)] == [6]  # the two-way card
    assert "SG305" not in {d.code for d in guide.diagnostics}  # the tag line is markup


def test_multi_line_cards_end_at_the_end_marker(tmp_path):
    text = "# 化学\n\n催化剂的作用\n?\n加快反应。\n\n本身不被消耗。\n+++\n\n同位素是什么\n?\n中子数不同的同种原子。\n+++\n"
    guide = read(tmp_path, text, ReadSettings(format="separator"))
    assert cards(guide) == [("", "催化剂的作用", "加快反应。\n\n本身不被消耗。", "separator"),
                            ("", "同位素是什么", "中子数不同的同种原子。", "separator")]


def test_code_with_double_colons_is_not_a_flashcard(tmp_path):
    text = "# C++\n\n1. What does `std::move` do?\n   It casts to an rvalue: std::vector<int> v2 = std::move(v1);\n"
    guide = read(tmp_path, text)
    assert [c.rule for c in guide.cards] == ["numbered"]


def test_cloze_one_card_per_number(tmp_path):
    guide = read(tmp_path, "# 历史\n\n秦始皇在 {{c1::公元前221年}} 统一了 {{c2::六国::数字}}。\n")
    blank = "\\_" * 11
    assert cards(guide) == [
        ("", f"秦始皇在 {blank} 统一了 六国。", "秦始皇在 **公元前221年** 统一了 六国。", "cloze"),
        ("", "秦始皇在 公元前221年 统一了 \\_\\_\\_\\_ (数字)。", "秦始皇在 公元前221年 统一了 **六国**。", "cloze")]


def test_highlights_are_clozes_only_when_declared(tmp_path):
    text = "---\nformat: cloze\n---\n# Physics\n\nLight travels at ==300,000 km/s== in a vacuum.\n"
    guide = read(tmp_path, text)
    assert cards(guide) == [("", "Light travels at " + "\\_" * 12 + " in a vacuum.",
                             "Light travels at **300,000 km/s** in a vacuum.", "cloze")]
    plain = read(tmp_path, "# Physics\n\n1. How fast is light?\n   It travels at ==300,000 km/s==.\n")
    assert [c.rule for c in plain.cards] == ["numbered"]


def _sentence(count: int, first: int = 0) -> str:
    return " ".join(f"Term {k} is =={k * 7}==." for k in range(first, first + count))


def test_a_paragraph_of_fifty_deletions_makes_fifty_cards(tmp_path):
    guide = read(tmp_path, "---\nformat: cloze\n---\n# Numbers\n\n" + _sentence(50) + "\n")
    assert len(guide.cards) == 50 and not [d for d in guide.diagnostics if d.code == "SG308"]
    assert guide.cards[49].answer.endswith("Term 49 is **343**.")


@pytest.mark.parametrize("deletion, fix", [
    ("=={}==", "write `format: auto` if the highlights are only emphasis"),
    ("{{{{c{}::word}}}}", "number deletions that belong on one card alike"),
])
def test_a_paragraph_of_too_many_deletions_stops_the_build_naming_its_lines(tmp_path, deletion, fix):
    # one card per deletion, each repeating the paragraph: 400 short deletions would make 400 cards
    paragraph = " ".join(deletion.format(k + 1) for k in range(400))
    guide = read(tmp_path, "---\nformat: cloze\n---\n# Words\n\nA first line.\n" + paragraph +
                 "\n\nKeep {{c1::this}} one.\n", lossless=False)
    [error] = notes(guide, "SG308")
    assert error.severity.name == "ERROR" and error.location.line == 6
    assert "lines 6–7 holds 400 cloze deletions" in error.message and "at most 50" in error.message
    assert fix in error.hint and "split the paragraph" in error.hint
    # its text is kept as the chapter's notes, never dropped; the other paragraph still makes its card
    assert [c.answer for c in guide.cards] == ["Keep **this** one."]
    assert paragraph in guide.chapters[0].notes


def test_a_file_whose_clozes_repeat_past_the_limit_stops_at_the_paragraph_that_passes_it(tmp_path):
    from studyguide.read.rules import cloze
    paragraph = _sentence(40)  # 40 cards, each holding the paragraph twice (question and answer)
    per = 2 * 40 * len(paragraph)
    count = cloze.MAX_PER_FILE // per + 3
    text = "---\nformat: cloze\n---\n# Many\n\n" + "\n\n".join([paragraph] * count) + "\n"
    guide = read(tmp_path, text, lossless=False)
    [error] = notes(guide, "SG308")
    passing = cloze.MAX_PER_FILE // per  # paragraphs that fit, the next one passes
    assert error.location.line == 6 + 2 * passing
    assert "2,000,000 characters" in error.message and "split long paragraphs" in error.hint
    assert len(guide.cards) == 40 * passing


def test_true_false_statements(tmp_path):
    text = ("# Review\n\n1. **T** - Water boils at 100 degrees at sea level.\n2. **F** - The sun orbits the earth.\n"
            "   The earth orbits the sun.\n3. (T) Ice floats on water.\n")
    guide = read(tmp_path, text)
    assert cards(guide) == [("1", "Water boils at 100 degrees at sea level.", "True", "truefalse"),
                            ("2", "The sun orbits the earth.", "False\nThe earth orbits the sun.", "truefalse"),
                            ("3", "Ice floats on water.", "True", "truefalse")]


def test_true_false_in_chinese(tmp_path):
    guide = read(tmp_path, "# 判断题\n\n1. 判断：水在零度结冰。（√）\n2. 判断：铁比水轻。（×）\n")
    assert cards(guide) == [("1", "水在零度结冰。", "正确", "truefalse"), ("2", "铁比水轻。", "错误", "truefalse")]


def test_multiple_choice_keeps_its_options_on_the_question(tmp_path):
    text = ("# 选择题\n\n1. 下列哪个是质数？\n\n   A. 4\n   B. 6\n   C. 7\n\n   答案：C\n\n   解析：7 只能被 1 和 7 整除。\n"
            "2. Which planet is largest?\n   - A. Mars\n   - B. Jupiter\n\n   Answer: B\n")
    guide = read(tmp_path, text)
    assert cards(guide) == [
        ("1", "下列哪个是质数？\n\nA. 4  \nB. 6  \nC. 7", "C\n\n解析：7 只能被 1 和 7 整除。", "choice"),
        ("2", "Which planet is largest?\n- A. Mars\n- B. Jupiter", "B", "choice")]


def test_details_answers_under_headings(tmp_path):
    text = ("# 面试题\n\n### 1. 什么是闭包\n\n<details><summary>答案</summary>\n\n闭包是函数和它引用的外部变量。\n\n"
            "</details>\n\n### 2. 解释事件循环\n\n<details>\n<summary>答案</summary>\n\n事件循环不断取出任务执行。\n</details>\n")
    guide = read(tmp_path, text)
    assert cards(guide) == [("1", "什么是闭包", "闭包是函数和它引用的外部变量。", "headings"),
                            ("2", "解释事件循环", "事件循环不断取出任务执行。", "headings")]


def test_details_under_a_numbered_question(tmp_path):
    text = "# Chapter 1\n\n1. What is a closure?\n\n   <details><summary>Answer</summary>\n\n   A function with its scope.\n\n   </details>\n"
    guide = read(tmp_path, text)
    assert cards(guide) == [("1", "What is a closure?", "A function with its scope.", "numbered")]


def test_headings_without_question_marks(tmp_path):
    text = ("# Vue notes\n\n## Q1 How is a template node cloned\n\nIt is copied with cloneNode.\n\n"
            "## Q2 生命周期\n\ncreated 之后 mounted。\n\n## Explain named slots\n\nSlots with a name attribute.\n")
    guide = read(tmp_path, text)
    assert cards(guide) == [("1", "How is a template node cloned", "It is copied with cloneNode.", "headings"),
                            ("2", "生命周期", "created 之后 mounted。", "headings"),
                            ("", "Explain named slots", "Slots with a name attribute.", "headings")]
    assert len(guide.chapters) == 1
    assert notes(guide) and "format: numbered" in notes(guide)[0].hint


def test_a_file_of_question_headings_without_a_title_is_one_chapter(tmp_path):
    guide = read(tmp_path, "## 问题 1 什么是协程\n\n用户态的线程。\n\n## 问题 2 什么是通道\n\n协程间传递数据的管道。\n")
    assert [(c.chapter, c.number, c.question) for c in guide.cards] == [(1, "1", "什么是协程"), (1, "2", "什么是通道")]


def test_decorative_markers_before_numbers(tmp_path):
    text = ("# 第 1 章 基础\n\n▍1、什么是进程？\n进程是运行中的程序。\n\n■ 2. 什么是线程？\n线程是执行单元。\n\n"
            "★3.什么是协程？\n轻量线程。\n\n【4】什么是锁？\n保护共享数据。\n\n●5．什么是死锁？\n互相等待。\n")
    guide = read(tmp_path, text)
    assert [(c.number, c.question, c.answer) for c in guide.cards] == [
        ("1", "什么是进程？", "进程是运行中的程序。"), ("2", "什么是线程？", "线程是执行单元。"),
        ("3", "什么是协程？", "轻量线程。"), ("4", "什么是锁？", "保护共享数据。"), ("5", "什么是死锁？", "互相等待。")]


def test_word_bullets_are_list_items(tmp_path):
    text = "# Chapter 1\n\n1. What does a compiler do?\n•\tIt translates code.\n\uf0a7\tIt reports errors.\n"
    guide = read(tmp_path, text)
    assert cards(guide) == [("1", "What does a compiler do?", "- It translates code.\n- It reports errors.",
                             "numbered")]


def test_sub_questions_are_cards(tmp_path):
    text = "# 第 2 章\n\n3. 关于 TCP：\n\n3.1 三次握手的目的是什么？\n\n确认双方收发正常。\n\n3.2 为什么挥手要四次？\n\n因为连接是全双工的。\n"
    guide = read(tmp_path, text)
    assert [(c.number, c.question, c.answer) for c in guide.cards] == [
        ("3.1", "关于 TCP：\n\n三次握手的目的是什么？", "确认双方收发正常。"),
        ("3.2", "为什么挥手要四次？", "因为连接是全双工的。")]
    assert [d.location.line for d in notes(guide)] == [3]


def test_bold_question_with_a_question_mark_inside(tmp_path):
    guide = read(tmp_path, "# Chapter 3\n\n1. **Can you rebuild it? Set its title.**\n\n   Yes, call rebuild.\n")
    assert cards(guide) == [("1", "**Can you rebuild it? Set its title.**", "Yes, call rebuild.", "numbered")]


@pytest.mark.parametrize("question", ["**Look at this function:**", "以下代码输出什么？", "What is wrong with this code?"])
def test_code_a_question_points_at_stays_with_it(tmp_path, question):
    text = f"# Chapter 1\n\n1. {question}\n\n   ```python\n   print(1)\n   ```\n\n   It prints 1.\n"
    guide = read(tmp_path, text)
    assert cards(guide) == [("1", f"{question}\n\n```python\nprint(1)\n```", "It prints 1.", "numbered")]
    assert len(notes(guide)) == 1


def test_a_question_in_two_parts_around_its_figure(tmp_path):
    text = "# 第 4 章\n\n1. **Look at the form below:**\n\n   ![form](form.png)\n\n   **Which layout was used?**\n\n   A grid.\n"
    guide = read(tmp_path, text)
    assert cards(guide) == [("1", "**Look at the form below:**\n\n![form](form.png)\n\n**Which layout was used?**",
                             "A grid.", "numbered")]


def test_an_unanswered_question_takes_the_next_items_statement(tmp_path):
    text = ("# Chapter 5\n\n1. What is a closure?\n2. A function that keeps the variables around it.\n"
            "3. What is hoisting?\n   Moving declarations up.\n")
    guide = read(tmp_path, text)
    assert [(c.number, c.question, c.answer) for c in guide.cards] == [
        ("1", "What is a closure?", "A function that keeps the variables around it."),
        ("3", "What is hoisting?", "Moving declarations up.")]
    assert [d.location.line for d in notes(guide)] == [3]
    assert {d.code for d in guide.diagnostics} == {"SG205"}


def test_a_task_among_questions_is_its_own_card(tmp_path):
    text = ("# Chapter 6\n\n1. What is a list?\n   An ordered collection.\n1. Reverse a list in place.\n"
            "   Call its reverse method.\n1. What is a tuple?\n   An immutable sequence.\n")
    guide = read(tmp_path, text)
    assert [c.question for c in guide.cards] == ["What is a list?", "Reverse a list in place.", "What is a tuple?"]


def test_labels_with_text_markers_from_the_front_matter(tmp_path):
    text = ('---\nformat: labels\nmarkers: {question: "**Q.**", answer: "**A.**"}\n---\n# Networking\n\n'
            "**Q.** Name the layer that routes packets\n**A.** The network layer.\n\n"
            "**Q.** Name the layer of frames\n**A.** The link layer,\nwhich detects errors.\n")
    guide = read(tmp_path, text)
    assert cards(guide) == [("", "Name the layer that routes packets", "The network layer.", "labels"),
                            ("", "Name the layer of frames", "The link layer,\nwhich detects errors.", "labels")]


def test_labels_with_a_regular_expression_from_the_settings(tmp_path):
    text = "# 数据库\n\n【题目1】事务的四个特性\n【解析】原子性、一致性、隔离性、持久性。\n\n【题目2】索引的代价\n【解析】写入变慢。\n"
    settings = ReadSettings(format="labels", markers=Markers(question="/【题目\\d*】/", answer="【解析】"))
    guide = read(tmp_path, text, settings)
    assert cards(guide) == [("", "事务的四个特性", "原子性、一致性、隔离性、持久性。", "labels"),
                            ("", "索引的代价", "写入变慢。", "labels")]


def test_settings_patterns_name_the_format_per_file(tmp_path):
    text = "# Terms\n\nLexer\n?\nSplits text.\n\nParser\n?\nBuilds a tree.\n"
    guide = read(tmp_path, text, ReadSettings(files=(("*.md", "separator"),)))
    assert [c.rule for c in guide.cards] == ["separator", "separator"]


def test_a_tagged_outline(tmp_path):
    text = ("---\nformat: labels\nmarkers: {tag: \"#card\"}\n---\n# Outline\n\n- Photosynthesis #card\n"
            "    - turns light into sugar\n- A plain note\n- Respiration #card\n    - releases energy\n")
    guide = read(tmp_path, text)
    assert cards(guide) == [("", "Photosynthesis", "- turns light into sugar", "labels"),
                            ("", "Respiration", "- releases energy", "labels")]
    assert "A plain note" in guide.chapters[0].notes


def test_details_containers(tmp_path):
    text = ("---\nformat: labels\nmarkers: {container: details}\n---\n# Chemistry\n\nDefine a catalyst\n\n"
            "::: details\nSpeeds a reaction.\n:::\n\nDefine an isotope\n\n::: details\nSame element, other mass.\n:::\n")
    guide = read(tmp_path, text)
    assert cards(guide) == [("", "Define a catalyst", "Speeds a reaction.", "labels"),
                            ("", "Define an isotope", "Same element, other mass.", "labels")]


def test_an_answer_key_at_the_end(tmp_path):
    text = ("---\nformat: labels\nmarkers: {key: true}\n---\n# Quiz\n\n1. Capital of France\n2. Largest ocean\n\n"
            "Answers\n\n1. Paris\n2. Pacific\n")
    guide = read(tmp_path, text)
    assert cards(guide) == [("1", "Capital of France", "Paris", "labels"), ("2", "Largest ocean", "Pacific", "labels")]


def test_auto_suggests_the_declaration_it_could_not_guess(tmp_path):
    text = ("# Notes\n\n**Q.** Name the layer that routes packets\n**A.** The network layer.\n\n"
            "**Q.** Name the layer of frames\n**A.** The link layer.\n")
    guide = read(tmp_path, text)
    assert guide.cards == ()
    hint = next(d.hint for d in guide.diagnostics if d.code == "SG203")
    assert 'format: labels' in hint and 'question: "**Q.**", answer: "**A.**"' in hint


def test_an_unknown_format_is_reported(tmp_path):
    guide = read(tmp_path, "---\nformat: quiz\n---\n# A\n\n1. Why?\n   Because.\n")
    problem = next(d for d in guide.diagnostics if d.code == "SG105")
    assert problem.location.line == 2 and "quiz" in problem.message
    assert [c.rule for c in guide.cards] == ["numbered"]


def test_a_declared_format_that_finds_nothing_says_so(tmp_path):
    guide = read(tmp_path, "---\nformat: table\n---\n# A\n\n1. Why?\n   Because.\n")
    assert [c.rule for c in guide.cards] == ["numbered"]
    assert "format: table" in notes(guide)[0].message


def test_a_chapter_of_a_table_and_numbered_questions_reads_each_part_its_way(tmp_path):
    text = ("# Chapter 7 Compilers\n\n## Terms\n\n| Term | Definition |\n| --- | --- |\n| Lexer | Splits text into tokens |\n"
            "| Parser | Builds a tree |\n| Linker | Joins object files |\n\n## Questions\n\n"
            "1. Why separate lexing from parsing?\n   Each stays simple.\n2. What does a parser report?\n   Syntax errors.\n")
    guide = read(tmp_path, text)
    assert [(c.question, c.rule, c.section) for c in guide.cards] == [
        ("Lexer", "table", "Terms"), ("Parser", "table", "Terms"), ("Linker", "table", "Terms"),
        ("Why separate lexing from parsing?", "numbered", "Questions"), ("What does a parser report?", "numbered", "Questions")]
    assert guide.chapters[0].readers == ("table", "numbered")


def test_a_comment_in_unfenced_code_is_not_a_chapter(tmp_path):
    text = ("# Chapter 8 Shell\n\n1. Show a script that installs the tools.\n\n#!/bin/bash\n# install the tools\n"
            "apt-get install -y make\n\n2. What does set -e do?\n   It stops at the first failing command.\n")
    guide = read(tmp_path, text)
    assert len(guide.chapters) == 1
    assert [(c.number, c.answer) for c in guide.cards] == [
        ("1", "#!/bin/bash\n# install the tools\napt-get install -y make"), ("2", "It stops at the first failing command.")]
    assert [d.location.line for d in notes(guide)] == [6]


@pytest.mark.parametrize("marker", ["/(a+)+$/", "/[/", "/(a|a)*b/", "/(a?a?)+b/", "/x*/", "/(?=Q)/"])
def test_a_marker_expression_that_cannot_be_used_is_refused(tmp_path, marker):
    text = f'---\nformat: labels\nmarkers: {{question: "{marker}", answer: "A:"}}\n---\n# X\n\n{"a" * 40}!\nA: b\n'
    # not checked for loss: the checker would run the very expression the reader refuses
    guide = read(tmp_path, text, lossless=False)
    problem = next(d for d in guide.diagnostics if d.code == "SG105")
    assert problem.location.line == 3 and marker in problem.message


def test_a_marker_expression_that_backtracks_on_a_long_line_stops_in_seconds(tmp_path):
    """`Q\\d*\\d*\\d*:` is no exponential runaway, but on a line of digits it tries every way of sharing
    them among its three repeats: the cube of the line's length. The file's allowance of time runs
    out and the line is named, with the front matter line that sets the marker."""
    text = ('---\nformat: labels\nmarkers: {question: "/Q\\\\d*\\\\d*\\\\d*:/", answer: "A:"}\n---\n# X\n\n'
            "Q1: Why?\nA: Because.\n\nQ" + "1" * 30000 + "\n")
    guide = read(tmp_path, text, lossless=False)
    problem = next(d for d in guide.diagnostics if d.code == "SG112")
    assert problem.location.line == 10, problem
    assert "front matter, line 3" in problem.message and "/Q\\d*\\d*\\d*:/" in problem.message
    assert guide.cards == ()  # the file is not read, rather than read with the marker half applied


def test_declared_headings_read_plain_headings_as_questions(tmp_path):
    text = "---\nformat: headings\n---\n## Closures\n\nFunctions with their scope.\n\n## Hoisting\n\nDeclarations move up.\n"
    guide = read(tmp_path, text)
    assert cards(guide) == [("", "Closures", "Functions with their scope.", "headings"),
                            ("", "Hoisting", "Declarations move up.", "headings")]


def test_a_quiz_collection_with_code_options_and_details_answers(tmp_path):
    text = ("# Quiz\n\n###### 1. What does this print?\n\n```js\nconsole.log(typeof null);\n```\n\n- A: `\"null\"`\n"
            "- B: `\"object\"`\n\n<details><summary><b>Answer</b></summary>\n<p>\n\n#### Answer: B\n\nAn old quirk.\n\n"
            "</p>\n</details>\n\n---\n\n###### 2. What is `1 + \"1\"`?\n\n- A: `2`\n- B: `\"11\"`\n\n"
            "<details><summary><b>Answer</b></summary>\n<p>\n\n#### Answer: B\n\nThe number becomes a string.\n\n</p>\n</details>\n")
    guide = read(tmp_path, text)
    assert cards(guide) == [
        ("1", "What does this print?\n```js\nconsole.log(typeof null);\n```\n\n- A: `\"null\"`\n- B: `\"object\"`",
         "B\n\nAn old quirk.", "choice"),
        ("2", "What is `1 + \"1\"`?\n- A: `2`\n- B: `\"11\"`", "B\n\nThe number becomes a string.", "choice")]
    assert [d for d in guide.diagnostics if d.severity.name != "NOTE"] == []


def test_a_command_after_the_question_mark_asks_too(tmp_path):
    text = ("# Chapter 9\n\n1. What is a closure? Explain with an example.\n\n   A function that keeps its scope.\n\n"
            "2. 什么是闭包？请举例说明。\n\n   函数和它引用的变量。\n\n3. 什么是提升？变量声明移到顶部。\n")
    guide = read(tmp_path, text)
    assert [(c.question, c.answer) for c in guide.cards] == [
        ("What is a closure? Explain with an example.", "A function that keeps its scope."),
        ("什么是闭包？请举例说明。", "函数和它引用的变量。"), ("什么是提升？", "变量声明移到顶部。")]
    assert [d.location.line for d in notes(guide)] == [3, 7]


def test_a_numbered_heading_that_goes_on_with_the_questions_is_one(tmp_path):
    text = ("# Redis 面试题\n\n**1. 什么是 Redis？**\n\nRedis 是内存数据库。\n\n**2. Redis 的数据类型**\n\n字符串、列表、哈希。\n\n"
            "### 3. 持久化方式\n\nRDB 和 AOF。\n")
    guide = read(tmp_path, text)
    assert [(c.number, c.question, c.answer) for c in guide.cards] == [
        ("1", "**什么是 Redis？**", "Redis 是内存数据库。"), ("2", "**Redis 的数据类型**", "字符串、列表、哈希。"),
        ("3", "持久化方式", "RDB 和 AOF。")]
    assert [d.location.line for d in notes(guide)] == [11]


def test_a_table_with_a_number_column(tmp_path):
    text = "# Terms\n\n| # | Question | Answer |\n| --- | --- | --- |\n| 1 | What is a lexer? | It splits text. |\n| 2 | What is a parser? | It builds a tree. |\n"
    guide = read(tmp_path, text)
    assert cards(guide) == [("1", "What is a lexer?", "It splits text.", "table"),
                            ("2", "What is a parser?", "It builds a tree.", "table")]


def test_an_unnumbered_question_in_two_parts_around_its_figure(tmp_path):
    text = ("# Week 5\n\n**1. What does `gap` set?**\n\nThe space between items.\n\n"
            "**Look at the form below:**\n\n![A form](images/form.png)\n\n**Which layout was used?**\n\n"
            "A grid of two columns.\n\n**3. When does sticky stop?**\n\nWhen its block scrolls away.\n")
    guide = read(tmp_path, text)
    assert [c.question for c in guide.cards] == [
        "**What does `gap` set?**",
        "**Look at the form below:**\n\n![A form](images/form.png)\n\n**Which layout was used?**",
        "**When does sticky stop?**"]
    assert guide.cards[1].answer == "A grid of two columns."
    assert any("figure" in d.message and d.location.line == 7 for d in notes(guide))


def test_a_table_after_a_question_stays_with_its_answer_unless_the_question_names_it(tmp_path):
    text = ("# 第 1 章 排序\n\n1. 比较以下两种排序：\n\n   | 算法 | 用时 |\n   | --- | --- |\n   | 冒泡 | 慢 |\n\n"
            "   冒泡更慢。\n\n2. 如下表，哪种更快？\n\n   | 算法 | 用时 |\n   | --- | --- |\n   | 快速 | 快 |\n\n   快速排序。\n")
    guide = read(tmp_path, text)
    assert [c.question for c in guide.cards] == [
        "比较以下两种排序：", "如下表，哪种更快？\n\n| 算法 | 用时 |\n| --- | --- |\n| 快速 | 快 |"]
    assert guide.cards[0].answer.startswith("| 算法 | 用时 |")
    assert guide.cards[1].answer == "快速排序。"


def test_a_container_after_text_under_a_heading_answers_the_text_not_the_heading(tmp_path):
    text = ("# Rust\n\n## Ownership\n\nWhat does the borrow checker prevent?\n\n::: details Answer\n"
            "Data races.\n:::\n\n## Why is `Rc` not `Send`?\n\n::: details Answer\nIts count is not atomic.\n:::\n")
    guide = read(tmp_path, text, ReadSettings(format="labels", markers=Markers(container="details")))
    assert cards(guide) == [("", "What does the borrow checker prevent?", "Data races.", "labels"),
                            ("", "Why is `Rc` not `Send`?", "Its count is not atomic.", "labels")]


def test_the_cloze_limit_of_a_file_counts_every_chapter_once(tmp_path, monkeypatch):
    """The characters of a file's cloze cards add up over its chapters, a chapter of two forms
    counted once (its parts, not the whole and then the parts), and the error is said once."""
    from studyguide.read.rules import cloze

    paragraph = " ".join(f"Term {k} is {{{{c{k + 1}::{k * 7}}}}}." for k in range(5))  # 5 cards
    per = 2 * 5 * len(paragraph)  # each card holds the paragraph as its question and its answer
    # the limit is checked against each paragraph's cost before its cards are made (`per`), and
    # counts that cost for the cards kept
    monkeypatch.setattr(cloze, "MAX_PER_FILE", int(2.2 * per))
    mixed = f"# Chapter 1 One\n\n## Asked\n\n1. What is X?\n   X.\n\n## Filled\n\n{paragraph}\n"
    # one chapter of two forms and one of cloze deletions: two paragraphs' worth, under the limit
    guide = read(tmp_path, mixed + f"\n# Chapter 2 Two\n\n{paragraph}\n")
    assert not notes(guide, "SG308") and len(guide.cards) == 11
    # a third and a fourth paragraph, in chapters of their own: the third passes the limit
    guide = read(tmp_path, mixed + "".join(f"\n# Chapter {k} More\n\n{paragraph}\n" for k in (2, 3, 4)),
                 lossless=False)
    [error] = notes(guide, "SG308")
    assert error.location.line == mixed.count("\n") + 1 + 7  # the third chapter's paragraph
    assert [len(chapter.cards) for chapter in guide.chapters] == [6, 5]  # the fourth says nothing more


def test_too_many_deletions_beside_numbered_questions_is_still_an_error(tmp_path):
    """A paragraph refused for its deletions still counts as the cloze reading's: the numbered
    questions beside it do not take its text in, with its markup, as an answer."""
    paragraph = " ".join(f"t{k} {{{{c{k}::v{k}}}}}" for k in range(1, 52))
    guide = read(tmp_path, f"# Chapter 1\n\n1. What is X?\n   X.\n\n2. What is Y?\n   Y too.\n\nFacts: {paragraph}.\n",
                 lossless=False)
    [error] = notes(guide, "SG308")
    assert "51 cloze deletions" in error.message and error.location.line == 9
