"""Hostile register files are refused quickly, with a Dutch message, without eating memory."""

import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants import register
from participants.models import Participant
from plp.models import AuditEntry

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
        '<sheets><sheet name="Register" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = (
    '<row r="1">'
    + "".join(cell(f"{c}1", h) for c, h in zip("ABC", register.REQUIRED, strict=True))
    + "</row>"
)


def sheet_xlsx(sheet_data: str, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{dim}'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in PARTS.items():
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def wide_dimension_xlsx(rows: int = 20_000, headers=("deelnemernummer", "voornaam", "opmerking")) -> bytes:
    """A small, valid XLSX whose sheet declares A1:XFD20000 (16,384 columns): openpyxl pads
    every row it reads to the declared width."""
    header = '<row r="1">' + "".join(cell(f"{c}1", h) for c, h in zip("ABC", headers, strict=True)) + "</row>"
    body = "".join(
        f'<row r="{i}">{cell(f"A{i}", f"PLP-2024-{i:05d}")}{cell(f"B{i}", "Anna")}{cell(f"C{i}", "Bos")}</row>'
        for i in range(2, rows + 1)
    )
    return sheet_xlsx(header + body, dimension="A1:XFD20000")


def comment_bomb_xlsx(path: Path, mib: int = 3 * 1024) -> bytes:
    """A valid XLSX whose sheet opens with `mib` MiB of XML comment, compressed to about
    3 MB per GiB. Built as a stream: the comment is one deflated 1 MiB block repeated
    (after a sync flush the compressor emits the same bytes for the same input), and the
    zip is written by hand around it, so neither the file nor the comment is ever held in
    memory whole."""
    chunk = b"x" * (1 << 20)
    count = mib
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><!--'.encode()
    tail = f"--><sheetData>{HEADER}</sheetData></worksheet>".encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head + chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    steady = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert steady == again
    last = compressor.compress(tail) + compressor.flush()
    size = len(head) + count * len(chunk) + len(tail)
    crc = zlib.crc32(head + chunk)
    for _ in range(count - 1):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    compressed = len(first) + (count - 1) * len(steady) + len(last)

    entries = []
    with path.open("wb") as out:

        def member(name: str, crc: int, csize: int, usize: int, blocks) -> None:
            entries.append((name.encode(), crc, csize, usize, out.tell()))
            out.write(
                struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, csize, usize, len(name), 0)
            )
            out.write(name.encode())
            for block in blocks:
                out.write(block)

        for name, text in PARTS.items():
            data = text.encode()
            packed = zlib.compressobj(9, zlib.DEFLATED, -15)
            body = packed.compress(data) + packed.flush()
            member(name, zlib.crc32(data), len(body), len(data), [body])
        member(
            "xl/worksheets/sheet1.xml",
            crc,
            compressed,
            size,
            (b for blocks in ([first], (steady for _ in range(count - 1)), [last]) for b in blocks),
        )
        directory = out.tell()
        for name, crc_, csize, usize, offset in entries:
            out.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    0,
                    0,
                    crc_,
                    csize,
                    usize,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )  # fmt: skip
            )
            out.write(name)
        end = out.tell()
        out.write(
            struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - directory, directory, 0
            )
        )
    return path.read_bytes()


