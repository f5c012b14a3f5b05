"""`studyguide init`: a new guide folder to start from, or a copy of the layouts to edit.

Nothing here overwrites a file: everything that would be written is checked first, and a
folder that already holds any of it is refused with the list, before anything is written.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import MISSING, dataclass, fields, is_dataclass
from pathlib import Path
from typing import get_origin, get_type_hints

from ..config import CONFIG_NAME, Settings, find_config, load
from ..resources import LAYOUTS

HERE = Path(__file__).resolve().parent
# Languages a new guide can start in. Traditional Chinese is not offered: the bundled fonts
# cover GB 2312, so a zh-TW sample chapter would not build.
LANGUAGES = ("zh-CN", "en")
SAMPLE_CHAPTER = Path("content") / "ch01.md"
GITIGNORE_LINES = ("/out/", "/.cache/")


class ScaffoldError(Exception):
    """What stopped `init`, and how to go on; nothing was written."""


@dataclass(frozen=True)
class Written:
    path: Path
    what: str  # created | added to


def settings_toml(title: str) -> str:
    """studyguide.toml with every setting explained; all but the title left at their defaults."""
    lines = [
        "# studyguide settings for this guide. Every key is optional: a line starting with `# key =`",
        "# shows the default; remove the `# ` to change it. Options on the command line win over",
        "# this file (`studyguide build --help` lists them).",
    ]
    chosen = {("guide", "title"): title}
    hints = get_type_hints(Settings)
    for section in fields(Settings):
        if section.name == "source":
            continue
        cls = hints[section.name]
        lines += ["", f"[{section.name}]"]
        lines += _comment((cls.__doc__ or "").strip())
        for item in fields(cls):
            lines.append("")
            lines += _comment(_explained(item, get_type_hints(cls)[item.name]))
            default = item.default if item.default is not MISSING else item.default_factory()
            value = chosen.get((section.name, item.name), default)
            line = f"{item.name} = {_toml(value)}"
            lines.append(line if (section.name, item.name) in chosen else f"# {line}")
    return "\n".join(lines) + "\n"


def _explained(item, hint) -> str:
    meta = item.metadata
    text = meta.get("help", "")
    if meta.get("choices") and not all(str(choice) in text for choice in meta["choices"]):
        which = "any of" if (get_origin(hint) or hint) is list else "one of"
        text += f" ({which}: {', '.join(map(str, meta['choices']))})"
    if meta.get("minimum") is not None and meta.get("maximum") is not None:
        text += f" ({meta['minimum']:g} to {meta['maximum']:g})"
    return text


def _comment(text: str) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, 94)] if text else []


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if is_dataclass(value):  # a table inside a section, written inline: `markers = {question = "", …}`
        value = {item.name: getattr(value, item.name) for item in fields(value)}
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml(str(key))} = {_toml(item)}" if not str(key).isidentifier()
                               else f"{key} = {_toml(item)}" for key, item in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def guide_files(folder: Path, language: str) -> dict[Path, str]:
    """What a new guide starts with: settings, a sample chapter (.gitignore is handled apart)."""
    if language not in LANGUAGES:
        raise ScaffoldError(f"no sample chapter in {language}; choose one of {', '.join(LANGUAGES)}")
    title = folder.resolve().name
    sample = (HERE / f"sample-{language}.md").read_text(encoding="utf-8")
    return {folder / CONFIG_NAME: settings_toml(title), folder / SAMPLE_CHAPTER: sample}


def create_guide(folder: Path, language: str = "zh-CN") -> list[Written]:
    """A new guide in `folder` (made if missing): studyguide.toml, a sample chapter, .gitignore.

    An existing .gitignore gets the lines it lacks added at its end, as `cargo init` does.
    """
    files = guide_files(folder, language)
    taken = [path for path in files if path.exists()]
    if (folder / "pyproject.toml").is_file() and find_config(folder) == folder / "pyproject.toml":
        taken.append(folder / "pyproject.toml")
    content = folder / SAMPLE_CHAPTER.parent
    if content.is_dir() and any(content.rglob("*.md")):
        taken.append(content)
    if taken:
        raise ScaffoldError(_refusal(taken, "a guide is already there"))
    written = _write_new(files)
    gitignore = folder / ".gitignore"
    ours = (HERE / "gitignore").read_text(encoding="utf-8")
    if not gitignore.exists():
        written += _write_new({gitignore: ours})
    else:
        have = {line.strip() for line in gitignore.read_text(encoding="utf-8", errors="replace").splitlines()}
        missing = [line for line in GITIGNORE_LINES if line not in have]
        if missing:
            text = gitignore.read_text(encoding="utf-8", errors="replace")
            try:
                with gitignore.open("a", encoding="utf-8") as stream:
                    stream.write(("" if not text or text.endswith("\n") else "\n") + "\n".join(missing) + "\n")
            except OSError as exc:
                raise ScaffoldError(f"the guide was created, but {gitignore} could not be extended "
                                    f"({exc.strerror}): add {' and '.join(missing)} to it yourself") from None
            written.append(Written(gitignore, "added to"))
    return written


def layouts_folder(folder: Path) -> Path:
    """The guide's own layouts folder: build.layouts of its settings, if it has any."""
    settings = load(find_config(folder))
    chosen = Path(settings.build.layouts)
    return chosen if chosen.is_absolute() else folder / chosen


def copy_layouts(folder: Path) -> list[Written]:
    """Every built-in template, stylesheet and script, copied into the guide's layouts folder."""
    target = layouts_folder(folder)
    sources = sorted(p for p in LAYOUTS.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files = {target / source.relative_to(LAYOUTS): source.read_bytes() for source in sources}
    taken = [path for path in files if path.exists()]
    if taken:
        raise ScaffoldError(_refusal(taken, "layouts were copied there before"))
    return _write_new(files)


def _refusal(taken: list[Path], why: str) -> str:
    shown = "\n".join(f"  {path}" for path in taken[:10])
    more = f"\n  … and {len(taken) - 10} more" if len(taken) > 10 else ""
    return (f"{why}; these already exist:\n{shown}{more}\n"
            "Nothing was written: init never overwrites a file. Move them away, or choose another folder.")


def _write_new(files: dict[Path, str | bytes]) -> list[Written]:
    """Create each file, refusing any that appeared meanwhile; on failure remove what was made."""
    for path in files:
        blocking = next((parent for parent in reversed(path.parents) if parent.exists() and not parent.is_dir()), None)
        if blocking is not None:
            raise ScaffoldError(f"{blocking} is a file, not a folder; nothing was written")
    written: list[Written] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, str):
                data = data.encode("utf-8")
            with path.open("xb") as stream:  # x: fails if the file exists
                stream.write(data)
            written.append(Written(path, "created"))
    except OSError as exc:
        for done in written:
            done.path.unlink(missing_ok=True)
        raise ScaffoldError(f"cannot write {exc.filename}: {exc.strerror}; nothing was kept") from None
    return written
