"""Tamper resistance inside the kata child: a tripwire over the checker, and an audit hook.

Threat model
------------
The learner's code runs *in the same process* as the checker: pytest, the hidden tests,
``katacheck.checks`` and PyTorch. In-process code can, in principle, do anything the checker
can (rewrite objects in memory through ``ctypes``, find any object through ``gc``), so no
in-process defence is absolute. The goal is narrower and attainable: the naive and intermediate
ways of turning a red kata green without solving it fail, and the failure *says what was
detected*. Those are:

- patching katacheck, pytest or torch from the learner's file (``checks.expect_optimizer =
  ...``, ``torch.optim.Adam = torch.optim.SGD``, ``TestReport`` properties, ``builtins``,
  ``sys.modules`` entries, a function's ``__code__``);
- ending the process early or late (``os._exit(0)`` at import, ``atexit`` tricks), skipping
  checks (``pytest.skip``), writing fake results;
- workspace configuration (``conftest.py``, ini files, ``PYTEST_ADDOPTS``, ``-p`` plugins,
  ``sitecustomize.py``): the sandbox never lets pytest or Python read them.

The layers, each with its own evidence:

1. **Static scan, in the parent** (:mod:`katacheck.runner.parent.scan`): the learner's source is read
   with ``ast`` before anything runs. Nothing the file does at run time can hide what it says.
2. **Audit hook, in the child** (this module): installed before the learner's module is
   imported, and impossible to remove from Python. It sees the tools of the trade *as they are
   used from the learner's file*: frames (``sys._getframe``, ``tb_frame``, ``f_code``), ``gc``
   searches, swapping a function's ``__code__``, tracers, ``os.kill``, opening descriptors,
   ``exec``. It reports and ends the child on the spot. Code from a file of the workspace is
   refused as it is about to run, however it was loaded (see
   :mod:`katacheck.runner.child.imports`, which also keeps such modules from being imported).
3. **Tripwire, in the child** (:class:`Tripwire`): a snapshot, taken before the learner's import,
   of every function and class of katacheck, pytest, pluggy, the parts of torch the checks use,
   ``builtins``, the stdlib the result writer uses, ``sys.modules`` and pytest's plugin list.
   It is compared after every test phase; any difference names what changed.
4. **Signed channel** (:mod:`katacheck.runner.channel`): results travel over an inherited pipe,
   numbered and signed with a per-run key; the writer refuses calls from learner code.
5. **The parent decides** (:mod:`katacheck.runner.parent.dsession`): a kata passes only when the stream
   is authentic and complete (every collected check started and reported, in order, then
   ``done``), pytest's own exit status agrees with the checks, and the process exit code agrees
   with pytest's. A child that exits after ``done`` skips ``atexit`` handlers altogether.

Who did it
----------
An event counts when the learner's code is behind it, and the code in between only passed it
along. From the frame that raised the event, outwards:

- a frame of the learner's file: the learner did it, at that line;
- a frame of a *conduit* (:data:`CONDUITS`: standard-library code that calls what it is handed
  or hands back what it was given: ``functools``, ``operator``, ``threading``,
  ``concurrent.futures``, ``unittest.mock``, ``importlib``, ``inspect``, ``os``, ``pathlib``...)
  or of a helper file the learner brought (any file in the workspace, or outside every
  installed folder): looked through, on to its caller. ``functools.partial(sys._getframe, 1)()``,
  ``Mock(side_effect=sys._getframe)(1)``, ``operator.attrgetter("f_back")`` and a helper module
  are the learner's doing;
- for the events that hand out frames or objects, a function of :data:`FRAME_HANDERS`
  (``traceback.walk_stack``, ``logging.currentframe``) is looked through as well;
- any other frame stops the search, and the event is that code's own business: torch (whose
  ``jit``, ``fx`` and ``compile`` read frames, compile and exec on their own), katacheck, pytest,
  the hidden tests, third-party packages, and the rest of the standard library
  (``logging.info`` reading its caller's frame, ``traceback.print_exc`` reading a traceback,
  ``dataclasses`` and ``namedtuple`` generating code, ``pdb`` tracing, ``tempfile`` opening a
  descriptor): an honest beginner's ``logging``, ``breakpoint()`` or ``@dataclass`` is never
  accused;
- the bottom of a stack made of conduits only is a thread running what it was handed
  (``ThreadPoolExecutor().submit(sys._current_frames)``, ``Thread(target=gc.get_objects)``): the
  learner's, at the learner's line the main thread is running then (the one waiting for it).

``exec`` of a *file's* code is judged by where the file is (:class:`Origins`): the learner's file
runs only through katacheck's own loader (any other loader may run a planted ``.pyc``), a
workspace file never runs (a neutral "put it in your kata file" refusal), a file of the kata's
own folder (the reference solution) is tampering when the learner is behind it, and installed
code runs on the learner's behalf only through the import system. Compiling a file's source is
the import system's job too, and only with the file's own bytes.

Known gaps: a torch function that calls a callable it is handed (``torch.utils._pytree.tree_map``,
``Module.apply``) is not looked through, since torch's own frame reads cannot be told apart from
it (layer 1 flags the names such a route needs, ``_getframe``, ``get_objects``...); a file the
learner's code writes into an installed folder at run time counts as installed code (the grade
sandbox makes those folders read-only).

Known gap, open: a module already imported is reachable by name without any event (a read of
``sys.modules``, ``builtins.__import__`` or ``importlib.import_module`` of a loaded module ask no
finder, a function's ``__globals__`` is not audited), so learner code can call the checker's own
rule where a kata's tests import it into the child (``katacheck.checks.curves`` for kata 16), and
the judge cannot tell that answer from the learner's. Layer 1 flags the plain spellings (a string
naming the checker, reading ``sys.modules``/``sys.meta_path``, ``getattr(sys, ...)``,
``inspect.getmodule``, ``pkgutil.resolve_name``); names built at run time from an alias
(``s = sys; getattr(s, "mod" + "ules")``) pass it. The fix is the kata's: a rule the judge checks
must not be imported by the tests that run next to learner code.

Out of scope (an attacker who can do these can do anything in-process): reading memory with
``ctypes``, rebuilding the key from the interpreter's memory, changing checker *data* through
references the checks hand to learner code (a training monitor's hooks are reachable from the
model the learner trains). Layer 1 flags the syntax those need (``ctypes.pythonapi``,
``__self__``, private ``_hooks``...). All processes run as the same user: a hostile submission
could still signal other processes of that user through means the audit hook cannot see
(``ctypes``); grade untrusted code inside a container or as a separate user.
"""

