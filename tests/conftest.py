"""Shared fixtures: the seed, the repository's content, and one real build of it through the CLI."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "seed.txt"  # the course's questions as first received, in one file

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def rendered_pieces(result) -> dict[str, bool]:
    """piece → whether the build rendered it (False: taken from the cache), from its --verbose output."""
    found = {}
    for line in result.stderr.splitlines():
        match = re.match(r"\s+(\S+): \d+ pages, (from cache|[\d.]+ s)$", line)
        if match:
            found[match[1]] = match[2] != "from cache"
    return found


def interruptible() -> None:
    """For a child the test will send SIGINT (a Popen `preexec_fn`): a shell starts a background
    job with SIGINT ignored, Python then leaves it ignored, and the child would never see the
    signal; a user's Ctrl-C reaches a build started from a terminal, where it is not ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 300):
    """Run `python compile.py …` as a user would; returns the CompletedProcess."""
    return subprocess.run([sys.executable, str(ROOT / "compile.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session", autouse=True)
def own_cache_folder(tmp_path_factory) -> Path:
    """Builds under test keep their caches in a folder of the test run's, not in the user's."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """content/ built once into a temporary folder, through the command line."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("--out", str(out))
    assert result.returncode == 0, result.stderr + result.stdout
    return out


@pytest.fixture(scope="session")
def settings():
    """The repository's own studyguide.toml, which the default build reads."""
    from studyguide.config import load

    return load(ROOT / "studyguide.toml")


@pytest.fixture(scope="session")
def guide():
    from studyguide.read import read_guide

    return read_guide([CONTENT])


@pytest.fixture(scope="session")
def built_whole(tmp_path_factory) -> Path:
    """The workbook editions each rendered as one document, as small guides with one edition are."""
    out = tmp_path_factory.mktemp("whole")
    result = run_cli("--out", str(out), "--chunk-cards", "1000")
    assert result.returncode == 0, result.stderr + result.stdout
    return out


@pytest.fixture(scope="session")
def built_in_pieces(tmp_path_factory) -> Path:
    """The workbook editions rendered in pieces of 40 cards and joined, as large guides are."""
    out = tmp_path_factory.mktemp("pieces")
    result = run_cli("--out", str(out), "--chunk-cards", "40")
    assert result.returncode == 0, result.stderr + result.stdout
    return out
