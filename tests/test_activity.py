"""Activity and adoption: usage exports by week or date range, seat lists, the Analytics
activity export, "no data" seats, and the figures the Activity page shows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from conftest import table_state

from dashboard import DATA_DIR
from dashboard.errors import ImportRejectedError
from dashboard.export import to_csv_bytes
from dashboard.ingest import import_file, undo_import
from dashboard.scoring.activity import activity_vs_ssi, adoption
from dashboard.scoring.config import load_config
from dashboard.views.activity import activity_view, export_table, rep_table

SAMPLES = DATA_DIR / "samples"


def activity_rows(store, where: str = "true") -> pd.DataFrame:
    return store.df_sql(
        "select r.name, a.day, a.period_end, a.metric, a.value from activity a "  # noqa: S608 (test's own literal)
        f"join reps r using (rep_id) where {where} order by r.name, a.day, a.metric"
    )


def value(rows: pd.DataFrame, name: str, day: str, metric: str):
    hit = rows[
        (rows["name"] == name) & (rows["day"] == pd.Timestamp(day)) & (rows["metric"] == metric)
    ]
    return None if hit.empty else hit.iloc[0]


def test_weekly_usage_export_stores_each_week_once_and_blank_seats_as_no_data(store):
    result = import_file(store, SAMPLES / "usage_weekly.csv")
    assert result.format.startswith("Sales Navigator usage export")
    rows = activity_rows(store)
    ann = value(rows, "Ann Lee", "2026-11-02", "days_active")
    assert ann["value"] == 4 and ann["period_end"] == pd.Timestamp("2026-11-08")
    # One row per week and metric: a week's 30 profile views are not spread over 7 days.
    assert len(rows[(rows["name"] == "Ann Lee") & (rows["metric"] == "profile_views")]) == 2
    assert value(rows, "Ann Lee", "2026-11-09", "inmail_acceptance_rate")["value"] == 50
    assert value(rows, "Ann Lee", "2026-11-09", "coach_level")["value"] == 4  # "Expert"
    assert value(rows, "Ann Lee", "2026-11-02", "invitations_sent")["value"] == 6
    # Bob opted out of tracking: days active, searches and profile views are missing, not 0.
    assert value(rows, "Bob Roy", "2026-11-02", "days_active") is None
    assert value(rows, "Bob Roy", "2026-11-02", "leads_saved")["value"] == 2
    # Dan was idle: real zeros stay zeros.
    assert value(rows, "Dan Wu", "2026-11-09", "days_active")["value"] == 0
    # Cara's seat was never activated: two weeks of no data, no activity rows at all.
    assert rows[rows["name"] == "Cara Diaz"].empty
    gaps = store.df_sql("select r.name, g.day, g.period_end from activity_gaps g "
                        "join reps r using (rep_id) order by g.day")  # fmt: skip
    assert gaps["name"].tolist() == ["Cara Diaz", "Cara Diaz"]
    assert gaps["period_end"].tolist() == [pd.Timestamp("2026-11-08"), pd.Timestamp("2026-11-15")]
    # The SSI in a week's row is the reading at the week's end.
    ssi = store.df_sql("select day, ssi from snapshots order by day, ssi")
    assert ssi["day"].min() == pd.Timestamp("2026-11-08") and len(ssi) == 6
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (8, 8, 0)
    assert any("2 seat period(s) with no activity data" in n for n in result.notes)

    before = table_state(store)
    again = import_file(store, SAMPLES / "usage_weekly.csv")
    assert again.imported_before == result.import_id and table_state(store) == before


def test_date_range_export_is_one_period_and_undo_takes_it_out(store):
    result = import_file(store, SAMPLES / "usage_date_range.csv")
    rows = activity_rows(store)
    assert len(rows) == 8  # 2 people x 4 metrics, once each for the month
    ann = value(rows, "Ann Lee", "2026-10-01", "searches")
    assert ann["value"] == 40 and ann["period_end"] == pd.Timestamp("2026-10-31")
    undo_import(store, result.import_id)
    assert activity_rows(store).empty


def test_a_period_overlapping_a_stored_one_is_refused_and_nothing_is_written(store, write):
    import_file(store, SAMPLES / "usage_weekly.csv")
    before = table_state(store)
    daily = write(
        "daily.csv", "date,name,email,searches\n2026-11-04,Ann Lee,ann.lee@example.com,3\n"
    )
    with pytest.raises(ImportRejectedError) as caught:
        import_file(store, daily)
    message = str(caught.value)
    assert "daily.csv, line 2" in message
    assert (
        "searches for Ann Lee from 2026-11-04 to 2026-11-04 overlaps the period 2026-11-02 to 2026-11-08"
        in message
    )
    assert table_state(store) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("week,name,searches\n2026-13-40,Ann,1\n", "expected a date in this file's format"),
        ("start date,end date,name,searches\n2026-11-10,2026-11-01,Ann,1\n",
         "expected an end date on or after the start date (2026-11-10)"),
        ("start date,end date,name,searches\n2024-01-01,2025-06-30,Ann,1\n",
         "expected a period of at most 366 days"),
        ("week,name,coach level\n2026-11-02,Ann,Guru\n", "expected a coach level"),
    ],
)  # fmt: skip
def test_bad_periods_name_line_column_and_value(store, write, text, expected):
    with pytest.raises(ImportRejectedError) as caught:
        import_file(store, write("usage.csv", text))
    assert "usage.csv, line 2, column" in str(caught.value) and expected in str(caught.value)
    assert store.df_sql("select count(*) as n from activity")["n"][0] == 0


def test_seat_list_then_analytics_activity_export_counts_per_seat_and_day(store):
    seats = import_file(store, SAMPLES / "seats.csv")
    assert seats.format.startswith("Sales Navigator seat list")
    assert any("4 new seat(s)" in n for n in seats.notes)
    events = import_file(store, SAMPLES / "sales_navigator_activity.csv")
    assert events.format.startswith("Sales Navigator Analytics activity export")
    rows = activity_rows(store, "a.metric <> 'connections'")
    got = {(r.name, r.day.date().isoformat(), r.metric): r.value for r in rows.itertuples()
           if r.value}  # fmt: skip
    assert got == {
        ("Ann Lee", "2026-11-16", "searches"): 2,
        ("Ann Lee", "2026-11-16", "profile_views"): 1,
        ("Ann Lee", "2026-11-16", "leads_saved"): 1,  # 23:59:59 UTC is still the 16th
        ("Ann Lee", "2026-11-16", "days_active"): 1,
        ("Ann Lee", "2026-11-17", "inmails_sent"): 1,
        ("Ann Lee", "2026-11-17", "days_active"): 1,
        ("Bob Roy", "2026-11-16", "profile_views"): 1,
        ("Bob Roy", "2026-11-16", "messages_sent"): 1,  # the repeated activityId counts once
        ("Bob Roy", "2026-11-16", "days_active"): 1,
        ("Bob Roy", "2026-11-17", "connections_made"): 1,
        ("Bob Roy", "2026-11-17", "days_active"): 1,
        ("Dan Wu", "2026-11-17", "accounts_saved"): 1,
        ("Dan Wu", "2026-11-17", "days_active"): 1,
    }
    # A day with actions has every type counted, 0 where the seat did none of it.
    assert value(rows, "Dan Wu", "2026-11-17", "searches")["value"] == 0
    warnings = [str(w) for w in events.warnings]
    assert any("SMART_LINK_VIEWED" in w and "line 12" in w for w in warnings)
    assert any("1 row(s) repeat an activityId" in w for w in warnings)
    assert (events.rows_read, events.rows_loaded, events.rows_skipped) == (11, 5, 2)
    before = table_state(store)
    assert import_file(store, SAMPLES / "sales_navigator_activity.csv").imported_before
    assert table_state(store) == before
    undo_import(store, events.import_id)
    assert activity_rows(store, "a.metric <> 'connections'").empty


def test_activity_export_with_an_unknown_seat_or_time_is_refused(store, write):
    import_file(store, SAMPLES / "seats.csv")
    before = table_state(store)
    bad = write("activity.csv", "activityId,activityType,createdAt,seatId,memberIdentityKey\n"
                "a1,SEARCH_PERFORMED,2026-11-16 08:01:02,5001,k\n"
                "a2,SEARCH_PERFORMED,11-16-2026 08:01:02,7777,k\n")  # fmt: skip
    with pytest.raises(ImportRejectedError) as caught:
        import_file(store, bad)
    message = str(caught.value)
    assert ("activity.csv, line 2, column 'createdAt': value '2026-11-16 08:01:02': expected a "
            "time written MM-DD-YYYY HH:MM:SS (UTC)") in message  # fmt: skip
    assert "line 3, column 'seatId': value '7777': no person holds this seat" in message
    assert table_state(store) == before


def test_seat_reassigned_to_another_person_is_undone_exactly(store, write):
    import_file(store, write("seats1.csv", "seatId,Name,Email\n5001,Ann Lee,ann@example.com\n"))
    second = import_file(
        store, write("seats2.csv", "seatId,Name,Email\n5001,Eve Ng,eve@example.com\n")
    )
    holder = "select r.name from seats s join reps r using (rep_id) where seat_id = '5001'"
    assert store.df_sql(holder)["name"].tolist() == ["Eve Ng"]
    undo_import(store, second.import_id)
    assert store.df_sql(holder)["name"].tolist() == ["Ann Lee"]


def test_adoption_counts_seats_with_data_no_data_and_never_active():
    seats = pd.DataFrame({
        "rep_id": [1, 2, 3, 4, 5], "name": list("ABCDE"), "team": ["T"] * 5,
        "days_active": [12.0, None, 0.0, None, 3.0], "actions": [40.0, 5.0, 0.0, 0.0, 0.0],
        "active_recently": [True, True, False, False, False],
        "has_data": [True, True, True, False, True],
    })  # fmt: skip
    a = adoption(seats)
    assert (a.seats, a.with_data, a.active_recently, a.no_data, a.never_active) == (5, 4, 2, 1, 1)
    assert a.share_active == 0.5
    # Days active are known for three seats; the opted-out one is not a zero.
    assert sorted(a.days_active.tolist()) == [0.0, 3.0, 12.0]


def test_correlation_is_read_in_plain_words_and_says_it_is_a_correlation():
    config = load_config()
    n = 12
    rising = pd.DataFrame({"searches": range(n), "ssi": [30 + 3 * i for i in range(n)],
                           "ssi_change": [0.1 * ((i * 7) % 5) for i in range(n)]})  # fmt: skip
    reading = activity_vs_ssi(rising, "searches", "Searches performed", config)
    assert reading.with_level == pytest.approx(1.0)
    assert (
        "those with more searches performed tend to have a higher SSI: a strong link"
        in reading.reading
    )
    assert "not proof" in reading.reading
    few = activity_vs_ssi(rising.head(5), "searches", "Searches performed", config)
    assert few.with_level is None and "Too few reps" in few.reading


def test_activity_view_on_usage_files_matches_hand_counts(store):
    for name in ("usage_weekly.csv", "usage_date_range.csv"):
        import_file(store, SAMPLES / name)
    view = activity_view(store, [], date(2026, 11, 15), 90, "week", "days_active")
    a = view.adoption
    # Ann, Bob, Dan have data; Cara only "no data" weeks.
    assert (a.seats, a.with_data, a.no_data) == (4, 3, 1)
    company = view.trend[view.trend["group"] == "Company"].set_index("bucket")
    # Week of 2 Nov: Ann 4 and Dan 1 (Bob opted out: not a zero) -> 2.5 per seat, 2 seats.
    week = company.loc[pd.Timestamp("2026-11-02")]
    assert (week["average"], week["seats"]) == (2.5, 2)
    # October's rows cover a month: left out of a weekly chart and said so.
    assert view.left_out == 2
    monthly = activity_view(store, [], date(2026, 11, 15), 90, "month", "days_active")
    october = monthly.trend[(monthly.trend["group"] == "Company")].set_index("bucket")
    assert october.loc[pd.Timestamp("2026-10-01"), "average"] == pytest.approx((18 + 3) / 2)
    table = rep_table(view).set_index("name")
    assert table.loc["Ann Lee", "days_active"] == 18 + 4 + 5
    assert pd.isna(table.loc["Bob Roy", "days_active"])
    assert table.loc["Cara Diaz", "status"] == "no data"


def test_activity_export_is_formula_safe(store, write):
    import_file(store, write("usage.csv", 'week,name,searches\n2026-11-02,=HYPERLINK("x"),4\n'))
    view = activity_view(store, [], date(2026, 11, 15), 30, "week", "searches")
    csv = to_csv_bytes(export_table(view)).decode("utf-8-sig").splitlines()
    assert csv[0].startswith("Rep,Team,Status,Searches performed")
    assert csv[1].startswith("\"'=HYPERLINK")


def test_active_seats_per_week_follow_the_files(store):
    import_file(store, SAMPLES / "usage_weekly.csv")
    view = activity_view(store, [], date(2026, 11, 15), 30, "week", "days_active")
    weeks = view.active_seats.set_index("bucket")
    # Week of 9 Nov: Ann and Bob did something; Dan's zeros are data but not activity.
    assert weeks.loc[pd.Timestamp("2026-11-09")].tolist() == [3, 2]
    assert weeks.loc[pd.Timestamp("2026-11-02")].tolist() == [3, 3]


@pytest.mark.parametrize("as_of", [date(2026, 11, 20), date(2026, 11, 16), date(2026, 10, 4)])
def test_a_reps_activity_against_the_team_from_the_days(demo_store, as_of):
    """The self-check's chart, recomputed from daily rows: per week, the rep's value and the
    median of the team's seats (a seat's week counts for the team of its newest row)."""
    from datetime import timedelta

    from dashboard.scoring.activity import rep_against_team

    config = load_config()
    days = demo_store.df_sql(
        "select a.rep_id, a.day, a.team_id, a.metric, a.value, c.kind from activity a "
        "join metric_catalogue c using (metric) where a.day between $s and $e",
        {"s": as_of - timedelta(days=as_of.weekday() + 77), "e": as_of},
    )
    days["bucket"] = (days["day"] - pd.to_timedelta(days["day"].dt.day_of_week, "D")).dt.date
    days = days.sort_values("day")
    weeks = days.groupby(["rep_id", "bucket", "metric"]).agg(
        kind=("kind", "first"), team_id=("team_id", "last"), total=("value", "sum"),
        mean=("value", "mean"), latest=("value", "last"),
    ).reset_index()  # fmt: skip
    weeks["value"] = weeks["total"].where(weeks["kind"] == "count", weeks["latest"])
    weeks["value"] = weeks["value"].where(weeks["kind"] != "percent", weeks["mean"])
    weeks = weeks[weeks["metric"].isin(config.activity.metrics)]
    checked = 0
    for rep_id in (3, 17, 30):
        got = rep_against_team(demo_store, rep_id, as_of, 12, config)
        if got.empty:
            continue
        team_id = days[days["rep_id"] == rep_id]["team_id"].iloc[-1]
        team = weeks[weeks["team_id"] == team_id]
        for row in got.itertuples():
            week = pd.Timestamp(row.bucket).date()
            seats = team[(team["metric"] == row.metric) & (team["bucket"] == week)]
            assert row.seats == len(seats), (rep_id, row.metric, row.bucket)
            assert row.team_median == pytest.approx(seats["value"].median())
            mine = seats[seats["rep_id"] == rep_id]["value"]
            assert (pd.isna(row.you) and mine.empty) or row.you == pytest.approx(mine.iloc[0])
            checked += 1
    assert checked > 100


def test_a_seat_moved_in_the_current_week_counts_for_its_new_team_only(store, write):
    """The week as-of cuts short is grouped from the activity rows: a seat whose newest row
    of that week names another team is that team's seat that week, and no longer its old
    team's (the earlier week, from the weekly summary, stays with the old team)."""
    from dashboard.scoring.activity import rep_against_team

    import_file(store, write("daily.csv", (
        "date,name,team,searches,notes\n"
        "2026-11-09,Ann,North,6,x\n2026-11-09,Bob,South,2,\n2026-11-09,Cy,North,1,\n"
        "2026-11-16,Ann,North,3,\n2026-11-17,Ann,North,2,\n2026-11-18,Ann,South,4,moved\n"
        "2026-11-16,Bob,South,1,\n2026-11-17,Cy,North,5,\n"
    )))  # fmt: skip
    ids = dict(store.df_sql("select name, rep_id from reps").itertuples(index=False))
    as_of, config = date(2026, 11, 18), load_config()

    def weeks(name: str) -> list[tuple]:
        got = rep_against_team(store, ids[name], as_of, 2, config)
        return [(str(r.bucket)[:10], r.you, r.team_median, r.seats) for r in got.itertuples()]

    # South: Bob alone the week before; Bob and Ann (3 + 2 + 4 searches) this week.
    assert weeks("Bob") == [("2026-11-09", 2, 2, 1), ("2026-11-16", 1, 5, 2)]
    # North: Ann and Cy the week before; Cy alone this week.
    assert weeks("Cy") == [("2026-11-09", 1, 3.5, 2), ("2026-11-16", 5, 5, 1)]
