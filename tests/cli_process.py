"""A command-line client run in the background, for tests that act while it runs."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator


def run_cli(
    *args: str, server: str | None, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m webapp ARGS... [--server URL]` to its end, its output captured as text."""
    extra = ["--server", server] if server else []
    return subprocess.run(
        [sys.executable, "-m", "webapp", *args, *extra],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Running:
    """`python -m webapp ARGS...` in the background, its stderr lines collected as they come."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "webapp", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        assert self.process.stderr is not None
        self._reader = threading.Thread(target=self._read, args=(self.process.stderr,))
        self._reader.start()

    def _read(self, stream: Iterator[str]) -> None:
        for line in stream:
            self.lines.append(line)

    def wait_for_line(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None, "".join(self.lines)
            assert time.monotonic() < deadline, f"no {text!r} in {''.join(self.lines)}"
            time.sleep(0.02)

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        # Not communicate(): it would also read stderr, racing the reader thread for its lines.
        assert self.process.stdout is not None
        with self.process.stdout:
            stdout = self.process.stdout.read()
        self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        assert self.process.stderr is not None
        self.process.stderr.close()
        return self.process.returncode, stdout, "".join(self.lines)
