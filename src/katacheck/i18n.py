"""Learner-facing text comes from catalogs, never from literals in the code.

pt-BR is the first language. A catalog is a TOML file in ``katacheck/catalogs`` that maps a
message key to its text; placeholders use ``str.format`` syntax (``{kata}``).

Click's own words ("Usage:", "Options", error prefixes...) are translated too, through the
``[click]`` table of the catalog: click looks its strings up with gettext, so we hand it a
translations object backed by that table.
"""

from __future__ import annotations

import functools
from pathlib import Path

from katacheck._toml import tomllib

DEFAULT_LANGUAGE = "pt_BR"
CATALOGS = Path(__file__).parent / "catalogs"


@functools.cache
def catalog(language: str = DEFAULT_LANGUAGE) -> dict[str, dict[str, str]]:
    """The whole catalog of a language: ``{"messages": {...}, "click": {...}}``."""
    with (CATALOGS / f"{language}.toml").open("rb") as file:
        return tomllib.load(file)


def t(key: str, /, **params: object) -> str:
    """The text of message ``key``, with its placeholders filled in."""
    return catalog()["messages"][key].format(**params) if params else catalog()["messages"][key]


class _ClickTranslations:
    """Enough of ``gettext.NullTranslations`` for click: a lookup in the ``[click]`` table."""

    def __init__(self, table: dict[str, str]) -> None:
        self._table = table

    def gettext(self, message: str) -> str:
        return self._table.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def translate_click() -> None:
    """Make click speak the catalog's language.

    Click binds ``from gettext import gettext as _`` in each module and looks ``_`` up at call
    time, so replacing those module globals is enough (a test guards every string we need).
    """
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types

    translations = _ClickTranslations(catalog()["click"])
    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.termui, click.types):
        if hasattr(module, "_"):
            module._ = translations.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = translations.ngettext


def has(key: str) -> bool:
    """Whether the catalog has a message for ``key``."""
    return key in catalog()["messages"]
