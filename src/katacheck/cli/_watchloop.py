"""The loop behind ``katacheck watch``: saves, single keys and verifications, one at a time.

Three threads feed one queue of events, and only the main thread acts on them (so only it
prints, and no state is shared):

- the key reader sends each key pressed (the terminal is in cbreak mode);
- the file watcher (watchfiles) sends each batch of changes in the workspace folder;
- the verifier runs one verification at a time and sends its verdict.

Why a save during a run gives exactly one re-run: a run is requested either when nothing runs
(it starts) or while one runs (``rerun_pending`` becomes True, however many saves arrive). When
the verdict comes, a pending re-run starts, on the file as it is then. A flag, not a counter.

A file event only counts when the file changed since the last run was requested (its size,
modification time and inode): our own writes (``n`` writes a stub, ``x`` resets one) request
their run at once, and the event the watcher reports for them a moment later changes nothing.
"""

from __future__ import annotations

import functools
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.rule import Rule

from katacheck.i18n import t
from katacheck.render.console import console

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.result import KataResult
    from katacheck.workspace import Workspace

#: Longest wait (ms) to group the changes of one save (editors write, rename, touch...).
DEBOUNCE_MS = 200
#: A batch ends after this long (ms) without a new change.
STEP_MS = 50
#: How often (ms) the folder is looked at when polling.
POLL_DELAY_MS = 250
#: Exit code after Ctrl-C, as shells report a SIGINT (128 + 2).
INTERRUPTED = 130
#: Keys that say yes to "reset the file?": s(im) in Portuguese, y(es) in English, both always.
YES_KEYS = frozenset("sy")

Verifier = Callable[["Kata", Path], "KataResult"]


#: The verdict of a run whose file changed between the scan and the child's compile.
SOURCE_CHANGED = "fatal.source_changed"


def watch_session(workspace: Workspace, kata: Kata, polling: str | None) -> int:
    """Watch ``kata`` until ``q`` (returns 0) or Ctrl-C (returns 130); progress is kept."""
    from katacheck.runner.parent import run_kata, shutdown, stop_running, warm_up

    def warm() -> None:
        warm_up(1, cwd=workspace.root)

    warm()  # its imports overlap our start-up and the first run
    session = WatchSession(workspace, kata, functools.partial(run_kata, cwd=workspace.root), warm)
    stop = threading.Event()
    _start_daemon(_read_keys, sys.stdin.fileno(), session.events)
    _start_daemon(_watch_folder, workspace.root, polling is not None, session.events, stop)
    session.announce(polling)
    try:
        return session.run()
    except KeyboardInterrupt:
        stop_running()  # the verification in flight ends now; its verdict is never recorded
        session.stop_status()
        console().print()
        console().print(t("cli.watch.bye"))
        return INTERRUPTED
    finally:
        stop.set()
        if session.running:
            stop_running()
        session.stop_status()
        shutdown()


