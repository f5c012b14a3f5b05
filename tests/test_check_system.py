"""tools/check_system.py: what `make` does about missing system packages, on any machine.

The machine's own state is replaced by stand-ins: which packages are "there", whether we are
root, and what apt-get "does", so every branch runs without installing anything.
"""

from __future__ import annotations

import importlib.util
import subprocess

import pytest

from conftest import ROOT


@pytest.fixture
def tool(monkeypatch):
    spec = importlib.util.spec_from_file_location("check_system", ROOT / "tools" / "check_system.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    installed = {entry[1] for entry in module.PACKAGES}
    module.installed = installed
    module.PACKAGES = [(need, deb, (lambda deb=deb: deb in installed), why, fedora, brew)
                       for need, deb, _, why, fedora, brew in module.PACKAGES]
    module.commands = []

    def run(command, **kwargs):
        module.commands.append(command)
        if command[-1] != "true" and "install" in command:
            installed.update(command[command.index("--no-install-recommends") + 1:])
        return subprocess.CompletedProcess(command, 0, b"", b"")

    monkeypatch.setattr(module.subprocess, "run", run)
    monkeypatch.setattr(module.shutil, "which", lambda name: f"/usr/bin/{name}")
    return module


def test_nothing_happens_when_everything_is_there(tool, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["check_system.py", "test"])
    assert tool.main() == 0
    assert tool.commands == [] and capsys.readouterr().out == ""


def test_as_root_it_installs_what_is_missing_and_says_what(tool, monkeypatch, capsys):
    tool.installed -= {"libharfbuzz-subset0", "fonts-noto-cjk", "qpdf"}
    monkeypatch.setattr(tool.os, "geteuid", lambda: 0)
    monkeypatch.setattr("sys.argv", ["check_system.py", "test"])
    assert tool.main() == 0
    out = capsys.readouterr().out
    assert "Installing system packages: libharfbuzz-subset0 fonts-noto-cjk qpdf" in out
    assert tool.commands[0] == ["apt-get", "update", "-qq"]
    assert tool.commands[1][:2] == ["apt-get", "install"] and tool.commands[1][-3:] == [
        "libharfbuzz-subset0", "fonts-noto-cjk", "qpdf"]


def test_a_build_does_not_install_what_only_the_tests_need(tool, monkeypatch, capsys):
    tool.installed -= {"chromium", "libpango-1.0-0"}
    monkeypatch.setattr(tool.os, "geteuid", lambda: 0)
    monkeypatch.setattr("sys.argv", ["check_system.py", "build"])
    assert tool.main() == 0
    assert tool.commands[1][-1] == "libpango-1.0-0" and "chromium" not in tool.commands[1]


def test_with_sudo_without_a_password_it_uses_sudo(tool, monkeypatch):
    tool.installed -= {"poppler-utils"}
    monkeypatch.setattr(tool.os, "geteuid", lambda: 1000)
    monkeypatch.setattr("sys.argv", ["check_system.py", "test"])
    assert tool.main() == 0
    assert tool.commands[0] == ["sudo", "-n", "true"]
    assert tool.commands[2][:3] == ["sudo", "-n", "apt-get"] and tool.commands[2][-1] == "poppler-utils"


def test_without_root_or_sudo_it_prints_the_one_command_and_stops(tool, monkeypatch, capsys):
    tool.installed -= {"libharfbuzz-subset0", "chromium"}
    monkeypatch.setattr(tool.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(tool.subprocess, "run", lambda command, **kwargs: subprocess.CompletedProcess(command, 1))
    monkeypatch.setattr("sys.argv", ["check_system.py", "test"])
    assert tool.main() == 1
    out = capsys.readouterr().out
    commands = [line.strip() for line in out.splitlines() if line.strip().startswith("sudo apt-get")]
    assert commands == ["sudo apt-get install -y --no-install-recommends libharfbuzz-subset0 chromium"]


def test_without_apt_it_names_the_packages_of_other_systems(tool, monkeypatch, capsys):
    tool.installed -= {"libpango-1.0-0"}
    monkeypatch.setattr(tool.shutil, "which", lambda name: None if name == "apt-get" else f"/usr/bin/{name}")
    monkeypatch.setattr("sys.argv", ["check_system.py", "build"])
    assert tool.main() == 1
    out = capsys.readouterr().out
    assert "sudo dnf install pango" in out and "brew install pango" in out


def test_the_real_machine_passes_the_check():
    result = subprocess.run(["python3", str(ROOT / "tools" / "check_system.py"), "build"], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout
