"""Parent side: the bubblewrap (``bwrap``) sandbox around a warm worker, for ``katacheck grade``.

One warm worker serves many runs, so the sandbox wraps the *worker* (:func:`wrap` builds its
command line) and every kata child it forks lives inside it. Each worker sees one private
scratch folder; before each run the parent copies that run's learner file there, so a child
can only ever see the submission it is grading.

Threat model
------------
Learner code, ``ctypes`` and native code included, runs in namespaces of its own
(``--unshare-all``); whatever it does, the kernel keeps it from:

- reaching any network: its network namespace has only a loopback of its own, where nothing
  listens unless the sandbox itself started it;
- seeing other submissions, the reference solutions, the teacher's home or any other file: its
  filesystem holds the system folders, the Python environment (the prefixes and the exact
  folders on ``sys.path``, never a whole home) and the packs' kata folders, all read only, and
  its worker's scratch folder, the one writable folder (with ``/tmp`` and ``/dev/shm``, private
  to the worker; all three tmpfs of :data:`TMPFS_BYTES` where bwrap takes ``--size``, the
  teacher's scratch folder then shown read only beside it, as the inbox the worker copies each
  run's file from). Each ``solution.py`` has ``/dev/null`` mounted over it on a ``nodev`` mount:
  opening it fails (:func:`kata_solutions` finds them, the installed copies included);
- seeing or signalling other processes (its own pid namespace and ``/proc``), the terminal
  (``--new-session``), or anything the teacher's uid could reach: it keeps that uid only inside
  its user namespace, without capabilities outside it.

What it does **not** guarantee: inside, code can still do anything to its own process, its
worker and that worker's later children (time, memory and file sizes are the runner's limits);
it reads what Python, torch and the hidden tests contain (a kata cannot run otherwise); a run
leaves nothing behind only if the scratch folder is emptied between runs (``HOME`` and
``TMPDIR`` point there; ``/tmp`` and ``/dev/shm`` last as long as the worker, which empties
them). The environment it gets is an allowlist of the teacher's
(:data:`~katacheck.runner.parent.workermanage.SANDBOX_ENV`). No defence against
kernel exploits, and none at all under ``--sandbox none`` (local ``verify`` has no sandbox).

No ``--die-with-parent``: bwrap implements it with ``PR_SET_PDEATHSIG``, which fires when the
parent *thread* that started bwrap ends, and replacement workers are started from short-lived
threads (see :mod:`katacheck.runner.worker.forkserver`). A sandboxed worker ends as any worker
does, when its socket reads end-of-file, and bwrap with it.

Pids inside are the sandbox's own: the ``{"ready": pid}`` and ``{"started": pid}`` a sandboxed
worker reports mean nothing in the parent's pid namespace, so the parent must not signal them
(the worker kills its own children). Killing the bwrap process does not end the sandbox: its
first process, whose pid ``info_fd`` tells, does (see :func:`wrap`).
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from katacheck.errors import KatacheckError
from katacheck.i18n import t

MODES = ("auto", "bwrap", "none")

#: Top-level system folders; a link (``/lib -> usr/lib``) is recreated as a link.
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
#: What of ``/etc`` Python and torch need: the dynamic linker's cache (CUDA and other libraries
#: outside the default folders), the ``/usr/bin/cc`` links torch.compile uses, the user and
#: group names (``getpass.getuser()``, torch's cache folders) and the time zone.
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
             "/etc/passwd", "/etc/group", "/etc/localtime")
#: Environment variables that would send caches and temporary files outside the sandbox's
#: writable folders: unset, so they follow ``HOME``.
UNSET_ENV = ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR")
#: The probe: a bare Python that forks, as a worker does, without the imports that take it seconds.
_PROBE = ("import os\npid = os.fork()\nif pid == 0:\n    os._exit(0)\n"
          "os._exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))\n")
#: Seconds the probe may take (bwrap and a bare Python start in well under one).
PROBE_TIMEOUT = 30.0
#: Size of the sandbox's ``/tmp`` and ``/dev/shm`` (RAM): a DataLoader's shared batches fit many
#: times over; a submission that writes file after file of 64 MB stops there (unbounded, ten
#: files each took 1.2 GB of the teacher's memory, and nothing stopped the eleventh).
TMPFS_BYTES = 512 * 2**20


class SandboxUnavailableError(KatacheckError):
    """``--sandbox bwrap`` was asked for and bwrap cannot run on this machine (exit 2)."""

    def __init__(self, reason: str | None) -> None:
        if reason is None:
            super().__init__(t("error.sandbox.missing"), fix=t("error.sandbox.missing.fix"))
        else:
            super().__init__(t("error.sandbox.unusable", reason=reason), fix=t("error.sandbox.unusable.fix"))
        self.reason = reason


def resolve(mode: str) -> str:
    """The sandbox that ``--sandbox mode`` means here: ``"bwrap"`` or ``"none"``.

    ``"auto"`` is ``"bwrap"`` when bwrap works on this machine (probed once per process), else
    ``"none"``; an explicit ``"bwrap"`` that does not work is :class:`SandboxUnavailableError`.
    """
    if mode not in MODES:
        raise ValueError(f"unknown sandbox mode {mode!r}: one of {', '.join(MODES)}")
    if mode == "none":
        return "none"
    usable, reason = probe()
    if usable:
        return "bwrap"
    if mode == "bwrap":
        raise SandboxUnavailableError(reason)
    return "none"


def unavailable_reason() -> str:
    """Why bwrap does not work here, in a few words (for ``auto``'s note); "" when it does."""
    usable, reason = probe()
    return "" if usable else (reason or t("sandbox.not_installed"))


@functools.cache
def probe() -> tuple[bool, str | None]:
    """Whether a bare Python starts inside :func:`wrap` here; if not, why (None: no bwrap).

    bwrap may be installed and still fail: without unprivileged user namespaces (a sysctl, an
    AppArmor rule, most containers' seccomp profile), it cannot create its namespaces.
    """
    if shutil.which("bwrap") is None:
        return False, None
    scratch = Path(tempfile.mkdtemp(prefix="katacheck-probe-"))
    try:
        command = wrap([sys.executable, "-I", "-c", _PROBE], scratch=scratch, readable=(), hidden=())
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        return False, str(error) or type(error).__name__
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stderr or "").splitlines() if line.strip()]
        return False, (lines[-1] if lines else f"bwrap exit status {done.returncode}")[:300]
    return True, None


