"""The parent side, and the facade every command uses to run katas.

This is the ``katacheck`` command's own process, which never imports torch and never runs
workspace code: ``workermanage`` keeps the warm workers, ``dsession`` runs katas on them and
decides each verdict, ``scan`` reads learner sources, ``collect`` is plain pytest's plugin.
"""

from __future__ import annotations

from katacheck.runner.parent.dsession import (
    run_kata,
    run_katas,
    run_tests,
    shutdown,
    stop_running,
    use_judge_servers,
    use_sandbox,
    warm_up,
)

__all__ = ["run_kata", "run_katas", "run_tests", "shutdown", "stop_running", "use_judge_servers", "use_sandbox", "warm_up"]
