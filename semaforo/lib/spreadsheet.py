"""CSV that opens cleanly in Excel and LibreOffice, in Spanish and in English, both ways.

Out: UTF-8 with a BOM (so Excel detects the encoding), ISO dates, the conventions of the
user's language (Spanish-locale Excel expects ";" between fields and a decimal comma), no
cell that a spreadsheet would run as a formula, and never kept in a shared cache.

In: whatever a spreadsheet saved, detected rather than asked: UTF-8 with or without a BOM,
UTF-16, Windows-1252 (Spanish Excel's "CSV (delimitado por comas)") and Mac Roman (Excel for
Mac's "CSV", with CR line ends); ";", "," or tab between fields; CR, LF or CRLF line ends.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.translation import gettext as _

BOM = "\ufeff"
# OWASP "CSV injection": Excel, LibreOffice and Google Sheets run a cell that starts with
# one of these as a formula (=HYPERLINK(…), +cmd|…, @SUM(…)); a leading apostrophe makes it
# text. Tab and CR are on the list because some spreadsheets skip them before the "=".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula, made plain text; numbers as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore(cell: str) -> str:
    """The text `neutralise` was given: an export imports back unchanged."""
    if cell.startswith("'") and cell[1:2].startswith(FORMULA_START):
        return cell[1:]
    return cell


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    delimiter, _decimal = dialect_for()
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A workspace's confidential list: no proxy or shared cache may keep a copy, and the
    # browser does not keep one on disk either.
    patch_cache_control(response, private=True, no_store=True)
    return response


class UnreadableFile(ValueError):
    """Bytes that are not a CSV file a spreadsheet wrote; str() says why, translated."""


@dataclass(frozen=True)
class Record:
    number: int  # the row number a spreadsheet shows for it (the header is row 1)
    cells: list[str]


WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx/.ods (zip), .xls
# Letters of Spanish and its neighbours: the single-byte encoding that yields more of them is
# the one the file was written in (cp1252's é is Mac Roman's "È", Mac Roman's é is cp1252's "Ž").
LETTERS = frozenset("áéíóúüñçàèìòùâêîôûäëïöÁÉÍÓÚÜÑÇ¿¡€ºª")


def _not_text() -> UnreadableFile:
    return UnreadableFile(
        _(
            "This file is not text as a spreadsheet saves it (UTF-8, UTF-16 or Windows-1252). "
            "Save it as CSV and upload it again."
        )
    )


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _not_text() from error
    if "\x00" in text:  # binary, not text (and PostgreSQL refuses NUL in a string)
        raise _not_text()
    return text


def _utf16_without_bom(data: bytes) -> str:
    # Text is mostly ASCII, which UTF-16 writes with a zero byte beside each letter.
    half = len(data) // 4
    if len(data) % 2 == 0 and data[1::2].count(0) >= half:
        return "utf-16-le"
    if len(data) % 2 == 0 and data[0::2].count(0) >= half:
        return "utf-16-be"
    raise _not_text()


def _single_byte(data: bytes) -> str:
    """Windows-1252, or Mac Roman when the file has Excel for Mac's CR-only line ends and
    reads as more letters that way."""
    encodings = ["cp1252"]
    if b"\r" in data and b"\n" not in data:
        encodings.append("mac_roman")
    best, best_score = None, -1
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = sum(char in LETTERS for char in text)
        if score > best_score:
            best, best_score = encoding, score
    if best is None:
        raise _not_text()
    return best


def decode(data: bytes) -> str:
    """The text of a CSV file, whichever encoding a spreadsheet saved it in."""
    if data.startswith(WORKBOOK_SIGNATURES):
        raise UnreadableFile(
            _("This is a workbook, not a CSV file: in your spreadsheet, save it as CSV first.")
        )
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _decode_as(data[len(bom) :], encoding)
    if b"\x00" in data:
        return _decode_as(data, _utf16_without_bom(data))
    try:
        return _decode_as(data, "utf-8")
    except UnreadableFile:
        return _decode_as(data, _single_byte(data))


def _delimiter(text: str) -> str:
    """The separator the header line uses most (quoted text aside): ";", "," or tab."""
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    return max([";", ",", "\t"], key=unquoted.count)


def _csv_error(error: csv.Error, row: int) -> UnreadableFile:
    if "field larger than field limit" in str(error):
        message = _(
            "Row %(row)d has a cell longer than %(limit)s characters "
            '(is a quote “"” missing its pair?).'
        ) % {"row": row, "limit": number_format(csv.field_size_limit(), force_grouping=True)}
    elif "unexpected end of data" in str(error):
        message = _('A quote “"” opened in row %(row)d is never closed.') % {"row": row}
    else:
        message = _(
            'Row %(row)d cannot be read as CSV: check its quotes “"” (a quote inside a '
            "quoted cell is written twice)."
        ) % {"row": row}
    return UnreadableFile(message)


def read_csv(data: bytes) -> list[Record]:
    """The non-blank rows of a CSV file, each with its row number; the header comes first.

    Raises UnreadableFile (a translated message) for anything that is not a CSV text file.
    """
    return parse_csv(decode(data))


def parse_csv(text: str) -> list[Record]:
    """read_csv() for text already decoded."""
    # newline="": the csv module sees CR, LF and CRLF as written, inside quotes included.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records, row = [], 0
    try:
        for row, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                records.append(Record(row, cells))
    except csv.Error as error:
        raise _csv_error(error, row + 1) from error
    return records