def python_paths() -> list[Path]:
    """The folders the worker's Python needs, read only: the prefixes and each ``sys.path`` entry.

    Only existing folders, each exactly; never the current folder (``python -m`` puts it on the
    path, and a teacher may well run ``grade`` from the class folder: the workers leave it out
    of their path too), ``/``, the home folder or one of its parents."""
    home = _absolute(os.path.expanduser("~"))
    here = os.path.realpath(os.getcwd())
    found: list[Path] = []
    for entry in (sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path):
        if not entry or not os.path.isdir(entry) or os.path.realpath(entry) == here:
            continue
        path = _absolute(entry)
        if path == Path("/") or _is_within(home, path) or path in found:
            continue
        found.append(path)
    return found


def kata_solutions(roots: Iterable[Path]) -> list[Path]:
    """Every reference solution under ``roots``: ``solution.py`` of each kata folder (one with
    a ``kata.toml``) and its compiled copies in ``__pycache__``.

    For :func:`wrap`'s ``hidden``. The packs' own kata folders are not enough: an installed
    katacheck also carries its built-in katas inside ``site-packages``, which the sandbox must
    show (so pass the :func:`python_paths` as well)."""
    found: list[Path] = []
    walked: list[Path] = []
    for root in sorted({_absolute(root) for root in roots}, key=lambda path: len(path.parts)):
        if any(_is_within(root, done) for done in walked):
            continue
        walked.append(root)
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            if "kata.toml" not in files or "solution.py" not in files:
                continue
            here = Path(folder)
            found.append(here / "solution.py")
            found.extend(sorted((here / "__pycache__").glob("solution.*.pyc")))
    return found