from __future__ import annotations

import builtins
import dataclasses
import itertools
import operator
import os
import sys
import threading
import types
import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from katacheck.runner.child.imports import ImportGuard

#: Packages whose modules the tripwire watches, submodules included.
GUARDED_PACKAGES = (
    "katacheck", "pytest", "_pytest", "pluggy", "torch.nn", "torch.optim", "torch.autograd",
    "json", "hmac", "hashlib", "dataclasses", "copy", "zlib", "random",
)
#: Single modules also watched: torch's namespace and the parts of it the checks touch.
_GUARDED_EXACT = frozenset({
    "torch", "torch._C", "torch._C._nn", "torch.overrides", "torch.functional", "torch._tensor",
    "torch.random", "torch.utils.hooks", "torch.cuda", "torch.utils._device", "builtins", "functools",
})
#: Names whose value changes by design: lazily imported modules, caches, counters.
_VOLATILE = frozenset({"_dynamo", "_recorded", "_active", "_learner_file", "_warm"})
#: Values of these types are compared by identity (functions, classes, modules, containers).
_TRACKED = (
    types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType, type,
    staticmethod, classmethod, property, dict, list, set,
    types.MethodDescriptorType, types.WrapperDescriptorType, types.GetSetDescriptorType,
)


def _guarded(name: str) -> bool:
    # No builtins here: the audit hook calls this after learner code may have replaced them.
    if name in _GUARDED_EXACT:
        return True
    for root in GUARDED_PACKAGES:
        if name == root or name.startswith(root + "."):
            return True
    return False


def _guarded_modules() -> dict[str, types.ModuleType]:
    return {name: module for name, module in list(sys.modules.items())
            if isinstance(module, types.ModuleType) and _guarded(name)}


def _tracked(namespace: Any, *, is_class: bool) -> dict[str, Any]:
    """The entries of ``namespace`` a snapshot keeps: what behaves (not counters, not caches)."""
    return {k: v for k, v in namespace.items()
            if (is_class or k not in _VOLATILE) and isinstance(v, _TRACKED)}


def _functions(value: object) -> Iterable[types.FunctionType]:
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if isinstance(value, property):
        yield from (f for f in (value.fget, value.fset, value.fdel) if isinstance(f, types.FunctionType))
    elif isinstance(value, types.FunctionType):
        yield value


