"""The kata child imports no module of the workspace: :class:`ImportGuard`.

The decision: katacheck verifies *one file per kata*, the one the parent's static scan read
(:mod:`katacheck.runner.parent.scan`). A module next to it would run without ever being
scanned, so the child does not import workspace modules at all (scanning them too would make
"the learner's code" a moving target: whatever a file happens to import, at run time). The
workspace was never on the child's ``sys.path``; this guard also covers learner code that puts
it there (``sys.path.insert(0, ".")``) or loads a file by its path.

The guard is the first finder of ``sys.meta_path``. It asks the finders after it where a module
would come from (:class:`~katacheck.runner.child.integrity.Origins`), and:

- a file of the submission's folder (the child's working directory) or of the learner file's
  folder, other than the learner's file: refused with :class:`ImportRefused`, an ``ImportError``
  whose diagnosis is neutral and says what to do ("o katacheck verifica só o arquivo da kata;
  coloque o código auxiliar dentro dele"): a helper module is an honest habit, not a trick;
- the learner's own file under another name: loaded from its source, like the learner's module
  (:class:`~katacheck.checks.loading.SourceOnlyLoader`: never a cached ``.pyc``);
- a file of the kata's own folder (the reference solution, the hidden tests) imported on the
  learner's behalf: tampering (``fatal.tampered.import``);
- a file outside every installed folder (one the learner's code wrote to ``/tmp``) imported on
  the learner's behalf: refused, as a workspace file;
- anything else (the standard library, installed packages, built-in and frozen modules): as
  usual.

It is installed before the tripwire's snapshot, which compares ``sys.meta_path``: taking the
guard out is detected. Files loaded without a finder (``importlib.util.spec_from_file_location``,
``runpy.run_path``) are refused by the audit hook as their code is about to run
(:func:`katacheck.runner.child.integrity.install_audit_hook`), by the same :class:`Origins`.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterable
from importlib.machinery import ModuleSpec
from typing import NoReturn

from katacheck.checks.failures import KataFailure
from katacheck.checks.loading import SourceOnlyLoader
from katacheck.i18n import t
from katacheck.result import Diagnosis
from katacheck.runner.child.integrity import (
    KATA,
    LEARNER,
    OUTSIDE,
    WORKSPACE,
    Origins,
    kata_file_name,
    make_attribution,
)


class ImportRefused(KataFailure, ImportError):
    """A module the kata child does not import: a file of the workspace (its diagnosis says to
    move the code into the kata's file). Learner code may catch it as any ``ImportError``; the
    module's code never ran."""

    def __init__(self, module: str, file: str, learner: str) -> None:
        super().__init__(Diagnosis(
            message=t("learner.workspace_import", module=module, file=file),
            hint=t("learner.workspace_import.hint", module=module, learner=learner),
            code="learner.workspace_import",
        ))
        self.name, self.path = module, file


class ImportGuard:
    """The child's first ``sys.meta_path`` finder (see the module docstring). The audit hook
    shares its :attr:`origins`, its :attr:`attribution` and :meth:`refuse`."""

    def __init__(self, learner_file: str, origins: Origins, report: Callable[[str, str, int | None], None],
                 cwd: str) -> None:
        self.origins = origins
        self.attribution = make_attribution(origins)
        self._report = report
        self._learner_name = os.path.basename(learner_file)
        self._cwd = cwd.rstrip(os.sep) + os.sep

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        spec = self._spec_elsewhere(fullname, path, target)
        if spec is None:
            return None
        for location in _locations(spec):
            origin = self.origins.of(location)
            if origin == LEARNER:
                return importlib.util.spec_from_file_location(
                    fullname, location, loader=SourceOnlyLoader(fullname, location))
            if origin == WORKSPACE:
                self.refuse(location, fullname)
            if origin in (KATA, OUTSIDE):
                line = self.attribution.culprit(sys._getframe(1))  # importlib's frame, then its caller
                if line is not None:
                    if origin == KATA:
                        self._report("import", kata_file_name(location), line or None)
                    self.refuse(location, fullname)
        return spec

    def _spec_elsewhere(self, fullname: str, path: object, target: object) -> ModuleSpec | None:
        """The spec the finders after this one give, as the import system would ask them."""
        finders = sys.meta_path
        after = next((index + 1 for index, finder in enumerate(finders) if finder is self), 0)
        for finder in finders[after:]:
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find is not None else None
            if spec is not None:
                return spec
        return None

    def refuse(self, filename: str, module: str | None = None) -> NoReturn:
        """Raise :class:`ImportRefused` for the code of ``filename``."""
        name = module or os.path.splitext(os.path.basename(filename))[0]
        shown = filename.removeprefix(self._cwd)
        raise ImportRefused(name, shown, self._learner_name)

    def invalidate_caches(self) -> None:
        """Nothing cached here (``importlib.invalidate_caches()`` asks every finder)."""


def install_import_guard(learner_file: str, kata_folders: Iterable[str],
                         report: Callable[[str, str, int | None], None]) -> ImportGuard:
    """Put the guard first in ``sys.meta_path``, for the learner's file (the child's working
    directory is the submission's folder) and the kata's folders; ``report`` is the child's
    tamper report. Call it before the tripwire's snapshot."""
    cwd = os.getcwd()
    origins = Origins(learner_file, workspace=(cwd, os.path.dirname(learner_file)), kata_folders=kata_folders)
    guard = ImportGuard(learner_file, origins, report, cwd)
    sys.meta_path.insert(0, guard)
    return guard


def _locations(spec: ModuleSpec) -> list[str]:
    """The files (or, for a namespace package, the folders) a spec's module comes from."""
    if spec.has_location and isinstance(spec.origin, str):
        return [spec.origin]
    return [str(location) for location in spec.submodule_search_locations or ()]
