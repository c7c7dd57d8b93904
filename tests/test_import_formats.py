"""Every accepted format, written the way the real exports write it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard.errors import ImportRejectedError
from dashboard.fields import PILLARS
from dashboard.ingest import ImportOptions, import_file

LONG_HEADER = (
    "Name,Email,Team,SSI,Establish your professional brand,Find the right people,"
    "Engage with insights,Build relationships,Profile views,InMail acceptance rate\n"
)


def readings(store):
    return store.df_sql(
        "select r.name, s.day, t.name as team, s.ssi, s.brand, s.people, s.insights, "
        "s.relationships, s.industry_rank, s.network_rank from snapshots s join reps r using (rep_id) "
        "join teams t using (team_id) order by r.name, s.day"
    )


def test_team_export_with_long_pillar_names_and_date_in_file_name(load, store):
    result = load(
        "ssi_2026-11-20.csv",
        LONG_HEADER + "Ann Lee,ann@x.com,East,60.5,20,15,12.5,13,120,45%\n"
        "Bob Ray,bob@x.com,West,40,10,10,10,10,30,20%\n",
    )
    assert result.format == "Team SSI export (one row per person)"
    assert (result.rows_read, result.rows_loaded, result.rows_updated) == (2, 2, 0)
    mapped = {c.header: c.field for c in result.columns}
    assert mapped["Establish your professional brand"] == "brand"
    assert mapped["InMail acceptance rate"] == "inmail_acceptance_rate"
    rows = readings(store)
    assert rows["name"].tolist() == ["Ann Lee", "Bob Ray"]
    assert rows["day"].tolist() == [pd.Timestamp("2026-11-20")] * 2
    assert rows.loc[0, ["ssi", "brand", "insights"]].tolist() == [60.5, 20, 12.5]
    rate = store.df_sql(
        "select value from activity where metric = 'inmail_acceptance_rate' order by value"
    )
    assert rate["value"].tolist() == [20.0, 45.0]


def test_headers_match_loosely(load, store):
    result = load(
        "x.csv",
        "full_name,REPORT-DATE,social selling index,Brand Score,people,INSIGHTS,relationship\n"
        "Ann,2026-01-05,50,12.5,12.5,12.5,12.5\n",
    )
    fields = [c.field for c in result.columns]
    assert fields == ["rep_name", "day", "ssi", "brand", "people", "insights", "relationships"]
    assert readings(store)["ssi"].tolist() == [50]


def test_tracker_history_exact_headers_skips_failed_zero_rows(load, store):
    text = (
        "Date,Total_SSI,Industry_Rank,Network_Rank,Brand,People,Insights,Relationships,"
        "Total_Connections,SSI_Increase,Extra\n"
        "2026-02-01,52.6,10,12,20.97,6.38,10.25,15.0,900,0.1,x\n"
        "2026-02-02,0.0,0,0,0.0,0.0,0.0,0.0,0,0,x\n"
        "2026-02-04,53.0,9,12,21.0,6.5,10.5,15.0,905,0.4,x\n"
    )
    result = load("ssi_history.csv", text, rep="Dana Cole")
    assert result.format.startswith("SSI tracker history (Date, Total_SSI")
    assert (result.rows_loaded, result.rows_skipped) == (2, 1)
    assert any(w.line == 3 and "failed reading" in w.message for w in result.warnings)
    rows = readings(store)
    assert rows["day"].dt.day.tolist() == [1, 4]  # no row of zeros stored
    assert rows.loc[0, "industry_rank"] == 10
    conn = store.df_sql("select value from activity where metric = 'connections' order by day")
    assert conn["value"].tolist() == [900, 905]


def test_tracker_without_person_needs_rep(load, store):
    from dashboard.errors import ImportRejectedError

    with pytest.raises(ImportRejectedError, match="--rep"):
        load(
            "h.csv",
            "Date,Total_SSI,Brand,People,Insights,Relationships\n2026-01-01,40,10,10,10,10\n",
        )


def test_other_tracker_layout(load, store):
    text = (
        "ssi_overall_score,establish_your_professional_brand,find_the_right_people,"
        "engage_with_insights,build_relationships,date_created\n"
        "44.5,12,11,10.5,11,2026-03-07 09:15:02\n"
    )
    result = load("t.csv", text, rep="Eve")
    assert "ssi_overall_score" in result.format
    assert readings(store).loc[0, ["day", "ssi"]].tolist() == [pd.Timestamp("2026-03-07"), 44.5]


def test_ssi_page_json(load, store):
    doc = {
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
    result = load("ssi.json", json.dumps(doc), rep="Fay", day=date(2026, 11, 21))
    assert result.format == "LinkedIn SSI page JSON (one reading)"
    row = store.df_sql("select * from snapshots").iloc[0]
    assert (row.ssi, row.brand, row.people, row.industry_rank, row.network_ssi) == (
        52.6,
        20.97,
        6.38,
        10,
        36.0,
    )
    assert row.day == pd.Timestamp("2026-11-21")


def test_json_without_date_is_rejected(load, store):
    from dashboard.errors import ImportRejectedError

    with pytest.raises(ImportRejectedError, match="no date column and no date given"):
        load("ssi.json", '{"memberScore": {"overall": 50, "subScores": []}}', rep="Fay")


def test_template(load, store):
    result = load(
        "mine.csv",
        "date,name,email,team,ssi,brand,people,insights,relationships,industry_rank,network_rank\n"
        "2026-11-20,Ava Adams,ava@example.com,East,62.5,18.2,14.1,15.0,15.2,8,12\n",
    )
    assert result.format == "SSI dashboard template"
    assert readings(store).loc[0, "ssi"] == 62.5


def test_xlsx(store, tmp_path):
    path = tmp_path / "team.xlsx"
    pd.DataFrame({"Name": ["Ann", "Bob"], "Date": [pd.Timestamp("2026-05-01")] * 2, "SSI": [50.5, 30],
                  "Brand": [12, 8], "People": [13, 7], "Insights": [12.5, 7], "Relationships": [13, 8]}
                 ).to_excel(path, index=False)  # fmt: skip
    result = import_file(store, path)
    assert result.rows_loaded == 2
    assert "Excel" in result.notes[0]
    assert readings(store)["ssi"].tolist() == [50.5, 30]


def _workbook(path, rows, start_row=1, start_col=1):
    import openpyxl

    book = openpyxl.Workbook()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            book.active.cell(row=start_row + r, column=start_col + c, value=value)
    book.save(path)
    return path


@pytest.mark.parametrize(("start_row", "start_col"), [(1, 1), (4, 2)])
def test_xlsx_errors_name_the_sheet_row_people_see(store, tmp_path, start_row, start_col):
    """A title above the table, a blank row, a table that starts at B4: the row in the
    message is the row number Excel shows."""
    from datetime import datetime

    rows = [["Team SSI report"], [], ["Name", "Date", "SSI", "Brand", "People", "Insights",
            "Relationships", "Comment"], ["Ann", datetime(2026, 5, 1), 50, 12, 13, 12, 13, "ok"],
            ["Bob", datetime(2026, 5, 1), "fifty", 8, 7, 7, 8, None]]  # fmt: skip
    path = _workbook(tmp_path / "t.xlsx", rows, start_row, start_col)
    with pytest.raises(ImportRejectedError) as err:
        import_file(store, path)
    [problem] = err.value.problems
    assert (problem.line, problem.column, problem.value) == (start_row + 4, "SSI", "fifty")
    assert store.df_sql("select count(*) as n from snapshots")["n"][0] == 0


def test_a_workbook_past_the_cell_limit_is_refused_before_it_is_read(store, tmp_path, monkeypatch):
    rows = [["Name", "Date", "SSI"]] + [[f"Rep {i}", "2026-05-01", 40] for i in range(30)]
    path = _workbook(tmp_path / "big.xlsx", rows)
    monkeypatch.setenv("SSI_MAX_XLSX_CELLS", "60")
    with pytest.raises(ImportRejectedError) as err:
        import_file(store, path)
    assert "SSI_MAX_XLSX_CELLS" in str(err.value) and "60 cells" in str(err.value)
    monkeypatch.setenv("SSI_MAX_XLSX_CELLS", "1000")
    assert import_file(store, path).rows_loaded == 30


@pytest.mark.parametrize(
    ("encoding", "sep", "bom"),
    [
        ("utf-8-sig", ",", True),
        ("utf-16", "\t", True),
        ("cp1252", ",", False),
        ("utf-8", ";", False),
    ],
)
def test_encodings_and_delimiters(load, store, encoding, sep, bom):
    text = sep.join(["Name", "Date", "SSI", "Brand", "People", "Insights", "Relationships"]) + "\n"
    text += sep.join(["Zoë Müller", "2026-01-02", "41", "10", "11", "10", "10"]) + "\n"
    result = load("enc.csv", text, encoding=encoding)
    assert result.rows_loaded == 1
    assert readings(store)["name"].tolist() == ["Zoë Müller"]


def test_decimal_commas_and_percent(load, store):
    text = "Name;Date;SSI;Brand;People;Insights;Relationships;InMail acceptance rate\n"
    text += "Ann;21.11.2026;52,6;20,97;6,38;10,25;15;45%\n"
    result = load("eu.csv", text)
    assert any("decimal comma" in n for n in result.notes)
    assert any("DD.MM.YYYY" in n for n in result.notes)
    row = readings(store).iloc[0]
    assert (row.ssi, row.brand, row.day) == (52.6, 20.97, pd.Timestamp("2026-11-21"))


@pytest.mark.parametrize(
    ("dates", "expected", "label"),
    [
        (["11/21/2026", "11/22/2026"], [date(2026, 11, 21), date(2026, 11, 22)], "MM/DD/YYYY"),
        (["21/11/2026", "03/11/2026"], [date(2026, 11, 21), date(2026, 11, 3)], "DD/MM/YYYY"),
        (["08 Feb 2026", "09 Feb 2026"], [date(2026, 2, 8), date(2026, 2, 9)], "08 Feb 2026"),
        (["2026-11-21", "2026-11-22"], [date(2026, 11, 21), date(2026, 11, 22)], "YYYY-MM-DD"),
    ],
)
def test_date_order_decided_once_per_file(load, store, dates, expected, label):
    text = "Name,Date,SSI\n" + "".join(f'Ann,"{d}",40\n' for d in dates)
    result = load("d.csv", text)
    assert any(label in n for n in result.notes)
    got = store.df_sql("select day from snapshots order by day")["day"].dt.date.tolist()
    assert got == sorted(expected)


def test_ambiguous_dates_are_reported(load):
    result = load("d.csv", "Name,Date,SSI\nAnn,03/04/2026,40\nBob,05/06/2026,41\n")
    assert any("fits day-first and month-first" in n for n in result.notes)


def test_preamble_before_header_is_skipped(load, store):
    text = 'Notes:\n"Exported from a tool, with a note"\n\nName,Date,SSI\nAnn,2026-01-02,40\n'
    result = load("pre.csv", text)
    assert result.rows_loaded == 1
    assert "header on line 4" in result.notes[0]


def test_user_mapping_for_unknown_headers(load, store):
    text = "Mitarbeiter,Datum,Punkte\nAnn,2026-01-02,40\n"
    result = load("de.csv", text, mapping=["Mitarbeiter=rep_name", "Datum=day", "Punkte=ssi"])
    assert [c.how for c in result.columns] == ["mapped by you"] * 3
    assert readings(store).loc[0, "ssi"] == 40


def test_unknown_headers_are_reported_not_guessed(load):
    result = load("u.csv", "Name,Date,SSI,Favourite colour\nAnn,2026-01-02,40,blue\n")
    assert result.columns[3].how == "unknown" and result.columns[3].field is None


def test_page_messages_name_the_page_fields_not_command_flags(store, tmp_path):
    """The same file refused through the page names the page's field; through the CLI, the
    flag."""
    from dashboard.errors import ImportRejectedError
    from dashboard.ingest import ImportOptions
    from dashboard.ingest.hints import PAGE_HINTS

    path = tmp_path / "h.csv"
    path.write_text(
        "Date,Total_SSI,Brand,People,Insights,Relationships\n2026-01-01,40,10,10,10,10\n"
    )
    with pytest.raises(ImportRejectedError) as page:
        import_file(store, path, ImportOptions(hints=PAGE_HINTS))
    assert "Person field" in str(page.value) and "--" not in str(page.value)
    with pytest.raises(ImportRejectedError) as cli:
        import_file(store, path)
    assert "--rep NAME" in str(cli.value)


def test_a_linkedin_connections_export_is_refused_as_holding_no_ssi(store):
    """A real-shaped Connections.csv (notes before the header, an empty hidden-profile
    row): refused with the reason, nothing written."""
    from dashboard import PROJECT_DIR
    from dashboard.errors import ImportRejectedError

    with pytest.raises(ImportRejectedError, match="holds no SSI reading"):
        import_file(store, PROJECT_DIR / "tests" / "files" / "Connections.csv")
    assert store.df_sql("select count(*) as n from snapshots")["n"][0] == 0


def test_portuguese_tracker_headers_are_recognised(store):
    """A public Portuguese tracker's own file: pontuacao_* columns, data_coleta, and an
    hora_coleta time that is not a reading; a second identical run of the day is skipped."""
    from dashboard import PROJECT_DIR
    from dashboard.ingest import ImportOptions

    result = import_file(store, PROJECT_DIR / "tests" / "files" / "dados_ssi.csv",
                         ImportOptions(rep="Ana Souza"))  # fmt: skip
    assert (result.rows_loaded, result.rows_skipped) == (2, 1)
    hows = {c.header: (c.field, c.how) for c in result.columns}
    assert hows["pontuacao_relacionamentos"] == ("relationships", "matched")
    assert hows["hora_coleta"][1] == "ignored"
    rows = readings(store)
    assert rows["ssi"].tolist() == [38.0, 38.4] and rows["relationships"].tolist() == [12.55, 12.7]


def test_accented_and_ing_form_headers(load, store):
    text = ("Nome,Data,Pontuação geral,Establishing your professional brand,"
            "Finding the right people,Engaging with insights,Building relationships\n"
            "Ana,2026-11-18,40,10,10,10,10\n")  # fmt: skip
    result = load("x.csv", text)
    assert {c.field for c in result.columns} >= {"ssi", *PILLARS}


def test_one_metric_per_row_is_widened_without_inventing_values(store):
    from dashboard import PROJECT_DIR
    from dashboard.ingest import ImportOptions

    result = import_file(store, PROJECT_DIR / "tests" / "files" / "ssi_longo.csv",
                         ImportOptions(rep="Ana Souza"))  # fmt: skip
    assert result.rows_loaded == 2
    assert any("one metric per row" in n and "7 rows read as 2 readings" in n for n in result.notes)
    assert any("seguidores" in n for n in result.notes)  # said, not silently dropped
    rows = readings(store)
    assert rows["ssi"].tolist() == [38.0, 38.4]
    assert rows["brand"].tolist() == [9.5, 9.6]
    assert pd.isna(rows["people"].iloc[1])  # not in the file for that day: missing, not 0


def test_one_metric_per_row_with_two_values_for_one_metric_is_refused(load, store):
    from dashboard.errors import ImportRejectedError

    text = "date,metric,value\n2026-11-18,SSI,40\n2026-11-18,Brand,10\n2026-11-18,SSI,41\n"
    with pytest.raises(ImportRejectedError) as err:
        load("long.csv", text, rep="Ana")
    problem = err.value.problems[0]
    assert problem.line == 4 and problem.value == "41" and "first on line 2" in problem.message
    assert readings(store).empty


@pytest.mark.parametrize("data", [
    "Name,SSI\nZoë,40\n".encode(),
    "é".encode() * 5,  # a two-byte letter across every chunk boundary
    "ab€cd".encode(),  # three bytes, cut after one and after two
    b"abc\xffdef",  # a byte UTF-8 never has
    "aé".encode()[:-1],  # cut short at the end
    b"ab\xc3(cd",  # a lead byte without its continuation
    b"plain ascii",
])  # fmt: skip
def test_utf8_is_checked_in_chunks_exactly_as_a_whole_decode(monkeypatch, data):
    """The check of a file's UTF-8 reads it in chunks (no copy of a 125 MB text); small
    chunks here, so multi-byte letters straddle them. It finds what decoding whole finds."""
    from dashboard.ingest import sources

    monkeypatch.setattr(sources, "UTF8_CHECK_CHUNK", 3)
    try:
        data.decode("utf-8")
        expected = None
    except UnicodeDecodeError as exc:
        expected = (exc.start, exc.reason)
    found = sources.utf8_error(data)
    assert (None if found is None else (found.start, found.reason)) == expected


def test_utf8_with_one_bad_byte_is_refused_not_garbled(store, tmp_path):
    from dashboard.errors import ImportRejectedError

    path = tmp_path / "t_2026-11-20.csv"
    path.write_bytes("Name,SSI\nJosé Álvarez,40\nAnn,41\n".encode() + b"Bj\xf6rn,42\n")
    with pytest.raises(ImportRejectedError) as err:
        import_file(store, path)
    assert err.value.problems[0].line == 4 and "not UTF-8" in err.value.problems[0].message
    assert readings(store).empty


@pytest.mark.parametrize(
    ("text", "codec", "guess"),
    [
        ("Name,SSI\n山田太郎,40\n佐藤花子,41\n", "shift_jis", "Japanese"),
        (
            "Name,SSI\nИван Петров,40\nОльга Смирнова,41\nНаталья Кузнецова,39\n",
            "cp1251",
            "cp1251",
        ),
        ("Name,SSI\n王小明,40\n李华,41\n张伟,39\n", "gbk", "looks like"),
    ],
)
def test_other_scripts_are_refused_with_the_detectors_guess(store, tmp_path, text, codec, guess):
    path = tmp_path / "x_2026-11-20.csv"
    path.write_bytes(text.encode(codec))
    with pytest.raises(ImportRejectedError) as err:
        import_file(store, path)
    message = str(err.value)
    assert "x_2026-11-20.csv" in message and "encoding other than UTF-8" in message
    assert guess in message and "save the file again as UTF-8" in message
    assert readings(store).empty


@pytest.mark.parametrize(
    "text",
    [
        "Name,SSI\nJosé Álvarez,40\nBjörn Müller,41\n",
        "Name,SSI,Note\nZoë,40,cost 5€ – fine\n",
        "Name,SSI\nFrançois Léger,41\nHélène Dupré,40\n",
    ],
)
def test_windows_1252_is_read_whatever_latin_code_page_the_detector_guesses(store, tmp_path, text):
    path = tmp_path / "w_2026-11-20.csv"
    path.write_bytes(text.encode("cp1252"))
    import_file(store, path)
    names = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert readings(store)["name"].tolist() == sorted(names)


def test_a_file_past_the_size_limit_is_refused_without_reading_it_all(store, monkeypatch, tmp_path):
    from dashboard.errors import ImportRejectedError

    monkeypatch.setenv("SSI_MAX_FILE_MB", "1")
    big = tmp_path / "big.csv"
    with open(big, "wb") as out:
        out.truncate(50 * 1024**3)  # 50 GB, sparse: only 1 MB + 1 byte is read
    with pytest.raises(ImportRejectedError, match="larger than 1 MB"):
        import_file(store, big)
    with pytest.raises(ImportRejectedError, match="is not a file"):
        import_file(store, "/dev/zero")  # endless: not read at all


def test_a_quoted_cell_with_a_line_break_is_read(load, store):
    """Excel writes notes with line breaks inside quotes; the row is still one row."""
    text = (
        'Name,Date,SSI,Notes\nAnn,2026-11-20,40,"first line\nsecond line"\nBob,2026-11-20,50,ok\n'
    )
    result = load("notes.csv", text)
    assert result.rows_read == 2 and readings(store)["ssi"].tolist() == [40.0, 50.0]


def test_a_row_cut_short_is_refused_naming_its_line(load, store):
    from dashboard.errors import ImportRejectedError

    with pytest.raises(ImportRejectedError) as err:
        load("cut.csv", "Name,Date,SSI,Brand\nAnn,2026-11-20,40,10\nBob,2026-11-20\n")
    assert err.value.problems[0].line == 3 and "found 2" in err.value.problems[0].message
    assert readings(store).empty


def test_a_file_without_some_pillars_says_so_and_invents_nothing(load, store):
    result = load("ssi_only.csv", "Name,Date,SSI,Brand\nAnn,2026-11-20,40,12\n")
    assert any(
        "no column for people, insights, relationships" in w.message for w in result.warnings
    )
    from dashboard.scoring import leaderboard

    row = leaderboard(store, date(2026, 11, 20)).iloc[0]
    assert (
        pd.isna(row["people"]) and row["weakest_pillar"] is None or pd.isna(row["weakest_pillar"])
    )
    assert pd.isna(row["balanced"])


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            "Establishing Your Professional Brand,Finding The Right People,"
            "Engaging With Insights,Building Strong Relationships",
            PILLARS,
        ),
        ("PROFESSIONAL_BRAND,FIND_RIGHT_PEOPLE,INSIGHT_ENGAGEMENT,STRONG_RELATIONSHIP", PILLARS),
        ("Brand (0-25),People (0-25),Insights (0-25),Relationships (0-25)", PILLARS),
        ("SSI - Brand,SSI - People,SSI - Insights,Relationship building", PILLARS),
        ("Professional branding,Right people,Insight engagement,Strong relationship", PILLARS),
    ],
)
def test_pillar_headers_in_the_forms_people_and_tools_write(load, store, headers, expected):
    result = load("forms_2026-11-20.csv", f"Name,SSI,{headers}\nAnn,40,10,10,10,10\n")
    assert [c.field for c in result.columns][2:] == list(expected)
    assert result.warnings == []
    assert store.rows("date_range")  # stored, and with all four pillars:
    row = store.df_sql("select brand, people, insights, relationships from snapshots").iloc[0]
    assert row.tolist() == [10, 10, 10, 10]


def test_a_column_that_looks_like_a_pillar_gets_a_suggested_mapping(load):
    result = load("look_2026-11-20.csv", "Name,SSI,Brand awareness,People,Insights,Relationships,"
                  "Notes\nAnn,40,10,10,10,10,hi\n")  # fmt: skip
    hints = [w for w in result.warnings if w.column == "Brand awareness"]
    assert len(hints) == 1
    assert "looks like the brand pillar but was not read" in hints[0].message
    assert "--map 'HEADER=field' ('Brand awareness' = brand)" in hints[0].message
    assert not [w for w in result.warnings if w.column == "Notes"]


def test_line_numbers_count_the_line_breaks_inside_quoted_cells(load, store):
    text = ('Name,Date,SSI,Notes\nAnn,2026-11-20,40,"met at\nthe fair\nin May"\n'
            'Bob,2026-11-20,41,x\nCy,2026-11-20,140,"a\nb"\nDee,2026-11-20,150,y\n')  # fmt: skip
    with pytest.raises(ImportRejectedError) as err:
        load("notes_2026-11-20.csv", text)
    assert [p.line for p in err.value.problems] == [6, 8]  # the lines an editor shows


def test_a_portuguese_tracker_of_one_metric_per_row_with_descriptive_columns(store):
    """data_referencia;hora_referencia;secao;campo;valor_original;unidade;valor_numerico;
    escala;observacao;fonte: LinkedIn's Portuguese pillar names, the number in
    valor_numerico written with a decimal point although the file is separated by ';'."""
    path = Path(__file__).parent / "files" / "rastreador_ssi_metricas.csv"
    result = import_file(store, path, ImportOptions(rep="Ana Souza"))
    assert result.rows_loaded == 3
    assert any("'campo' names it, 'valor_numerico' holds it" in n for n in result.notes)
    assert any("left out: 'secao', 'valor_original'" in n for n in result.notes)
    rows = store.df_sql("select cast(day as varchar) as day, ssi, brand, people, insights, "
                        "relationships, industry_rank, network_rank from snapshots order by day")  # fmt: skip
    assert rows.iloc[0].tolist()[1:] == [38.12, 9.52, 8.75, 7.2, 12.65, 12.0, 9.0]
    assert rows.iloc[2].tolist()[1:6] == [21.048, 5.262, 5.262, 5.262, 5.262]
    assert rows["day"].tolist() == ["2026-11-18", "2026-11-19", "2026-11-20"]


def test_a_file_lacking_its_person_and_its_date_asks_for_both_at_once(store, tmp_path):
    from dashboard.errors import ImportRejectedError

    page = tmp_path / "ssi_page.json"
    page.write_bytes((Path(__file__).parents[1] / "data/samples/ssi_page.json").read_bytes())
    with pytest.raises(ImportRejectedError) as err:
        import_file(store, page)
    said = str(err.value)
    assert "names no person" in said and "no date column and no date given" in said
    assert err.value.total == 2
    result = import_file(store, page, ImportOptions(rep="Ann Lee", day=date(2026, 11, 20)))
    assert result.rows_loaded == 1 and "1 row read" in result.summary()


def test_a_sheet_as_excel_writes_it_is_measured_at_c_speed_and_agrees_with_the_exact_scan(tmp_path):
    """The fast measure (row numbers and the widest reference) and the exact scan of every
    tag agree on a workbook openpyxl writes, and the fast one leaves a far cell to the
    exact one."""
    import zipfile

    import openpyxl

    from dashboard.ingest.sources import _scan_sheet, _sheet_within

    book = openpyxl.Workbook()
    book.active.append(["Name", "Date", "SSI"])
    for i in range(200):
        book.active.append([f"Rep {i}", "2026-11-20", 40 + i % 50])
    book.active["K7"] = "a note"  # the widest cell is not on the first row
    path = tmp_path / "book.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/"))
        assert _sheet_within(archive, sheet, "book.xlsx", 201 * 11)
        assert not _sheet_within(archive, sheet, "book.xlsx", 201 * 11 - 1)  # K is 11 wide
        with pytest.raises(ImportRejectedError, match="more than 2,210 cells"):
            _scan_sheet(archive, sheet, "book.xlsx", 201 * 11 - 1)
        _scan_sheet(archive, sheet, "book.xlsx", 201 * 11)
