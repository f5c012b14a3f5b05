"""Every way of writing questions and answers the reader promises to read, with the exact cards.

Each fixture in tests/fixtures/forms/ is one form (the README's "Writing content" shows them);
each expected card is (chapter number, question number as written, question, answer).
"""

from pathlib import Path

import pytest

from conftest import FIXTURES
from lossless import unaccounted
from studyguide.read import read_guide

FORMS = FIXTURES / "forms"

EXPECTED = {
    # 1. numbered lists: answer on the same line, on the next indented lines, or in indented
    #    paragraphs after a blank line
    "01-numbered.md": [
        (1, "1", "神经网络中的各层是什么？", "输入层、隐藏层和输出层。"),
        (1, "2", "前馈传播的输出是什么？", "帮助计算损失值的预测。"),
        (1, "3", "什么是随机梯度下降？", "一种减少损失的过程，\n每次用一小批数据估计梯度。"),
        (1, "4", "学习率如何影响训练？", "过高会使权重爆炸。\n\n过低则几乎学不到东西。"),
        (1, "5", "What does backpropagation compute?",
         "The gradient of the loss with respect to every weight."),
    ],
    # 2. the answer as unindented paragraphs after a blank line (CommonMark ends the list)
    "02-unindented-answers.md": [
        (3, "1", "What is a convolution?",
         "A multiplication of two matrices, slid over the image.\n\nIt shares weights across positions."),
        (3, "2", "What does pooling do?",
         "It shrinks the feature map and makes the model tolerate small shifts."),
        (3, "3", "为什么要填充？", "为了保持输出的大小。"),
        (3, "4", "步长是什么？", "卷积核每次移动的像素数。"),
        (4, "1", "Why freeze layers?", "So that the pretrained weights do not change."),
    ],
    # 3. more than one question mark on the question's line
    "03-several-questions.md": [
        (2, "1", "张量可以放在 GPU 上吗？ 如何实现的？", '可以，调用 `tensor.to("cuda")`。'),
        (2, "2", "为什么要清零梯度？ 不清零会怎样？", "梯度会累加，更新会出错。"),
        (2, "3", "可以共享权重吗？ 如何共享？", "在两个层里使用同一个模块即可。"),
        (2, "4", "Can a model run on a CPU? Is it slower?", "Yes; usually several times slower."),
        (2, "5", "模型可以导出吗？", "可以。"),
        (2, "6", "数据集类由哪些函数构成？\n它和数据加载器有什么关系？",
         "`__len__` 和 `__getitem__`；数据加载器按批调用它们。"),
    ],
    # 4. tasks rather than questions; answers that are only code, or start with a label
    "04-tasks.md": [
        (5, "1", "Print each item of a list on its own line.",
         "```python\nfor item in items:\n    print(item)\n```"),
        (5, "2", "Sum the numbers from 1 to 100.", "`sum(range(1, 101))`, which is 5050."),
        (5, "3", "请自己尝试一下。", "运行 `python train.py`，观察损失的变化。"),
        (5, "4", "写出交叉熵的公式。", "**H(p, q) = -Σ p log q**"),
        (5, "5", "列出三种激活函数。", "ReLU、Sigmoid 和 Tanh。"),
    ],
    # 5. a question that holds a code block before its answer
    "05-code-in-question.md": [
        (3, "1", "下面的代码输出什么？\n\n```python\nprint(len([1, 2, 3]))\n```", "输出 3。"),
        (3, "2", 'What does this print?\n\n```python\nprint("a" * 3)\n```', "`aaa`"),
        (3, "3", "Explain the following code:\n\n```python\nsquares = [x * x for x in range(5)]\n```",
         "It builds a list of the squares of 0 to 4."),
        (3, "4", "如何打印列表中的每一项？", "```python\nfor item in items:\n    print(item)\n```"),
    ],
    # 6. explicit markers: Q:/A:, 问：/答：, bold labels, a label after the question mark
    "06-explicit-markers.md": [
        (6, "", "What is overfitting?",
         "Learning the training data so closely that new data is predicted badly."),
        (6, "", "Name one cure.", "More data."),
        (6, "", "什么是正则化？", "在损失中加入惩罚项，限制权重的大小。"),
        (6, "", "What is dropout?", "Randomly switching off units while training."),
        (6, "", "什么是批量归一化？", "对每一批的激活做标准化。"),
        (6, "", "Summarise early stopping.",
         "Stop training when the validation loss stops falling.\n\nIt needs a validation set."),
    ],
    # 6. the heading form: a heading that asks is the question, the text under it the answer
    "07-question-headings.md": [
        (1, "", "什么是张量？", "张量是多维数组。\n\n它可以放在 GPU 上。"),
        (1, "", "为什么需要激活函数？",
         "引入非线性，否则多层网络等价于一层。\n\n### 例子\n\n没有激活函数时，两层线性变换的乘积仍是线性变换。"),
    ],
    # 7. chapter headings of many kinds, under a wrapper heading
    "08-chapter-headings.md": [
        (1, "1", "什么是机器学习？", "从数据中学习规律。"),
        (5, "1", "什么是迁移学习？", "复用预训练模型。"),
        (3, "1", "什么是卷积核？", "一个小矩阵。"),
        (4, "1", "What is IoU?", "Intersection over union."),
        (7, "1", "What is a mask?", "A label for every pixel."),
        (99, "1", "这是第几章？", "第九十九章。"),
        (11, "1", "十一怎么写？", "十一。"),
    ],
    # 7. titles without numbers are numbered in order; `#` chapters under a `#` wrapper
    "09-unnumbered-chapters.md": [
        (1, "1", "What is a variable?", "A name bound to a value."),
        (2, "1", "What is a function?", "A named block of code."),
        (3, "1", "What is a class?", "A blueprint for objects."),
    ],
    # 7. chapters at `###` under two wrappers, with a `####` section inside one
    "10-deep-chapters.md": [
        (1, "1", "什么是向量？", "有方向的量。"),
        (2, "1", "什么是概率？", "事件发生的可能性。"),
    ],
    # 7. prose and sections without questions make no cards
    "11-notes-and-prose.md": [
        (4, "1", "卷积是怎么做的？", "两个矩阵之间的乘法。"),
        (4, "2", "池化有什么用？", "减少特征图大小。"),
    ],
    # 8. every item numbered `1.`; an answer with its own numbered steps
    "12-numbering.md": [
        (8, "", "什么是梯度爆炸？", "梯度在反向传播中越来越大。"),
        (8, "", "如何缓解梯度爆炸？", "梯度裁剪。"),
        (8, "", "如何配置混合精度训练？", "1.配置 `torch.cuda.amp`\n2。验证损失没有变成 NaN"),
    ],
    # 8. numbers that repeat and skip, steps that restart at 1, an unnumbered question
    "13-numbering-quirks.md": [
        (9, "1", "What is a float?", "A number with a fractional part."),
        (9, "2", "What is an integer?", "A whole number."),
        (9, "2", "What is a complex number?", "A number with a real and an imaginary part."),
        (9, "5", "How do I install NumPy?", "1. Open a terminal.\n2. Run `pip install numpy`."),
        (9, "6", "What is NaN?", "Not a number."),
        (9, "", "What is infinity?", "A value larger than every finite float."),
        (9, "7", "What is overflow?", "A result too large to represent."),
    ],
    # 9. front matter: title and chapter number for a file without a heading
    "14-front-matter.md": [
        (16, "1", "给定状态的值是如何计算的？", "通过计算该状态下的预期回报。"),
        (16, "2", "Q 表是如何填充的？", "通过计算所有状态的期望报酬。"),
    ],
    # numbers CommonMark does not see as lists: `1、`, `3.` without a space, `(4)`
    "15-pseudo-numbers.md": [
        (10, "1", "什么是动量？", "累积之前的梯度方向。"),
        (10, "2", "什么是 Adam？", "结合动量和自适应学习率的优化器。"),
        (10, "3", "学习率衰减有什么用？", "后期用更小的步长收敛。"),
        (10, "4", "什么是权重衰减？", "在损失中加入权重的 L2 惩罚。"),
    ],
    # a bullet list of questions
    "16-bullets.md": [
        (11, "", "What is a tensor?", "A multi-dimensional array."),
        (11, "", "What is autograd?", "Automatic differentiation of tensor operations."),
        (11, "", "Why use a GPU?", "Many operations run in parallel."),
    ],
    # an English book's assessments: `## Chapter N` without titles, unindented answers
    "17-assessments.md": [
        (1, "1", "What are the three layers of a neural network?", "The input, hidden, and output layers."),
        (1, "2", "What is the output of feedforward propagation?",
         "A prediction that helps calculate the loss value."),
        (2, "1", "Why convert integers to floats?", "Because `nn.Linear` only accepts floats."),
    ],
    # course notes: bold numbered questions, `---` separators, Question/Answer, Q4./A4.
    "18-course-notes.md": [
        (1, "1", "**What is a hash table?**", "A table that maps keys to values using a hash function."),
        (1, "2", "**What is the average lookup time?**", "O(1)."),
        (1, "3", "What is a collision?", "Two keys hashing to the same slot."),
        (1, "4", "How are collisions resolved?", "Chaining or open addressing."),
        (1, "5", "What is load factor?", "Entries divided by slots."),
    ],
    # a translated book's appendix: `# 评估` wrapper, pandoc-style indented answers
    "19-book-appendix.md": [
        (1, "1", "什么是张量？", "张量是多维数组。"),
        (1, "2", "如何把张量移到 GPU？", '```python\nx = x.to("cuda")\n```'),
        (2, "1", "什么是损失函数？", "衡量预测与真实值差距的函数。"),
        (2, "2", "常见的优化器有哪些？", "*   SGD\n*   Adam"),
        (2, "3", "如何防止过拟合？请列举三种方法。", "正则化、Dropout、数据增强。"),
    ],
    # Chinese exercise numbering and bracket labels: `第 1 题：`, `【问题】…【答案】…`
    "20-chinese-labels.md": [
        (3, "1", "什么是过拟合？", "训练集好、测试集差。"),
        (3, "2", "什么是欠拟合？", "模型太简单。"),
        (3, "", "什么是正则化？", "限制模型复杂度。"),
        (3, "4", "什么是早停？", "验证损失不再下降时停止训练。"),
    ],
    # one chapter in two parts, each numbered from 1: the heading on top is the chapter
    "21-parts.md": [
        (1, "1", "哪个是激活函数？", "ReLU。"),
        (1, "1", "什么是梯度？", "导数的推广。"),
    ],
}


