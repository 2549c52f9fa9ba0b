"""The learner's workspace: a folder with a ``katacheck.toml``, their kata files and progress.

Progress lives in ``.katacheck/progresso.json`` and is always written atomically (a temporary
file, then ``os.replace``), so a crash or Ctrl-C mid-write never loses it. Every change goes
through :meth:`Workspace.updating_progress`, which holds a lock on ``.katacheck/progresso.lock``
from the read to the write: ``katacheck watch`` in one terminal and ``katacheck verify`` in
another never overwrite each other's update.

A pass that unlocks ``katacheck solution`` is also *signed* (:class:`PassSeal`): an HMAC over
the workspace's absolute path, the kata and the pack, with a key kept outside the workspace, in
the learner's own data folder. Adding a kata to ``passed`` by hand unlocks nothing; this stops
a casual edit, not a learner who reads the installed katacheck and the key in their own home.

A progress file that is not JSON, or JSON of the wrong shape, is kept aside as
``progresso.danificado-<data>.json``, rebuilt from what the workspace's files still tell (the
current kata, not which katas passed) and the learner is told so, once.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from katacheck._toml import tomllib
from katacheck.errors import (
    LearnerFileError,
    NotAWorkspaceError,
    WorkspaceConfigError,
    WorkspaceFolderMissingError,
    key_line,
    toml_error_detail,
    toml_error_line,
    toml_value,
)
from katacheck.i18n import LANGUAGES, normalize_language, t

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from katacheck.packs import Kata, KataPack

CONFIG_FILE = "katacheck.toml"
STATE_DIR = ".katacheck"
PROGRESS_FILE = "progresso.json"
LOCK_FILE = "progresso.lock"
DAMAGED_PREFIX = "progresso.danificado-"
PROGRESS_VERSION = 1

CONFIG_TEMPLATE = """\
# Área de trabalho do katacheck: `katacheck next` traz a próxima kata,
# `katacheck verify` verifica a kata atual. O progresso fica em .katacheck/.
pack = "{pack}"
# Idioma das mensagens: "pt_BR" (padrão) ou "en".
# lang = "en"
"""


def write_atomically(path: Path, text: str | bytes) -> None:
    """Replace ``path`` with ``text`` so that readers see the old or the new file, never half.

    ``text`` is written as UTF-8; ``bytes`` are written as they are.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        binary = isinstance(text, bytes)
        with os.fdopen(handle, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class Progress:
    """What the learner has done: the current kata, the katas passed, attempts, hints seen."""

    current: str | None = None
    passed: list[str] = field(default_factory=list)
    last_result: dict[str, str] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    hints_revealed: dict[str, int] = field(default_factory=dict)
    failed_in_a_row: dict[str, int] = field(default_factory=dict)
    #: Kata → the seal of its pass (:class:`PassSeal`); a file without it is an older one.
    signatures: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Passes verified by this process, to be sealed when the progress is saved (not saved).
        self.verified_passes: set[str] = set()

    def record_verification(self, kata_id: str, passed: bool) -> None:
        """Count an attempt; a pass is kept for good (it unlocks ``next`` and, sealed when
        :meth:`Workspace.updating_progress` saves it, ``solution``)."""
        self.attempts[kata_id] = self.attempts.get(kata_id, 0) + 1
        self.last_result[kata_id] = "passed" if passed else "failed"
        self.failed_in_a_row[kata_id] = 0 if passed else self.failed_in_a_row.get(kata_id, 0) + 1
        if passed:
            self.verified_passes.add(kata_id)
            if kata_id not in self.passed:
                self.passed.append(kata_id)

    def reveal_hint(self, kata_id: str, total: int) -> int:
        """Reveal one more of the kata's ``total`` hints; returns how many are revealed now."""
        revealed = min(self.hints_revealed.get(kata_id, 0) + 1, total)
        self.hints_revealed[kata_id] = revealed
        return revealed

    def has_passed(self, kata_id: str) -> bool:
        return kata_id in self.passed

    def to_json(self) -> str:
        return json.dumps({"version": PROGRESS_VERSION, **asdict(self)}, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Progress:
        """Parse a progress file; :class:`DamagedProgressError` when it is not one."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise DamagedProgressError(t("progress.damaged.not_json", line=error.lineno)) from None
        if not isinstance(data, dict):
            raise DamagedProgressError(t("progress.damaged.not_an_object"))
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        for name, value in known.items():
            if not _PROGRESS_SHAPE[name](value):
                raise DamagedProgressError(t("progress.damaged.field", field=name))
        return cls(**known)


class DamagedProgressError(ValueError):
    """The progress file is not JSON, or not the JSON katacheck writes (``str(error)`` says how)."""


def _is_text_or_none(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_list_of_text(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_table_of(kind: type):
    def check(value: object) -> bool:
        # bool is an int in Python, but `"attempts": {"01": true}` is not a count.
        return isinstance(value, dict) and all(
            isinstance(key, str) and isinstance(item, kind) and not isinstance(item, bool) for key, item in value.items()
        )

    return check


#: Field → what its value must look like; anything else means the file was damaged (or edited).
_PROGRESS_SHAPE = {
    "current": _is_text_or_none,
    "passed": _is_list_of_text,
    "last_result": _is_table_of(str),
    "attempts": _is_table_of(int),
    "hints_revealed": _is_table_of(int),
    "failed_in_a_row": _is_table_of(int),
    "signatures": _is_table_of(str),
}


class PassSeal:
    """The signature of a kata's pass in one workspace: HMAC-SHA256 over (the workspace's
    absolute path, the kata, the pack) with a key of this user's, outside every workspace
    (:meth:`key_path`), made on first use, readable by its owner only."""

    KEY_BYTES = 32

    @staticmethod
    def key_path() -> Path:
        """``$XDG_DATA_HOME/katacheck/chave``, or ``~/.local/share/katacheck/chave``."""
        data_home = os.environ.get("XDG_DATA_HOME", "")
        base = Path(data_home) if os.path.isabs(data_home) else Path.home() / ".local" / "share"
        return base / "katacheck" / "chave"

    @classmethod
    def key(cls, *, create: bool) -> bytes | None:
        """The key; None when there is none and ``create`` is false. ``OSError`` when it cannot
        be read or made, ``ValueError`` when the file is not a key."""
        path = cls.key_path()
        if not path.exists():
            if not create:
                return None
            cls._create(path)
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) != cls.KEY_BYTES:
            raise ValueError(f"{path}: not a key of {cls.KEY_BYTES} bytes")
        return key

    @classmethod
    def _create(cls, path: Path) -> None:
        """Write a fresh key at ``path`` atomically, 0600: another process making one at the same
        time wins, and both use its key."""
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".chave.")  # mode 0600
        try:
            with os.fdopen(handle, "w", encoding="ascii") as file:
                file.write(secrets.token_hex(cls.KEY_BYTES) + "\n")
                file.flush()
                os.fsync(file.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)  # never replaces a key already there
        finally:
            os.unlink(temporary)

    @staticmethod
    def sign(key: bytes, root: Path, kata_id: str, pack_name: str) -> str:
        message = "\0".join((str(root.resolve()), kata_id, pack_name)).encode("utf-8", "surrogateescape")
        return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Workspace:
    """A learner's workspace on disk."""

    root: Path
    pack_name: str
    #: The workspace's ``lang`` setting (``"en"``...), or None for the default.
    language: str | None = None

    @classmethod
    def find(cls, start: Path) -> Workspace | None:
        """The workspace containing ``start`` (searching upwards), or None."""
        start = start.resolve()
        for folder in (start, *start.parents):
            if (folder / CONFIG_FILE).is_file():
                return cls.load(folder)
        return None

    @classmethod
    def require(cls, start: Path) -> Workspace:
        """Like :meth:`find`, but a user error when ``start`` is not inside a workspace."""
        if not start.is_dir():
            # Searching upwards from a folder that does not exist (a typo in --workspace) would
            # silently pick whatever workspace happens to contain it.
            raise WorkspaceFolderMissingError(start)
        workspace = cls.find(start)
        if workspace is None:
            raise NotAWorkspaceError(start)
        return workspace

    @classmethod
    def load(cls, root: Path) -> Workspace:
        """The workspace whose ``katacheck.toml`` is in ``root``.

        A file that is not TOML, or whose ``pack`` or ``lang`` has the wrong kind of value, is
        a :class:`WorkspaceConfigError` naming the file and the line.
        """
        from katacheck.builtin import PACK_NAME

        path = root / CONFIG_FILE
        text, config = _read_config(path)
        pack = config.get("pack", PACK_NAME)
        if not isinstance(pack, str) or not pack.strip():
            raise WorkspaceConfigError(path, key_line(text, "pack"), t("config.problem.pack", value=toml_value(pack)))
        lang = config.get("lang", "")
        if not isinstance(lang, str) or (lang.strip() and normalize_language(lang) is None):
            raise WorkspaceConfigError(path, key_line(text, "lang"),
                                       t("config.problem.lang", value=toml_value(lang), languages=", ".join(LANGUAGES)))
        return cls(root=root.resolve(), pack_name=pack.strip(), language=normalize_language(lang))

    @classmethod
    def create(cls, root: Path, pack_name: str) -> Workspace:
        """Make ``root`` a workspace (the folder is created if needed)."""
        root.mkdir(parents=True, exist_ok=True)
        write_atomically(root / CONFIG_FILE, CONFIG_TEMPLATE.format(pack=pack_name))
        return cls(root=root.resolve(), pack_name=pack_name)

    @property
    def pack(self) -> KataPack:
        from katacheck.plugins import get_pack

        return get_pack(self.pack_name)

    def learner_file(self, kata: Kata) -> Path:
        return self.root / kata.learner_filename

    def learner_file_problem(self, kata: Kata) -> LearnerFileError | None:
        """What makes the learner's file of ``kata`` impossible to verify, or None.

        None also when there is no file at all (that is :class:`LearnerFileMissingError`'s
        case, whose fix depends on the progress). A folder, a symbolic link (it may point out
        of the workspace, and ``reset`` and the backups work on the file itself), anything but a
        regular file, a file that cannot be read or is not UTF-8 are problems.
        """
        path = self.learner_file(kata)
        name = kata.learner_filename
        reset = t("error.learner_file.fix", kata=kata.id)
        if path.is_symlink():
            return LearnerFileError(t("error.learner_file.symlink", file=name, target=os.readlink(path)), reset)
        if not path.exists():
            return None
        if path.is_dir():
            return LearnerFileError(t("error.learner_file.directory", file=name), reset)
        if not path.is_file():
            return LearnerFileError(t("error.learner_file.not_regular", file=name), reset)
        try:
            data = path.read_bytes()
        except OSError as error:
            return LearnerFileError(t("error.learner_file.unreadable", file=name, error=error.strerror or error), reset)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            return LearnerFileError(t("error.learner_file.not_utf8", file=name, line=line),
                                    t("error.learner_file.fix_encoding", file=name, kata=kata.id))
        return None

    def check_learner_file(self, kata: Kata) -> None:
        """Raise :class:`LearnerFileError` when the learner's file of ``kata`` cannot be verified."""
        problem = self.learner_file_problem(kata)
        if problem is not None:
            raise problem

    @property
    def progress_path(self) -> Path:
        return self.root / STATE_DIR / PROGRESS_FILE

    @property
    def lock_path(self) -> Path:
        return self.root / STATE_DIR / LOCK_FILE

    def load_progress(self) -> Progress:
        """The saved progress, to read; change it only inside :meth:`updating_progress`.

        A damaged file is kept aside and the progress rebuilt (see :meth:`_recover_progress`).
        """
        try:
            return self._read_progress()
        except DamagedProgressError:
            with self._progress_lock():
                # Another process may have rebuilt it while this one waited for the lock.
                return self._load_or_recover()

    @contextlib.contextmanager
    def updating_progress(self) -> Iterator[Progress]:
        """Load the progress under the workspace's lock, let the caller change it, save it.

        ::

            with workspace.updating_progress() as progress:
                progress.record_verification(kata.id, passed)

        The lock (``.katacheck/progresso.lock``) is held from the read to the atomic write, so
        two katacheck processes on one workspace never lose each other's update. Nothing is
        written when the block leaves the progress unchanged or raises.
        """
        with self._progress_lock():
            progress = self._load_or_recover()
            before = progress.to_json()
            yield progress
            self._seal_passes(progress)
            if progress.to_json() != before:
                self.save_progress(progress)

    def _seal_passes(self, progress: Progress) -> None:
        """Sign the passes this process verified (a key that cannot be made leaves them unsigned:
        verifying never fails for it, ``katacheck solution`` says why it stays locked)."""
        if not progress.verified_passes:
            return
        try:
            key = PassSeal.key(create=True)
        except (OSError, ValueError):
            return
        for kata_id in sorted(progress.verified_passes):
            progress.signatures[kata_id] = PassSeal.sign(key, self.root, kata_id, self.pack_name)
        progress.verified_passes.clear()

    def has_sealed_pass(self, progress: Progress, kata_id: str) -> bool:
        """Whether ``progress`` holds a valid seal of ``kata_id``'s pass in this workspace.
        ``OSError``/``ValueError`` when the key exists but cannot be read."""
        seal = progress.signatures.get(kata_id)
        key = PassSeal.key(create=False) if seal else None
        if key is None:
            return False
        return hmac.compare_digest(seal, PassSeal.sign(key, self.root, kata_id, self.pack_name))

    def save_progress(self, progress: Progress) -> None:
        """Write ``progress`` atomically. A read-modify-write uses :meth:`updating_progress`."""
        write_atomically(self.progress_path, progress.to_json() + "\n")

    def _read_progress(self) -> Progress:
        try:
            return Progress.from_json(self.progress_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Progress()
        except UnicodeDecodeError:
            raise DamagedProgressError(t("progress.damaged.not_utf8")) from None
        except IsADirectoryError:
            raise DamagedProgressError(t("progress.damaged.folder")) from None

    def _load_or_recover(self) -> Progress:
        # The caller holds the progress lock.
        try:
            return self._read_progress()
        except DamagedProgressError as damage:
            return self._recover_progress(str(damage))

    def _recover_progress(self, reason: str) -> Progress:
        """Keep the damaged file aside, rebuild what the workspace's files still tell, say so.

        The current kata is the last one, in course order, whose learner file exists (the one
        ``next`` wrote most recently). Which katas passed cannot be told from files, so none is
        invented: ``katacheck verify --all`` records them again.
        """
        # The pack first: if it cannot be read, the damaged file stays where it is, to be told later.
        started = [kata.id for kata in self.pack.katas() if self.learner_file(kata).exists()]
        kept = _unused_path(self.root / STATE_DIR / f"{DAMAGED_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}.json")
        os.replace(self.progress_path, kept)
        progress = Progress(current=started[-1] if started else None)
        self.save_progress(progress)  # fixed now, so the learner is told once, not every command
        from katacheck.render.console import print_notice

        current = progress.current or t("progress.recovered.no_current")
        print_notice(t("progress.recovered", file=self.progress_path.relative_to(self.root), reason=reason,
                       backup=kept.relative_to(self.root), current=current),
                     fix="katacheck verify --all")
        return progress

    @contextlib.contextmanager
    def _progress_lock(self) -> Iterator[None]:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        if self.lock_path.is_dir() and not self.lock_path.is_symlink():
            # Made a folder (by learner code: it runs in the workspace): kept aside, so that no
            # command of this workspace fails on it from now on. It holds nothing of ours.
            self.backup(self.lock_path)
        with open(self.lock_path, "a+b") as handle:
            _lock(handle)
            try:
                yield
            finally:
                _unlock(handle)

    def backup(self, path: Path) -> Path:
        """Keep what is at ``path`` in ``.katacheck/backups`` before it is replaced; returns where.

        A regular file is copied byte for byte (whatever its encoding); a folder, a symbolic link
        or anything else is moved there whole, so that a file can be written in its place.
        """
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = _unused_path(self.root / STATE_DIR / "backups" / f"{path.stem}-{stamp}{path.suffix}")
        if path.is_file() and not path.is_symlink():
            write_atomically(target, path.read_bytes())
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        return target


def _read_config(path: Path) -> tuple[str, dict]:
    """The text and the table of a ``katacheck.toml``; a :class:`WorkspaceConfigError` if broken."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WorkspaceConfigError(path, data[: error.start].count(b"\n") + 1, t("config.problem.encoding")) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problem = t("config.problem.syntax", detail=toml_error_detail(error))
        raise WorkspaceConfigError(path, toml_error_line(error, text), problem) from None


def _unused_path(path: Path) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext``... if something is already there."""
    candidate, number = path, 1
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def _lock(handle: IO[bytes]) -> None:
    """Block until this process holds the lock file ``handle`` exclusively."""
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    elif msvcrt is not None:  # pragma: no cover - Windows
        handle.seek(0)
        while True:
            try:
                # LK_LOCK retries for about 10 s, then raises: keep waiting, like flock does.
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue
    # Elsewhere there is no lock: atomic writes still keep the file whole.


def _unlock(handle: IO[bytes]) -> None:
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    elif msvcrt is not None:  # pragma: no cover - Windows
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
