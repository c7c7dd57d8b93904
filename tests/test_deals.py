"""Deal exports from Salesforce, HubSpot and Pipedrive: what each imports, per rep, by hand;
a later export updates and never duplicates; undo restores; bad files write nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from dashboard.access import Viewer
from dashboard.actions.imports import import_upload, undo
from dashboard.errors import ImportRejectedError, StoreError
from dashboard.ingest import ImportOptions
from dashboard.store import Store
from dashboard.views.outcomes import Period, outcomes_view
from tests.conftest import after_query, as_admin

FILES = Path(__file__).parent / "files" / "deals"
SAMPLES = Path(__file__).parent.parent / "data" / "samples"
Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
ADMIN = as_admin("admin@example.com")


@pytest.fixture
def team(store) -> Store:
    """Four reps in two teams, read at the end of Q2 and of Q3 2026."""
    import_upload(store, ADMIN, FILES / "team_ssi_2026-09-30.csv", ImportOptions())
    return store


def load(store: Store, name: str, viewer: Viewer = ADMIN, **options):
    return import_upload(store, viewer, FILES / name, ImportOptions(**options))


def per_rep(store: Store) -> dict[str, tuple]:
    """rep -> (created, created amount, won, won amount, win rate) in Q3 2026."""
    reps = outcomes_view(store, [], Q3, ADMIN).reps
    return {r.rep: (r.deals_created, r.created_amount, r.deals_won, r.won_amount,
                    None if r.win_rate != r.win_rate else round(r.win_rate, 4))
            for r in reps.itertuples()}  # fmt: skip


def deals(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.df_sql(
        "select crm, crm_id, status, value, currency, created_day, closed_day from deals "
        "order by crm, crm_id").itertuples(index=False)]  # fmt: skip


def test_a_salesforce_report_in_xlsx_imports_with_its_preamble_totals_and_rates(team):
    with pytest.raises(ImportRejectedError) as refused:
        load(team, "salesforce_opportunities.xlsx")
    problem = refused.value.problems[0]
    assert (problem.line, problem.column, problem.value) == (8, "Opportunity Currency", "EUR")
    assert "expected USD, the store's currency" in problem.message and "--rate" in problem.message
    assert deals(team) == []  # nothing written
    result = load(team, "salesforce_opportunities.xlsx", rates={"EUR": 1.1})
    assert result.format.startswith("Salesforce") and (result.rows_loaded, result.rows_updated) == (
        6,
        0,
    )
    assert any("1 EUR = 1.1 USD" in n for n in result.notes)
    assert any("totals or notes" in n for n in result.notes)
    # By hand: Ann ("Lee, Ann" and "Ann Lee") created SF1 10,000 and SF2 5,000, won SF1 and
    # lost SF2; Bo created SF3 (20,000, open) and won SF4 (8,000 EUR = 8,800 USD) created in
    # June; Cleo ("Cleo Diaz", no accent) created and won SF5 12,000; Dan (by e-mail)
    # created SF6 3,000, won on 2 October, after Q3.
    assert per_rep(team) == {
        "Ann Lee": (2, 15000.0, 1, 10000.0, 0.5),
        "Bo Chen": (1, 20000.0, 1, 8800.0, 1.0),
        "Cleo Díaz": (1, 12000.0, 1, 12000.0, 1.0),
        "Dan Ode": (1, 3000.0, 0, 0.0, None),
    }
    sf4 = team.df_sql("select amount, currency, value, store_currency from deals "
                      "where crm_id = '0061x00000SF4AAA'").iloc[0].tolist()  # fmt: skip
    assert sf4 == [8000.0, "EUR", pytest.approx(8800.0), "USD"]


def test_a_hubspot_export_imports_and_a_later_one_updates_without_duplicates_then_undo(team):
    first = load(team, "hubspot_all_deals.csv")
    assert (first.rows_loaded, first.rows_updated) == (4, 0)
    # By hand: Ann ("ANN LEE") won 101 ($12,500.00); Cleo lost 102 ($4,000); Dan created 103
    # (7,250.50, open) and 104 (2,000, won).
    assert per_rep(team) == {
        "Ann Lee": (1, 12500.0, 1, 12500.0, 1.0),
        "Cleo Díaz": (1, 4000.0, 0, 0.0, 0.0),
        "Dan Ode": (2, 9250.5, 1, 2000.0, 1.0),
        "Bo Chen": (0, 0.0, 0, 0.0, None),
    }
    before = deals(team)
    again = load(team, "hubspot_all_deals.csv")
    assert again.imported_before == first.import_id and deals(team) == before
    later = load(team, "hubspot_all_deals_later.csv")  # 103 is won now
    assert (later.rows_loaded, later.rows_updated) == (0, 1)
    assert len(deals(team)) == 4
    assert per_rep(team)["Dan Ode"] == (2, 9250.5, 2, 9250.5, 1.0)
    undo(team, ADMIN, later.import_id)
    assert deals(team) == before
    undo(team, ADMIN, first.import_id)
    assert deals(team) == []


def test_a_pipedrive_export_with_decimal_commas_and_deleted_deals(team):
    result = load(team, "pipedrive_deals_export.csv")
    assert result.format.startswith("Pipedrive")
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (4, 3, 1)
    assert any("decimal comma" in n for n in result.notes)
    assert any("deleted deals" in n for n in result.notes)
    # By hand: Bo won 7 (1.500,00) and lost 8 (2.000,00); Cleo's 9 is open; Ann's 10 was
    # deleted in Pipedrive and is not kept.
    assert per_rep(team) == {
        "Bo Chen": (2, 3500.0, 1, 1500.0, 0.5),
        "Cleo Díaz": (1, 3000.0, 0, 0.0, None),
        "Ann Lee": (0, 0.0, 0, 0.0, None),
        "Dan Ode": (0, 0.0, 0, 0.0, None),
    }


@pytest.mark.parametrize("sample", ["salesforce_opportunities.csv", "hubspot_deals.csv",
                                    "pipedrive_deals.csv"])  # fmt: skip
def test_each_sample_export_imports_into_the_demo(demo_store, sample):
    before = demo_store.scalar("count_deals")
    result = import_upload(demo_store, ADMIN, SAMPLES / sample, ImportOptions())
    assert result.rows_loaded == result.rows_read > 10 and result.warning_count == 0
    assert demo_store.scalar("count_deals") == before + result.rows_loaded


def test_an_owner_no_rep_is_found_for_is_refused_until_mapped_or_left_out(team, write):
    path = write("opps.csv", "Opportunity ID,Opportunity Owner,Stage,Amount,Created Date,Close Date\n"
                             "A1,Ann L.,Closed Won,100,2026-07-01,2026-07-02\n"
                             "A2,Ann L.,Prospecting,200,2026-07-03,\n"
                             "A3,Partner Desk,Closed Won,300,2026-07-04,2026-07-05\n")  # fmt: skip
    with pytest.raises(ImportRejectedError) as refused:
        import_upload(team, ADMIN, path, ImportOptions())
    found = [(p.line, p.column, p.value) for p in refused.value.problems]
    assert found == [(2, "Opportunity Owner", "Ann L."), (4, "Opportunity Owner", "Partner Desk")]
    assert "(2 deal(s))" in refused.value.problems[0].message
    options = ImportOptions(owners={"Ann L.": "ann.lee@example.com", "Partner Desk": ""})
    result = import_upload(team, ADMIN, path, options)
    assert (result.rows_loaded, result.rows_skipped) == (2, 1)
    owners = team.df_sql("select distinct r.email from deals join reps r using (rep_id)")
    assert owners["email"].tolist() == ["ann.lee@example.com"]
    wrong = ImportOptions(owners={"Ann L.": "nobody@example.com", "Partner Desk": ""})
    with pytest.raises(ImportRejectedError) as refused:
        import_upload(
            team, ADMIN, write("opps2.csv", path.read_text().replace("\nA", "\nB")), wrong
        )
    assert "expected the e-mail of a rep the store knows" in refused.value.problems[0].message


def test_bad_cells_are_named_with_line_column_value_and_nothing_is_written(team, write):
    path = write("deals.csv",
                 "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Create Date\n"
                 "1,A,Closed Won,2026-07-09,Ann Lee,12abc,2026-07-01\n"
                 "2,B,Closed Won,,Ann Lee,-5,2026-07-01\n"
                 "2,C,Qualified To Buy,,Bo Chen,100,2026-02-30\n"
                 ",D,Qualified To Buy,,,100,2026-07-01\n")  # fmt: skip
    with pytest.raises(ImportRejectedError) as refused:
        import_upload(team, ADMIN, path, ImportOptions())
    found = {(p.line, p.column, p.value, p.message) for p in refused.value.problems}
    assert (
        2,
        "Amount",
        "12abc",
        "expected an amount: a number such as 12500 or 12,500.00",
    ) in found
    assert (3, "Amount", "-5", "expected an amount of 0 or more") in found
    assert (3, "Close Date", None, "expected the day a won deal closed") in found
    assert (4, "Record ID", "2", "expected one row per deal: line 3 has this id too") in found
    assert (4, "Create Date", "2026-02-30", "expected a date written YYYY-MM-DD") in found
    assert (5, "Record ID", None, "expected the deal's id") in found
    assert (5, "Deal owner", None, "expected the deal's owner (a rep's name or e-mail)") in found
    assert deals(team) == [] and team.scalar("count_imports") == 1


def test_a_file_in_another_currency_needs_a_rate_and_the_store_keeps_its_own(team, write):
    load(team, "hubspot_all_deals.csv")  # the store's currency: USD (amounts in $)
    path = write("eur.csv", "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Create Date\n"
                            "900,A,Closed Won,2026-07-09,Ann Lee,EUR 1.000,2026-07-01\n")  # fmt: skip
    with pytest.raises(ImportRejectedError) as refused:
        import_upload(team, ADMIN, path, ImportOptions())
    assert refused.value.problems[0].value == "EUR"
    with pytest.raises(ImportRejectedError):  # a currency given for amounts naming none
        import_upload(team, ADMIN, write("gbp.csv", path.read_text().replace("EUR ", "")),
                      ImportOptions(currency="GBP"))  # fmt: skip
    import_upload(team, ADMIN, path, ImportOptions(rates={"EUR": 1.25}))
    row = team.df_sql("select amount, currency, value, store_currency from deals "
                      "where crm_id = '900'").iloc[0].tolist()  # fmt: skip
    assert row == [1000.0, "EUR", 1250.0, "USD"]
    assert outcomes_view(team, [], Q3, ADMIN).currency == "USD"


def test_a_manager_imports_deals_of_their_teams_reps_only(team):
    boss = Viewer("boss@example.com", "manager", teams=("East",), managers_upload=True)
    with pytest.raises(ImportRejectedError) as refused:
        load(team, "hubspot_all_deals.csv", viewer=boss)  # Cleo and Dan are in West
    words = " ".join(p.message for p in refused.value.problems)
    assert "expected a deal of a rep of your teams (East)" in words and "West" not in words
    assert deals(team) == []
    assert load(team, "pipedrive_deals_export.csv", viewer=boss, owners={"Cleo Díaz": ""})


def test_the_store_refuses_a_faulty_import_that_writes_a_deal_twice(team, monkeypatch):
    after_query(monkeypatch, "write_deals")
    with pytest.raises(StoreError, match="one row per key in deals"):
        load(team, "hubspot_all_deals.csv")
    assert deals(team) == [] and team.scalar("count_imports") == 1


def test_a_file_that_is_no_deal_export_is_not_read_as_one(team, write):
    path = write(
        "people.csv", "name,email,team,ssi,date\nAnn Lee,ann.lee@example.com,East,60,2026-07-01\n"
    )
    result = import_upload(team, ADMIN, path, ImportOptions())
    assert "deals" not in result.format
    assert deals(team) == []


def test_a_demo_copy_still_has_its_deals_after_a_copy(demo_db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, copy)
    with Store(copy) as s:
        assert s.scalar("count_deals") > 1000


def test_the_import_command_reads_owners_rates_and_refuses_a_bad_rate(
    team, location, write, capsys
):
    from dashboard.cli import main

    path = write("opps.csv", "Opportunity ID,Opportunity Owner,Stage,Amount,Amount Currency,"
                             "Created Date,Close Date,Partner Note\n"
                             "C1,Ann L.,Closed Won,100,EUR,2026-07-01,2026-07-02,x\n"
                             "C2,Desk,Closed Won,300,USD,2026-07-04,2026-07-05,y\n")  # fmt: skip
    assert main(["import", str(path), "--db", str(location), "--rate", "EUR=1.5"]) == 2
    assert "Ann L." in capsys.readouterr().err
    mapped = ["import", str(path), "--db", str(location), "--owner",
              "Ann L.=ann.lee@example.com", "--owner", "Desk="]  # fmt: skip
    assert main([*mapped, "--rate", "EUR=abc"]) != 0
    assert "is not a rate" in capsys.readouterr().err
    assert main([*mapped, "--rate", "EUR=1.5"]) == 0
    out = capsys.readouterr().out
    assert "Salesforce deals export" in out and "'Partner Note' -> - (ignored)" in out
    assert "loaded 1 new" in out and "1 EUR = 1.5 USD" in out
    [row] = deals(team)
    assert row[:5] == ("salesforce", "C1", "won", 150.0, "EUR")
    assert [str(d)[:10] for d in row[5:]] == ["2026-07-01", "2026-07-02"]
