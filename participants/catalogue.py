"""Importing the catalogue of qualification files and work processes from CSV/XLSX with
django-import-export resources: the file is read within the spreadsheet limits, checked
cell by cell (Dutch "rij N, kolom X" messages), then imported all or nothing.

Columns: crebo, kwalificatie, niveau, kerntaak, code, werkproces. A qualification file is
matched on its crebo number, a work process on (crebo, code); a row that matches and
changes nothing is skipped, so importing the same file twice changes nothing."""

import hashlib
from dataclasses import dataclass, field

import tablib
from django.db import transaction
from import_export import fields, resources, widgets

from . import spreadsheet
from .models import QualificationFile, WorkProcess
from .services import learning

COLUMNS = ["crebo", "kwalificatie", "niveau", "kerntaak", "code", "werkproces"]
REQUIRED = ["crebo", "kwalificatie", "niveau", "code", "werkproces"]
MAX_BYTES = 2 * 1024 * 1024
LIMITS = spreadsheet.Limits(columns=len(COLUMNS) + 4, rows=5_001)
LENGTHS = {"crebo": 10, "kwalificatie": 200, "kerntaak": 200, "code": 20, "werkproces": 300}


class CatalogueFileError(Exception):
    """The file as a whole cannot be read (wrong type, too big, empty, bad columns)."""


class _ServiceSave:
    """Save each row through the learning services, so every change has its audit entry."""

    by = None

    def __init__(self, *, by=None):
        super().__init__()
        self.by = by


