"""The judge's life after the fork: read the evidence, run the kata's ``judge.py``, report.

The worker forks for a job with a ``judge`` key (the path of the kata's ``judge.py``) and calls
:func:`run_forked`, which sets the process up as a kata child is (its own session, its
descriptors, its limits: :func:`katacheck.runner.child.main.prepare_process`). The evidence arrives on stdin, written by
the parent; the findings leave as one ``verdict`` event over the results channel::

    {"event": "verdict", "findings": [{"check": ..., "code": ..., "message": ..., "hint": ...}]}

The judge's inputs are the evidence (numbers) and the pack's own files; nothing in this process
comes from the workspace, so nothing in it can be steered by the learner but those numbers.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys


def judge_in_place(job: dict, results_fd: int, output_fd: int, input_fd: int) -> int:
    """Judge ``job`` in this process, a judge server's (see the worker's ``--judge`` mode): no
    fork, so no set-up to pay; the evidence is data, and nothing of a learner ever runs here,
    so one judgement leaves nothing another could be steered by. Returns the exit status."""
    from katacheck.i18n import set_language
    from katacheck.runner.child.main import use_seed

    os.close(output_fd)
    try:
        with os.fdopen(input_fd, "rb") as stream:
            data = stream.read()
        set_language(job.get("lang"))
        use_seed(job)
        return run_judge(job, results_fd, data)
    except Exception:  # noqa: BLE001 - no verdict: the parent fails the kata (fatal.judge)
        try:
            os.close(results_fd)
        except OSError:
            pass
        return 1


def run_forked(job: dict, control_fd: int, results_fd: int, output_fd: int, input_fd: int) -> None:
    """Judge ``job`` in this freshly forked process, set up like a kata child; never returns."""
    from katacheck.runner.child.main import INTERNAL_ERROR_EXIT, RESULTS_FD, flush_and_exit, prepare_process

    code = INTERNAL_ERROR_EXIT
    try:
        prepare_process(job, control_fd, results_fd, output_fd, input_fd)
        code = run_judge(job, RESULTS_FD)
    except BaseException:  # noqa: BLE001 - the parent reads a judge that ended without a verdict
        import traceback

        traceback.print_exc()
    flush_and_exit(code)


def run_judge(job: dict, results_fd: int, evidence_bytes: bytes | None = None) -> int:
    """Judge ``job``'s evidence (``evidence_bytes``, or stdin); returns the exit status (0: a
    verdict was sent)."""
    from katacheck.judge import Evidence
    from katacheck.runner.channel import open_writer

    send, close = open_writer(results_fd)
    data = sys.stdin.buffer.read() if evidence_bytes is None else evidence_bytes
    evidence = Evidence(json.loads(data or b"[]"))
    spec = importlib.util.spec_from_file_location("katacheck_juiz", job["judge"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    findings = [found.to_dict() for found in module.julgar(evidence)]
    send({"event": "verdict", "findings": findings, "labels": evidence.labels})
    close()
    return 0
