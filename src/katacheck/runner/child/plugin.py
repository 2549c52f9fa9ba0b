"""Child side pytest plugin: the ``learner`` fixture, seeding, one signed event per step, and
the tamper checks around every phase of every check.

The plugin is an object built by :func:`make_plugin` in the child, before pytest starts: the
result writer, the tripwire and everything the hooks need live in the closure of that call,
not in module globals a learner's ``import`` could reach (see
:mod:`katacheck.runner.child.integrity` for the threat model).

Events, sent over the signed channel as they happen (a child killed mid-way still tells the
parent how far it got):

- ``{"event": "collected", "names": [...]}`` after collection, before any learner code runs;
- ``{"event": "start", "name": ..., "title": ...}`` before each check;
- ``{"event": "evidence", "name": ..., "items": [...]}`` after a check that recorded evidence
  for the judge (:mod:`katacheck.checks.evidence`), before its result;
- ``{"event": "check", "check": {...}}`` after each check (a :class:`CheckResult`);
- ``{"event": "tamper", "kind": ..., "name": ..., "line": ...}`` when tampering is detected
  (the child then ends at once);
- ``{"event": "done", "exitstatus": N}`` when the session ends.
"""

from __future__ import annotations

import io
import os
import sys
import warnings
import zlib
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import pytest

from katacheck.i18n import t
from katacheck.result import CheckResult, Diagnosis, Status

#: How much of what the learner's code printed during one check a report keeps.
CHECK_OUTPUT_LIMIT = 1500
#: The child's exit status after it reported tampering.
TAMPER_EXIT = 86


