"""Learner-facing text comes from gettext catalogs, never from literals in the code.

pt-BR is the first language and English the second. The catalogs live in
``katacheck/locale/<lang>/LC_MESSAGES``:

- ``katacheck.po``: our messages. The msgid is a stable dotted key (``cli.verify.short``), the
  msgstr its text, with ``str.format`` placeholders (``{kata}``). Keys rather than source text as
  msgids because pt-BR, not English, is the language the code would otherwise be written in, and
  a missing English text must fall back to pt-BR, never to a key or to English by default.
- ``click.po``: click's own words ("Usage:", "Options"...), pt-BR only; in English click speaks
  for itself.

The ``.po`` files are the source; Babel compiles them to the ``.mo`` files read here with the
standard library (``uv run pybabel compile -d src/katacheck/locale -D katacheck``; a test fails
when a ``.mo`` is stale). Kata statements and hints are translated inside each kata's folder.
"""

from __future__ import annotations

import functools
import gettext
import os
from pathlib import Path

DEFAULT_LANGUAGE = "pt_BR"
LANGUAGES = ("pt_BR", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "katacheck"

_ALIASES = {"pt": "pt_BR", "pt_br": "pt_BR", "pt-br": "pt_BR", "en": "en", "en_us": "en", "en-us": "en",
            "en_gb": "en", "en-gb": "en"}
_current = DEFAULT_LANGUAGE


def normalize_language(name: str | None) -> str | None:
    """``"pt-BR"``, ``"pt"``, ``"en_US"``... as one of :data:`LANGUAGES`, or None if unknown."""
    if not name:
        return None
    return _ALIASES.get(name.strip().lower().split(".")[0])


def set_language(name: str | None, *, export: bool = True) -> str:
    """Make ``name`` (or the default) the language of every message from now on; returns it.

    ``export``: also set ``KATACHECK_LANG``, so that kata child processes inherit the choice.
    The CLI chooses its help language with ``export=False`` before parsing anything, so that a
    learner's own (possibly misspelled) ``KATACHECK_LANG`` is still there to be checked.
    """
    global _current
    _current = normalize_language(name) or DEFAULT_LANGUAGE
    if export:
        os.environ["KATACHECK_LANG"] = _current
    return _current


def language() -> str:
    """The language messages are in now."""
    return _current


@functools.cache
def translations(language: str = DEFAULT_LANGUAGE, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The compiled catalog of ``language``; any language but pt-BR falls back to pt-BR."""
    found = gettext.translation(domain, LOCALE_DIR, languages=[language], fallback=True)
    if language != DEFAULT_LANGUAGE and domain == DOMAIN:
        found.add_fallback(translations(DEFAULT_LANGUAGE, domain))
    return found


@functools.cache
def catalog(language: str = DEFAULT_LANGUAGE, domain: str = DOMAIN) -> dict[str, str]:
    """Every ``key → text`` of a compiled catalog, without the header (for tests and tools)."""
    found = gettext.translation(domain, LOCALE_DIR, languages=[language], fallback=True)
    return {key: text for key, text in getattr(found, "_catalog", {}).items() if key and isinstance(key, str)}


def t(key: str, /, **params: object) -> str:
    """The text of message ``key`` in the current language, with its placeholders filled in."""
    text = translations(_current).gettext(key)
    return text.format(**params) if params else text


def has(key: str) -> bool:
    """Whether the catalog has a message for ``key``."""
    return key in catalog(DEFAULT_LANGUAGE)


class _ClickTranslations:
    """Click's lookups: singular and plural are both msgids of ``click.po``."""

    def __init__(self, found: gettext.NullTranslations) -> None:
        self._found = found

    def gettext(self, message: str) -> str:
        return self._found.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def translate_click() -> None:
    """Make click speak the current language.

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

    translator = _ClickTranslations(translations(_current, "click"))
    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.termui, click.types):
        if hasattr(module, "_"):
            module._ = translator.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = translator.ngettext


def _language_from_environment() -> None:
    # A kata child or a plain pytest run gets the language the parent chose.
    chosen = normalize_language(os.environ.get("KATACHECK_LANG"))
    if chosen:
        global _current
        _current = chosen


_language_from_environment()
