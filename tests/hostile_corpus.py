"""A corpus of odd and hostile files, each with the outcome a person should get.

Files are generated, not committed: ``python tests/hostile_corpus.py DIR`` writes them all
to DIR (to try them by hand with ``python -m dashboard import``), and
``tests/test_hostile_corpus.py`` imports every one into a fresh store.

An outcome is ``loaded(n)`` (n new readings), ``rejected("words")`` (nothing written; the
message names the file and holds the words) or either with ``warns("words")`` added.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

HEAD = "Name,Team,Date,SSI,Brand,People,Insights,Relationships\n"
ROW = "Ann Lee,East,2026-11-20,40,10,10,10,10\n"
JSON_PAGE = {
    "memberScore": {
        "overall": 52.6,
        "subScores": [
            {"pillar": "PROFESSIONAL_BRAND", "score": 20.97},
            {"pillar": "FIND_RIGHT_PEOPLE", "score": 6.38},
            {"pillar": "INSIGHT_ENGAGEMENT", "score": 10.25},
            {"pillar": "STRONG_RELATIONSHIP", "score": 15.0},
        ],
    },
    "groupScore": [
        {"groupType": "INDUSTRY", "rank": 10, "score": {"overall": 35.0, "subScores": []}},
        {"groupType": "NETWORK", "rank": 12, "score": {"overall": 36.0, "subScores": []}},
    ],
}


@dataclass
class Case:
    name: str
    data: bytes
    loaded: int | None = None  # readings written; None means the file is rejected
    says: str = ""  # words the error (or, when loaded, a warning) must hold
    rep: str | None = None  # --rep, for one-person files
    day: date | None = None  # --date
    env: dict[str, str] = field(default_factory=dict)

    @property
    def rejected(self) -> bool:
        return self.loaded is None


def rows(*lines: str, head: str = HEAD) -> bytes:
    return (head + "".join(line + "\n" for line in lines)).encode()


def workbook(cells: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in cells:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def raw_workbook(sheet_xml: str, shared_strings: str | None = None) -> bytes:
    """A workbook written part by part, to say what openpyxl never would: a cell at the
    sheet's last position, a false size, a shared-string table of a false length."""
    import zipfile

    rel = f'<Relationship Id="rId%s" Type="{_OFFICE}/%s" Target="%s"/>'
    rels = rel % (1, "worksheet", "worksheets/sheet1.xml")
    if shared_strings is not None:
        rels += rel % (2, "sharedStrings", "sharedStrings.xml")
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{_PACKAGE}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{_PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PACKAGE}/relationships">'
        f"{rels}</Relationships>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_MAIN}">{sheet_xml}</worksheet>',
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in parts.items():
            archive.writestr(part, text)
    return out.getvalue()


def _sheet(*rows: str) -> str:
    return "<sheetData>" + "".join(rows) + "</sheetData>"


_HEAD_ROW = (
    '<row r="1">'
    + "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for col, text in zip("ABC", ["Name", "Date", "SSI"], strict=True)
    )
    + "</row>"
)


