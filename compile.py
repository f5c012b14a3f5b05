#!/usr/bin/env python3
"""Compile the study guide in content/ into out/: `python compile.py --help` for the options."""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

try:
    import weasyprint  # noqa: F401  (only to see whether the dependencies are installed)
except ImportError:
    venv_python = HERE / ".venv" / "bin" / "python"
    if venv_python.exists() and Path(sys.executable).resolve() != venv_python.resolve():
        os.execv(str(venv_python), [str(venv_python), str(HERE / "compile.py"), *sys.argv[1:]])
    sys.exit("studyguide is not installed yet: run `make` first (see README.md).")
except OSError as exc:  # Pango or another system library is missing
    sys.exit(f"studyguide cannot load a system library ({exc}).\n"
             "Run `python3 tools/check_system.py` to see what to install.")

sys.path.insert(0, str(HERE))
from studyguide.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