def read(path: Path):
    return read_guide([path], base=path.parent)


def test_every_fixture_has_its_expectation():
    assert sorted(p.name for p in FORMS.glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_cards(name):
    guide = read(FORMS / name)
    got = [(c.chapter, c.number, c.question, c.answer) for c in guide.cards]
    assert got == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_text_is_lost(name):
    guide = read(FORMS / name)
    assert unaccounted(guide, FORMS / name, Path(name)) == []


# 13 has numbering quirks on purpose: test_numbers_that_repeat_or_skip_are_reported
@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"13-numbering-quirks.md"}))
def test_well_formed_forms_have_no_warnings(name):
    guide = read(FORMS / name)
    assert [str(d) for d in guide.diagnostics if d.severity.name != "NOTE"] == []


def test_chapter_titles_and_numbers_from_many_heading_kinds():
    guide = read(FORMS / "08-chapter-headings.md")
    assert [(c.number, c.title) for c in guide.chapters] == [
        (1, "引言"), (5, "迁移学习"), (3, "卷积"), (4, "Detection"), (7, "Segmentation"),
        (99, "最后一章"), (11, "补充")]


def test_titles_without_numbers_are_numbered_in_order():
    guide = read(FORMS / "09-unnumbered-chapters.md")
    assert [(c.number, c.title) for c in guide.chapters] == [(1, "Basics"), (2, "Functions"), (3, "Classes")]