def wrap(argv: list[str], *, scratch: Path, readable: Sequence[Path], hidden: Sequence[Path],
         info_fd: int | None = None) -> list[str]:
    """``argv`` as a command that runs it inside bwrap (see the module's threat model).

    ``scratch``: the one writable folder, bound at the same path; the working directory, and
    ``HOME`` and ``TMPDIR``. ``readable``: folders (or files) shown read only, at the same path
    (the packs' kata folders). ``hidden``: files shown as empty (``/dev/null``) and folders
    shown empty, wherever they would be visible (the reference solutions). The rest of the
    environment is kept, as the parent prepared it.

    ``info_fd``: a descriptor (passed to the process) on which bwrap writes, once set up, a
    JSON object whose ``child-pid`` is the sandbox's first process, as the caller's namespace
    numbers it; killing it (SIGKILL) ends everything inside. Killing bwrap itself does not."""
    bwrap = shutil.which("bwrap") or "bwrap"
    scratch = _absolute(scratch)
    args = [bwrap, *(["--info-fd", str(info_fd)] if info_fd is not None else []),
            "--unshare-all", "--new-session", "--proc", "/proc", "--dev", "/dev"]
    # Both in the teacher's RAM, beyond the child's memory limit (which counts its heap, not
    # tmpfs pages): bounded where bwrap can (0.8 and later), or one submission fills the machine.
    size = ["--size", str(TMPFS_BYTES)] if _sizes_tmpfs(bwrap) else []
    args += [*size, "--tmpfs", "/tmp", *size, "--tmpfs", "/dev/shm"]
    # (option, source, target): every folder or file shown, so that the masks can follow them.
    binds: list[tuple[str, Path, Path]] = []
    for folder in SYSTEM_DIRS:
        if os.path.islink(folder):
            args += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            binds.append(("--ro-bind", Path(folder), Path(folder)))
    for path in ETC_FILES:
        if os.path.exists(path):
            binds.append(("--ro-bind", Path(os.path.realpath(path)), Path(path)))
    gpu = sorted(p for p in glob.glob("/dev/nvidia*") if not os.path.isdir(p))
    for device in gpu:  # CUDA needs its device nodes and /sys (read only), nothing more
        binds.append(("--dev-bind", Path(device), Path(device)))
    if gpu and os.path.isdir("/sys"):
        binds.append(("--ro-bind", Path("/sys"), Path("/sys")))
    # A folder on the path that holds the scratch folder would show its siblings: left out.
    python = [path for path in python_paths() if not _is_within(scratch, path)]
    for path in [*python, *map(_absolute, readable)]:
        for target in _aliases(path):
            if os.path.exists(target) and not _covered(target, binds):
                binds.append(("--ro-bind", Path(os.path.realpath(target)), target))
    if size:
        # The writable folder is a tmpfs of its own, bounded like /tmp: bound from the teacher's
        # disk, file after file of 64 MB filled it until the timeout. The teacher's folder is
        # shown read only beside it (the inbox), and the worker copies each run's file across.
        binds.append(("--ro-bind", Path(os.path.realpath(scratch)), inbox(scratch)))
    else:
        binds.append(("--bind", Path(os.path.realpath(scratch)), scratch))
    # Outermost first: an inner mount must not be covered by an outer one bound after it.
    binds.sort(key=lambda bind: len(bind[2].parts))
    for option, source, target in binds:
        args += [option, str(source), str(target)]
    if size:
        args += [*size, "--tmpfs", str(scratch)]
    # Last: each mask over every place that shows the hidden file or folder.
    masked: list[Path] = []
    for path in hidden:
        real = Path(os.path.realpath(path))
        if not os.path.exists(real):
            continue
        for _, source, target in binds:
            if not _is_within(real, source):
                continue
            shown = target / real.relative_to(source)
            if shown in masked:
                continue
            masked.append(shown)
            if real.is_dir():
                args += ["--tmpfs", str(shown), "--remount-ro", str(shown)]
            else:
                args += ["--ro-bind", os.devnull, str(shown)]
    args += ["--remount-ro", "/", "--chdir", str(scratch), "--setenv", "HOME", str(scratch),
             "--setenv", "TMPDIR", str(scratch)]
    for name in UNSET_ENV:
        args += ["--unsetenv", name]
    return [*args, "--", *argv]


def inbox(scratch: str | os.PathLike[str]) -> Path:
    """Where a sandboxed worker sees its scratch folder, read only, when the folder it writes in
    is a tmpfs of the sandbox's own (:func:`uses_inbox`)."""
    return Path(str(_absolute(scratch)) + ".entrada")


def uses_inbox() -> bool:
    """Whether :func:`wrap` makes the writable folder a bounded tmpfs, with the teacher's scratch
    folder as a read-only inbox beside it (bwrap 0.8 and later)."""
    return _sizes_tmpfs(shutil.which("bwrap") or "bwrap")


@functools.cache
def _sizes_tmpfs(bwrap: str) -> bool:
    """Whether this bwrap takes ``--size`` (0.8 and later; Ubuntu 22.04 ships 0.6)."""
    try:
        done = subprocess.run([bwrap, "--help"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--size" in (done.stdout or "") + (done.stderr or "")


def _absolute(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute and normalised, without resolving links."""
    return Path(os.path.abspath(os.fspath(path)))


def _aliases(path: Path) -> list[Path]:
    """``path`` as given and, when a link is on its way, as it really is."""
    real = Path(os.path.realpath(path))
    return [path] if real == path else [path, real]


def _covered(target: Path, binds: list[tuple[str, Path, Path]]) -> bool:
    """Whether ``target`` already shows as itself through one of ``binds``."""
    real = Path(os.path.realpath(target))
    for _, source, shown in binds:
        if _is_within(target, shown) and source / target.relative_to(shown) == real:
            return True
    return False


def _is_within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or inside it."""
    return path == folder or folder in path.parents
