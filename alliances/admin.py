"""The operator's view of alliances: their designs, metrics and history. An alliance keeps
the workspace and candidate it was created for: on change pages they are read-only."""

from django.contrib import admin

from alliances.models import (
    Alliance,
    Benefit,
    CheckIn,
    DesignVersion,
    Entry,
    Metric,
    Reminder,
    Review,
    TimeEntry,
)


class MetricInline(admin.TabularInline):
    model = Metric
    extra = 0
    fields = ["position", "measure", "name", "monthly_target"]


class DesignVersionInline(admin.TabularInline):
    model = DesignVersion
    extra = 0
    fields = ["created_at", "created_by", "data"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ["code", "candidate", "workspace", "kind", "state", "next_review_date"]
    list_filter = ["state", "kind", "review_cadence"]
    list_select_related = ["candidate", "workspace"]
    search_fields = ["code", "candidate__name"]
    ordering = ["-created_at"]
    readonly_fields = [
        "code",
        "state",
        "next_review_date",
        "created_at",
        "activated_at",
        "activated_by",
        "ended_at",
    ]
    raw_id_fields = ["workspace", "candidate", "pilot", "created_by"]
    # Secrets: whoever has them reaches the partner's page and the agreement.
    exclude = ["partner_token", "one_pager_token"]
    inlines = [MetricInline, DesignVersionInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "workspace", "candidate", "pilot"] if obj else readonly


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["alliance", "date", "referrals", "sales", "revenue", "source"]
    list_filter = ["source"]
    list_select_related = ["alliance__candidate"]
    raw_id_fields = ["alliance", "created_by"]
    date_hierarchy = "date"


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["alliance", "date", "minutes", "kind"]
    list_filter = ["kind"]
    list_select_related = ["alliance__candidate"]
    raw_id_fields = ["alliance", "created_by"]


@admin.register(Benefit)
class BenefitAdmin(admin.ModelAdmin):
    list_display = ["alliance", "owed_on", "amount", "paid_on"]
    list_filter = [("paid_on", admin.EmptyFieldListFilter)]
    list_select_related = ["alliance__candidate"]
    raw_id_fields = ["entry", "alliance"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["alliance", "due_date", "decision", "reviewed_by", "created_at"]
    list_filter = ["decision"]
    list_select_related = ["alliance__candidate", "reviewed_by"]
    raw_id_fields = ["alliance", "reviewed_by"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["alliance", "due_date", "created_at"]
    list_select_related = ["alliance__candidate"]
    raw_id_fields = ["alliance", "done_by"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Alliance reminders, filterable by state: the operator's first look when one is late."""

    list_display = ["alliance", "recipient", "kind", "due_date", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["alliance__candidate", "recipient"]
    raw_id_fields = ["alliance", "recipient"]
    ordering = ["-claimed_at"]
