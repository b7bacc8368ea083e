from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contact, County, Library, Municipality, Position


@admin.register(County)
class CountyAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "county", "order", "is_active"]
    list_filter = ["county"]


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "county", "region"]
    list_filter = ["county"]
    search_fields = ["number", "name"]


@admin.register(Library)
class LibraryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "municipality", "is_main"]
    search_fields = ["name"]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position", "municipality", "county", "email"]
    list_filter = ["county"]
    search_fields = ["name", "email"]
    raw_id_fields = ["user", "municipality"]
