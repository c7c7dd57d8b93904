"""Numbers read as numbers by the CSV reader (stage_csv_typed) are the numbers the text path
reads (ssi_number), and a file that needs the text path still gets it: cells people type
("45%", "1,234", " 12"), decimal commas, and every message that quotes a cell."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.errors import ImportRejectedError

HEAD = "Name,Email,Date,SSI,Brand,People,Insights,Relationships,Region,Profile views\n"

# Cells as exports and people write them: plain and signed numbers, exponents, spaces,
# thousands separators, percentages, decimal commas, words, NaN and infinity, empties.
NUMBERISH = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**20, 10**20).map(str),
    st.from_regex(r"\A[ +-]?[0-9]{0,4}([.,][0-9]{0,3})?([eE][+-]?[0-9]{1,3})?[ %]?\Z"),
    st.sampled_from(["", " ", "nan", "NaN", "-inf", "Infinity", "1,234", "1.234,5", "45%",
                     "0x10", "1_000", "١٢", "forty", ".5", "5.", "+.5e1", "1e400"]),
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(NUMBERISH, min_size=1, max_size=40))
def test_a_cell_the_reader_takes_as_a_number_is_the_number_the_text_path_reads(
    store, tmp_path, cells
):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([i, cell] for i, cell in enumerate(cells))
    path = tmp_path / "cells.csv"
    path.write_text(out.getvalue())
    read = ("select * from read_csv($p, header = false, auto_detect = false, quote = '\"', "
            "escape = '\"', delim = ',', columns = $c, strict_mode = true")  # fmt: skip
    shown = "c0, value is null as missing, coalesce(isnan(value), false) as not_a_number, value"
    as_text = store.df_sql(
        f"select {shown} from (select c0, ssi_number(c1, false) as value from ({read})))",  # noqa: S608 (fixed text)
        {"p": str(path), "c": {"c0": "INTEGER", "c1": "VARCHAR"}},
    ).set_index("c0")
    as_numbers = store.df_sql(
        f"select {shown} from (select c0, c1 as value from ({read}, store_rejects = true)))",  # noqa: S608 (fixed text)
        {"p": str(path), "c": {"c0": "INTEGER", "c1": "DOUBLE"}},
    ).set_index("c0")
    assert len(as_numbers) <= len(cells)
    for line, got in as_numbers.iterrows():
        want = as_text.loc[line]
        assert (got["missing"], got["not_a_number"]) == (want["missing"], want["not_a_number"]), (
            cells[line]
        )
        if not got["missing"] and not got["not_a_number"]:
            assert got["value"] == want["value"], cells[line]


def rows_of(store) -> list[tuple]:
    return (
        store.df_sql(
            "select r.name, s.day, s.ssi, s.brand, s.people, s.insights, s.relationships "
            "from snapshots s join reps r using (rep_id) order by all"
        ).values.tolist()
        + store.df_sql(
            "select r.name, a.day, a.metric, a.value from activity a join reps r using (rep_id) "
            "order by all"
        ).values.tolist()
    )


EXPORT = HEAD + "".join(
    f"Rep {i},rep{i}@example.com,2026-01-{d:02d},{40 + i + d / 10:.1f},{10 + i / 4:.2f},"
    f"{8 + d / 8:.3f},7,{5 + i},EMEA,{i * d}\n"
    for d in range(1, 8) for i in range(6)
)  # fmt: skip


@pytest.mark.parametrize(("plain", "written", "reads"), [
    ("Rep 3,rep3@example.com,2026-01-05,43.5,", "Rep 3,rep3@example.com,2026-01-05,43.5%,",
     ["stage_csv_typed", "stage_csv"]),
    ("2026-01-02,41.2,", "2026-01-02,41.20,", ["stage_csv_typed"]),
    (",EMEA,6\n", ",EMEA, 6 \n", ["stage_csv_typed"]),
    # A quote may hold a line break: the rows cannot be counted from the bytes, so the
    # file is read as text (no reader that sets rows aside: unbounded memory).
    (",EMEA,30\n", ',EMEA,"30"\n', ["stage_csv"]),
    (",EMEA,30\n", ",EMEA,3e1\n", ["stage_csv_typed"]),
])  # fmt: skip
def test_a_file_read_as_text_stores_what_the_same_file_read_as_numbers_stores(
    load, store, tmp_path, monkeypatch, plain, written, reads
):
    """One cell written as people type it sends the file down the text path ("43.5%") or
    not (" 6 ", quoted, 3e1); the store holds the same readings either way."""
    from dashboard.ingest import import_file
    from dashboard.store import Cursor, Store

    assert plain in EXPORT
    load("export.csv", EXPORT)
    expected = rows_of(store)
    assert len(expected) == 42 * 2
    asked = []
    real = Cursor.reading_file
    monkeypatch.setattr(Cursor, "reading_file", lambda self, name, params: (
        asked.append(name), real(self, name, params))[1])  # fmt: skip
    other = Store(tmp_path / "other.duckdb")
    try:
        path = tmp_path / "export_written.csv"
        path.write_text(EXPORT.replace(plain, written, 1))
        assert import_file(other, path).rows_loaded == 42
        assert asked == reads
        assert rows_of(other) == expected
    finally:
        other.close()


@pytest.mark.parametrize(("row", "problem", "reads"), [
    ("Ann,ann@example.com,2026-01-02,150.00,25,25,25,25,EMEA,3",
     (2, "SSI", "150.00"), ["stage_csv_typed", "stage_csv"]),  # a number: read again as text
    ("Ann,ann@example.com,2026-13-02,50.5,12,12,12,14.5,EMEA,3",
     (2, "Date", "2026-13-02"), ["stage_csv_typed"]),  # a date: its cell is text already
])  # fmt: skip
def test_a_file_is_read_again_as_text_only_for_a_problem_in_a_number(
    load, store, monkeypatch, row, problem, reads
):
    from dashboard.store import Cursor

    asked = []
    real = Cursor.reading_file
    monkeypatch.setattr(Cursor, "reading_file", lambda self, name, params: (
        asked.append(name), real(self, name, params))[1])  # fmt: skip
    with pytest.raises(ImportRejectedError) as info:
        load(
            "bad.csv",
            HEAD + row + "\nBob,bob@example.com,2026-01-02,50,12.5,12.5,12.5,12.5,EMEA,4\n",
        )
    assert [(p.line, p.column, p.value) for p in info.value.problems] == [problem]
    assert asked == reads


def test_a_number_out_of_range_is_quoted_as_written(load, store):
    text = (
        HEAD
        + "Ann,ann@example.com,2026-01-02,150.00,25,25,25,25,EMEA,3\n"
        + ("Bob,bob@example.com,2026-01-02,1e2,25,25,25,25.0,EMEA,-4.50\n")
    )
    with pytest.raises(ImportRejectedError) as info:
        load("bad.csv", text)
    found = [(p.line, p.column, p.value) for p in info.value.problems]
    assert found == [(2, "SSI", "150.00"), (3, "Profile views", "-4.50")]
    assert "an SSI from 0 to 100" in info.value.problems[0].message
    assert store.df_sql("select count(*) as n from snapshots")["n"][0] == 0


@pytest.mark.parametrize(("delimiter", "first", "second"), [
    (",", "45", "45.0"),  # read as numbers
    (",", "45", "45%"),  # read as text
    (";", "45", "45,0"),  # a decimal comma: read as text
])  # fmt: skip
def test_copies_that_write_one_number_differently_are_one_reading(load, delimiter, first, second):
    head = "Name;Date;SSI;Brand;People;Insights;Relationships\n".replace(";", delimiter)
    rows = [f"Ann;2026-01-02;{v};11;11;11;12\n".replace(";", delimiter) for v in (first, second)]
    result = load("copies.csv", head + "".join(rows))
    assert (result.rows_loaded, result.rows_skipped) == (1, 1)
    assert "repeats line 2" in result.warnings[0].message
