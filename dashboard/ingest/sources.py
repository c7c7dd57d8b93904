"""Reading a file's bytes into a table of text cells: encoding, delimiter, header row.

Delimited text is handed to DuckDB's own CSV reader; only the first lines are looked at in
Python, to find the encoding, delimiter and header. XLSX goes through pandas/openpyxl, and
the SSI page JSON is one reading that is flattened here.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
import stat
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from dashboard.errors import ImportRejectedError, Problem
from dashboard.fields import PILLAR_ENUMS, deal_field, match_header
from dashboard.ingest.long_format import widen_long
from dashboard.ingest.source import Source

SNIFF_BYTES = 64 * 1024
MAX_FILE_ENV = "SSI_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 200  # Streamlit's own upload limit; a 10,000-seat export is ~2 MB
MAX_CELLS_ENV = "SSI_MAX_XLSX_CELLS"
DEFAULT_MAX_XLSX_CELLS = 5_000_000
MAX_JSON_BYTES = 1024 * 1024
XML_BYTES_PER_CELL = 100  # a cell is ~30 bytes of sheet XML; 100 leaves room for styles
_GLOB_CHARS = re.compile(r"[*?\[\]{}]")
HEADER_SCAN_LINES = 40
# What a delimited file's header and rows may hold. An export's row is a few hundred bytes
# of at most a few dozen columns. One row of 100,000 cells in 200 KB took 57 s and 3.2 GB
# where the CSV reader set bad rows aside; it now skips them, and the text read stops at
# the first, but a header makes as many columns as it names, and a line of megabytes is
# no export's.
LONGEST_LINE_BYTES = 64 * 1024
MOST_COLUMNS = 1_000
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def detect_encoding(head: bytes, whole: bytes, name: str = "the file") -> str:
    """BOMs first; NUL bytes mean UTF-16 without a BOM; else UTF-8 if it decodes, else
    Windows-1252 if charset-normalizer agrees it is Latin text.

    A file that is UTF-8 but for a few bad bytes is refused (naming the line and byte), not
    read as Windows-1252, which would garble every accented name; so is text the detector
    takes for another script (Shift-JIS, GBK, Cyrillic code pages), named in the message."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head[:4096].count(0) > len(head[:4096]) // 4:  # UTF-16 text is a third NULs or more
        sample = head[: len(head[:4096]) // 4 * 4]
        nuls = [sample[i::4].count(0) for i in range(4)]
        quarter = len(sample) // 4
        if quarter and nuls[1] == nuls[2] == quarter and nuls[3] >= quarter * 0.9:
            return "utf-32-le"  # Latin text in UTF-32: three NULs after every character
        if quarter and nuls[0] == nuls[1] == quarter and nuls[2] >= quarter * 0.9:
            return "utf-32-be"
        even_nuls = head[0:4096:2].count(0)
        return "utf-16-be" if even_nuls > head[1:4096:2].count(0) else "utf-16-le"
    exc = utf8_error(whole)
    if exc is not None:
        line = whole.count(b"\n", 0, exc.start) + 1
        text = whole.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
        if good >= bad:  # mostly well-formed UTF-8: a few broken bytes, not another code
            raise ImportRejectedError([Problem(name, line, None, None,
                f"is UTF-8 text with a byte that is not UTF-8 (byte {exc.start:,}); expected "
                "UTF-8 throughout: save the file again as UTF-8")]) from exc  # fmt: skip
        return _single_byte_encoding(whole, name, exc)
    return "utf-8"


UTF8_CHECK_CHUNK = 1 << 20


def utf8_error(whole: bytes) -> UnicodeDecodeError | None:
    """Where ``whole`` first fails to be UTF-8, or None, without making its text: decoding a
    125 MB export whole allocated 125 MB and took 60-280 ms of every import (of a no-op
    re-import, most of its time). ASCII is checked in one pass; other text is decoded a
    chunk at a time, and only a file that fails is decoded whole, for the exact byte."""
    if whole.isascii():
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(whole)
    try:
        for start in range(0, len(whole), UTF8_CHECK_CHUNK):
            decoder.decode(view[start : start + UTF8_CHECK_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:
            whole.decode("utf-8")  # the error's place in the file, not in its chunk
        except UnicodeDecodeError as exc:
            return exc
    return None


# Guesses that mean another script. On a few accented Latin names the detector names any
# Latin code page (cp1250, cp437, cp775, ...), so only these refuse a file that Windows-1252
# can read; the rest is read as Windows-1252.
_OTHER_SCRIPTS = {
    "cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004",
    "iso2022_jp", "gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp950", "cp949",
    "euc_kr", "johab", "iso2022_kr",
    "cp1251", "koi8_r", "koi8_u", "koi8_t", "mac_cyrillic", "iso8859_5", "cp866", "cp855",
    "kz1048", "ptcp154",
    "cp1253", "iso8859_7", "mac_greek", "cp737", "cp869", "cp875",
    "cp1255", "iso8859_8", "cp862", "cp424", "cp856",
    "cp1256", "iso8859_6", "cp720", "cp864", "mac_arabic",
    "cp874", "tis_620", "iso8859_11",
}  # fmt: skip
_HIGH_LINES = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
DETECTOR_SAMPLE_BYTES = 256 * 1024


def _single_byte_encoding(whole: bytes, name: str, exc: UnicodeDecodeError) -> str:
    """Windows-1252, or a refusal naming charset-normalizer's guess (Shift-JIS, Cyrillic...).
    The detector reads the lines that hold non-ASCII bytes, up to 256 KB of them."""
    from charset_normalizer import from_bytes

    sample = bytearray(whole if len(whole) <= DETECTOR_SAMPLE_BYTES else b"")
    for match in _HIGH_LINES.finditer(whole if not sample else b""):
        sample += match.group() + b"\n"
        if len(sample) > DETECTOR_SAMPLE_BYTES:
            break
    best = from_bytes(bytes(sample)).best()
    guess = best.encoding if best else None
    try:
        whole.decode("cp1252")
        readable = True
    except UnicodeDecodeError:
        readable = False
    # A UTF-16/32 guess for bytes without NULs is the detector giving up on a multi-byte code.
    if readable and guess not in _OTHER_SCRIPTS and not (guess or "").startswith("utf"):
        return "cp1252"
    named = f"{guess} ({best.language})" if best and best.language != "Unknown" else guess
    raise ImportRejectedError([Problem(name, None, None, None,
        f"is in an encoding other than UTF-8, UTF-16 or Windows-1252 (it looks like "
        f"{named or 'no known encoding'}); expected one of those: save the file again as "
        "UTF-8")]) from exc  # fmt: skip


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def detect_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same, largest number of cells."""
    best, best_score = ",", -1.0
    sample = [ln for ln in lines if ln.strip()][:20]
    for delim in DELIMITERS:
        counts = [len(_split(ln, delim)) for ln in sample]
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        if common < 2:
            continue
        score = counts.count(common) * common
        if score > best_score:
            best, best_score = delim, score
    return best


def find_header(rows: list[list[str]]) -> int:
    """Index of the first row naming two or more known fields (skips preambles)."""
    for i, row in enumerate(rows[:HEADER_SCAN_LINES]):
        if sum(1 for cell in row if cell and match_header(cell)) >= 2:
            return i
        if sum(1 for cell in row if cell and deal_field(cell)) >= 3:  # a CRM export
            return i
    for i, row in enumerate(rows[:HEADER_SCAN_LINES]):
        if sum(1 for cell in row if cell.strip()) >= 2:
            return i
    return 0


def read_delimited(path: Path, name: str, data: bytes) -> Source:
    """``data`` is the file's content, already read by the caller (it is hashed there)."""
    head = data[:SNIFF_BYTES]
    encoding = detect_encoding(head, data, name)
    text_head = head.decode(encoding, errors="replace")
    if len(head) == SNIFF_BYTES:  # drop a line cut in half by the sniff window
        text_head = text_head.rsplit("\n", 1)[0]
    lines = text_head.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(ln.strip() for ln in lines):
        raise ImportRejectedError([Problem(name, None, None, None, "the file is empty")])
    delimiter = detect_delimiter(lines)
    _check_rows_bounded(data, name, delimiter, encoding)
    rows = [_split(ln, delimiter) for ln in lines[:HEADER_SCAN_LINES]]
    header_index = find_header(rows)
    headers = [h.strip() for h in rows[header_index]]
    if len(headers) > MOST_COLUMNS:  # each header is a column the reader makes
        raise ImportRejectedError([Problem(name, header_index + 1, None, None,
            f"is a header of {len(headers):,} cells; expected at most {MOST_COLUMNS:,} "
            "columns, as an export writes them")])  # fmt: skip
    source = Source("delimited", headers, header_index + 1, encoding, delimiter, path)
    source.has_quotes = b'"' in data  # in UTF-16 too, a quote holds the byte 0x22
    if encoding in ("utf-8", "utf-8-sig") and not source.has_quotes:
        source.countable = data
    if encoding == "utf-8" and _GLOB_CHARS.search(str(path)):
        # DuckDB reads a path with * ? [ ] { } as a pattern (other files' content!): give it
        # a plain name that points at this one file.
        link = Path(tempfile.mkdtemp(prefix="ssi-import-")) / "upload.csv"
        link.symlink_to(Path(path).resolve())
        source.csv_path = link
        source.cleanup += [link, link.parent]
    # A lone byte is found at memchr speed, many times faster than b"\r\n" in data.
    mixed_endings = b"\r" in data and data.count(b"\n") != data.count(b"\r\n")
    if encoding != "utf-8" or mixed_endings:
        # DuckDB reads UTF-8 with one kind of line ending (lines ending in CRLF and LF both
        # stopped its parser): anything else is written again to a temporary file once,
        # in UTF-8 with LF endings.
        tmp = Path(tempfile.mkstemp(suffix=".csv", prefix="ssi-import-")[1])
        source.csv_path = tmp
        source.cleanup.append(tmp)
        try:
            with (
                open(path, encoding=encoding, newline=None if mixed_endings else "") as src,
                open(tmp, "w", encoding="utf-8", newline="") as dst,
            ):
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
        except UnicodeDecodeError as exc:
            source.close()
            raise ImportRejectedError([Problem(name, None, None, None,
                f"is not readable as {describe_encoding(encoding)} text (byte {exc.start}); "
                "expected CSV or TSV text in UTF-8, UTF-16 or Windows-1252, an XLSX workbook "
                "or the SSI page JSON")]) from exc  # fmt: skip
    source.notes.append(
        f"{DELIMITERS[delimiter]}-separated text, encoding {describe_encoding(encoding)}, "
        f"header on line {header_index + 1}"
    )
    return source


def _check_rows_bounded(data: bytes, name: str, delimiter: str, encoding: str) -> None:
    """Refuse a line longer than LONGEST_LINE_BYTES before the CSV reader sees the file
    (and name its cells). A line that long holds a whole half of it without a line break:
    one look per half (4,000 for a 125 MB file, a few milliseconds) finds the lines to
    measure, with C-speed finds and counts over the bytes, no split into lines."""
    unit = 4 if encoding.startswith("utf-32") else 2 if encoding.startswith("utf-16") else 1
    mark = (
        delimiter.encode(encoding.replace("-sig", ""))[-unit:] if unit > 1 else delimiter.encode()
    )
    step, size, start = LONGEST_LINE_BYTES // 2 * unit, len(data), 0
    while start < size:
        end = min(start + step, size)
        if data.find(b"\n", start, end) >= 0 or data.find(b"\r", start, end) >= 0:
            start = end
            continue
        first = max(data.rfind(b"\n", 0, start), data.rfind(b"\r", 0, start)) + 1
        breaks = [i for i in (data.find(b"\n", end), data.find(b"\r", end)) if i >= 0]
        last = min(breaks, default=size)
        if last - first > LONGEST_LINE_BYTES * unit:
            line, cells = data.count(b"\n", 0, first) + 1, data.count(mark, first, last) + 1
            raise ImportRejectedError([Problem(name, line, None, None,
                f"holds {(last - first) // unit:,} characters in {cells:,} cell(s); "
                f"expected a row of at most {LONGEST_LINE_BYTES // 1024} KB, as an export "
                "writes it")])  # fmt: skip
        start = last + 1


def describe_encoding(encoding: str) -> str:
    return {
        "utf-8": "UTF-8",
        "utf-8-sig": "UTF-8 with BOM",
        "utf-16": "UTF-16",
        "utf-16-le": "UTF-16 LE",
        "utf-16-be": "UTF-16 BE",
        "utf-32": "UTF-32",
        "utf-32-le": "UTF-32 LE",
        "utf-32-be": "UTF-32 BE",
        "cp1252": "Windows-1252",
    }.get(encoding, encoding)


def max_xlsx_cells() -> int:
    """The most cells a workbook may have ($SSI_MAX_XLSX_CELLS, default 5 million: ten times
    a 10,000-seat export with every column LinkedIn writes)."""
    try:
        return int(float(os.environ.get(MAX_CELLS_ENV, DEFAULT_MAX_XLSX_CELLS)))
    except ValueError:
        return DEFAULT_MAX_XLSX_CELLS


def _check_workbook_size(path: Path, name: str) -> None:
    """Refuse a workbook too big to read before reading it: its sheets' XML, unpacked, is
    read from the zip's directory, so a zip bomb costs nothing."""
    limit = max_xlsx_cells()
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRejectedError([Problem(name, None, None, None,
            f"could not be read as an Excel workbook ({str(exc)[:200]})")]) from exc  # fmt: skip
    if unpacked > limit * XML_BYTES_PER_CELL:
        raise ImportRejectedError([Problem(name, None, None, None,
            f"unpacks to {unpacked / 1e6:,.0f} MB of sheet data, more than {limit:,} cells "
            f"can take; expected a workbook of at most {limit:,} cells (split it, or raise "
            f"${MAX_CELLS_ENV})")])  # fmt: skip


_SHEET_TAGS = re.compile(
    rb"<(?:\w+:)?(dimension|row|c)\b([^>]*)>"  # the sheet's declared size, rows and cells
)
_REF = re.compile(
    rb'\b(ref|r)="\$?([A-Za-z]{0,3})\$?([0-9]{0,7})(?::\$?([A-Za-z]{0,3})\$?([0-9]{0,7}))?"'
)
_SHEET_REL = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"')
SHEET_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The zip member of the workbook's first sheet, the one the reader opens."""
    try:
        book = archive.read("xl/workbook.xml")[:SHEET_CHUNK]
        rels = archive.read("xl/_rels/workbook.xml.rels")[:SHEET_CHUNK]
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    first = _SHEET_REL.search(book)
    if not first:
        return None
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = rel.group()
        if f'Id="{first.group(1).decode(errors="replace")}"'.encode() in tag:
            target = re.search(rb'Target="([^"]+)"', tag)
            if target:
                member = target.group(1).decode(errors="replace").lstrip("/")
                return member if member.startswith("xl/") else f"xl/{member}"
    return None


def _check_sheet_extent(path: Path, name: str) -> None:
    """Refuse a sheet whose declared size, or whose farthest cell, spans more cells than the
    limit, before the reader sees it: the reader makes room for every cell from the first
    to the farthest, so one cell at XFD1048576 in a 1.6 KB file asked for 512 GB and
    aborted the process. The sheet's XML is scanned a megabyte at a time."""
    limit = max_xlsx_cells()
    with zipfile.ZipFile(path) as archive:
        first = _first_sheet_part(archive)
        names = archive.namelist()
        # A workbook whose first sheet cannot be found has each of its sheets checked.
        sheets = [first] if first in names else [n for n in names if n.startswith("xl/worksheets/")]
        for sheet in sheets:
            if not _sheet_within(archive, sheet, name, limit):
                _scan_sheet(archive, sheet, name, limit)
        for part in names:
            if part.lower().endswith("sharedstrings.xml"):
                _check_string_count(archive, part, name, limit)


_SST_COUNTS = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\b(?:uniqueCount|count)="([0-9]+)"')


# A cell's text in a workbook: an export's is a name or a number. A run of the sheet's XML
# this long without a tag is one cell's text (or padding no writer makes).
LONGEST_CELL_TEXT = 32 * 1024


def _check_text_runs(chunk: bytes, name: str) -> None:
    """Refuse a workbook holding a text of LONGEST_CELL_TEXT bytes or more, before the
    reader builds it: one look for a '<' per quarter of that length (a text cut between two
    chunks keeps half its length in one of them, and so a whole quarter-window). A cell of
    a quarter of it or more may be refused too, never a shorter one."""
    step = LONGEST_CELL_TEXT // 4
    for start in range(0, len(chunk) - step + 1, step):
        if chunk.find(b"<", start, start + step) < 0:
            raise ImportRejectedError([Problem(name, None, None, None,
                f"holds a cell of more than {step // 1024} KB of text; expected cells of "
                "names, dates and numbers, as an export writes them")])  # fmt: skip


def _check_string_count(archive: zipfile.ZipFile, part: str, name: str, limit: int) -> None:
    """The reader makes room for as many shared strings as the table declares, before it
    reads one: a declared 4 billion asked for 96 GB and aborted the process."""
    with archive.open(part) as stream:
        head = stream.read(SHEET_CHUNK)
        _check_text_runs(head, name)
        while chunk := stream.read(SHEET_CHUNK):
            _check_text_runs(chunk, name)
    for count in _SST_COUNTS.finditer(head):
        if int(count.group(1)) > limit:
            raise ImportRejectedError([Problem(name, None, None, None,
                f"declares {int(count.group(1)):,} shared strings, more than {limit:,} "
                "cells can hold; expected an Excel workbook as Excel or LinkedIn writes "
                "it")])  # fmt: skip


_ROW_NUMBERS = re.compile(rb'<row r="([0-9]+)"')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')


def _span(first_col: bytes, first_row: bytes, last_col: bytes, last_row: bytes) -> tuple[int, int]:
    """Rows and columns from a range's corners (``A1:XFD1048576``); a missing row is 1."""
    rows = int(last_row or 1) - int(first_row or 1) + 1
    return rows, _column_number(last_col) - _column_number(first_col) + 1


def _declared_cells(found: re.Match[bytes]) -> int:
    if found.group(3) is None:
        return 1
    rows, cols = _span(found.group(1), found.group(2), found.group(3), found.group(4))
    return rows * cols


_WIDE_REFS = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')
_ONE_LETTER_REFS = re.compile(rb'<c r="([A-Z])[0-9]')
FAST_SHEET_BYTES = 256 * 1024 * 1024  # past this (unpacked), the sheet is scanned in chunks


def _sheet_within(archive: zipfile.ZipFile, sheet: str, name: str, limit: int) -> bool:
    """The sheet's size from its row numbers and its widest cell reference, found at C
    speed, as Excel, LibreOffice, openpyxl and LinkedIn write a sheet (``<row r="N"`` and
    ``<c r="A1"``, every cell placed): True when that size is within the limit. False for a
    sheet written otherwise, or over the limit: the exact scan then decides, and says
    where (``_scan_sheet``, 3.8 s for 100,000 rows x 11 cells, where the reader takes 1.8).
    """
    if archive.getinfo(sheet).file_size > FAST_SHEET_BYTES:
        return False
    with archive.open(sheet) as stream:
        data = stream.read()
    _check_text_runs(data, name)
    rows = data.count(b"<row ") + data.count(b"<row>")
    cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
    if rows != data.count(b'<row r="') or cells != data.count(b'<c r="') or b":c " in data:
        return False  # written another way (attributes in another order, a prefix): exact
    declared = _DIMENSION.search(data, 0, 4096)  # the sheet's own size, near its start
    if declared and _declared_cells(declared) > limit:
        return False
    last_row = max(map(int, _ROW_NUMBERS.findall(data)), default=0)
    wide = _WIDE_REFS.findall(data)
    if wide:
        width = max(_column_number(letters) for letters in set(wide))
    else:  # one letter each: the first row's last cell, then one look for any beyond it
        first_row = data[data.find(b"<row") : data.find(b"</row>") + 1]
        letters = _ONE_LETTER_REFS.findall(first_row)
        widest = max(letters, default=b"A")
        beyond = bytes(range(widest[0] + 1, ord("Z") + 1))
        if beyond and re.search(b'<c r="[' + beyond + b"][0-9]", data):
            widest = max(set(_ONE_LETTER_REFS.findall(data)))
        width = _column_number(widest)
    return last_row * width <= limit and cells <= limit


def _scan_sheet(archive: zipfile.ZipFile, sheet: str, name: str, limit: int) -> None:
    def refuse(what: str) -> ImportRejectedError:
        return ImportRejectedError([Problem(name, None, None, None,
            f"{what}, more than {limit:,} cells; expected a workbook of at most {limit:,} "
            f"cells (delete the far cells, split it, or raise ${MAX_CELLS_ENV})")])  # fmt: skip

    max_row = max_col = row = col = cells = 0
    carry = b""
    with archive.open(sheet) as stream:
        while True:
            chunk = stream.read(SHEET_CHUNK)
            _check_text_runs(chunk, name)
            text = carry + chunk
            cut = len(text) if not chunk else text.rfind(b"<")
            if cut < 0:
                cut = 0
            for tag in _SHEET_TAGS.finditer(text, 0, cut):
                kind, attributes = tag.group(1), tag.group(2)
                ref = _REF.search(attributes)
                if kind == b"dimension":
                    if ref and ref.group(4) is not None:
                        rows_, cols_ = _span(ref.group(2), ref.group(3), ref.group(4), ref.group(5))
                        if rows_ * cols_ > limit:
                            raise refuse(f"declares its size as {ref.group(2).decode()}"
                                         f"{ref.group(3).decode()}:{ref.group(4).decode()}"
                                         f"{ref.group(5).decode()} ({rows_:,} rows x "
                                         f"{cols_:,} columns)")  # fmt: skip
                    continue
                if kind == b"row":
                    given = ref is not None and ref.group(1) == b"r" and ref.group(3)
                    row, col = (int(ref.group(3)) if ref is not None and given else row + 1), 0
                else:
                    cells += 1
                    if ref and ref.group(1) == b"r" and ref.group(2) and ref.group(3):
                        col, row = _column_number(ref.group(2)), max(row, int(ref.group(3)))
                    else:
                        col += 1
                max_row, max_col = max(max_row, row), max(max_col, col)
                if cells > limit or max_row * max_col > limit:
                    raise refuse(f"has a cell at {_column_letters(col)}{row} "
                                 f"({max_row:,} rows x {max_col:,} columns)")  # fmt: skip
            if not chunk:
                return
            carry = text[cut:]
            if len(carry) > SHEET_CHUNK:  # no sheet writes a tag of a megabyte
                raise ImportRejectedError([Problem(name, None, None, None,
                    "has a tag longer than a megabyte in its sheet; expected an Excel "
                    "workbook as Excel or LinkedIn writes it")])  # fmt: skip


def read_xlsx(path: Path, name: str) -> Source:
    """The first sheet, read by python-calamine (Rust): about ten times faster than
    openpyxl's read-only mode (bench/xlsx_readers.py). Its memory is
    bounded by the size check that comes first."""
    from python_calamine import CalamineWorkbook

    _check_workbook_size(path, name)
    limit = max_xlsx_cells()
    try:
        _check_sheet_extent(path, name)
        book = CalamineWorkbook.from_path(str(path))
        try:
            sheet = book.get_sheet_by_index(0)
            if sheet.height * sheet.width > limit:
                raise ImportRejectedError([Problem(name, None, None, None,
                    f"has {sheet.height:,} rows x {sheet.width:,} columns, more than "
                    f"{limit:,} cells; expected a smaller workbook (split it, or raise "
                    f"${MAX_CELLS_ENV})")])  # fmt: skip
            rows = [["" if v is None else _cell_text(v) for v in row]
                    for row in sheet.iter_rows()]  # fmt: skip
        finally:
            book.close()
    except ImportRejectedError:
        raise
    except Exception as exc:  # a damaged workbook raises many types
        raise ImportRejectedError([Problem(name, None, None, None,
            f"could not be read as an Excel workbook ({str(exc)[:200]})")]) from exc  # fmt: skip
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()  # trailing empty rows a sheet keeps after deletions
    if not rows:
        raise ImportRejectedError([Problem(name, None, None, None, "the workbook is empty")])
    header_index = find_header(rows)
    headers = [str(h).strip() for h in rows[header_index]]
    body = pd.DataFrame(rows[header_index + 1 :], columns=[f"c{i}" for i in range(width)],
                        dtype=object)  # fmt: skip
    body = body.replace({"": None})
    # Rows count from the sheet's first row (calamine pads the empty ones above the table).
    body.insert(0, "line", range(header_index + 2, header_index + 2 + len(body)))
    source = Source("xlsx", headers, header_index + 1, frame=body)
    source.notes.append(f"Excel workbook, first sheet, header on row {header_index + 1}")
    return source


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: 40 as '40', 40.5 as '40.5', a date as ISO."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # calamine gives every number as a float
    return str(value)


def read_ssi_json(data: bytes, name: str) -> Source:
    """The SSI page's JSON: one reading, without a person or a date."""

    def bad(message: str) -> ImportRejectedError:
        return ImportRejectedError([Problem(name, None, None, None, message)])

    if len(data) > MAX_JSON_BYTES:  # the page's JSON is a few KB; more is not that page
        raise bad(f"is {len(data) / 1e6:,.1f} MB of JSON; expected the SSI page JSON, which "
                  f"is a few KB (at most {MAX_JSON_BYTES // 1024 // 1024} MB is read)")  # fmt: skip

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad(f"is not valid JSON ({str(exc)[:200]})") from exc
    except RecursionError as exc:  # nested thousands deep: no SSI page looks like that
        raise bad("is nested too deeply to be the SSI page JSON") from exc
    if isinstance(doc, dict) and "data" in doc and "memberScore" not in doc:
        doc = doc["data"]  # some saved responses wrap the payload
    if not isinstance(doc, dict) or not isinstance(doc.get("memberScore"), dict):
        raise bad("expected the SSI page JSON with a 'memberScore' object")
    member = doc["memberScore"]
    cells: dict[str, str | None] = {"ssi": _text(member.get("overall"))}
    for sub in _objects(member.get("subScores"), "memberScore.subScores", bad):
        pillar = PILLAR_ENUMS.get(str(sub.get("pillar", "")).upper())
        if pillar is None:
            raise bad(
                f"unknown pillar '{str(sub.get('pillar'))[:40]}' in memberScore.subScores; "
                f"expected one of {', '.join(PILLAR_ENUMS)}"
            )
        cells[pillar] = _text(sub.get("score"))
    for group in _objects(doc.get("groupScore"), "groupScore", bad):
        kind = str(group.get("groupType", "")).lower()
        score = group.get("score")
        if kind in ("industry", "network"):
            cells[f"{kind}_rank"] = _text(group.get("rank"))
            cells[f"{kind}_ssi"] = _text(score.get("overall") if isinstance(score, dict) else None)
    headers = list(cells)
    frame = pd.DataFrame(
        [[1, *cells.values()]], columns=["line"] + [f"c{i}" for i in range(len(headers))]
    )
    source = Source("json", headers, 1, frame=frame.astype({"line": "int64"}))
    source.notes.append("LinkedIn SSI page JSON (memberScore / groupScore)")
    return source


def _objects(value: object, where: str, bad) -> list[dict]:
    """A JSON list of objects, or a clear refusal (never an AttributeError)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise bad(f"expected '{where}' to be a list of objects, as the SSI page writes it")
    return value


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def max_file_bytes() -> int:
    """The largest file an import reads ($SSI_MAX_FILE_MB, default 1024 MB): an endless
    stream or a mistaken path ends with a message, not with the machine out of memory."""
    try:
        return int(float(os.environ.get(MAX_FILE_ENV, DEFAULT_MAX_FILE_MB)) * 1024 * 1024)
    except ValueError:
        return DEFAULT_MAX_FILE_MB * 1024 * 1024


def read_bounded(path: Path, name: str) -> bytes:
    """The file's bytes, refused past ``max_file_bytes()`` (read no further than that)."""
    limit = max_file_bytes()
    try:
        # A named pipe or a device would block the read or never end: only files are read.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ImportRejectedError([Problem(name, None, None, None,
                "is not a file (a folder, a named pipe or a device); expected an export "
                "file")])  # fmt: skip
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ImportRejectedError(
            [Problem(name, None, None, None, f"cannot be read ({exc.strerror})")]
        ) from exc
    if len(data) > limit:
        raise ImportRejectedError([Problem(name, None, None, None,
            f"is larger than {limit // (1024 * 1024):,} MB; expected an export below that "
            f"(split it, or raise ${MAX_FILE_ENV})")])  # fmt: skip
    return data


