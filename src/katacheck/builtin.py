"""The built-in pack, "fundamentos": registered through the same hook as any external pack."""

from __future__ import annotations

from pathlib import Path

import katacheck
from katacheck.i18n import t
from katacheck.packs import KataPack

PACK_NAME = "fundamentos"


def katas_directory() -> Path:
    """Where the built-in katas live.

    In a wheel they are copied into the package (``katacheck/katas``); in a source checkout
    (editable install, ``uv run``) they are the repository's top-level ``katas/`` folder.
    """
    packaged = Path(__file__).parent / "katas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "katas"


@katacheck.hookimpl
def katacheck_packs() -> list[KataPack]:
    return [KataPack.from_directory(PACK_NAME, katas_directory(), title=t("pack.fundamentos"))]
