"""Scaffolds for course authors: a kata folder (``katacheck dev new``) and a whole pack
distribution (``katacheck dev pack``), written from the templates in ``katacheck/templates``.

The scaffolded kata is not an empty form but a complete, working kata (a training loop that
lacks its optimizer) that the author rewrites: its stub fails, its solution passes through the
real runner, its tests use :mod:`katacheck.checks`, its ``judge.py`` replays the run the tests
sent as evidence (so a pass is never the kata child's word alone), and its ``test_kata.py``
declares ``calibrar()`` for ``katacheck dev calibrate``. A new author starts from something
that already does what the README says, and sees every part a kata needs in place.

Templates use ``string.Template`` placeholders (``$kata_id``): ``$`` never occurs in the Python,
TOML and Markdown they hold, where braces do. Nothing here imports torch or runs kata code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from katacheck._toml import tomllib
from katacheck.errors import KatacheckError
from katacheck.i18n import t
from katacheck.packs import KATA_ID, KATA_METADATA

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: Template file → the file it becomes in a new kata folder.
KATA_FILES = {
    "kata.toml.tmpl": "kata.toml",
    "statement.md.tmpl": "statement.md",
    "statement.en.md.tmpl": "statement.en.md",
    "stub.py.tmpl": "stub.py",
    "solution.py.tmpl": "solution.py",
    "test_kata.py.tmpl": "test_kata.py",
    "judge.py.tmpl": "judge.py",
    "CALIBRATION.md.tmpl": "CALIBRATION.md",
}
#: Template file → where it goes in a new pack distribution (``$module``: its Python package).
PACK_FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "gitignore.tmpl": ".gitignore",
    "package_init.py.tmpl": "src/$module/__init__.py",
    "plugin.py.tmpl": "src/$module/katacheck_plugin.py",
}
#: The id of the kata a new pack starts with.
FIRST_KATA = "01_primeira_kata"
#: A pack's name: also its distribution's name and, with ``_`` for ``-``, its Python package.
PACK_NAME = re.compile(r"^[a-z][a-z0-9]*([_-][a-z0-9]+)*$")
#: The section of a scaffolded kata (pt-BR, en): the author renames it.
SECTION = ("Primeiros passos", "First steps")


class ScaffoldError(KatacheckError):
    """A scaffold that cannot be written: a bad id or name, or a folder already there."""


@dataclass(frozen=True)
class NewPack:
    """What ``dev pack`` wrote: the project folder, its katas folder and its first kata."""

    root: Path
    katas: Path
    first_kata: Path
    module: str


def new_kata(katas_dir: Path, kata_id: str) -> Path:
    """Write the kata ``kata_id`` into the pack folder ``katas_dir`` (a folder of kata folders,
    created if missing), ordered after every kata already there; returns its folder. Refuses a
    malformed id and never overwrites anything."""
    if not KATA_ID.match(kata_id):
        raise ScaffoldError(t("dev.new.bad_id", kata=kata_id), fix=t("dev.new.bad_id.fix"))
    folder = katas_dir / kata_id
    if folder.exists():
        raise ScaffoldError(t("dev.new.exists", path=folder), fix=t("dev.new.exists.fix"))
    values = {
        "kata_id": kata_id,
        "title": title_from(kata_id.split("_", 1)[1]),
        "title_en": title_from(kata_id.split("_", 1)[1]),
        "order": str(next_order(katas_dir)),
        "section": SECTION[0],
        "section_en": SECTION[1],
    }
    folder.mkdir(parents=True)
    for template, name in KATA_FILES.items():
        _write(folder / name, _fill("kata", template, values))
    return folder


def new_pack(name: str, root: Path) -> NewPack:
    """Write a pack distribution called ``name`` into ``root`` (created; it must be empty or
    absent): ``pyproject.toml`` with the ``katacheck`` entry point, the plugin module, and
    the pack's first kata."""
    if not PACK_NAME.match(name):
        raise ScaffoldError(t("dev.pack.bad_name", name=name), fix=t("dev.pack.bad_name.fix"))
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ScaffoldError(t("dev.pack.exists", path=root), fix=t("dev.pack.exists.fix", name=name))
    module = name.replace("-", "_")
    katas = Path("src", module, "katas")
    values = {
        "pack_name": name,
        "distribution": name,
        "entry_point": name,
        "module": module,
        "title": title_from(name),
        "pack_dir": katas.as_posix(),
        "katacheck_version": _katacheck_version(),
    }
    for template, target in PACK_FILES.items():
        _write(root / Template(target).substitute(module=module), _fill("pack", template, values))
    first = new_kata(root / katas, FIRST_KATA)
    return NewPack(root=root, katas=root / katas, first_kata=first, module=module)


def katas_folder(given: Path) -> Path:
    """The folder of kata folders ``given`` stands for: a pack project's root (the one
    ``dev pack`` wrote: ``pyproject.toml`` and one ``src/<package>/katas``) means its katas
    folder; any other folder is that folder itself."""
    if (given / "pyproject.toml").is_file():
        found = sorted(path for path in given.glob("src/*/katas") if path.is_dir())
        if len(found) == 1:
            return found[0]
    return given


def next_order(katas_dir: Path) -> int:
    """One more than the highest ``order`` of the katas in ``katas_dir`` (1 for none). Only the
    ``order`` fields are read: a kata that does not load yet (its author is writing it) still
    holds its place, and ``dev check`` is where its other problems are named."""
    highest = 0
    if katas_dir.is_dir():
        for metadata in katas_dir.glob(f"*/{KATA_METADATA}"):
            try:
                order = tomllib.loads(metadata.read_text(encoding="utf-8")).get("order")
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if isinstance(order, int) and not isinstance(order, bool):
                highest = max(highest, order)
    return highest + 1


def title_from(words: str) -> str:
    """``"minha_kata"`` or ``"meu-curso"`` as a title: ``"Minha kata"``, ``"Meu curso"``."""
    text = re.sub(r"[_-]+", " ", words).strip()
    return text[:1].upper() + text[1:]


def _fill(kind: str, template: str, values: dict[str, str]) -> str:
    return Template((TEMPLATES / kind / template).read_text(encoding="utf-8")).substitute(values)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # "x": a file that appeared since the checks above is still never overwritten.
    with path.open("x", encoding="utf-8") as stream:
        stream.write(text)


def _katacheck_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("katacheck")
    except PackageNotFoundError:  # pragma: no cover - a source tree run without installing
        return "0.1.0"
