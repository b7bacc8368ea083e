from django import template

register = template.Library()


@register.filter
def days_late(task, today) -> int:
    """Days a task's deadline is past on `today` (0 when it is not)."""
    if task.due_on is None or today is None:
        return 0
    return max(0, (today - task.due_on).days)
