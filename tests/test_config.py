"""Settings files: every kind of mistake gives the file, the key, what was expected, and a suggestion."""

import json
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from studyguide.config import ConfigError, find_config, json_schema, load


def _write(tmp_path, text: str, name: str = "studyguide.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, key, line, words", [
    ("[guide]\ntitel = \"x\"\n", "guide.titel", 2, ["unknown key", "did you mean `guide.title`?"]),
    ("[cards]\nflip = \"lengthwise\"\n", "cards.flip", 2, ["'lengthwise' is not one of long, short"]),
    ("[workbook]\nanswer_lines = \"four\"\n", "workbook.answer_lines", 2, ["expected an integer", "'four'"]),
    ("[workbook]\nanswer_lines = 500\n", "workbook.answer_lines", 2, ["above the maximum 60"]),
    ("[workbook]\npaper = \"a3-ish\"\n", "workbook.paper", 2, ["not in the expected form", "a4, letter"]),
    ("# a comment\n[wrokbook]\npaper = \"a4\"\n", "wrokbook", 2, ["unknown section",
                                                                  "did you mean `[workbook]`?"]),
    ("[build]\nchapters = \"1-3,x\"\n", "build.chapters", 2, ["not in the expected form"]),
    ("\n[guide]\ntitle = 3\n", "guide.title", 3, ["expected a string, got an integer 3"]),
    # nan passes every bound (each comparison with it is false), and ended in an internal error
    ("[cards]\nback_offset_x_mm = nan\n", "cards.back_offset_x_mm", 2, ["nan is not a number a setting can take"]),
    ("[cards]\ngap_mm = inf\n", "cards.gap_mm", 2, ["inf is not a number a setting can take"]),
])
def test_each_kind_of_mistake(tmp_path, text, key, line, words):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert caught.value.key == key
    assert message.startswith(f"{path}:{line}: `{key}`")
    for word in words:
        assert word in message


def test_broken_toml_names_the_line(tmp_path):
    path = _write(tmp_path, "[guide]\ntitle = \"unclosed\n")
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert f"{path}:2:" in str(caught.value) and "not valid TOML" in str(caught.value)


@pytest.mark.parametrize("name, text", [
    ("studyguide.toml", "[guide]\ntitle = \"x\"\nkeywords = " + "[" * 5000 + "]" * 5000 + "\n"),
    ("pyproject.toml", "[tool.studyguide.read]\n\nformat = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n"),
])
def test_settings_nested_too_deep_name_the_line_without_a_traceback(tmp_path, name, text):
    # Python's TOML reader recurses once per level: five thousand `[` ran it out of stack
    _write(tmp_path, text, name)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "ch01.md").write_text("# 第 1 章-栈\n\n1. 什么是栈？\n   后进先出。\n", encoding="utf-8")
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"{name}:3: not valid TOML for studyguide: arrays or tables nest too deeply" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_errors_reach_the_user_without_a_traceback(tmp_path):
    _write(tmp_path, "[guide]\ntitel = \"x\"\n")
    (tmp_path / "content").mkdir()
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2
    assert "did you mean `guide.title`?" in result.stderr and "Traceback" not in result.stderr


def test_the_command_line_wins_over_the_file(tmp_path):
    _write(tmp_path, "[workbook]\nanswer_space = \"box\"\n")
    from studyguide.config import override
    settings = override(load(tmp_path / "studyguide.toml"), {"workbook.answer_space": "grid"})
    assert settings.workbook.answer_space == "grid"
    with pytest.raises(ConfigError) as caught:
        override(settings, {"workbook.answer_space": "dots"})
    assert "not one of lines, box, grid, none" in str(caught.value)


def test_settings_in_pyproject(tmp_path):
    _write(tmp_path, "[project]\nname = \"x\"\n\n[tool.studyguide.guide]\ntitle = \"期末复习\"\n",
           name="pyproject.toml")
    path = find_config(tmp_path)
    assert path == tmp_path / "pyproject.toml"
    assert load(path).guide.title == "期末复习"
    _write(tmp_path, "[tool.studyguide.guide]\ntitel = 1\n", name="pyproject.toml")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path / "pyproject.toml")
    assert "did you mean `guide.title`?" in str(caught.value)


def test_published_schema_matches_the_settings():
    published = json.loads((ROOT / "docs" / "studyguide.schema.json").read_text(encoding="utf-8"))
    assert published == json_schema()
    workbook = published["properties"]["workbook"]["properties"]
    assert workbook["answer_space"]["enum"] == ["lines", "box", "grid", "none"]
    assert published["properties"]["guide"]["additionalProperties"] is False


def test_read_settings_reach_the_reader(tmp_path):
    path = _write(tmp_path, '[read]\nformat = "numbered"\n\n[read.files]\n"cards/*.md" = "separator"\n'
                  '"ch0[1-3].md" = "table"\n\n[read.markers]\nquestion = "**Q.**"\nanswer = "/\\\\*\\\\*A\\\\.?\\\\*\\\\*/"\n'
                  'tag = "#card"\ncontainer = "details"\nkey = true\n')
    from studyguide.read.settings import Markers, ReadSettings
    assert load(path).read.reading() == ReadSettings(
        "numbered", (("cards/*.md", "separator"), ("ch0[1-3].md", "table")),
        Markers("**Q.**", r"/\*\*A\.?\*\*/", "#card", "details", True))
    assert load(None).read.reading() == ReadSettings()


