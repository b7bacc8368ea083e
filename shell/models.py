from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Page(models.Model):
    """A public page of the installation, such as the accessibility statement.

    Installation administrators edit them in the admin. The Norwegian text is
    the original; the English text is shown to English readers when written.
    """

    ACCESSIBILITY = "tilgjengelighet"
    PRIVACY = "personvern"

    slug = models.SlugField(_("address"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    title_nn = models.CharField(_("title in Nynorsk"), max_length=200, blank=True)
    body_nn = models.TextField(_("text in Nynorsk (Markdown)"), blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    body_en = models.TextField(_("text in English (Markdown)"), blank=True)
    updated_at = models.DateTimeField(_("last updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public page")
        verbose_name_plural = _("public pages")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("shell:page", kwargs={"slug": self.slug})

    def _localized(self, field: str) -> str:
        """The field in the active language (bokmål when that one is empty)."""
        language = get_language()
        if language in ("nn", "en"):
            return getattr(self, f"{field}_{language}") or getattr(self, field)
        return getattr(self, field)

    @property
    def localized_title(self) -> str:
        return self._localized("title")

    @property
    def localized_body(self) -> str:
        return self._localized("body")
