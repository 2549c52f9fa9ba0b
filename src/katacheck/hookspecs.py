"""The hooks that katacheck plugins implement.

A plugin is a module (or any object) with functions marked ``@katacheck.hookimpl``. External
plugins are found through the ``katacheck`` entry-point group::

    [project.entry-points.katacheck]
    meu_curso = "meu_curso.katacheck_plugin"

The built-in pack, ``katacheck.builtin``, is registered through this very hook, exactly like an
external one: there is no special case for it anywhere else.

Specs only ever gain arguments, never lose or rename them, so existing plugins keep working:
an implementation declares only the arguments it uses, and katacheck calls it with exactly
those, by name (:func:`katacheck.plugins.call_hookimpl`). Write ``def katacheck_packs():``
today; if the hook later offers, say, ``config``, it stays valid, and
``def katacheck_packs(config):`` receives it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Iterable

    from katacheck.packs import KataPack

#: The entry-point group (and pluggy project name) under which packs register their plugins.
ENTRY_POINT_GROUP = "katacheck"

hookspec = pluggy.HookspecMarker(ENTRY_POINT_GROUP)

__all__ = ["hookspec", "katacheck_packs"]


# --------------------------------------------------------------------------------------------
# Registration hooks
# --------------------------------------------------------------------------------------------


@hookspec
def katacheck_packs() -> Iterable[KataPack]:
    """Return the kata packs that this plugin provides.

    Every implementation is called; their packs are merged into one registry keyed by
    :attr:`KataPack.name`. Two plugins that register the same name are an error that names
    both of them.

    :returns: an iterable of :class:`katacheck.packs.KataPack`; usually built with
        :meth:`KataPack.from_directory` over a folder of kata folders shipped in the plugin.

    Example (a whole plugin module)::

        from pathlib import Path

        import katacheck
        from katacheck.packs import KataPack

        @katacheck.hookimpl
        def katacheck_packs():
            return [KataPack.from_directory("meu-curso", Path(__file__).parent / "katas",
                                            title="Meu curso de PyTorch")]
    """