class WatchSession:
    """The state of one ``katacheck watch``: the kata watched, the run in flight, the keys."""

    def __init__(self, workspace: Workspace, kata: Kata, verify: Verifier,
                 warm: Callable[[], None] = lambda: None) -> None:
        self.workspace = workspace
        self.kata = kata
        self.events: queue.Queue[tuple] = queue.Queue()
        self.running = False
        self.rerun_pending = False
        #: The last verdict of the current kata: ``n`` waits for a pass.
        self.passed = False
        self._verify = verify
        #: Called after each verdict, so that the next save finds a worker ready.
        self._warm = warm
        self._status = None
        self._confirming_reset = False
        #: The learner file as it was when the last run was requested (see the module's docstring).
        self._requested = None

    @property
    def learner_file(self) -> Path:
        return self.workspace.learner_file(self.kata)

    def announce(self, polling: str | None) -> None:
        """What is watched, how, and which keys do what."""
        out = console()
        out.print(t("cli.watch.started", kata=self.kata.id, file=self.learner_file.name))
        if polling is not None:
            out.print(t(f"cli.watch.polling.{polling}", ms=POLL_DELAY_MS), style="dim")
        self._print_keys()

    def run(self) -> int:
        """Verify now, then handle events until one ends the session; returns the exit code."""
        self.request_run()
        while True:
            try:
                event = self.events.get(timeout=0.5)  # a timeout, so Ctrl-C is never held up
            except queue.Empty:
                continue
            code = self.handle(event)
            if code is not None:
                return code

    def handle(self, event: tuple) -> int | None:
        """Act on one event; an exit code when the session ends."""
        kind, *args = event
        if kind == "key":
            return self._on_key(*args)
        if kind == "changed":
            self._on_changes(*args)
        elif kind == "verdict":
            self._on_verdict(*args)
        elif kind == "watch_error":
            console().print(t("cli.watch.watch_error", error=args[0]), style="yellow")
        elif kind == "crashed":
            raise args[0]
        return None

    def request_run(self) -> None:
        """Verify the current kata now, or once more after the run in flight (never more)."""
        self._requested = _signature(self.learner_file)
        if self.running:
            self.rerun_pending = True
            return
        self._start_run()

    def stop_status(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


    # -- runs --------------------------------------------------------------------------------

    def _start_run(self) -> None:
        self.running = True
        kata, learner_file = self.kata, self.learner_file
        self._status = console().status(t("cli.watch.running", kata=kata.id))
        self._status.start()
        _start_daemon(self._verify_in_background, kata, learner_file)

    def _verify_in_background(self, kata: Kata, learner_file: Path) -> None:
        # A daemon thread rather than an executor: quitting never waits for a run to end.
        try:
            self.events.put(("verdict", kata, self._verify(kata, learner_file)))
        except BaseException as error:  # noqa: BLE001 (run_kata always returns a result: this is our bug)
            self.events.put(("crashed", error))  # raised in the main thread, traceback and all

    def _on_verdict(self, kata: Kata, result: KataResult) -> None:
        from katacheck.render.report import render

        self.running = False
        self.stop_status()
        if result.fatal is not None and result.fatal.code == SOURCE_CHANGED:
            # Saved again before the child compiled it: that run checked nothing, so it is
            # neither shown nor counted; the file as it is now is verified instead.
            console().print(t("cli.watch.changed_while_running", file=self.learner_file.name), style="dim")
            self.rerun_pending = False
            self._start_run()
            return
        self._record(result)
        out = console()
        out.print(Rule(time.strftime("%H:%M:%S"), align="right", style="dim"))
        out.print(render(result))
        out.print()
        if kata.id == self.kata.id:
            self.passed = result.passed
        self._warm()
        if self.rerun_pending:  # saved while it ran: once more, on the file as it is now
            self.rerun_pending = False
            self._start_run()
            return
        out.print(t("cli.watch.passed") if self.passed else t("cli.watch.failed", file=self.learner_file.name))
        self._print_keys()

    def _record(self, result: KataResult) -> None:
        """Count the attempt as ``katacheck verify`` does (a pass unlocks ``next``), under the
        workspace's lock: a ``verify`` in another terminal loses nothing, nor do we."""
        with self.workspace.updating_progress() as progress:
            progress.record_verification(result.kata_id, result.passed)

    def _on_changes(self, paths: set[Path]) -> None:
        if self.learner_file not in paths:
            return
        now = _signature(self.learner_file)
        if now is None:
            console().print(t("cli.watch.file_gone", file=self.learner_file.name), style="yellow")
        elif now != self._requested:
            self.request_run()

    # -- keys --------------------------------------------------------------------------------

    def _on_key(self, key: str) -> int | None:
        key = key.lower()
        if self._confirming_reset:  # this key answers the question, whatever it is
            self._confirming_reset = False
            self._answer_reset(key in YES_KEYS)
            return None
        if key in ("q", "\x04"):  # q, or Ctrl-D: the terminal sends it as a key in cbreak mode
            self.stop_status()
            console().print(t("cli.watch.bye"))
            return 0
        actions = {"h": self._hint, "n": self._next, "l": self._list, "r": self.request_run, "x": self._ask_reset}
        if key in actions:
            actions[key]()
        return None

    def _hint(self) -> None:
        from katacheck.cli.hint import reveal_next_hint

        revealed = reveal_next_hint(self.workspace, self.kata)
        if revealed is not None:
            last = revealed >= len(self.kata.hints)
            console().print(t("cli.hint.last") if last else t("cli.watch.hint_more"), style="dim")

    def _list(self) -> None:
        from katacheck.cli.list_ import print_list

        print_list(self.workspace)

    def _next(self) -> None:
        from katacheck.cli.next_ import advance, show_statement

        out = console()
        if self.running:
            out.print(t("cli.watch.busy"), style="yellow")
            return
        if not self.passed:
            out.print(t("cli.watch.next_locked", kata=self.kata.id), style="yellow")
            return
        kata = advance(self.workspace)
        if kata is None:
            out.print(t("cli.next.all_done", total=len(self.workspace.pack.katas())))
            return
        self.kata, self.passed = kata, False
        show_statement(kata)
        out.print(t("cli.watch.now_watching", file=self.learner_file.name))
        self.request_run()

    def _ask_reset(self) -> None:
        self._confirming_reset = True
        console().print(t("cli.watch.reset.confirm", file=self.learner_file.name), style="bold")

    def _answer_reset(self, yes: bool) -> None:
        from katacheck.cli.reset import reset_to_stub

        if not yes:
            console().print(t("cli.watch.reset.kept", file=self.learner_file.name))
            return
        reset_to_stub(self.workspace, self.kata)
        self.passed = False
        self.request_run()

    def _print_keys(self) -> None:
        console().print(t("cli.watch.keys"), style="dim")


def _signature(path: Path) -> tuple[int, int, int] | None:
    """What tells one version of a file from the next without reading it; None if it is gone."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def _start_daemon(target: Callable[..., None], *args: object) -> None:
    # Daemons: one blocks in read() on the terminal until the process ends, and nothing they
    # hold needs cleaning up.
    threading.Thread(target=target, args=args, daemon=True, name=f"katacheck-{target.__name__}").start()


def _read_keys(fd: int, events: queue.Queue) -> None:
    """Send each key pressed; the escape sequences of arrows and function keys are dropped."""
    while True:
        data = os.read(fd, 64)
        if not data:  # the terminal went away
            events.put(("key", "q"))
            return
        text = data.decode("utf-8", "replace")
        if text.startswith("\x1b"):
            continue
        for key in text:
            events.put(("key", key))


def _watch_folder(root: Path, polling: bool, events: queue.Queue, stop: threading.Event) -> None:
    """Send the paths changed in ``root`` (not its subfolders), a batch per save."""
    from watchfiles import watch

    try:
        for changes in watch(root, watch_filter=None, debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=stop,
                             force_polling=polling, poll_delay_ms=POLL_DELAY_MS, recursive=False):
            events.put(("changed", {Path(path) for _, path in changes}))
    except OSError as error:  # no watcher at all (e.g. the inotify limit): say so, keys still work
        events.put(("watch_error", str(error)))
