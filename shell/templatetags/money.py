from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def kr(value, decimals=None):
    """1234567.5 → "1 234 567,50 kr" and 80000.00 → "80 000 kr" in Norwegian (grouping and decimal mark
    follow the language): whole kroner without øre unless asked for a number of decimals."""
    if value is None or value == "":
        return "–"
    try:
        amount = Decimal(value)
        if decimals is None:
            decimals = 0 if _rounded(amount, 2) == _rounded(amount, 0) else 2
        amount = _rounded(amount, int(decimals))
    except (InvalidOperation, TypeError, ValueError):
        return value
    return f"{number_format(amount, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)}\xa0kr"


def _rounded(value: Decimal, decimals: int) -> Decimal:
    # number_format cuts off extra decimals; money is rounded half up (999,999 → 1 000,00).
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@register.filter
def percent(value, decimals=None):
    """42.857 → "42,9 %", 40.00 → "40 %": at most one decimal unless asked for a number of decimals."""
    if value is None:
        return "–"
    if decimals is None:
        decimals = 0 if _rounded(Decimal(value), 1) == _rounded(Decimal(value), 0) else 1
    return f"{number_format(_rounded(Decimal(value), int(decimals)), decimal_pos=int(decimals), use_l10n=True)}\xa0%"


@register.filter
def hours(value):
    if value is None:
        return "–"
    return number_format(_rounded(Decimal(value), 1), decimal_pos=1, use_l10n=True)


@register.filter
def get_item(mapping, key):
    """{{ budgets|get_item:participant.pk }}: a dict lookup with a variable key."""
    return mapping.get(key) if mapping else None
