#!/usr/bin/env python
"""The loopback identity provider's manage.py (run from the project root: python tests/oidc_provider/manage.py)."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