def test_unnumbered_chapter_after_numbered_ones_takes_the_next_free_number(tmp_path):
    (tmp_path / "a.md").write_text("# Chapter 4: Trees\n\n1. What is a leaf?\n   A node without children.\n",
                                   encoding="utf-8")
    (tmp_path / "b.md").write_text("# Graphs\n\n1. What is an edge?\n   A link between nodes.\n",
                                   encoding="utf-8")
    (tmp_path / "c.md").write_text("# Chapter 5: Heaps\n\n1. What is a heap?\n   A tree with an order.\n",
                                   encoding="utf-8")
    guide = read_guide([tmp_path], base=tmp_path)
    assert [(c.number, c.title) for c in guide.chapters] == [(4, "Trees"), (6, "Graphs"), (5, "Heaps")]
    assert not [d for d in guide.diagnostics if d.code == "SG202"]


def test_sections_become_card_sections():
    guide = read(FORMS / "10-deep-chapters.md")
    assert [c.section for c in guide.cards] == ["向量", ""]


def test_wrappers_and_prose_are_noticed_not_carded():
    guide = read(FORMS / "11-notes-and-prose.md")
    chapter = guide.chapters[0]
    assert len(guide.chapters) == 1 and len(chapter.cards) == 2
    assert chapter.notes.startswith("本章的问题覆盖卷积和池化。")
    assert "1. 卷积层\n2. 池化层\n3. 全连接层" in chapter.notes
    assert "## 延伸阅读" in chapter.notes
    found = {(d.code, d.location.line, d.severity.name) for d in guide.diagnostics}
    assert found == {("SG204", 3, "NOTE"), ("SG203", 10, "NOTE"), ("SG203", 18, "NOTE"),
                     ("SG203", 23, "NOTE")}
    appendix = next(d for d in guide.diagnostics if d.location.line == 23)
    assert "附录：术语表" in appendix.message and "not printed" in appendix.message


