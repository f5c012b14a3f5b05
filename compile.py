#!/usr/bin/env python3
"""Compile the study guide in content/ into out/: `python compile.py --help` for the options."""

import importlib.util
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Only look for the dependencies here (importing WeasyPrint takes most of a second, and a build
# with nothing to do should not pay for it); run from the project's .venv if this Python lacks them.
if importlib.util.find_spec("weasyprint") is None:
    venv_python = HERE / ".venv" / "bin" / "python"
    if venv_python.exists() and Path(sys.executable).resolve() != venv_python.resolve():
        os.execv(str(venv_python), [str(venv_python), str(HERE / "compile.py"), *sys.argv[1:]])
    sys.exit("studyguide is not installed yet: run `make` first (see README.md).")

sys.path.insert(0, str(HERE))

if __name__ == "__main__":
    # imported here, not above: rendering workers run this file too, and need none of it
    from studyguide.cli import main

    sys.exit(main())
