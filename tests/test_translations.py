"""The Norwegian catalogues, bokmål (nb) and nynorsk (nn), are complete, compiled and committed (a fresh
machine has no gettext); the nynorsk one is nynorsk, not a copied bokmål catalogue."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.conftest import skip_or_fail

BASE_DIR = Path(__file__).resolve().parent.parent
PO = BASE_DIR / "locale" / "nb" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
NN_PO = BASE_DIR / "locale" / "nn" / "LC_MESSAGES" / "django.po"
# django-allauth ships no nynorsk: its strings that Fremdrift shows are translated here (README, Languages).
NN_ALLAUTH_PO = BASE_DIR / "locale_allauth" / "nn" / "LC_MESSAGES" / "django.po"
CATALOGUES = {"nb": PO, "nn": NN_PO, "nn-allauth": NN_ALLAUTH_PO}

# Whole words that are bokmål only: nynorsk writes ikkje, kva, kven, korleis, kvifor, kva for, eg, nokon,
# mykje, viss, frå, òg, enno, allereie, berre. A copied bokmål catalogue is full of them. "fremdrift" in
# lower case is the bokmål common noun (nynorsk: framdrift); the product name Fremdrift is capitalised.
BOKMAL_ONLY = re.compile(
    r"(?<![\w-])(?:ikke|hva|hvem|hvordan|hvorfor|hvilken|hvilke|hvilket|jeg|noen|mye|hvis|fra|også|ennå|allerede|"
    r"bare)(?![\w-])|(?<![\w-])(?-i:fremdrift)",
    re.IGNORECASE,
)
PRODUCT_NAME = re.compile(r"(?<![\w-])Fremdrift(?![\w-])")
# (msgid, word) pairs where a bokmål-looking word is right in nynorsk; keep this list short and explained.
NYNORSK_EXEMPTIONS: set[tuple[str, str]] = set()


def _translations(catalogue) -> dict:
    return {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0, "")) for e in catalogue if not e.obsolete}


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_catalogue_entry_is_translated_and_none_is_fuzzy(language):
    po = polib.pofile(str(CATALOGUES[language]))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]


@pytest.mark.parametrize("language", CATALOGUES)
def test_the_compiled_catalogue_matches_the_source(language):
    po, mo = polib.pofile(str(CATALOGUES[language])), polib.mofile(str(CATALOGUES[language].with_suffix(".mo")))
    assert _translations(mo) == {key: value for key, value in _translations(po).items() if key[1]}


def test_the_nynorsk_catalogue_has_every_bokmal_string():
    """A string added to the bokmål catalogue needs its nynorsk too (append it to both)."""
    nb = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    nn = {(e.msgctxt, e.msgid) for e in polib.pofile(str(NN_PO)) if not e.obsolete}
    assert sorted(nb - nn, key=str) == [], "strings with bokmål but no nynorsk"


def _msgstrs(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("catalogue", [NN_PO, NN_ALLAUTH_PO], ids=["nn", "nn-allauth"])
def test_the_nynorsk_catalogue_has_no_bokmal_only_words(catalogue):
    slips = []
    for entry in polib.pofile(str(catalogue)):
        for text in _msgstrs(entry):
            for match in BOKMAL_ONLY.finditer(text):
                if (entry.msgid, match.group(0).lower()) not in NYNORSK_EXEMPTIONS:
                    slips.append(f"{match.group(0)!r} in {text!r}")
    assert not slips, "bokmål in the nynorsk catalogue:\n" + "\n".join(slips)


def test_the_check_catches_a_copied_bokmal_catalogue():
    """The bokmål catalogue itself fails the nynorsk check many times over."""
    hits = sum(len(BOKMAL_ONLY.findall(text)) for entry in polib.pofile(str(PO)) for text in _msgstrs(entry))
    assert hits > 300


@pytest.mark.parametrize("language", CATALOGUES)
def test_placeholders_and_the_product_name_survive_translation(language):
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    wrong = []
    for entry in polib.pofile(str(CATALOGUES[language])):
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        wanted = set(placeholder.findall(" ".join(sources)))
        for text in _msgstrs(entry):
            if not set(placeholder.findall(text)) <= wanted or (
                len(sources) == 1 and set(placeholder.findall(text)) != wanted
            ):
                wrong.append((entry.msgid, text))
        if "Fremdrift" in entry.msgid and entry.msgid != "Fremdrift":
            wrong += [(entry.msgid, t) for t in _msgstrs(entry) if not PRODUCT_NAME.search(t)]
    assert not wrong, wrong


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
