"""Test settings that let makemessages write into a temporary folder (tests/test_translations.py)."""

import os

from config.settings.test import *  # noqa: F403

LOCALE_PATHS = [os.environ["FREMDRIFT_TMP_LOCALE"]]