def test_front_matter_gives_title_number_language_and_tags():
    chapter = read(FORMS / "14-front-matter.md").chapters[0]
    assert (chapter.number, chapter.title, chapter.language, chapter.tags) == \
        (16, "强化学习", "zh-CN", ("复习", "强化学习"))


def test_front_matter_overrides_the_heading_of_a_one_chapter_file(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("---\ntitle: 卷积网络\nchapter: 4\n---\n# 复习题\n\n1. 什么是卷积？\n   乘法。\n",
                    encoding="utf-8")
    guide = read(path)
    assert [(c.number, c.title) for c in guide.chapters] == [(4, "卷积网络")]
    assert guide.cards[0].location.line == 7


def test_numbers_that_repeat_or_skip_are_reported():
    guide = read(FORMS / "13-numbering-quirks.md")
    found = [(d.code, d.location.line) for d in guide.diagnostics]
    assert found == [("SG303", 7), ("SG304", 9)]
    assert "question number 2 is used twice" in guide.diagnostics[0].message
    assert "skip 3–4" in guide.diagnostics[1].message


def test_cards_know_their_source_lines():
    guide = read(FORMS / "02-unindented-answers.md")
    assert [(c.location.line, c.answer_line) for c in guide.cards] == [(3, 5), (9, 11), (13, 15), (16, 18),
                                                                      (22, 24)]
    assert all(c.location.path == Path("02-unindented-answers.md") for c in guide.cards)


def test_a_title_over_parts_is_one_chapter():
    guide = read(FORMS / "21-parts.md")
    assert [(c.number, c.title) for c in guide.chapters] == [(1, "复习题")]
    assert [c.section for c in guide.cards] == ["选择题", "简答题"]
