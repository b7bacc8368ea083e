from django import template

from accounts.models import IdentityProvider

register = template.Library()


@register.simple_tag
def sso_providers():
    """Every identity provider of the installation, for the login page's "Log in with …" buttons."""
    return list(IdentityProvider.objects.order_by("name", "pk"))
