"""JUnit XML, in the layout pytest writes with ``junit_family=xunit2``: one ``<testcase>`` per kata.

``verify`` no longer runs pytest in this process (nothing of the workspace is collected here),
so it writes the file itself, element for element as pytest's ``junitxml`` plugin does: a
``<testsuites>`` around one ``<testsuite name="katacheck">``, each kata a ``<testcase>`` with its
whole result as the ``katacheck`` property (JSON), its cause as ``<failure message=…>`` and the
full report as the failure's text. CI dashboards that read pytest's files read this one.
"""

from __future__ import annotations

import json
import platform
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from katacheck.result import KataResult

#: The ``<property>`` name under which each kata's result travels (as pytest's user_properties).
RESULT_PROPERTY = "katacheck"


def write(path: Path, results: Sequence[KataResult], *, started: float | None = None) -> None:
    """Write ``results`` to ``path`` as JUnit XML."""
    from katacheck.workspace import write_atomically

    write_atomically(path, to_xml(results, started=started))


def to_xml(results: Sequence[KataResult], *, started: float | None = None) -> str:
    failures = sum(not result.passed for result in results)
    suite = ET.Element("testsuite", {
        "name": "katacheck", "errors": "0", "failures": str(failures), "skipped": "0",
        "tests": str(len(results)), "time": f"{sum(r.duration for r in results):.3f}",
        "timestamp": datetime.fromtimestamp(started or time.time(), timezone.utc).astimezone().isoformat(),
        "hostname": platform.node(),
    })
    for result in results:
        suite.append(_testcase(result))
    root = ET.Element("testsuites")
    root.append(suite)
    return '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="unicode")


def _testcase(result: KataResult) -> ET.Element:
    from katacheck.render.report import render_text
    from katacheck.reports import first_cause

    case = ET.Element("testcase", {"classname": result.kata_id, "name": result.kata_id,
                                   "time": f"{result.duration:.3f}"})
    properties = ET.SubElement(case, "properties")
    ET.SubElement(properties, "property", {
        "name": RESULT_PROPERTY, "value": json.dumps(result.to_dict(), ensure_ascii=False)})
    if not result.passed:
        text = "\n".join(line.rstrip() for line in render_text(result).splitlines())
        cause = first_cause(result)
        failure = ET.SubElement(case, "failure", {"message": cause.message if cause else text.splitlines()[0]})
        failure.text = text
    return case
