"""Reading spreadsheets that come from outside (CSV, XLSX) within fixed limits.

A hostile file must be refused before it costs much memory or time:

- XLSX is a zip file. The declared size of every member is checked before anything is
  parsed: at most `unpacked` bytes in total (zipfile never inflates a member past its
  declared size, so a member cannot lie its way past this). Then each member is unpacked
  once, as a stream, to refuse very long comments or tags (see _check_tokens).
- The worksheet is parsed as a stream and every row and cell is dropped once read; the
  sheet's declared dimension is never used (openpyxl pads each row to it). Cells with a
  value beyond `columns`, more than `rows` rows with values or more than `events` XML
  elements end the reading at once.
- openpyxl reads only the small workbook parts (content types, workbook, shared strings,
  styles); defusedxml forbids DTDs and entities in all of them.

Rows are yielded lazily, so the caller can check the headers before the rest is read.
Messages are Dutch: they are shown to the coordinator who uploaded the file.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL = f"{SHEET_NS}row", f"{SHEET_NS}c"
INLINE, TEXT, RUN, VALUE = f"{SHEET_NS}is", f"{SHEET_NS}t", f"{SHEET_NS}r", f"{SHEET_NS}v"
MAX_MEMBERS = 1000
MAX_EVENTS_PER_CELL = 1000


class SpreadsheetError(Exception):
    """The file cannot be read within the limits; the message says why, in Dutch."""


@dataclass(frozen=True)
class Limits:
    columns: int  # a value in a column after this one refuses the file
    rows: int  # rows holding a value (headers included)
    unpacked: int = 50 * 1024 * 1024  # bytes, all zip members together
    events: int = 5_000_000  # XML start and end tags in the worksheet


def rows(content: bytes, limits: Limits) -> Iterator[tuple[int, list]]:
    """(spreadsheet row number, values) for each row holding a value, CSV or XLSX."""
    if content[:4] == b"PK\x03\x04":
        return xlsx_rows(content, limits)
    return csv_rows(content, limits)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def _column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column) if 1 <= column <= 18278 else str(column)


def _too_wide(row: int, column: int, limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(
        f"Rij {row}, kolom {_column_letter(column)}: het bestand heeft meer dan {limits.columns} "
        "kolommen. Gebruik het sjabloon of verwijder de kolommen achteraan."
    )


def _too_long(limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(f"Het bestand heeft meer dan {limits.rows - 1:,} rijen.".replace(",", "."))


def check_archive(content: bytes, limits: Limits) -> zipfile.ZipFile:
    """Open the zip and refuse it when its members would unpack past the limit."""
    not_xlsx = SpreadsheetError("Dit is geen geldig Excel-bestand (.xlsx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise not_xlsx from error
    if len(members) > MAX_MEMBERS:
        raise not_xlsx
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limits.unpacked or total > limits.unpacked:
            raise SpreadsheetError(
                f"Het Excel-bestand is uitgepakt groter dan {_mb(limits.unpacked)} en wordt niet "
                "gelezen. Sla alleen het register op in een nieuw bestand, of gebruik CSV."
            )
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")):  # images and the like are never parsed
            _check_tokens(archive, member)
    return archive


MAX_TOKEN = 256 * 1024
READ_CHUNK = 64 * 1024


def _check_tokens(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a member with a run of more than MAX_TOKEN bytes without a '>': expat buffers
    a comment or tag until it ends and scans it again at every read, so a few MB of comment
    cost minutes. No part of a real XLSX comes near this (a cell holds 32,767 characters)."""
    since = 0  # bytes since the last '>'
    try:
        with archive.open(member) as source:
            while chunk := source.read(READ_CHUNK):
                last = chunk.rfind(b">")
                if last < 0:
                    since += len(chunk)
                else:
                    if since + chunk.find(b">") > MAX_TOKEN:
                        break
                    since = len(chunk) - 1 - last
                if since > MAX_TOKEN:
                    break
            else:
                return
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise SpreadsheetError("Dit is geen geldig Excel-bestand (.xlsx).") from error
    raise SpreadsheetError(
        f"Dit Excel-bestand bevat een onderdeel van meer dan {MAX_TOKEN // 1024} kB zonder opmaak "
        "(bijvoorbeeld commentaar) en wordt niet gelezen."
    )