def _encodings() -> list[Case]:
    names = "Name,Date,SSI\nZoë Müller,2026-11-20,41\nJosé Álvarez,2026-11-20,40\n"
    return [
        Case("enc_utf8.csv", names.encode(), 2, "no column for brand"),
        Case("enc_utf8_bom.csv", codecs.BOM_UTF8 + names.encode(), 2),
        Case("enc_utf16_bom.csv", names.encode("utf-16"), 2),
        Case("enc_utf16le_nobom.csv", names.encode("utf-16-le"), 2),
        Case("enc_utf16be_nobom.csv", names.encode("utf-16-be"), 2),
        Case("enc_cp1252.csv", names.encode("cp1252"), 2),
        Case(
            "enc_utf8_one_bad_byte.csv",
            names.encode() + b"Bj\xf6rn,2026-11-20,42\n",
            None,
            "byte that is not UTF-8",
        ),  # fmt: skip
        Case(
            "enc_shift_jis.csv",
            "Name,SSI\n山田太郎,40\n佐藤花子,41\n".encode("shift_jis"),
            None,
            "encoding other than UTF-8",
            day=date(2026, 11, 20),
        ),  # fmt: skip
        Case(
            "enc_cp1251.csv",
            "Name,SSI\nИван Петров,40\nОльга Смирнова,41\nНаталья Кузнецова,39\n".encode("cp1251"),
            None,
            "cp1251",
            day=date(2026, 11, 20),
        ),  # fmt: skip
        Case(
            "enc_gbk.csv",
            "Name,SSI\n王小明,40\n李华,41\n张伟,39\n".encode("gbk"),
            None,
            "encoding other than UTF-8",
            day=date(2026, 11, 20),
        ),  # fmt: skip
        Case("enc_crlf.csv", (HEAD + ROW).replace("\n", "\r\n").encode(), 1),
        Case("enc_cr_only.csv", (HEAD + ROW).replace("\n", "\r").encode(), 1),
        Case("enc_utf32.csv", (HEAD + ROW).encode("utf-32"), 1),
        Case("enc_utf32le_nobom.csv", (HEAD + ROW).encode("utf-32-le"), 1),
        Case("enc_utf32be_nobom.csv", (HEAD + ROW).encode("utf-32-be"), 1),
        Case("enc_utf32le_nobom_accents.csv", names.encode("utf-32-le"), 2),
    ]


def _delimiters() -> list[Case]:
    semi = "Name;Team;Date;SSI;Brand;People;Insights;Relationships\n"
    return [
        Case(
            "delim_semicolon_decimal_comma.csv",
            (semi + "Ann;East;20.11.2026;40,5;10,5;10;10;10\n").encode(),
            1,
        ),  # fmt: skip
        Case("delim_tab.tsv", (HEAD + ROW).replace(",", "\t").encode(), 1),
        Case("delim_pipe.txt", (HEAD + ROW).replace(",", "|").encode(), 1),
        Case("delim_quoted_comma.csv", rows('"Lee, Ann",East,2026-11-20,40,10,10,10,10'), 1),
        Case("delim_one_column.csv", b"SSI\n40\n41\n", None, "names no person"),
    ]


