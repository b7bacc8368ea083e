"""The Norwegian catalogue is complete, compiled and committed (a fresh machine has no gettext)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

from tests.conftest import skip_or_fail

BASE_DIR = Path(__file__).resolve().parent.parent
PO = BASE_DIR / "locale" / "nb" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _translations(catalogue) -> dict:
    return {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0, "")) for e in catalogue if not e.obsolete}


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]


def test_the_compiled_catalogue_matches_the_source():
    po, mo = polib.pofile(str(PO)), polib.mofile(str(MO))
    assert _translations(mo) == {key: value for key, value in _translations(po).items() if key[1]}


def test_every_string_marked_for_translation_is_in_the_catalogue(tmp_path):
    """Extracts the strings from a copy of the source tree (makemessages writes into the
    catalogue it finds, so it must not run on the real one) and checks each is translated."""
    if shutil.which("xgettext") is None:
        skip_or_fail("GNU gettext (xgettext) is needed to extract strings")
    tree = tmp_path / "src"
    shutil.copytree(
        BASE_DIR,
        tree,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "var", "tests", "__pycache__", ".pytest_cache", ".hypothesis", "static"
        ),
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nb", "--no-obsolete", "--ignore=node_modules"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(tree / "locale" / "nb" / "LC_MESSAGES" / "django.po"))
    assert len(fresh) >= len(polib.pofile(str(PO))) - 5, "extraction found far fewer strings than the catalogue has"
    missing = [e.msgid for e in fresh if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"Strings without a Norwegian translation (run `make messages`): {missing}"
