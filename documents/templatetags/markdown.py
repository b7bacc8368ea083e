from django import template

from documents.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """{{ text|markdown }}: sanitised HTML from user-written Markdown."""
    return render_markdown(text)