def _structure() -> list[Case]:
    long_note = "Name,Team,Date,SSI,Brand,People,Insights,Relationships,Notes\n"
    return [
        Case("struct_empty.csv", b"", None, "empty"),
        Case("struct_blank_lines.csv", b"\n\n\n  \n", None, "empty"),
        Case("struct_header_only.csv", HEAD.encode(), None, "header but no rows"),
        Case("struct_preamble.csv", b"Team report\nExported 2026-11-20\n\n" + rows(ROW.strip()), 1),
        Case("struct_trailing_blank_lines.csv", rows(ROW.strip()) + b"\n\n\n", 1),
        Case(
            "struct_blank_line_between_rows.csv",
            rows(ROW.strip(), "", ROW.strip().replace("Ann Lee", "Bob Ray")),
            2,
        ),  # fmt: skip
        Case("struct_short_row.csv", rows(ROW.strip(), "Bob,East,2026-11-20,40"), None, "line 3"),
        Case(
            "struct_long_row.csv",
            rows(ROW.strip(), "Bob,East,2026-11-20,40,10,10,10,10,9,9"),
            None,
            "line 3",
        ),  # fmt: skip
        Case(
            "struct_quoted_newline.csv",
            (
                long_note + 'Ann,East,2026-11-20,40,10,10,10,10,"met at\nthe fair"\n'
                "Bob,East,2026-11-20,41,10,11,10,10,ok\n"
            ).encode(),
            2,
        ),  # fmt: skip
        Case(
            "struct_quoted_quotes.csv",
            (long_note + 'Ann,East,2026-11-20,40,10,10,10,10,"said ""hi"""\n').encode(),
            1,
        ),  # fmt: skip
        Case(
            "struct_unterminated_quote.csv",
            (long_note + 'Ann,East,2026-11-20,40,10,10,10,10,"never closed\n').encode(),
            None,
            "struct_unterminated_quote.csv",
        ),  # fmt: skip
        Case(
            "struct_same_header_twice.csv",
            b"Name,Date,SSI,SSI\nAnn,2026-11-20,40,41\n",
            None,
            "expected one column per field",
        ),  # fmt: skip
        Case(
            "struct_ssi_two_spellings.csv",
            b"Name,Date,SSI,Social Selling Index\nAnn,2026-11-20,40,41\n",
            None,
            "expected one column per field",
        ),  # fmt: skip
        Case("struct_empty_header_cells.csv", b"Name,,Date,SSI,\nAnn,x,2026-11-20,40,y\n", 1),
        Case(
            "struct_unknown_columns.csv",
            b"Name,Date,SSI,Region,Manager,Quota attainment\nAnn,2026-11-20,40,EMEA,Bo,0.8\n",
            1,
        ),  # fmt: skip
        Case("struct_no_known_column.csv", b"Foo,Bar\n1,2\n", None, "no SSI, pillar or activity"),
        Case("struct_binary_noise.csv", bytes(range(256)) * 40, None, "struct_binary_noise.csv"),
        Case(
            "struct_nul_bytes_in_utf8.csv",
            rows("Ann\x00,East,2026-11-20,40,10,10,10,10"),
            None,
            "value 'Ann\\x00': expected a name without control characters",
        ),  # fmt: skip
    ]


def _shapes() -> list[Case]:
    """Rows no export writes, each once cost the reader seconds and gigabytes per megabyte."""
    wide = ",".join(["1"] * 100_000)
    return [
        Case(
            "shape_one_row_100000_cells.csv", rows(wide), None, "line 2: holds 199,999 characters"
        ),
        Case(
            "shape_header_100000_cells.csv",
            (",".join(f"h{i}" for i in range(100_000)) + "\n" + wide + "\n").encode(),
            None,
            "line 1: holds 688,889 characters in 100,000 cell(s); expected a row of at most 64 KB",
        ),  # fmt: skip
        Case(
            "shape_row_1001_cells.csv",
            rows(ROW.strip(), ",".join(["1"] * 1001)),
            None,
            "line 3: value '1,1,1",  # the row's first cells, and how many it has
        ),
        Case(
            "shape_header_1001_names.csv",
            (",".join(f"h{i}" for i in range(1001)) + "\n1\n").encode(),
            None,
            "line 1: is a header of 1,001 cells; expected at most 1,000",
        ),  # fmt: skip
        Case("shape_row_1000_cells.csv", rows(",".join(["1"] * 1000)), None, "header, found 1,000"),
        Case(
            "shape_900_unknown_headers.csv",
            (
                ",".join(f"Column number {i}" for i in range(900))
                + "\n"
                + ",".join(["1"] * 900)
                + "\n"
            ).encode(),
            None,
            "'Column number 19' and 880 more",
        ),  # fmt: skip
        Case("shape_lone_quote_lines.csv", rows(*['"'] * 200_000), None, "line 2"),
        Case(
            "shape_million_short_rows.csv",
            rows(ROW.strip(), *["x"] * 1_000_000),
            None,
            "line 3: value 'x': expected 8 cells like the header, found 1",
        ),  # fmt: skip
        Case(
            "shape_mixed_line_endings.csv",
            (HEAD.replace("\n", "\r\n") + ROW + ROW.replace("Ann Lee", "Bob Ray")).encode(),
            2,
        ),  # fmt: skip
        Case(
            "shape_every_ssi_a_word.csv",
            rows(*[f"Rep {i},East,2026-11-20,high,10,10,10,10" for i in range(200_000)]),
            None,
            "199,950 more row(s) like these",
        ),  # fmt: skip
    ]


