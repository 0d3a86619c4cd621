from django.contrib import admin

from semaforo.models import Throttle


@admin.register(Throttle)
class ThrottleAdmin(admin.ModelAdmin):
    """Read-only: the counters of the throttle (sign-up, password reset, partner pages)."""

    list_display = ["key", "count", "expires_at"]
    search_fields = ["key"]
    ordering = ["-expires_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
