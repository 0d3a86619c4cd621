"""Candidates to and from CSV: export the list, import with a preview, all rows or none."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Workspace
from candidates.criteria import CRITERIA, FILTER_QUESTIONS
from candidates.forms import CandidateForm
from candidates.models import Asset, Candidate, Evaluation, Kind, Status
from semaforo.lib.spreadsheet import read_csv

MAX_IMPORT_ROWS = 1000
MAX_IMPORT_BYTES = 1024 * 1024
ASSET_SEPARATOR = "|"

YES = pgettext_lazy("csv", "yes")
NO = pgettext_lazy("csv", "no")

# (key, header): the key is also accepted as a header on import.
COLUMNS = [
    ("name", _("Name")),
    ("business_type", _("Business type")),
    ("contact_name", _("Contact person")),
    ("email", _("Email")),
    ("phone", _("Phone")),
    ("website", _("Website")),
    ("kind", _("Relationship")),
    ("assets", _("Assets")),
    ("status", _("Status")),
    ("notes", _("Notes")),
    *[(f, q) for f, q in FILTER_QUESTIONS],
    *[(c.field, c.label) for c in CRITERIA],
]
EXPORT_ONLY = [
    ("score", _("Score")),
    ("colour", _("Colour")),
    ("created", _("Created")),
    ("archived", _("Archived")),
]


def _in_every_language(text) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(text).strip().lower())
    return names


def _choice_lookup(choices) -> dict[str, str]:
    """Label (in any language) or value → value, case-insensitively."""
    lookup = {}
    for value, label in choices:
        lookup[value.lower()] = value
        for name in _in_every_language(label):
            lookup[name] = value
    return lookup


def for_export(workspace: Workspace):
    """The workspace's candidates with their current evaluation, in two queries."""
    current = Prefetch(
        "evaluations",
        queryset=Evaluation.objects.filter(frozen_at__isnull=True),
        to_attr="current_evaluations",
    )
    return (
        Candidate.objects.for_workspace(workspace).prefetch_related(current).order_by("name", "id")
    )


def export_rows(candidates) -> tuple[list[str], list[list]]:
    header = [str(label) for _key, label in COLUMNS + EXPORT_ONLY]
    rows = []
    for c in candidates:
        evaluation = c.current_evaluations[0] if c.current_evaluations else None
        row = [
            c.name,
            c.business_type,
            c.contact_name,
            c.email,
            c.phone,
            c.website,
            c.get_kind_display(),
            ASSET_SEPARATOR.join(str(Asset(a).label) for a in c.assets if a in Asset.values),
            c.get_status_display(),
            c.notes,
            *[getattr(c, f) for f, _q in FILTER_QUESTIONS],
            *[str(YES if evaluation and getattr(evaluation, k.field) else NO) for k in CRITERIA],
            evaluation.score if evaluation else "",
            evaluation.get_colour_display() if evaluation else "",
            c.created_at.date().isoformat(),
            c.archived_at.date().isoformat() if c.archived_at else "",
        ]
        rows.append(row)
    return header, rows


@dataclass
class ImportRow:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    form: CandidateForm | None = None
    ticks: dict[str, bool] = field(default_factory=dict)


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows) and not any(r.errors for r in self.rows)


def _header_map(headers: list[str]) -> dict[str, str]:
    """CSV header → column key, for headers in Spanish, English or the raw keys."""
    known = {}
    for key, label in COLUMNS:
        known[key] = key
        for name in _in_every_language(label):
            known[name] = key
    return {h: known[h.strip().lower()] for h in headers if h.strip().lower() in known}


def preview(data: bytes) -> ImportPreview:
    """Validate every row with the same form as the page; save nothing."""
    if len(data) > MAX_IMPORT_BYTES:
        return ImportPreview([], [str(_("The file is larger than 1 MB."))])
    try:
        raw_rows = read_csv(data)
    except (UnicodeDecodeError, ValueError):
        return ImportPreview([], [str(_("This is not a CSV text file (UTF-8)."))])
    if not raw_rows:
        return ImportPreview([], [str(_("The file has no rows."))])
    if len(raw_rows) > MAX_IMPORT_ROWS:
        return ImportPreview([], [str(_("At most 1000 rows per import."))])
    headers = _header_map(list(raw_rows[0].keys()))
    if "name" not in headers.values():
        return ImportPreview([], [str(_("The file needs a “Name” column."))])
    kinds, statuses = _choice_lookup(Kind.choices), _choice_lookup(Status.choices)
    assets = _choice_lookup(Asset.choices)
    yes = _in_every_language(YES) | {"1", "true", "x", "si", "sí", "yes"}
    rows = []
    for number, raw in enumerate(raw_rows, start=2):  # row 1 is the header
        values = {headers[h]: v for h, v in raw.items() if h in headers}
        row = ImportRow(number=number, values=values)
        data = {k: values.get(k, "") for k, _label in COLUMNS[:10]}
        data.update({f: values.get(f, "") for f, _q in FILTER_QUESTIONS})
        data["kind"] = kinds.get(
            values.get("kind", "").lower(), values.get("kind") or Kind.REFERRAL
        )
        data["status"] = statuses.get(
            values.get("status", "").lower(), values.get("status") or Status.NEW
        )
        asset_names = [a.strip().lower() for a in values.get("assets", "").split(ASSET_SEPARATOR)]
        form_data = {k: v for k, v in data.items() if k != "assets"}
        form = CandidateForm(
            form_data | {"assets": [assets.get(a, a) for a in asset_names if a]}, with_status=True
        )
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                row.errors.extend(f"{label}: {e}" if label else str(e) for e in errors)
        row.form = form
        row.ticks = {c.field: values.get(c.field, "").lower() in yes for c in CRITERIA}
        rows.append(row)
    return ImportPreview(rows, [])


@transaction.atomic
def import_all(workspace: Workspace, result: ImportPreview) -> int:
    """Create every candidate of a clean preview, or none (one transaction)."""
    if not result.ok:
        raise ValueError("cannot import a file with errors")
    for row in result.rows:
        candidate: Candidate = row.form.save(commit=False)
        candidate.workspace = workspace
        candidate.save()
        evaluation = Evaluation.start(candidate)
        for criterion, ticked in row.ticks.items():
            setattr(evaluation, criterion, ticked)
        evaluation.rescore()
        evaluation.save()
    return len(result.rows)