def prime_torch() -> None:
    """Let torch make the changes it makes to itself on first use, before the snapshot: the
    first instance of each optimizer class wraps the class's ``step`` for the profiler."""
    import torch

    from katacheck.checks import reference

    parameter = torch.zeros(1, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cls in reference.OPTIMIZERS.values():
            try:
                cls([parameter])
            except Exception:  # noqa: BLE001, S112 - an optimizer that needs more arguments: no matter
                continue


class Tripwire:
    """What the checker is made of, as it was before the learner's code ran.

    ``check_code`` also compares every watched function's ``__code__`` and defaults; the child
    leaves it off because the audit hook already sees every such assignment, as it happens
    (reading 5000 ``__code__`` attributes costs more than the rest of a check together).
    """

    check_code = True

    def __init__(self, *, extra_modules: Iterable[types.ModuleType] = (), pluginmanager: Any = None) -> None:
        with warnings.catch_warnings():  # reading torch's namespace touches deprecated names
            warnings.simplefilter("ignore")
            self._namespaces: list[tuple[str, Any, dict[str, Any], int]] = []
            self._code: list[tuple[str, types.FunctionType, Any, Any, Any]] = []
            self._contents: list[tuple[str, dict[Any, Any], dict[Any, Any]]] = []
            self._modules: dict[str, types.ModuleType] = {}
            self._read_modules(_guarded_modules(), extra_modules)
            self._read_process_state(pluginmanager)

    def renewed(self, *, extra_modules: Iterable[types.ModuleType] = (), pluginmanager: Any = None) -> Tripwire:
        """This snapshot, brought up to date for one run without being taken again.

        The worker takes the snapshot once, before it forks (reading every namespace costs more
        than a whole check). Each child calls this before any learner code exists in it: the
        namespaces that did not change since are kept as they are (a comparison in C), those
        that did (torch's first use, pytest's set-up) are read again, and what is new is read in
        full: modules imported since, the hidden tests' own modules, this session's plugins.
        """
        fresh = object.__new__(Tripwire)
        fresh.check_code = self.check_code
        base = self._flat()
        changed = base.changed()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fresh._namespaces = []
            for index, (label, namespace, snapshot, size) in enumerate(self._namespaces):
                if index in changed:
                    snapshot, size = _tracked(namespace, is_class=size >= 0), len(namespace) if size >= 0 else -1
                fresh._namespaces.append((label, namespace, snapshot, size))
            fresh._code = list(self._code)
            fresh._contents = [(label, container, dict(container)) for label, container, _ in self._contents]
            fresh._modules = dict(self._modules)
            new = {name: module for name, module in _guarded_modules().items() if name not in self._modules}
            fresh._read_modules(new, extra_modules)
            fresh._read_process_state(pluginmanager)
        fresh._flat_entries = _Flat.build(fresh._namespaces, reuse=base, unchanged=len(self._namespaces), changed=changed)
        return fresh

    def _read_modules(self, modules: dict[str, types.ModuleType], extra_modules: Iterable[types.ModuleType]) -> None:
        modules = dict(modules)
        for module in extra_modules:
            modules[module.__name__] = module
        self._modules.update(modules)
        seen_classes: set[int] = set()
        seen_functions: set[int] = {id(entry[1]) for entry in self._code}
        for name, module in modules.items():
            namespace = vars(module)
            tracked = _tracked(namespace, is_class=False)
            self._namespaces.append((name, namespace, tracked, -1))
            for key, value in tracked.items():
                self._note_functions(f"{name}.{key}", value, seen_functions)
                if isinstance(value, dict) and (key.isupper() or key.startswith("_global_")):
                    self._contents.append((f"{name}.{key}", value, dict(value)))
                if isinstance(value, type) and id(value) not in seen_classes and value.__module__ == name:
                    seen_classes.add(id(value))
                    self._note_class(f"{name}.{key}", value, seen_functions)

    def _read_process_state(self, pluginmanager: Any) -> None:
        self._sys_modules = {name: sys.modules[name] for name in self._modules if name in sys.modules}
        self._builtins_namespace = vars(builtins)
        self._builtins_items = tuple(vars(builtins).items())
        self._meta_path = list(sys.meta_path)
        self._pluginmanager = pluginmanager
        self._plugins = self._plugin_state()
        self._is = operator.is_
        self._functions = [entry[1] for entry in self._code]
        self._codes = [entry[2] for entry in self._code]
        self._defaults = [entry[3] for entry in self._code]
        self._kwdefaults = [entry[4] for entry in self._code]

    def _note_class(self, label: str, cls: type, seen_functions: set[int]) -> None:
        try:
            namespace = cls.__dict__
        except AttributeError:  # pragma: no cover - every class has one
            return
        # A class's own dict is a mappingproxy: keep a copy of what behaves (not counters), and
        # look for new keys too (a new key shadows an inherited attribute:
        # torch.Tensor.any = lambda *a: False).
        tracked = _tracked(namespace, is_class=True)
        self._namespaces.append((label, namespace, tracked, len(namespace)))
        for key, value in tracked.items():
            self._note_functions(f"{label}.{key}", value, seen_functions)

    def _note_functions(self, label: str, value: object, seen: set[int]) -> None:
        for function in _functions(value):
            if id(function) not in seen:
                seen.add(id(function))
                self._code.append((label, function, function.__code__, function.__defaults__, function.__kwdefaults__))

    def _plugin_state(self) -> list[tuple[Any, list[Any]]] | None:
        manager = self._pluginmanager
        if manager is None:
            return None
        callers = [(name, caller) for name, caller in vars(manager.hook).items() if hasattr(caller, "get_hookimpls")]
        return [("plugins", list(manager.get_plugins()))] + [
            (name, [impl.function for impl in caller.get_hookimpls()]) for name, caller in callers
        ]

    def changes(self, limit: int = 5) -> list[str]:
        """What differs from the snapshot (at most ``limit`` names), empty when nothing does."""
        # builtins first, with nothing but bytecode and dict methods: every later comparison
        # calls all(), map(), len()... and must not call the learner's versions.
        namespace, missing = self._builtins_namespace, _MISSING
        for key, value in self._builtins_items:
            if namespace.get(key, missing) is not value:
                return ["builtins." + key]
        if self._unchanged():
            return []
        return self._differences(limit)

    def _unchanged(self) -> bool:
        """The common case, fast: every comparison runs in C (``map``/``operator.is_``)."""
        is_, missing = self._is, itertools.repeat(_MISSING)
        flat = self._flat()
        # One pass over every watched entry of every namespace, all in C: one getter, one key and
        # one value per entry (a loop over the 1200 namespaces cost ~10 ms a check).
        if not all(map(is_, map(_CALL, flat.getters, flat.keys, missing), flat.values)):
            return False
        if list(map(len, flat.classes)) != flat.sizes:
            return False
        if self.check_code and not (
                all(map(is_, map(_CODE, self._functions), self._codes))
                and all(map(is_, map(_DEFAULTS, self._functions), self._defaults))
                and all(map(is_, map(_KWDEFAULTS, self._functions), self._kwdefaults))):
            return False
        modules = sys.modules
        if not all(map(is_, map(modules.get, self._sys_modules.keys(), missing), self._sys_modules.values())):
            return False
        for _, container, snapshot in self._contents:
            if len(container) != len(snapshot) or not all(
                    map(is_, map(container.get, snapshot.keys(), missing), snapshot.values())):
                return False
        if not _same_items(sys.meta_path, self._meta_path):
            return False
        if self._plugins is not None:
            for (_, before), (_, after) in zip(self._plugins, self._plugin_state()):
                if not _same_items(before, after):
                    return False
        return sys.gettrace() is None and sys.getprofile() is None

    def _flat(self) -> _Flat:
        """The namespaces' entries side by side, for :meth:`_unchanged` (made on first use, and
        again after :meth:`_differences` may have updated a snapshot)."""
        flat = getattr(self, "_flat_entries", None)
        if flat is None:
            flat = self._flat_entries = _Flat.build(self._namespaces)
        return flat

    def _differences(self, limit: int, skip_bulk: bool = False) -> list[str]:
        self._flat_entries = None  # a torch wrapper accepted below changes a snapshot
        found: list[str] = []

        def note(label: str) -> bool:
            found.append(label)
            return len(found) >= limit

        for label, namespace, snapshot, size in () if skip_bulk else self._namespaces:
            for key, value in snapshot.items():
                current = namespace.get(key, _MISSING)
                if current is value:
                    continue
                if _torch_wrapper_of(current, value):
                    snapshot[key] = current  # torch wrapped its own function: the new normal
                    continue
                if note(f"{label}.{key}"):
                    return found
            if size >= 0 and len(namespace) != size:
                for key in namespace.keys() - snapshot.keys():
                    if isinstance(namespace[key], _TRACKED) and note(f"{label}.{key}"):
                        return found
        for label, function, code, defaults, kwdefaults in () if skip_bulk or not self.check_code else self._code:
            if (function.__code__ is not code or function.__defaults__ is not defaults
                    or function.__kwdefaults__ is not kwdefaults) and note(f"{label}.__code__"):
                return found
        for label, container, snapshot in self._contents:
            if container.keys() != snapshot.keys() or any(container[k] is not v for k, v in snapshot.items()):
                if note(label):
                    return found
        for name, module in self._sys_modules.items():
            if sys.modules.get(name) is not module and note(f"sys.modules['{name}']"):
                return found
        if sys.meta_path != self._meta_path and note("sys.meta_path"):
            return found
        if self._plugins is not None:
            for (name, before), (_, after) in zip(self._plugins, self._plugin_state()):
                if len(before) != len(after) or any(a is not b for a, b in zip(before, after)):
                    if note(f"pytest: {name}"):
                        return found
        if sys.gettrace() is not None and note("sys.settrace"):
            return found
        if sys.getprofile() is not None and note("sys.setprofile"):
            return found
        return found


_MISSING = object()


@dataclasses.dataclass
class _Flat:
    """Every watched entry of every namespace, side by side: one C pass compares them all."""

    getters: list[Any]
    keys: list[Any]
    values: list[Any]
    #: For each entry, the index of its namespace; for each namespace, its entries' span.
    owners: list[int]
    spans: list[tuple[int, int]]
    #: The class namespaces (whose size is watched too), their sizes then, their indexes.
    classes: list[Any]
    sizes: list[int]
    class_owners: list[int]

    @classmethod
    def build(cls, namespaces, *, reuse: _Flat | None = None, unchanged: int = 0,
              changed: frozenset[int] | set[int] = frozenset()) -> _Flat:
        """The entries of ``namespaces``; those of the first ``unchanged`` not in ``changed``
        copied from ``reuse`` by slices (a renewed snapshot costs its changes, not its size)."""
        flat = cls([], [], [], [], [], [], [], [])
        for index, (_, namespace, snapshot, size) in enumerate(namespaces):
            start = len(flat.keys)
            if reuse is not None and index < unchanged and index not in changed:
                begin, end = reuse.spans[index]
                flat.getters += reuse.getters[begin:end]
                flat.keys += reuse.keys[begin:end]
                flat.values += reuse.values[begin:end]
            else:
                getter = namespace.get
                flat.getters += [getter] * len(snapshot)
                flat.keys += snapshot.keys()
                flat.values += snapshot.values()
            flat.owners += [index] * (len(flat.keys) - start)
            flat.spans.append((start, len(flat.keys)))
            if size >= 0:
                flat.classes.append(namespace)
                flat.sizes.append(size)
                flat.class_owners.append(index)
        return flat

    def changed(self) -> set[int]:
        """The namespaces with an entry that is not what it was, or a class that grew: in C."""
        same = map(operator.is_, map(_CALL, self.getters, self.keys, itertools.repeat(_MISSING)), self.values)
        changed = set(itertools.compress(self.owners, map(operator.not_, same)))
        sizes = map(operator.ne, map(len, self.classes), self.sizes)
        changed.update(itertools.compress(self.class_owners, sizes))
        return changed


#: ``f(key, default)`` in C: ``operator.call`` (3.11+), else the same in Python.
_CALL = getattr(operator, "call", lambda function, *args: function(*args))


def _same_items(first: list[Any], second: list[Any]) -> bool:
    """The same objects, by identity, in the same order (``==`` could call a learner's ``__eq__``)."""
    return len(first) == len(second) and all(map(operator.is_, first, second))

#: The worker's snapshot, taken once before forking; each child renews it, then lets it go.
_before_forking: list[Tripwire] = []


def snapshot_before_forking() -> None:
    """In the worker: take the tripwire's snapshot once, for every child it will fork."""
    tripwire = Tripwire()
    tripwire._flat()  # laid out once here too: every child compares against it
    _before_forking[:] = [tripwire]


def tripwire_for_run(*, extra_modules: Iterable[types.ModuleType], pluginmanager: Any) -> Tripwire:
    """In the child, before any learner code: the worker's snapshot renewed for this run (or a
    snapshot taken now, outside a worker). The worker's copy is dropped from this process, so
    nothing but the caller's closure holds the snapshot the learner's code will be judged by."""
    if not _before_forking:
        return Tripwire(extra_modules=extra_modules, pluginmanager=pluginmanager)
    base = _before_forking.pop()
    return base.renewed(extra_modules=extra_modules, pluginmanager=pluginmanager)


def _torch_wrapper_of(new: object, old: object) -> bool:
    """Whether ``new`` is torch's own wrapper around ``old``: importing ``torch._dynamo`` (which
    the GPU kata's simulation and ``torch.compile`` do) rebinds ``torch.manual_seed`` to a
    ``torch._disable_dynamo`` wrapper that calls the original. Code written elsewhere, even
    with ``functools.wraps``, is not accepted."""
    if getattr(new, "__wrapped__", None) is not old or not isinstance(new, types.FunctionType):
        return False
    import torch

    root = os.path.dirname(os.path.realpath(torch.__file__))
    filename = os.path.realpath(new.__code__.co_filename)
    return filename == os.path.join(root, "_compile.py") or filename.startswith(os.path.join(root, "_dynamo") + os.sep)
_CODE = operator.attrgetter("__code__")
_DEFAULTS = operator.attrgetter("__defaults__")
_KWDEFAULTS = operator.attrgetter("__kwdefaults__")

# -- where code comes from ---------------------------------------------------------------------

#: What :meth:`Origins.of` tells a file of code to be.
LEARNER, WORKSPACE, OUTSIDE, KATA, INSTALLED, STDLIB = "learner", "workspace", "outside", "kata", "installed", "stdlib"


class Origins:
    """Where a file of code comes from, told by its path alone.

    :data:`LEARNER` is the learner's file; :data:`WORKSPACE` the rest of the submission's
    folder and of the learner file's; :data:`KATA` the kata's own folder (the hidden tests, the
    reference solution); :data:`STDLIB` the standard library; :data:`INSTALLED` anything under
    a folder of ``sys.path`` as it was when the run began; :data:`OUTSIDE` everything else (a
    file written at run time, a path spelled with ``..``). The deepest of those folders that
    holds the file decides: a virtual environment inside the submission is installed code, a
    kata folder inside ``site-packages`` is the kata's.

    :meth:`of` uses string operations only: the audit hook asks while learner code may have
    replaced ``os.path``.
    """

    def __init__(self, learner_file: str, *, workspace: Iterable[str] = (), kata_folders: Iterable[str] = (),
                 roots: Iterable[str] | None = None) -> None:
        self._learner = frozenset({learner_file, os.path.realpath(learner_file)})
        self._sep = os.sep
        table: dict[str, str] = {}
        # Later entries win on the same folder: the workspace over sys.path, the kata over both.
        for root in sys.path if roots is None else roots:
            if root and os.path.exists(root):
                self._add(table, root, INSTALLED)
        self._add(table, os.path.dirname(threading.__file__), STDLIB)
        for folder in workspace:
            self._add(table, folder, WORKSPACE)
        for folder in kata_folders:
            self._add(table, folder, KATA)
        self._prefixes = tuple(sorted(table.items(), key=lambda item: len(item[0]), reverse=True))

    def _add(self, table: dict[str, str], folder: str, origin: str) -> None:
        for form in {os.path.normpath(os.path.abspath(folder)), os.path.realpath(folder)}:
            table[form.rstrip(self._sep) + self._sep] = origin

    def of(self, filename: str) -> str:
        """The origin of the code in ``filename`` (a path, as a code object or a spec names it)."""
        if filename in self._learner:
            return LEARNER
        sep = self._sep
        if not filename.startswith(sep) or (sep + "." + sep) in filename or (sep + ".." + sep) in filename:
            return OUTSIDE
        for prefix, origin in self._prefixes:
            if filename.startswith(prefix):
                return origin
        return OUTSIDE

    def stdlib_module(self, filename: str) -> str | None:
        """The dotted name of a standard-library module (``unittest.mock``) from the path of
        its file, frozen ones (``<frozen os>``) included; None for any other file."""
        if filename.startswith("<frozen ") and filename.endswith(">"):
            return filename[8:-1]
        for prefix, origin in self._prefixes:
            if filename.startswith(prefix):
                if origin != STDLIB:
                    return None
                name = filename.removeprefix(prefix).removesuffix(".py").replace(self._sep, ".")
                return name.removesuffix(".__init__")
        return None


# -- who did it -------------------------------------------------------------------------------

#: Standard-library modules that call what they are handed, or hand back what they were given
#: (frames included): a call routed through them is still its caller's.
CONDUITS = (
    "functools", "operator", "itertools", "copy", "copyreg", "pickle", "weakref", "types", "abc", "contextlib",
    "threading", "_threading_local", "concurrent", "queue", "sched", "asyncio", "multiprocessing.pool",
    "multiprocessing.dummy", "unittest.mock", "importlib", "runpy", "pkgutil", "zipimport", "code", "codeop",
    "timeit", "inspect", "os", "pathlib", "io", "_pyio", "codecs", "shutil",
)
#: Other standard-library functions that exist to hand a frame to their caller: looked through
#: for the introspection events only (``(module, function)``; ``logging.currentframe`` is a lambda).
FRAME_HANDERS = frozenset({("traceback", "walk_stack"), ("traceback", "walk_tb"), ("logging", "<lambda>")})
#: The import system: the one party that runs installed code on the learner's behalf.
IMPORTERS = ("importlib", "zipimport")

#: What a frame is to :func:`make_attribution`.
_OWN, _THROUGH, _STOP, _PLAIN_STDLIB = 0, 1, 2, 3
#: A culprit found without a line (a thread of plumbing only, the main thread elsewhere).
NO_LINE = 0


def _in(name: str, packages: tuple[str, ...]) -> bool:
    # A plain loop: the audit hook calls this, and learner code may have replaced any().
    for package in packages:
        if name == package or name.startswith(package + "."):
            return True
    return False


class Attribution(NamedTuple):
    """What :func:`make_attribution` returns (closures)."""

    #: ``culprit(frame, introspection=False)``: the learner's line, :data:`NO_LINE` or None.
    culprit: Callable[..., int | None]
    #: Whether a frame is the import system's.
    is_importer: Callable[[Any], bool]
    #: Whether a frame is the learner file's.
    is_learner: Callable[[Any], bool]


def make_attribution(origins: Origins) -> Attribution:
    """Who is behind an audit event: the rule of the module docstring, as closures that call
    nothing learner code could have replaced once they exist.

    ``culprit(frame, introspection=False)`` walks outwards from ``frame`` (the one that raised
    the event) and answers the learner's line, :data:`NO_LINE` (the learner's, line unknown),
    or None (not the learner's doing).
    """
    cache: dict[str, tuple[int, str | None]] = {}
    get_cached, get_ident, current_frames = cache.get, threading.get_ident, sys._current_frames
    main_ident = threading.get_ident()
    origin_of, stdlib_module, in_packages = origins.of, origins.stdlib_module, _in
    handers = FRAME_HANDERS

    def classify(filename: str) -> tuple[int, str | None]:
        known = get_cached(filename)
        if known is None:
            origin = origin_of(filename)
            module = None if origin == LEARNER else stdlib_module(filename)
            if origin == LEARNER:
                known = (_OWN, None)
            elif module is not None:
                known = (_THROUGH if in_packages(module, CONDUITS) else _PLAIN_STDLIB, module)
            elif origin in (WORKSPACE, OUTSIDE) and not filename.startswith("<"):
                known = (_THROUGH, None)  # the learner's own helpers
            else:
                known = (_STOP, None)  # torch, katacheck, pytest, the hidden tests, generated code
            cache[filename] = known
        return known

    def main_thread_line() -> int:
        """The learner's line the main thread is running now (in a thread the learner's code
        started, the main thread is usually waiting for it there)."""
        frame = current_frames().get(main_ident)
        while frame is not None:
            if classify(frame.f_code.co_filename)[0] == _OWN:
                return frame.f_lineno
            frame = frame.f_back
        return NO_LINE

    def culprit(frame: Any, introspection: bool = False) -> int | None:
        while frame is not None:
            code = frame.f_code
            kind, module = classify(code.co_filename)
            if kind == _OWN:
                return frame.f_lineno
            if kind == _STOP or (kind == _PLAIN_STDLIB and not (introspection and (module, code.co_name) in handers)):
                return None
            frame = frame.f_back
        # The bottom of a stack of plumbing only: a thread running what it was handed (the
        # main thread always has the checker's frames below the learner's).
        if get_ident() == main_ident:
            return None
        return main_thread_line()

    def is_importer(frame: Any) -> bool:
        if frame is None:
            return False
        module = classify(frame.f_code.co_filename)[1]
        return module is not None and in_packages(module, IMPORTERS)

    def is_learner(frame: Any) -> bool:
        return frame is not None and classify(frame.f_code.co_filename)[0] == _OWN

    return Attribution(culprit, is_importer, is_learner)


# -- the audit hook --------------------------------------------------------------------------

#: Audit events that are tampering when the learner's code performs them, and their kind.
_EVENTS = {
    "sys._getframe": "introspection",
    "sys._current_frames": "introspection",
    "gc.get_objects": "introspection",
    "gc.get_referrers": "introspection",
    "gc.get_referents": "introspection",
    "object.__getattr__": "introspection",  # only the attributes in _FRAME_ATTRS, see below
    "object.__setattr__": "code_patch",
    "object.__delattr__": "code_patch",
    "sys.settrace": "tracing",
    "sys.setprofile": "tracing",
    "sys.addaudithook": "tracing",
    "sys.monitoring.register_callback": "tracing",
    "os.kill": "kill",
    "os.killpg": "kill",
    "signal.pthread_kill": "kill",
    "open": "fd",  # only descriptors and /proc paths, see below
    "exec": "dynamic_code",  # the code of a file: judged by where the file is (file_code)
    "compile": "dynamic_code",  # the source of a file, compiled by the import system: allowed
    "marshal.loads": "dynamic_code",  # the import system reading a .pyc: allowed
    "code.__new__": "dynamic_code",
}
#: Events that hand out frames or the interpreter's objects: FRAME_HANDERS are looked through.
_INTROSPECTION = frozenset({"sys._getframe", "sys._current_frames", "gc.get_objects", "gc.get_referrers",
                            "gc.get_referents", "object.__getattr__"})
#: Attribute reads that hand out frames or code (audited by CPython as object.__getattr__).
_FRAME_ATTRS = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_code"})
#: Paths that reach the process's own descriptors or memory (plus ``/proc/<pid>/``, added when
#: the hook is installed: this module is imported in the worker, before the fork).
_PROC_PATHS = ("/proc/self/", "/dev/fd", "/proc/thread-self/")


def install_audit_hook(learner_file: str, report: Callable[[str, str, int | None], None],
                       guard: ImportGuard | None = None, *, source_sha256: str | None = None) -> None:
    """From now on, ``report(kind, name, line)`` whenever the learner's code does something in
    :data:`_EVENTS` (by the rule of the module docstring); ``report`` is expected not to return
    (it ends the child). With the child's import ``guard``
    (:func:`katacheck.runner.child.imports.install_import_guard`), code from a file of the
    workspace is also refused as it is about to run, however it was loaded. With
    ``source_sha256`` (the parent's hash of the bytes its scan read), the learner's file compiled
    from any other bytes is reported as ``source_changed`` before they run: the scan's reading
    and the child's cannot be told apart by a swap in between."""
    from katacheck.checks import loading

    if guard is None:
        origins = Origins(learner_file, workspace=(os.getcwd(), os.path.dirname(learner_file)))
        attribution, refuse = make_attribution(origins), None
    else:
        origins, attribution, refuse = guard.origins, guard.attribution, guard.refuse
    culprit, is_importer, is_learner = attribution
    origin_of = origins.of
    # Nothing below may call a function the learner could have replaced, builtins included:
    # everything is bound now.
    loader_file = loading.__file__
    read_file = _file_reader()
    busy: set[int] = set()
    get_ident, getframe, events_get = threading.get_ident, sys._getframe, _EVENTS.get
    is_instance, get_attr, type_of, str_type, int_type, bytes_type = isinstance, getattr, type, str, int, bytes
    function_type, code_type = types.FunctionType, types.CodeType
    proc_paths = (*_PROC_PATHS, f"/proc/{os.getpid()}/")
    import hashlib

    sha256 = hashlib.sha256

    def refuse_workspace_code(filename: str, origin: str, caller: Any) -> bool:
        """Refuse the learner's file through any loader but katacheck's (another one may run a
        planted ``.pyc``), and any other file of the workspace; True for katacheck's loader."""
        if origin == LEARNER and caller is not None and caller.f_code.co_filename == loader_file:
            return True
        if origin in (LEARNER, WORKSPACE) and refuse is not None:
            refuse(filename)
        return False

    def file_code(filename: str, caller: Any) -> bool:
        """Whether the code of ``filename`` may run now (else it is dynamic code); refuses,
        or reports, code that must not."""
        origin = origin_of(filename)
        if refuse_workspace_code(filename, origin, caller):
            return True
        line = culprit(caller)
        if line is None:
            return True
        if origin == KATA:
            report("import", kata_file_name(filename), line or None)
        if origin in (OUTSIDE, KATA) and refuse is not None:
            refuse(filename)
        # Installed code run on the learner's behalf: only the import system does that.
        return is_importer(caller)

    def compiled_file(source: object, filename: str, caller: Any) -> bool:
        """Whether compiling ``source`` under ``filename`` is the import system reading a module
        (a workspace file is refused now, before its bytecode is cached next to it). Anyone
        else's compile of a file's source (``ast.parse`` in a check) is theirs, or dynamic code."""
        importer = is_importer(caller)
        if importer and origin_of(filename) in (LEARNER, WORKSPACE) and refuse is not None:
            refuse(filename)
        if culprit(caller) is None:
            return True
        return importer and is_instance(source, bytes_type) and read_file(filename) == source

    def hook(event: str, args: tuple) -> None:
        kind = events_get(event)
        if kind is None:
            return
        ident = get_ident()
        if ident in busy:
            return
        busy.add(ident)
        try:
            caller = getframe(0).f_back  # the frame that raised the event (None in a bare C thread)
            name = event
            if (event == "compile" and source_sha256 is not None and is_instance(args[0], bytes_type)
                    and is_instance(args[1], str_type) and origin_of(args[1]) == LEARNER
                    and sha256(args[0]).hexdigest() != source_sha256):
                report("source_changed", args[1], None)
                return
            if event == "object.__getattr__":
                if args[1] not in _FRAME_ATTRS:
                    return
                name = args[1]
            elif event in ("object.__setattr__", "object.__delattr__"):
                target = args[0]
                owner = get_attr(target, "__module__", None)
                if not (is_instance(owner, str_type) and _guarded(owner)):
                    return  # the learner's own functions and classes are theirs to change
                name = owner + "." + get_attr(target, "__qualname__", type_of(target).__name__) + "." + args[1]
                if is_instance(target, function_type):
                    # A checker function's code or defaults swapped: tampering, whoever's frame
                    # did it (a helper the learner called, a callback run later).
                    report(kind, name, culprit(caller, True) or None)
                    return
            elif event == "open":
                path = args[0]
                if is_instance(path, bytes_type):
                    path = path.decode("utf-8", "replace")
                if is_instance(path, int_type):
                    if path < 3 or is_importer(caller):
                        return  # the import system caching bytecode, in a file it just made
                    name = f"open({path})"
                elif is_instance(path, str_type) and path.startswith(proc_paths):
                    name = path
                else:
                    return
            elif not is_learner(caller):  # the learner's own exec(), compile()... always count
                if event == "exec" and type_of(args[0]) is code_type and not args[0].co_filename.startswith("<"):
                    if file_code(args[0].co_filename, caller):
                        return
                elif event == "compile" and is_instance(args[1], str_type) and not args[1].startswith("<"):
                    if compiled_file(args[0], args[1], caller):
                        return
                elif event == "marshal.loads" and is_importer(caller):
                    return
            line = culprit(caller, event in _INTROSPECTION)
            if line is not None:
                report(kind, name, line or None)
        finally:
            busy.discard(ident)

    sys.addaudithook(hook)


def kata_file_name(filename: str) -> str:
    """``03_adam/solution.py``: a file of a kata's folder, as a report names it."""
    return os.sep.join(filename.rsplit(os.sep, 2)[-2:])


def _file_reader() -> Callable[[str], bytes | None]:
    """``read(path)``: the file's bytes, or None; C code only (``_io.FileIO``)."""
    import _io

    file_io = _io.FileIO

    def read(path: str) -> bytes | None:
        try:
            with file_io(path, "r") as handle:
                return handle.readall()
        except OSError:
            return None

    return read