def test_the_formats_are_the_readers():
    from studyguide.config import READ_FORMATS
    from studyguide.read.settings import FORMATS
    assert READ_FORMATS == FORMATS


@pytest.mark.parametrize("text, key, line, words", [
    ('[read]\nformat = "flashcard"\n', "read.format", 2, ["'flashcard' is not one of auto, numbered"]),
    ('[read]\nformat = "tabel"\n', "read.format", 2, ["did you mean `table`?"]),
    ('[read.files]\n"a.md" = "cloze"\n"b/*.md" = "obsidian"\n', "read.files", 3,
     ["`b/*.md`: 'obsidian' is not one of", "one of: auto"]),
    ('[read.files]\n"../other/*.md" = "cloze"\n', "read.files", 2, ["not a pattern inside the content folder"]),
    ('[read]\nfiles = "cards/*.md"\n', "read.files", 2, ["expected a table"]),
    ('[read.markers]\n\nquestion = "/Q(\\\\d+/"\n', "read.markers.question", 3,
     ["/Q(\\d+/ is not a valid regular expression: missing ), unterminated subpattern",
      "or write the marker as plain text without the slashes"]),
    ('[read.markers]\nanswer = "/(A+)+:/"\n', "read.markers.answer", 2, ["repeats a group that itself repeats"]),
    # exponential without a nested `+`: alternatives or an optional part under a repetition
    ('[read]\nformat = "labels"\n\n[read.markers]\nquestion = "/(x|x)*y/"\nanswer = "A:"\n', "read.markers.question", 5,
     ["/(x|x)*y/ repeats a choice between alternatives, which can take hours", "rather than `/(Q|A)+:/`"]),
    ('[read.markers]\nquestion = "/(Q?\\\\d?)+:/"\n', "read.markers.question", 2, ["repeats a group that itself repeats"]),
    ('[read.markers]\nquestion = "/(\\\\w)\\\\1*:/"\n', "read.markers.question", 2, ["repeats a back-reference"]),
    ('[read.markers]\nanswer = "/A?\\\\s*/"\n', "read.markers.answer", 2,
     ["/A?\\s*/ can match no text at all, so it would mark every line", "at least one character"]),
    ('[read.markers]\nquestion = "/\\\\b/"\n', "read.markers.question", 2, ["can match no text at all"]),
    ('[read.markers]\nquestoin = "Q."\n', "read.markers.questoin", 2, ["did you mean `read.markers.question`?"]),
    ('[read.markers]\ntag = "card"\n', "read.markers.tag", 2, ["not in the expected form", "#card"]),
    ('[read]\nmarkers = {question = "/[/"}\n', "read.markers.question", 2, ["not a valid regular expression"]),
    ('[read]\nmarkers = "Q:"\n', "read.markers", 2, ["expected a table such as `[read.markers]`"]),
    ('[tool.studyguide.read]\nformat = "csv"\n', "read.format", 2, ["is not one of"]),
])
def test_read_setting_mistakes(tmp_path, text, key, line, words):
    name = "pyproject.toml" if text.startswith("[tool.") else "studyguide.toml"
    path = _write(tmp_path, text, name)
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert caught.value.key == key
    assert message.startswith(f"{path}:{line}: `{key}`"), message
    for word in words:
        assert word in message, message


def test_a_bad_read_setting_stops_the_build_with_exit_2(tmp_path):
    _write(tmp_path, '[read.markers]\nquestion = "/(Q/"\n')
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "ch1.md").write_text("# 第 1 章\n\n1. 问题？\n   答案。\n", encoding="utf-8")
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "studyguide.toml:2: `read.markers.question`" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("paper", ["1x1mm", "99999999x99999999mm"])
def test_a_workbook_paper_no_page_can_have_is_refused_by_check(tmp_path, paper):
    """The form `WxH mm` passes the setting's pattern; the size is checked before reading, as for
    the cards, not by the build nine seconds in."""
    _write(tmp_path, f'[guide]\ntitle = "x"\n\n[workbook]\n# the sheet\npaper = "{paper}"\n')
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "ch1.md").write_text("# 第 1 章\n\n1. 问题？\n   答案。\n", encoding="utf-8")
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"studyguide.toml:6: `workbook.paper`: paper '{paper}' is outside 50–1000 mm" in result.stderr
    assert "(a paper's sides are 50 to 1000 mm" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_back_offset_of_nan_on_the_command_line_is_exit_2(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "ch1.md").write_text("# 第 1 章\n\n1. 问题？\n   答案。\n", encoding="utf-8")
    result = run_cli("--back-offset", "nan,0", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "cards.back_offset_x_mm" in result.stderr and "nan is not a number" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr

