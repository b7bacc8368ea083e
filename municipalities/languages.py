"""The language of pages that belong to a county rather than to a user."""

from django.utils import translation


def speak_for(county) -> None:
    """A public page (for visitors and users alike), or what it says about one county's things, is in that
    county's written standard (`County.written_standard`), whatever the reader's own choice."""
    translation.activate(county.written_standard)