def xlsx_rows(content: bytes, limits: Limits) -> Iterator[tuple[int, list]]:
    """The first worksheet's rows, streamed; see the module docstring for the limits."""
    check_archive(content, limits)
    from defusedxml.common import DefusedXmlException
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser

    not_xlsx = SpreadsheetError("Dit is geen geldig Excel-bestand (.xlsx).")
    try:
        # ExcelReader.read() without read_worksheets(): openpyxl's read-only worksheet
        # scans the whole sheet for its dimension when it is opened.
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        path = next(
            (
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ),
            None,
        )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, DefusedXmlException) as error:
        raise not_xlsx from error
    if path is None:
        raise not_xlsx
    cells = WorkSheetParser(
        None,
        reader.shared_strings,
        data_only=True,
        epoch=reader.wb.epoch,
        date_formats=reader.wb._date_formats,
        timedelta_formats=reader.wb._timedelta_formats,
    )
    with reader.archive.open(path) as source:
        try:
            yield from _sheet_rows(source, cells, limits)
        except (
            zipfile.BadZipFile,
            KeyError,
            OSError,
            ValueError,
            TypeError,
            IndexError,
            DefusedXmlException,
            SyntaxError,  # xml.etree's ParseError
        ) as error:
            raise not_xlsx from error


def _sheet_rows(source, cells, limits: Limits) -> Iterator[tuple[int, list]]:
    from defusedxml.ElementTree import iterparse

    stack = []  # the open elements, root first
    row_number = 0
    row: dict[int, object] = {}
    in_cell = 0  # events since the current cell opened, 0 outside a cell
    rows_with_values = 0
    for events, (event, element) in enumerate(iterparse(source, events=("start", "end")), start=1):
        if events > limits.events:
            raise SpreadsheetError("Het werkblad is te groot of te ingewikkeld om te lezen.")
        if in_cell:
            in_cell += 1
            if in_cell > MAX_EVENTS_PER_CELL:
                raise SpreadsheetError(f"Rij {row_number}: een cel is te groot om te lezen.")
        if event == "start":
            stack.append(element)
            if element.tag == ROW:
                number = element.get("r")
                row_number = int(number) if number else row_number + 1
                if not row_number > cells.row_counter or row_number > 1_048_576:
                    raise SpreadsheetError("Dit is geen geldig Excel-bestand (.xlsx): rijen door elkaar.")
                cells.row_counter, cells.col_counter, row = row_number, 0, {}
            elif element.tag == CELL:
                in_cell = 1
            continue
        stack.pop()
        if element.tag == CELL:
            in_cell = 0
            column, value = _cell(cells, element)
            if value is not None and value != "":
                if column > limits.columns:
                    raise _too_wide(row_number, column, limits)
                row[column] = value
        elif element.tag == ROW and row:
            rows_with_values += 1
            if rows_with_values > limits.rows:
                raise _too_long(limits)
            yield row_number, [row.get(column) for column in range(1, max(row) + 1)]
        # Drop what was read: memory stays flat however long or wide the sheet is.
        if stack and not in_cell:
            stack[-1].remove(element)


def _cell(cells, element) -> tuple[int, object]:
    """(column, value) of a cell element. Text cells (shared or inline strings) are read
    here as openpyxl's `parse_cell` reads them, without the objects it builds for each
    inline string (most of an import's reading time); numbers, dates and the rest are
    left to it."""
    kind = element.get("t")
    if kind not in ("s", "inlineStr"):
        cell = cells.parse_cell(element)
        return cell["column"], cell["value"]
    from openpyxl.utils.cell import coordinate_to_tuple

    coordinate = element.get("r")
    cells.col_counter = coordinate_to_tuple(coordinate)[1] if coordinate else cells.col_counter + 1
    if kind == "s":
        index = element.findtext(VALUE) or None
        return cells.col_counter, cells.shared_strings[int(index)] if index is not None else None
    inline = element.find(INLINE)
    if inline is None:
        return cells.col_counter, None
    parts = [inline.findtext(TEXT)] + [run.findtext(TEXT) for run in inline.findall(RUN)]
    return cells.col_counter, "".join(part for part in parts if part is not None)


def csv_rows(content: bytes, limits: Limits) -> Iterator[tuple[int, list]]:
    """Rows of a UTF-8 CSV (comma or semicolon), read one record at a time."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            "Dit is geen CSV-bestand in UTF-8 of geen Excel-bestand (.xlsx). Sla het bestand op als "
            "'CSV UTF-8' of als .xlsx."
        ) from error
    if "\x00" in text:
        raise SpreadsheetError("Dit is geen CSV- of Excel-bestand.")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows_with_values = 0
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            while values and not values[-1].strip():
                values.pop()
            if not values or not any(v.strip() for v in values):
                continue
            if len(values) > limits.columns:
                raise _too_wide(number, len(values), limits)
            rows_with_values += 1
            if rows_with_values > limits.rows:
                raise _too_long(limits)
            yield number, values
    except csv.Error as error:
        raise SpreadsheetError(f"Het CSV-bestand kan niet worden gelezen: {error}.") from error
