from django import template

from evaluations.selectors import project_summary

register = template.Library()


@register.simple_tag
def project_evaluation_summary(project, user) -> dict:
    """{% project_evaluation_summary project user as evaluations %}: rounds, proposals and the
    plan's course corrections for the project page (a fixed number of queries)."""
    return project_summary(project, user)
