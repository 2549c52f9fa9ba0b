"""Finding plugins: the built-in pack plus every ``katacheck`` entry point.

Loading is lazy and happens once: nothing is discovered at import time, so ``katacheck --help``
never pays for it. ``KATACHECK_LOAD_PLUGINS`` restricts which external plugins load (a
comma-separated list of entry-point names; empty means built-ins only; an unknown name is an
error, see :func:`katacheck.settings.load_plugins`).

Implementations are called with the arguments they declare, by name, out of those the hook
offers (:func:`call_hookimpl`): a hook that gains an argument, as ``hookspecs`` allows, keeps
working with every plugin written before.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Any

import pluggy

from katacheck import hookspecs, settings
from katacheck.errors import PackConflictError, UnknownPackError

if TYPE_CHECKING:
    from katacheck.packs import KataPack

ENTRY_POINT_GROUP = hookspecs.ENTRY_POINT_GROUP

#: Plugins that ship with katacheck, registered exactly like external ones.
DEFAULT_PLUGINS = ("katacheck.builtin",)


@functools.cache
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, with every plugin loaded."""
    manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
    manager.add_hookspecs(hookspecs)
    _load_entry_points(manager)
    for name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    # A misspelled hook name in a plugin fails here, loudly, instead of being ignored.
    manager.check_pending()
    return manager


def _load_entry_points(manager: pluggy.PluginManager) -> None:
    allowed = settings.load_plugins()
    if allowed is None:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        return
    for name in allowed:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)


def call_hookimpl(impl: pluggy.HookImpl, available: dict[str, Any]) -> Any:
    """Call one hook implementation with the arguments it declares, taken by name from
    ``available`` (every argument the hook's spec offers).

    An implementation may declare fewer arguments than its spec (pluggy checks at registration
    that it declares no argument the spec lacks), so each one gets just what it asks for.
    """
    return impl.function(**{name: available[name] for name in impl.argnames})


@functools.cache
def packs() -> dict[str, KataPack]:
    """Every registered pack, by name."""
    found: dict[str, tuple[KataPack, str]] = {}
    manager = plugin_manager()
    # Each implementation is called on its own (not through manager.hook) so that a clash can
    # name both plugins; in registration order, so the message names the earlier one first.
    for impl in reversed(manager.hook.katacheck_packs.get_hookimpls()):
        # katacheck_packs offers no argument yet; when it gains one, it is added here.
        for pack in call_hookimpl(impl, {}) or ():
            if pack.name in found:
                raise PackConflictError(pack.name, found[pack.name][1], impl.plugin_name)
            found[pack.name] = (pack, impl.plugin_name)
    return {name: pack for name, (pack, _) in found.items()}


def get_pack(name: str) -> KataPack:
    """The pack called ``name``; a user error naming the known packs if there is none."""
    try:
        return packs()[name]
    except KeyError:
        raise UnknownPackError(name, sorted(packs())) from None