def _values() -> list[Case]:
    def one(ssi: str, brand: str = "10") -> bytes:
        return rows(f"Ann,East,2026-11-20,{ssi},{brand},10,10,10")

    return [
        Case("val_ssi_over_100.csv", one("140"), None, "an SSI from 0 to 100"),
        Case("val_ssi_negative.csv", one("-1"), None, "an SSI from 0 to 100"),
        Case("val_ssi_nan.csv", one("NaN"), None, "an SSI from 0 to 100"),
        Case("val_ssi_inf.csv", one("inf"), None, "an SSI from 0 to 100"),
        Case("val_ssi_text.csv", one("forty"), None, "value 'forty'"),
        Case("val_ssi_percent.csv", one("40%"), 1),
        Case("val_ssi_exponent.csv", one("4e1"), 1),
        Case("val_ssi_spaces.csv", one(" 40 "), 1),
        Case("val_ssi_empty.csv", one(""), 1),  # pillars kept; the SSI stays missing
        Case("val_pillar_over_25.csv", one("40", "30"), None, "a pillar score from 0 to 25"),
        Case("val_pillar_sum_off.csv", one("60"), 1, "differs from the sum of the pillars"),
        Case(
            "val_all_zero.csv",
            rows("Ann,East,2026-11-20,0,0,0,0,0", ROW.strip()),
            1,
            "every score is 0",
        ),  # fmt: skip
        Case("val_huge_value.csv", one("4" * 1_000_000), None, "holds 1,000,032 characters in 8"),
        Case(
            "val_control_char_name.csv",
            rows("Ann\x01Lee,East,2026-11-20,40,10,10,10,10"),
            None,
            "without control characters",
        ),  # fmt: skip
        Case(
            "val_control_char_team.csv",
            rows("Ann,Ea\x07st,2026-11-20,40,10,10,10,10"),
            None,
            "team name without control characters",
        ),  # fmt: skip
        Case(
            "val_html_name.csv",
            rows('"<b>Ann</b> <a href=""x"">x</a>",East,2026-11-20,40,10,10,10,10'),
            1,
        ),  # fmt: skip
        Case(
            "val_formula_name.csv",
            rows('"=HYPERLINK(""http://x"")",East,2026-11-20,40,10,10,10,10'),
            1,
        ),  # fmt: skip
        Case("val_emoji_name.csv", rows("Ann 🚀 Lee,East,2026-11-20,40,10,10,10,10"), 1),
        Case("val_rtl_name.csv", rows("سارة,East,2026-11-20,40,10,10,10,10"), 1),
        Case("val_long_name.csv", rows("A" * 200 + ",East,2026-11-20,40,10,10,10,10"), 1),
        Case(
            "val_name_of_5000.csv",
            rows("A" * 5000 + ",East,2026-11-20,40,10,10,10,10"),
            None,
            "(5,000 characters)': expected a name of at most 200 characters",
        ),  # fmt: skip
        Case(
            "val_team_of_101.csv",
            rows(
                "Ann,," + "T" * 101 + ",2026-11-20,40,10,10,10,10",
                head="Name,Email,Team,Date,SSI,Brand,People,Insights,Relationships\n",
            ),
            None,
            "expected a team name of at most 100 characters",
        ),  # fmt: skip
        Case(
            "val_email_of_300.csv",
            b"Email,Date,SSI\n" + b"a" * 288 + b"@example.com,2026-11-20,40\n",
            None,
            "expected an e-mail address such as name@example.com",
        ),  # fmt: skip
        Case(
            "val_email_not_an_address.csv",
            b"Name,Email,Date,SSI\nAnn,ann at example,2026-11-20,40\nBob,bob@example.com,2026-11-20,41\n",
            None,
            "line 2, column 'Email': value 'ann at example': expected an e-mail address",
        ),  # fmt: skip
        Case(
            "val_name_right_to_left_override.csv",
            rows("Ann \u202eeeL,East,2026-11-20,40,10,10,10,10"),
            None,
            "value 'Ann \\u202eeeL': expected a name without control characters or text-direction",
        ),  # fmt: skip
        Case(
            "val_team_isolate.csv",
            rows("Ann,East\u2067x,2026-11-20,40,10,10,10,10"),
            None,
            "expected a team name without control characters",
        ),  # fmt: skip
        Case(
            "val_whitespace_name.csv",
            rows("   ,East,2026-11-20,40,10,10,10,10"),
            None,
            "a name or e-mail",
        ),  # fmt: skip
        Case("val_comma_decimal_mixed.csv", one("40,5"), None, "val_comma_decimal_mixed.csv"),
    ]


