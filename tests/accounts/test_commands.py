"""seed_demo refuses without debug; the demo itself is tested in tests/demo."""

import pytest
from django.core.management import CommandError, call_command

from municipalities.models import County

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--i-know-this-is-demo"):
        call_command("seed_demo")
    assert not County.objects.exists()
