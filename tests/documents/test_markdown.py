"""User Markdown is converted once per process and text, within a bound: a live preview and a long text are
converted each time and never kept."""

from documents import markdown
from newsletters.rendering import body_html


def test_the_same_text_is_converted_once_and_an_edited_text_anew():
    markdown._cached.cache_clear()
    assert markdown.render_markdown("**Frist** 1. mars") == "<p><strong>Frist</strong> 1. mars</p>"
    assert markdown.render_markdown("**Frist** 1. mars") == "<p><strong>Frist</strong> 1. mars</p>"
    assert markdown._cached.cache_info().hits == 1
    assert markdown.render_markdown("**Frist** 1. april") == "<p><strong>Frist</strong> 1. april</p>"


def test_a_preview_and_a_long_text_are_not_kept():
    markdown._cached.cache_clear()
    assert "<em>utkast</em>" in body_html("Et *utkast* mens noen skriver", preview=True)
    long_text = "Avsnitt.\n\n" * (markdown.CACHED_LENGTH // 10 + 1)
    assert markdown.render_markdown(long_text).count("<p>Avsnitt.</p>") == markdown.CACHED_LENGTH // 10 + 1
    assert markdown._cached.cache_info().currsize == 0
    assert "<em>sendt</em>" in body_html("Et *sendt* infobrev")
    assert markdown._cached.cache_info().currsize == 1
