"""Candidates to and from CSV: export the list, import with a preview, all rows or none."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import Workspace
from candidates.criteria import CRITERIA, FILTER_QUESTIONS
from candidates.forms import CandidateForm
from candidates.models import Asset, Candidate, Evaluation, Kind, PendingImport, Status
from semaforo.lib.codes import ALPHABET
from semaforo.lib.spreadsheet import Record, UnreadableFile, decode, parse_csv, restore

CODE = re.compile(f"[{ALPHABET}]{{1,12}}")
MAX_IMPORT_ROWS = 1000
MAX_IMPORT_BYTES = 1024 * 1024
ASSET_SEPARATOR = "|"

YES = pgettext_lazy("csv", "yes")
NO = pgettext_lazy("csv", "no")
# Also read as a tick, or as no tick, in a checklist column (besides "yes"/"no" in every
# language): what spreadsheets and people write for true and false.
YES_WORDS = {"1", "true", "x", "si", "sí", "s", "y", "yes", "verdadero", "✓", "✔"}
NO_WORDS = {"0", "false", "no", "n", "falso"}

# (key, header): the key is also accepted as a header on import.
COLUMNS = [
    ("name", gettext_lazy("Name")),
    ("business_type", gettext_lazy("Business type")),
    ("contact_name", gettext_lazy("Contact person")),
    ("email", gettext_lazy("Email")),
    ("phone", gettext_lazy("Phone")),
    ("website", gettext_lazy("Website")),
    ("kind", gettext_lazy("Relationship")),
    ("assets", gettext_lazy("Assets")),
    ("status", gettext_lazy("Status")),
    ("notes", gettext_lazy("Notes")),
    *[(f, q) for f, q in FILTER_QUESTIONS],
    *[(c.field, c.label) for c in CRITERIA],
]
EXPORT_ONLY = [
    ("score", gettext_lazy("Score")),
    ("colour", gettext_lazy("Colour")),
    ("created", gettext_lazy("Created")),
    ("archived", gettext_lazy("Archived")),
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
            evaluation.score if evaluation and evaluation.is_scored() else "",
            evaluation.get_light_display() if evaluation else "",
            c.created_at.date().isoformat(),
            c.archived_at.date().isoformat() if c.archived_at else "",
        ]
        rows.append(row)
    return header, rows


@dataclass
class ImportRow:
    number: int  # the row number the spreadsheet shows
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    form: CandidateForm | None = None
    ticks: dict[str, bool] = field(default_factory=dict)


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    problems: list[str]  # the file as a whole cannot be imported
    notices: list[str] = field(default_factory=list)  # what is read but not imported
    text: str = ""  # the file as decoded, kept for the confirm

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows) and not any(r.errors for r in self.rows)


def _quoted(text: str) -> str:
    """A value from the file, in quotes (the translation picks them: “…” or «…»)."""
    return _("“%(text)s”") % {"text": Truncator(text).chars(40)}


def _known_headers() -> dict[str, str]:
    """CSV header (lower case) → column key, for headers in Spanish, English or the keys."""
    known = {}
    for key, label in COLUMNS:
        known[key] = key
        for name in _in_every_language(label):
            known[name] = key
    return known


def _read_header(header: Record, body: list[Record]) -> tuple[dict[int, str], list[str], str]:
    """(cell index → column key, names of the columns not imported, a problem or "")."""
    known, keys, ignored, seen = _known_headers(), {}, [], {}
    for index, cell in enumerate(header.cells):
        name = cell.strip()
        key = known.get(name.lower())
        if key in seen:
            problem = _("The columns %(first)s and %(second)s are the same: keep one.") % {
                "first": _quoted(seen[key]),
                "second": _quoted(name),
            }
            return keys, ignored, problem
        if key is not None:
            keys[index], seen[key] = key, name
        elif name:
            ignored.append(_quoted(name))
        elif any(index < len(r.cells) and r.cells[index].strip() for r in body):
            ignored.append(_("column %(number)d (it has no header)") % {"number": index + 1})
    if "name" not in keys.values():
        return keys, ignored, _("The file needs a “Name” column.")
    return keys, ignored, ""


class _RowReader:
    """Reads each row into the candidate form's data, noting every value it cannot use."""

    def __init__(self, keys: dict[int, str], width: int):
        self.keys, self.width = keys, width
        self.labels = {key: str(label) for key, label in COLUMNS}
        self.kinds, self.statuses = _choice_lookup(Kind.choices), _choice_lookup(Status.choices)
        self.assets = _choice_lookup(Asset.choices)
        self.yes = _in_every_language(YES) | YES_WORDS
        self.yes_or_no = self.yes | _in_every_language(NO) | NO_WORDS

    def read(self, record: Record) -> ImportRow:
        cells = [restore(cell.strip()).strip() for cell in record.cells]
        values = {key: cells[i] for i, key in self.keys.items() if i < len(cells)}
        row = ImportRow(number=record.number, values=values)
        extra = [cell for cell in cells[self.width :] if cell]
        if extra:
            row.errors.append(
                _(
                    "This row has more cells than the header has columns: is there a "
                    "separator (; or ,) inside a cell without quotes?"
                )
            )
        data = {key: values.get(key, "") for key, _label in COLUMNS[:10]}
        data.update({f: values.get(f, "") for f, _q in FILTER_QUESTIONS})
        data["kind"] = self._choice(row, "kind", self.kinds, Kind) or Kind.REFERRAL
        data["status"] = self._choice(row, "status", self.statuses, Status) or Status.NEW
        data["assets"] = self._assets(row)
        form = CandidateForm(data, with_status=True)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = self.labels.get(name) or (
                    form.fields[name].label if name in form.fields else ""
                )
                row.errors.extend(f"{label}: {e}" if label else str(e) for e in errors)
        row.form = form
        row.ticks = {c.field: self._tick(row, c.field) for c in CRITERIA}
        return row

    def _not_one_of(self, row: ImportRow, key: str, value: str, choices) -> None:
        row.errors.append(
            _("%(column)s: %(value)s is not one of: %(choices)s.")
            % {
                "column": self.labels[key],
                "value": _quoted(value),
                "choices": ", ".join(str(label) for label in choices.labels),
            }
        )

    def _choice(self, row: ImportRow, key: str, lookup: dict[str, str], choices) -> str:
        value = row.values.get(key, "")
        if value and value.lower() not in lookup:
            self._not_one_of(row, key, value, choices)
        return lookup.get(value.lower(), "")

    def _assets(self, row: ImportRow) -> list[str]:
        names = [a.strip() for a in row.values.get("assets", "").split(ASSET_SEPARATOR)]
        for name in names:
            if name and name.lower() not in self.assets:
                self._not_one_of(row, "assets", name, Asset)
        return [self.assets[n.lower()] for n in names if n.lower() in self.assets]

    def _tick(self, row: ImportRow, key: str) -> bool:
        value = row.values.get(key, "")
        if value and value.lower() not in self.yes_or_no:
            row.errors.append(
                _("%(column)s: %(value)s is neither yes nor no.")
                % {"column": self.labels[key], "value": _quoted(value)}
            )
        return value.lower() in self.yes


