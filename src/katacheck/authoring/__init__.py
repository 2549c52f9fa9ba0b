"""Tools for course authors: what ``katacheck dev`` does, apart from its command line.

- :mod:`.validate`: what a kata folder must hold, as a table of rules (``dev check``);
- :mod:`.variants`: the ``# expect:`` variants of a pack, and where a pack keeps them;
- :mod:`.check`: ``dev check`` itself, validation then the runs over seeds.

Everything here runs in the parent (the ``katacheck`` command): learner code, and so torch,
only ever runs in the kata children the runner forks.
"""

from __future__ import annotations

from katacheck.authoring.check import KataRow, PackCheck, Tally, check_pack
from katacheck.authoring.validate import Problem
from katacheck.authoring.variants import Variant, VariantHeaderError, read_expectation, variants_directory

__all__ = ["KataRow", "PackCheck", "Problem", "Tally", "Variant", "VariantHeaderError", "check_pack",
           "read_expectation", "variants_directory"]
