"""Save to verdict in ``katacheck watch``, against the floor `python -c "import torch, pytest"`.

    uv run python bench/watch_speed.py [--saves 7]

Starts ``katacheck watch`` in a pseudo-terminal, in a fresh workspace made by ``katacheck next``
(so on the first kata, 01_duas_camadas), waits for the first verdict, then saves the kata's file
``--saves`` times, alternating a wrong version (the stub) and the reference solution, and times
each save until its verdict's first line appears on the terminal. Then times the floor three
times (after one untimed run that warms the page cache). Reports both medians and their ratio.

What a learner feels in watch mode is the save-to-verdict time: the file event, the
verification on a warm worker, the report. The floor is what any fresh process that checks a
PyTorch kata with pytest pays before doing anything; watch is meant to stay well under it.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

from katacheck.plugins import get_pack

#: Escape sequences (styles, cursor moves) that rich writes to a terminal.
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
#: A verdict's first line, as katacheck.render.report writes it.
VERDICT = re.compile(r"[✔✘] \d\d_\w+ — ")
FLOOR_RUNS = 3


class WatchTerminal:
    """``katacheck watch`` in a pseudo-terminal; counts the verdicts it has shown."""

    def __init__(self, workspace: Path) -> None:
        env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "KATACHECK_WIDTH": "120"}
        self.process = pexpect.spawn(sys.executable, ["-m", "katacheck", "watch"], cwd=str(workspace), env=env,
                                     encoding="utf-8", dimensions=(50, 120), timeout=120)
        self.raw = ""

    def verdicts(self) -> int:
        return len(VERDICT.findall(ANSI.sub("", self.raw)))

    def wait_for_verdict(self, count: int, timeout: float = 120) -> float:
        """Wait until ``count`` verdicts have been shown; the moment the last one appeared."""
        deadline = time.monotonic() + timeout
        while self.verdicts() < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"no verdict after {timeout} s; the terminal shows:\n{ANSI.sub('', self.raw)[-3000:]}")
            try:
                self.raw += self.process.read_nonblocking(65536, timeout=0.05)
            except pexpect.TIMEOUT:
                pass
        return time.perf_counter()

    def quit(self) -> None:
        self.process.send("q")
        self.process.expect(pexpect.EOF, timeout=30)
        self.process.close()


def save(path: Path, text: str) -> float:
    """Save as an editor does (a new file renamed over the old); the moment it was saved."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return time.perf_counter()


def time_saves(workspace: Path, kata, saves: int) -> list[float]:
    versions = [kata.solution_path.read_text(encoding="utf-8"), kata.stub_path.read_text(encoding="utf-8")]
    learner = workspace / kata.learner_filename
    terminal = WatchTerminal(workspace)
    try:
        terminal.wait_for_verdict(1)  # the run at start-up, which pays for the worker's imports
        times = []
        for index in range(saves):
            time.sleep(0.5)  # a learner does not save twice in a blink; the worker gets ready again
            saved = save(learner, versions[index % 2])
            times.append(terminal.wait_for_verdict(index + 2) - saved)
        return times
    finally:
        terminal.quit()


def time_floor() -> list[float]:
    command = [sys.executable, "-c", "import torch, pytest"]
    subprocess.run(command, check=True)  # warm the page cache once
    times = []
    for _ in range(FLOOR_RUNS):
        started = time.perf_counter()
        subprocess.run(command, check=True)
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=7)
    args = parser.parse_args()
    kata = get_pack("fundamentos").katas()[0]  # the kata `katacheck next` starts with
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        subprocess.run([sys.executable, "-m", "katacheck", "next"], cwd=workspace, check=True,
                       stdout=subprocess.DEVNULL)
        saves = time_saves(workspace, kata, args.saves)
    floor = time_floor()
    save_median, floor_median = statistics.median(saves), statistics.median(floor)
    print(f"save → verdict in katacheck watch ({kata.id})  median {save_median:.2f} s  "
          f"(min {min(saves):.2f}, max {max(saves):.2f}) over {len(saves)} saves")
    print(f"floor  python -c 'import torch, pytest'  median {floor_median:.2f} s  "
          f"(min {min(floor):.2f}, max {max(floor):.2f}) over {len(floor)} runs")
    print(f"ratio {save_median / floor_median:.2f}× the floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
