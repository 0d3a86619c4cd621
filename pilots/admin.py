"""The operator's view of pilots: what ran, what was logged, which reminders went out.

The share tokens (partner page, one-pager) are secrets and never shown here. Rows keep
the parent they were created under: a result copies its pilot's workspace on insert
(WorkspaceCopyField), so on change pages the parent is read-only.
"""

from django.contrib import admin

from pilots.models import (
    ClickDay,
    CoordinationEntry,
    JobHeartbeat,
    Pilot,
    PilotSettings,
    Reminder,
    ResultEntry,
    Review,
)


class ParentFixedAdmin(admin.ModelAdmin):
    """`fixed_fields` can be set when a row is added, never changed afterwards."""

    fixed_fields: list[str] = []

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, *self.fixed_fields] if obj else readonly


@admin.register(PilotSettings)
class PilotSettingsAdmin(ParentFixedAdmin):
    list_display = ["workspace", "hourly_value", "weekly_hours"]
    list_select_related = ["workspace"]
    search_fields = ["workspace__name", "workspace__code"]
    raw_id_fields = ["workspace"]
    fixed_fields = ["workspace"]  # the primary key: changing it would copy the row


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ["decision", "new_review_date", "referrals", "sales", "reviewed_by", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Pilot)
class PilotAdmin(ParentFixedAdmin):
    list_display = [
        "code",
        "candidate",
        "workspace",
        "status",
        "outcome",
        "start_date",
        "review_date",
    ]
    list_filter = ["status", "outcome", "measurement"]
    list_select_related = ["candidate", "workspace"]
    search_fields = ["code", "tracking_code", "candidate__name"]
    ordering = ["-created_at"]
    exclude = ["partner_token", "one_pager_token"]
    readonly_fields = ["code", "tracking_code", "created_at"]
    raw_id_fields = ["workspace", "candidate", "start_evaluation", "created_by"]
    fixed_fields = ["workspace", "candidate"]
    inlines = [ReviewInline]


@admin.register(ResultEntry)
class ResultEntryAdmin(ParentFixedAdmin):
    list_display = ["pilot", "date", "referrals", "sales", "revenue", "source", "created_at"]
    list_filter = ["source"]
    list_select_related = ["pilot__candidate"]
    search_fields = ["pilot__code", "pilot__candidate__name"]
    date_hierarchy = "date"
    readonly_fields = ["workspace", "form_token", "created_at"]
    raw_id_fields = ["pilot", "created_by"]
    fixed_fields = ["pilot"]


@admin.register(ClickDay)
class ClickDayAdmin(ParentFixedAdmin):
    list_display = ["pilot", "date", "count"]
    list_select_related = ["pilot__candidate"]
    search_fields = ["pilot__code", "pilot__candidate__name"]
    ordering = ["-date", "-id"]
    raw_id_fields = ["pilot"]
    fixed_fields = ["pilot"]


@admin.register(CoordinationEntry)
class CoordinationEntryAdmin(ParentFixedAdmin):
    list_display = ["pilot", "date", "minutes", "kind", "created_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["pilot__candidate", "created_by"]
    search_fields = ["pilot__code", "pilot__candidate__name"]
    date_hierarchy = "date"
    readonly_fields = ["workspace", "form_token", "created_at"]
    raw_id_fields = ["pilot", "created_by"]
    fixed_fields = ["pilot"]


@admin.register(Review)
class ReviewAdmin(ParentFixedAdmin):
    list_display = ["pilot", "decision", "new_review_date", "reviewed_by", "created_at"]
    list_filter = ["decision"]
    list_select_related = ["pilot__candidate", "reviewed_by"]
    search_fields = ["pilot__code", "pilot__candidate__name"]
    readonly_fields = ["workspace", "created_at"]
    raw_id_fields = ["pilot", "evaluation", "reviewed_by"]
    fixed_fields = ["pilot"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "pilot",
        "recipient",
        "kind",
        "review_date",
        "state",
        "attempts",
        "claimed_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "kind"]
    list_select_related = ["pilot__candidate", "recipient"]
    search_fields = ["pilot__code", "pilot__candidate__name", "recipient__email"]
    date_hierarchy = "claimed_at"
    ordering = ["-claimed_at", "-id"]
    raw_id_fields = ["pilot", "recipient"]


@admin.register(JobHeartbeat)
class JobHeartbeatAdmin(admin.ModelAdmin):
    """Written by the jobs themselves (JobHeartbeat.beat): look, don't touch."""

    list_display = ["name", "last_run_at", "last_ok_at", "last_summary"]
    ordering = ["name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
