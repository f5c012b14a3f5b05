import pytest

from studyguide.read.headings import parse_heading


@pytest.mark.parametrize("text, number, title", [
    ("第 1 章-人工神经网络基础", 1, "人工神经网络基础"),
    ("第五章-图像分类的迁移学习", 5, "图像分类的迁移学习"),
    ("第十六章-结合计算机视觉和强化学习", 16, "结合计算机视觉和强化学习"),
    ("第 2 章- PyTorch 基础知识", 2, "PyTorch 基础知识"),
    ("第五章：图像", 5, "图像"),
    ("第 3 章，卷积", 3, "卷积"),
    ("第九十九章 最后", 99, "最后"),
    ("Chapter 4 – Convolutions", 4, "Convolutions"),
    ("Chapter 12: GANs", 12, "GANs"),
    ("4. Transfer learning", 4, "Transfer learning"),
    ("第 10 章", 10, ""),
])
def test_numbered_headings(text, number, title):
    heading = parse_heading(text)
    assert (heading.number, heading.title, heading.numbered) == (number, title, True)


@pytest.mark.parametrize("text", ["答案", "Chapter Questions", "12 Monkeys", "3D 视觉", "第一部分"])
def test_headings_without_a_chapter_number(text):
    heading = parse_heading(text)
    assert heading.number is None and heading.title == text and not heading.numbered
