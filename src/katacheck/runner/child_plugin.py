"""Child side pytest plugin: the ``learner`` fixture, seeding, and one JSON line per check.

Events, one JSON object per line, flushed as they happen so that a child killed mid-way still
tells the parent how far it got:

- ``{"event": "collected", "names": [...]}`` after collection;
- ``{"event": "start", "name": ..., "title": ...}`` before each check;
- ``{"event": "check", "check": {...}}`` after each check (a :class:`CheckResult`);
- ``{"event": "done", "exitstatus": N}`` when the session ends.
"""

from __future__ import annotations

import json
import random
import zlib
from dataclasses import asdict
from typing import IO, TYPE_CHECKING

import pytest

from katacheck.i18n import t
from katacheck.runner.results import FAILED, PASSED, CheckResult, truncate

if TYPE_CHECKING:
    from katacheck.runner.results import Diagnosis

#: How much of what the learner's code printed during one check a report keeps.
CHECK_OUTPUT_LIMIT = 1500

_EVENTS = pytest.StashKey["IO[str]"]()
_DIAGNOSIS = pytest.StashKey["Diagnosis"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("katacheck-child", "katacheck (internal: child process)")
    group.addoption("--katacheck-learner", help="the learner's file")
    group.addoption("--katacheck-events", help="where to stream the results (JSON lines)")


def pytest_configure(config: pytest.Config) -> None:
    from katacheck.checks import context

    context.set_learner_file(config.getoption("katacheck_learner"))
    config.stash[_EVENTS] = open(config.getoption("katacheck_events"), "a", encoding="utf-8")  # noqa: SIM115


def _emit(config: pytest.Config, event: dict) -> None:
    stream = config.stash[_EVENTS]
    stream.write(json.dumps(event, ensure_ascii=False) + "\n")
    stream.flush()


def _title(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    return doc.strip().splitlines()[0] if doc else item.name


@pytest.fixture(scope="session")
def learner(pytestconfig: pytest.Config):
    """The learner's module, imported once per run (import problems become diagnoses)."""
    from katacheck.checks.loading import load_learner_module

    return load_learner_module(pytestconfig.getoption("katacheck_learner"))


@pytest.fixture(autouse=True)
def _katacheck_seed(request: pytest.FixtureRequest) -> None:
    """Seed every generator from the check's id: the same check always sees the same data."""
    import torch

    seed = zlib.crc32(request.node.nodeid.encode())
    random.seed(seed)
    torch.manual_seed(seed)


def pytest_collection_finish(session: pytest.Session) -> None:
    _emit(session.config, {"event": "collected", "names": [item.name for item in session.items]})


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _emit(item.config, {"event": "start", "name": item.name, "title": _title(item)})


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function):
    # sys.exit() or a KeyboardInterrupt raised by learner code must fail this check, not end
    # the whole session as pytest otherwise would. (Fixtures call learner code through
    # checks.call_learner, which does the same: pytest cannot recover from a BaseException
    # escaping a fixture.)
    try:
        return (yield)
    except (SystemExit, KeyboardInterrupt) as exc:
        from katacheck.checks.failures import learner_abort

        raise learner_abort(exc) from None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed and _DIAGNOSIS not in item.stash and call.excinfo is not None:
        from katacheck.checks.diagnose import diagnose

        item.stash[_DIAGNOSIS] = diagnose(call.excinfo.value)
    if report.when == "teardown":
        _emit(item.config, {"event": "check", "check": asdict(_check_result(item, report))})
    return report


def _check_result(item: pytest.Item, report: pytest.TestReport) -> CheckResult:
    diagnosis = item.stash.get(_DIAGNOSIS, None)
    printed = "".join(content for title, content in report.sections if title.startswith("Captured"))
    from katacheck.checks.context import take_recorded

    return CheckResult(
        name=item.name,
        title=_title(item),
        outcome=FAILED if diagnosis is not None else PASSED,
        diagnosis=diagnosis,
        output=truncate(printed.strip(), CHECK_OUTPUT_LIMIT, t("report.output_truncated")),
        loss_curve=take_recorded().get("loss_curve"),
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _emit(session.config, {"event": "done", "exitstatus": int(exitstatus)})
    session.config.stash[_EVENTS].close()