def _dates() -> list[Case]:
    today = date.today()

    def dated(day: str) -> bytes:
        return rows(f"Ann,East,{day},40,10,10,10,10")

    return [
        Case("date_iso.csv", dated("2026-11-20"), 1),
        Case("date_us.csv", dated("11/20/2026"), 1),
        Case("date_eu.csv", dated("20/11/2026"), 1),
        Case("date_words.csv", dated('"Nov 20, 2026"'), 1),
        Case("date_with_time.csv", dated("2026-11-20T10:30:00Z"), 1),
        Case("date_0000.csv", dated("0000-01-01"), None, "date_0000.csv"),
        Case("date_0001.csv", dated("0001-01-01"), None, "LinkedIn's SSI did not exist"),
        Case("date_1900.csv", dated("1900-01-01"), None, "LinkedIn's SSI did not exist"),
        Case("date_2013.csv", dated("2013-12-31"), None, "from 2014-01-01"),
        Case("date_9999.csv", dated("9999-12-31"), None, "no later than"),
        Case(
            "date_next_week.csv",
            dated((today + timedelta(days=7)).isoformat()),
            None,
            "no later than",
        ),  # fmt: skip
        Case("date_tomorrow.csv", dated((today + timedelta(days=1)).isoformat()), 1),
        Case("date_feb_30.csv", dated("2026-02-30"), None, "value '2026-02-30'"),
        Case("date_empty_no_fallback.csv", dated(""), None, "a date"),
        Case("no_date_column.csv", b"Name,SSI\nAnn,40\n", None, "no date column"),
        Case("ssi_2026-11-19.csv", b"Name,SSI\nAnn,40\n", 1, "no column for brand"),
        Case(
            "date_mixed_orders.csv",
            rows("Ann,East,11/20/2026,40,10,10,10,10", "Bob,East,20/11/2026,40,10,10,10,10"),
            None,
            "date_mixed_orders.csv",
        ),  # fmt: skip
    ]


def _people() -> list[Case]:
    return [
        Case("people_email_only.csv", b"Email,Date,SSI\nann@example.com,2026-11-20,40\n", 1),
        Case("people_first_last.csv", b"First name,Last name,Date,SSI\nAnn,Lee,2026-11-20,40\n", 1),
        Case(
            "people_same_name_two_emails.csv",
            b"Name,Email,Date,SSI\nAnn Lee,a1@x.com,2026-11-20,40\nAnn Lee,a2@x.com,2026-11-20,50\n",
            2,
        ),  # fmt: skip
        Case(
            "people_one_person_file.csv",
            b"Date,SSI\n2026-11-19,40\n2026-11-20,41\n",
            2,
            rep="Ann Lee",
        ),  # fmt: skip
        Case("people_no_person.csv", b"Date,SSI\n2026-11-20,40\n", None, "names no person"),
        Case(
            "people_case_variants_same_day.csv",
            rows(
                "Ann Lee,East,2026-11-20,40,10,10,10,10", "ann lee,East,2026-11-20,44,11,11,11,11"
            ),
            None,
            "different row",
        ),  # fmt: skip
    ]


