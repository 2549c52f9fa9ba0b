"""The ``KATACHECK_*`` environment variables, read and checked in one place.

Each function reads one variable and returns its value, or its default when the variable is
unset or empty (``VAR=`` in a shell is how people unset a variable for one command). A value
that cannot be used is a :class:`katacheck.errors.SettingError` naming the variable, the value
and what is expected, never a traceback from deep inside a command. The CLI checks all of them
with :func:`validate` before a command runs, so a typo costs exit code 2 and one clear line.

``KATACHECK_LOAD_PLUGINS`` is the exception to "empty means unset": empty means "built-in
packs only".

Variables set by katacheck for its own child processes (``KATACHECK_CHILD_SYSPATH``) are not
settings and are not read here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection
from pathlib import Path

from katacheck.errors import SettingError
from katacheck.i18n import LANGUAGES, normalize_language, t

WIDTH = "KATACHECK_WIDTH"
TIMEOUT_FACTOR = "KATACHECK_TIMEOUT_FACTOR"
MEMORY_MB = "KATACHECK_MEMORY_MB"
LANG = "KATACHECK_LANG"
WORKSPACE = "KATACHECK_WORKSPACE"
LOAD_PLUGINS = "KATACHECK_LOAD_PLUGINS"
SEED = "KATACHECK_SEED"

#: Narrower than this, rich wraps every line of a report into nonsense.
MIN_WIDTH = 20
#: torch alone needs about 1 GB of data to train a tiny model: below that every kata would fail
#: with an out-of-memory diagnosis that has nothing to do with the learner's code.
MIN_MEMORY_MB = 1024


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value and value.strip() else None


def width() -> int | None:
    """``KATACHECK_WIDTH``: the output's width in columns, or None to let the terminal decide."""
    value = _raw(WIDTH)
    if value is None:
        return None
    columns = _integer(value)
    if columns is None or columns < MIN_WIDTH:
        raise SettingError(WIDTH, value, t("setting.width.expected", minimum=MIN_WIDTH), example="100")
    return columns


def timeout_factor() -> float:
    """``KATACHECK_TIMEOUT_FACTOR``: what every kata's timeout is multiplied by (default 1)."""
    value = _raw(TIMEOUT_FACTOR)
    if value is None:
        return 1.0
    try:
        factor = float(value.replace(",", "."))  # "1,5" is how a Brazilian keyboard writes 1.5
    except ValueError:
        factor = math.nan
    if not math.isfinite(factor) or factor <= 0:
        raise SettingError(TIMEOUT_FACTOR, value, t("setting.timeout_factor.expected"), example="2")
    return factor


def memory_mb(default: int | None = None) -> int | None:
    """``KATACHECK_MEMORY_MB``: the memory cap of learner code in megabytes, or ``default``."""
    value = _raw(MEMORY_MB)
    if value is None:
        return default
    megabytes = _integer(value)
    if megabytes is None or megabytes < MIN_MEMORY_MB:
        raise SettingError(MEMORY_MB, value, t("setting.memory_mb.expected", minimum=MIN_MEMORY_MB),
                           example="4096")
    return megabytes


def language() -> str | None:
    """``KATACHECK_LANG``: one of :data:`katacheck.i18n.LANGUAGES`, or None when unset."""
    value = _raw(LANG)
    if value is None:
        return None
    chosen = normalize_language(value)
    if chosen is None:
        raise SettingError(LANG, value, t("setting.lang.expected", languages=", ".join(LANGUAGES)), example="en")
    return chosen


def workspace() -> Path | None:
    """``KATACHECK_WORKSPACE``: the workspace folder, which must exist; None when unset."""
    value = _raw(WORKSPACE)
    if value is None:
        return None
    folder = Path(value).expanduser()
    if not folder.is_dir():
        # Searching upwards from a folder that does not exist would silently pick whatever
        # workspace happens to contain it.
        raise SettingError(WORKSPACE, value, t("setting.workspace.expected"), example="~/curso-pytorch")
    return folder


def seed() -> int | None:
    """``KATACHECK_SEED``: the base seed of the hidden tests (an integer ≥ 0), or None for the
    default (0: the seeds as each test wrote them)."""
    value = _raw(SEED)
    if value is None:
        return None
    chosen = _integer(value)
    if chosen is None or chosen < 0:
        raise SettingError(SEED, value, t("setting.seed.expected"), example="3")
    return chosen


def load_plugins() -> list[str] | None:
    """``KATACHECK_LOAD_PLUGINS``: the external plugins to load (``[]``: none), or None for all.

    Every name must be an installed ``katacheck`` entry point: pluggy skips unknown names
    silently, and a misspelled course would otherwise just vanish from ``katacheck init``.
    """
    value = os.environ.get(LOAD_PLUGINS)
    if value is None:
        return None
    names = [part.strip() for part in value.split(",") if part.strip()]
    installed = installed_plugins()
    unknown = [name for name in names if name not in installed]
    if unknown:
        known = ", ".join(sorted(installed)) or t("setting.load_plugins.none_installed")
        raise SettingError(LOAD_PLUGINS, value, t("setting.load_plugins.expected", unknown=unknown[0], known=known),
                           example=",".join(name for name in names if name in installed))
    return names


def installed_plugins() -> set[str]:
    """The names of the installed ``katacheck`` entry points (external plugins)."""
    from importlib.metadata import entry_points

    from katacheck.hookspecs import ENTRY_POINT_GROUP

    return {entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}


def validate(*, overridden: Collection[str] = ()) -> None:
    """Check every setting at once; raises the :class:`SettingError` of the first bad one.

    ``overridden``: the variables that a command-line option replaces this time (``--lang``
    for ``KATACHECK_LANG``): their value is never used, so it is not checked either.
    """
    readers = {WIDTH: width, TIMEOUT_FACTOR: timeout_factor, MEMORY_MB: memory_mb, LANG: language,
               WORKSPACE: workspace, LOAD_PLUGINS: load_plugins, SEED: seed}
    for name, read in readers.items():
        if name not in overridden:
            read()


def _integer(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None
