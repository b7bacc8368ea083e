"""For installation superusers: bounces and unsubscriptions can be looked up and, when an address
works again, removed. Counties work with infobrev in the application itself."""

from django.contrib import admin

from .models import Bounce, Subscriber, Suppression


@admin.register(Bounce)
class BounceAdmin(admin.ModelAdmin):
    list_display = ["email", "count", "last_at", "source", "reason"]
    search_fields = ["email"]
    readonly_fields = ["first_at", "last_at", "count", "source"]


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email", "county", "mailing_list", "created_at"]
    list_filter = ["county"]
    search_fields = ["email"]
    raw_id_fields = ["mailing_list"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "mailing_list", "status", "created_at", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    raw_id_fields = ["mailing_list"]