def _repeats() -> list[Case]:
    return [
        Case("rep_identical_pair.csv", rows(ROW.strip(), ROW.strip()), 1, "repeats line 2"),
        Case(
            "rep_identical_2000.csv",
            rows(*[ROW.strip()] * 2000),
            1,
            "lines 3, 4 and 1,997 more repeat line 2",
        ),  # fmt: skip
        Case(
            "rep_conflicting_1000.csv",
            rows(*[f"Ann Lee,East,2026-11-20,{i % 90 + 1},10,10,10,10" for i in range(1000)]),
            None,
            "are different rows",
        ),  # fmt: skip
        Case(
            "rep_every_row_bad.csv",
            rows(*[f"Rep {i},East,2026-11-20,{200 + i},10,10,10,10" for i in range(500)]),
            None,
            "450 more row(s) like these",
        ),  # fmt: skip
    ]


def _json() -> list[Case]:
    def page(**changes: object) -> bytes:
        doc = json.loads(json.dumps(JSON_PAGE))
        doc["memberScore"].update(changes)
        return json.dumps(doc).encode()

    deep = b"[" * 10_000 + b"]" * 10_000
    return [
        Case(
            "ssi_page.json",
            json.dumps(JSON_PAGE).encode(),
            1,
            rep="Ann Lee",
            day=date(2026, 11, 20),
        ),
        Case(
            "ssi_page_wrapped.json",
            json.dumps({"data": JSON_PAGE}).encode(),
            1,
            rep="Ann Lee",
            day=date(2026, 11, 20),
        ),  # fmt: skip
        Case(
            "ssi_page_bom.json",
            codecs.BOM_UTF8 + json.dumps(JSON_PAGE).encode(),
            1,
            rep="Ann Lee",
            day=date(2026, 11, 20),
        ),  # fmt: skip
        Case("json_deep.json", deep, None, "json_deep.json", rep="Ann"),
        Case(
            "json_deep_objects.json",
            b'{"a":' * 5000 + b"1" + b"}" * 5000,
            None,
            "nested too deeply",
            rep="Ann",
        ),  # fmt: skip
        Case(
            "json_subscores_numbers.json",
            page(subScores=[1, 2, 3]),
            None,
            "list of objects",
            rep="Ann",
        ),  # fmt: skip
        Case(
            "json_groupscore_string.json",
            json.dumps({**JSON_PAGE, "groupScore": "high"}).encode(),
            None,
            "list of objects",
            rep="Ann",
        ),  # fmt: skip
        Case(
            "json_unknown_pillar.json",
            page(subScores=[{"pillar": "TELEPATHY", "score": 3}]),
            None,
            "unknown pillar",
            rep="Ann",
        ),  # fmt: skip
        Case("json_not_json.json", b"{this is not json", None, "not valid JSON", rep="Ann"),
        Case("json_empty_object.json", b"{}", None, "memberScore", rep="Ann"),
        Case("json_top_array.json", b"[1, 2, 3]", None, "memberScore", rep="Ann"),
        Case(
            "json_overall_text.json",
            page(overall="lots"),
            None,
            "value 'lots'",
            rep="Ann",
            day=date(2026, 11, 20),
        ),  # fmt: skip
        Case("json_overall_null.json", page(overall=None), 1, rep="Ann", day=date(2026, 11, 20)),
        Case(
            "json_huge_string.json",
            page(overall="9" * 5_000_000),
            None,
            "expected the SSI page JSON, which is a few KB",
            rep="Ann",
            day=date(2026, 11, 20),
        ),  # fmt: skip
        Case(
            "json_score_101.json",
            page(overall=101),
            None,
            "an SSI from 0 to 100",
            rep="Ann",
            day=date(2026, 11, 20),
        ),  # fmt: skip
    ]


