"""The admin shows sealed agreements, their signatures and seals read-only: no change, no delete,
no revert from history (the models and querysets refuse too, and PostgreSQL's trigger)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import Agreement, AgreementEvent, Publication, Seal, Signature


def _sealed(pk) -> bool:
    return pk is not None and Agreement.objects.filter(pk=pk, sealed_at__isnull=False).exists()


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "version", "status", "municipality", "county", "sealed_at"]
    list_filter = ["county", "status"]
    search_fields = ["title", "municipality__name", "county_case_number", "municipality_case_number"]
    raw_id_fields = [
        "project",
        "participant",
        "municipality",
        "amends",
        "county_representative",
        "library_head_contact",
        "chief_executive_contact",
        "mayor_contact",
        "created_by",
    ]
    readonly_fields = ["status", "content_snapshot", "content_sha256", "sent_at", "first_sent_at", "sealed_at"]

    def has_change_permission(self, request, obj=None):
        # obj may be a historical version (revert): ask the database, not the old values.
        if obj is not None and _sealed(obj.pk):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _sealed(obj.pk):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.sealed().exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and _sealed(object_id):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["agreement", "slot", "signer_name", "method", "signed_at", "discarded_at"]
    raw_id_fields = ["agreement", "signed_by", "recorded_by", "discarded_by"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and _sealed(obj.agreement_id):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _sealed(obj.agreement_id):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(agreement__sealed_at__isnull=False).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)


@admin.register(Seal)
class SealAdmin(admin.ModelAdmin):
    list_display = ["verification_code", "agreement", "sealed_at", "pdf_sha256"]
    exclude = ["pdf"]
    readonly_fields = [
        "agreement",
        "sealed_at",
        "snapshot",
        "snapshot_sha256",
        "verification_code",
        "pdf_sha256",
        "hmac_sha256",
        "hmac_key_id",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgreementEvent)
class AgreementEventAdmin(admin.ModelAdmin):
    list_display = ["agreement", "kind", "at", "by"]
    raw_id_fields = ["agreement", "by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["agreement", "published_at", "published_by"]
    raw_id_fields = ["agreement", "published_by"]
