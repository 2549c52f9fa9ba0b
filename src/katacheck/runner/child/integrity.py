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
   ``exec``. It reports and ends the child on the spot.
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
import inspect
import itertools
import operator
import os
import sys
import threading
import types
import warnings
from collections.abc import Callable, Iterable
from typing import Any

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
            self._snapshot(extra_modules, pluginmanager)

    def _snapshot(self, extra_modules: Iterable[types.ModuleType], pluginmanager: Any) -> None:
        modules = {name: module for name, module in list(sys.modules.items())
                   if isinstance(module, types.ModuleType) and _guarded(name)}
        for module in extra_modules:
            modules[module.__name__] = module
        self._modules = modules
        # (label, live namespace, tracked entries, its size then or -1 for a module's).
        self._namespaces: list[tuple[str, Any, dict[str, Any], int]] = []
        self._code: list[tuple[str, types.FunctionType, Any, Any, Any]] = []
        self._contents: list[tuple[str, dict[Any, Any], dict[Any, Any]]] = []
        seen_classes: set[int] = set()
        seen_functions: set[int] = set()
        for name, module in modules.items():
            namespace = vars(module)
            tracked = {k: v for k, v in namespace.items() if k not in _VOLATILE and isinstance(v, _TRACKED)}
            self._namespaces.append((name, namespace, tracked, -1))
            for key, value in tracked.items():
                self._note_functions(f"{name}.{key}", value, seen_functions)
                if isinstance(value, dict) and (key.isupper() or key.startswith("_global_")):
                    self._contents.append((f"{name}.{key}", value, dict(value)))
                if isinstance(value, type) and id(value) not in seen_classes and value.__module__ == name:
                    seen_classes.add(id(value))
                    self._note_class(f"{name}.{key}", value, seen_functions)
        self._sys_modules = {name: sys.modules[name] for name in modules if name in sys.modules}
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
        tracked = {k: v for k, v in namespace.items() if isinstance(v, _TRACKED)}
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
        for _, namespace, snapshot, size in self._namespaces:
            if not all(map(is_, map(namespace.get, snapshot.keys(), missing), snapshot.values())):
                return False
            if size >= 0 and len(namespace) != size:
                return False
        if self.check_code and not (
                all(map(is_, map(_CODE, self._functions), self._codes))
                and all(map(is_, map(_DEFAULTS, self._functions), self._defaults))
                and all(map(is_, map(_KWDEFAULTS, self._functions), self._kwdefaults))):
            return False
        return not self._differences(1, skip_bulk=True)

    def _differences(self, limit: int, skip_bulk: bool = False) -> list[str]:
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

# -- the audit hook --------------------------------------------------------------------------

#: Audit events that are tampering when the learner's file performs them, and their kind.
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
    "exec": "dynamic_code",
    "compile": "dynamic_code",
}
#: Attribute reads that hand out frames or code (audited by CPython as object.__getattr__).
_FRAME_ATTRS = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_code"})
#: Paths that reach the process's own descriptors or memory (plus ``/proc/<pid>/``, added when
#: the hook is installed: this module is imported in the worker, before the fork).
_PROC_PATHS = ("/proc/self/", "/dev/fd", "/proc/thread-self/")


def install_audit_hook(learner_file: str, report: Callable[[str, str, int | None], None]) -> None:
    """From now on, ``report(kind, name, line)`` whenever the learner's file does something in
    :data:`_EVENTS`; ``report`` is expected not to return (it ends the child)."""
    import pathlib
    import traceback

    # Code objects name their file as it was imported: compare those strings, computed now
    # (nothing below may call a function the learner could have replaced, builtins included).
    learner = {learner_file, os.path.realpath(learner_file)}
    helpers = {module.__file__ for module in (inspect, os, pathlib)}
    frame_helpers = {traceback.__file__}
    busy: set[int] = set()
    get_ident, getframe = threading.get_ident, sys._getframe
    is_instance, get_attr, type_of, str_type, int_type = isinstance, getattr, type, str, int
    function_type, proc_paths = types.FunctionType, (*_PROC_PATHS, f"/proc/{os.getpid()}/")

    def classify(filename: str) -> str:
        if filename in learner:
            return "learner"
        if filename in helpers:
            return "helper"
        return "frame_helper" if filename in frame_helpers else "other"

    def learner_line(skip_frame_helpers: bool) -> int | None:
        """The learner's line that did it, when the innermost Python caller is the learner's
        file (introspection helpers such as ``inspect.currentframe`` are looked through)."""
        frame = getframe(2)
        while frame is not None:
            kind = classify(frame.f_code.co_filename)
            if kind == "learner":
                return frame.f_lineno
            if kind == "helper" or (skip_frame_helpers and kind == "frame_helper"):
                frame = frame.f_back
                continue
            return None
        return None

    def hook(event: str, args: tuple) -> None:
        kind = _EVENTS.get(event)
        if kind is None:
            return
        ident = get_ident()
        if ident in busy:
            return
        busy.add(ident)
        try:
            name = event
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
                    report(kind, name, learner_line(skip_frame_helpers=True))
                    return
            elif event == "open":
                path = args[0]
                if is_instance(path, bytes):
                    path = path.decode("utf-8", "replace")
                if is_instance(path, int_type):
                    if path < 3:
                        return
                    name = "open(%d)" % path
                elif is_instance(path, str_type) and path.startswith(proc_paths):
                    name = path
                else:
                    return
            line = learner_line(skip_frame_helpers=event in ("sys._getframe", "sys._current_frames"))
            if line is not None:
                report(kind, name, line)
        finally:
            busy.discard(ident)

    sys.addaudithook(hook)