def _workbooks() -> list[Case]:
    header = HEAD.strip().split(",")
    good = [header, ["Ann", "East", date(2026, 11, 20), 40, 10, 10, 10, 10]]
    return [
        Case("book_good.xlsx", workbook(good), 1),
        Case("book_preamble.xlsx", workbook([["Team report"], [], *good]), 1),
        Case(
            "book_numbers_as_text.xlsx",
            workbook([header, ["Ann", "East", "2026-11-20", "40", "10", "10", "10", "10"]]),
            1,
        ),  # fmt: skip
        Case(
            "book_bad_ssi.xlsx",
            workbook([header, ["Ann", "East", date(2026, 11, 20), "high", 10, 10, 10, 10]]),
            None,
            "value 'high'",
        ),  # fmt: skip
        Case("book_empty.xlsx", workbook([]), None, "empty"),
        Case("book_not_a_zip.xlsx", (HEAD + ROW).encode(), 1, "holds text"),  # read as CSV
        Case(
            "book_old_format.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            None,
            "Excel 97-2003",
        ),  # fmt: skip
        Case("book_corrupt_zip.xlsx", b"PK\x03\x04" + b"\x00" * 200, None, "Excel workbook"),
        Case(
            "book_over_cell_limit.xlsx",
            workbook([header] + [good[1]] * 20),
            None,
            "SSI_MAX_XLSX_CELLS",
            env={"SSI_MAX_XLSX_CELLS": "100"},
        ),  # fmt: skip
        # One cell at the sheet's last position asked the reader for 512 GB (a crash).
        Case(
            "book_cell_at_XFD1048576.xlsx",
            raw_workbook(
                _sheet(_HEAD_ROW, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
            ),
            None,
            "has a cell at XFD1048576 (1,048,576 rows x 16,384 columns)",
        ),  # fmt: skip
        Case(
            "book_cell_far_right.xlsx",
            raw_workbook(_sheet(_HEAD_ROW, '<row r="400"><c r="ZZZ400"><v>1</v></c></row>')),
            None,
            "has a cell at ZZZ400",
        ),  # fmt: skip
        Case(
            "book_far_row_cells_unplaced.xlsx",
            raw_workbook(_sheet(_HEAD_ROW, '<row r="900000">' + "<c><v>1</v></c>" * 8 + "</row>")),
            None,
            "more than 5,000,000 cells",
        ),  # fmt: skip
        Case(
            "book_declares_whole_sheet.xlsx",
            raw_workbook('<dimension ref="A1:XFD1048576"/>' + _sheet(_HEAD_ROW)),
            None,
            "declares its size as A1:XFD1048576",
        ),  # fmt: skip
        Case(
            "book_shared_strings_4_billion.xlsx",
            raw_workbook(
                _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                f'<sst xmlns="{_MAIN}" count="4000000000" uniqueCount="4000000000">'
                "<si><t>Name</t></si></sst>",
            ),
            None,
            "declares 4,000,000,000 shared strings",
        ),  # fmt: skip
        Case(  # a one-letter column far down: the first row's last cell is not the widest
            "book_cell_at_Z300000.xlsx",
            raw_workbook(_sheet(_HEAD_ROW, '<row r="300000"><c r="Z300000"><v>1</v></c></row>')),
            None,
            "has a cell at Z300000 (300,000 rows x 26 columns)",
        ),  # fmt: skip
        Case(
            "book_inline_cell_of_a_megabyte.xlsx",
            raw_workbook(
                _sheet(
                    _HEAD_ROW,
                    '<row r="2"><c r="A2" t="inlineStr"><is><t>'
                    + "A" * 1_000_000
                    + "</t></is></c></row>",
                )
            ),
            None,
            "holds a cell of more than 8 KB of text",
        ),  # fmt: skip
        Case(
            "book_shared_string_of_a_megabyte.xlsx",
            raw_workbook(
                _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>{"B" * 1_000_000}</t></si></sst>',
            ),
            None,
            "holds a cell of more than 8 KB of text",
        ),  # fmt: skip
        Case(
            "book_written_by_hand.xlsx",
            raw_workbook(
                '<dimension ref="A1:C2"/>'
                + _sheet(
                    _HEAD_ROW,
                    '<row r="2"><c r="A2" t="inlineStr"><is><t>Ann</t></is></c>'
                    '<c r="B2" t="inlineStr"><is><t>2026-11-20</t></is></c>'
                    '<c r="C2"><v>40</v></c></row>',
                )  # fmt: skip
            ),
            1,
        ),
    ]


def _file_names() -> list[Case]:
    return [
        Case("team[1]_2026-11-20.csv", b"Name,SSI\nAnn,40\n", 1),
        Case("ssi_*_2026-11-20.csv", b"Name,SSI\nAnn,40\n", 1),
        Case("ssi_{a,b}_2026-11-20.csv", b"Name,SSI\nAnn,40\n", 1),
        Case("export_2026-11-20.csv.gz", b"Name,SSI\nAnn,40\n", 1),
        Case(
            "real_gzip_2026-11-20.csv",
            gzip.compress(b"Name,SSI\nAnn,40\n"),
            None,
            "real_gzip_2026-11-20.csv",
        ),  # fmt: skip
        Case("équipe été 2026-11-20.csv", b"Name,SSI\nAnn,40\n", 1),
        Case("x" * 200 + "_2026-11-20.csv", b"Name,SSI\nAnn,40\n", 1),
    ]


def _formats() -> list[Case]:
    return [
        Case(
            "Connections.csv",
            b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            b"Ann,Lee,https://x,,Acme,AE,20 Nov 2026\n",
            None,
            "Connections.csv from a personal",
        ),  # fmt: skip
        Case(
            "tracker_total_ssi.csv",
            b"Date,Total_SSI,Brand,People,Insights,Relationships\n2026-11-20,40,10,10,10,10\n",
            1,
            rep="Ann",
        ),  # fmt: skip
        Case(
            "tracker_overall_score.csv",
            b"date,ssi_overall_score,establish_your_professional_brand,find_the_right_people,"
            b"engage_with_insights,build_relationships\n2026-11-20,40,10,10,10,10\n",
            1,
            rep="Ann",
        ),  # fmt: skip
        Case(
            "long_format.csv",
            b"Name,Date,Metric,Value\nAnn,2026-11-20,SSI,40\nAnn,2026-11-20,Brand,10\n"
            b"Ann,2026-11-20,People,10\nAnn,2026-11-20,Insights,10\nAnn,2026-11-20,Relationships,10\n",
            1,
        ),  # fmt: skip
        Case(
            "pillar_forms.csv",
            b"Name,Date,SSI,Establishing your professional brand,Finding the right people,"
            b"Engaging with insights,Building relationships\nAnn,2026-11-20,40,10,10,10,10\n",
            1,
        ),  # fmt: skip
        Case(
            "pillar_lookalike.csv",
            b"Name,Date,SSI,Brand awareness\nAnn,2026-11-20,40,3\n",
            1,
            "looks like the brand pillar",
        ),  # fmt: skip
        Case("activity_only.csv", b"Name,Date,Profile views,Searches\nAnn,2026-11-20,12,4\n", 1),
        Case(
            "activity_negative.csv",
            b"Name,Date,Profile views\nAnn,2026-11-20,-3\n",
            None,
            "a count of 0 or more",
        ),  # fmt: skip
    ]


def build() -> list[Case]:
    cases = [*_encodings(), *_delimiters(), *_structure(), *_shapes(), *_values(), *_dates(), *_people(),
             *_repeats(), *_json(), *_workbooks(), *_file_names(), *_formats()]  # fmt: skip
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "each case needs its own file name"
    return cases


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for case in build():
        path = folder / case.name
        path.write_bytes(case.data)
        written.append(path)
    return written


if __name__ == "__main__":
    out = write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-files"))
    print(f"{len(out)} files in {out[0].parent}")
