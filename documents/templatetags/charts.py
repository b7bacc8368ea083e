from django import template

register = template.Library()


@register.inclusion_tag("documents/partials/_chart.html")
def chart(chart):
    """{% chart chart %}: a documents.charts.Chart as a figure with its SVG and its table."""
    return {"chart": chart}
