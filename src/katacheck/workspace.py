"""The learner's workspace: a folder with a ``katacheck.toml``, their kata files and progress.

Progress lives in ``.katacheck/progresso.json`` and is always written atomically (a temporary
file, then ``os.replace``), so a crash or Ctrl-C mid-write never loses it.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from katacheck._toml import tomllib
from katacheck.errors import NotAWorkspaceError

if TYPE_CHECKING:
    from katacheck.packs import Kata, KataPack

CONFIG_FILE = "katacheck.toml"
STATE_DIR = ".katacheck"
PROGRESS_FILE = "progresso.json"
PROGRESS_VERSION = 1

CONFIG_TEMPLATE = """\
# Área de trabalho do katacheck: `katacheck next` traz a próxima kata,
# `katacheck verify` verifica a kata atual. O progresso fica em .katacheck/.
pack = "{pack}"
# Idioma das mensagens: "pt_BR" (padrão) ou "en".
# lang = "en"
"""


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
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

    def record_verification(self, kata_id: str, passed: bool) -> None:
        """Count an attempt; a pass is kept for good (it unlocks ``next`` and ``solution``)."""
        self.attempts[kata_id] = self.attempts.get(kata_id, 0) + 1
        self.last_result[kata_id] = "passed" if passed else "failed"
        self.failed_in_a_row[kata_id] = 0 if passed else self.failed_in_a_row.get(kata_id, 0) + 1
        if passed and kata_id not in self.passed:
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
        data = json.loads(text)
        data.pop("version", None)
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)


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
        workspace = cls.find(start)
        if workspace is None:
            raise NotAWorkspaceError(start)
        return workspace

    @classmethod
    def load(cls, root: Path) -> Workspace:
        config = tomllib.loads((root / CONFIG_FILE).read_text(encoding="utf-8"))
        from katacheck.builtin import PACK_NAME

        from katacheck.i18n import normalize_language

        return cls(root=root.resolve(), pack_name=str(config.get("pack", PACK_NAME)),
                   language=normalize_language(str(config.get("lang", ""))))

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

    @property
    def progress_path(self) -> Path:
        return self.root / STATE_DIR / PROGRESS_FILE

    def load_progress(self) -> Progress:
        """The saved progress; a damaged file is kept aside and progress starts afresh."""
        try:
            return Progress.from_json(self.progress_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Progress()
        except (ValueError, TypeError):
            damaged = self.progress_path.with_suffix(f".danificado-{int(time.time())}.json")
            os.replace(self.progress_path, damaged)
            return Progress()

    def save_progress(self, progress: Progress) -> None:
        write_atomically(self.progress_path, progress.to_json() + "\n")

    def backup(self, path: Path) -> Path:
        """Copy a learner file into ``.katacheck/backups`` before it is replaced."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.root / STATE_DIR / "backups" / f"{path.stem}-{stamp}{path.suffix}"
        write_atomically(target, path.read_text(encoding="utf-8"))
        return target