def preview(data: bytes) -> ImportPreview:
    """Decode an uploaded file (whatever encoding a spreadsheet saved it in) and preview it."""
    if len(data) > MAX_IMPORT_BYTES:
        return ImportPreview([], [_("The file is larger than 1 MB.")])
    try:
        text = decode(data)
    except UnreadableFile as error:
        return ImportPreview([], [str(error)])
    return preview_text(text)


def preview_text(text: str) -> ImportPreview:
    """Validate every row with the same form as the page; save nothing. Every value that
    cannot be imported is named, next to its row or (columns) above the rows."""
    try:
        records = parse_csv(text)
    except UnreadableFile as error:
        return ImportPreview([], [str(error)])
    if len(records) < 2:  # the header alone, or nothing
        return ImportPreview([], [_("The file has no rows.")])
    if len(records) > MAX_IMPORT_ROWS + 1:
        return ImportPreview([], [_("At most 1000 rows per import.")])
    header, *body = records
    keys, ignored, problem = _read_header(header, body)
    if problem:
        return ImportPreview([], [problem])
    notices = []
    if ignored:
        notices.append(
            _("These columns are not imported: %(columns)s.") % {"columns": ", ".join(ignored)}
        )
    reader = _RowReader(keys, width=len(header.cells))
    return ImportPreview([reader.read(r) for r in body], [], notices, text)


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


def keep_for_confirm(workspace: Workspace, user, result: ImportPreview) -> PendingImport:
    """Keep a clean preview's file, with its workspace, until its confirm."""
    return PendingImport.keep(workspace, user, result.text)


def pending_import(user, code: str) -> PendingImport | None:
    """The person's pending import with this code, if still kept. A code is checked for its
    characters first: junk (a NUL byte is a 500 on PostgreSQL) never reaches the database."""
    if not CODE.fullmatch(code):
        return None
    return (
        PendingImport.objects.select_related("workspace")
        .filter(code=code, created_by=user, created_at__gte=PendingImport.kept_since())
        .first()
    )


def import_pending(pending: PendingImport, result: ImportPreview) -> int | None:
    """Import a confirmed preview at most once; None if another request (a double click, a
    second tab) confirmed it first, and then nothing is imported.

    Delete-then-import in one transaction, the delete being the compare-and-set: of two
    simultaneous confirms, the second one's DELETE waits for the first to commit (a row lock
    on PostgreSQL, the write lock on SQLite) and then finds nothing to delete. If the import
    fails, the delete rolls back with it and the preview can be confirmed again.
    """
    with transaction.atomic():
        claimed, _by_model = PendingImport.objects.filter(
            code=pending.code, workspace=pending.workspace_id
        ).delete()
        if claimed != 1:
            return None
        return import_all(pending.workspace, result)