def _title(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    return doc.strip().splitlines()[0] if doc else item.name


def make_plugin(learner_path: str, send: Callable[[dict[str, Any]], None], close: Callable[[], None], *,
                source_sha256: str | None = None) -> object:
    """The plugin for one run: ``send``/``close`` write the signed channel (see
    :func:`katacheck.runner.channel.open_writer`); ``source_sha256``, the hash of the bytes the
    parent scanned, which are the only ones the learner's file may be compiled from."""
    from katacheck.checks import context
    from katacheck.checks.diagnose import diagnose
    from katacheck.checks.failures import learner_abort, learner_traceback
    from katacheck.checks.seeds import manual_seed as seed_everything
    from katacheck.runner.child.imports import install_import_guard
    from katacheck.runner.child.integrity import install_audit_hook, prime_torch, tripwire_for_run

    context.set_learner_file(learner_path)
    # What the tamper path needs, bound now: it must still work after the learner replaced
    # builtins, os or sys (the learner's code objects name its file as one of these strings).
    learner_files = frozenset({learner_path, os.path.realpath(learner_path)})
    exit_now, getframe, to_text = os._exit, sys._getframe, str
    stdout, stderr = sys.stdout, sys.stderr
    state: dict[str, Any] = {"tripwire": None}
    # Per check: the diagnosis, whether any phase failed, whether the test function returned.
    diagnoses: dict[str, Any] = {}
    failed: set[str] = set()
    ran: set[str] = set()
    skipped: set[str] = set()
    # Per check: the known mistakes its warnings named (pytest's own warnings plugin is off).
    warned: dict[str, list[Any]] = {}
    # Per check: what the learner's code printed (sys.stdout and sys.stderr), bounded.
    printed: dict[str, BoundedCapture] = {}

    def tamper(kind: str, name: str, line: int | None = None) -> None:
        """Tell the parent what was detected, and end the child before learner code goes on."""
        send({"event": "tamper", "kind": kind, "name": to_text(name)[:300], "line": line})
        close()
        for stream in (stdout, stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001, S110 - ending anyway
                pass
        exit_now(TAMPER_EXIT)

    def emit(event: dict[str, Any]) -> None:
        # Only this plugin's hooks send events: learner code that dug this function out of the
        # interpreter and called it is on the stack.
        frame = getframe(1)
        while frame is not None:
            if frame.f_code.co_filename in learner_files:
                tamper("emit", event.get("event", "?"), frame.f_lineno)
            frame = frame.f_back
        send(event)

    def check_tripwire() -> None:
        tripwire = state["tripwire"]
        if tripwire is not None:
            changed = tripwire.changes()
            if changed:
                tamper("runtime", ", ".join(changed))

    class KataChildPlugin:
        """The hooks and fixtures of the kata child (one instance per run)."""

        @pytest.fixture(scope="session")
        def learner(self):
            """The learner's module, imported once per run (import problems become diagnoses)."""
            from katacheck.checks.loading import load_learner_module

            try:
                return load_learner_module(learner_path)
            finally:
                check_tripwire()

        @pytest.fixture(autouse=True)
        def _katacheck_seed(self, request: pytest.FixtureRequest) -> None:
            """Seed every generator from the check's id: the same check always sees the same data."""
            seed_everything(zlib.crc32(request.node.nodeid.encode()))

        def pytest_collection_finish(self, session: pytest.Session) -> None:
            emit({"event": "collected", "names": [item.name for item in session.items]})
            # Everything the checks need is imported now, and no learner code has run yet.
            prime_torch()
            modules = {item.module for item in session.items if getattr(item, "module", None) is not None}
            # Before the snapshot: the tripwire then sees the guard taken out of sys.meta_path.
            guard = install_import_guard(learner_path, {os.path.dirname(m.__file__) for m in modules}, tamper)
            tripwire = tripwire_for_run(extra_modules=modules, pluginmanager=session.config.pluginmanager)
            tripwire.check_code = False  # the audit hook watches __code__ and defaults
            state["tripwire"] = tripwire
            install_audit_hook(learner_path, tamper, guard, source_sha256=source_sha256)

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None):
            from katacheck.checks.failures import location_in_stack

            seen = warned.setdefault(item.nodeid, [])

            def record(message, category, filename, lineno, file=None, line=None) -> None:
                # Called as the warning is raised: the learner's frame is still on the stack.
                seen.append((warnings.WarningMessage(message, category, filename, lineno), location_in_stack()))

            capture = printed[item.nodeid] = BoundedCapture(CHECK_OUTPUT_LIMIT)
            saved = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = capture
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("always")
                    warnings.showwarning = record
                    return (yield)
            finally:
                sys.stdout, sys.stderr = saved
                printed.pop(item.nodeid, None)

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_setup(self, item: pytest.Item) -> None:
            emit({"event": "start", "name": item.name, "title": _title(item)})

        @pytest.hookimpl(wrapper=True)
        def pytest_pyfunc_call(self, pyfuncitem: pytest.Function):
            # sys.exit() or a KeyboardInterrupt raised by learner code must fail this check, not
            # end the whole session as pytest otherwise would. (Fixtures call learner code
            # through checks.call_learner, which does the same: pytest cannot recover from a
            # BaseException escaping a fixture.)
            try:
                result = yield
            except (SystemExit, KeyboardInterrupt) as exc:
                raise learner_abort(exc) from None
            except Exception as exc:
                # An in-place modification error surfaces in backward(), often the hidden
                # test's own: run the check once more under anomaly detection to find the
                # learner's line.
                from katacheck.checks.anomaly import locate_inplace

                testargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
                locate_inplace(exc, pyfuncitem.obj, **testargs)
                raise
            # The hidden test itself ran to its end: the one witness of a pass.
            ran.add(pyfuncitem.nodeid)
            return result

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
            if call.when == "teardown":
                # Once per check, before its last report is built and its event sent: whatever a
                # setup or call phase changed is still there to see. (Every phase would cost a
                # third of a warm run; and no earlier report can make a check pass, since only a
                # test function that ran to its end does.)
                check_tripwire()
            # pytest turns a unittest.SkipTest into a fresh pytest.skip() while it builds the
            # report: look at the exception as the check raised it, too.
            raised = call.excinfo
            report = yield
            node = item.nodeid
            if report.skipped:
                for excinfo in (raised, call.excinfo):
                    lines = learner_traceback(excinfo.value) if excinfo is not None else []
                    if lines:  # pytest.skip()/xfail() or unittest.SkipTest from the learner's code
                        tamper("skip", type(excinfo.value).__name__, lines[-1].line)
                skipped.add(node)
            if report.failed:
                failed.add(node)
                if node not in diagnoses and call.excinfo is not None:
                    diagnoses[node] = diagnose(call.excinfo.value)
            if report.when == "teardown":
                if node not in failed and node not in ran and node not in skipped:
                    tamper("checks", item.name)  # neither failed nor ran: pytest was bent
                recorded = context.take_recorded()
                if recorded.get("evidence"):
                    # For the judge, which recomputes the kata's rule from these numbers.
                    emit({"event": "evidence", "name": item.name, "items": recorded["evidence"]})
                emit({"event": "check", "check": asdict(_check_result(item, report, recorded))})
            return report

        def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
            check_tripwire()
            emit({"event": "done", "exitstatus": int(exitstatus)})
            close()

    def _check_result(item: pytest.Item, report: pytest.TestReport, recorded: dict[str, Any]) -> CheckResult:
        node = item.nodeid
        capture = printed.get(node)
        # Only a check whose test function ran to its end, and no phase of which failed or
        # skipped, passed: whatever else happened to it is a failure.
        passed = node in ran and node not in failed and node not in skipped
        diagnosis = None if passed else diagnoses.get(node) or Diagnosis(
            message=t("check.not_run"), hint=t("check.not_run.hint"), code="check.not_run")
        return CheckResult(
            name=item.name,
            title=_title(item),
            outcome=Status.PASS if passed else Status.FAIL,
            diagnosis=diagnosis,
            output=capture.text().strip() if capture is not None else "",
            loss_curve=recorded.get("loss_curve"),
            notes=tuple(recorded.get("notes", ())),
            warnings=_named_warnings(warned.pop(node, [])),
        )

    return KataChildPlugin()


class BoundedCapture(io.TextIOBase):
    """What learner code prints during one check: the first and the last ``limit / 2``
    characters, and how many in between were dropped. A print loop of millions of lines costs its time and
    nothing else: no memory grows, no file fills up, the verdict does not change."""

    def __init__(self, limit: int) -> None:
        self._limit = limit // 2
        self._head: list[str] = []
        self._head_size = 0
        self._tail: list[str] = []
        self._tail_size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return "utf-8"

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        size = len(text)
        room = self._limit - self._head_size
        if room > 0:
            self._head.append(text[:room])
            self._head_size += min(size, room)
            text = text[room:]
        if text:
            self._tail.append(text)
            self._tail_size += len(text)
            if self._tail_size > 2 * self._limit:  # compact now and then, not on every write
                self._compact()
        return size

    def _compact(self) -> None:
        tail = "".join(self._tail)
        cut = max(0, len(tail) - self._limit)
        self.dropped += cut
        self._tail, self._tail_size = [tail[cut:]], len(tail) - cut

    def text(self) -> str:
        """The head, a note of how much was dropped (if anything), and the tail."""
        self._compact()
        head, tail = "".join(self._head), "".join(self._tail)
        if not self.dropped:
            return head + tail
        return f"{head}\n{t('report.output_elided', omitted=self.dropped)}\n{tail}"


def _named_warnings(seen: list[tuple[warnings.WarningMessage, Any]]) -> tuple[Any, ...]:
    """The diagnoses of the warnings a rule knows, once each, at the learner's line if any."""
    from dataclasses import replace

    from katacheck.checks.diagnose import diagnose_warning

    named: dict[tuple, Any] = {}
    for message, location in seen:
        diagnosis = diagnose_warning(message)
        if diagnosis is None:
            continue
        if diagnosis.location is None and location is not None:
            diagnosis = replace(diagnosis, location=location)
        named.setdefault((diagnosis.code, diagnosis.location), diagnosis)
    return tuple(named.values())
