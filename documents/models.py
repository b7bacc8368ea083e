"""Files attached to projects and what belongs to them: drawings, quotes, minutes, photos.

A file is stored under a generated name (never the uploader's path) and served by a
view that checks who may read the object it belongs to. Its type is decided by its
first bytes, not by its name; see `documents.attachments`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def attachment_path(instance, filename) -> str:
    """A generated path: the user's file name goes into the database only."""
    extension = instance.extension or "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Files of projects the user can read: the project-wide ones, and a participant's files for
        those who may read that participant (municipal users only their own municipality's)."""
        from projects.models import Project, participant_scope

        return self.filter(project__in=Project.objects.visible_to(user)).filter(
            Q(participant__isnull=True) | participant_scope(user, "participant__")
        )


class Attachment(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="attachments")
    # Set when the file belongs to one participant (directly, or through its milestone or progress
    # entry): municipal users see only their own municipality's files.
    participant = models.ForeignKey(
        "projects.Participant", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    milestone = models.ForeignKey("projects.Milestone", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    meeting = models.ForeignKey("projects.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    progress_entry = models.ForeignKey(
        "projects.ProgressEntry", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(fields=["project", "-uploaded_at"], name="attachment_project"),
            models.Index(fields=["participant", "-uploaded_at"], name="attachment_participant"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
