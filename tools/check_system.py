"""Make sure the system packages studyguide needs are there, installing them where we may.

`make` runs this before anything else (`build`), and `make test` again for what the tests need
(`test`). On Debian or Ubuntu, as root or where `sudo -n` works, it installs what is missing
with apt-get and says what it installs; otherwise it prints the one command to run and stops.
Runs with any Python 3 before the virtual environment exists; uses only the standard library.
"""

from __future__ import annotations

import ctypes.util
import glob
import importlib.util
import os
import shutil
import subprocess
import sys

FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.local/share/fonts"))


def library(stem: str):
    return lambda: ctypes.util.find_library(stem) is not None


def program(name: str):
    # cupsd and ippeveprinter live in /usr/sbin, often off a user's PATH
    return lambda: (shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")) is not None


def font(name: str):
    return lambda: any(glob.glob(f"{folder}/**/{name}", recursive=True) for folder in FONT_FOLDERS)


def module(name: str):
    return lambda: importlib.util.find_spec(name) is not None


# (needed by, Debian/Ubuntu package, is it there?, what it is for, Fedora package, Homebrew formula)
# Fedora and Homebrew names are given for what a build cannot do without; "" where there is none.
PACKAGES = [
    ("build", "python3-venv", module("ensurepip"), "creating the virtual environment", "", ""),
    ("build", "libpango-1.0-0", library("pango-1.0"), "text layout for WeasyPrint", "pango", "pango"),
    ("build", "libpangoft2-1.0-0", library("pangoft2-1.0"), "font loading for WeasyPrint", "pango", "pango"),
    ("build", "libharfbuzz0b", library("harfbuzz"), "text shaping", "harfbuzz", "harfbuzz"),
    # without it WeasyPrint cuts fonts down with fontTools, and every build takes five times as long
    ("build", "libharfbuzz-subset0", library("harfbuzz-subset"), "fast font subsetting in PDFs",
     "harfbuzz", "harfbuzz"),
    ("build", "libfontconfig1", library("fontconfig"), "font configuration", "fontconfig", "fontconfig"),
    ("build", "fonts-noto-cjk", font("NotoSansCJK-Regular.ttc"),
     "Traditional Chinese, Japanese and Korean faces (without it: the bundled Simplified Chinese)",
     "google-noto-sans-cjk-vf-fonts google-noto-serif-cjk-vf-fonts", "font-noto-sans-cjk"),
    ("build", "fonts-noto-color-emoji", font("NotoColorEmoji.ttf"), "emoji", "google-noto-emoji-color-fonts",
     "font-noto-color-emoji"),
    ("test", "qpdf", program("qpdf"), "checking PDF structure in the tests", "qpdf", "qpdf"),
    ("test", "poppler-utils", program("pdftoppm"), "PDF pages to pictures, and PDF fonts, in the tests",
     "poppler-utils", "poppler"),
    ("test", "chromium", program("chromium"), "trying the study page in a real browser in the tests",
     "chromium", "chromium"),
    ("test", "cups-ipp-utils", program("ippeveprinter"), "a stand-in printer for the printing tests",
     "cups-printerapp", ""),
    ("test", "cups-client", program("lp"), "sending to a printer", "cups-client", "cups"),
    ("test", "cups", program("cupsd"), "a private CUPS scheduler between lp and the stand-in printer",
     "cups", ""),
    ("test", "dbus-daemon", program("dbus-daemon"), "the private message bus the stand-in printer needs",
     "dbus-daemon", ""),
]
# what a build can do without when it cannot be installed (there is a slower or plainer way)
OPTIONAL = {"libharfbuzz-subset0", "fonts-noto-cjk", "fonts-noto-color-emoji"}


def missing(purpose: str) -> list[tuple]:
    wanted = ("build",) if purpose == "build" else ("build", "test")
    return [entry for entry in PACKAGES if entry[0] in wanted and not entry[2]()]


def installer() -> list[str] | None:
    """apt-get as root, or through sudo without a password; None when neither can be used."""
    if shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def install(prefix: list[str], packages: list[str]) -> bool:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print(f"Installing system packages: {' '.join(packages)}", flush=True)
    steps = [prefix + ["apt-get", "update", "-qq"],
             prefix + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]]
    for step in steps:
        if subprocess.run(step, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            print(f"`{' '.join(step)}` failed.")
            return False
    return True


def main() -> int:
    purpose = sys.argv[1] if len(sys.argv) > 1 else "build"
    if sys.version_info < (3, 11):
        print(f"studyguide needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
        return 1
    lacking = missing(purpose)
    if not lacking:
        return 0
    debs = [entry[1] for entry in lacking]
    prefix = installer()
    if prefix is not None and install(prefix, debs):
        lacking = missing(purpose)
        if not lacking:
            return 0
        print("Still missing after installing: " + ", ".join(entry[1] for entry in lacking))
    required = [entry for entry in lacking if entry[1] not in OPTIONAL]
    for _, deb, _, why, _, _ in lacking:
        print(f"  {deb}: {why}{'' if deb in required else ' (optional)'}")
    if shutil.which("apt-get"):
        print("\nInstall them with this one command, then run the same make command again:")
        print(f"  sudo apt-get install -y --no-install-recommends {' '.join(debs)}")
        return 1
    if not required:
        print("\nstudyguide works without them; the list above says what each adds.")
        return 0
    print("\nThis system has no apt-get. Install the packages that provide these with its own package "
          "manager, for example:")
    fedora = sorted({word for entry in lacking for word in entry[4].split()})
    brew = sorted({word for entry in lacking for word in entry[5].split()})
    if fedora:
        print(f"  Fedora: sudo dnf install {' '.join(fedora)}")
    if brew:
        print(f"  macOS:  brew install {' '.join(brew)}")
    print("Then run the same make command again.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
