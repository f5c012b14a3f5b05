"""The package's rooms: no two of studyguide's packages (or top-level modules) import each other,
directly or round a longer loop, and the low-level ones stay low. Read from the source with ast,
so an import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "studyguide"


def _module_name(path: Path) -> tuple[str, bool]:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _imported(path: Path) -> set[str]:
    """Every studyguide module or name the file imports, as a dotted name."""
    name, is_package = _module_name(path)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {target for target in found if target.startswith("studyguide.")}


def _room(dotted: str) -> str:
    """studyguide.layout.fit → layout; studyguide.config → config."""
    return dotted.split(".")[1]


def _room_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0].removesuffix(".py")


def _rooms() -> dict[str, dict[str, set[str]]]:
    """room → the rooms it imports → the files that do it (for the failure message)."""
    graph: dict[str, dict[str, set[str]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _room_of(path)
        graph.setdefault(source, {})
        for target in _imported(path):
            room = _room(target)
            is_room = (PACKAGE / room).is_dir() or (PACKAGE / f"{room}.py").is_file()
            if is_room and room != source:
                graph[source].setdefault(room, set()).add(str(path.relative_to(PACKAGE)))
    return graph


def _loops(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The strongly connected groups of more than one room (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    loops = []

    def visit(room: str) -> None:
        index[room] = low[room] = len(index)
        stack.append(room)
        for other in graph.get(room, {}):
            if other not in index:
                visit(other)
                low[room] = min(low[room], low[other])
            elif other in stack:
                low[room] = min(low[room], index[other])
        if low[room] == index[room]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == room:
                    break
            if len(group) > 1:
                loops.append(sorted(group))

    for room in sorted(graph):
        if room not in index:
            visit(room)
    return loops


def test_the_reader_of_imports_sees_the_rooms_and_their_imports():
    graph = _rooms()
    for room in ("read", "layout", "outputs", "printing", "geometry", "config", "check", "build"):
        assert room in graph
    assert "geometry" in graph["config"]  # `from .geometry.paper import …`, at the top of config.py
    assert "config" in graph["layout"]  # `from ..config import Settings`, two dots up
    assert "printing" in graph["outputs"]  # imports inside functions count too
    assert "layout/workbook.py" in graph["layout"]["config"]


def test_the_loop_finder_finds_a_loop():
    assert _loops({"a": {"b": set()}, "b": {"c": set()}, "c": {"a": set()}, "d": {"a": set()}}) == [["a", "b", "c"]]


def test_no_two_rooms_import_each_other():
    graph = _rooms()
    loops = _loops(graph)
    described = [" ⇄ ".join(loop) + ": " + "; ".join(sorted(f for a in loop for b in loop if b in graph[a]
                                                              for f in graph[a][b])) for loop in loops]
    assert not loops, "rooms importing each other:\n" + "\n".join(described)


@pytest.mark.parametrize("room, allowed", [
    # geometry is measured paper and places on it: it imports nothing of studyguide
    ("geometry", set()),
    # printing turns HTML into PDF files; it knows nothing of flashcards or of any layout
    ("printing", {"fonts", "diagnostics", "model", "resources"}),
])
def test_low_rooms_stay_low(room, allowed):
    graph = _rooms()
    assert room in graph
    assert set(graph[room]) <= allowed, {other: graph[room][other] for other in set(graph[room]) - allowed}


def test_the_check_stage_uses_no_later_stage_and_not_the_command_lines_printer():
    graph = _rooms()
    assert {"markdown", "images"} <= set(graph["check"])  # the Markdown renderer itself, with the image rules
    assert not set(graph["check"]) & {"layout", "outputs", "printing", "report", "cli", "build"}


def _strings(path: Path) -> list[str]:
    """The string literals of a module's code, its docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_printing_names_no_output_and_no_file():
    files = sorted((PACKAGE / "printing").glob("*.py"))
    assert files
    strings = [text for path in files for text in _strings(path)]
    assert "/DuplexFlipLongEdge" in strings  # what printing does own: how a viewer should print
    named = [text for text in strings if "flashcard" in text.lower() or re.search(r"\.(pdf|tsv|apkg|html)$", text)]
    assert not named



def test_a_plan_and_the_context_cannot_be_changed_by_an_output():
    """What an output finds it returns (with its plan, and with each step its `then` takes), and a
    job's name for the progress bar travels with the job: nothing is written into what outputs share."""
    import dataclasses

    from studyguide.outputs import Context, Plan, Step
    from studyguide.printing.pool import Job

    assert {"diagnostics", "labels"}.isdisjoint(field.name for field in dataclasses.fields(Context))
    context = Context(*[None] * 10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.cache = object()
    plan = Plan([Job("a", "", "", (), b"", label="first")], lambda rendered: {}, cards={"a.pdf": 3})
    assert plan.jobs[0].label == "first" and plan.then(None) == Step((), ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.findings = ()
    with pytest.raises(AttributeError):
        plan.jobs.append(plan.jobs[0])  # a tuple
    with pytest.raises(TypeError):
        plan.cards["b.pdf"] = 1


def test_the_check_command_loads_no_code_of_the_later_stages(tmp_path):
    """`check` reads and checks; it needs no output's, renderer's or joiner's code, and loading it
    (a third of a second) would only make it slower."""
    import subprocess
    import sys

    from conftest import CONTENT, ROOT

    code = ("import sys; from studyguide import cli; status = cli.main(['check', '-q', sys.argv[1]]); "
            "later = ('studyguide.build', 'studyguide.outputs', 'studyguide.printing', 'studyguide.layout', "
            "'pikepdf', 'weasyprint', 'jinja2'); "
            "print(status, sorted(m for m in sys.modules if m.startswith(later)))")
    result = subprocess.run([sys.executable, "-c", code, str(CONTENT)], capture_output=True, text=True, cwd=ROOT,
                            env={**__import__("os").environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 []", result.stdout
