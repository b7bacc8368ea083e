"""The bounce secret is documented; the demo's infobrev are tested in tests/demo."""

from pathlib import Path


def test_the_bounce_secret_is_documented():
    base = Path(__file__).resolve().parent.parent.parent
    assert "NEWSLETTER_BOUNCE_SECRET" in (base / "README.md").read_text()
    assert "NEWSLETTER_BOUNCE_SECRET" in (base / ".env.example").read_text()