class QualificationFileResource(_ServiceSave, resources.ModelResource):
    crebo = fields.Field(attribute="crebo", column_name="crebo")
    title = fields.Field(attribute="title", column_name="kwalificatie")
    level = fields.Field(attribute="level", column_name="niveau", widget=widgets.IntegerWidget())

    class Meta:
        model = QualificationFile
        fields = ["crebo", "title", "level"]
        import_id_fields = ["crebo"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def do_instance_save(self, instance, is_create):
        learning.qualification_save(by=self.by, qualification=instance)


class WorkProcessResource(_ServiceSave, resources.ModelResource):
    qualification = fields.Field(
        attribute="qualification",
        column_name="crebo",
        widget=widgets.ForeignKeyWidget(QualificationFile, field="crebo"),
    )
    code = fields.Field(attribute="code", column_name="code")
    core_task = fields.Field(attribute="core_task", column_name="kerntaak")
    title = fields.Field(attribute="title", column_name="werkproces")

    class Meta:
        model = WorkProcess
        fields = ["qualification", "code", "core_task", "title"]
        import_id_fields = ["qualification", "code"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def do_instance_save(self, instance, is_create):
        learning.work_process_save(by=self.by, work_process=instance)


@dataclass
class CatalogueImport:
    """What an import did (or would do): counts per record kind, and every error."""

    sha256: str = ""
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    work_processes: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    new_rows: list[dict] = field(default_factory=list)
    changed_rows: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> dict:
        """Counts only (what the audit trail and the command print)."""
        return {
            "rows": self.rows,
            "errors": len(self.errors),
            **{f"dossiers_{k}": v for k, v in self.files.items()},
            **{f"werkprocessen_{k}": v for k, v in self.work_processes.items()},
        }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_catalogue(content: bytes) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {column: text}) per data row, within the limits."""
    if not content:
        raise CatalogueFileError("Het bestand is leeg.")
    if len(content) > MAX_BYTES:
        raise CatalogueFileError("Het bestand is groter dan 2 MB.")
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise CatalogueFileError(
            "Oude Excel-bestanden (.xls) worden niet ondersteund; sla op als .xlsx of .csv."
        )
    headers, rows = None, []
    try:
        for number, values in spreadsheet.rows(content, LIMITS):
            texts = [_text(v) for v in values]
            if not any(texts):
                continue
            if headers is None:
                headers = [t.lower() for t in texts]
                _check_headers(headers)
                continue
            texts += [""] * (len(headers) - len(texts))
            rows.append((number, {h: t for h, t in zip(headers, texts, strict=False) if h}))
    except spreadsheet.SpreadsheetError as error:
        raise CatalogueFileError(str(error)) from error
    if headers is None or not rows:
        raise CatalogueFileError("Het bestand bevat geen werkprocessen.")
    return rows


def _check_headers(headers: list[str]) -> None:
    unknown = [h for h in headers if h and h not in COLUMNS]
    if unknown:
        raise CatalogueFileError(
            "Deze kolommen horen niet bij het formaat: "
            + ", ".join(unknown)
            + ". Verwacht: "
            + ", ".join(COLUMNS)
            + "."
        )
    duplicates = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicates:
        raise CatalogueFileError("Deze kolommen staan er meer dan eens in: " + ", ".join(duplicates) + ".")
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise CatalogueFileError("Verplichte kolommen ontbreken: " + ", ".join(missing) + ".")


def _check_rows(rows: list[tuple[int, dict]], errors: list[str]) -> dict[str, tuple[int, dict]]:
    """Check every cell; return the first row of each crebo (the file's title and level)."""
    files: dict[str, tuple[int, dict]] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        for column in REQUIRED:
            if not row.get(column):
                errors.append(f"rij {number}, kolom {column}: vul dit in.")
        for column, length in LENGTHS.items():
            if len(row.get(column, "")) > length:
                errors.append(f"rij {number}, kolom {column}: langer dan {length} tekens.")
        crebo, level = row.get("crebo", ""), row.get("niveau", "")
        if crebo and not crebo.isdigit():
            errors.append(f"rij {number}, kolom crebo: een crebonummer bestaat uit cijfers ({crebo!r}).")
        if level and level not in {"1", "2", "3", "4"}:
            errors.append(f"rij {number}, kolom niveau: het MBO-niveau is 1, 2, 3 of 4 ({level!r}).")
        key = (crebo, row.get("code", "").upper())
        if crebo and key[1]:
            if key in seen:
                errors.append(f"rij {number}, kolom code: {row['code']} staat al in rij {seen[key]}.")
            seen.setdefault(key, number)
        if crebo in files:
            first_number, first = files[crebo]
            for column in ("kwalificatie", "niveau"):
                if row.get(column) and row.get(column) != first.get(column):
                    errors.append(
                        f"rij {number}, kolom {column}: verschilt van rij {first_number} voor crebo {crebo}."
                    )
        elif crebo:
            files[crebo] = (number, row)
    return files


def _messages(result, numbers: list[int]) -> list[str]:
    """Dutch "rij N, kolom X" messages from an import-export result (its row numbers
    count data rows from 1; `numbers` maps them to spreadsheet rows)."""
    columns = {
        "crebo": "crebo",
        "title": "kwalificatie/werkproces",
        "level": "niveau",
        "code": "code",
        "core_task": "kerntaak",
        "qualification": "crebo",
    }
    out = []
    for invalid in result.invalid_rows:
        row = numbers[invalid.number - 1]
        for name, messages in invalid.error_dict.items():
            for message in messages:
                where = f", kolom {columns[name]}" if name in columns else ""
                out.append(f"rij {row}{where}: {message}")
    for number, row_errors in result.row_errors():
        for error in row_errors:
            out.append(f"rij {numbers[number - 1]}: {error.error}")
    for error in result.base_errors:
        out.append(f"{error.error}")
    return out


KINDS = {"new": "new", "update": "changed", "skip": "unchanged"}


def _count(result, counts: dict[str, int], rows: list[dict], plan: CatalogueImport | None = None) -> None:
    for index, row_result in enumerate(result.rows):
        kind = KINDS.get(row_result.import_type)
        if kind:
            counts[kind] += 1
            if plan and kind == "new":
                plan.new_rows.append(rows[index])
            elif plan and kind == "changed":
                plan.changed_rows.append(rows[index])


def import_catalogue(content: bytes, *, by, dry_run: bool) -> CatalogueImport:
    """Import (or with `dry_run` only try) a catalogue file: every change or nothing.
    Raises CatalogueFileError when the file as a whole cannot be read."""
    rows = read_catalogue(content)
    plan = CatalogueImport(sha256=hashlib.sha256(content).hexdigest(), rows=len(rows))
    files = _check_rows(rows, plan.errors)
    if plan.errors:
        return plan
    file_rows = [row for _number, row in files.values()]
    file_data = tablib.Dataset(*[[r["crebo"], r["kwalificatie"], r["niveau"]] for r in file_rows])
    file_data.headers = ["crebo", "kwalificatie", "niveau"]
    wp_rows = [row for _number, row in rows]
    wp_data = tablib.Dataset(
        *[[r["crebo"], r["code"], r.get("kerntaak", ""), r["werkproces"]] for r in wp_rows]
    )
    wp_data.headers = ["crebo", "code", "kerntaak", "werkproces"]
    options = {"dry_run": False, "use_transactions": False, "rollback_on_validation_errors": True}
    with transaction.atomic():
        result = QualificationFileResource(by=by).import_data(file_data, **options)
        plan.errors += _messages(result, [n for n, _row in files.values()])
        if not plan.errors:
            _count(result, plan.files, file_rows)
            result = WorkProcessResource(by=by).import_data(wp_data, **options)
            plan.errors += _messages(result, [n for n, _row in rows])
            _count(result, plan.work_processes, wp_rows, plan)
        if plan.errors or dry_run:
            transaction.set_rollback(True)
    return plan
