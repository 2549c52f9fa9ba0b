"""Learner-facing text lives in the catalog: every key the code asks for exists, in pt-BR."""

from __future__ import annotations

import re
import string
from pathlib import Path

import click
import pytest

from katacheck.i18n import catalog

SOURCE = Path(__file__).resolve().parents[1] / "src" / "katacheck"
MESSAGES = catalog("pt_BR")  # key → pt-BR text, from the compiled catalog


def _code() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.py"))


def test_every_literal_key_used_by_the_code_exists():
    keys = set(re.findall(r'\bt\("([a-z_.]+)"', _code()))
    keys |= {f"check.{code}" for code in re.findall(r'\bfail\("([a-z_]+)"', _code())}
    assert keys, "the scan found the keys"
    assert sorted(keys - MESSAGES.keys()) == []


def test_every_named_pattern_and_fatal_cause_has_a_message_and_a_hint():
    from katacheck.checks.diagnose import PATTERNS

    codes = {f"diagnose.{code}" for code, _, _ in PATTERNS}
    causes = ("timeout", "crash", "killed", "exited", "output_too_large", "interrupted", "missing_checks")
    codes |= {f"fatal.{cause}" for cause in causes}
    for code in codes:
        assert code in MESSAGES and f"{code}.hint" in MESSAGES, code


def test_each_fatal_hint_has_the_placeholders_of_its_message():
    # A fatal cause fills its message and its hint from the same few values, so the hint may
    # only ask for what the message has. Checks (fail()) and diagnoses pass every value they
    # have to both texts, and tests/test_diagnoses.py formats each one from a real error.
    for key, text in MESSAGES.items():
        if key.startswith("fatal.") and key.endswith(".hint") and key.removesuffix(".hint") in MESSAGES:
            own = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            base = {name for _, name, _, _ in string.Formatter().parse(MESSAGES[key.removesuffix(".hint")]) if name}
            assert own <= base, key


def test_messages_are_portuguese_with_accents():
    text = " ".join(MESSAGES.values())
    for word in ("não", "você", "função", "época", "Dica"):
        assert word in text


@pytest.mark.parametrize("source", sorted(catalog("pt_BR", "click")))
def test_every_translated_click_string_still_exists_in_click(source):
    click_source = "\n".join(p.read_text(encoding="utf-8") for p in Path(click.__file__).parent.glob("*.py"))
    assert f'"{source}"' in click_source or repr(source) in click_source
