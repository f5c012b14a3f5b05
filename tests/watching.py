"""A `studyguide watch` process under test: its output read line by line as it comes."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time

from conftest import ROOT, interruptible


class Session:
    """`compile.py watch` running in `folder`; the test sends it Ctrl-C with `stop()`."""

    def __init__(self, folder, *args: str, env: dict | None = None) -> None:
        self.process = subprocess.Popen([sys.executable, str(ROOT / "compile.py"), "watch", *args], cwd=folder,
                                        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        bufsize=1, preexec_fn=interruptible)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, seconds: float = 90) -> list[str]:
        """Lines up to and including the first that `pattern` (a regular expression) finds."""
        deadline = time.monotonic() + seconds
        got = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if re.search(pattern, line):
                return got
        raise AssertionError(f"no {pattern!r} within {seconds} s; saw:\n" + "\n".join(self.seen))

    def rebuilt(self) -> list[str]:
        """The lines of the build a change set off, up to its summary or its failure."""
        self.wait_for("^changed:")
        return self.wait_for(r"\d+ chapters?, \d+ cards?|nothing was written")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
