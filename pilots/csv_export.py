"""Pilots to CSV: the package, dates, totals and cost vs margin (scoped to a workspace)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import Workspace
from pilots.models import Pilot
from semaforo.lib.spreadsheet import dialect_for, number

HEADER = [
    _("Partner"),
    _("Offer"),
    _("Recommendation script"),
    _("How it is measured"),
    _("Tracking code"),
    _("Start"),
    _("End"),
    _("Review"),
    _("Status"),
    _("Outcome"),
    _("Target"),
    _("Referrals"),
    _("Sales"),
    _("Revenue"),
    _("Coordination minutes"),
    _("Cost of coordination"),
    _("Margin earned"),
    _("Expensive hobby"),
]


def export_rows(workspace: Workspace) -> tuple[list[str], list[list]]:
    _delimiter, decimal = dialect_for()
    pilots = (
        Pilot.objects.for_workspace(workspace)
        .with_totals()
        .select_related("candidate")
        .order_by("start_date", "id")
    )
    rows = [
        [
            p.candidate.name,
            p.offer,
            " / ".join(p.script_lines()),
            p.get_measurement_display(),
            p.tracking_code,
            p.start_date.isoformat(),
            p.end_date.isoformat(),
            p.review_date.isoformat(),
            p.get_status_display(),
            p.get_outcome_display(),
            number(p.target, decimal),
            p.total_referrals,
            p.total_sales,
            number(p.total_revenue, decimal),
            p.total_minutes,
            number(p.coordination_cost(), decimal),
            number(p.margin_earned(), decimal),
            str(_("yes") if p.is_expensive_hobby() else _("no")),
        ]
        for p in pilots
    ]
    return [str(h) for h in HEADER], rows
