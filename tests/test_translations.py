"""The German catalogue is complete: every message translated, none fuzzy, and it matches the code."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
# Read at collection, before any test runs: the test below rewrites the catalogue while it checks it.
CATALOGUE_TEXT = CATALOGUE.read_text(encoding="utf-8")


def entries(text):
    """(flags, msgid, msgstr parts) of every entry but the header."""
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line and not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        msgid = "".join(
            re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', "\n".join(_section(lines, "msgid")), re.M)
        )
        msgstrs = [
            "".join(re.findall(r'"(.*)"', "\n".join(_section(lines, key))))
            for key in sorted({line.split(" ")[0] for line in lines if line.startswith("msgstr")})
        ]
        if msgid:
            yield flags, msgid, msgstrs


def _section(lines, key):
    taken, inside = [], False
    for line in lines:
        if line.startswith(key):
            inside = True
        elif not line.startswith('"'):
            inside = False
        if inside:
            taken.append(line)
    return taken


def test_every_german_message_is_translated_and_not_fuzzy():
    found = list(entries(CATALOGUE_TEXT))
    assert len(found) > 500
    untranslated = [msgid for _flags, msgid, msgstrs in found if not all(msgstrs)]
    fuzzy = [msgid for flags, msgid, _msgstrs in found if "fuzzy" in flags]
    assert not untranslated, f"German translation missing for: {untranslated[:20]}"
    assert not fuzzy, f"Fuzzy German translations: {fuzzy[:20]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogue_holds_every_message_of_the_code(tmp_path):
    """makemessages on a copy of the catalogue adds nothing new: no string of the code is missing."""
    copy = tmp_path / "django.po"
    copy.write_text(CATALOGUE_TEXT, encoding="utf-8")
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "makemessages", "-l", "de", "-v0", "--ignore=.venv",
         "--ignore=node_modules", "--ignore=static/vendor", "--ignore=bench", "--ignore=scripts",
         "--ignore=load"],
        cwd=ROOT, check=True,
    )  # fmt: skip
    try:
        after = {msgid for _f, msgid, _s in entries(CATALOGUE.read_text(encoding="utf-8"))}
        before = {msgid for _f, msgid, _s in entries(copy.read_text(encoding="utf-8"))}
        assert not after - before, f"Messages not in the German catalogue yet: {sorted(after - before)[:20]}"
    finally:
        shutil.copy(copy, CATALOGUE)