def open_source(path: Path, name: str, data: bytes | None = None) -> Source:
    """Pick the reader by content first, file name second. ``data`` saves a second read."""
    data = read_bounded(path, name) if data is None else data
    head = data[:4096]
    lower = name.lower()
    if head.startswith(b"PK"):
        return widen_long(read_xlsx(path, name), name)
    if head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf")):
        raise ImportRejectedError([Problem(name, None, None, None,
            "is a compressed archive (gzip, bzip2, xz or 7z); expected the export itself: "
            "unpack it first and import the file inside")])  # fmt: skip
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # the pre-2007 binary format (OLE2)
        raise ImportRejectedError([Problem(name, None, None, None,
            "is an old Excel 97-2003 workbook (.xls); expected .xlsx or CSV: open it in Excel "
            "and save it as .xlsx or CSV")])  # fmt: skip
    if lower.endswith((".xlsx", ".xlsm")):
        # Not a zip: some tools save CSV text under an .xlsx name. Read it as what it is.
        source = read_delimited(path, name, data)
        source.notes.insert(0, "named .xlsx but holds text, not a workbook: read as text")
        return widen_long(source, name)
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip()
    if lower.endswith(".json") or stripped.startswith((b"{", b"[")):
        return read_ssi_json(data, name)
    return widen_long(read_delimited(path, name, data), name)