def refused(content: bytes) -> tuple[str, float, int]:
    """The error message, seconds taken and peak memory allocated while reading."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(register.RegisterFileError) as error:
            register.read_register(content, "hostile.xlsx")
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return str(error.value), seconds, peak


MB = 1024 * 1024


def test_a_file_declaring_16384_columns_is_refused_quickly():
    content = wide_dimension_xlsx()
    assert len(content) < 300_000
    message, seconds, peak = refused(content)
    assert message.startswith("Deze kolommen horen niet bij het registerformaat: opmerking.")
    assert seconds < 2 and peak < 100 * MB, (seconds, peak / MB)


def test_the_declared_dimension_is_ignored_for_a_good_file():
    file = register.read_register(wide_dimension_xlsx(200, register.REQUIRED), "good.xlsx")
    assert len(file.rows) == 199
    assert file.rows[0] == (2, {"deelnemernummer": "PLP-2024-00002", "voornaam": "Anna", "achternaam": "Bos"})


def test_gigabytes_of_xml_comment_are_refused_before_parsing(tmp_path):
    content = comment_bomb_xlsx(tmp_path / "bomb.xlsx")
    assert len(content) < register.MAX_BYTES
    with zipfile.ZipFile(tmp_path / "bomb.xlsx") as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size > 3 * 1024 * MB
    message, seconds, peak = refused(content)
    assert message.startswith("Het Excel-bestand is uitgepakt groter dan 50 MB")
    assert seconds < 2 and peak < 100 * MB, (seconds, peak / MB)


def test_a_comment_bomb_under_the_size_limit_is_refused_too(tmp_path):
    """Below the size limit a long comment would still cost expat minutes (it rescans an
    unfinished token at every read): any run of 256 kB without a tag end is refused."""
    content = comment_bomb_xlsx(tmp_path / "small.xlsx", mib=40)
    message, seconds, peak = refused(content)
    assert message.startswith("Dit Excel-bestand bevat een onderdeel van meer dan 256 kB")
    assert seconds < 2 and peak < 100 * MB, (seconds, peak / MB)


def test_an_image_in_the_workbook_is_no_reason_to_refuse():
    content = sheet_xlsx(f'{HEADER}<row r="2">{cell("A2", "PLP-1")}{cell("B2", "A")}{cell("C2", "B")}</row>')
    out = io.BytesIO(content)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/image1.png", bytes(range(256)).replace(b">", b"") * 4000)
    assert len(register.read_register(out.getvalue(), "logo.xlsx").rows) == 1


def test_a_value_beyond_the_format_columns_names_row_and_column():
    content = sheet_xlsx(f'{HEADER}<row r="2">{cell("A2", "PLP-1")}{cell("AZ2", "x")}</row>')
    message, _seconds, _peak = refused(content)
    assert message.startswith(
        f"Rij 2, kolom AZ: het bestand heeft meer dan {len(register.COLUMNS) + 5} kolommen"
    )


def test_rows_out_of_order_or_a_huge_cell_are_refused():
    twice = sheet_xlsx(f'{HEADER}<row r="2">{cell("A2", "PLP-1")}</row><row r="2"></row>')
    assert refused(twice)[0].startswith("Dit is geen geldig Excel-bestand")
    runs = "<r><t>x</t></r>" * 2000
    huge = sheet_xlsx(f'{HEADER}<row r="2"><c r="A2" t="inlineStr"><is>{runs}</is></c></row>')
    assert refused(huge)[0] == "Rij 2: een cel is te groot om te lezen."


def test_csv_with_too_many_columns_or_rows_is_refused():
    wide = (";".join(register.REQUIRED + [""] * 40 + ["x"]) + "\n").encode()
    limit = len(register.COLUMNS) + 5
    assert refused(wide)[0].startswith(f"Rij 1, kolom AR: het bestand heeft meer dan {limit} kolommen")
    long = ";".join(register.REQUIRED) + "\n" + "PLP-1;A;B\n" * 20_001
    assert refused(long.encode())[0] == "Het bestand heeft meer dan 20.000 rijen."


@pytest.mark.django_db
def test_the_upload_page_refuses_a_hostile_file_and_saves_nothing(coordinator_client, tmp_path):
    content = comment_bomb_xlsx(tmp_path / "bomb.xlsx", mib=1024)
    response = coordinator_client.post(
        reverse("participants:import"), {"file": SimpleUploadedFile("register.xlsx", content)}
    )
    assert response.status_code == 200
    assert "uitgepakt groter dan 50 MB" in response.content.decode()
    assert not Participant.objects.exists()
    data = AuditEntry.objects.get(action="participants.register.previewed").data
    assert data["ok"] is False and data["bytes"] == len(content) and "register.xlsx" not in str(data)


@pytest.mark.django_db
def test_the_admin_offers_no_import(admin_client):
    """The register import is the only way in: django-import-export's admin import stays off."""
    assert admin_client.get("/admin/participants/organisation/import/").status_code == 403
