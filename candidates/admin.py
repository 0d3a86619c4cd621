from django.contrib import admin

from candidates.models import Candidate, Evaluation, ScoringSettings


class EvaluationInline(admin.TabularInline):
    model = Evaluation
    extra = 0
    fields = ["code", "score", "colour", "rule", "frozen_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "status", "kind", "created_at", "archived_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["workspace"]
    inlines = [EvaluationInline]


admin.site.register(ScoringSettings)
