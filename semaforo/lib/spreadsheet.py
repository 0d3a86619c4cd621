"""CSV that opens cleanly in Excel and LibreOffice, in Spanish and in English.

UTF-8 with a BOM (so Excel detects the encoding), ISO dates, and the conventions of the
user's language: Spanish-locale Excel expects ";" between fields and a decimal comma.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils import translation

BOM = "\ufeff"


def dialect_for(language: str | None = None) -> tuple[str, str]:
    """(field delimiter, decimal separator) for a language."""
    language = (language or translation.get_language() or "en")[:2]
    return (";", ",") if language == "es" else (",", ".")


def number(value, decimal_separator: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | float):
        return f"{value:.2f}".replace(".", decimal_separator)
    return str(value)


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    delimiter, _decimal = dialect_for()
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def read_csv(data: bytes) -> list[dict[str, str]]:
    """Rows as dicts, whatever the delimiter (; , or tab) and with or without a BOM.

    Raises ValueError when the bytes are not UTF-8 text.
    """
    text = data.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return [
        {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
        for row in reader
        if any(isinstance(value, str) and value.strip() for value in row.values())
    ]
