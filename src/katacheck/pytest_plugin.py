"""katacheck's pytest entry point (``pytest11``): thin on purpose.

In a katacheck workspace, plain ``pytest`` verifies every kata whose learner file exists, each
in its own child process, and reports in Portuguese. ``katacheck verify`` runs through this
same plugin. Outside a workspace (for instance in katacheck's own repository) it does nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from katacheck.i18n import t

SESSION_PLUGIN = "katacheck-workspace"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("katacheck", t("pytest.group"))
    group.addoption("--katacheck-workspace", metavar="DIR", help=t("pytest.option.workspace"))
    group.addoption("--katacheck-kata", metavar="KATA", action="append", default=[],
                    help=t("pytest.option.kata"))
    group.addoption("--katacheck-jobs", metavar="N", type=int, default=None,
                    help=t("pytest.option.jobs"))


def pytest_configure(config: pytest.Config) -> None:
    from katacheck.workspace import Workspace

    given = config.getoption("katacheck_workspace")
    workspace = Workspace.find(Path(given) if given else config.invocation_params.dir)
    if workspace is None:
        return
    # Heavy imports wait until we know this session is a workspace's.
    from katacheck.runner.parent.collect import WorkspaceSession

    session = WorkspaceSession(
        workspace,
        selected=config.getoption("katacheck_kata"),
        jobs=config.getoption("katacheck_jobs"),
    )
    config.pluginmanager.register(session, SESSION_PLUGIN)
