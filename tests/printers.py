"""Virtual printers for the print tests: CUPS's own `ippeveprinter` (Debian: cups-ipp-utils) as
the printer, behind a private `cupsd` (Debian: cups) that `lp` talks to, all on free ports of
localhost and in one temporary folder.

    lp (studyguide) → cupsd (raw queue: the job's file and attributes pass unchanged)
                    → ippeveprinter, which keeps each job's document (-k) and attributes

ippeveprinter is built with Avahi and refuses to start without a D-Bus bus to reach it through,
even when told not to advertise (`-r off`), so it gets a private bus of its own.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# program → the Debian package that has it
PROGRAMS = {"ippeveprinter": "cups-ipp-utils", "ipptool": "cups-ipp-utils", "cupsd": "cups",
            "lpadmin": "cups-client", "lp": "cups-client", "dbus-daemon": "dbus-daemon"}

# what the virtual printers accept: the papers studyguide prints on, and one custom size
MEDIA = "iso_a4_210x297mm,na_letter_8.5x11in,iso_a5_148x210mm,iso_b5_176x250mm,Custom.180x250mm"

_GET_JOBS = """{
  OPERATION Get-Jobs
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR keyword which-jobs all
  ATTR keyword requested-attributes job-id
  STATUS successful-ok
}
"""

_GET_JOB = """{
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR integer job-id $job_id
  ATTR keyword requested-attributes all
  STATUS successful-ok
}
"""


def missing_programs() -> list[str]:
    return [f"{name} ({package})" for name, package in PROGRAMS.items()
            if shutil.which(name) is None and not Path("/usr/sbin", name).exists()]


def _program(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start listening on port {port}")


@dataclass
class Printer:
    name: str
    uri: str
    spool: Path
    folder: Path

    def _ask(self, test: str, *variables: str) -> list[tuple[str, str]]:
        path = self.folder / "ask.test"
        path.write_text(test, encoding="utf-8")
        options = [part for variable in variables for part in ("-d", variable)]
        answer = subprocess.run([_program("ipptool"), "-tv", *options, self.uri, str(path)], capture_output=True,
                                text=True, timeout=30)
        received = answer.stdout.split("RECEIVED:", 1)[-1]
        return re.findall(r"^\s+([a-z0-9-]+) \([^)]*\) = (.*)$", received, re.MULTILINE)

    def jobs(self) -> list[dict[str, str]]:
        """Every job the printer received, oldest first: its attributes as ipptool shows them."""
        ids = sorted(int(value) for key, value in self._ask(_GET_JOBS) if key == "job-id")
        return [dict(self._ask(_GET_JOB, f"job_id={number}")) for number in ids]

    def wait_for(self, count: int, timeout: float = 60) -> list[dict[str, str]]:
        """The jobs, once `count` of them have been printed to the end."""
        deadline = time.monotonic() + timeout
        jobs: list[dict[str, str]] = []
        while time.monotonic() < deadline:
            jobs = self.jobs()
            if len(jobs) >= count and all(job.get("job-state") == "completed" for job in jobs):
                return jobs
            time.sleep(0.3)
        raise AssertionError(f"{self.name} received {len(jobs)} of {count} jobs: {jobs}")

    def document(self, job: dict[str, str]) -> bytes:
        """The bytes the printer received for a job."""
        found = sorted(self.spool.glob(f"{job['job-id']}-*.pdf"))
        assert len(found) == 1, f"job {job['job-id']}: {list(self.spool.iterdir())}"
        return found[0].read_bytes()


class VirtualPrinters:
    """A private CUPS with two queues: `Duplex` (prints both sides) and `Simplex` (one side only)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: list[subprocess.Popen] = []
        self.printers: dict[str, Printer] = {}
        self.env = dict(os.environ)

    def start(self) -> "VirtualPrinters":
        bus = self.folder / "bus"
        self._spawn("dbus", [_program("dbus-daemon"), "--session", f"--address=unix:path={bus}", "--nofork"])
        deadline = time.monotonic() + 10
        while not bus.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        for name, sides in (("Duplex", "one-sided,two-sided-long-edge,two-sided-short-edge"),
                            ("Simplex", "one-sided")):
            self._printer(name, sides, f"unix:path={bus}")
        self.port = self._cupsd()
        self.env["CUPS_SERVER"] = f"localhost:{self.port}"
        for name, printer in self.printers.items():
            subprocess.run([_program("lpadmin"), "-p", name, "-E", "-v", printer.uri, "-m", "raw"],
                           env=self.env, check=True, capture_output=True, timeout=30)
        subprocess.run([_program("lpadmin"), "-d", "Duplex"], env=self.env, check=True, capture_output=True,
                       timeout=30)
        return self

    def _spawn(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = self.folder / f"{name}.log"
        process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
        self.processes.append(process)
        return process

    def _printer(self, name: str, sides: str, bus: str) -> None:
        folder = self.folder / name
        spool = folder / "spool"
        spool.mkdir(parents=True)
        attributes = folder / "printer.conf"
        attributes.write_text(f"ATTR keyword media-supported {MEDIA}\n"
                              f"ATTR keyword sides-supported {sides}\n"
                              "ATTR mimeMediaType document-format-supported application/pdf\n", encoding="utf-8")
        port = _free_port()
        # -c /bin/true: "print" instantly; -k: keep each job's document in the spool folder
        process = self._spawn(name, [_program("ippeveprinter"), "-k", "-d", str(spool), "-p", str(port),
                                     "-n", "localhost", "-r", "off", "-a", str(attributes), "-c", "/bin/true",
                                     name], env={**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": bus})
        _wait_for_port(port, process, f"ippeveprinter {name}", self.folder / f"{name}.log")
        self.printers[name] = Printer(name, f"ipp://localhost:{port}/ipp/print", spool, folder)

    def _cupsd(self) -> int:
        # cupsd runs its backends as the lp user, who must reach the spooled files: a folder of
        # its own under the system's temporary folder (pytest's are private to their user)
        root = Path(tempfile.mkdtemp(prefix="studyguide-cups-"))
        self.cups = root
        for sub in ("spool", "cache", "state", "log", "tmp"):
            (root / sub).mkdir(parents=True)
        port = _free_port()
        (root / "cupsd.conf").write_text(
            f"Listen localhost:{port}\nBrowsing Off\nWebInterface No\nDefaultAuthType None\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n", encoding="utf-8")
        (root / "cups-files.conf").write_text(
            f"ServerRoot {root}\nRequestRoot {root / 'spool'}\nCacheDir {root / 'cache'}\n"
            f"StateDir {root / 'state'}\nTempDir {root / 'tmp'}\nErrorLog {root / 'log' / 'error_log'}\n"
            f"AccessLog {root / 'log' / 'access_log'}\nPageLog {root / 'log' / 'page_log'}\n"
            "ServerBin /usr/lib/cups\nDataDir /usr/share/cups\n", encoding="utf-8")
        for path in [root, *root.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o666)
        process = self._spawn("cupsd", [_program("cupsd"), "-f", "-c", str(root / "cupsd.conf"),
                                        "-s", str(root / "cups-files.conf")])
        _wait_for_port(port, process, "cupsd", root / "log" / "error_log")
        return port

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if getattr(self, "cups", None):
            shutil.rmtree(self.cups, ignore_errors=True)
